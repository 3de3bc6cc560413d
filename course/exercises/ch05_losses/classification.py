"""Chapter 5, classification losses: ``binary_cross_entropy``, ``bce_with_logits``,
``cross_entropy``, ``soft_cross_entropy`` and ``cross_entropy_gradient``."""

import torch
from torch.nn import functional

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise
from course.exercises.ch05_losses.shared import (
    CHAPTER,
    DETACHED,
    close,
    gradient,
    nonfinite,
    tensors,
    wrong_only_beyond,
)

BY_HAND = ("torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad")
INNER = "the loss over the elements with 0 < p < 1 only"
MODERATE = "the loss over the logits with |x| <= 15 only"
LOGIT_GRADIENT = "d loss / d logits"


def _numel(case) -> dict:
    return {"N": case.args[0].numel()}


def _batch(case) -> dict:
    return {"N": case.args[0].shape[0], "C": case.args[0].shape[1]}


# ------------------------------------------------------------------ binary_cross_entropy

def bce_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((10,), (4, 3, 2), (1,), (5, 5)) if hidden else ((6, 2), (1,), (2, 3, 2), (4,))
    cases = []
    for index, shape in enumerate(shapes):
        dtype = torch.float64 if index % 2 else torch.float32
        probabilities = torch.rand(shape, generator=gen, dtype=dtype).mul(1000).round() / 1000
        targets = integers(gen, 0, 2, *shape).to(dtype)
        cases.append(Case((probabilities.clamp(0.001, 0.999), targets)))
    soft = torch.tensor([0.3, 0.9, 0.5]), torch.tensor([0.2, 0.7, 0.5])
    extreme = (torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5, 0.2]),
               torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 0.0]))
    if hidden:
        extreme = (torch.tensor([1.0, 0.0, 0.7, 0.4], dtype=torch.float64),
                   torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64))
    return cases + [Case((soft[1], soft[0]), "soft targets"),
                    Case(extreme, "probabilities exactly 0 and 1")]


def _bce_inner(function, result, args, case) -> dict:
    probabilities, targets = args
    inner = (probabilities > 0) & (probabilities < 1)
    if bool(inner.all()):
        return {}
    return {INNER: function(probabilities[inner].clone(), targets[inner].clone())}


def unclamped_logs(case, observation, reference):
    if INNER not in reference.get("extra", {}) or not wrong_only_beyond(INNER)(
            case, observation, reference):
        return None
    what = nonfinite(observation, reference)
    what = f"{what} when" if what else "wrong where"
    return (f"right wherever 0 < p < 1, but {what} a probability is exactly 0 or 1: "
            "log(0) = -inf; clamp each log term at -100 (torch.log(p).clamp(min=-100)) before "
            "multiplying by the target")


BINARY_CROSS_ENTROPY = Exercise(
    "binary_cross_entropy", CHAPTER, 2, bce_cases,
    Contract(params=("probabilities", "targets"), atol=1e-5, sizes=_numel, reductions=("N",),
             forbidden=("torch.nn.functional.binary_cross_entropy",),
             explanations=(unclamped_logs,)),
    observe=_bce_inner)


# ------------------------------------------------------------------ bce_with_logits

def logit_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((12,), (3, 4, 2), (1, 1)) if hidden else ((8, 3), (1, 1), (4,))
    cases = []
    for index, shape in enumerate(shapes):
        dtype = torch.float64 if index % 2 else torch.float32
        logits = normal(gen, *shape, dtype=dtype) * 3
        targets = torch.rand(shape, generator=gen, dtype=dtype).mul(100).round() / 100
        cases.append(Case((logits, targets if index == 2 else targets.round()),
                          "soft targets" if index == 2 else ""))
    large = torch.tensor([-1000.0, 1000.0, -100.0, 100.0, -30.0, 30.0, 0.5, -2.0]) if hidden \
        else torch.tensor([-100.0, -100.0, 100.0, 100.0, 50.0, -50.0, 2.0, -1.5])
    ones = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0])  # two moderate logits too
    return cases + [Case((large, ones), "logits of ±50 and more")]


def _logit_extras(function, result, args, case) -> dict:
    logits, targets = args
    extra = {LOGIT_GRADIENT: gradient(function, (logits, targets), 0)}
    moderate = logits.abs() <= 15
    if not bool(moderate.all()):
        extra[MODERATE] = function(logits[moderate].clone(), targets[moderate].clone())
    return extra


def overflow(case, observation, reference):
    if MODERATE not in reference.get("extra", {}) or not wrong_only_beyond(MODERATE)(
            case, observation, reference):
        return None
    what = nonfinite(observation, reference)
    what = f"{what} for" if what else "wrong for"
    return (f"right for moderate logits, but {what} large ones: exp(x) overflows and "
            "sigmoid(x) rounds to exactly 0 or 1; use max(x, 0) - x*y + log1p(exp(-|x|)), "
            "whose exponent is never positive")


def detached(case, observation, reference):
    if observation.get("extra", {}).get(LOGIT_GRADIENT) == DETACHED:
        return ("backward() does not reach the logits from your loss: compute it with tensor "
                "operations on `logits` (no .item(), .detach() or torch.tensor(...))")
    return None


BCE_WITH_LOGITS = Exercise(
    "bce_with_logits", CHAPTER, 2, logit_cases,
    Contract(params=("logits", "targets"), atol=1e-5, sizes=_numel, reductions=("N",),
             forbidden=("torch.nn.functional.binary_cross_entropy_with_logits",
                        "torch.nn.functional.binary_cross_entropy"),
             explanations=(overflow, detached)),
    observe=_logit_extras)


# ------------------------------------------------------------------ cross_entropy

def index_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 2), (10, 7), (32, 3), (4, 4)) if hidden else ((1, 3), (6, 4), (5, 3), (3, 3))
    cases = []
    for index, (batch, classes) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append(Case((normal(gen, batch, classes, dtype=dtype) * 2,
                           integers(gen, 0, classes, batch)), "batch of one" if batch == 1 else ""))
    huge = (torch.tensor([[5000.0, -5000.0, 0.0], [-3000.0, -2990.0, -3010.0]]) if hidden
            else normal(gen, 3, 4) * 1000)
    return cases + [Case((huge, integers(gen, 0, huge.shape[1], huge.shape[0])),
                         "logits in the thousands")]


def softmax_first(case, observation, reference):
    got, want = tensors(observation, reference)
    logits, targets = case.args
    if got is None or got.ndim or not bool(want.isfinite().all()):
        return None
    squashed = torch.softmax(logits.double(), dim=1)
    if targets.dtype == torch.int64:
        twice = functional.cross_entropy(squashed, targets)
    else:
        twice = -(targets.double() * squashed.log_softmax(dim=1)).sum(dim=1).mean()
    if close(got, twice.to(got.dtype)) and not close(got, want):
        return ("your loss is the cross entropy of softmax(logits): softmax was applied to the "
                "logits first (double softmax); the formula takes the raw logits")
    return None


def normalised_over_batch(case, observation, reference):
    got, want = tensors(observation, reference)
    logits, targets = case.args
    if got is None or got.ndim or close(got, want):
        return None
    log_p = logits.double().log_softmax(dim=0)  # each column normalised: the wrong dim
    if targets.dtype == torch.int64:
        wrong = -log_p[torch.arange(len(targets)), targets].mean()
    else:
        wrong = -(targets.double() * log_p).sum(dim=1).mean()
    if close(got, wrong.to(got.dtype)):
        return ("your log-probabilities are normalised down each column (over the batch, "
                "dim 0): the wrong dim; each row's classes form one softmax (dim=1)")
    return None


def overflowed(case, observation, reference):
    what = nonfinite(observation, reference)
    if what and bool(case.args[0].abs().gt(80).any()):
        return (f"the loss is {what} for logits in the thousands: exp overflows; use "
                "torch.logsumexp (or subtract each row's maximum first)")
    return None


CROSS_ENTROPY = Exercise(
    "cross_entropy", CHAPTER, 2, index_cases,
    Contract(params=("logits", "targets"), atol=1e-5, sizes=_batch, reductions=("N",),
             forbidden=("torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss"),
             explanations=(overflowed, normalised_over_batch, softmax_first)))


# ------------------------------------------------------------------ soft_cross_entropy

def soft_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 3), (9, 6), (16, 2)) if hidden else ((1, 3), (5, 4), (3, 2))
    cases = []
    for index, (batch, classes) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        soft = torch.softmax(normal(gen, batch, classes, dtype=dtype) * 2, dim=1)
        cases.append(Case((normal(gen, batch, classes, dtype=dtype) * 3, soft),
                          "batch of one" if batch == 1 else ""))
    labels = integers(gen, 0, 4, 5)
    huge = torch.tensor([[4000.0, 0.0, -4000.0], [10.0, 3000.0, 20.0]])
    return cases + [
        Case((normal(gen, 5, 4) * 2, functional.one_hot(labels, 4).float()), "one-hot targets"),
        Case((huge, torch.tensor([[0.2, 0.5, 0.3], [0.0, 0.0, 1.0]])), "logits in the thousands")]


def targets_to_indices(case, observation, reference):
    got, want = tensors(observation, reference)
    logits, soft = case.args
    if got is None or got.ndim or bool(((soft == 0) | (soft == 1)).all()):
        return None
    hard = functional.cross_entropy(logits.double(), soft.argmax(dim=1))
    if close(got, hard.to(got.dtype)) and not close(got, want):
        return ("your loss counts only the most likely class of each target row: a soft target "
                "weighs every class, so sum target * log p over all classes")
    return None


SOFT_CROSS_ENTROPY = Exercise(
    "soft_cross_entropy", CHAPTER, 2, soft_cases,
    Contract(params=("logits", "target_probabilities"), atol=1e-5, sizes=_batch,
             reductions=("N",), forbidden=("torch.nn.functional.cross_entropy",),
             explanations=(overflowed, normalised_over_batch, targets_to_indices,
                           softmax_first)))


# ------------------------------------------------------------------ cross_entropy_gradient

def gradient_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 4), (12, 6), (7, 2), (3, 3)) if hidden else ((1, 3), (5, 3), (4, 4), (2, 5))
    return [Case((normal(gen, batch, classes, dtype=torch.float64 if i % 2 else torch.float32)
                  * 2, integers(gen, 0, classes, batch)), "batch of one" if batch == 1 else "")
            for i, (batch, classes) in enumerate(sizes)]


def softmax_over_batch(case, observation, reference):
    got, _ = tensors(observation, reference)
    logits, targets = case.args
    if got is None or logits.shape[0] < 2:
        return None
    one_hot = functional.one_hot(targets, logits.shape[1]).to(got.dtype)
    columns = (got * logits.shape[0] + one_hot).sum(dim=0)  # (classes,)
    if close(columns, torch.ones_like(columns)):
        return ("your probabilities sum to 1 down each column, not along each row: softmax ran "
                "over the wrong dim (dim 0, the batch); each sample's classes form one softmax")
    return None


CROSS_ENTROPY_GRADIENT = Exercise(
    "cross_entropy_gradient", CHAPTER, 2, gradient_cases,
    Contract(params=("logits", "targets"), atol=1e-6, sizes=_batch, reductions=("N",),
             forbidden=BY_HAND, explanations=(softmax_over_batch,)))
