"""Activation functions and their saturation, for chapter 3 and its input-scale widget.

Pure functions: nothing here reads or changes global state, and the numbers repeat exactly.
An input is *saturated* when the activation's slope there is below ``threshold`` (1 % by default)
of the activation's steepest slope: a gradient passing through it is cut by 100x or more.
"""

import math

import torch
from matplotlib.figure import Figure

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
LEAKY_SLOPE = 0.01  # torch's default negative_slope for leaky_relu
PEAK_DERIVATIVE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0}
SATURATION_THRESHOLD = 0.01
_NUM_SAMPLES = 8_000
_NUM_PLOT_POINTS = 401


def _check(input_scale: float, activation: str, threshold: float) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; "
                         f"got {activation!r}")
    if not (isinstance(input_scale, (int, float)) and math.isfinite(input_scale)
            and input_scale > 0):
        raise ValueError(f"input_scale must be a positive finite number, got {input_scale!r}")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must lie strictly between 0 and 1, got {threshold!r}")


def activation_and_derivative(x: torch.Tensor, activation: str) -> tuple[torch.Tensor,
                                                                        torch.Tensor]:
    """Values and analytic slopes of an activation, elementwise.

    Args:
        x: any float tensor.
        activation: one of ``ACTIVATIONS``.

    Returns:
        ``(f(x), f'(x))``, each the shape and dtype of ``x``. ReLU's slope at exactly 0 is 0,
        as in autograd.
    """
    if activation == "sigmoid":
        value = torch.sigmoid(x)
        return value, value * (1 - value)
    if activation == "tanh":
        value = torch.tanh(x)
        return value, 1 - value**2
    if activation == "relu":
        return torch.relu(x), (x > 0).to(x.dtype)
    if activation == "leaky_relu":
        slope = torch.where(x > 0, torch.ones_like(x), torch.full_like(x, LEAKY_SLOPE))
        return torch.nn.functional.leaky_relu(x, LEAKY_SLOPE), slope
    raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")


def _normal_inputs(input_scale: float, num_samples: int) -> torch.Tensor:
    """Evenly spaced quantiles of N(0, input_scale**2): a deterministic, noise-free sample."""
    levels = (torch.arange(num_samples, dtype=torch.float64) + 0.5) / num_samples
    return input_scale * torch.special.ndtri(levels)  # (num_samples,)


def saturation_stats(input_scale: float, activation: str,
                     threshold: float = SATURATION_THRESHOLD) -> dict:
    """How much of a layer's input lands where the activation's gradient (almost) vanishes.

    The inputs are pre-activations drawn from N(0, input_scale**2), represented by 8,000
    evenly spaced quantiles so the result is exact to about 2e-4 and identical on every call.

    Args:
        input_scale: standard deviation of the pre-activations (> 0).
        activation: "sigmoid", "tanh", "relu" or "leaky_relu".
        threshold: an input is saturated when f'(x) < threshold * max f'.

    Returns:
        A dict with ``activation``, ``input_scale``, ``threshold``, ``peak_derivative`` (max f'),
        ``saturated_share`` (fraction of inputs, in [0, 1]), ``mean_derivative`` (the average
        factor a gradient is multiplied by when it passes through the activation) and
        ``saturation_edge`` (the smallest |x| that is saturated, ``None`` for the ReLUs).
    """
    _check(input_scale, activation, threshold)
    x = _normal_inputs(float(input_scale), _NUM_SAMPLES)
    _, slope = activation_and_derivative(x, activation)
    peak = PEAK_DERIVATIVE[activation]
    saturated = slope < threshold * peak
    edge = None
    if activation == "sigmoid":  # s(1-s) = c  <=>  |x| = 2 * artanh(sqrt(1 - 4c))
        edge = 2 * math.atanh(math.sqrt(1 - 4 * threshold * peak))
    elif activation == "tanh":  # 1 - tanh(x)^2 = c  <=>  |x| = artanh(sqrt(1 - c))
        edge = math.atanh(math.sqrt(1 - threshold * peak))
    return {
        "activation": activation,
        "input_scale": float(input_scale),
        "threshold": threshold,
        "peak_derivative": peak,
        "saturated_share": saturated.double().mean().item(),
        "mean_derivative": slope.mean().item(),
        "saturation_edge": edge,
    }


def _set_ticks(axis, low: float, high: float, count: int) -> None:
    """Put ``count`` evenly spaced, short-labelled ticks on ``axis`` (an Axes' xaxis or yaxis).

    Fixed ticks draw several times faster than matplotlib's automatic locator.
    """
    positions = [low + (high - low) * i / (count - 1) for i in range(count)]
    axis.set_ticks(positions, labels=[f"{p:.3g}" if abs(p) > 1e-12 else "0" for p in positions])


def plot_activation(input_scale: float = 1.0, activation: str = "sigmoid") -> Figure:
    """Plot an activation and its slope over the range its inputs actually cover.

    The x axis spans +-4 input_scale (where 99.99 % of N(0, input_scale**2) inputs fall), so a
    large scale shows the curve as the layer sees it: mostly flat. Saturated regions are shaded
    red and the saturated share is written in the title; the grey area under the curve is the
    density of the inputs, so a wide red region where few inputs fall is not mistaken for a
    large share. Kept lean (fixed ticks, few texts) so
    one widget update stays well under 100 ms.

    Args:
        input_scale: standard deviation of the pre-activations (> 0).
        activation: "sigmoid", "tanh", "relu" or "leaky_relu".

    Returns:
        The Figure (two axes: f(x) and f'(x)).
    """
    stats = saturation_stats(input_scale, activation)
    span = 4 * float(input_scale)
    x = torch.linspace(-span, span, _NUM_PLOT_POINTS, dtype=torch.float64)
    value, slope = activation_and_derivative(x, activation)
    peak = stats["peak_derivative"]
    limit = stats["threshold"] * peak
    saturated = (slope < limit).numpy()
    xs, values = x.numpy(), value.numpy()
    density = torch.exp(-0.5 * (x / input_scale) ** 2).numpy()  # N(0, scale²), peak scaled to 1

    fig = Figure(figsize=(7.5, 2.8), dpi=80)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.1, top=0.8, wspace=0.25)
    ax_value, ax_slope = fig.subplots(1, 2)
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low)
    for ax, curve, color, (bottom, top) in (
            (ax_value, values, "C0", (low - pad, high + pad)),
            (ax_slope, slope.numpy(), "C1", (-0.05 * peak, 1.1 * peak))):
        ax.fill_between(xs, 0, 1, where=saturated, transform=ax.get_xaxis_transform(),
                        color="C3", alpha=0.15, linewidth=0)
        ax.plot(xs, curve, color)
        ax.set_xlim(-span, span)
        ax.set_ylim(bottom, top)
        _set_ticks(ax.xaxis, -span, span, 5)
        ax.grid(alpha=0.3)
    ax_value.fill_between(xs, low - pad, low - pad + 0.9 * (high - low) * density, color="0.5",
                          alpha=0.25, linewidth=0)
    _set_ticks(ax_value.yaxis, low, high, 3)
    _set_ticks(ax_slope.yaxis, 0.0, peak, 3)
    ax_slope.axhline(limit, color="C3", linestyle="--", linewidth=1)
    share = stats["saturated_share"]
    ax_value.set_title(f"{activation}(x), x ~ N(0, {input_scale:.3g}²)\n"
                       f"{share:.1%} of inputs saturated (red); grey: inputs",
                       fontsize="medium")
    ax_slope.set_title(f"{activation}'(x): mean slope {stats['mean_derivative']:.3g}\n"
                       f"dashed: 1% of the peak slope {peak:g}", fontsize="medium")
    return fig
