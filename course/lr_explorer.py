"""Optimizers on small problems: loss surfaces, optimizer paths and the learning-rate explorer.

Chapter 6 uses this module for three things:

* 2-D loss surfaces (an ill-conditioned quadratic, the same quadratic rotated by 45 degrees, and
  the Rosenbrock valley) and the path an optimizer from ``torch.optim`` takes on them, with exact
  or noisy (mini-batch-like) gradients (:func:`run_optimizer`), drawn on the contours
  (:func:`plot_paths`) and behind the learning-rate slider (:func:`plot_lr_explorer`);
* a fixed float64 least-squares problem and trajectory helpers that let a test cell run a
  from-scratch step function and the matching ``torch.optim`` class side by side
  (:func:`make_least_squares`, :func:`torch_trajectory`, :func:`scratch_trajectory`);
* small plotting helpers (learning-rate schedules, exponentially weighted averages).

Every function is pure: nothing is seeded globally, nothing is read from notebook globals, and
the paths are computed on the CPU in float64 whatever device the notebook uses. Divergence is
detected and reported (``OptimizerRun.diverged_at``); it never raises, warns or yields NaN plots.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import contourpy
import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from course import checks

OPTIMIZERS = ("SGD", "Momentum", "AdaGrad", "RMSProp", "Adam")
"""Names the explorer accepts; ``beta`` is momentum (Momentum), alpha (RMSProp), beta1 (Adam)."""

DIVERGENCE_FACTOR = 1e6
"""A run has diverged once its loss is not finite or exceeds this many times the initial loss."""

WIDGET_STEPS = 150
"""Optimizer steps the learning-rate explorer runs per update."""


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface with an analytic gradient.

    Attributes:
        name: key in :data:`SURFACES`.
        title: how plots name it.
        start: where every optimizer starts, ``(x, y)``.
        minimum: the global minimum, ``(x, y)``.
        xlim, ylim: the plotted window.
        max_curvature: largest eigenvalue of the Hessian when it is constant (quadratics), else
            ``None``; plain gradient descent is stable exactly when ``lr < 2 / max_curvature``.
        rotation: for a quadratic, the angle in degrees by which its axes are turned
            counter-clockwise from the x and y axes (0: axis-aligned); ``None`` for Rosenbrock.
    """

    name: str
    title: str
    start: tuple[float, float]
    minimum: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    max_curvature: float | None
    rotation: float | None = None

    def _valley_coordinates(self, x: torch.Tensor, y: torch.Tensor):
        """``(u, v)``: coordinates along the quadratic's flat and steep axes."""
        if self.rotation == 0.0:
            return x, y
        angle = math.radians(self.rotation)
        cos, sin = math.cos(angle), math.sin(angle)
        return cos * x + sin * y, -sin * x + cos * y

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Loss at points ``(x, y)`` (tensors of any matching shape, float64)."""
        if self.rotation is not None:
            u, v = self._valley_coordinates(x, y)
            return 0.5 * (QUADRATIC_CURVATURES[0] * u * u + QUADRATIC_CURVATURES[1] * v * v)
        return (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x)

    def gradient(self, point: torch.Tensor) -> torch.Tensor:
        """Gradient at ``point`` (shape ``(2,)``, float64), shape ``(2,)``."""
        x, y = point[0], point[1]
        if self.rotation is not None:
            u, v = self._valley_coordinates(x, y)
            grad_u, grad_v = QUADRATIC_CURVATURES[0] * u, QUADRATIC_CURVATURES[1] * v
            if self.rotation == 0.0:
                return torch.stack([grad_u, grad_v])
            angle = math.radians(self.rotation)
            cos, sin = math.cos(angle), math.sin(angle)
            return torch.stack([cos * grad_u - sin * grad_v, sin * grad_u + cos * grad_v])
        return torch.stack([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


QUADRATIC_CURVATURES = (1.0, 20.0)
"""Curvatures of the quadratic 0.5 * (1 * x**2 + 20 * y**2): condition number 20."""

ROTATION_DEGREES = 45.0
"""The "rotated" surface is the quadratic turned by this angle: the same valley, off the axes."""


def _rotated(point: tuple[float, float], degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees)
    x, y = point
    return (math.cos(angle) * x - math.sin(angle) * y, math.sin(angle) * x + math.cos(angle) * y)


SURFACES = {
    "quadratic": Surface("quadratic", "ill-conditioned quadratic 0.5·(x² + 20·y²)",
                         start=(-4.0, 1.5), minimum=(0.0, 0.0), xlim=(-5.0, 5.0),
                         ylim=(-2.5, 2.5), max_curvature=max(QUADRATIC_CURVATURES), rotation=0.0),
    "rotated": Surface("rotated", f"the same quadratic rotated by {ROTATION_DEGREES:g}°",
                       start=_rotated((-4.0, 1.5), ROTATION_DEGREES), minimum=(0.0, 0.0),
                       xlim=(-5.0, 5.0), ylim=(-4.0, 4.0), max_curvature=max(QUADRATIC_CURVATURES),
                       rotation=ROTATION_DEGREES),
    "rosenbrock": Surface("rosenbrock", "Rosenbrock (1-x)² + 100·(y-x²)²",
                          start=(-1.5, 1.5), minimum=(1.0, 1.0), xlim=(-2.0, 2.0),
                          ylim=(-1.0, 3.0), max_curvature=None),
}


def get_surface(surface: str | Surface) -> Surface:
    """Return the :class:`Surface` named ``surface`` (or ``surface`` itself)."""
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {sorted(SURFACES)}, got {surface!r}")
    return SURFACES[surface]


def make_optimizer(name: str, params, learning_rate: float, beta: float = 0.9):
    """Build the ``torch.optim`` optimizer the explorer calls ``name``.

    Args:
        name: one of :data:`OPTIMIZERS`.
        params: an iterable of tensors (e.g. ``[point]``).
        learning_rate: the step size.
        beta: momentum for "Momentum", alpha for "RMSProp", beta1 for "Adam"; ignored by
            "SGD" and "AdaGrad".

    Returns:
        A ``torch.optim.Optimizer``.
    """
    if name == "SGD":
        return torch.optim.SGD(params, lr=learning_rate)
    if name == "Momentum":
        return torch.optim.SGD(params, lr=learning_rate, momentum=beta)
    if name == "AdaGrad":
        return torch.optim.Adagrad(params, lr=learning_rate)
    if name == "RMSProp":
        return torch.optim.RMSprop(params, lr=learning_rate, alpha=beta)
    if name == "Adam":
        return torch.optim.Adam(params, lr=learning_rate, betas=(beta, 0.999))
    raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {name!r}")


@dataclass(frozen=True)
class OptimizerRun:
    """The result of :func:`run_optimizer`.

    Attributes:
        optimizer, learning_rate, beta, surface, noise: the settings of the run.
        path: float64 array of shape ``(num_points, 2)``: the start, then one point per step
            taken; every entry is finite.
        losses: float64 array of shape ``(num_points,)``: the loss at each point of ``path``.
        diverged_at: the step (1-based) at which the loss stopped being finite or exceeded
            ``DIVERGENCE_FACTOR`` times the initial loss; ``None`` when the run stayed bounded.
    """

    optimizer: str
    learning_rate: float
    beta: float
    surface: str
    path: np.ndarray
    losses: np.ndarray
    diverged_at: int | None
    noise: float = 0.0

    @property
    def final_loss(self) -> float:
        """Loss at the last point of the path."""
        return float(self.losses[-1])

    @property
    def rising(self) -> bool:
        """True when the run did not blow up but ended with a larger loss than it started with."""
        return self.diverged_at is None and self.final_loss > float(self.losses[0])

    @property
    def status(self) -> str:
        """One line describing how the run ended, e.g. ``"diverged at step 37"``."""
        if self.diverged_at is not None:
            return f"diverged at step {self.diverged_at}"
        if self.rising:
            return (f"loss rose from {float(self.losses[0]):.3g} to {self.final_loss:.3g} in "
                    f"{len(self.losses) - 1} steps")
        return f"final loss {self.final_loss:.3g} after {len(self.losses) - 1} steps"


def run_optimizer(surface: str | Surface = "quadratic", optimizer: str = "SGD",
                  learning_rate: float = 0.05, beta: float = 0.9,
                  num_steps: int = WIDGET_STEPS, noise: float = 0.0,
                  seed: int = 0) -> OptimizerRun:
    """Run a ``torch.optim`` optimizer on a 2-D surface and record its path (pure function).

    The point lives on the CPU in float64. The run stops early, without raising or warning,
    as soon as the loss is not finite or exceeds ``DIVERGENCE_FACTOR`` times the initial loss;
    ``diverged_at`` then names that step and the recorded path keeps only the finite points.

    With ``noise > 0`` every gradient gets independent Gaussian noise of that standard deviation
    per coordinate, drawn from a private generator seeded with ``seed``: what a mini-batch
    gradient looks like next to the full-batch one (unbiased, but never exactly right).

    Args:
        surface: a key of :data:`SURFACES` (``"quadratic"``, ``"rotated"``, ``"rosenbrock"``)
            or a Surface.
        optimizer: one of :data:`OPTIMIZERS`.
        learning_rate: step size, > 0.
        beta: momentum / alpha / beta1 (see :func:`make_optimizer`), in [0, 1).
        num_steps: number of optimizer steps, >= 1.
        noise: standard deviation of the gradient noise, >= 0 (0: exact gradients).
        seed: seeds the noise; the same settings always give the same path.

    Returns:
        An :class:`OptimizerRun`.
    """
    chosen = get_surface(surface)
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be in [0, 1), got {beta!r}")
    if num_steps < 1:
        raise ValueError(f"num_steps must be >= 1, got {num_steps!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    noise_draws = noise * torch.randn(num_steps, 2, generator=torch.Generator().manual_seed(seed),
                                      dtype=torch.float64)  # (num_steps, 2)
    point = torch.tensor(chosen.start, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer(optimizer, [point], learning_rate, beta)
    with torch.no_grad():
        points = [point.detach().clone()]
        losses = [chosen.loss(point[0], point[1])]
    limit = DIVERGENCE_FACTOR * max(float(losses[0]), 1e-12)
    diverged_at = None
    for step in range(1, num_steps + 1):
        with torch.no_grad():
            point.grad = chosen.gradient(point)
            if noise > 0:
                point.grad += noise_draws[step - 1]
        opt.step()
        with torch.no_grad():
            loss = chosen.loss(point[0], point[1])
            finite = bool(torch.isfinite(point).all()) and bool(torch.isfinite(loss))
            if finite:
                points.append(point.detach().clone())
                losses.append(loss)
            if not finite or float(loss) > limit:
                diverged_at = step
                break
    return OptimizerRun(optimizer=optimizer, learning_rate=float(learning_rate), beta=float(beta),
                        surface=chosen.name, path=torch.stack(points).numpy(),
                        losses=torch.stack(losses).numpy(), diverged_at=diverged_at,
                        noise=float(noise))


@lru_cache(maxsize=4)
def _grid(name: str, resolution: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loss on a grid over the surface's window (cached: the surfaces never change)."""
    surface = SURFACES[name]
    xs = torch.linspace(*surface.xlim, resolution, dtype=torch.float64)
    ys = torch.linspace(*surface.ylim, resolution, dtype=torch.float64)
    grid_x, grid_y = torch.meshgrid(xs, ys, indexing="xy")  # (resolution, resolution) each
    values = surface.loss(grid_x, grid_y)
    return grid_x.numpy(), grid_y.numpy(), values.numpy()


@lru_cache(maxsize=4)
def _contour_segments(name: str) -> tuple[np.ndarray, ...]:
    """Contour lines at 14 log-spaced levels (4 decades below the max), computed once.

    Drawing cached segments as one LineCollection is several times faster than ``ax.contour``,
    which keeps each slider update well under 100 ms.
    """
    grid_x, grid_y, values = _grid(name)
    generator = contourpy.contour_generator(grid_x, grid_y, values)
    levels = np.geomspace(values.max() * 1e-4, values.max(), 14)
    return tuple(segment for level in levels for segment in generator.lines(level))


def _contours(ax, surface: Surface) -> None:
    ax.add_collection(LineCollection(_contour_segments(surface.name), colors="0.65",
                                     linewidths=0.7))
    ax.plot(*surface.minimum, marker="*", color="k", markersize=10, linestyle="none",
            label="minimum")
    ax.plot(*surface.start, marker="o", color="k", markersize=5, linestyle="none",
            label="start")
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="x", ylabel="y")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(5))


def _log_loss_axis(ax) -> None:
    """A log-scale loss axis with plain-text labels (mathtext labels cost ~3x the draw time)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=6))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set(xlabel="step", ylabel="loss (log scale)")
    ax.grid(alpha=0.3)


def _drawable(path: np.ndarray, surface: Surface) -> np.ndarray:
    """Clip a path to a box ten times the window so far-away points draw without overflow."""
    width = max(surface.xlim[1] - surface.xlim[0], surface.ylim[1] - surface.ylim[0])
    centre = np.array([sum(surface.xlim) / 2, sum(surface.ylim) / 2])
    return np.clip(path, centre - 10 * width, centre + 10 * width)


def _positive(losses: np.ndarray) -> np.ndarray:
    """Losses ready for a log axis (an exact 0 is shown at 1e-30)."""
    return np.maximum(losses, 1e-30)


_PATH_STYLES = ("-", "-", "--", "-.", ":")


def plot_paths(runs: Sequence[OptimizerRun], title: str | None = None) -> Figure:
    """Draw several runs on the contours of their (common) surface, with their loss curves.

    Args:
        runs: results of :func:`run_optimizer` on the same surface.
        title: figure title; defaults to the surface's title.

    Returns:
        A Figure with the paths on the left and the loss per step (log scale) on the right.
    """
    if not runs:
        raise ValueError("runs is empty: pass at least one OptimizerRun")
    surface = get_surface(runs[0].surface)
    fig = Figure(figsize=(10, 4))
    fig.subplots_adjust(left=0.07, right=0.985, bottom=0.12, top=0.86, wspace=0.22)
    ax_path, ax_loss = fig.subplots(1, 2)
    _contours(ax_path, surface)
    for index, run in enumerate(runs):
        label = f"{run.optimizer} (lr={run.learning_rate:g})"
        drawn = _drawable(run.path, surface)
        # Later runs are drawn thinner and dashed, so a path that ends under another stays visible.
        ax_path.plot(drawn[:, 0], drawn[:, 1], color=f"C{index}",
                     linewidth=max(3.2 - 0.55 * index, 1.0),
                     linestyle=_PATH_STYLES[index % len(_PATH_STYLES)],
                     marker="." if len(drawn) <= 200 else None, markersize=3, label=label)
        ax_loss.plot(_positive(run.losses), color=f"C{index}",
                     label=f"{label}: {run.status}")
    ax_path.legend(fontsize=7, loc="upper right")
    _log_loss_axis(ax_loss)
    ax_loss.set_title("loss per step")
    ax_loss.legend(fontsize=7)
    fig.suptitle(title or surface.title)
    return fig


EXPLORER_SIZE = (8.5, 3.4)
"""Size in inches of the learning-rate explorer's figure."""

EXPLORER_DPI = 80
"""Resolution of the explorer's figure (and of its cached background)."""

EXPLORER_LOSS_RANGE = (1e-12, 1e9)
"""Fixed y range of the explorer's loss panel; a diverged run stops below 1e9 (1e6 x start)."""

_PATH_RECT = (0.075, 0.14, 0.39, 0.70)  # left, bottom, width, height (figure fractions)
_LOSS_RECT = (0.585, 0.14, 0.40, 0.70)


def _explorer_axes(fig: Figure, surface: Surface):
    """The explorer's two axes with their fixed positions, scales and limits."""
    ax_path = fig.add_axes(_PATH_RECT)
    ax_path.set(xlim=surface.xlim, ylim=surface.ylim)
    ax_loss = fig.add_axes(_LOSS_RECT)
    ax_loss.set_yscale("log")
    ax_loss.set(xlim=(-4, WIDGET_STEPS + 2), ylim=EXPLORER_LOSS_RANGE)
    return ax_path, ax_loss


@lru_cache(maxsize=4)
def _explorer_background(name: str) -> np.ndarray:
    """Everything of the explorer's figure that never changes, rendered once per surface.

    Contours, markers, ticks, tick labels, axis labels and grid are the bulk of the drawing
    time; with fixed axis limits they are the same for every slider position, so they are drawn
    once into an RGBA array of shape ``(height, width, 4)`` that each update shows as an image.
    """
    surface = SURFACES[name]
    fig = Figure(figsize=EXPLORER_SIZE, dpi=EXPLORER_DPI)
    ax_path, ax_loss = _explorer_axes(fig, surface)
    _contours(ax_path, surface)
    ax_loss.yaxis.set_major_locator(LogLocator(numticks=6))
    ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))
    ax_loss.yaxis.set_minor_locator(NullLocator())
    ax_loss.set(xlabel="step", ylabel="loss (log scale)")
    ax_loss.grid(alpha=0.3)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def plot_lr_explorer(learning_rate: float = 0.05, optimizer: str = "SGD", beta: float = 0.9,
                     surface: str = "quadratic", noise: float = 0.0) -> Figure:
    """The learning-rate slider's view: one run's path on the contours and its loss curve.

    Runs :func:`run_optimizer` for :data:`WIDGET_STEPS` steps. A diverged run is drawn up to the
    step where it blew up, with a red "diverged at step k" label on both panels; a run whose loss
    rose without blowing up is labelled as slowly diverging.

    For speed (one update must take well under 100 ms) the unchanging parts of the figure are a
    cached image (see ``_explorer_background``) under two transparent axes with the same fixed
    limits, on which only the path, the loss curve and the labels are drawn.

    Args:
        learning_rate: step size (the slider moves it on a log scale).
        optimizer: one of :data:`OPTIMIZERS`.
        beta: momentum (Momentum), alpha (RMSProp) or beta1 (Adam); ignored by SGD and AdaGrad.
        surface: ``"quadratic"``, ``"rotated"`` or ``"rosenbrock"``.
        noise: standard deviation of the Gaussian noise added to every gradient (0: exact
            gradients); the noise is seeded, so the same settings always draw the same path.

    Returns:
        The Figure.
    """
    run = run_optimizer(surface, optimizer, learning_rate, beta, noise=noise)
    chosen = get_surface(surface)
    fig = Figure(figsize=EXPLORER_SIZE, dpi=EXPLORER_DPI)
    backdrop = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    backdrop.set_axis_off()
    backdrop.imshow(_explorer_background(chosen.name), extent=(0.0, 1.0, 0.0, 1.0),
                    aspect="auto", interpolation="none")
    ax_path, ax_loss = _explorer_axes(fig, chosen)
    ax_path.set_axis_off()
    ax_loss.set_axis_off()
    drawn = _drawable(run.path, chosen)
    colour = "C3" if run.diverged_at is not None else "C1" if run.rising else "C0"
    ax_path.plot(drawn[:, 0], drawn[:, 1], color=colour, linewidth=1.4, marker=".",
                 markersize=3)
    ax_loss.plot(_positive(run.losses), color=colour, marker="o" if len(run.losses) <= 30 else None,
                 markersize=4)
    if run.diverged_at is not None:
        # Where the loss left the plot (or stopped being a number): a cross on the top edge.
        ax_loss.plot([run.diverged_at], [EXPLORER_LOSS_RANGE[1]], marker="X", color="C3",
                     markersize=10, clip_on=False)
        for ax in (ax_path, ax_loss):
            ax.text(0.5, 0.9, run.status, transform=ax.transAxes, ha="center", color="C3",
                    fontsize=12, fontweight="bold",
                    bbox={"facecolor": "white", "edgecolor": "C3", "alpha": 0.85})
        ax_loss.axvline(run.diverged_at, color="C3", linestyle="--", linewidth=1)
    elif run.rising:
        ax_loss.text(0.5, 0.9, "loss rising: diverging slowly", transform=ax_loss.transAxes,
                     ha="center", color="C1", fontsize=11, fontweight="bold",
                     bbox={"facecolor": "white", "edgecolor": "C1", "alpha": 0.85})
    if chosen.max_curvature is not None and optimizer == "SGD":
        ax_loss.set_title(f"SGD is stable for lr < 2/L = {2 / chosen.max_curvature:g}",
                          fontsize=9)
    # β is always named, so moving its slider visibly changes the plot even where it does nothing.
    unused = " (unused by " + optimizer + ")" if optimizer in ("SGD", "AdaGrad") else ""
    setting = f", β={beta:g}{unused}" + (f", noise σ={noise:g}" if noise > 0 else "")
    where = "rotated quadratic" if chosen.name == "rotated" else chosen.name
    fig.suptitle(f"{optimizer}, lr={learning_rate:.3g}{setting} on the {where}: "
                 f"{run.status}", color=colour)
    return fig


def plot_schedules(schedules: Mapping[str, Sequence[float]],
                   title: str = "Learning-rate schedules") -> Figure:
    """Plot learning rate against epoch for several schedules.

    Args:
        schedules: maps a label to one learning rate per epoch (epoch 0 first).
        title: axes title.

    Returns:
        The Figure.
    """
    fig = Figure(figsize=(6, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for label, rates in schedules.items():
        ax.step(range(len(rates)), list(rates), where="post", marker=".", label=label)
    ax.set(title=title, xlabel="epoch", ylabel="learning rate")
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", fontsize="small")  # below the axes: covers no line
    return fig


def plot_series(values: torch.Tensor, curves: Mapping[str, torch.Tensor],
                title: str = "Exponentially weighted averages") -> Figure:
    """Scatter a raw series and draw smoothed versions of it on top.

    Args:
        values: the raw series, shape ``(T,)``.
        curves: maps a label to a smoothed series of shape ``(T,)``.
        title: axes title.

    Returns:
        The Figure.
    """
    steps = np.arange(1, len(values) + 1)
    fig = Figure(figsize=(6.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(steps, values.detach().cpu().numpy(), s=8, color="0.6", label="raw values")
    for label, curve in curves.items():
        ax.plot(steps, curve.detach().cpu().numpy(), linewidth=1.8, label=label)
    ax.set(title=title, xlabel="t", ylabel="value")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def scheduler_learning_rates(scheduler_class: type, num_epochs: int, initial_lr: float = 0.1,
                             **scheduler_arguments) -> list[float]:
    """The learning rate a torch scheduler gives each epoch, read the way a training loop does.

    Builds an SGD optimizer over a dummy parameter, then for each epoch records
    ``optimizer.param_groups[0]["lr"]``, calls ``optimizer.step()`` and then
    ``scheduler.step()`` (the order PyTorch requires).

    Args:
        scheduler_class: e.g. ``torch.optim.lr_scheduler.StepLR``.
        num_epochs: how many epochs to record.
        initial_lr: the optimizer's learning rate before any scheduling.
        scheduler_arguments: passed to the scheduler (``step_size=...``, ``gamma=...``, ...).

    Returns:
        ``num_epochs`` floats: the learning rate in effect during epochs 0, 1, ...
    """
    dummy = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([dummy], lr=initial_lr)
    scheduler = scheduler_class(optimizer, **scheduler_arguments)
    rates = []
    for _ in range(num_epochs):
        rates.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()  # no gradient: changes nothing, but keeps the required order
        scheduler.step()
    return rates


# ----------------------------------------------------------------------------------------------
# A fixed problem for matching from-scratch optimizers against torch.optim
# ----------------------------------------------------------------------------------------------

def make_least_squares(seed: int = 0, num_samples: int = 32,
                       shape: tuple[int, ...] = (4,)) -> tuple[torch.Tensor, torch.Tensor]:
    """A reproducible float64 least-squares problem ``0.5 * mean((features @ w - targets)**2)``.

    Args:
        seed: seeds a private ``torch.Generator`` (global RNG untouched).
        num_samples: rows of ``features``.
        shape: shape of the weights ``w``: ``(d,)`` or ``(d, k)``.

    Returns:
        ``(features, targets)``: features of shape ``(num_samples, d)`` and targets of shape
        ``(num_samples,)`` or ``(num_samples, k)``, both float64.
    """
    generator = torch.Generator().manual_seed(seed)
    num_features = shape[0]
    features = torch.randn(num_samples, num_features, generator=generator, dtype=torch.float64)
    true_weights = torch.randn(*shape, generator=generator, dtype=torch.float64) * 2
    noise = 0.1 * torch.randn(num_samples, *shape[1:], generator=generator, dtype=torch.float64)
    return features, features @ true_weights + noise


def least_squares_gradient(features: torch.Tensor,
                           targets: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """Return ``gradient(w)`` of ``0.5 * mean((features @ w - targets)**2)`` (analytic, float64)."""
    def gradient(weights: torch.Tensor) -> torch.Tensor:
        residual = features @ weights - targets  # (num_samples,) or (num_samples, k)
        return features.T @ residual / features.shape[0]  # same shape as weights

    return gradient


def torch_trajectory(optimizer_class: type, start: torch.Tensor,
                     gradient: Callable[[torch.Tensor], torch.Tensor], num_steps: int,
                     **hyperparameters) -> torch.Tensor:
    """Run a ``torch.optim`` class from ``start`` with gradients from ``gradient``.

    Args:
        optimizer_class: e.g. ``torch.optim.Adam``.
        start: the initial parameter (any shape, float64); not modified.
        gradient: maps the current parameter to its gradient (same shape).
        num_steps: optimizer steps to take.
        hyperparameters: passed to the optimizer (``lr=...``, ``momentum=...``, ...).

    Returns:
        Tensor of shape ``(num_steps + 1, *start.shape)``: the start, then the parameter after
        each step.
    """
    param = start.detach().clone().requires_grad_(True)
    optimizer = optimizer_class([param], **hyperparameters)
    path = [param.detach().clone()]
    for _ in range(num_steps):
        optimizer.zero_grad()
        with torch.no_grad():
            param.grad = gradient(param.detach())
        optimizer.step()
        path.append(param.detach().clone())
    return torch.stack(path)


def scratch_trajectory(step_function: Callable, start: torch.Tensor,
                       gradient: Callable[[torch.Tensor], torch.Tensor], num_steps: int,
                       num_state: int, pass_step: bool = False, **hyperparameters
                       ) -> torch.Tensor:
    """Run a from-scratch step function the way :func:`torch_trajectory` runs torch.optim.

    The step function is called as
    ``step_function(param, grad, *state, **hyperparameters)`` (with ``step=t``, counting from
    1, added when ``pass_step``) and must return ``(new_param, *new_state)``; every state tensor
    starts as zeros shaped like the parameter.

    Args:
        step_function: the function under test.
        start: initial parameter (float64); not modified.
        gradient: maps the current parameter to its gradient.
        num_steps: steps to take.
        num_state: how many state tensors the step function carries (momentum: 1, Adam: 2).
        pass_step: pass the 1-based step count as ``step=`` (Adam's bias correction needs it).
        hyperparameters: passed through (``lr=...``, ...).

    Returns:
        Tensor of shape ``(num_steps + 1, *start.shape)``, like :func:`torch_trajectory`.
    """
    name = getattr(step_function, "__name__", "the step function")
    param = start.detach().clone()
    state = [torch.zeros_like(param) for _ in range(num_state)]
    path = [param.clone()]
    for step in range(1, num_steps + 1):
        grad = gradient(param.detach())
        extra = {"step": step} if pass_step else {}
        result = step_function(param, grad, *state, **extra, **hyperparameters)
        if not isinstance(result, tuple) or len(result) != num_state + 1:
            got = f"a tuple of {len(result)}" if isinstance(result, tuple) else \
                type(result).__name__
            checks.fail(f"{name} should return a tuple of {num_state + 1} tensors "
                        f"(new parameter, then {num_state} state tensor(s)), got {got}")
        for index, value in enumerate(result):
            checks.check_shape(value, tuple(start.shape), f"{name}(...)[{index}]",
                               hint="every returned tensor has the parameter's shape")
        param, *state = result
        param = param.detach()
        state = [value.detach() for value in state]
        path.append(param.clone())
    return torch.stack(path)
