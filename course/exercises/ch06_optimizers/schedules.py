"""Chapter 6, learning-rate schedules as functions of the epoch or iteration: ``step_lr``,
``multistep_lr``, ``exponential_lr`` and ``warmup_cosine_lr``. Every result is a Python float;
the cases walk through the epochs around each change."""

import numpy as np

from course.check.spec import Case, Contract, Exercise

CHAPTER = "ch06_optimizers"


RATES = "the list of rates of epochs 0, 1, 2, ..."


def rates_around(position: int, cap: int | None = None):
    """An observe hook: the function's rates for every epoch from 0 to 2 past the case's one
    (the epoch is argument ``position``; argument ``cap``, if given, is the last one allowed),
    so a schedule that changes too early shows."""
    def observe(function, result, args, case) -> dict:
        last = int(args[position]) + 2
        last = last if cap is None else min(last, int(args[cap]))
        return {RATES: [function(*args[:position], epoch, *args[position + 1:])
                        for epoch in range(last + 1)]}
    return observe


def shifted_schedule(case, observation, reference):
    got, want = observation.get("extra", {}).get(RATES), reference["extra"][RATES]
    if not isinstance(got, list) or len(got) != len(want) or got == want \
            or not all(isinstance(rate, float) for rate in got):
        return None
    if np.allclose(got[:-1], want[1:], rtol=1e-9, atol=1e-12):
        return ("your rates come one epoch early: the rate of epoch k is that of epoch k+1 "
                "(off by one)")
    if np.allclose(got[1:], want[:-1], rtol=1e-9, atol=1e-12):
        return ("your rates come one epoch late: the rate of epoch k is that of epoch k-1 "
                "(off by one)")
    return None


def rates_like(name: str, formula, text: str):
    """An explanation called ``name``: it fires when every rate of the observed epochs equals
    ``formula(case args, epoch)`` (a common misreading of the schedule) and the rates are wrong.

    Args:
        name: the explanation's name.
        formula: ``formula(args, epoch) -> float``, the misread schedule.
        text: the finding.

    Returns:
        ``explanation(case, observation, reference) -> str | None``.
    """
    def explanation(case, observation, reference):
        got, want = observation.get("extra", {}).get(RATES), reference["extra"][RATES]
        if not isinstance(got, list) or len(got) != len(want) or not all(
                isinstance(rate, float) for rate in got) or np.allclose(got, want, rtol=1e-9,
                                                                         atol=1e-12):
            return None
        misread = [formula(case.args, epoch) for epoch in range(len(got))]
        if np.allclose(got, misread, rtol=1e-9, atol=1e-12):
            return text
        return None
    explanation.__name__ = explanation.__qualname__ = name
    return explanation


# ------------------------------------------------------------------ step_lr

def step_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        plans = ((0.5, 3, 0.5, epoch) for epoch in (0, 2, 3, 8, 9, 30))
        return [Case(plan) for plan in plans] + [Case((1.0, 1, 0.9, 5))]
    return [Case((0.1, 10, 0.1, epoch)) for epoch in (0, 9, 10, 25)] + [
        Case((0.2, 1, 0.5, 3), "step_size 1"), Case((0.1, 4, 1.0, 7), "gamma 1")]


decays_times_gamma = rates_like(
    "decays_times_gamma",
    lambda a, epoch: a[0] * a[2] * (epoch // a[1]) if epoch // a[1] else a[0],
    "after n decays your rate is initial_lr × gamma × n: each decay multiplies the rate by "
    "gamma once more (a power of gamma)")
fractional_decays = rates_like(
    "fractional_decays", lambda a, epoch: a[0] * a[2] ** (epoch / a[1]),
    "your rate changes a little every epoch, a fraction of a decay at a time: it must stay "
    "constant for step_size epochs and then drop by gamma (whole decays only: integer "
    "division)")

STEP_LR = Exercise(
    "step_lr", CHAPTER, 1, step_cases,
    Contract(params=("initial_lr", "step_size", "gamma", "epoch"), atol=1e-12, rtol=1e-9,
             explanations=(shifted_schedule, decays_times_gamma, fractional_decays)),
    observe=rates_around(3))


# ------------------------------------------------------------------ multistep_lr

def multistep_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case((0.3, [2, 5, 9], 0.5, epoch)) for epoch in (0, 1, 2, 4, 5, 9, 20)] + [
            Case((0.1, [0], 0.1, 0), "a milestone at epoch 0")]
    return [Case((0.1, [3, 6], 0.1, epoch)) for epoch in (0, 2, 3, 5, 6, 10)] + [
        Case((1.0, [], 0.5, 4), "no milestones")]


MULTISTEP_LR = Exercise(
    "multistep_lr", CHAPTER, 2, multistep_cases,
    Contract(params=("initial_lr", "milestones", "gamma", "epoch"), atol=1e-12, rtol=1e-9,
             explanations=(shifted_schedule,)), observe=rates_around(3))


# ------------------------------------------------------------------ exponential_lr

def exponential_cases(seed: int, hidden: bool) -> list[Case]:
    epochs = (0, 1, 6, 40) if hidden else (0, 1, 2, 10)
    gamma = 0.8 if hidden else 0.9
    return [Case((0.05 if hidden else 0.1, gamma, epoch)) for epoch in epochs] + [
        Case((0.3, 1.0, 5), "gamma 1")]


continuous_decay = rates_like(
    "continuous_decay", lambda a, epoch: a[0] * float(np.exp(-a[1] * epoch)),
    "your rates follow initial_lr * exp(-gamma * epoch), a continuous decay: here each epoch "
    "multiplies the rate by gamma itself")
complement_kept = rates_like(
    "complement_kept", lambda a, epoch: a[0] * (1 - a[1]) ** epoch,
    "your rate is multiplied by 1 - gamma every epoch: gamma is the share of the rate each "
    "epoch keeps, not the share it loses")

EXPONENTIAL_LR = Exercise(
    "exponential_lr", CHAPTER, 1, exponential_cases,
    Contract(params=("initial_lr", "gamma", "epoch"), atol=1e-12, rtol=1e-9,
             explanations=(shifted_schedule, continuous_decay, complement_kept)),
    observe=rates_around(2))


# ------------------------------------------------------------------ warmup_cosine_lr

def warmup_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        plans = [(step, 0.5, 4, 20, 0.25, 0.01) for step in (0, 3, 4, 10, 19, 20)]
        plans += [(0, 1.0, 1, 2, 1.0, 0.0), (1, 1.0, 1, 2, 1.0, 0.0)]
    else:
        plans = [(step, 0.1, 5, 15) for step in (0, 2, 5, 10, 15)]
        plans += [(3, 1.0, 10, 30, 0.5, 0.1), (25, 1.0, 10, 30, 0.5, 0.1)]
    return [Case(plan, "the defaults start_factor=0.1, min_lr=0.0" if len(plan) == 4 else "")
            for plan in plans]


def _warmup(args, step, start_factor=None, min_lr=None) -> float:
    """The documented schedule at ``step``, with ``start_factor`` or ``min_lr`` replaced."""
    _, peak, warmup, total, *rest = args
    factor, floor = (*rest, *(0.1, 0.0)[len(rest):])
    factor = factor if start_factor is None else start_factor
    floor = floor if min_lr is None else min_lr
    if step < warmup:
        return peak * (factor + (1 - factor) * step / warmup)
    progress = (step - warmup) / (total - warmup)
    return floor + (peak - floor) * (1 + float(np.cos(np.pi * progress))) / 2


warmup_from_zero = rates_like(
    "warmup_from_zero", lambda a, step: _warmup(a, step, start_factor=0.0),
    "your warm-up starts from 0 at step 0, not at start_factor * peak_lr")
min_lr_ignored = rates_like(
    "min_lr_ignored", lambda a, step: _warmup(a, step, min_lr=0.0),
    "your cosine part decays to 0 and ignores min_lr: it ends at min_lr at step total_steps")

WARMUP_COSINE_LR = Exercise(
    "warmup_cosine_lr", CHAPTER, 2, warmup_cases,
    Contract(params=("step", "peak_lr", "warmup_steps", "total_steps", "start_factor", "min_lr"),
             atol=1e-12, rtol=1e-9,
             explanations=(shifted_schedule, warmup_from_zero, min_lr_ignored)),
    observe=rates_around(0, cap=3))
