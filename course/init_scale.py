"""The init-scale slider of chapter 4: how the scale of the initial weights decides whether the
signal in a deep network vanishes, stays healthy or explodes (or saturates).

``init_scale_stats`` is the pure computation (tests call it directly); ``plot_init_scale`` draws
it as a matplotlib ``Figure``; the notebook wraps ``plot_init_scale`` in ``ipywidgets.interact``.

The network: ``depth`` square fully connected layers of ``width`` units, each followed by the
activation. Every weight is drawn from ``N(0, std**2)`` with ``std = scale / sqrt(fan_in)`` and
every bias is zero. With square layers ``fan_in == fan_out``, so Xavier/Glorot init with gain
``g`` and Kaiming/He init with gain ``g`` both mean ``scale = g``: Xavier (gain 1) is
``scale = 1``, the tanh gain is ``5/3`` and Kaiming for ReLU is ``sqrt(2)``.
"""

import functools
import math
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

ACTIVATIONS = ("tanh", "relu")
SCALE_MIN, SCALE_MAX = 0.01, 100.0
#: scales with a name, drawn as markers on the scale strip: value of ``nn.init.calculate_gain``.
NAMED_SCALES = {
    "Xavier (gain 1)": 1.0,
    "Xavier/Kaiming, tanh gain 5/3": 5.0 / 3.0,
    "Kaiming, ReLU (√2)": math.sqrt(2.0),
}
SATURATION_LEVEL = 0.9  # |tanh| above this counts as saturated (tanh' < 0.19)
TINY = 1e-300  # floor for log-scale plots: an exact 0 cannot be drawn on a log axis


@dataclass(frozen=True)
class InitScaleStats:
    """What one forward and backward pass through the deep network measured, layer by layer.

    Every tuple has one entry per layer (index 0 = first hidden layer).

    Attributes:
        scale: the weights' std times ``sqrt(fan_in)``.
        activation: ``"tanh"`` or ``"relu"``.
        activation_std: std of each layer's output (after the activation).
        saturated_fraction: fraction of outputs with ``|a| > 0.9`` (tanh saturation).
        zero_fraction: fraction of outputs that are exactly 0 (ReLU units that are off).
        gradient_norm: Frobenius norm of the loss gradient with respect to each layer's weight
            (what the optimiser receives).
        backward_std: std of ``batch_size * ∂loss/∂output`` of each layer: the backward signal,
            about 1 at the last layer, to compare with ``activation_std`` going forward.
    """

    scale: float
    activation: str
    activation_std: tuple[float, ...]
    saturated_fraction: tuple[float, ...]
    zero_fraction: tuple[float, ...]
    gradient_norm: tuple[float, ...]
    backward_std: tuple[float, ...]

    @property
    def depth(self) -> int:
        return len(self.activation_std)


@functools.lru_cache(maxsize=8)
def _standard_normal_draws(depth: int, width: int, batch_size: int,
                           seed: int) -> tuple[tuple[torch.Tensor, ...], torch.Tensor, torch.Tensor]:
    """The random numbers of one configuration, drawn once and reused by every slider move.

    Returns ``(weights, inputs, upstream)``: ``depth`` standard-normal ``(width, width)``
    matrices, the input batch ``(batch_size, width)`` and the upstream gradient of the same
    shape, all float64 from a private generator seeded with ``seed``. Callers never modify them.
    """
    generator = torch.Generator().manual_seed(seed)
    options = {"generator": generator, "dtype": torch.float64}
    weights = tuple(torch.randn(width, width, **options) for _ in range(depth))
    inputs = torch.randn(batch_size, width, **options)  # (batch, features)
    upstream = torch.randn(batch_size, width, **options)  # batch_size * dLoss/dOutput
    return weights, inputs, upstream


def _check_arguments(scale: float, activation: str, depth: int, width: int,
                     batch_size: int) -> None:
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    for name, value in (("depth", depth), ("width", width), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def init_scale_stats(scale: float, activation: str = "tanh", depth: int = 12, width: int = 128,
                     batch_size: int = 128, seed: int = 0) -> InitScaleStats:
    """Push one batch through a deep MLP initialised with ``std = scale / sqrt(fan_in)``.

    The input batch is standard normal, ``(batch_size, width)``. The loss is
    ``(output * upstream).sum() / batch_size`` with a fixed standard-normal ``upstream``: its
    gradient at the output has the same size whatever the scale, so the gradient norms show only
    what the layers do to the signal on its way back. Everything is computed in float64 on the
    CPU with a private generator seeded by ``seed``, so the result is the same on every machine
    and nothing overflows in the slider's range.

    Args:
        scale: positive; 1 is Xavier (gain 1), 5/3 the tanh gain, sqrt(2) Kaiming for ReLU.
        activation: ``"tanh"`` or ``"relu"``.
        depth: number of layers (each Linear + activation).
        width: units per layer (every layer is square: fan_in = fan_out = width).
        batch_size: number of input rows.
        seed: seed of the private generator (weights, input and upstream gradient).

    Returns:
        An ``InitScaleStats`` with one entry per layer in each tuple.
    """
    _check_arguments(scale, activation, depth, width, batch_size)
    base_weights, inputs, upstream = _standard_normal_draws(depth, width, batch_size, seed)
    nonlinearity = torch.tanh if activation == "tanh" else torch.relu
    weight_std = scale / math.sqrt(width)  # fan_in = width
    weights = [(base * weight_std).requires_grad_() for base in base_weights]  # (out, in) each
    hidden = inputs
    outputs = []
    for weight in weights:
        hidden = nonlinearity(hidden @ weight.T)  # (batch, width); the bias is zero
        outputs.append(hidden)
    loss = (hidden * upstream).sum() / batch_size
    gradients = torch.autograd.grad(loss, weights + outputs)
    weight_gradients, output_gradients = gradients[:depth], gradients[depth:]
    with torch.no_grad():
        activations = torch.stack(outputs).flatten(1)  # (depth, batch * width)
        backward = torch.stack(output_gradients).flatten(1) * batch_size  # (depth, batch * width)
        weight_grads = torch.stack(weight_gradients).flatten(1)  # (depth, width * width)
        return InitScaleStats(
            scale=float(scale),
            activation=activation,
            activation_std=tuple(activations.std(dim=1).tolist()),
            saturated_fraction=tuple((activations.abs() > SATURATION_LEVEL).double()
                                     .mean(dim=1).tolist()),
            zero_fraction=tuple((activations == 0).double().mean(dim=1).tolist()),
            gradient_norm=tuple(weight_grads.norm(dim=1).tolist()),
            backward_std=tuple(backward.std(dim=1).tolist()),
        )


def diagnose(stats: InitScaleStats) -> str:
    """Name the regime the statistics show, in a few words.

    Returns one of ``"saturated"`` (most tanh outputs beyond ±0.9 in the last layer),
    ``"exploding"`` (the spread grows more than 10x from the first to the last layer, or is not
    finite), ``"vanishing"`` (it shrinks more than 10x) or ``"healthy"``.
    """
    first, last = stats.activation_std[0], stats.activation_std[-1]
    if not (math.isfinite(first) and math.isfinite(last)):
        return "exploding"
    if stats.activation == "tanh" and stats.saturated_fraction[-1] > 0.5:
        return "saturated"
    if first == 0 or last == 0:
        return "vanishing"
    ratio = last / first
    if ratio > 10:
        return "exploding"
    if ratio < 0.1:
        return "vanishing"
    return "healthy"


def _floored(values) -> list[float]:
    """Values ready for a log axis: NaN/inf become the largest finite float, 0 becomes TINY."""
    out = []
    for value in values:
        if not math.isfinite(value):
            value = 1e308
        out.append(max(value, TINY))
    return out


def plot_init_scale(scale: float = 1.0, activation: str = "tanh", depth: int = 12) -> Figure:
    """Draw the per-layer activation spread and gradient norm for one init scale.

    Left: std of each layer's output (log axis) with the band within a factor 2 of the first
    layer shaded. Right: norm of each layer's weight gradient (log axis). Bottom: the scale axis
    with the named scales (Xavier, tanh gain, Kaiming) and the current one. The title names the
    regime (``diagnose``).

    Args:
        scale: the weights' std times sqrt(fan_in), in [0.01, 100] for the slider.
        activation: ``"tanh"`` or ``"relu"``.
        depth: number of layers.

    Returns:
        The Figure (displayed when it is a cell's last expression or an ``interact`` target).
    """
    stats = init_scale_stats(scale, activation, depth=depth)
    layers = list(range(1, stats.depth + 1))
    fig = Figure(figsize=(9, 4.2), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[5, 1])
    ax_act, ax_grad = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    ax_scale = fig.add_subplot(grid[1, :])

    first = stats.activation_std[0]
    if math.isfinite(first) and first > 0:
        ax_act.axhspan(first / 2, first * 2, color="C2", alpha=0.15, label="within 2x of layer 1")
    ax_act.plot(layers, _floored(stats.activation_std), "o-", color="C0", label="std of output")
    if activation == "tanh":
        extra = [f * 100 for f in stats.saturated_fraction]
        extra_label = f"{extra[-1]:.0f}% of last-layer |a| > {SATURATION_LEVEL}"
    else:
        extra = [f * 100 for f in stats.zero_fraction]
        extra_label = f"{extra[-1]:.0f}% of last-layer units are 0"
    ax_act.set(yscale="log", xlabel="layer", ylabel="activation std",
               title=f"Forward: activation spread\n{extra_label}")
    ax_act.legend(loc="best", fontsize=8)
    ax_act.grid(alpha=0.3)

    ax_grad.plot(layers, _floored(stats.gradient_norm), "s-", color="C3")
    ax_grad.set(yscale="log", xlabel="layer", ylabel="‖∂loss/∂W‖",
                title="Backward: weight-gradient norm")
    ax_grad.grid(alpha=0.3)
    for ax in (ax_act, ax_grad):
        low, high = ax.get_ylim()
        if high / low < 100:  # keep at least two decades so a flat line looks flat
            middle = math.sqrt(low * high)
            ax.set_ylim(middle / 10, middle * 10)

    ax_scale.set(xscale="log", xlim=(SCALE_MIN, SCALE_MAX), ylim=(0, 1), yticks=[],
                 xlabel="scale (weight std × √fan_in)")
    for index, (name, value) in enumerate(NAMED_SCALES.items()):
        ax_scale.axvline(value, color=f"C{index + 4}", lw=1.5, label=f"{name} = {value:.3g}")
    ax_scale.plot([scale], [0.5], "v", color="k", markersize=10, label=f"current = {scale:.3g}")
    ax_scale.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False)

    verdict = diagnose(stats)
    fig.suptitle(f"{depth} layers, {activation}, std = {scale:.3g}/√fan_in: {verdict.upper()}",
                 fontsize=11)
    return fig
