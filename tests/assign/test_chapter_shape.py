"""Every chapter has the course's shape: goals, exercises that state their points, pitfalls, a
summary and a link to the next chapter (README "Style")."""

import json
import re

import pytest

from tests.conftest import ROOT

CHAPTERS = sorted(p.name for p in (ROOT / "source").iterdir() if p.name.startswith("ch"))
HEADING = re.compile(r"^### Exercises? (\d+)(?:–(\d+))? — .+ \(([\d + ]+) points?\)$", re.M)


def markdown_and_points(chapter: str) -> tuple[str, list[int]]:
    """(all markdown of the source notebook, the points of its graded cells in order)."""
    cells = json.loads((ROOT / "source" / chapter / f"{chapter}.ipynb").read_text())["cells"]
    markdown = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    points = [c["metadata"]["nbgrader"]["points"] for c in cells
              if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    return markdown, points


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_exercise_heading_states_the_points_of_its_test_cell(chapter):
    markdown, points = markdown_and_points(chapter)
    stated = []
    for first, last, text in HEADING.findall(markdown):
        numbers = range(int(first), int(last or first) + 1)
        assert [int(p) for p in text.split("+")] == [points[n - 1] for n in numbers], (
            chapter, first, text)
        stated += numbers
    assert stated == list(range(1, len(points) + 1)), chapter


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_goals_pitfalls_summary_and_the_next_chapter(chapter):
    markdown, _ = markdown_and_points(chapter)
    following = CHAPTERS[(CHAPTERS.index(chapter) + 1) % len(CHAPTERS)]
    assert "**Goals.**" in markdown
    assert re.search(r"^## (\d+\. )?Pitfalls", markdown, re.M)
    assert re.search(r"^## Summary", markdown, re.M)
    assert f"](../{following}/{following}.ipynb)" in markdown
