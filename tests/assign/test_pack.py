"""course/assign/pack.py: the student distribution holds no answer; its set-up command works.

A "solution line" is a line the course has only inside ``### BEGIN SOLUTION`` or ``### BEGIN
HIDDEN TESTS`` regions of ``source/`` (a line that also appears in a demo, a visible test or a
student helper is public anyway). The pack must contain none of them, no nbgrader markers, no
``source/``, ``solutions/``, gradebook or instructor machinery. The set-up test runs the pack's
``make setup`` in a fresh virtual environment that sees this environment's packages through a
``.pth`` file (so torch is not installed again) with pip's index switched off: nothing is
downloaded, and what the Makefile installs must already be satisfied or it fails.
"""

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from course.assign.build import BuildError, chapters, notebook_path
from course.assign.pack import MARKER, pack
from tests.conftest import ROOT

REGION = re.compile(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)")


def secret_lines(root: Path = ROOT) -> set[str]:
    """Stripped lines found only inside solution or hidden-test regions of ``source/``."""
    secret, public = set(), set()
    for chapter in chapters(root):
        for cell in nbformat.read(notebook_path(chapter, root=root), as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if REGION.search(line):
                    inside = "BEGIN" in line
                elif line.strip():
                    (secret if inside else public).add(line.strip())
    for helper in (root / "course").rglob("*.py"):  # the student side, shipped anyway
        if helper.relative_to(root / "course").parts[0] not in ("assign", "grade"):
            public.update(line.strip() for line in helper.read_text().splitlines())
    return secret - public


def answer_regions(chapter: str, root: Path = ROOT) -> list[tuple[str, str, set[str]]]:
    """(grade_id, "SOLUTION" or "HIDDEN TESTS", its stripped lines) for each region of a chapter.

    Args:
        chapter: the chapter's folder name.
        root: the repository.

    Returns:
        One entry per region of the source notebook, in order.
    """
    regions = []
    for cell in nbformat.read(notebook_path(chapter, root=root), as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        for match in re.finditer(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1",
                                 cell.source, re.DOTALL):
            regions.append((grade_id, match.group(1),
                            {line.strip() for line in match.group(2).splitlines()
                             if line.strip()}))
    return regions


def file_lines(path: Path) -> set[str]:
    if path.suffix == ".ipynb":
        text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    else:
        text = path.read_text(errors="replace")
    return {line.strip() for line in text.splitlines()}


def leaks(folder: Path, secrets: set[str]) -> list[str]:
    """Every way ``folder`` gives an answer away, one line each (empty when it gives none)."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if path.suffix in (".db", ".sqlite") or relative.split("/")[0] in ("source", "solutions"):
            found.append(f"{relative}: instructor file")
            continue
        text = path.read_text(errors="replace")
        if REGION.search(text) or "BEGIN HIDDEN" in text:
            found.append(f"{relative}: nbgrader marker")
        found += [f"{relative}: solution line {line!r}" for line in sorted(file_lines(path) &
                                                                             secrets)]
    return found


@pytest.fixture(scope="module")
def packed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack") / "dl-fundamentals-student"
    written = pack(folder)
    return folder, written


def test_the_pack_holds_no_solution_line_hidden_test_or_instructor_file(packed):
    folder, _ = packed
    secrets = secret_lines()
    assert leaks(folder, secrets) == []
    for chapter in chapters(ROOT):  # the leak check looks for a line of every answer
        cells = [cell.metadata.get("nbgrader", {}) for cell in
                 nbformat.read(notebook_path(chapter, root=ROOT), as_version=4).cells]
        regions = answer_regions(chapter)
        found = {kind: {grade_id for grade_id, region, _ in regions if region == kind}
                 for kind in ("SOLUTION", "HIDDEN TESTS")}
        assert found["SOLUTION"] == {c["grade_id"] for c in cells if c.get("solution")}
        assert found["HIDDEN TESTS"] == {c["grade_id"] for c in cells
                                         if c.get("grade") and not c.get("solution")}
        for grade_id, kind, lines in regions:
            assert lines & secrets, f"{chapter} {grade_id}: no line of its {kind} is secret"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*")}
    for absent in ("source", "solutions", "course/assign", "course/grade", "course/cli.py",
                   "course/__main__.py", "gradebook.db", "release"):
        assert absent not in names, absent


def test_the_pack_holds_every_student_module_of_the_package(packed):
    """Every module a notebook may import, subpackages included; nothing of the instructor's."""
    folder, _ = packed
    package = ROOT / "course"
    student_side = {p.relative_to(package).as_posix() for p in package.rglob("*.py")
                    if p.relative_to(package).parts[0] not in ("assign", "grade")
                    and p.name not in ("cli.py", "__main__.py") and "__pycache__" not in p.parts}
    packed_side = {p.relative_to(folder / "course").as_posix()
                   for p in (folder / "course").rglob("*.py")}
    assert packed_side == student_side
    assert {"checks.py", "__init__.py", "init_scale.py"} <= packed_side


def test_the_leak_check_finds_a_leak(packed, tmp_path):
    """The check itself: a solution notebook or an answer line dropped in is found."""
    folder, _ = packed
    chapter = chapters(ROOT)[0]
    nb = nbformat.read(notebook_path(chapter, "solutions", ROOT), as_version=4)
    nbformat.write(nb, tmp_path / "answers.ipynb")
    secret = sorted(secret_lines())[0]
    (tmp_path / "notes.py").write_text(f"x = 1\n    {secret}\n")
    found = leaks(tmp_path, secret_lines())
    assert any(line.startswith("answers.ipynb: solution line") for line in found)
    assert f"notes.py: solution line {secret!r}" in found


def test_the_pack_holds_every_release_notebook_unchanged_and_the_student_files(packed):
    folder, written = packed
    for chapter in chapters(ROOT):
        packed_nb = folder / chapter / f"{chapter}.ipynb"
        assert packed_nb.read_bytes() == notebook_path(chapter, "release", ROOT).read_bytes()
    for name in ("README.md", "START.md", "Makefile", "requirements.txt", "nbgrader_config.py",
                 "course/checks.py", "jupyter-config/labconfig/page_config.json", MARKER):
        assert (folder / name).is_file(), name
    assert "make lab" in (folder / "README.md").read_text()
    assert "solutions" not in (folder / "README.md").read_text()
    disabled = json.loads((folder / "jupyter-config/labconfig/page_config.json").read_text())
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
            "@jupyter/nbgrader:course-list"} <= set(disabled["disabledExtensions"])
    requirements = (folder / "requirements.txt").read_text().split()
    assert "torch" not in " ".join(requirements) and "nbgrader>=0.9.6" in requirements
    assert "jupyterlab>=4.2" in requirements and "ipywidgets>=8.1" in requirements
    assert len(written) >= len(chapters(ROOT)) + 6


def test_pack_refuses_a_folder_that_is_not_an_earlier_pack(tmp_path, packed):
    (tmp_path / "thesis.tex").write_text("mine")
    with pytest.raises(BuildError, match="not empty and not an earlier pack"):
        pack(tmp_path)
    assert (tmp_path / "thesis.tex").read_text() == "mine"
    folder, _ = packed
    (folder / "stale.txt").write_text("from an old pack")
    pack(folder)  # an earlier pack is replaced whole
    assert not (folder / "stale.txt").exists()


def fresh_venv_with_this_environment(venv: Path) -> Path:
    """A new venv whose site-packages point at this environment's (torch without a reinstall)."""
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "reuse_test_environment.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_the_set_up_command_works_in_a_fresh_venv(packed, tmp_path):
    folder, _ = packed
    venv = fresh_venv_with_this_environment(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS="", PIP_DISABLE_PIP_VERSION_CHECK="1")
    setup = subprocess.run(["make", "setup", f"VENV={venv}", f"PYTHON={sys._base_executable}"],
                           cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert (venv / ".installed").exists()
    python = str(venv / "bin" / "python")
    code = ("import course, course.checks, course.init_scale, importlib.util\n"
            "print(course.__file__)\n"
            "print(*(importlib.util.find_spec(f'course.{room}') for room in ('assign', 'grade')))")
    chapter = chapters(ROOT)[0]
    ran = subprocess.run([python, "-c", code], cwd=folder / chapter, env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    where, missing = ran.stdout.splitlines()
    assert Path(where).resolve() == (folder / "course" / "__init__.py").resolve()
    assert missing == "None None", "the instructor machinery must not be importable"
    # The reused packages' Jupyter files (nbgrader's "enable my extensions" config) live under
    # this environment's prefix; a real install puts them under the new venv's own prefix.
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(folder / "jupyter-config"),
                                                  str(Path(sys.prefix) / "etc" / "jupyter")])
    code = ("import json\n"
            "from jupyter_core.paths import jupyter_config_path\n"
            "from jupyter_server.extension.config import ExtensionConfigManager as M\n"
            "found = M(read_config_path=jupyter_config_path()).get_jpserver_extensions()\n"
            "print(json.dumps({k: v for k, v in found.items()\n"
            "                  if k.startswith(('nbgrader', 'course'))}))")
    server = subprocess.run([python, "-c", code], cwd=folder, env=env, capture_output=True,
                            text=True, timeout=300)
    assert server.returncode == 0, server.stderr
    assert json.loads(server.stdout) == {  # what jupyter_server enables for the student
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.assignment_list": False,
        "nbgrader.server_extensions.validate_assignment": False,  # course.validate's instead
        "course.validate": True}
