"""Run All on a blank release notebook of every converted chapter runs to its end (issue 17).

Executed with nbclient, which honours the ``raises-exception`` tag as JupyterLab does: an untagged
cell that raises stops the run and fails the test. Every unsolved exercise reports itself in one
line, no error shows more than 3 lines, nbgrader scores each errored test cell 0, and the last
cell prints the progress table.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

from course import exercises
from course.assign.build import notebook_path
from tests.conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _error_lines(output) -> list[str]:
    """What a student sees of an error output: its traceback lines, without colour codes."""
    return [line for entry in output.get("traceback", [])
            for line in ANSI.sub("", entry).splitlines()]


@pytest.fixture(scope="module", params=exercises.CHAPTERS)
def ran(request):
    """(chapter, the release notebook after Run All)."""
    chapter = request.param
    path = notebook_path(chapter, "release", ROOT)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return chapter, nb


def test_every_code_cell_runs_and_every_error_is_at_most_three_lines(ran):
    chapter, nb = ran
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "Run All stopped before the end"
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                assert "raises-exception" in cell.metadata.get("tags", []), index
                assert len(_error_lines(output)) <= 3, (index, _error_lines(output))
            assert not (output.output_type == "stream" and output.name == "stderr"), index


def test_each_unsolved_exercise_reports_itself_in_one_line_and_scores_0(ran):
    chapter, nb = ran
    specs = {exercise.grade_id: exercise for exercise in exercises.specs(chapter)}
    tests = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id")
             in specs and not cell.metadata["nbgrader"].get("solution")]
    assert len(tests) == len(specs)
    for cell in tests:
        exercise = specs[cell.metadata["nbgrader"]["grade_id"]]
        errors = [output for output in cell.outputs if output.output_type == "error"]
        assert len(errors) == 1 and _error_lines(errors[0]) == [
            f"✗ Exercise {exercise.number} (`{exercise.name}`) is not solved yet"]
        assert errors[0].ename == "NotSolved"
        assert determine_grade(cell) == (0, exercise.points)  # tagged, still an error: 0


def test_demo_cells_that_need_an_exercise_say_which_in_one_line(ran):
    chapter, nb = ran
    demos = [cell for cell in nb.cells if cell.cell_type == "code"
             and "raises-exception" in cell.metadata.get("tags", [])
             and not cell.metadata.get("nbgrader", {}).get("grade")]
    for cell in demos:
        lines = [line for output in cell.outputs if output.output_type == "error"
                 for line in _error_lines(output)]
        assert len(lines) == 1 and "is not solved yet" in lines[0], (cell.source[:60], lines)


def test_the_last_cell_prints_the_progress_table(ran):
    chapter, nb = ran
    last = nb.cells[-1]
    text = "".join(output.get("text", "") for output in last.outputs)
    total = sum(exercise.points for exercise in exercises.specs(chapter))
    count = len(exercises.specs(chapter))
    assert text.startswith(f"Progress in {chapter}")
    assert text.count("not attempted") == count
    assert text.rstrip().endswith(f"0 of {count} exercises pass their visible checks: "
                                  f"0 of {total} points")
