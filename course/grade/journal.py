"""A grade run's journal: the submissions it finished, so that an interrupted run resumes.

``course grade`` appends one line per graded submission to ``.grading/<chapter>.journal``: the
student, a SHA-256 of the submitted notebook and the problems found. A run that ends removes the
file. A run that was stopped (scheduler lost, Ctrl-C, power cut) leaves it, and the next run skips
each student whose notebook is unchanged and whose scores are in the gradebook.
"""

import hashlib
import json
from pathlib import Path


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Journal:
    """The journal file of one chapter's run.

    Args:
        path: ``.grading/<chapter>.journal`` in the course folder.
    """

    def __init__(self, path: Path):
        self.path = path

    def finished(self) -> dict[str, dict]:
        """What an interrupted run finished: ``{student: {"sha256": ..., "problems": [...]}}``."""
        if not self.path.exists():
            return {}
        entries = {}
        for line in self.path.read_text().splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # the last line of a run killed while writing it
                continue
            entries[entry["student"]] = entry
        return entries

    def record(self, student: str, sha256: str, problems: list[str]) -> None:
        """Append one finished submission."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as handle:
            handle.write(json.dumps({"student": student, "sha256": sha256,
                                     "problems": problems}) + "\n")

    def close(self) -> None:
        """The run ended: the next one grades everything again."""
        self.path.unlink(missing_ok=True)
