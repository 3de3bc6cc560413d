"""Helpers for chapter 5 (loss functions): outlier data, line fitting, loss shapes, double softmax.

Every function is pure: it seeds its own ``torch.Generator`` where it needs randomness, reads no
global state, and the plotting functions return a ``matplotlib.figure.Figure`` (never pyplot).
Nothing runs at import time.
"""

import math
from collections.abc import Callable, Mapping, Sequence

import torch
from matplotlib.figure import Figure
from torch import nn

LossFunction = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def make_outlier_data(num_points: int = 11, true_weight: float = 1.5, true_bias: float = 0.5,
                      noise_std: float = 0.2, outlier_shift: float = 15.0, seed: int = 0,
                      dtype: torch.dtype = torch.float32
                      ) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Points close to a line, with exactly one point pushed far above it.

    Args:
        num_points: number of points (at least 3).
        true_weight, true_bias: the line ``y = true_weight * x + true_bias`` the data comes from.
        noise_std: standard deviation of the small Gaussian noise on every ``y``.
        outlier_shift: how far the one bad point is moved up (0 gives clean data).
        seed: seed of the private generator; the same seed always gives the same data.
        dtype: dtype of ``x`` and ``y``.

    Returns:
        ``(x, y, outlier_index)``: ``x`` and ``y`` of shape ``(num_points, 1)`` with ``x`` evenly
        spaced in [-2, 2], and the row index of the outlier (second to last point, so it tilts a
        line as well as lifting it).
    """
    if num_points < 3:
        raise ValueError(f"num_points must be at least 3, got {num_points}")
    generator = torch.Generator().manual_seed(seed)
    x = torch.linspace(-2.0, 2.0, num_points, dtype=torch.float64).unsqueeze(1)  # (N, 1)
    noise = torch.randn(num_points, 1, generator=generator, dtype=torch.float64) * noise_std
    y = true_weight * x + true_bias + noise  # (N, 1)
    outlier_index = num_points - 2
    y[outlier_index] += outlier_shift
    return x.to(dtype), y.to(dtype), outlier_index


def fit_line(x: torch.Tensor, y: torch.Tensor, loss_function: LossFunction,
             num_steps: int = 400, learning_rate: float = 0.25) -> tuple[float, float]:
    """Fit ``y ≈ weight * x + bias`` by full-batch gradient descent on ``loss_function``.

    The step size decays linearly to zero, so a loss whose gradient never shrinks (L1) settles
    instead of bouncing around its minimum. Runs in float64 on the CPU; starts from 0, 0.

    Args:
        x, y: data of shape ``(N, 1)``.
        loss_function: called as ``loss_function(prediction, y)`` with both of shape ``(N, 1)``,
            e.g. ``nn.MSELoss()``; must return a scalar tensor.
        num_steps: gradient-descent steps.
        learning_rate: the initial step size.

    Returns:
        ``(weight, bias)`` as Python floats.
    """
    inputs = x.detach().to("cpu", torch.float64).reshape(-1, 1)  # (N, 1)
    targets = y.detach().to("cpu", torch.float64).reshape(-1, 1)  # (N, 1)
    weight = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    for step in range(num_steps):
        loss = loss_function(inputs * weight + bias, targets)
        grad_weight, grad_bias = torch.autograd.grad(loss, (weight, bias))
        step_size = learning_rate * (1.0 - step / num_steps)
        with torch.no_grad():
            weight -= step_size * grad_weight
            bias -= step_size * grad_bias
    return weight.item(), bias.item()


def outlier_figure(x: torch.Tensor, y: torch.Tensor, fits: Mapping[str, tuple[float, float]],
                   outlier_index: int | None = None, true_line: tuple[float, float] | None = None
                   ) -> Figure:
    """Scatter the data, mark the outlier, and draw one fitted line per loss.

    Args:
        x, y: data of shape ``(N, 1)`` or ``(N,)``.
        fits: maps a label (e.g. ``"MSE"``) to the ``(weight, bias)`` fitted with that loss.
        outlier_index: row of the outlier, drawn as a red cross; None draws none.
        true_line: ``(weight, bias)`` of the line the clean data came from, drawn dashed.

    Returns:
        The Figure.
    """
    xs = x.detach().cpu().reshape(-1).double()
    ys = y.detach().cpu().reshape(-1).double()
    line_x = torch.linspace(float(xs.min()), float(xs.max()), 2, dtype=torch.float64)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    normal = torch.ones(len(xs), dtype=torch.bool)
    if outlier_index is not None:
        normal[outlier_index] = False
        ax.scatter(xs[outlier_index], ys[outlier_index], marker="x", s=80, color="red",
                   label="outlier", zorder=3)
    ax.scatter(xs[normal], ys[normal], s=20, color="black", label="data", zorder=3)
    if true_line is not None:
        ax.plot(line_x, true_line[0] * line_x + true_line[1], "k--", lw=1,
                label=f"truth: {true_line[0]:.2f}x + {true_line[1]:.2f}")
    for color, (label, (weight, bias)) in enumerate(fits.items()):
        ax.plot(line_x, weight * line_x + bias, color=f"C{color}", lw=2,
                label=f"{label}: {weight:.2f}x + {bias:.2f}")
    ax.set(xlabel="x", ylabel="y", title="One outlier: which loss follows it?")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def loss_shapes(errors: torch.Tensor, delta: float = 1.0) -> dict[str, tuple[torch.Tensor,
                                                                           torch.Tensor]]:
    """Per-element value and derivative of the regression losses at each error.

    Args:
        errors: 1-D tensor of errors ``prediction - target``.
        delta: ``delta`` of ``nn.HuberLoss`` and ``beta`` of ``nn.SmoothL1Loss``.

    Returns:
        Maps ``"MSE"``, ``"L1"``, ``"Huber"``, ``"SmoothL1"`` to ``(values, derivatives)``, each
        shaped like ``errors`` (float64); derivatives come from autograd.
    """
    functions = {
        "MSE": nn.MSELoss(reduction="none"),
        "L1": nn.L1Loss(reduction="none"),
        "Huber": nn.HuberLoss(reduction="none", delta=delta),
        "SmoothL1": nn.SmoothL1Loss(reduction="none", beta=delta),
    }
    result = {}
    for name, function in functions.items():
        prediction = errors.detach().to("cpu", torch.float64).clone().requires_grad_(True)
        values = function(prediction, torch.zeros_like(prediction))
        (derivatives,) = torch.autograd.grad(values.sum(), prediction)
        result[name] = (values.detach(), derivatives)
    return result


def loss_shapes_figure(delta: float = 1.0, max_error: float = 3.0) -> Figure:
    """Plot MSE, L1, Huber and SmoothL1 against the error, and their derivatives.

    Args:
        delta: ``delta`` of Huber and ``beta`` of SmoothL1 (the width of the quadratic zone).
        max_error: the errors shown run from ``-max_error`` to ``max_error``.

    Returns:
        The Figure (two panels: loss, derivative).
    """
    errors = torch.linspace(-max_error, max_error, 401, dtype=torch.float64)
    shapes = loss_shapes(errors, delta)
    fig = Figure(figsize=(9, 3.5), layout="constrained")
    value_ax, slope_ax = fig.subplots(1, 2)
    for name, (values, derivatives) in shapes.items():
        style = "--" if name == "SmoothL1" else "-"
        value_ax.plot(errors, values, style, label=name)
        slope_ax.plot(errors, derivatives, style, label=name)
    value_ax.set(xlabel="error = prediction - target", ylabel="loss of one element",
                 title=f"Loss (delta = beta = {delta:g})", ylim=(0, max_error ** 2 / 2 + 0.5))
    slope_ax.set(xlabel="error = prediction - target", ylabel="d loss / d prediction",
                 title="Derivative: L1 jumps at 0, MSE grows without bound")
    for ax in (value_ax, slope_ax):
        ax.axvline(0, color="gray", lw=0.5)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def double_softmax_curves(margins: torch.Tensor, num_classes: int = 3) -> dict[str, torch.Tensor]:
    """Cross-entropy loss and gradient size, the right way and with the double-softmax bug.

    Sample ``i`` has logits ``[margins[i], 0, ..., 0]`` and true class 0: a positive margin is a
    right prediction, a negative one a wrong prediction.

    Args:
        margins: 1-D tensor of logit margins of the true class.
        num_classes: number of classes (at least 2).

    Returns:
        ``"right_loss"``, ``"double_loss"`` (``nn.CrossEntropyLoss`` on the logits, and on their
        softmax) and ``"right_grad_norm"``, ``"double_grad_norm"`` (the norm of each sample's
        gradient with respect to its logits), all float64 and shaped like ``margins``.
    """
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    margins = margins.detach().to("cpu", torch.float64).reshape(-1)
    targets = torch.zeros(len(margins), dtype=torch.long)  # (M,)
    loss_function = nn.CrossEntropyLoss(reduction="none")
    result = {}
    for name, transform in (("right", lambda z: z), ("double", lambda z: torch.softmax(z, 1))):
        logits = torch.zeros(len(margins), num_classes, dtype=torch.float64)  # (M, C)
        logits[:, 0] = margins
        logits.requires_grad_(True)
        loss = loss_function(transform(logits), targets)  # (M,)
        (grad,) = torch.autograd.grad(loss.sum(), logits)
        result[f"{name}_loss"] = loss.detach()
        result[f"{name}_grad_norm"] = grad.norm(dim=1)
    return result


def double_softmax_floor(num_classes: int) -> float:
    """The smallest loss ``CrossEntropyLoss`` can give on softmax outputs: ``log(1 + (C-1)/e)``.

    It is reached by a perfect prediction (probability 1 on the true class), so with the bug the
    loss never goes to 0.
    """
    return math.log(1.0 + (num_classes - 1) / math.e)


def double_softmax_ceiling(num_classes: int) -> float:
    """The largest loss ``CrossEntropyLoss`` can give on softmax outputs: ``log(e + C - 1)``.

    The inputs it sees are probabilities (they sum to 1), so the worst case puts all the
    probability on one wrong class: ``logsumexp([0, 1, 0, ...]) - 0``. A confidently wrong
    prediction therefore costs at most this, however wrong it is.
    """
    return math.log(math.e + num_classes - 1)


def double_softmax_figure(max_margin: float = 12.0, num_classes: int = 3) -> Figure:
    """Plot loss and gradient norm against the true-class margin, right way vs double softmax.

    Args:
        max_margin: margins run from ``-max_margin`` to ``max_margin``.
        num_classes: number of classes.

    Returns:
        The Figure (two panels: loss, gradient norm on a log scale).
    """
    margins = torch.linspace(-max_margin, max_margin, 241, dtype=torch.float64)
    curves = double_softmax_curves(margins, num_classes)
    floor = double_softmax_floor(num_classes)
    ceiling = double_softmax_ceiling(num_classes)
    fig = Figure(figsize=(9, 3.5), layout="constrained")
    loss_ax, grad_ax = fig.subplots(1, 2)
    loss_ax.plot(margins, curves["right_loss"], label="CrossEntropyLoss(logits)")
    loss_ax.plot(margins, curves["double_loss"], label="CrossEntropyLoss(softmax(logits))")
    loss_ax.axhline(floor, color="gray", ls=":", label=f"floor log(1+(C-1)/e) = {floor:.3f}")
    loss_ax.axhline(ceiling, color="gray", ls="--",
                    label=f"ceiling log(e+C-1) = {ceiling:.3f}")
    loss_ax.set(xlabel="logit margin of the true class", ylabel="loss",
                title=f"Loss ({num_classes} classes)")
    grad_ax.semilogy(margins, curves["right_grad_norm"], label="right")
    grad_ax.semilogy(margins, curves["double_grad_norm"], label="double softmax")
    grad_ax.set(xlabel="logit margin of the true class", ylabel="|d loss / d logits|",
                title="Gradient size (log scale)")
    for ax in (loss_ax, grad_ax):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def curves_figure(curves: Mapping[str, Sequence[float]], title: str, ylabel: str,
                  xlabel: str = "step") -> Figure:
    """Plot several curves that share an x axis (e.g. one loss history per training set-up).

    Args:
        curves: maps a label to one number per step.
        title, ylabel, xlabel: axes labels.

    Returns:
        The Figure.
    """
    fig = Figure(figsize=(5.5, 3.5), layout="constrained")
    ax = fig.add_subplot()
    for label, values in curves.items():
        ax.plot(range(1, len(values) + 1), list(values), label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def make_blobs(num_per_class: int = 50, num_classes: int = 3, spread: float = 1.0,
               seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Gaussian clusters in 2-D, one per class, centres evenly spaced on a circle of radius 2.

    Args:
        num_per_class: points per class.
        num_classes: number of classes.
        spread: standard deviation of each cluster.
        seed: seed of the private generator.

    Returns:
        ``(features, labels)``: float32 ``(num_classes * num_per_class, 2)`` and int64 class
        indices ``(num_classes * num_per_class,)``.
    """
    generator = torch.Generator().manual_seed(seed)
    angles = torch.arange(num_classes, dtype=torch.float64) * (2 * math.pi / num_classes)
    centres = 2.0 * torch.stack([angles.cos(), angles.sin()], dim=1)  # (C, 2)
    labels = torch.arange(num_classes).repeat_interleave(num_per_class)  # (N,)
    noise = torch.randn(len(labels), 2, generator=generator, dtype=torch.float64) * spread
    features = centres[labels] + noise  # (N, 2)
    return features.float(), labels
