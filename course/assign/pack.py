"""``python -m course pack [DIR]``: the student distribution of a graded class, without answers.

The folder holds what a student needs and nothing an instructor keeps back: the release notebooks
(one folder per chapter, at the top, so the folder is the student's work folder), the start page,
the student helpers of ``course/`` (not ``course/assign`` or ``course/grade``, not the command
line), the student's Jupyter configuration (``deploy/student``: no instructor panels, no news
pop-up), a student README and a Makefile whose ``make lab`` sets everything up and opens
JupyterLab. No ``source/``, no ``solutions/``, no gradebook (``tests/assign/test_pack.py``).
"""

import json
import re
import shutil
from pathlib import Path

from course.assign.build import ROOT, BuildError, chapters, notebook_path
from course.assign.start import write_start_page

MARKER = ".course-pack"
INSTRUCTOR_ONLY = ("cli.py", "__main__.py")  # the command line builds and grades: not for students
INSTRUCTOR_ROOMS = ("assign", "grade")  # course/assign and course/grade: the instructor's machinery
#: Lab panels a packed student does not use: the instructor's, and the exchange's Assignment List
#: (a packed class hands work in through its learning platform; a hub class uses the hub instead).
PACK_DISABLED = ("@jupyter/nbgrader:assignment-list",)
TORCH_PIN = "torch==2.13.0"
HERE = Path(__file__).resolve().parent


def runtime_requirements(root: Path = ROOT) -> list[str]:
    """The course's runtime requirements from pyproject.toml, without torch and test tools."""
    text = (root / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S)
    if not block:
        raise BuildError("pyproject.toml: no [project] dependencies list found")
    requirements = re.findall(r'^\s*"([^"]+)",?', block.group(1), re.M)
    skipped = ("torch", "nbval")  # torch is pinned first (see the Makefile); nbval tests the repo
    return [r for r in requirements if not r.startswith(skipped)]


def _copy_helpers(target: Path, root: Path) -> list[str]:
    """Copy the student side of ``course/`` (every module and subpackage but the instructor's)."""
    source = root / "course"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(
        "__pycache__", *INSTRUCTOR_ONLY, *INSTRUCTOR_ROOMS))
    return sorted(f"course/{p.relative_to(target).as_posix()}" for p in target.rglob("*.py"))


def _copy_student_config(target: Path, root: Path) -> None:
    shutil.copytree(root / "deploy" / "student", target,
                    ignore=shutil.ignore_patterns("__pycache__", "nbgrader_config.py"))
    page_config = target / "labconfig" / "page_config.json"
    settings = json.loads(page_config.read_text())
    settings["disabledExtensions"].update({name: True for name in PACK_DISABLED})
    page_config.write_text(json.dumps(settings, indent=2) + "\n")
    server_config = target / "jupyter_server_config.json"
    settings = json.loads(server_config.read_text())
    settings["ServerApp"]["jpserver_extensions"][
        "nbgrader.server_extensions.assignment_list"] = False
    server_config.write_text(json.dumps(settings, indent=2) + "\n")


def pack(to: Path, root: Path = ROOT) -> list[str]:
    """Write the student distribution into ``to`` (replacing an earlier pack there).

    Args:
        to: the folder to write; it must be missing, empty or an earlier pack.
        root: the repository (``release/``, ``course/``, ``deploy/student``, ``pyproject.toml``).

    Returns:
        What was written, one line each.

    Raises:
        BuildError: ``to`` holds something that is not an earlier pack, or a chapter has no
            release notebook (run ``python -m course build`` first).
    """
    to = to.resolve()
    if to.exists() and any(to.iterdir()) and not (to / MARKER).exists():
        raise BuildError(f"{to} is not empty and not an earlier pack: choose another folder")
    names = chapters(root)
    for chapter in names:
        if not notebook_path(chapter, "release", root).exists():
            raise BuildError(f"release/{chapter} is missing: run python -m course build first")
    if to.exists():
        shutil.rmtree(to)
    to.mkdir(parents=True)
    (to / MARKER).write_text("written by python -m course pack; rewritten by the next pack\n")
    written = []
    for chapter in names:
        shutil.copytree(root / "release" / chapter, to / chapter,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        written.append(f"{chapter}/")
    written += _copy_helpers(to / "course", root)
    _copy_student_config(to / "jupyter-config", root)
    shutil.copy2(root / "deploy" / "student" / "nbgrader_config.py", to / "nbgrader_config.py")
    (to / "requirements.txt").write_text("\n".join(runtime_requirements(root)) + "\n")
    makefile = (HERE / "student_Makefile").read_text().replace("@TORCH_PIN@", TORCH_PIN)
    (to / "Makefile").write_text(makefile)
    (to / "README.md").write_text((HERE / "student_README.md").read_text())
    write_start_page(to, root)
    written += ["jupyter-config/", "nbgrader_config.py", "requirements.txt", "Makefile",
                "README.md", "START.md"]
    return written
