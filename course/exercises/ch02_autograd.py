"""Chapter 2 (autograd and linear regression): how each exercise is checked.

Cases stay plain data: a callable is named (``"torch.sin"``) and built by the spec's ``build``,
a model is given by its sizes and parameters, a DataLoader by its tensors, batch size and seed.
The probes return plain data only: a DataLoader becomes the batches of two epochs, a trained
model its parameters. Explanations state properties of the student's output, never the answer.
"""

import math

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise, numbered
from course.check.values import Obj, show, to_plain

CHAPTER = "ch02_autograd"

# Inputs, not answers: the functions and losses the exercises are called with.
FUNCTIONS = {"torch.sin": torch.sin, "torch.exp": torch.exp, "torch.tanh": torch.tanh,
             "x³ - 2x": lambda t: t ** 3 - 2 * t, "x²": lambda t: t * t}
LOSSES = {"sum of p³": lambda p: (p ** 3).sum(), "sum of sin(p)": lambda p: p.sin().sum(),
          "4·p²": lambda p: (4 * p ** 2).sum(), "sum of (p - 1)²": lambda p: ((p - 1) ** 2).sum()}
LANDSCAPES = {
    "(w - 3)²": lambda w: ((w - 3.0) ** 2).sum(),
    "a bowl": lambda w: (torch.linspace(0.5, 2.0, w.numel(), dtype=w.dtype).reshape(w.shape)
                         * (w - 1.5) ** 2).sum(),
    "a curved valley": lambda w: (1 - w[0]) ** 2 + 5 * (w[1] - w[0] ** 2) ** 2,
}


def _tensor_pair(observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape:
        return got, want
    return None, None


# ------------------------------------------------------------------ pointwise_derivative

def derivative_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        return [Case(("x³ - 2x", normal(gen, *shape, dtype=torch.float64)))
                for shape in ((3, 4), (7,), (2, 1, 3))] + [
            Case(("torch.exp", torch.zeros(4))), Case(("torch.tanh", normal(gen, 1)))]
    return [Case(("torch.sin", torch.linspace(-2.0, 2.0, 5))),
            Case(("torch.exp", torch.zeros(4))),
            Case(("x³ - 2x", normal(gen, 2, 3, dtype=torch.float64))),
            Case(("torch.tanh", torch.tensor(0.5)), "a 0-d tensor"),
            Case(("x²", normal(gen, 2, 1, 3)))]


POINTWISE_DERIVATIVE = Exercise(
    "pointwise_derivative", CHAPTER, 1, derivative_cases,
    Contract(params=("function", "points"), atol=1e-5,
             sizes=lambda case: {"N": case.args[1].numel()}, reductions=("N",)),
    build=lambda args: (FUNCTIONS[args[0]], args[1]),
    describe=lambda case: f"{case.args[0]}, points={show(case.args[1])}")


# ------------------------------------------------------------------ fresh_gradient

def fresh_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((2, 3), (5,), (1,)) if hidden else ((3,), (2, 2))
    cases = [Case((normal(gen, *shape), None, "sum of sin(p)"), "no earlier gradient")
             for shape in shapes[:1]]
    cases += [Case((normal(gen, *shape), normal(gen, *shape), name), "a stale .grad")
              for shape, name in zip(shapes, ("sum of p³", "sum of (p - 1)²", "4·p²"),
                                     strict=False)]
    stale = torch.tensor(100.0, dtype=torch.float64)
    return cases + [Case((torch.tensor(1.5, dtype=torch.float64), stale, "4·p²"),
                         "a 0-d parameter with a stale .grad")]


def build_parameter(args):
    values, stale, loss = args
    parameter = values.detach().clone().requires_grad_(True)
    parameter.grad = None if stale is None else stale.clone()
    return parameter, LOSSES[loss]


def gradient_afterwards(function, result, args, case) -> dict:
    """Call again on the same parameter, then zero .grad: is the first result an alias?"""
    parameter, loss = args
    again = function(parameter, loss)
    extra = {"a second call on the same parameter": to_plain(again)}
    if parameter.grad is not None:
        with torch.no_grad():
            parameter.grad.zero_()
    extra["the first result after parameter.grad.zero_()"] = to_plain(result)
    return extra


def stale_gradient_added(case, observation, reference):
    got, want = _tensor_pair(observation, reference)
    stale = case.args[1]
    if got is not None and stale is not None and bool(stale.abs().gt(1e-3).any()) \
            and torch.allclose(got, want + stale, atol=1e-5):
        return ("the result includes the stale gradient that was already in parameter.grad: "
                "zero parameter.grad before calling backward")
    return None


def gradients_pile_up(case, observation, reference):
    got = observation.get("extra", {}).get("a second call on the same parameter")
    first, want = observation.get("value"), reference.get("value")
    if all(isinstance(v, torch.Tensor) for v in (got, first, want)) and got.shape == want.shape \
            and torch.allclose(got, first + want, atol=1e-5):
        return ("a second call returned the first call's gradient plus the new one: gradients "
                "pile up in parameter.grad; zero it before calling backward")
    return None


def returned_alias(case, observation, reference):
    got = observation.get("extra", {}).get("the first result after parameter.grad.zero_()")
    want = reference["extra"]["the first result after parameter.grad.zero_()"]
    if isinstance(got, torch.Tensor) and got.shape == want.shape and not bool(got.any()) \
            and bool(want.any()):
        return ("the returned tensor is parameter.grad itself: it changed when the gradient "
                "was zeroed later; return a copy (.clone())")
    return None


FRESH_GRADIENT = Exercise(
    "fresh_gradient", CHAPTER, 2, fresh_cases,
    Contract(params=("parameter", "loss_function"), atol=1e-5,
             explanations=(stale_gradient_added, gradients_pile_up, returned_alias)),
    build=build_parameter, observe=gradient_afterwards,
    describe=lambda case: (f"parameter={show(case.args[0])} "
                           f"{'with .grad None' if case.args[1] is None else 'with a stale .grad'}"
                           f", loss_function={case.args[2]}"))


# ------------------------------------------------------------------ neuron_gradients

def neuron_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((1, 0.4, 0.1), (9, -1.7, 0.6), (50, 3.0, -2.0)) if hidden else (
        (1, 0.8, -0.3), (4, 0.8, -0.3), (6, -1.2, 0.5), (10, 2.0, 1.0))
    cases = []
    for size, weight, bias in plans:
        inputs = normal(gen, size, dtype=torch.float64)
        targets = torch.rand(size, generator=gen, dtype=torch.float64).mul(1000).round() / 1000
        cases.append(Case((inputs, targets, weight, bias), "N = 1" if size == 1 else ""))
    return cases


NEURON_GRADIENTS = Exercise(
    "neuron_gradients", CHAPTER, 2, neuron_cases,
    Contract(params=("inputs", "targets", "weight", "bias"), atol=1e-9, rtol=1e-7,
             forbidden=("torch.Tensor.backward", "torch.autograd.backward",
                        "torch.autograd.grad"),
             sizes=lambda case: {"N": len(case.args[0])}, reductions=("N",)))


# ------------------------------------------------------------------ numerical_gradient

# Scalar functions of a tensor of any shape; each element gets its own weight or partner, so
# a gradient in the wrong order, or from a point left nudged, shows.
SCALAR_FUNCTIONS = {
    "sum of w³": lambda w: (w ** 3).sum(),
    "weighted squares": lambda w: (torch.linspace(0.5, 2.0, w.numel(), dtype=w.dtype)
                                   .reshape(w.shape) * w ** 2).sum(),
    "neighbours multiplied": lambda w: (w.reshape(-1) * w.reshape(-1).roll(1)).sum()
                                       + w.reshape(-1)[0] ** 2,
    "log-sum-exp": lambda w: torch.logsumexp(w.reshape(-1), dim=0),
    "sum of sin(w)·w": lambda w: (w.sin() * w).sum(),
}


def numerical_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        plans = (("log-sum-exp", (5,), 1e-5), ("neighbours multiplied", (3, 4), None),
                 ("sum of w³", (1,), 0.1), ("weighted squares", (2, 3), 1e-3),
                 ("sum of sin(w)·w", (), None))
    else:
        plans = (("sum of w³", (), None), ("sum of w³", (3,), None),
                 ("weighted squares", (2, 3), None), ("neighbours multiplied", (2, 2), 1e-4),
                 ("sum of w³", (2,), 0.01), ("log-sum-exp", (4,), 1e-3))
    cases = []
    for name, shape, eps in plans:
        point = normal(gen, *(shape or (1,)), dtype=torch.float64).reshape(shape)  # () is 0-d
        args = (name, point) if eps is None else (name, point, eps)
        cases.append(Case(args, "a 0-d point" if shape == () else ""))
    return cases


def estimates_at_other_steps(function, result, args, case) -> dict:
    """The estimate with a ten times smaller step, and the exact gradient (autograd)."""
    scalar, point = args[0], args[1]
    eps = args[2] if len(args) > 2 else 1e-6
    smaller = function(scalar, point.clone(), eps / 10)
    tracked = point.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (exact,) = torch.autograd.grad(scalar(tracked), tracked)
    return {"the estimate with eps / 10": to_plain(smaller), "exact": exact}


def _errors(case, observation, first: bool = False, rest: bool = False):
    """The estimate's largest error at eps and at eps / 10 (over the first element only, or
    over the others only), when both are float64 tensors of the point's shape."""
    got = observation.get("value")
    extra = observation.get("extra", {})
    smaller, exact = extra.get("the estimate with eps / 10"), extra.get("exact")
    if not all(isinstance(v, torch.Tensor) and v.dtype == torch.float64
               for v in (got, smaller, exact)) \
            or got.shape != exact.shape or smaller.shape != exact.shape:
        return None
    pick = slice(0, 1) if first else slice(1, None) if rest else slice(None)
    at_eps = (got - exact).reshape(-1)[pick].abs()
    at_tenth = (smaller - exact).reshape(-1)[pick].abs()
    if at_eps.numel() == 0:
        return None
    return float(at_eps.max()), float(at_tenth.max())


def left_nudged(case, observation, reference):
    first, others = _errors(case, observation, first=True), _errors(case, observation, rest=True)
    if first is None or others is None or first[0] > 1e-7:
        return None
    if _shrinks_like_eps(*others):
        return ("the first element is right but later ones are off by an amount that grows "
                "with eps: an element was left nudged; put it back before nudging the next")
    return None


def step_ignored(case, observation, reference):
    got, smaller = observation.get("value"), observation.get("extra", {}).get(
        "the estimate with eps / 10")
    want = reference.get("value")
    want_smaller = reference["extra"]["the estimate with eps / 10"]
    if isinstance(got, torch.Tensor) and isinstance(smaller, torch.Tensor) \
            and got.dtype == want.dtype and got.shape == smaller.shape \
            and torch.equal(got, smaller) \
            and not torch.allclose(want, want_smaller, atol=1e-9, rtol=0):
        return ("your estimate does not change when eps changes: the eps argument is ignored "
                "(a fixed step is used)")
    return None


def _shrinks_like_eps(at_eps: float, at_tenth: float) -> bool:
    """An error well above round-off that a ten times smaller eps makes about ten times smaller."""
    return at_eps > 1e-7 and 5 < at_eps / max(at_tenth, 1e-300) < 20


def one_sided(case, observation, reference):
    errors = _errors(case, observation, first=True)  # even the first element is off
    eps = case.args[2] if len(case.args) > 2 else 1e-6
    if errors is None or eps < 1e-4:
        return None
    if _shrinks_like_eps(*errors):
        return ("the error of your estimate shrinks only in proportion to eps (ten times "
                "smaller when eps is): a one-sided difference; the central difference "
                "(f(x + ε eᵢ) − f(x − ε eᵢ)) / (2ε) is asked")
    return None


NUMERICAL_GRADIENT = Exercise(
    "numerical_gradient", CHAPTER, 3, numerical_cases,
    Contract(params=("function", "point", "eps"), atol=3e-8, rtol=1e-7,
             forbidden=("torch.Tensor.backward", "torch.autograd.backward",
                        "torch.autograd.grad"),
             explanations=(step_ignored, one_sided, left_nudged)),
    build=lambda args: (SCALAR_FUNCTIONS[args[0]], *args[1:]), observe=estimates_at_other_steps,
    describe=lambda case: (f"{case.args[0]}, point={show(case.args[1])}"
                           + (f", eps={case.args[2]}" if len(case.args) > 2 else "")))


# ------------------------------------------------------------------ gradient_descent

def descent_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        return [Case(("a bowl", torch.zeros(2, 2), 0.1, 15)),
                Case(("a curved valley", torch.tensor([-0.5, 1.0], dtype=torch.float64),
                      0.01, 60)),
                Case(("(w - 3)²", torch.tensor([1.5]), 0.1, 0), "zero steps"),
                Case(("(w - 3)²", normal(gen, 3, dtype=torch.float64), 0.3, 7))]
    return [Case(("(w - 3)²", torch.tensor([0.0], dtype=torch.float64), 0.1, 0), "zero steps"),
            Case(("(w - 3)²", torch.tensor([0.0], dtype=torch.float64), 0.1, 5)),
            Case(("(w - 3)²", torch.tensor(1.5), 0.2, 3), "a 0-d start"),
            Case(("a bowl", normal(gen, 2, 2), 0.1, 4)),
            Case(("a curved valley", torch.tensor([-0.5, 1.0], dtype=torch.float64), 0.01, 8))]


def climbing(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    try:
        losses, expected = got[1], want[1]
    except (TypeError, IndexError, KeyError):
        return None
    if len(expected) >= 2 and isinstance(losses, list) and len(losses) == len(expected) \
            and all(b > a for a, b in zip(losses, losses[1:], strict=False)) \
            and expected[-1] < expected[0]:
        return ("the loss grows at every step: the update climbs the gradient (flipped sign: "
                "subtract learning_rate * grad)")
    return None


GRADIENT_DESCENT = Exercise(
    "gradient_descent", CHAPTER, 2, descent_cases,
    Contract(params=("loss_function", "start", "learning_rate", "num_steps"),
             returns=("final_point", "losses"), atol=1e-5, rtol=1e-4,
             forbidden=("torch.optim.Optimizer.__init__",), explanations=(climbing,)),
    build=lambda args: (LANDSCAPES[args[0]], *args[1:]),
    describe=lambda case: (f"{case.args[0]}, start={show(case.args[1])}, "
                           f"learning_rate={case.args[2]}, num_steps={case.args[3]}"))


# ------------------------------------------------------------------ to_training_tensors

def conversion_cases(seed: int, hidden: bool) -> list[Case]:
    rng = np.random.default_rng(seed)
    sizes = (1, 7, 64) if hidden else (0, 1, 3, 7)
    return [Case((rng.normal(size=size).round(3), rng.normal(size=size).round(3)),
                 "no samples" if size == 0 else "") for size in sizes]


TO_TRAINING_TENSORS = Exercise(
    "to_training_tensors", CHAPTER, 1, conversion_cases,
    Contract(params=("features", "targets"), returns=("features_tensor", "targets_tensor")))


# ------------------------------------------------------------------ make_loader

def loader_cases(seed: int, hidden: bool) -> list[Case]:
    seeds = integers(generator(seed), 0, 1000, 6).tolist()
    plans = ((9, 2, 2), (16, 16, 1), (33, 8, 3)) if hidden else (
        (1, 3, 1), (5, 2, 1), (7, 7, 2), (10, 4, 1))
    cases = []
    for index, (count, batch_size, width) in enumerate(plans):
        features = torch.arange(float(count * width)).reshape(count, width)  # (N, width)
        targets = 10 * features[:, :1]  # (N, 1): each target names its sample
        cases.append(Case((features, targets, batch_size, seeds[index])))
    return cases


def batches_of_two_epochs(result, args):
    """A DataLoader as plain data: its batches in two epochs (other random code in between)."""
    if not isinstance(result, DataLoader):
        return to_plain(result)
    limit = len(args[0]) + 2
    epochs = {}
    for epoch in (1, 2):
        torch.rand(3)  # the rest of a notebook uses the global generator between epochs
        batches = []
        for batch in result:
            batches.append([to_plain(part) for part in batch] if isinstance(batch, (list, tuple))
                           else to_plain(batch))
            if len(batches) > limit:
                break
        epochs[f"epoch {epoch}"] = batches
    return Obj("DataLoader", epochs)


def _first_column(batches) -> list[float]:
    return [float(v) for batch in batches for v in batch[0][:, 0].tolist()]


def _orders(observation, reference):
    """(epoch 1, epoch 2, expected epoch 1, expected epoch 2) sample orders, or None."""
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, Obj) or got.type != "DataLoader":
        return None
    return tuple(_first_column(value.fields[f"epoch {epoch}"]) for value in (got, want)
                 for epoch in (1, 2))


def original_order(case, observation, reference):
    first, _, expected, _ = _orders(observation, reference)
    if len(first) > 2 and first == sorted(first) and expected != sorted(expected):
        return "the samples come in their original order: shuffle them (shuffle=True)"
    return None


def same_order_every_epoch(case, observation, reference):
    first, second, expected, expected_second = _orders(observation, reference)
    if len(first) > 2 and first == second and first != sorted(first) \
            and expected != expected_second:
        return ("every epoch serves the samples in the same order: the loader must reshuffle "
                "each epoch (one generator, seeded once)")
    return None


def order_from_elsewhere(case, observation, reference):
    first, second, expected, _ = _orders(observation, reference)
    if first != sorted(first) and first != second and sorted(first) == sorted(expected) \
            and first != expected:
        return ("the right samples in another order: the shuffling must come from the "
                "DataLoader's own torch.Generator seeded with `seed` (generator=...), not from "
                "the global random generator")
    return None


MAKE_LOADER = Exercise(
    "make_loader", CHAPTER, 2, loader_cases,
    Contract(params=("features", "targets", "batch_size", "seed"),
             explanations=(original_order, same_order_every_epoch, order_from_elsewhere),
             second_call_hint="the order must come only from `seed`: give the DataLoader its "
                              "own torch.Generator seeded with `seed`"),
    convert=batches_of_two_epochs)


# ------------------------------------------------------------------ train_model

def training_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((60, 2, 60, 4, 0.2, True), (60, 2, 25, 3, 0.05, True), (60, 2, 7, 2, 0.1, True)
             ) if hidden else ((4, 1, 4, 1, 0.1, False), (6, 1, 2, 2, 0.1, False),
                               (20, 1, 4, 3, 0.1, True), (9, 2, 4, 2, 0.05, True),
                               (5, 1, 5, 0, 0.1, False))
    cases = []
    for count, width, batch_size, epochs, rate, shuffle in plans:
        features = normal(gen, count, width)  # (N, width)
        targets = (features.sum(dim=1, keepdim=True) * 1.5 - 0.5 + 0.1 * normal(gen, count, 1))
        cases.append(Case((features, targets.round(decimals=3), batch_size, shuffle, epochs,
                           rate, int(integers(gen, 0, 1000, 1)))))
    return cases


def build_training(args):
    features, targets, batch_size, shuffle, epochs, rate, seed = args
    torch.default_generator.manual_seed(seed)  # nn.Linear draws its initial values here
    model = nn.Linear(features.shape[1], 1)
    loader = DataLoader(TensorDataset(features, targets), batch_size=batch_size,
                        shuffle=shuffle, generator=torch.Generator().manual_seed(seed))
    return model, loader, epochs, rate


def trained_parameters(function, result, args, case) -> dict:
    return {"the model's parameters after training":
            {name: to_plain(value) for name, value in args[0].state_dict().items()}}


def untrained(case, observation, reference):
    after = observation.get("extra", {}).get("the model's parameters after training")
    initial = build_training(case.args)[0].state_dict()
    if isinstance(after, dict) and after.keys() == initial.keys() and all(
            torch.equal(after[name], initial[name]) for name in initial) and case.args[4]:
        return ("the model passed in did not change: train that model (an optimizer over "
                "model.parameters())")
    return None


def _describe_training(case) -> str:
    features, _, batch_size, shuffle, epochs, rate, _ = case.args
    order = "shuffled" if shuffle else "in order"
    return (f"model=nn.Linear({features.shape[1]}, 1), loader={len(features)} samples in "
            f"batches of {batch_size} {order}, num_epochs={epochs}, learning_rate={rate}")


TRAIN_MODEL = Exercise(
    "train_model", CHAPTER, 3, training_cases,
    Contract(params=("model", "loader", "num_epochs", "learning_rate"), atol=1e-5, rtol=1e-4,
             sizes=lambda case: {"the number of batches":
                                 math.ceil(len(case.args[0]) / case.args[2])},
             reductions=("the number of batches",), explanations=(untrained,)),
    build=build_training, observe=trained_parameters, describe=_describe_training)


# ------------------------------------------------------------------ evaluate

def evaluation_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((37, 3), (1, 2), (12, 1)) if hidden else ((1, 1), (4, 1), (7, 1), (5, 3))
    return [Case((normal(gen, 1, width), normal(gen, 1), normal(gen, count, width),
                  normal(gen, count)), "a single sample" if count == 1 else "")
            for count, width in plans]


def build_model(args):
    weight, bias, features, targets = args
    model = nn.Linear(weight.shape[1], 1)
    with torch.no_grad():
        model.weight.copy_(weight)
        model.bias.copy_(bias)
    model.graph_seen = []  # filled by the hook: did a forward pass record a graph?
    model.register_forward_hook(lambda module, inputs, output: module.graph_seen.append(
        bool(output.requires_grad)))
    return model, features, targets


def evaluation_side_effects(function, result, args, case) -> dict:
    model = args[0]
    return {"a graph was built": any(model.graph_seen),
            "the model's .grad": [to_plain(p.grad) for p in model.parameters()],
            "the model's parameters": [to_plain(p) for p in model.parameters()]}


def built_graph(case, observation, reference):
    extra = observation.get("extra", {})
    if extra.get("a graph was built") and not reference["extra"]["a graph was built"]:
        return ("the model ran with autograd on and built a graph: evaluation needs no "
                "gradients; run it under torch.no_grad()")
    if any(grad is not None for grad in extra.get("the model's .grad", [])):
        return "evaluate left gradients in the model's .grad: evaluation needs no backward"
    return None


def every_pair(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, tuple) or len(got) != 2 or type(got[0]) is not float:
        return None
    predictions, targets = torch.from_numpy(want[1]).double(), case.args[3].double()
    pairs = ((predictions.view(-1, 1) - targets.view(1, -1)) ** 2).mean().item()
    if len(targets) > 1 and math.isclose(got[0], pairs, rel_tol=1e-4):
        return ("the MSE compares every prediction with every target: (N, 1) predictions "
                "against (N,) targets broadcast to (N, N); give both the same shape (a missing "
                "size-1 dimension)")
    return None


EVALUATE = Exercise(
    "evaluate", CHAPTER, 2, evaluation_cases,
    Contract(params=("model", "features", "targets"), returns=("mse", "predictions"),
             atol=1e-5, rtol=1e-4, explanations=(built_graph, every_pair)),
    build=build_model, observe=evaluation_side_effects,
    describe=lambda case: (f"model=nn.Linear({case.args[0].shape[1]}, 1), "
                           f"features={show(case.args[2])}, targets={show(case.args[3])}"))


EXERCISES = numbered(POINTWISE_DERIVATIVE, FRESH_GRADIENT, NEURON_GRADIENTS, NUMERICAL_GRADIENT,
                     GRADIENT_DESCENT, TO_TRAINING_TENSORS, MAKE_LOADER, TRAIN_MODEL, EVALUATE)
