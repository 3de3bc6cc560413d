"""course/checks.py: every failure prints a specific message to stdout and raises."""

import numpy as np
import pytest
import torch

from course import checks


def failure(capsys, function, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as raised:
        function(*args, **kwargs)
    out, err = capsys.readouterr()
    assert err == "", "checks must never write to stderr (nbgrader scores stderr as 0)"
    assert out.strip() == f"✗ {raised.value}"
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
