"""course/device.py: explicit device choice and seeding."""

import random

import numpy as np
import pytest
import torch

import course
from course.device import get_device, set_seed


def test_default_device_follows_cuda_availability():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device().type == expected
    assert get_device("cpu") == torch.device("cpu")


def test_bad_device_requests_get_clear_errors():
    with pytest.raises(ValueError, match="prefer must be"):
        get_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no|is False"):
            get_device("cuda")


def test_set_seed_repeats_every_generator_and_returns_a_seeded_generator():
    generator = set_seed(7)
    first = (random.random(), np.random.rand(), torch.rand(1).item(),
             torch.rand(1, generator=generator).item())
    generator = set_seed(7)
    second = (random.random(), np.random.rand(), torch.rand(1).item(),
              torch.rand(1, generator=generator).item())
    assert first == second
    with pytest.raises(ValueError):
        set_seed(-1)


def test_import_has_no_side_effects_on_the_global_seed():
    import importlib

    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    importlib.reload(course)
    assert torch.equal(torch.rand(1), expected)


def test_the_package_and_the_grading_launchers_do_not_import_torch():
    """The sandbox launcher runs once per graded notebook: importing torch there cost ~1 s."""
    import subprocess
    import sys

    code = ("import sys, course, course.grade.sandbox, course.grade.run, course.grade.autograde,"
            " course.grade.polling\n"
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
    assert course.get_device().type in {"cpu", "cuda"}
    assert course.set_seed is set_seed
