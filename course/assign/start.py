"""``python -m course start``: copy the student notebooks into a work folder, never overwriting."""

import hashlib
import json
import shutil
from pathlib import Path

from course.assign.build import ROOT, resolve

STATE_FILE = ".course-start.json"


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
