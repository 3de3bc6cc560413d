"""Recorded visible references: where the build keeps them and whether they are in sync.

``python -m course build`` executes a solution with ``COURSE_RECORD_REFERENCES`` set to a
scratch folder; the kernel writes ``<chapter>.json`` there (see ``course.check.references``) and
``install`` copies it to ``course/exercises/references/`` with a fingerprint of what the
references depend on: the solution cells, the visible part of the test cells and the chapter's
spec module. ``problems`` compares that fingerprint with the sources, without running anything.
"""

import hashlib
import json
from pathlib import Path

from course.assign.lint import uses_checker

RECORD_ENV = "COURSE_RECORD_REFERENCES"  # the same name as course.check.references.RECORD_ENV


def folder(root: Path) -> Path:
    """``course/exercises/references`` under ``root``."""
    return root / "course" / "exercises" / "references"


def _visible_part(source: str) -> str:
    lines, inside = [], False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def fingerprint(source_nb, chapter: str, root: Path) -> str:
    """sha256 of the solution cells, the visible test code and the chapter's spec module (or
    the modules of its spec package)."""
    digest = hashlib.sha256()
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            digest.update(cell.source.encode())
        elif meta.get("grade") and cell.cell_type == "code":
            digest.update(_visible_part(cell.source).encode())
    for spec in spec_files(chapter, root):
        digest.update(spec.read_bytes())
    return digest.hexdigest()


def spec_files(chapter: str, root: Path) -> list[Path]:
    """The chapter's spec module, or every module of its spec package (sorted); may be empty."""
    module = root / "course" / "exercises" / f"{chapter}.py"
    if module.exists():
        return [module]
    return sorted((root / "course" / "exercises" / chapter).glob("*.py"))


def install(recorded: Path, chapter: str, source_nb, root: Path) -> Path | None:
    """Copy the recorded references (or remove a stale file when none were recorded)."""
    target = folder(root) / f"{chapter}.json"
    if not recorded.exists():
        target.unlink(missing_ok=True)
        return None
    document = json.loads(recorded.read_text())
    document["source_sha256"] = fingerprint(source_nb, chapter, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, sort_keys=True, indent=1) + "\n")
    return target


def problems(chapter: str, source_nb, root: Path) -> list[str]:
    """One line per way the committed references disagree with the sources."""
    target = folder(root) / f"{chapter}.json"
    label = f"course/exercises/references/{chapter}.json"
    rebuild = f"run python -m course build {chapter}"
    if not uses_checker(source_nb.cells):
        return [f"{label}: stale (the chapter has no checks.exercise calls); {rebuild}"
                ] if target.exists() else []
    if not target.exists():
        return [f"{label}: missing; {rebuild}"]
    try:
        recorded = json.loads(target.read_text()).get("source_sha256")
    except ValueError:
        return [f"{label}: not valid JSON; {rebuild}"]
    if recorded != fingerprint(source_nb, chapter, root):
        return [f"{label}: out of date with the solution, the test cells or "
                f"course/exercises/{chapter}.py; {rebuild}"]
    return []
