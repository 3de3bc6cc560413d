"""Plots the chapters share; each returns a matplotlib Figure and touches no global state."""

from collections.abc import Mapping, Sequence

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


def loss_curves(curves: Mapping[str, Sequence[float]], title: str = "Training loss",
                xlabel: str = "epoch", log_scale: bool = False,
                levels: Mapping[str, float] | None = None) -> Figure:
    """Plot several loss curves on one axis, to compare runs.

    Args:
        curves: maps a label to its losses, one number per epoch (or step).
        title: axes title.
        xlabel: what one point on the x axis is.
        log_scale: use a logarithmic y axis.
        levels: maps a label to a reference loss drawn as a dashed horizontal line (e.g. the
            loss of a baseline model).

    Returns:
        The Figure, with a legend naming every curve and level.
    """
    fig = Figure(figsize=(5.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    for label, losses in curves.items():
        ax.plot(range(1, len(losses) + 1), list(losses), label=label)
    for index, (label, level) in enumerate((levels or {}).items()):
        ax.axhline(level, color=f"C{len(curves) + index}", linestyle="--", linewidth=1,
                   label=label)
    ax.set(title=title, xlabel=xlabel, ylabel="loss")
    if log_scale:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def functions_and_slopes(x: torch.Tensor,
                         curves: Mapping[str, tuple[torch.Tensor, torch.Tensor]]) -> Figure:
    """Draw functions of one variable (top row) above their derivatives (bottom row).

    Args:
        x: the inputs, shape ``(N,)``.
        curves: maps a name to ``(f(x), f'(x))``, each of shape ``(N,)``; one column per name.

    Returns:
        The Figure: ``2 * len(curves)`` axes, the column of each function titled by its name.
    """
    xs = x.detach().cpu()
    fig = Figure(figsize=(2.4 * len(curves), 4.4), layout="constrained")
    axes = fig.subplots(2, len(curves), sharex=True, squeeze=False)
    for column, (name, (values, slopes)) in enumerate(curves.items()):
        for row, (curve, label) in enumerate([(values, name), (slopes, f"{name}'")]):
            ax = axes[row][column]
            ax.plot(xs, curve.detach().cpu(), color=f"C{row}")
            ax.axhline(0, color="black", linewidth=0.5)
            ax.axvline(0, color="black", linewidth=0.5)
            ax.set_title(f"{label}(x)", fontsize="medium")
            ax.grid(alpha=0.3)
        axes[1][column].set_xlabel("x")
    return fig


def network_diagram(layer_sizes: Sequence[int], highlight: int = 0) -> Figure:
    """Draw a fully connected network: one column of neurons per layer, every neuron linked to
    every neuron of the previous layer, and one hidden neuron's inputs and formula highlighted.

    Args:
        layer_sizes: neurons per layer, input layer first (at least 3 layers, so there is a
            hidden one).
        highlight: index of the neuron of the first hidden layer to highlight.

    Returns:
        The Figure (one axes, no ticks).
    """
    if len(layer_sizes) < 3 or min(layer_sizes) < 1:
        raise ValueError(f"need at least 3 non-empty layers, got {list(layer_sizes)}")
    if not 0 <= highlight < layer_sizes[1]:
        raise ValueError(f"highlight must index a neuron of layer 1 (size {layer_sizes[1]})")
    tallest = max(layer_sizes)
    positions = [[(column, (size - 1) / 2 - row) for row in range(size)]
                 for column, size in enumerate(layer_sizes)]
    fig = Figure(figsize=(1.9 * len(layer_sizes) + 1, 0.75 * tallest + 1.2), layout="constrained")
    ax = fig.add_subplot()
    for column in range(1, len(layer_sizes)):
        for row, (x_to, y_to) in enumerate(positions[column]):
            lit = column == 1 and row == highlight
            for x_from, y_from in positions[column - 1]:
                ax.plot([x_from, x_to], [y_from, y_to], color="C3" if lit else "0.75",
                        linewidth=1.6 if lit else 0.8, zorder=1)
    names = (["input layer"] + [f"hidden layer {i}" for i in range(1, len(layer_sizes) - 1)]
             + ["output layer"])
    for column, (name, column_positions) in enumerate(zip(names, positions, strict=True)):
        color = "C0" if column == 0 else "C2" if column == len(layer_sizes) - 1 else "C1"
        xs, ys = zip(*column_positions, strict=True)
        ax.scatter(xs, ys, s=420, color=color, edgecolor="black", zorder=2)
        ax.text(column, -(tallest - 1) / 2 - 0.9, name, ha="center", fontsize="medium")
    x_lit, y_lit = positions[1][highlight]
    ax.annotate("z = w·x + b\na = f(z)", (x_lit, y_lit), xytext=(x_lit + 0.25, y_lit + 0.6),
                color="C3", fontsize="medium", arrowprops={"arrowstyle": "->", "color": "C3"})
    ax.set_xlim(-0.5, len(layer_sizes) - 0.5)
    ax.set_ylim(-(tallest - 1) / 2 - 1.2, (tallest - 1) / 2 + 1.1)
    ax.set_axis_off()
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


def curves(series: Mapping[str, tuple[Sequence[float], Sequence[float]]], title: str,
           xlabel: str, ylabel: str, log_scale: bool = False) -> Figure:
    """Plot several curves, each with its own x values, on one axes.

    Args:
        series: maps a label to ``(x_values, y_values)`` of equal length.
        title, xlabel, ylabel: axes labels.
        log_scale: use a logarithmic y axis.

    Returns:
        The Figure.
    """
    fig = Figure(figsize=(6.5, 3.6), layout="constrained")
    ax = fig.add_subplot()
    for label, (x_values, y_values) in series.items():
        ax.plot(list(x_values), list(y_values), label=label, linewidth=1.2)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if log_scale:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig
