"""course/plots.py: figures are returned, not left open in pyplot."""

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure

from course import plots
from course.data import make_linear_data


def test_loss_curve_plots_every_point_without_touching_pyplot():
    before = plt.get_fignums()
    fig = plots.loss_curve([4.0, 2.0, 1.0], log_scale=True)
    assert isinstance(fig, Figure) and plt.get_fignums() == before
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == [4.0, 2.0, 1.0]
    assert fig.axes[0].get_yscale() == "log"


def test_loss_curves_draws_each_run_and_each_level_with_its_label():
    before = plt.get_fignums()
    fig = plots.loss_curves({"a": [3.0, 2.0], "b": [1.0, 0.5, 0.25]}, levels={"floor": 0.2})
    assert isinstance(fig, Figure) and plt.get_fignums() == before
    ax = fig.axes[0]
    assert [list(line.get_ydata()) for line in ax.lines[:2]] == [[3.0, 2.0], [1.0, 0.5, 0.25]]
    assert list(ax.lines[1].get_xdata()) == [1, 2, 3]
    assert list(ax.lines[2].get_ydata()) == [0.2, 0.2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "floor"]


def test_functions_and_slopes_puts_each_function_above_its_derivative():
    x = torch.linspace(-2, 2, 5)
    fig = plots.functions_and_slopes(x, {"relu": (torch.relu(x), (x > 0).float()),
                                         "square": (x**2, 2 * x)})
    top_left, top_right, bottom_left, bottom_right = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["relu(x)", "square(x)", "relu'(x)",
                                                   "square'(x)"]
    assert list(top_right.lines[0].get_ydata()) == [4.0, 1.0, 0.0, 1.0, 4.0]
    assert list(bottom_left.lines[0].get_ydata()) == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert list(bottom_right.lines[0].get_xdata()) == [-2.0, -1.0, 0.0, 1.0, 2.0]


def test_network_diagram_links_every_neuron_to_the_whole_previous_layer():
    fig = plots.network_diagram([3, 4, 2], highlight=1)
    ax = fig.axes[0]
    assert len(ax.lines) == 3 * 4 + 4 * 2
    assert [len(c.get_offsets()) for c in ax.collections] == [3, 4, 2]
    assert [t.get_text() for t in ax.texts] == ["input layer", "hidden layer 1", "output layer",
                                                "z = w·x + b\na = f(z)"]
    lit = [line for line in ax.lines if line.get_linewidth() > 1]
    assert len(lit) == 3 and all(line.get_xdata()[1] == 1 for line in lit)
    assert {line.get_ydata()[1] for line in lit} == {ax.collections[1].get_offsets()[1][1]}


def test_network_diagram_needs_a_hidden_layer():
    with pytest.raises(ValueError, match="at least 3"):
        plots.network_diagram([3, 2])
    with pytest.raises(ValueError, match="highlight"):
        plots.network_diagram([3, 4, 2], highlight=4)


def test_loss_curve_ticks_only_whole_epochs():
    fig = plots.loss_curve([1.3, 0.9, 0.6, 0.5, 0.45, 0.4, 0.38, 0.37, 0.36, 0.35,
                            0.34, 0.34, 0.33, 0.33, 0.33, 0.32, 0.32, 0.32, 0.32, 0.31])
    fig.canvas.draw()  # tick positions are settled when the figure is drawn
    ticks = [tick for tick in fig.axes[0].get_xticks() if 1 <= tick <= 20]
    assert ticks and all(float(tick).is_integer() for tick in ticks), ticks


def test_fit_vs_truth_draws_data_truth_and_fit():
    x, y = make_linear_data(num_samples=20)
    fig = plots.fit_vs_truth(x, y, 2.4, -0.9, 2.5, -1.0)
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == 20
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["data", "truth: y = 2.5x + -1", "fitted: y = 2.4x + -0.9"]
    fitted = ax.lines[1]
    xs = torch.tensor(fitted.get_xdata())
    assert torch.allclose(torch.tensor(fitted.get_ydata()), 2.4 * xs - 0.9)


def test_curves_draws_each_series_with_its_own_x_values():
    fig = plots.curves({"a": ([1, 2, 3], [1.0, 0.1, 0.01]), "b": ([0.5, 1.0], [2.0, 3.0])},
                       title="T", xlabel="epoch", ylabel="loss", log_scale=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert list(ax.lines[1].get_xdata()) == [0.5, 1.0]
    assert ax.get_yscale() == "log" and ax.get_title() == "T" and ax.get_xlabel() == "epoch"
