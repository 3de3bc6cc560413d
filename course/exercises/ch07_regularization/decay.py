"""Chapter 7, section 4: the L2 penalty and training with it written into the loss.

Cases are plain data: parameters as tensors, a model as its layer sizes and seed. A torch
optimizer serves as the oracle of what a mistake does (SGD with another weight_decay);
explanations state properties of the student's output, never the answer.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import show, to_plain

CHAPTER = "ch07_regularization"


# ------------------------------------------------------------------ l2_penalty

class OnePass:
    """Parameters that can be iterated over once, like ``model.parameters()``."""

    def __init__(self, tensors):
        self.tensors = tensors
        self._left = iter(tensors)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._left)


def penalty_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        plans = ((((3, 3),), 0.0, False), (((4, 3), (3,)), 0.3, True),
                 (((5, 5), (5,), (1, 5), (1,)), 0.05, True), (((2,),), 2.0, False))
    else:
        plans = ((((3,),), 2.0, True), (((2, 3), (3,), (1,)), 0.01, True),
                 (((2, 2),), 0.0, False))
    cases = [] if hidden else [Case(([torch.tensor([[1.0, -2.0], [3.0, 0.5]]),
                                      torch.tensor([0.5, -1.0])], 0.1, False),
                                    "a weight and a bias")]
    return cases + [Case(([normal(gen, *shape) for shape in shapes], weight_decay, one_pass),
                         "parameters as a one-pass generator" if one_pass else "")
                    for shapes, weight_decay, one_pass in plans]


def build_penalty(args):
    tensors, weight_decay, one_pass = args
    tensors = [t.detach().clone().requires_grad_(True) for t in tensors]
    return (OnePass(tensors) if one_pass else tensors), weight_decay


def penalty_gradients(function, result, args, case) -> dict:
    """Whether the penalty is in the graph, and the gradients backward() gives."""
    tensors = args[0].tensors if isinstance(args[0], OnePass) else args[0]
    attached = isinstance(result, torch.Tensor) and result.requires_grad
    if attached:
        result.sum().backward()
    return {"the penalty requires grad": attached,
            "the parameters' .grad after backward()": [to_plain(t.grad) for t in tensors]}


def _penalty_values(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and got.numel() == 1 and isinstance(want, torch.Tensor):
        return float(got.reshape(())), float(want)
    if type(got) in (int, float) and isinstance(want, torch.Tensor):
        return float(got), float(want)
    return None


def half_missing(case, observation, reference):
    found = _penalty_values(case, observation, reference)
    if found and found[1] != 0.0 and math.isclose(found[0], 2 * found[1], rel_tol=1e-5):
        return ("your penalty is twice the expected one: the 1/2 is missing (the gradient of "
                "weight_decay * w ** 2 is 2 * weight_decay * w, twice what weight_decay adds)")
    return None


def norm_not_squares(case, observation, reference):
    found = _penalty_values(case, observation, reference)
    weight_decay = case.args[1]
    if not found or weight_decay == 0:
        return None
    squares = 2 * found[1] / weight_decay
    if math.isclose(found[0], weight_decay / 2 * math.sqrt(squares), rel_tol=1e-4) \
            and not math.isclose(squares, 1.0, rel_tol=1e-3):
        return ("your penalty grows like the norm (the square root of the sum of squares); "
                "it is the sum of the squares itself")
    return None


def iterated_twice(case, observation, reference):
    found = _penalty_values(case, observation, reference)
    if found and case.args[2] and found[0] == 0.0 and found[1] != 0.0:
        return ("with the parameters given as a generator (what model.parameters() returns) "
                "your penalty is 0: a generator can be iterated over only once")
    return None


def detached(case, observation, reference):
    extra = observation.get("extra", {})
    if extra.get("the penalty requires grad") is False and reference["extra"][
            "the penalty requires grad"]:
        return ("the penalty is not part of the autograd graph (requires_grad=False), so it "
                "adds no gradient: no .item(), no torch.tensor(...), no torch.no_grad()")
    return None


L2_PENALTY = Exercise(
    "l2_penalty", CHAPTER, 2, penalty_cases,
    Contract(params=("parameters", "weight_decay"), graph=True, atol=1e-6, rtol=1e-5,
             sizes=lambda case: {"the number of elements": sum(t.numel() for t in case.args[0])},
             reductions=("the number of elements",),
             explanations=(iterated_twice, half_missing, detached, norm_not_squares)),
    build=build_penalty, observe=penalty_gradients,
    describe=lambda case: (f"parameters={show(case.args[0])}"
                           f"{' (a generator)' if case.args[2] else ''}, "
                           f"weight_decay={case.args[1]}"))


# ------------------------------------------------------------------ train_with_explicit_l2

def explicit_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    seeds = integers(gen, 0, 1000, 4).tolist()
    plans = (((4, 6, 1), 16, 0.05, 0.01, 12), ((2, 3), 16, 0.2, 0.5, 4),
             ((1, 1), 1, 0.1, 0.3, 3)) if hidden else (
        ((3, 2), 10, 0.1, 0.2, 5), ((3, 2), 4, 0.1, 0.2, 0), ((2, 4, 1), 6, 0.05, 0.1, 6),
        ((2, 1), 1, 0.1, 0.3, 2))
    cases = []
    for (sizes, batch, lr, weight_decay, steps), model_seed in zip(plans, seeds[:len(plans)],
                                                                  strict=True):
        inputs, targets = normal(gen, batch, sizes[0]), normal(gen, batch, sizes[-1])
        note = "zero steps" if steps == 0 else "a batch of one" if batch == 1 else ""
        cases.append(Case(((sizes, model_seed), inputs, targets, lr, weight_decay, steps), note))
    return cases


def make_model(plan) -> nn.Module:
    """nn.Linear(a, b) for two sizes, Linear -> Tanh -> Linear for three, from a fixed seed."""
    sizes, seed = plan
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if len(sizes) == 2:
            return nn.Linear(*sizes)
        return nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.Tanh(),
                             nn.Linear(sizes[1], sizes[2]))


def build_explicit(args):
    return (make_model(args[0]), *args[1:])


def trained_parameters(function, result, args, case) -> dict:
    return {"the model's parameters after training": [to_plain(p) for p in args[0].parameters()]}


def _with_weight_decay(case, weight_decay, biases=True) -> list[torch.Tensor]:
    """The parameters after training with torch.optim.SGD(weight_decay=...) and no penalty
    (the biases without decay unless ``biases``)."""
    plan, inputs, targets, lr, _, steps = case.args
    model = make_model(plan)
    named = list(model.named_parameters())
    groups = [{"params": [p for n, p in named if biases or "bias" not in n]},
              {"params": [p for n, p in named if not biases and "bias" in n],
               "weight_decay": 0.0}]
    optimizer = torch.optim.SGD([g for g in groups if g["params"]], lr=lr,
                                weight_decay=weight_decay)
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(model(inputs), targets).backward()
        optimizer.step()
    return [p.detach() for p in model.parameters()]


def decay_strength(case, observation, reference):
    got = observation.get("extra", {}).get("the model's parameters after training")
    weight_decay, steps = case.args[4], case.args[5]
    if not isinstance(got, list) or not steps or not weight_decay:
        return None
    for factor, biases, text in (
            (2, True, "the weights moved as if decayed twice as strongly as "
                            "SGD(weight_decay=weight_decay) would: the 1/2 of the penalty is "
                            "missing, or the penalty was added AND weight_decay passed to SGD"),
            (0, True, "the weights moved as without any decay: add the penalty to the "
                            "loss before backward()"),
            (1, False, "the weights decayed but the biases did not: the penalty covers "
                       "every parameter, biases included")):
        expected = _with_weight_decay(case, factor * weight_decay, biases)
        if len(expected) == len(got) and all(
                isinstance(g, torch.Tensor) and g.shape == e.shape
                and torch.allclose(g, e, atol=1e-6) for g, e in zip(got, expected, strict=True)):
            return text
    return None


def penalty_in_losses(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, list) or not got or type(got[0]) is not float or len(got) != len(want):
        return None
    start = sum(float((p.detach() ** 2).sum()) for p in make_model(case.args[0]).parameters())
    if case.args[4] and math.isclose(got[0] - want[0], case.args[4] / 2 * start, rel_tol=1e-4):
        return "every returned loss includes the penalty: return the MSE alone, before each step"
    return None


def _describe_explicit(case) -> str:
    (sizes, _), inputs, targets, lr, weight_decay, steps = case.args
    model = f"nn.Linear{tuple(sizes)}" if len(sizes) == 2 else (
        f"Linear({sizes[0]}, {sizes[1]}) -> Tanh -> Linear({sizes[1]}, {sizes[2]})")
    return (f"model={model}, inputs={show(inputs)}, targets={show(targets)}, lr={lr}, "
            f"weight_decay={weight_decay}, num_steps={steps}")


TRAIN_WITH_EXPLICIT_L2 = Exercise(
    "train_with_explicit_l2", CHAPTER, 2, explicit_cases,
    Contract(params=("model", "inputs", "targets", "lr", "weight_decay", "num_steps"),
             atol=1e-6, rtol=1e-5, explanations=(penalty_in_losses, decay_strength)),
    build=build_explicit, observe=trained_parameters, describe=_describe_explicit,
    test_cell="test_explicit_l2")
