"""Grading plumbing shared by the instructor commands and the tests: nbgrader in a course folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course.assign.build import ROOT, notebook_path


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader: its ``alembic`` must be on PATH (the venv's scripts)."""
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = scripts + os.pathsep + env.get("PATH", "")
    return env


def run_nbgrader(course_dir: Path, *args: str, check: bool = True,
                 timeout: float | None = 1800) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course_dir``; raise with its output when it fails.

    Args:
        course_dir: a folder holding ``nbgrader_config.py`` and ``source/``.
        args: the nbgrader sub-command and its arguments.
        check: raise ``RuntimeError`` (with nbgrader's output) on a non-zero exit.
        timeout: seconds before the call is killed.

    Returns:
        The completed process (stdout and stderr captured as text).
    """
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    result = subprocess.run(command, cwd=course_dir, env=nbgrader_env(), capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def prepare_course(course_dir: Path, chapters: list[str], root: Path = ROOT) -> Path:
    """Create a scratch course folder with the config and the named chapters' sources."""
    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", course_dir / "nbgrader_config.py")
    for chapter in chapters:
        shutil.copytree(root / "source" / chapter, course_dir / "source" / chapter,
                        dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return course_dir


def fill_answers(release_nb, answers: dict[str, str]):
    """Return a copy of a student notebook with the given solution cells' sources replaced.

    Args:
        release_nb: the student version (nbformat node).
        answers: maps a solution cell's ``grade_id`` to the source a student typed there.
    """
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def solution_answers(chapter: str, root: Path = ROOT) -> dict[str, str]:
    """The instructor's answer for every solution cell of a chapter, keyed by grade_id."""
    source = nbformat.read(notebook_path(chapter, "source", root), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def submit(course_dir: Path, chapter: str, student: str, nb) -> Path:
    """Place a notebook where nbgrader's autograde looks for ``student``'s submission."""
    target = course_dir / "submitted" / student / chapter / f"{chapter}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def read_scores(course_dir: Path, chapter: str,
                db_url: str | None = None) -> dict[str, dict[str, tuple[float, float]]]:
    """Scores in the gradebook: ``{student: {test grade_id: (score, max_score)}}``."""
    from nbgrader.api import Gradebook, MissingEntry

    os.environ["PATH"] = nbgrader_env()["PATH"]
    scores: dict[str, dict[str, tuple[float, float]]] = {}
    with Gradebook(db_url or f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in gradebook.students:
            try:
                notebook = gradebook.find_submission_notebook(chapter, chapter, student.id)
            except MissingEntry:
                continue
            scores[student.id] = {grade.name: (grade.score, grade.max_score)
                                  for grade in notebook.grades}
    return scores
