"""``python -m course start``: copy the student notebooks into a work folder, never overwriting,
and write the folder's start page (``START.md``: every chapter, what it teaches, a link)."""

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat

from course.assign.build import ROOT, notebook_path, resolve

STATE_FILE = ".course-start.json"
START_PAGE = "START.md"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def start(names: list[str], to: Path, root: Path = ROOT) -> list[str]:
    """Copy ``release/<chapter>/`` files into ``to/<chapter>/`` without touching a student's file.

    A file the student does not have yet is copied. A file the student has is never overwritten:
    when the release changed since it was copied, the new version is written beside it as
    ``<name>.v<hash>.ipynb`` and the returned messages say so.

    Args:
        names: chapters (``ch01_tensors`` or ``ch01``); all chapters when empty.
        to: the student's work folder (created when missing).
        root: repository root holding ``release/``.

    Returns:
        One message per file that was copied, offered beside, or left as it was.
    """
    to.mkdir(parents=True, exist_ok=True)
    state_path = to / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    messages = []
    for chapter in resolve(names, root):
        for released in sorted((root / "release" / chapter).rglob("*")):
            if not released.is_file() or ".ipynb_checkpoints" in released.parts:
                continue
            relative = released.relative_to(root / "release").as_posix()
            target = to / relative
            digest = _digest(released)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(released, target)
                messages.append(f"copied   {relative}")
            elif state.get(relative) == digest or _digest(target) == digest:
                messages.append(f"kept     {relative} (up to date)")
            else:
                beside = target.with_name(f"{target.stem}.v{digest[:8]}{target.suffix}")
                if not beside.exists():
                    shutil.copyfile(released, beside)
                messages.append(f"updated  {relative}: the course changed it; your file is "
                                f"untouched and the new version is {beside.name}")
            state[relative] = digest
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    return messages


def chapter_summary(path: Path) -> dict:
    """Title, opening paragraph, exercise count and points of one student notebook.

    The title is the first cell's ``# Chapter N — Title`` heading, the summary its first
    paragraph (the chapter's own words on what it teaches); exercises are the solution cells and
    points those of the graded test cells.
    """
    nb = nbformat.read(path, as_version=4)
    lines = nb.cells[0].source.strip().splitlines()
    title = re.sub(r"^#+\s*", "", lines[0]).strip()
    paragraph = []
    for line in lines[1:]:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    graded = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    return {"title": title, "summary": " ".join(paragraph),
            "exercises": sum(1 for m in graded if m.get("solution") and not m.get("task")),
            "points": sum(m.get("points", 0) for m in graded if m.get("grade"))}


def start_page(names: list[str], root: Path = ROOT, folder: str = "release") -> str:
    """The markdown of the start page: how to work, then one entry per chapter with its link."""
    entries = []
    for chapter in resolve(names, root):
        info = chapter_summary(notebook_path(chapter, folder, root))
        link = f"{chapter}/{chapter}.ipynb"
        entries.append(f"## [{info['title']}]({link})\n\n{info['summary']}\n\n"
                       f"{info['exercises']} exercises, {info['points']} points. "
                       f"Open [`{link}`]({link}).\n")
    return ("# Start here\n\n"
            "Your copy of the course: one folder per chapter, in order. Open a chapter, run it "
            "from the top (Run › Run All Cells), read, and solve each exercise in the cell that "
            "says `# YOUR CODE HERE`; the test cell below it tells you what is still wrong. "
            "nbgrader's **Validate** button, in the notebook's toolbar, runs every check of the "
            "chapter at once. Your notebooks are yours: the course never overwrites them.\n\n"
            + "\n".join(entries))


def write_start_page(to: Path, root: Path = ROOT, folder: str = "release") -> Path:
    """Write ``START.md`` into the work folder ``to`` (rewritten each time: it is the course's).

    Args:
        to: the student's work folder.
        root: repository root holding ``release/``.
        folder: where the chapter notebooks are read (``release`` in the repository).

    Returns:
        The path of the start page.
    """
    to.mkdir(parents=True, exist_ok=True)
    path = to / START_PAGE
    path.write_text(start_page([], root, folder))
    return path
