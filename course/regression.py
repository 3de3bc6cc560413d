"""Plots for chapter 2 (autograd, gradient checks, linear regression); each returns a Figure.

Nothing here trains a model or computes a gradient: the notebook does that, these functions only
draw what it computed, and touch no global state.
"""

import math
from collections.abc import Mapping, Sequence

import torch
from matplotlib.figure import Figure


def _finite_prefix(values: Sequence[float]) -> list[float]:
    """The values up to (not including) the first NaN or infinity."""
    kept = []
    for value in values:
        value = float(value)
        if not math.isfinite(value):
            break
        kept.append(value)
    return kept


def curve_label(name: str, losses: Sequence[float]) -> str:
    """Legend label of one loss curve, flagging a run that diverged.

    Args:
        name: what the run is, e.g. ``"lr = 0.1"``.
        losses: its losses, first to last.

    Returns:
        ``name`` plus ``" (diverged)"`` when a loss is NaN or infinite or the last loss is
        larger than the first, else ``name`` unchanged.
    """
    values = [float(v) for v in losses]
    finite = _finite_prefix(values)
    if not values:
        return name
    if len(finite) < len(values) or finite[-1] > finite[0]:
        return f"{name} (diverged)"
    return name


def loss_curves(curves: Mapping[str, Sequence[float]], title: str = "Loss per step",
                xlabel: str = "step", log_scale: bool = True) -> Figure:
    """Several loss curves on one axes, e.g. one per learning rate.

    A run whose loss becomes NaN or infinite is drawn up to that point; runs that diverged are
    labelled so in the legend (see ``curve_label``).

    Args:
        curves: maps a label to that run's losses (one number per step or epoch).
        title: axes title.
        xlabel: what one point on the x axis is.
        log_scale: use a logarithmic y axis (losses spanning decades stay readable). Losses that
            are zero or negative cannot be drawn on it, so the axis falls back to linear then.

    Returns:
        The Figure (displayed when it is a cell's last expression).
    """
    fig = Figure(figsize=(5.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    all_positive = True
    for name, losses in curves.items():
        finite = _finite_prefix(losses)
        all_positive = all_positive and all(v > 0 for v in finite)
        ax.plot(range(1, len(finite) + 1), finite, label=curve_label(name, losses))
    ax.set(title=title, xlabel=xlabel, ylabel="loss")
    if log_scale and all_positive:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if curves:
        ax.legend()
    return fig


def derivative_plot(points: torch.Tensor, values: torch.Tensor,
                    derivatives: Mapping[str, torch.Tensor],
                    title: str = "A function and its derivative") -> Figure:
    """Plot f(x) and one or more versions of f'(x), e.g. worked out by hand and by autograd.

    Args:
        points: x values, shape ``(N,)``.
        values: f(x), shape ``(N,)``.
        derivatives: maps a label to f'(x) of shape ``(N,)``; the first is drawn as a solid line,
            the others as markers, so matching curves are visibly on top of each other.
        title: axes title.

    Returns:
        The Figure.
    """
    xs = points.detach().cpu().reshape(-1)
    fig = Figure(figsize=(5.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(xs, values.detach().cpu().reshape(-1), "k", label="f(x)")
    for index, (name, derivative) in enumerate(derivatives.items()):
        ys = derivative.detach().cpu().reshape(-1)
        if index == 0:
            ax.plot(xs, ys, f"C{index}", label=name)
        else:
            ax.plot(xs, ys, f"C{index}o", markersize=4, markevery=max(1, len(xs) // 25),
                    label=name)
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.set(title=title, xlabel="x")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def step_size_errors(steps: Sequence[float], errors: Mapping[str, Sequence[float]],
                     title: str = "Finite differences: error against the step ε") -> Figure:
    """Error of finite-difference derivatives against their step ε, on log-log axes.

    A zero error cannot be drawn on a log axis, so such points are left out of their curve.

    Args:
        steps: the ε values, e.g. ``[1e-1, 1e-2, ...]``.
        errors: maps a label (e.g. ``"central, float64"``) to the absolute error at each step.
        title: axes title.

    Returns:
        The Figure.
    """
    fig = Figure(figsize=(5.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    for name, values in errors.items():
        kept = [(float(s), float(v)) for s, v in zip(steps, values, strict=True) if v > 0]
        ax.plot([s for s, _ in kept], [v for _, v in kept], "o-", markersize=3, label=name)
    ax.set(xscale="log", yscale="log", title=title, xlabel="step ε",
           ylabel="|estimate − true derivative|")
    ax.invert_xaxis()  # smaller steps to the right
    ax.grid(alpha=0.3)
    if errors:
        ax.legend()
    return fig
