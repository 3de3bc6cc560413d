"""Chapter 6, training loops: ``train_with_scheduler`` and ``lr_range_test``. A model, its
optimizer and scheduler are named in the case and built by the spec; the probe returns the
model's parameters after the call as plain data."""

import torch
from torch import nn
from torch.optim.lr_scheduler import ExponentialLR, MultiStepLR, StepLR

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import show, to_plain

CHAPTER = "ch06_optimizers"
AFTER = "the model's parameters after the call"
# Inputs, not answers: the optimizers and schedulers the loops are called with.
OPTIMIZERS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam,
              "SGD(momentum=0.9)": lambda params, lr: torch.optim.SGD(params, lr, momentum=0.9)}
SCHEDULERS = {"StepLR(step_size=2, gamma=0.5)": lambda o: StepLR(o, step_size=2, gamma=0.5),
              "StepLR(step_size=1)": lambda o: StepLR(o, step_size=1),
              "ExponentialLR(gamma=0.8)": lambda o: ExponentialLR(o, gamma=0.8),
              "MultiStepLR([1, 3], gamma=0.1)": lambda o: MultiStepLR(o, [1, 3], gamma=0.1)}


def _linear(weight, bias):
    model = nn.Linear(weight.shape[1], 1).to(weight.dtype)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    return model


def _parameters_after(function, result, args, case) -> dict:
    return {AFTER: {name: to_plain(value) for name, value in args[0].state_dict().items()}}


def _regression(gen, count, width, dtype=torch.float64):
    features = normal(gen, count, width, dtype=dtype)  # (N, width)
    truth = torch.linspace(-2.0, 1.5, width, dtype=dtype).reshape(width, 1)
    return features, features @ truth + 0.5  # (N, 1)


# ------------------------------------------------------------------ train_with_scheduler

def scheduler_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((24, 3, "SGD", 0.2, "ExponentialLR(gamma=0.8)", 7),
             (10, 2, "Adam", 0.05, "StepLR(step_size=2, gamma=0.5)", 5),
             (6, 1, "SGD(momentum=0.9)", 0.05, "MultiStepLR([1, 3], gamma=0.1)", 4),
             (4, 2, "SGD", 0.1, "StepLR(step_size=1)", 0)) if hidden else (
        (16, 2, "SGD", 0.1, "StepLR(step_size=2, gamma=0.5)", 6),
        (8, 1, "SGD", 0.05, "ExponentialLR(gamma=0.8)", 3),
        (6, 2, "Adam", 0.1, "MultiStepLR([1, 3], gamma=0.1)", 4),
        (4, 1, "SGD", 0.1, "StepLR(step_size=1)", 0))
    cases = []
    for count, width, optimizer, rate, scheduler, epochs in plans:
        features, targets = _regression(gen, count, width)
        weight, bias = normal(gen, 1, width, dtype=torch.float64), normal(gen, 1,
                                                                          dtype=torch.float64)
        cases.append(Case((weight, bias, optimizer, rate, scheduler, features, targets, epochs),
                          "0 epochs" if epochs == 0 else ""))
    return cases


def build_scheduled(args):
    weight, bias, optimizer, rate, scheduler, features, targets, epochs = args
    model = _linear(weight, bias)
    made = OPTIMIZERS[optimizer](model.parameters(), lr=rate)
    return model, made, SCHEDULERS[scheduler](made), features, targets, epochs


def _describe_scheduled(case) -> str:
    weight, _, optimizer, rate, scheduler, features, _, epochs = case.args
    return (f"model=nn.Linear({weight.shape[1]}, 1), optimizer={optimizer}(lr={rate}), "
            f"scheduler={scheduler}, features={show(features)}, num_epochs={epochs}")


TRAIN_WITH_SCHEDULER = Exercise(
    "train_with_scheduler", CHAPTER, 3, scheduler_cases,
    Contract(params=("model", "optimizer", "scheduler", "features", "targets", "num_epochs"),
             returns=("losses", "learning_rates"), atol=1e-9, rtol=1e-7),
    build=build_scheduled, observe=_parameters_after, describe=_describe_scheduled)


# ------------------------------------------------------------------ lr_range_test

def range_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((3, 2, "SGD", False, 1e-3, 10.0, 30, None), (2, 3, "Adam", True, 1e-4, 1.0, 12, 2.0),
             (1, 1, "SGD", False, 0.01, 0.01, 4, None), (2, 2, "SGD", True, 0.5, 0.5, 1, None)
             ) if hidden else (
        (2, 2, "SGD", False, 1e-3, 10.0, 20, None), (3, 1, "SGD", True, 1e-3, 1.0, 8, None),
        (1, 2, "Adam", False, 0.01, 1.0, 6, 1.5), (2, 1, "SGD", False, 0.05, 0.05, 1, None))
    cases = []
    for count, width, optimizer, two_groups, low, high, steps, stop in plans:
        batches = [_regression(gen, 4, width, torch.float32) for _ in range(count)]
        weight, bias = normal(gen, 1, width), normal(gen, 1)
        args = (weight, bias, optimizer, two_groups, batches, low, high, steps)
        cases.append(Case(args if stop is None else (*args, stop),
                          "two parameter groups" if two_groups else ""))
    return cases


def build_range(args):
    weight, bias, optimizer, two_groups, batches, low, high, steps, *stop = args
    model = _linear(weight, bias)
    groups = ([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.5}] if two_groups
              else model.parameters())
    return (model, OPTIMIZERS[optimizer](groups, lr=1.0), nn.MSELoss(), batches, low, high,
            steps, *stop)


def _describe_range(case) -> str:
    weight, _, optimizer, two_groups, batches, low, high, steps, *stop = case.args
    groups = " with two parameter groups" if two_groups else ""
    factor = f", stop_factor={stop[0]}" if stop else ""
    return (f"model=nn.Linear({weight.shape[1]}, 1), optimizer={optimizer}{groups}, "
            f"loss_function=nn.MSELoss(), {len(batches)} batches of 4, min_lr={low}, "
            f"max_lr={high}, num_steps={steps}{factor}")


def stopped_elsewhere(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    try:
        rates, losses, expected_rates, expected_losses = got[0], got[1], want[0], want[1]
    except (TypeError, IndexError, KeyError):
        return None
    if not all(isinstance(v, list) and v and all(isinstance(x, float) for x in v)
               for v in (rates, losses)) or len(rates) == len(expected_rates):
        return None
    common = min(len(rates), len(expected_rates))
    if not torch.allclose(torch.tensor(rates[:common]), torch.tensor(expected_rates[:common]),
                          rtol=1e-4, atol=1e-8):
        return None
    differ = next((k for k, (a, b) in enumerate(zip(losses, expected_losses, strict=False))
                   if abs(a - b) > 1e-5 + 1e-4 * abs(b)), None)
    where = (f"; your losses differ from iteration {differ} on" if differ is not None
             else "; your losses agree until then: check the stop rule")
    return (f"your rates follow the expected schedule, but your test ran {len(rates)} "
            f"iterations where it should stop after {len(expected_rates)}{where}")


LR_RANGE_TEST = Exercise(
    "lr_range_test", CHAPTER, 3, range_cases,
    Contract(params=("model", "optimizer", "loss_function", "batches", "min_lr", "max_lr",
                     "num_steps", "stop_factor"), returns=("learning_rates", "losses"),
             atol=1e-5, rtol=1e-4, explanations=(stopped_elsewhere,)),
    build=build_range, observe=_parameters_after, describe=_describe_range)
