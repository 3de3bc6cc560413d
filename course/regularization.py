"""Chapter 7 helpers: a small noisy data set, a cached weight-decay sweep and its slider plot.

The sweep trains one small MLP per weight-decay value on the same noisy two-moons data, all in
one loop (the models are stacked along a leading "model" dimension and trained with batched
matrix products). It takes about 1.5 s of CPU time, runs once per process
(``functools.lru_cache``) and is deterministic. The slider then only looks numbers up and
updates one reused Figure, which keeps an update (drawing included) near or under 100 ms.

Nothing runs at import time.
"""

import contextlib
import functools
import math
from collections.abc import Sequence
from typing import NamedTuple

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch.nn import functional as F

# Slider grid: 10**-4 ... 10**-1 in half decades, plus 0 (no weight decay) as a reference.
WEIGHT_DECAY_EXPONENTS = (-4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0)
HIDDEN_FEATURES = 64
NUM_EPOCHS = 200
LEARNING_RATE = 1e-2
MESH_SIZE = 40
MESH_LIMITS = ((-1.5, 2.5), (-1.1, 1.6))


def make_noisy_moons(num_train: int = 50, num_val: int = 200, noise_std: float = 0.2,
                     flip_fraction: float = 0.1, seed: int = 0,
                     ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Two interleaved half circles with Gaussian noise and some flipped labels.

    A small training set with wrong labels in it is what a large network memorises: it reaches
    a training loss near 0 while the validation loss climbs.

    Args:
        num_train: training points (small on purpose).
        num_val: validation points, drawn from the same distribution.
        noise_std: standard deviation of the Gaussian noise added to each coordinate.
        flip_fraction: probability that a point's label is flipped (label noise).
        seed: seed of the private generator; the same seed always gives the same data.

    Returns:
        ``(train_x, train_y, val_x, val_y)``: x of shape ``(N, 2)``, y of shape ``(N, 1)``
        holding 0.0 or 1.0, all float32.
    """
    if num_train < 1 or num_val < 1:
        raise ValueError(f"num_train and num_val must be at least 1, got {num_train}, {num_val}")
    if not 0.0 <= flip_fraction <= 1.0:
        raise ValueError(f"flip_fraction must lie in [0, 1], got {flip_fraction}")
    generator = torch.Generator().manual_seed(seed)

    def draw(count: int) -> tuple[torch.Tensor, torch.Tensor]:
        label = torch.randint(0, 2, (count,), generator=generator)  # (N,)
        angle = torch.rand(count, generator=generator, dtype=torch.float64) * math.pi  # (N,)
        upper = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)  # (N, 2)
        lower = torch.stack([1 - torch.cos(angle), 0.5 - torch.sin(angle)], dim=1)  # (N, 2)
        points = torch.where(label[:, None] == 1, lower, upper)
        points = points + noise_std * torch.randn(count, 2, generator=generator,
                                                  dtype=torch.float64)
        flipped = torch.rand(count, generator=generator) < flip_fraction  # (N,)
        label = torch.where(flipped, 1 - label, label)
        return points.float(), label.float().unsqueeze(1)  # (N, 2), (N, 1)

    train_x, train_y = draw(num_train)
    val_x, val_y = draw(num_val)
    return train_x, train_y, val_x, val_y


def plot_curves(curves: dict[str, Sequence[float]], title: str = "Training and validation loss",
                ylabel: str = "loss") -> Figure:
    """Plot several per-epoch curves on one axes and mark the lowest point of each.

    Args:
        curves: maps a legend label (e.g. ``"validation, p = 0.5"``) to one number per epoch.
            Labels containing "train" are drawn solid, the others dashed.
        title: axes title.
        ylabel: y-axis label.

    Returns:
        The Figure. Non-finite values (a diverged run) are labelled in the legend.
    """
    fig = Figure(figsize=(6, 3.4), layout="constrained")
    _draw_curves(fig.add_subplot(), curves, title, ylabel, best="min", colors={})
    return fig


def plot_loss_and_accuracy(losses: dict[str, Sequence[float]],
                           accuracies: dict[str, Sequence[float]],
                           title: str = "Loss and accuracy") -> Figure:
    """Loss curves (left) beside accuracy curves (right), one number per epoch each.

    Args:
        losses: legend label -> loss per epoch; the lowest point of each curve is marked.
        accuracies: legend label -> accuracy (0 to 1) per epoch; the highest point is marked.
        title: the figure's title.

    Returns:
        The Figure. As in :func:`plot_curves`, labels containing "train" are drawn solid; a
        label used in both panels gets the same colour in both.
    """
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    loss_ax, accuracy_ax = fig.subplots(1, 2)
    labels = list(dict.fromkeys([*losses, *accuracies]))
    colors = {label: f"C{number}" for number, label in enumerate(labels)}
    _draw_curves(loss_ax, losses, "loss", "loss", best="min", colors=colors)
    _draw_curves(accuracy_ax, accuracies, "accuracy", "accuracy", best="max", colors=colors)
    fig.suptitle(title)
    return fig


def _draw_curves(ax, curves: dict[str, Sequence[float]], title: str, ylabel: str, best: str,
                 colors: dict[str, str]) -> None:
    """Draw per-epoch curves on ``ax`` and mark each one's lowest (``best="min"``) or highest.

    A label missing from ``colors`` takes the colour cycle's entry for its position.
    """
    for number, (label, values) in enumerate(curves.items()):
        color = colors.get(label, f"C{number}")
        values = torch.as_tensor(list(values), dtype=torch.float64)
        style = "-" if "train" in label else "--"
        if not bool(torch.isfinite(values).all()):
            label = f"{label} (diverged: not finite)"
        epochs = range(1, len(values) + 1)
        ax.plot(epochs, values.numpy(), style, color=color, label=label)
        sign = 1.0 if best == "min" else -1.0
        finite = torch.nan_to_num(sign * values, nan=float("inf"))
        best_index = int(torch.argmin(finite))
        if bool(torch.isfinite(finite[best_index])):
            ax.plot(best_index + 1, float(values[best_index]), "o", color=color, ms=4)
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)


def weight_decay_grid() -> tuple[float, ...]:
    """The weight decays the sweep trains: 0 first, then 1e-4 ... 1e-1 in half decades."""
    return (0.0,) + tuple(10.0 ** exponent for exponent in WEIGHT_DECAY_EXPONENTS)


def init_mlp_parameters(in_features: int = 2, hidden: int = HIDDEN_FEATURES, seed: int = 0,
                        ) -> list[torch.Tensor]:
    """Initial parameters of a ``in -> hidden -> hidden -> 1`` MLP, drawn like ``nn.Linear``.

    Each weight and bias is uniform in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` (the distribution
    ``nn.Linear`` uses by default), drawn from a private generator.

    Returns:
        ``[w1, b1, w2, b2, w3, b3]`` with weights laid out ``(in, out)`` and biases ``(1, out)``
        (transposed with respect to ``nn.Linear.weight``, which is ``(out, in)``).
    """
    generator = torch.Generator().manual_seed(seed)
    params = []
    for fan_in, fan_out in ((in_features, hidden), (hidden, hidden), (hidden, 1)):
        bound = 1.0 / math.sqrt(fan_in)
        weight = (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound
        bias = (torch.rand(1, fan_out, generator=generator) * 2 - 1) * bound
        params += [weight, bias]
    return params


def _forward(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Logits of the stacked MLPs: params have a leading model dim G; x is (N, in)."""
    hidden = x.expand(params[0].shape[0], *x.shape)  # (G, N, in)
    hidden = torch.relu(torch.baddbmm(params[1], hidden, params[0]))  # (G, N, H)
    hidden = torch.relu(torch.baddbmm(params[3], hidden, params[2]))  # (G, N, H)
    return torch.baddbmm(params[5], hidden, params[4])  # (G, N, 1)


def _bce_per_model(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean binary cross entropy of each model: logits (G, N, 1), target (N, 1) -> (G,)."""
    losses = F.binary_cross_entropy_with_logits(logits, target.expand_as(logits),
                                                reduction="none")
    return losses.mean(dim=(1, 2))


def _denormals_flushed() -> bool:
    """Whether the CPU currently flushes denormal floats to zero (PyTorch has no getter)."""
    return float(torch.tensor([1e-39]) * torch.tensor([1.0])) == 0.0


@contextlib.contextmanager
def _fast_small_training():
    """One thread and denormals flushed to zero while the sweep trains; both restored after.

    On a busy 2-core machine two threads fighting over the cores made the sweep ten times
    slower, and a memorising network produces gradients so tiny that their squares in Adam are
    denormal floats, which the CPU processes many times more slowly than normal ones.
    """
    threads, flushed = torch.get_num_threads(), _denormals_flushed()
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.set_flush_denormal(flushed)


class Sweep(NamedTuple):
    """Result of :func:`weight_decay_sweep` (read-only: it is cached and shared)."""

    weight_decays: tuple[float, ...]  # G values, 0.0 first
    train_loss: torch.Tensor  # (G, num_epochs) training BCE after each epoch
    val_loss: torch.Tensor  # (G, num_epochs) validation BCE after each epoch
    val_accuracy: torch.Tensor  # (G,) validation accuracy after the last epoch
    mesh_probability: torch.Tensor  # (G, MESH_SIZE, MESH_SIZE) P(class 1) on a grid of points
    train_x: torch.Tensor  # (N, 2)
    train_y: torch.Tensor  # (N, 1)


@functools.lru_cache(maxsize=4)
def weight_decay_sweep(num_epochs: int = NUM_EPOCHS, hidden: int = HIDDEN_FEATURES,
                       learning_rate: float = LEARNING_RATE, seed: int = 0) -> Sweep:
    """Train one MLP per weight decay of :func:`weight_decay_grid` and record its curves.

    Every model starts from the same initial weights (:func:`init_mlp_parameters`) and sees the
    same full-batch data (:func:`make_noisy_moons`), so the weight decay is the only difference.
    Training is full-batch Adam on the binary cross entropy plus the L2 penalty
    ``weight_decay / 2 * sum(w ** 2)``, whose gradient ``weight_decay * w`` is exactly what
    ``torch.optim.Adam(..., weight_decay=weight_decay)`` adds; the models are stacked along a
    leading dimension and trained together (their losses are summed, so their gradients stay
    separate). Runs on one thread with denormal floats flushed to zero (both settings are
    restored afterwards). Computed once per argument set and cached.

    Returns:
        A :class:`Sweep`; all tensors are CPU float32.
    """
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be at least 1, got {num_epochs}")
    with _fast_small_training():
        return _train_sweep(num_epochs, hidden, learning_rate, seed)


def _train_sweep(num_epochs: int, hidden: int, learning_rate: float, seed: int) -> Sweep:
    train_x, train_y, val_x, val_y = make_noisy_moons(seed=seed)
    decays = weight_decay_grid()
    num_models = len(decays)
    decay_column = torch.tensor(decays).view(num_models, 1, 1)  # (G, 1, 1)
    params = [p.expand(num_models, *p.shape).clone().requires_grad_()
              for p in init_mlp_parameters(train_x.shape[1], hidden, seed)]
    optimizer = torch.optim.Adam(params, lr=learning_rate)
    train_curve = torch.empty(num_models, num_epochs)
    val_curve = torch.empty(num_models, num_epochs)
    for epoch in range(num_epochs):
        data_loss = _bce_per_model(_forward(params, train_x), train_y).sum()
        penalty = sum((decay_column / 2 * p.pow(2)).sum() for p in params)
        optimizer.zero_grad()
        (data_loss + penalty).backward()
        optimizer.step()
        with torch.no_grad():
            train_curve[:, epoch] = _bce_per_model(_forward(params, train_x), train_y)
            val_logits = _forward(params, val_x)  # (G, N_val, 1)
            val_curve[:, epoch] = _bce_per_model(val_logits, val_y)
    with torch.no_grad():
        val_accuracy = ((val_logits > 0).float() == val_y).float().mean(dim=(1, 2))
        (x_low, x_high), (y_low, y_high) = MESH_LIMITS
        mesh_x, mesh_y = torch.meshgrid(torch.linspace(x_low, x_high, MESH_SIZE),
                                        torch.linspace(y_low, y_high, MESH_SIZE), indexing="xy")
        mesh_points = torch.stack([mesh_x.reshape(-1), mesh_y.reshape(-1)], dim=1)  # (M*M, 2)
        mesh_probability = torch.sigmoid(_forward(params, mesh_points)).view(
            num_models, MESH_SIZE, MESH_SIZE)
    return Sweep(decays, train_curve, val_curve, val_accuracy, mesh_probability,
                 train_x, train_y)


def nearest_grid_index(weight_decay: float) -> int:
    """Index in :func:`weight_decay_grid` of the value closest to ``weight_decay`` (log scale).

    Values at or below 0 map to the "no weight decay" entry (index 0).
    """
    if not math.isfinite(weight_decay):
        raise ValueError(f"weight_decay must be a finite number, got {weight_decay}")
    if weight_decay <= 0:
        return 0
    exponent = math.log10(weight_decay)
    distances = [abs(exponent - e) for e in WEIGHT_DECAY_EXPONENTS]
    return 1 + distances.index(min(distances))


def generalisation_gap(weight_decay: float) -> dict[str, float]:
    """Numbers the slider shows for the grid value nearest to ``weight_decay``.

    Returns:
        A dict with ``weight_decay`` (the grid value used), ``train_loss`` and ``val_loss``
        after the last epoch, ``gap`` (val - train), ``best_val_loss`` and ``best_epoch``
        (1-based), and ``val_accuracy``.
    """
    sweep = weight_decay_sweep()
    index = nearest_grid_index(weight_decay)
    train_loss = float(sweep.train_loss[index, -1])
    val_loss = float(sweep.val_loss[index, -1])
    best_epoch = int(torch.argmin(sweep.val_loss[index])) + 1
    return {"weight_decay": sweep.weight_decays[index], "train_loss": train_loss,
            "val_loss": val_loss, "gap": val_loss - train_loss,
            "best_val_loss": float(sweep.val_loss[index, best_epoch - 1]),
            "best_epoch": best_epoch, "val_accuracy": float(sweep.val_accuracy[index])}


def _label(weight_decay: float) -> str:
    return "0" if weight_decay == 0 else f"{weight_decay:.1e}"


class _SliderFigure(NamedTuple):
    """The slider's Figure and the artists one update changes."""

    figure: Figure
    image: object
    boundary_ax: object
    curve_ax: object
    train_line: object
    val_line: object
    reference_line: object
    diverged_text: object
    marker: object
    title: object


_SLIDER_FIGURES: dict[int, tuple[Sweep, _SliderFigure]] = {}


def _build_slider_figure(sweep: Sweep) -> _SliderFigure:
    """Everything that does not depend on the slider value, built once per sweep.

    Creating axes and their ticks costs more than the whole 100 ms budget of an update on a
    2-core machine, so the slider reuses one Figure and only changes data and texts. Fixed
    margins (no layout engine), few explicit ticks and titles at a fixed height keep the
    drawing itself cheap too.
    """
    fig = Figure(figsize=(10, 3.2), dpi=80)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.15, top=0.9, wspace=0.22)
    boundary_ax, curve_ax, grid_ax = fig.subplots(1, 3, width_ratios=[1, 1.3, 1.3])

    (x_low, x_high), (y_low, y_high) = MESH_LIMITS
    image = boundary_ax.imshow(sweep.mesh_probability[0].numpy(), origin="lower",
                               extent=(x_low, x_high, y_low, y_high), cmap="coolwarm", vmin=0,
                               vmax=1, aspect="auto", alpha=0.35, interpolation="bilinear")
    points, labels = sweep.train_x.numpy(), sweep.train_y[:, 0].numpy()
    boundary_ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="bwr", vmin=0, vmax=1,
                        edgecolors="w", linewidths=0.5, s=18, zorder=3)
    boundary_ax.set(xticks=[], yticks=[], xlim=(x_low, x_high), ylim=(y_low, y_high))
    boundary_ax.set_title("boundary and training points", y=1.01)

    num_epochs = sweep.train_loss.shape[1]
    epochs = list(range(1, num_epochs + 1))
    (train_line,) = curve_ax.plot(epochs, [0.0] * num_epochs, "C0", label="train")
    (val_line,) = curve_ax.plot(epochs, [0.0] * num_epochs, "C3", label="validation")
    (reference_line,) = curve_ax.plot(epochs, sweep.val_loss[0].numpy(), "C3--", alpha=0.4,
                                      lw=1, label="validation, no decay")
    diverged_text = curve_ax.text(0.5, 0.5, "diverged: the loss is not finite", ha="center",
                                  transform=curve_ax.transAxes, color="C3", visible=False)
    finite_losses = torch.cat([sweep.train_loss, sweep.val_loss]).nan_to_num(0.0, 0.0, 0.0)
    top = max(float(finite_losses.max()) * 1.05, 0.1)
    y_ticks = [0, round(top / 2, 1), round(top * 0.95, 1)]
    curve_ax.set(xlim=(0, num_epochs + 1), ylim=(0, top), yticks=y_ticks,
                 xticks=[0, num_epochs // 2, num_epochs])
    title = curve_ax.set_title("", y=1.01)
    curve_ax.text(0.5, -0.13, "epoch", transform=curve_ax.transAxes, ha="center", va="top")
    curve_ax.legend(fontsize=8, loc="upper left")

    positions = list(range(len(sweep.weight_decays)))
    final_train = sweep.train_loss[:, -1].nan_to_num(0.0, 0.0, 0.0)
    final_val = sweep.val_loss[:, -1].nan_to_num(0.0, 0.0, 0.0)
    grid_ax.plot(positions, final_train.numpy(), "C0o-")
    grid_ax.plot(positions, final_val.numpy(), "C3o-")
    marker = grid_ax.axvline(0, color="k", alpha=0.25, lw=8)
    decades = [i + 1 for i, e in enumerate(WEIGHT_DECAY_EXPONENTS) if e == int(e)]
    grid_ax.set(ylim=(0, top), yticks=y_ticks, xlim=(-0.5, len(positions) - 0.5))
    grid_ax.set_xticks([0, *decades], ["0"] + [f"1e{int(WEIGHT_DECAY_EXPONENTS[i - 1])}"
                                                for i in decades])
    grid_ax.set_title("loss after the last epoch", y=1.01)
    grid_ax.text(0.5, -0.13, "weight decay", transform=grid_ax.transAxes, ha="center",
                 va="top")
    return _SliderFigure(fig, image, boundary_ax, curve_ax, train_line, val_line, reference_line,
                         diverged_text, marker, title)


def plot_weight_decay(weight_decay: float = 1e-4) -> Figure:
    """Slider view: what weight decay does to the train/validation gap.

    Left: the probability of class 1 and the decision boundary (P = 0.5) of the model trained
    with the grid value nearest to ``weight_decay``, over the training points. Middle: its
    training and validation loss per epoch, with the validation curve of the model trained
    without weight decay dashed for reference (hidden under the solid one at 0). Right: final
    training and validation loss for every grid value, the current one marked. A curve that
    is not finite (divergence) is labelled instead of drawn.

    To stay well under 100 ms per update, every call returns the **same** Figure object with
    its data updated (building a new figure alone would use most of that budget); keep a
    copy (e.g. ``fig.savefig``) if you need an earlier state.

    Args:
        weight_decay: the L2 strength; snapped to the nearest grid value (log scale).

    Returns:
        The Figure.
    """
    sweep = weight_decay_sweep()
    cached = _SLIDER_FIGURES.get(id(sweep))
    if cached is None or cached[0] is not sweep:
        _SLIDER_FIGURES.clear()
        cached = (sweep, _build_slider_figure(sweep))
        _SLIDER_FIGURES[id(sweep)] = cached
    view = cached[1]
    index = nearest_grid_index(weight_decay)
    numbers = generalisation_gap(weight_decay)

    probability = sweep.mesh_probability[index].numpy()  # (MESH_SIZE, MESH_SIZE)
    view.image.set_data(probability)
    for contour in list(view.boundary_ax.collections[1:]):
        contour.remove()  # collections[0] is the scatter of training points
    if probability.min() < 0.5 < probability.max():
        view.boundary_ax.contour(probability, levels=[0.5], colors="k", linewidths=1,
                                 extent=view.image.get_extent())

    train_curve, val_curve = sweep.train_loss[index], sweep.val_loss[index]
    finite = bool(torch.isfinite(train_curve).all() and torch.isfinite(val_curve).all())
    view.train_line.set_ydata(train_curve.numpy())
    view.val_line.set_ydata(val_curve.numpy())
    view.train_line.set_visible(finite)
    view.val_line.set_visible(finite)
    view.diverged_text.set_visible(not finite)
    view.title.set_text(f"weight decay {_label(numbers['weight_decay'])}: "
                        f"gap {numbers['gap']:.2f}")
    view.marker.set_xdata([index, index])
    return view.figure
