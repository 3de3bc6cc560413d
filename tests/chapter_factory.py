"""A tiny, valid nbgrader source chapter in a scratch root, for testing the build machinery."""

import shutil
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def solution_cell(grade_id: str, source: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False,
                                 "schema_version": 3, "solution": True, "task": False}
    return cell


def grade_cell(grade_id: str, source: str, points: int = 1):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "locked": True,
                                 "points": points, "schema_version": 3, "solution": False,
                                 "task": False}
    cell.metadata["tags"] = ["raises-exception"]  # Run All goes on past an unsolved exercise
    return cell


def tiny_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny chapter"),
        nbformat.v4.new_code_cell("import torch\nfrom course import checks"),
        solution_cell("ex_double", 'def double(values):\n    """Twice the input."""\n'
                      "    ### BEGIN SOLUTION\n    doubled_values_secret = values * 2\n"
                      "    return doubled_values_secret\n    ### END SOLUTION"),
        grade_cell("test_double",
                   "checks.check_tensor(double(torch.ones(2)), torch.full((2,), 2.0))\n"
                   "### BEGIN HIDDEN TESTS\n"
                   "checks.check_tensor(double(torch.arange(3.0)), torch.arange(3.0) * 2)\n"
                   "### END HIDDEN TESTS", points=2),
    ]
    return nb


def make_root(tmp_path: Path, repo_root: Path, chapter: str = "ch99_tiny", nb=None) -> Path:
    """Create ``tmp_path/root`` with nbgrader_config.py and ``source/<chapter>``; return it."""
    root = tmp_path / "root"
    (root / "source" / chapter).mkdir(parents=True)
    shutil.copy(repo_root / "nbgrader_config.py", root / "nbgrader_config.py")
    nbformat.write(nb if nb is not None else tiny_notebook(),
                   root / "source" / chapter / f"{chapter}.ipynb")
    return root
