"""Staging: each submission is checked and copied before grading; the student's file is untouched.

Unreadable JSON is reported, nbgrader metadata a student changed is restored from the release, and a
deleted test cell is noted (nbgrader puts it back from the gradebook). The submission's other files
(``timestamp.txt``, ``submission_secret.txt`` from nbgrader's exchange, anything else the student
handed in) are copied beside it, as nbgrader's own autograde does: ``release_feedback`` needs them.
"""

import shutil
from pathlib import Path

import nbformat

STAGING = ".grading"


def release_cells(course_dir: Path, chapter: str) -> dict[str, dict]:
    """nbgrader metadata of the released notebook, by grade_id."""
    path = course_dir / "release" / chapter / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: dict(c.metadata["nbgrader"])
            for c in nb.cells if "nbgrader" in c.metadata}


def stage(submitted: Path, staged: Path, released: dict[str, dict]) -> list[str]:
    """Copy one submission to ``staged`` with its nbgrader metadata restored; return problems.

    Raises:
        ValueError: the file is not a readable notebook (the message says why), or it or its
            folders are symbolic links (they could point at any file the grader can read).
    """
    for path in (submitted, submitted.parent, submitted.parent.parent):
        if path.is_symlink():
            raise ValueError(f"{path.name} is a symbolic link")
    try:
        nb = nbformat.read(submitted, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - any unreadable file is reported the same way
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValueError(f"corrupt notebook ({type(error).__name__}: {first[:100]})") from error
    problems, seen = [], set()
    restored = 0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id in released and grade_id not in seen:
            seen.add(grade_id)
            if meta != released[grade_id]:
                cell.metadata["nbgrader"] = dict(released[grade_id])
                restored += 1
        elif meta is not None:
            del cell.metadata["nbgrader"]
            restored += 1
    if restored:
        problems.append(f"nbgrader metadata changed in {restored} cell(s): restored")
    missing = [g for g, m in released.items() if g not in seen and m.get("grade")
               and not m.get("solution")]
    if missing:
        problems.append(f"test cell(s) deleted: {', '.join(sorted(missing))} (restored)")
    staged.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, staged)
    return problems


def remove_symlinks(folder: Path) -> list[Path]:
    """Delete every symbolic link under ``folder``, so no copy or chmod follows one; the links.

    nbgrader copies every file of a student's autograded folder into the feedback folder and
    chmods them, following links; the grader never makes one there.
    """
    if not folder.is_dir():
        return []
    found = [path for path in folder.rglob("*") if path.is_symlink()]
    for path in found:
        path.unlink()
    return found


def copy_extras(folder: Path, staged_folder: Path, notebook_name: str) -> list[str]:
    """Copy every regular file of a submission folder except its notebook into the staged folder.

    nbgrader's autograde carries these files into ``autograded/``, where ``generate_feedback`` and
    ``release_feedback`` look for them (``submission_secret.txt`` names the feedback file in the
    exchange). Links are skipped (a link could point at another student's work), as are
    ``.ipynb_checkpoints`` folders.

    Args:
        folder: ``submitted/<student>/<chapter>``.
        staged_folder: the staged copy of that folder.
        notebook_name: the chapter notebook's file name (staged by ``stage`` instead).

    Returns:
        The copied files, relative to ``folder`` (posix paths, sorted).
    """
    copied = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if (path.is_symlink() or not path.is_file() or relative.as_posix() == notebook_name
                or ".ipynb_checkpoints" in relative.parts
                or any(part.is_symlink() for part in path.parents if folder in part.parents)):
            continue
        target = staged_folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(relative.as_posix())
    return copied
