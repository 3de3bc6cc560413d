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
