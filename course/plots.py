"""Plots the chapters share; each returns a matplotlib Figure and touches no global state."""

from collections.abc import Sequence

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def loss_curve(losses: Sequence[float], title: str = "Training loss", xlabel: str = "epoch",
               log_scale: bool = False) -> Figure:
    """Plot a loss per epoch (or per step).

    Args:
        losses: one number per epoch.
        title: axes title.
        xlabel: what one point on the x axis is.
        log_scale: use a logarithmic y axis (useful when the loss spans decades).

    Returns:
        The Figure (displayed when it is a cell's last expression).
    """
    fig = Figure(figsize=(5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(range(1, len(losses) + 1), list(losses), marker="o" if len(losses) <= 30 else None)
    ax.set(title=title, xlabel=xlabel, ylabel="loss")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs and steps are whole numbers
    if log_scale:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    return fig


def fit_vs_truth(x: torch.Tensor, y: torch.Tensor, fitted_weight: float, fitted_bias: float,
                 true_weight: float, true_bias: float) -> Figure:
    """Scatter the data with the fitted line and the true line.

    Args:
        x, y: data of shape ``(N, 1)`` (or ``(N,)``).
        fitted_weight, fitted_bias: the line the model learned.
        true_weight, true_bias: the line the data came from.

    Returns:
        The Figure.
    """
    xs = x.detach().cpu().reshape(-1)
    ys = y.detach().cpu().reshape(-1)
    line_x = torch.linspace(float(xs.min()), float(xs.max()), 2)
    fig = Figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(xs, ys, s=12, alpha=0.6, label="data")
    ax.plot(line_x, true_weight * line_x + true_bias, "k--",
            label=f"truth: y = {true_weight:.3g}x + {true_bias:.3g}")
    ax.plot(line_x, fitted_weight * line_x + fitted_bias, "C3",
            label=f"fitted: y = {fitted_weight:.3g}x + {fitted_bias:.3g}")
    ax.set(xlabel="x", ylabel="y", title="Fitted line vs truth")
    ax.legend()
    return fig
