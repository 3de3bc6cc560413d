"""course/autograde.py: the preprocessors that keep grading fair, tested cell by cell."""

import nbformat
from nbformat.v4 import new_code_cell, new_output

from course.grade.autograde import (
    GUARD_CELL_ID,
    GUARD_RESTORE,
    DemoteStderr,
    InjectGuard,
    LimitOutputSize,
    StripGuard,
)


def graded_cell(source="checks.passed('x')"):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_x",
                                 "points": 1}
    return cell


def test_guard_is_injected_before_student_code_and_stripped_after():
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("x = 1"), graded_cell()])
    nb, _ = InjectGuard().preprocess(nb, {})
    assert nb.cells[0].id == GUARD_CELL_ID and nb.cells[2].source.startswith(GUARD_RESTORE)
    assert nb.cells[1].source == "x = 1"
    nb, _ = StripGuard().preprocess(nb, {})
    assert [c.source for c in nb.cells] == ["x = 1", "checks.passed('x')"]


def test_stderr_in_a_test_cell_is_kept_as_stdout_but_errors_are_untouched():
    cell = graded_cell()
    cell.outputs = [new_output("stream", name="stderr", text="UserWarning: deprecated\n"),
                    new_output("error", ename="AssertionError", evalue="wrong", traceback=[])]
    DemoteStderr().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].name == "stdout" and "UserWarning" in cell.outputs[0].text
    assert cell.outputs[1].output_type == "error"
    demo = new_code_cell("import warnings")
    demo.outputs = [new_output("stream", name="stderr", text="noise\n")]
    DemoteStderr().preprocess_cell(demo, {}, 0)
    assert demo.outputs[0].name == "stderr", "only test cells are changed"


def test_one_huge_line_and_huge_rich_output_are_trimmed():
    cell = new_code_cell("print('x' * 10**6)")
    cell.outputs = [new_output("stream", name="stdout", text="x" * 1_000_000),
                    new_output("display_data", data={"text/html": "<b>" + "y" * 3_000_000,
                                                     "text/plain": "<HTML>"})]
    LimitOutputSize(max_chars=1000).preprocess_cell(cell, {}, 0)
    assert len(cell.outputs[0].text) < 1200 and "output trimmed" in cell.outputs[0].text
    assert list(cell.outputs[1].data) == ["text/plain"]
    assert "removed" in cell.outputs[1].data["text/plain"]


def test_a_flood_is_dropped_while_the_cell_runs_and_its_error_is_kept(tmp_path):
    """nbclient keeps every output message it receives: an endless print grew the grader until
    the OOM killer took it. Here the flood stops being stored at the cap, as it arrives."""
    from course.grade.autograde import GuardedExecute

    flood = ("for _ in range(400):\n    print('x' * 50_000, flush=True)\n"
             "raise AssertionError('wrong answer')")
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(flood), new_code_cell("print('next')")])
    GuardedExecute(timeout=60, live_output_bytes=1_000_000).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}})
    kept = sum(len(o.get("text", "")) for o in nb.cells[0].outputs)
    assert 1_000_000 - 50_000 <= kept < 1_100_000  # of 20 million characters printed
    assert "output trimmed while the cell ran" in nb.cells[0].outputs[-2].text
    assert nb.cells[0].outputs[-1].ename == "AssertionError"
    assert nb.cells[1].outputs[0].text == "next\n", "the next cell starts with a fresh budget"


def test_the_notebook_budget_starts_after_the_kernel_and_the_graders_own_cell(tmp_path):
    """A slow kernel start or guard cell (a new fork server importing torch on a busy machine)
    left the first students of a worker no time: every cell 'not run'."""
    from course.grade.autograde import GuardedExecute

    guard = new_code_cell("import time\ntime.sleep(3)")
    guard.id = GUARD_CELL_ID
    nb = nbformat.v4.new_notebook(cells=[guard, new_code_cell("print('student')")])
    GuardedExecute(timeout=60, notebook_timeout=2).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}})
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs[0].text == "student\n"


def test_observation_replies_outside_a_request_are_output_like_any_other(tmp_path):
    """Only the grader's own requests get a reply's larger budget: a student's cell that
    floods with the reply type is capped like any flood."""
    from course.grade.autograde import GuardedExecute
    from course.grade.verdicts import MIME

    flood = ("from IPython.display import display\nfor _ in range(100):\n"
             f"    display({{{MIME!r}: 'x' * 50_000}}, raw=True)\n")
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(flood)])
    GuardedExecute(timeout=60, live_output_bytes=500_000).preprocess(
        nb, {"metadata": {"path": str(tmp_path)}})
    kept = [o for o in nb.cells[0].outputs if o.output_type == "display_data"]
    assert 5 <= len(kept) <= 11, "capped near 500 000 characters of 5 000 000"
