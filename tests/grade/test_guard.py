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
