"""course/data.py: deterministic synthetic regression data."""

import pytest
import torch

from course.data import make_linear_data


def test_shapes_dtype_and_determinism():
    x, y = make_linear_data(num_samples=50, seed=3)
    assert x.shape == (50, 1) and y.shape == (50, 1) and x.dtype == torch.float32
    x2, y2 = make_linear_data(num_samples=50, seed=3)
    assert torch.equal(x, x2) and torch.equal(y, y2)
    assert not torch.equal(x, make_linear_data(num_samples=50, seed=4)[0])


def test_data_follows_the_true_line_checked_by_least_squares():
    x, y = make_linear_data(num_samples=2000, true_weight=2.5, true_bias=-1.0, noise_std=0.5)
    design = torch.cat([x, torch.ones_like(x)], dim=1).double()  # (N, 2)
    solution = torch.linalg.lstsq(design, y.double()).solution.squeeze()
    assert solution[0].item() == pytest.approx(2.5, abs=0.05)
    assert solution[1].item() == pytest.approx(-1.0, abs=0.05)
    residual_std = (y.double() - design @ solution.unsqueeze(1)).std().item()
    assert residual_std == pytest.approx(0.5, abs=0.05)


def test_rejects_empty_data():
    with pytest.raises(ValueError, match="at least 1"):
        make_linear_data(num_samples=0)
