"""Validate (nbgrader's validator, as the student's Validate button runs it) says progress first.

A blank ch01 release and a half-solved one (two exercises answered right, one wrong) are validated
with ``SummaryValidator``: what ``nbgrader validate`` prints starts with the progress table
(passed / failed / not attempted, points), then nbgrader's own failure text and failed cells.
"""

import io
import re
from pathlib import Path

import nbformat
import pytest

from course.assign.build import notebook_path
from course.validate import DETAILS, SummaryValidator, summary, with_summary_first
from tests.conftest import ROOT
from tests.wrong_answers.ch01_tensors import WRONG_ANSWERS

CHAPTER = "ch01_tensors"
ROW = re.compile(r"^\s*(\d+)\s{2}(\w+)\s+(passed|failed|not attempted)\s+(\d+) / (\d+)$")


def _validate(notebook: nbformat.NotebookNode, folder: Path) -> str:
    """What nbgrader's validate_and_print prints for ``notebook`` (saved in ``folder``)."""
    path = folder / f"{CHAPTER}.ipynb"
    nbformat.write(notebook, path)
    validator = SummaryValidator()
    validator.stream = io.StringIO()
    validator.validate_and_print(str(path))
    return validator.stream.getvalue()


def _rows(text: str) -> dict[str, tuple]:
    return {m[2]: (m[3], int(m[4]), int(m[5]))
            for m in map(ROW.match, text.splitlines()) if m}


def _grade_ids(nb, solution: bool) -> list[str]:
    return [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution") is solution
            and cell.metadata["nbgrader"].get("grade_id")]


@pytest.fixture(scope="module")
def release():
    return nbformat.read(notebook_path(CHAPTER, "release", ROOT), as_version=4)


def test_a_blank_notebook_validates_to_every_exercise_not_attempted_first(release, tmp_path):
    printed = _validate(release, tmp_path)
    first, rest = printed.split("\n\n", 1)
    rows = _rows(first)
    assert first.startswith(f"Progress in {CHAPTER}")
    assert len(rows) == 12 and all(status == "not attempted" for status, _, _ in rows.values())
    total = sum(points for _, _, points in rows.values())
    assert first.splitlines()[-1] == (f"0 of 12 exercises pass, 0 failed, 12 not attempted: "
                                      f"0 of {total} points")
    assert rest.startswith("VALIDATION FAILED ON 12 CELL(S)!")  # then nbgrader's details
    assert rest.count("The following cell failed:") == 12


def test_a_half_solved_notebook_names_what_passed_failed_and_is_not_attempted(release, tmp_path):
    solution = nbformat.read(notebook_path(CHAPTER, "solutions", ROOT), as_version=4)
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in solution.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    half = nbformat.from_dict(release)
    exercises = _grade_ids(release, solution=True)
    right, wrong = exercises[0], exercises[1]  # dice_rolls right, normalize_pixels wrong
    for cell in half.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == right or grade_id == exercises[2]:
            cell.source = answers[grade_id]
        elif grade_id == wrong:
            cell.source = WRONG_ANSWERS[wrong]
    printed = _validate(half, tmp_path)
    first, rest = printed.split("\n\n", 1)
    rows = _rows(first)
    assert [rows[name][0] for name in ("dice_rolls", "normalize_pixels", "snapshot")] == [
        "passed", "failed", "passed"]
    assert sum(status == "not attempted" for status, _, _ in rows.values()) == 9
    earned = rows["dice_rolls"][1] + rows["snapshot"][1]
    assert earned == rows["dice_rolls"][2] + rows["snapshot"][2] > 0
    assert re.fullmatch(rf"2 of 12 exercises pass, 1 failed, 9 not attempted: {earned} of \d+ "
                        r"points", first.splitlines()[-1])
    assert rest.startswith("VALIDATION FAILED ON 10 CELL(S)!")
    assert "normalize_pixels" in rest.split("The following cell failed:")[1]  # nbgrader's order


def test_the_dialog_gets_the_summary_as_its_first_entry():
    rows = [(1, "dice_rolls", "passed", 2, 2), (2, "normalize_pixels", "not attempted", 0, 1)]
    text = summary(CHAPTER, rows)
    failed = [{"source": "checks.exercise(...)", "error": "✗", "raw_error": "✗"}]
    shown = with_summary_first({"failed": failed, "summary": text})["failed"]
    assert shown[0]["source"] == text and shown[0]["raw_error"] == DETAILS and shown[1:] == failed
    assert text.splitlines()[-1] == ("1 of 2 exercises pass, 0 failed, 1 not attempted: "
                                     "2 of 3 points")
    assert with_summary_first({"failed": failed}) == {"failed": failed}  # not a chapter: as is

