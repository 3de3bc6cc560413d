"""course/checks.py: every failure raises one specific message, shown as one ``✗`` line."""

import numpy as np
import pytest
import torch

from course import checks
from course.check.render import CheckFailure


def failure(capsys, function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as raised:  # an AssertionError: nbgrader scores it 0
        function(*args, **kwargs)
    out, err = capsys.readouterr()
    assert err == "", "checks must never write to stderr (nbgrader scores stderr as 0)"
    assert out == "", "the message is shown once, as the error's one line"
    assert isinstance(raised.value, AssertionError)
    assert raised.value._render_traceback_() == [f"✗ {raised.value}"]  # what IPython shows
    return str(raised.value)


def test_passing_checks_print_nothing_and_passed_prints_the_pass_line(capsys):
    checks.check_tensor(torch.ones(2, 3), torch.ones(2, 3), "x")
    checks.check_close(0.5, 0.5, "y")
    checks.check_shape(torch.zeros(4, 1), (4, 1), "z")
    checks.check_dtype(torch.zeros(1), torch.float32, "z")
    checks.check_raises(lambda: 1 / 0, ZeroDivisionError, "div")
    assert capsys.readouterr().out == ""
    checks.passed("make_grid")
    assert capsys.readouterr().out == "✓ make_grid: all visible checks passed.\n"


def test_shape_message_names_expected_and_actual_and_the_hint(capsys):
    message = failure(capsys, checks.check_shape, torch.zeros(4), (4, 1), "target",
                      hint="did you reshape the target with view(-1, 1)?")
    assert message == ("target: expected shape (4, 1), got (4,): "
                       "did you reshape the target with view(-1, 1)?")


def test_known_mistake_is_named_instead_of_a_generic_mismatch(capsys):
    data = torch.arange(6.0).reshape(2, 3)
    message = failure(capsys, checks.check_tensor, data.sum(dim=0), data.sum(dim=1), "row sums",
                      mistakes={"you summed over dim=0 (columns) instead of dim=1":
                                data.sum(dim=0)})
    assert "you summed over dim=0" in message
    same_shape = torch.tensor([3.0, 13.0])
    message = failure(capsys, checks.check_tensor, same_shape, data.sum(dim=1), "row sums",
                      mistakes={"you used max": data.max(dim=1).values}, hint="use sum")
    assert message.endswith("use sum") and "largest difference 1" in message


def test_dtype_and_type_failures(capsys):
    assert "expected dtype torch.float32, got torch.float64" in failure(
        capsys, checks.check_tensor, torch.ones(2, dtype=torch.float64), torch.ones(2))
    assert "should be a Tensor, got list" in failure(
        capsys, checks.check_tensor, [1.0, 1.0], torch.ones(2))
    checks.check_tensor(torch.ones(2, dtype=torch.float64), torch.ones(2), dtype=False)


def test_check_close_accepts_one_element_tensors_and_rejects_nan(capsys):
    checks.check_close(torch.tensor(2.0), 2.0)
    assert "expected 2, got nan" in failure(capsys, checks.check_close, float("nan"), 2.0)
    assert "single number" in failure(capsys, checks.check_close, torch.ones(2), 1.0)
    assert "forgot the mean" in failure(capsys, checks.check_close, 6.0, 2.0,
                                        mistakes={"forgot the mean": 6.0})


def test_check_raises_reports_the_wrong_exception_and_no_exception(capsys):
    assert "expected ValueError, got ZeroDivisionError" in failure(
        capsys, checks.check_raises, lambda: 1 / 0, ValueError, "f")
    assert "nothing was raised" in failure(capsys, checks.check_raises, lambda: 1, ValueError, "f")


def test_replacing_torch_allclose_cannot_make_a_wrong_answer_pass(capsys, monkeypatch):
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    failure(capsys, checks.check_tensor, torch.zeros(3), torch.ones(3))


def test_check_raises_passes_an_unsolved_stub_through_instead_of_judging_it(capsys):
    def stub():
        raise NotImplementedError

    for expected in (RuntimeError, ValueError):  # NotImplementedError is a RuntimeError
        with pytest.raises(NotImplementedError):
            checks.check_raises(stub, expected, "f")
    checks.check_raises(stub, NotImplementedError, "f")
    assert capsys.readouterr() == ("", "")


def test_in_a_kernel_a_failed_check_is_one_line_and_its_graded_cell_scores_0():
    import nbformat
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    nb = nbformat.v4.new_notebook()
    check = 'checks.check_close(1.0, 2.0, "mean", hint="divide by n")'
    nb.cells = [nbformat.v4.new_code_cell("from course import checks"),
                nbformat.v4.new_code_cell(check)]
    nb.cells[1].metadata = {"tags": ["raises-exception"], "nbgrader": {
        "grade": True, "grade_id": "test_mean", "points": 2, "solution": False, "locked": True}}
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    outputs = nb.cells[1].outputs
    assert [output.output_type for output in outputs] == ["error"]  # nothing on stdout or stderr
    assert outputs[0].ename == "CheckFailure"
    assert outputs[0].traceback == ["✗ mean: expected 2, got 1: divide by n"]
    assert determine_grade(nb.cells[1]) == (0, 2)
