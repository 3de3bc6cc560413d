"""README's chapter table agrees with the chapters it describes."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def graded_cells(chapter: str) -> tuple[int, float]:
    """(graded test cells, their points) of ``source/<chapter>``."""
    cells = json.loads((ROOT / "source" / chapter / f"{chapter}.ipynb").read_text())["cells"]
    grades = [c["metadata"]["nbgrader"] for c in cells
              if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    return len(grades), sum(g.get("points", 0) for g in grades)


def test_readme_counts_each_chapters_exercises_and_points():
    rows = re.findall(r"^\| `(ch\d\d_\w+)` \|[^|]*\| (\d+) \((\d+) points\) \|",
                      (ROOT / "README.md").read_text(), flags=re.M)
    chapters = sorted(p.name for p in (ROOT / "source").iterdir() if p.name.startswith("ch"))
    assert [chapter for chapter, _, _ in rows] == chapters
    for chapter, exercises, points in rows:
        assert (int(exercises), int(points)) == graded_cells(chapter), chapter
