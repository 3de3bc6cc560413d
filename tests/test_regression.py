"""Tests of course.regression: the chapter 2 plots."""

import math

import torch
from matplotlib.figure import Figure

from course import regression


def test_curve_label_flags_divergence():
    assert regression.curve_label("lr = 0.1", [4.0, 2.0, 1.0]) == "lr = 0.1"
    assert regression.curve_label("lr = 2", [1.0, 3.0, 9.0]) == "lr = 2 (diverged)"
    assert regression.curve_label("lr = 9", [1.0, math.inf, math.nan]) == "lr = 9 (diverged)"
    assert regression.curve_label("nan first", [math.nan]) == "nan first (diverged)"
    assert regression.curve_label("empty", []) == "empty"


def test_loss_curves_draws_one_line_per_run_and_cuts_non_finite_values():
    fig = regression.loss_curves({"slow": [4.0, 3.9, 3.8], "fast": [4.0, 1.0, 0.1],
                                  "blows up": [4.0, 50.0, math.inf, math.nan]})
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [len(line.get_xdata()) for line in lines] == [3, 3, 2]
    assert ax.get_yscale() == "log"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["slow", "fast", "blows up (diverged)"]


def test_loss_curves_falls_back_to_linear_axis_for_zero_losses():
    fig = regression.loss_curves({"exact": [1.0, 0.0]}, log_scale=True)
    assert fig.axes[0].get_yscale() == "linear"
    assert regression.loss_curves({}, log_scale=False).axes[0].get_legend() is None


def test_derivative_plot_draws_function_and_each_derivative():
    points = torch.linspace(-2, 2, 50, requires_grad=True)
    values = torch.sin(points ** 2)
    by_hand = 2 * points * torch.cos(points ** 2)
    fig = regression.derivative_plot(points, values, {"by hand": by_hand, "autograd": by_hand})
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4  # f, two derivatives, the zero line
    assert torch.allclose(torch.as_tensor(lines[1].get_ydata()), by_hand.detach())


def test_step_size_errors_draws_log_log_curves_and_leaves_out_zero_errors():
    steps = [1e-1, 1e-2, 1e-3]
    fig = regression.step_size_errors(steps, {"central": [1e-3, 0.0, 1e-7],
                                              "forward": [1e-2, 1e-3, 1e-4]})
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    central, forward = ax.get_lines()
    assert list(central.get_xdata()) == [1e-1, 1e-3]  # the zero error is left out
    assert list(forward.get_ydata()) == [1e-2, 1e-3, 1e-4]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["central", "forward"]
