"""Chapter 5, regression losses: ``mse_loss``, ``huber_loss`` and ``fit_constant``."""

import torch
from torch import nn

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import show
from course.exercises.ch05_losses.shared import CHAPTER, close, raised, tensors

UNKNOWN = "with reduction='average'"


def _sizes(case) -> dict:
    return {"N": case.args[0].numel()}


def _unknown_reduction(function, result, args, case) -> dict:
    """Call again with an unknown reduction: does it raise?"""
    return {UNKNOWN: raised(lambda: function(args[0], args[1], "average"))}


def no_value_error(case, observation, reference):
    got, want = observation.get("extra", {}).get(UNKNOWN), reference["extra"][UNKNOWN]
    if got == "returned" and want != got:
        return ("reduction='average' returned a result: an unknown reduction must raise "
                "ValueError (raise ValueError(...))")
    return None


# ------------------------------------------------------------------ mse_loss

def mse_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = (((7,), "none"), ((5, 1), "sum"), ((2, 3, 4), "mean"), ((1, 6), "mean"),
             ((3, 5), "sum"), ((6, 2), None)) if hidden else (
        ((3,), "mean"), ((2, 3), "sum"), ((4, 3), "none"), ((4, 3), "mean"),
        ((2, 3, 2), "mean"), ((3, 2), None))
    cases = []
    for index, (shape, reduction) in enumerate(plans):
        dtype = torch.float64 if index % 2 else torch.float32
        prediction, target = normal(gen, *shape, dtype=dtype) * 2, normal(gen, *shape, dtype=dtype)
        args = (prediction, target) if reduction is None else (prediction, target, reduction)
        cases.append(Case(args, "the default reduction" if reduction is None else ""))
    return cases


def per_batch_mean(case, observation, reference):
    got, want = tensors(observation, reference)
    prediction = case.args[0]
    if got is None or got.ndim or prediction.ndim < 2 or prediction.numel() == len(prediction):
        return None
    if close(got, want * prediction.numel() / len(prediction), 1e-6):
        return (f"divided by the batch size {len(prediction)}, not by the number of elements "
                f"{prediction.numel()}: 'mean' averages over every element")
    return None


MSE_LOSS = Exercise(
    "mse_loss", CHAPTER, 2, mse_cases,
    Contract(params=("prediction", "target", "reduction"), sizes=_sizes, reductions=("N",),
             forbidden=("torch.nn.functional.mse_loss",),
             explanations=(per_batch_mean, no_value_error)),
    observe=_unknown_reduction)


# ------------------------------------------------------------------ huber_loss

def huber_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = (((8,), 0.3, "none"), ((3, 2, 5), 1.0, "sum"), ((6, 1), 3.0, "mean"),
             ((4, 4), 0.8, "none"), ((2, 5), None, None)) if hidden else (
        ((4, 3), 2.0, "none"), ((4, 3), 0.5, "none"), ((2, 3), 0.3, "sum"),
        ((3, 2), 1.5, "mean"), ((5,), None, None))
    cases = []
    for index, (shape, delta, reduction) in enumerate(plans):
        dtype = torch.float64 if index % 2 else torch.float32
        prediction, target = normal(gen, *shape, dtype=dtype) * 3, normal(gen, *shape, dtype=dtype)
        args = (prediction, target) if delta is None else (prediction, target, delta, reduction)
        cases.append(Case(args, "the default delta and reduction" if delta is None else ""))
    edge = torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0])
    return cases + [Case((edge, torch.zeros(5), 1.0, "none"), "errors exactly at ±delta")]


def _huber_inputs(case, observation, reference):
    got, want = tensors(observation, reference)
    if got is None:
        return None
    prediction, target = case.args[:2]
    delta = case.args[2] if len(case.args) > 2 else 1.0
    reduction = case.args[3] if len(case.args) > 3 else "mean"
    return got, want, (prediction - target).abs(), delta, reduction


def divided_by_delta(case, observation, reference):
    found = _huber_inputs(case, observation, reference)
    if found is None or found[3] == 1.0:
        return None
    got, want, _, delta, _ = found
    if close(got, want / delta, 1e-6) and not close(got, want, 1e-6):
        return (f"every value is the Huber loss divided by delta = {delta}: that is "
                "SmoothL1Loss(beta=delta); Huber multiplies it back by delta")
    return None


def branches_apart(case, observation, reference):
    found = _huber_inputs(case, observation, reference)
    if found is None or found[4] != "none":
        return None
    got, want, error, delta, _ = found
    outside = error > delta
    if not bool(outside.any()) or not close(got[~outside], want[~outside], 1e-6):
        return None
    if close(got[outside] - want[outside], torch.full_like(want[outside], 0.5 * delta ** 2),
             1e-6):
        return (f"where |error| > delta your values are 0.5·delta² = {0.5 * delta ** 2:g} too "
                "high: the linear branch must meet the quadratic one at |error| = delta")
    if close(got[outside], 0.5 * error[outside] ** 2, 1e-6):
        return "where |error| > delta your values are still quadratic: the linear branch is missing"
    return None


def signed_error(case, observation, reference):
    found = _huber_inputs(case, observation, reference)
    if found is None or found[4] != "none":
        return None
    got, want, error, delta, _ = found
    below = (case.args[0] - case.args[1]) < -delta  # errors far below the target
    if bool(below.any()) and close(got[~below], want[~below], 1e-6) \
            and close(got[below], 0.5 * error[below] ** 2, 1e-6):
        return ("right except where the error is below -delta, where your values are still "
                "quadratic: compare |error| (not the signed error) with delta")
    return None


HUBER_LOSS = Exercise(
    "huber_loss", CHAPTER, 2, huber_cases,
    Contract(params=("prediction", "target", "delta", "reduction"), sizes=_sizes,
             reductions=("N",), atol=1e-6,
             forbidden=("torch.nn.functional.huber_loss", "torch.nn.functional.smooth_l1_loss"),
             explanations=(divided_by_delta, branches_apart, signed_error)))


# ------------------------------------------------------------------ fit_constant

# Inputs, not answers: the losses a constant is fitted with.
FIT_LOSSES = {"nn.MSELoss()": nn.MSELoss, "nn.L1Loss()": nn.L1Loss,
              "nn.HuberLoss(delta=1.0)": lambda: nn.HuberLoss(delta=1.0)}
ONE_STEP = "the constant after 1 step"


def fit_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = (("nn.MSELoss()", 9, 3, 0.2), ("nn.L1Loss()", 15, 20, 0.1),
             ("nn.HuberLoss(delta=1.0)", 9, 20, 0.1), ("nn.MSELoss()", 4, 0, 0.1),
             ("nn.L1Loss()", 1, 5, 0.3)) if hidden else (
        ("nn.MSELoss()", 11, 50, 0.2), ("nn.L1Loss()", 11, 50, 0.2),
        ("nn.HuberLoss(delta=1.0)", 7, 4, 0.1), ("nn.MSELoss()", 3, 0, 0.1),
        ("nn.MSELoss()", 5, 2, 0.1))
    cases = []
    for loss, size, steps, rate in plans:
        values = normal(gen, size, dtype=torch.float64) + 2  # float32 round-off would show
        values[0] = 15.0  # an outlier
        cases.append(Case((values, loss, steps, rate), "0 steps" if steps == 0 else ""))
    return cases


def _fit_one_step(function, result, args, case) -> dict:
    return {ONE_STEP: function(args[0].clone(), FIT_LOSSES[case.args[1]](), 1, args[3])}


def _fits(case, observation, reference):
    """(result, result after 1 step, expected, expected after 1 step) when all are floats."""
    found = (observation.get("value"), observation.get("extra", {}).get(ONE_STEP),
             reference.get("value"), reference["extra"][ONE_STEP])
    return found if all(isinstance(value, float) for value in found) else None


def float32_round_off(case, observation, reference):
    found = _fits(case, observation, reference)
    if found is None or found[0] == found[2]:
        return None
    gap = abs(found[0] - found[2]) / max(abs(found[2]), 1e-12)
    single = float(torch.tensor(found[0], dtype=torch.float32)) == found[0]  # a float32 value
    if single and gap < 1e-5:
        return (f"your constant is a float32 number, {gap:.1e} of its size away from the "
                "expected one: create c with the dtype of `values` (float64 here)")
    return None


def never_moves(case, observation, reference):
    found = _fits(case, observation, reference)
    if found is None or case.args[2] < 2 or found[1] != 0.0 or found[3] == 0.0:
        return None
    if found[0] == 0.0:
        return "the constant never moves from its start 0: take an optimizer step every step"
    return ("after 1 step your constant is still its start 0: the loop takes one step fewer "
            "than num_steps (off by one)")


def gradients_pile_up(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    first, expected = observation.get("extra", {}).get(ONE_STEP), reference["extra"][ONE_STEP]
    if case.args[2] >= 2 and isinstance(first, float) and isinstance(got, float) \
            and abs(first - expected) < 1e-6 and abs(got - want) > 1e-5:
        return ("after 1 step your constant is right, after several it is not: each step must "
                "use only the new gradient (backward() adds to c.grad; clear it every step)")
    return None


FIT_CONSTANT = Exercise(
    "fit_constant", CHAPTER, 2, fit_cases,
    Contract(params=("values", "loss_function", "num_steps", "learning_rate"), atol=1e-12,
             rtol=1e-9, explanations=(never_moves, float32_round_off, gradients_pile_up)),
    build=lambda args: (args[0], FIT_LOSSES[args[1]](), *args[2:]), observe=_fit_one_step,
    describe=lambda case: (f"values={show(case.args[0])}, loss_function={case.args[1]}, "
                           f"num_steps={case.args[2]}, learning_rate={case.args[3]}"))
