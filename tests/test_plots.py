"""course/plots.py: figures are returned, not left open in pyplot."""

import matplotlib.pyplot as plt
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
