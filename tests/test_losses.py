"""course/losses.py: chapter 5 helpers (outlier data, line fits, loss shapes, double softmax)."""

import math

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from course import losses


def test_outlier_data_is_deterministic_with_one_outlier():
    x, y, outlier_index = losses.make_outlier_data(num_points=11, outlier_shift=15.0, seed=3)
    again = losses.make_outlier_data(num_points=11, outlier_shift=15.0, seed=3)
    clean_x, clean_y, _ = losses.make_outlier_data(num_points=11, outlier_shift=0.0, seed=3)
    assert x.shape == y.shape == (11, 1) and x.dtype == y.dtype == torch.float32
    assert torch.equal(x, again[0]) and torch.equal(y, again[1]) and outlier_index == again[2]
    assert torch.equal(x, clean_x)
    shift = (y - clean_y).reshape(-1)
    assert shift[outlier_index].item() == pytest.approx(15.0, abs=1e-5)
    assert torch.count_nonzero(shift.abs() > 1e-5).item() == 1
    assert float(x.min()) == -2.0 and float(x.max()) == 2.0


def test_outlier_data_rejects_too_few_points():
    with pytest.raises(ValueError, match="at least 3"):
        losses.make_outlier_data(num_points=2)


def test_fit_line_recovers_clean_line_and_mse_follows_the_outlier():
    x, y, _ = losses.make_outlier_data(num_points=11, outlier_shift=0.0, noise_std=0.0)
    for loss_function in (nn.MSELoss(), nn.HuberLoss(delta=1.0)):
        weight, bias = losses.fit_line(x, y, loss_function)
        assert weight == pytest.approx(1.5, abs=1e-4) and bias == pytest.approx(0.5, abs=1e-4)
    x, y, _ = losses.make_outlier_data(num_points=11, outlier_shift=15.0)
    moved = {name: losses.fit_line(x, y, function)
             for name, function in (("mse", nn.MSELoss()), ("l1", nn.L1Loss()),
                                    ("huber", nn.HuberLoss(delta=1.0)))}
    distance = {name: abs(weight - 1.5) + abs(bias - 0.5) for name, (weight, bias) in moved.items()}
    assert distance["mse"] > 2.0 > 0.5 > distance["huber"] > distance["l1"]
    assert losses.fit_line(x, y, nn.MSELoss()) == moved["mse"]  # deterministic


def test_loss_shapes_match_the_formulas():
    errors = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
    shapes = losses.loss_shapes(errors, delta=2.0)
    assert set(shapes) == {"MSE", "L1", "Huber", "SmoothL1"}
    values, derivatives = shapes["MSE"]
    assert torch.allclose(values, errors.double() ** 2)
    assert torch.allclose(derivatives, 2 * errors.double())
    assert torch.allclose(shapes["L1"][1], torch.tensor([-1.0, -1.0, 0.0, 1.0, 1.0],
                                                        dtype=torch.float64))
    huber, smooth_l1 = shapes["Huber"][0], shapes["SmoothL1"][0]
    assert torch.allclose(huber / 2.0, smooth_l1)
    assert torch.allclose(shapes["Huber"][1], torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0],
                                                           dtype=torch.float64))


def test_double_softmax_curves_show_the_floor_and_the_vanishing_gradient():
    margins = torch.tensor([-10.0, 0.0, 30.0])
    for num_classes in (2, 3, 10):
        curves = losses.double_softmax_curves(margins, num_classes)
        floor = losses.double_softmax_floor(num_classes)
        assert floor == pytest.approx(math.log(1 + (num_classes - 1) / math.e))
        assert curves["right_loss"][2].item() < 1e-10
        assert curves["double_loss"][2].item() == pytest.approx(floor, abs=1e-6)
        assert curves["right_loss"][1].item() == pytest.approx(math.log(num_classes))
        assert curves["double_grad_norm"][0].item() < 1e-3 * curves["right_grad_norm"][0].item()
    with pytest.raises(ValueError, match="at least 2"):
        losses.double_softmax_curves(margins, 1)


def test_double_softmax_ceiling_is_the_largest_loss_on_probabilities():
    for num_classes in (2, 3, 10):
        ceiling = losses.double_softmax_ceiling(num_classes)
        assert ceiling == pytest.approx(math.log(math.e + num_classes - 1))
        all_on_a_wrong_class = torch.zeros(1, num_classes, dtype=torch.float64)
        all_on_a_wrong_class[0, 1] = 1.0
        worst = nn.CrossEntropyLoss()(all_on_a_wrong_class, torch.tensor([0])).item()
        assert worst == pytest.approx(ceiling)
        probabilities = torch.softmax(10 * torch.randn(500, num_classes, dtype=torch.float64,
                                                       generator=torch.Generator().manual_seed(0)),
                                      dim=1)  # (500, C) random, often confident, predictions
        buggy = nn.CrossEntropyLoss(reduction="none")(probabilities, torch.zeros(500).long())
        floor = losses.double_softmax_floor(num_classes)
        assert buggy.min().item() >= floor - 1e-12 and buggy.max().item() <= ceiling + 1e-12


def test_make_blobs_shapes_and_determinism():
    features, labels = losses.make_blobs(num_per_class=7, num_classes=4, seed=1)
    assert features.shape == (28, 2) and features.dtype == torch.float32
    assert labels.dtype == torch.int64
    assert labels.tolist() == [k for k in range(4) for _ in range(7)]
    assert torch.equal(features, losses.make_blobs(num_per_class=7, num_classes=4, seed=1)[0])


@pytest.mark.parametrize("make", [
    lambda: losses.loss_shapes_figure(delta=0.5),
    lambda: losses.double_softmax_figure(max_margin=5.0, num_classes=4),
    lambda: losses.outlier_figure(*losses.make_outlier_data()[:2], {"MSE": (2.0, 1.0)},
                                  outlier_index=9, true_line=(1.5, 0.5)),
    lambda: losses.outlier_figure(torch.arange(3.0), torch.arange(3.0), {}),
    lambda: losses.curves_figure({"a": [3.0, 2.0], "b": [1.0, 0.5]}, "title", "loss"),
])
def test_figures_are_matplotlib_figures_with_content(make):
    fig = make()
    assert isinstance(fig, Figure)
    assert fig.axes and all(ax.lines or ax.collections for ax in fig.axes)
