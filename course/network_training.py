"""Optimizers on a real network: the phone task, one mini-batch training loop, and its curves.

Chapter 6 trains the same small MLP on the same data (the synthetic phones of chapter 8, four
price classes) with every optimizer, so their curves can be compared on a real problem and not
only on 2-D toys. Everything runs on the CPU in float64: the networks are tiny, and float64 keeps
the printed losses identical on every processor. Every function is pure: models are initialised
inside ``torch.random.fork_rng`` and batches are shuffled with private generators, so the global
random state is never touched.
"""

import contextlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure
from torch import nn
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

from course import phones

NETWORK_OPTIMIZERS: dict[str, tuple[type, dict]] = {
    "SGD": (torch.optim.SGD, {}),
    "Momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "AdaGrad": (torch.optim.Adagrad, {}),
    "RMSProp": (torch.optim.RMSprop, {}),
    "Adam": (torch.optim.Adam, {}),
    "AdamW": (torch.optim.AdamW, {"weight_decay": 0.01}),
}
"""Name -> (torch.optim class, settings other than the learning rate); torch's defaults else."""


@dataclass(frozen=True)
class PhoneTask:
    """Standardised float64 phone features and their price classes, split in two.

    Attributes:
        train_features: ``(num_train, 20)``, standardised with the training mean and std.
        train_labels: int64 ``(num_train,)``, classes 0 to 3.
        val_features: ``(num_val, 20)``, standardised with the TRAINING statistics.
        val_labels: int64 ``(num_val,)``.
    """

    train_features: torch.Tensor
    train_labels: torch.Tensor
    val_features: torch.Tensor
    val_labels: torch.Tensor


@contextlib.contextmanager
def single_thread():
    """Run the enclosed code on one CPU thread, then restore the thread count.

    The networks here are so small that splitting each operation over threads costs more than
    it saves: on a busy 2-core machine one training run took 0.5 s of CPU on one thread and
    14 s on two.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def make_phone_task(num_train: int = 1000, num_val: int = 500, seed: int = 0) -> PhoneTask:
    """Phones from :func:`course.phones.make_phones`: a training and a validation split."""
    features, labels = phones.make_phones(num_train + num_val, seed=seed)
    features = features.to(torch.float64)  # (num_train + num_val, 20)
    train, val = features[:num_train], features[num_train:]
    mean, std = train.mean(dim=0), train.std(dim=0)  # (20,) each
    return PhoneTask((train - mean) / std, labels[:num_train], (val - mean) / std,
                     labels[num_train:])


def make_network(seed: int = 0, hidden: int = 32) -> nn.Sequential:
    """A float64 MLP 20 -> hidden -> hidden -> 4 with ReLUs, torch's default init, seeded."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(phones.NUM_FEATURES, hidden), nn.ReLU(),
                             nn.Linear(hidden, hidden), nn.ReLU(),
                             nn.Linear(hidden, phones.NUM_CLASSES)).double()


def make_network_optimizer(name: str, params, learning_rate: float) -> torch.optim.Optimizer:
    """The optimizer :data:`NETWORK_OPTIMIZERS` calls ``name``, at ``learning_rate``."""
    if name not in NETWORK_OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(NETWORK_OPTIMIZERS)}, got {name!r}")
    optimizer_class, settings = NETWORK_OPTIMIZERS[name]
    return optimizer_class(params, lr=learning_rate, **settings)


def warmup_cosine(optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int,
                  start_factor: float = 0.1, min_lr: float = 0.0) -> SequentialLR:
    """Linear warm-up then cosine decay, to be stepped once per ITERATION.

    ``LinearLR`` raises the rate from ``start_factor * lr`` to ``lr`` over ``warmup_steps``
    iterations, then ``CosineAnnealingLR`` lowers it to ``min_lr`` over the remaining
    ``total_steps - warmup_steps`` iterations.

    Args:
        optimizer: the optimizer whose learning rate ``lr`` is the peak.
        warmup_steps: iterations of warm-up, >= 1.
        total_steps: iterations of the whole run, > warmup_steps.
        start_factor: the first iteration's rate as a fraction of the peak, in (0, 1].
        min_lr: the rate the cosine ends at.

    Returns:
        A ``SequentialLR`` scheduler.
    """
    if not 1 <= warmup_steps < total_steps:
        raise ValueError(f"need 1 <= warmup_steps < total_steps, got {warmup_steps}, "
                         f"{total_steps}")
    warmup = LinearLR(optimizer, start_factor=start_factor, total_iters=warmup_steps)
    decay = CosineAnnealingLR(optimizer, T_max=total_steps - warmup_steps, eta_min=min_lr)
    return SequentialLR(optimizer, [warmup, decay], milestones=[warmup_steps])


@dataclass(frozen=True)
class TrainingRun:
    """What :func:`train_network` records.

    Attributes:
        label: names the run in plots.
        step_losses: training loss of every iteration's batch, before its update.
        learning_rates: the learning rate every iteration's update used.
        val_losses: validation cross entropy after each epoch (index 0: before training).
        val_accuracies: validation accuracy after each epoch (index 0: before training).
    """

    label: str
    step_losses: list[float]
    learning_rates: list[float]
    val_losses: list[float]
    val_accuracies: list[float]


def evaluate(model: nn.Module, features: torch.Tensor, labels: torch.Tensor
             ) -> tuple[float, float]:
    """``(cross entropy, accuracy)`` of ``model`` on a data set, without building a graph."""
    with torch.no_grad():
        logits = model(features)  # (N, classes)
        loss = nn.functional.cross_entropy(logits, labels).item()
        accuracy = (logits.argmax(dim=1) == labels).double().mean().item()
    return loss, accuracy


def train_network(task: PhoneTask, optimizer_name: str, learning_rate: float,
                  num_epochs: int = 10, batch_size: int = 50, seed: int = 0,
                  schedule: Callable[[torch.optim.Optimizer], object] | None = None,
                  label: str | None = None) -> TrainingRun:
    """Train :func:`make_network` (seed ``seed``) on ``task`` with mini-batches.

    Each epoch shuffles the training rows with a private generator (seed ``seed``); each
    iteration does zero_grad, forward, cross entropy, backward, ``optimizer.step()`` and, when
    ``schedule`` is given, ``scheduler.step()``: the schedule is stepped per ITERATION.

    Args:
        task: the data (:func:`make_phone_task`).
        optimizer_name: a key of :data:`NETWORK_OPTIMIZERS`.
        learning_rate: the optimizer's learning rate (the peak, with a schedule).
        num_epochs: passes over the training rows.
        batch_size: rows per iteration.
        seed: seeds the initialisation and the shuffling.
        schedule: builds the scheduler from the optimizer, e.g.
            ``lambda opt: warmup_cosine(opt, 20, 200)``; ``None`` keeps the rate constant.
        label: the run's name; defaults to ``"<optimizer> lr=<learning rate>"``.

    Returns:
        A :class:`TrainingRun`.
    """
    with single_thread():
        return _train(task, optimizer_name, learning_rate, num_epochs, batch_size, seed,
                      schedule, label)


def _train(task, optimizer_name, learning_rate, num_epochs, batch_size, seed, schedule, label):
    model = make_network(seed)
    optimizer = make_network_optimizer(optimizer_name, model.parameters(), learning_rate)
    scheduler = schedule(optimizer) if schedule is not None else None
    shuffler = torch.Generator().manual_seed(seed)
    val_loss, val_accuracy = evaluate(model, task.val_features, task.val_labels)
    run = TrainingRun(label or f"{optimizer_name} lr={learning_rate:g}", [], [], [val_loss],
                      [val_accuracy])
    for _ in range(num_epochs):
        order = torch.randperm(len(task.train_labels), generator=shuffler)
        for batch in order.split(batch_size):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(task.train_features[batch]),
                                               task.train_labels[batch])
            loss.backward()
            run.learning_rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            run.step_losses.append(loss.item())
        val_loss, val_accuracy = evaluate(model, task.val_features, task.val_labels)
        run.val_losses.append(val_loss)
        run.val_accuracies.append(val_accuracy)
    return run


def running_mean(values: list[float], window: int = 10) -> list[float]:
    """Mean of each value and the ``window - 1`` before it (fewer at the start): a smoother."""
    series = torch.tensor(values, dtype=torch.float64)
    totals = torch.cat([torch.zeros(1, dtype=torch.float64), series.cumsum(0)])  # (T + 1,)
    ends = torch.arange(1, len(values) + 1)
    starts = (ends - window).clamp(min=0)
    return ((totals[ends] - totals[starts]) / (ends - starts)).tolist()


def plot_runs(runs: list[TrainingRun], title: str = "The same network, the same data") -> Figure:
    """Training loss per iteration (smoothed) and validation loss per epoch, one line per run."""
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    ax_train, ax_val = fig.subplots(1, 2)
    for index, run in enumerate(runs):
        ax_train.plot(running_mean(run.step_losses), color=f"C{index}", label=run.label)
        ax_val.plot(run.val_losses, color=f"C{index}", marker="o", markersize=3,
                    label=f"{run.label}: acc {run.val_accuracies[-1]:.2f}")
    ax_train.set(xlabel="iteration", ylabel="training loss (mean of 10 batches)",
                 title="training loss per iteration")
    ax_val.set(xlabel="epoch", ylabel="validation cross entropy", title="validation loss")
    ax_val.axhline(math.log(phones.NUM_CLASSES), color="0.5", linestyle=":", linewidth=1)
    for ax in (ax_train, ax_val):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    return fig


def plot_lr_range(results: Mapping[str, tuple[list[float], list[float]]],
                  chosen: Mapping[str, float] | None = None,
                  title: str = "Learning-rate range test") -> Figure:
    """Loss against learning rate (log x axis) for each optimizer, with the chosen rates marked.

    Args:
        results: maps a name to ``(learning_rates, losses)`` of one range test.
        chosen: maps a name to the learning rate picked from its curve.
        title: axes title.

    Returns:
        The Figure.
    """
    fig = Figure(figsize=(7, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for index, (name, (learning_rates, losses)) in enumerate(results.items()):
        ax.plot(learning_rates, running_mean(losses, 5), color=f"C{index}", label=name)
        if chosen and name in chosen:
            ax.axvline(chosen[name], color=f"C{index}", linestyle=":", linewidth=1.2)
    ax.set_xscale("log")
    ax.set(xlabel="learning rate (grows every iteration)",
           ylabel="training loss (mean of 5 batches)", title=title)
    ax.axhline(math.log(phones.NUM_CLASSES), color="0.5", linestyle="--", linewidth=1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, title="dotted: chosen lr", title_fontsize=8)
    return fig
