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

import contextlib
import functools
import math
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

ACTIVATIONS = ("tanh", "relu")
SCALE_MIN, SCALE_MAX = 0.01, 100.0
#: scales with a name, drawn as markers on the scale strip: value of ``nn.init.calculate_gain``.
NAMED_SCALES = {
    "Xavier (gain 1)": 1.0,
    "Xavier/Kaiming, tanh gain 5/3": 5.0 / 3.0,
    "Kaiming, ReLU (√2)": math.sqrt(2.0),
}
SATURATION_LEVEL = 0.9  # |tanh| above this counts as saturated (tanh' < 0.19)
TINY, HUGE = 1e-100, 1e100  # log-axis floor (0 cannot be drawn) and ceiling (inf, NaN)


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
        weight_norm: Frobenius norm of each layer's weight, to set ``gradient_norm`` against:
            a step changes a layer in proportion to ``gradient_norm / weight_norm``.
        backward_std: std of ``batch_size * ∂loss/∂output`` of each layer: the backward signal,
            about 1 at the last layer, to compare with ``activation_std`` going forward.
    """

    scale: float
    activation: str
    activation_std: tuple[float, ...]
    saturated_fraction: tuple[float, ...]
    zero_fraction: tuple[float, ...]
    gradient_norm: tuple[float, ...]
    weight_norm: tuple[float, ...]
    backward_std: tuple[float, ...]

    @property
    def depth(self) -> int:
        return len(self.activation_std)


@contextlib.contextmanager
def _one_thread():
    """Run torch on one thread inside the block, then restore the caller's setting.

    The tensors here are small (64 x 128 activations per layer by default): splitting them
    across threads costs more than it saves, and on a busy machine waiting for the second
    thread can make one slider update ten times slower.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@functools.lru_cache(maxsize=8)
def _standard_normal_draws(depth: int, width: int, batch_size: int, seed: int):
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
                     batch_size: int = 64, seed: int = 0) -> InitScaleStats:
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
    with _one_thread():
        return _measure(scale, activation, depth, width, batch_size, seed)


def _measure(scale: float, activation: str, depth: int, width: int, batch_size: int,
             seed: int) -> InitScaleStats:
    """The body of ``init_scale_stats`` (arguments already checked)."""
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
            weight_norm=tuple(torch.stack(weights).flatten(1).norm(dim=1).tolist()),
            backward_std=tuple(backward.std(dim=1).tolist()),
        )


def diagnose(stats: InitScaleStats) -> str:
    """Name the regime the statistics show, in one word.

    ``"saturated"`` when most tanh outputs of the last layer lie beyond ±0.9; otherwise by the
    ratio ``r`` of the last layer's activation std to the first layer's: ``"vanishing"``
    (r < 0.1), ``"shrinking"`` (0.1 <= r < 0.5), ``"healthy"`` (0.5 <= r <= 2), ``"growing"``
    (2 < r <= 10) or ``"exploding"`` (r > 10, or a value that is not finite).
    """
    first, last = stats.activation_std[0], stats.activation_std[-1]
    if not (math.isfinite(first) and math.isfinite(last)):
        return "exploding"
    if stats.activation == "tanh" and stats.saturated_fraction[-1] > 0.5:
        return "saturated"
    if first == 0 or last == 0:
        return "vanishing"
    ratio = last / first
    if ratio < 0.1:
        return "vanishing"
    if ratio < 0.5:
        return "shrinking"
    if ratio <= 2.0:
        return "healthy"
    return "growing" if ratio <= 10.0 else "exploding"


def _floored(values) -> list[float]:
    """Values ready for a log axis: NaN/inf become HUGE, values below TINY (0) become TINY."""
    return [min(max(value, TINY), HUGE) if math.isfinite(value) else HUGE for value in values]


def _plain_log_axis(ax, floor_decades: int = 2) -> None:
    """Log y axis with plain-text tick labels (``1e-05``: no slow mathtext) and at least
    ``floor_decades`` decades shown, so a flat line looks flat instead of filling the axes."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=4))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))
    low, high = ax.get_ylim()
    if high / low < 10 ** floor_decades:
        middle = math.sqrt(low * high)
        ax.set_ylim(middle / 10 ** (floor_decades / 2), middle * 10 ** (floor_decades / 2))


def plot_init_scale(scale: float = 1.0, activation: str = "tanh", depth: int = 12) -> Figure:
    """Draw the per-layer activation spread and gradient norms for one init scale.

    Left: std of each layer's output (log axis), with the band within a factor 2 of the first
    layer shaded green. Right: norm of each layer's weight gradient and std of the backward
    signal (log axis). The title names the regime (``diagnose``). Kept lean (two axes, few
    labels: every text costs several milliseconds to render) so that one slider move, compute
    and draw, stays near 100 ms on a small CPU. The named scales are buttons
    (``preset_buttons``).

    Args:
        scale: the weights' std times sqrt(fan_in), in [0.01, 100] for the slider.
        activation: ``"tanh"`` or ``"relu"``.
        depth: number of layers.

    Returns:
        The Figure (displayed when it is a cell's last expression or an ``interact`` target).
    """
    stats = init_scale_stats(scale, activation, depth=depth)
    layers = list(range(1, stats.depth + 1))
    fig = Figure(figsize=(10, 4.2))
    ax_act, ax_grad = fig.subplots(1, 2)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.84, wspace=0.22)
    layer_ticks = list(range(1, stats.depth + 1, max(1, stats.depth // 4)))

    first = stats.activation_std[0]
    if math.isfinite(first) and first > 0:
        ax_act.axhspan(first / 2, first * 2, color="C2", alpha=0.2)
    ax_act.plot(layers, _floored(stats.activation_std), "o-", color="C0")
    if activation == "tanh":
        detail = f"last layer: {stats.saturated_fraction[-1]:.0%} of |a| > {SATURATION_LEVEL}"
    else:
        detail = f"last layer: {stats.zero_fraction[-1]:.0%} of outputs are 0"
    ax_act.set(xlabel=f"layer   ({detail})", xticks=layer_ticks,
               title="Forward: std of each layer's output")
    _plain_log_axis(ax_act)

    ax_grad.plot(layers, _floored(stats.gradient_norm), "s-", color="C3",
                 label="weight gradient ‖∂loss/∂W‖")
    ax_grad.plot(layers, _floored(stats.backward_std), "^--", color="C1",
                 label="backward signal (std)")
    ax_grad.set(xlabel="layer", xticks=layer_ticks, title="Backward: gradients per layer")
    _plain_log_axis(ax_grad)
    ax_grad.legend(loc="upper center", fontsize=8, framealpha=0.8)
    for ax in (ax_act, ax_grad):
        ax.grid(alpha=0.3)

    values = stats.activation_std + stats.gradient_norm + stats.backward_std
    last = stats.activation_std[-1]
    if not all(math.isfinite(value) for value in values):
        ratio_text = f"OVERFLOW: values beyond float64 drawn at {HUGE:.0e}"
    elif first > 0:
        ratio_text = f"std last/first layer = {last / first:.3g}"
    else:
        ratio_text = "all outputs are 0"
    fig.suptitle(f"{stats.depth} layers, {activation}, weight std = {scale:.3g}/√fan_in: "
                 f"{diagnose(stats).upper()}  ({ratio_text})", fontsize=11)
    return fig


def grid_minimum(value: float, minimum: float, step: float, base: float = 10.0) -> float:
    """The log slider's lower end, at most one step above ``minimum``, whose grid holds ``value``.

    A ``FloatLogSlider`` stops at ``base ** (min + k * step)`` only: with ``min=-2`` and
    ``step=0.05`` the tanh gain 5/3 (exponent 0.2218) is snapped to 10**0.2 = 1.58 by the
    browser. Moving the lower end up by less than one step puts ``value`` on the grid, and the
    slider keeps its step.

    Args:
        value: the scale the slider must be able to show exactly (positive).
        minimum: the slider's ``min`` (an exponent of ``base``).
        step: the slider's ``step`` (in exponents).
        base: the slider's ``base``.

    Returns:
        The new ``min``: in ``[minimum, minimum + step)``, with ``log(value) - min`` a whole
        number of steps.
    """
    exponent = math.log(value, base)
    whole_steps = math.floor((exponent - minimum) / step + 1e-9)
    return exponent - whole_steps * step


def preset_buttons(scale_slider):
    """Buttons that set ``scale_slider`` exactly to the named scales (Xavier, tanh gain, Kaiming).

    Each click moves the slider's lower end (``grid_minimum``) so that the browser's slider can
    stop on the named value instead of the nearest step, and sets the value, in one message that
    names the lower end first.

    Args:
        scale_slider: the ``ipywidgets.FloatLogSlider`` given to ``interact`` as ``scale``.

    Returns:
        An ``ipywidgets.HBox`` of one ``Button`` per entry of ``NAMED_SCALES``; clicking one
        moves the slider, which redraws the plot.
    """
    from ipywidgets import Button, HBox, Layout

    lowest = scale_slider.min

    def make_button(name: str, value: float):
        button = Button(description=f"{name} = {value:.3g}", layout=Layout(width="auto"))

        def on_click(_button) -> None:
            minimum = grid_minimum(value, lowest, scale_slider.step, scale_slider.base)
            with scale_slider.hold_sync():
                scale_slider.min = minimum
                scale_slider.value = value
                # One message, "min" first: the browser moves the grid, then places the value.
                # (hold_sync's own message lists the two in no fixed order: placed first, the
                # value would snap to the old grid, and two messages race with the echo.)
                scale_slider.send_state(["min", "value"])

        button.on_click(on_click)
        return button

    return HBox([make_button(name, value) for name, value in NAMED_SCALES.items()])
