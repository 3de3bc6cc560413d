"""course/guard.py: tampering with the test helpers is undone before a test cell runs."""

import numpy as np
import torch

import course.checks as checks
from course.grade import guard


def test_restore_undoes_patched_functions_modules_and_rebound_names():
    real_allclose, real_assert_close, real_check = (torch.allclose, torch.testing.assert_close,
                                                    checks.check_tensor)
    guard.snapshot()
    namespace = {"checks": checks, "check_tensor": checks.check_tensor, "torch": torch, "np": np}
    try:
        torch.allclose = lambda *args, **kwargs: True
        torch.testing.assert_close = lambda *args, **kwargs: None
        np.allclose = lambda *args, **kwargs: True
        checks.check_tensor = lambda *args, **kwargs: None
        namespace["check_tensor"] = lambda *args, **kwargs: None
        namespace["torch"] = object()
        guard.restore(namespace)
        assert torch.allclose is real_allclose and not torch.allclose(torch.zeros(1),
                                                                      torch.ones(1))
        assert torch.testing.assert_close is real_assert_close
        assert checks.check_tensor is real_check
        assert namespace["check_tensor"] is real_check and namespace["torch"] is torch
        assert not np.allclose(0.0, 1.0)
    finally:
        torch.allclose, torch.testing.assert_close = real_allclose, real_assert_close
        checks.check_tensor = real_check


def test_restore_leaves_the_students_own_names_alone():
    guard.snapshot()

    def double(values):
        return values * 2

    namespace = {"double": double, "result": 3}
    guard.restore(namespace)
    assert namespace == {"double": double, "result": 3}


def test_restore_protects_the_checker_the_specs_and_the_hidden_references():
    """What the new checks rely on: checker modules, specs, hidden references, tensor methods."""
    import sys
    import types

    import pytest

    import course.exercises.ch01_tensors as spec_module
    from course.check import references, runner
    from course.check.render import CheckFailure

    def never_six(num_rolls, seed):
        torch.manual_seed(seed)
        return torch.randint(1, 6, (num_rolls,))

    references.install_hidden('{"installed": "by the grader"}')
    real = (runner.judge, checks.exercise, torch.Tensor.detach, references.visible)
    guard.snapshot()
    namespace = {"checks": checks, "exercise": checks.exercise}
    try:
        runner.judge = lambda *args, **kwargs: None
        checks.exercise = lambda *args, **kwargs: None
        namespace["exercise"] = lambda *args, **kwargs: None
        references._hidden_text = '{"forged": "by the student"}'
        references.visible = lambda *args, **kwargs: []
        torch.Tensor.detach = lambda self: self
        sys.modules["course.exercises.ch01_tensors"] = types.SimpleNamespace(EXERCISES=())
        guard.restore(namespace)
        assert (runner.judge, checks.exercise, references.visible) == (real[0], real[1], real[3])
        assert namespace["exercise"] is real[1]
        assert references._hidden_text == '{"installed": "by the grader"}'
        assert sys.modules["course.exercises.ch01_tensors"] is spec_module
        assert not torch.ones(1, requires_grad=True).detach().requires_grad
        with pytest.raises(CheckFailure, match="no roll is a 6"):
            namespace["checks"].exercise("dice_rolls", never_six)
    finally:
        runner.judge, checks.exercise, torch.Tensor.detach, references.visible = real
        sys.modules["course.exercises.ch01_tensors"] = spec_module
        references.install_hidden("")
