"""Chapter 7, section 3: batch normalisation in training and evaluation mode, and the block
Linear -> BatchNorm1d -> ReLU -> Dropout.

Cases are plain tensors and numbers (the block: its sizes). The explanations state properties
of the student's output (the variance of the normalised features, which way the running
estimates moved, whether eps changes anything), never the answer.
"""

import torch
from torch import nn

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import to_plain

CHAPTER = "ch07_regularization"
BATCH_NORM_BUILTINS = ("torch.nn.functional.batch_norm", "torch.batch_norm")


def _statistics(gen, batch, features, dtype, spread=2.0):
    """x, weight, bias, running_mean, running_var of one case (x has no constant feature)."""
    x = normal(gen, batch, features, dtype=dtype) * spread + 1  # (batch, features)
    weight = (torch.rand(features, generator=gen, dtype=dtype) + 0.5).round(decimals=3)
    bias = normal(gen, features, dtype=dtype)
    running_mean = normal(gen, features, dtype=dtype)
    running_var = (torch.rand(features, generator=gen, dtype=dtype) + 0.5).round(decimals=3)
    return x, weight, bias, running_mean, running_var


def _normalised(out, weight, bias):
    """(out - bias) / weight: the output before the learned scale and shift."""
    return (out - bias) / weight


# ------------------------------------------------------------------ batch_norm_train

def train_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((2, 5, 0.1, 1e-5, torch.float32), (64, 4, 0.3, 1e-3, torch.float32),
             (9, 2, 0.05, 1e-5, torch.float64), (3, 1, 0.9, 1e-2, torch.float32)) if hidden \
        else ((2, 3, 0.1, 1e-5, torch.float32), (6, 3, 0.1, 1e-5, torch.float32),
              (5, 2, 0.25, 1e-3, torch.float64), (8, 4, 0.5, 1e-5, torch.float32))
    cases = []
    for batch, features, momentum, eps, dtype in plans:
        cases.append(Case((*_statistics(gen, batch, features, dtype), momentum, eps),
                          "a batch of 2" if batch == 2 else ""))
    return cases


def _train_parts(case, observation):
    got = observation.get("value")
    x = case.args[0]
    if isinstance(got, tuple) and len(got) == 3 and all(
            isinstance(v, torch.Tensor) and v.dtype == x.dtype for v in got) \
            and got[0].shape == x.shape and got[1].shape == got[2].shape == x.shape[1:]:
        return got
    return None


def unbiased_normalisation(case, observation, reference):
    got = _train_parts(case, observation)
    x, weight, bias, *_ = case.args
    if got is None:
        return None
    batch = x.shape[0]
    variance = _normalised(got[0], weight, bias).var(dim=0, correction=0)  # (features,)
    if torch.allclose(variance, torch.full_like(variance, (batch - 1) / batch), atol=2e-3):
        return (f"before weight and bias each feature of `out` has variance (N-1)/N = "
                f"{batch - 1}/{batch}, not 1: it was normalised with the unbiased variance; "
                "the output uses the biased one (divide by N, correction=0)")
    return None


def _moved(case, got, want, start, index):
    """The batch value the running estimate ``index`` moved towards, under both conventions."""
    momentum = case.args[5]
    if momentum in (0.5, 1.0):
        return None
    new_weight = (got[index] - (1 - momentum) * start) / momentum  # (features,)
    old_weight = (got[index] - momentum * start) / (1 - momentum)
    wanted = (want[index] - (1 - momentum) * start) / momentum
    return new_weight, old_weight, wanted


def running_estimates(case, observation, reference):
    got = _train_parts(case, observation)
    want = reference["value"]
    if got is None:
        return None
    x, _, _, running_mean, running_var, momentum, _ = case.args
    batch = x.shape[0]
    for index, start, name in ((1, running_mean, "running mean"), (2, running_var,
                                                                    "running variance")):
        if torch.allclose(got[index], want[index], atol=1e-6):
            continue
        moved = _moved(case, got, want, start, index)
        if moved is None:
            continue
        new_weight, old_weight, wanted = moved
        if torch.allclose(old_weight, wanted, atol=1e-4, rtol=1e-4):
            return (f"the new {name} gives the batch value the weight 1 - momentum = "
                    f"{1 - momentum:g} and the old one momentum: PyTorch's momentum is the "
                    "weight of the NEW batch value")
        if index == 2 and torch.allclose(new_weight, wanted * (batch - 1) / batch, atol=1e-4,
                                         rtol=1e-4):
            return ("the running variance moved towards the biased batch variance (divided by "
                    "N); the running estimate uses the unbiased one (divide by N - 1)")
    return None


def wrong_dim(case, observation, reference):
    got = _train_parts(case, observation)
    x, weight, bias, *_ = case.args
    if got is None or x.shape[1] < 2:
        return None
    rows = _normalised(got[0], weight, bias).mean(dim=1)  # (batch,)
    if torch.allclose(rows, torch.zeros_like(rows), atol=1e-4):
        return ("each ROW of `out` has mean 0 before weight and bias: the statistics were taken "
                "over the wrong dim (dim 1, the features); batch norm takes them over the batch, "
                "dim 0, one mean and variance per feature")
    return None


BATCH_NORM_TRAIN = Exercise(
    "batch_norm_train", CHAPTER, 3, train_cases,
    Contract(params=("x", "weight", "bias", "running_mean", "running_var", "momentum", "eps"),
             returns=("out", "new_running_mean", "new_running_var"), atol=1e-5, rtol=1e-4,
             forbidden=BATCH_NORM_BUILTINS,
             sizes=lambda case: {"N": case.args[0].shape[0]}, reductions=("N",),
             explanations=(wrong_dim, unbiased_normalisation, running_estimates)))


# ------------------------------------------------------------------ batch_norm_eval

def eval_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((7, 4, 1e-5, torch.float32), (1, 6, 1e-3, torch.float32),
             (12, 2, 1e-5, torch.float64), (3, 3, 0.5, torch.float32)) if hidden else (
        (1, 3, 1e-5, torch.float32), (5, 3, 1e-5, torch.float32), (4, 2, 0.1, torch.float64),
        (6, 4, 1e-3, torch.float32))
    return [Case((*_statistics(gen, batch, features, dtype, spread=3.0), eps),
                 "a batch of one row" if batch == 1 else "") for batch, features, eps, dtype
            in plans]


def output_with_other_eps(function, result, args, case) -> dict:
    """The output with eps = 1: does eps change anything?"""
    return {"the output with eps=1": to_plain(function(*[a.clone() for a in args[:5]], 1.0))}


def batch_statistics(case, observation, reference):
    got = observation.get("value")
    x, weight, bias, *_ = case.args
    if not isinstance(got, torch.Tensor) or got.shape != x.shape or got.dtype != x.dtype:
        return None
    if x.shape[0] == 1:
        if torch.allclose(got, bias.expand_as(got), atol=1e-5):
            return ("your output for a single row is just `bias`: it was normalised with the "
                    "batch's own statistics (one row is its own mean); in evaluation mode use "
                    "running_mean and running_var")
        return None
    centred = _normalised(got, weight, bias).mean(dim=0)  # (features,)
    if torch.allclose(centred, torch.zeros_like(centred), atol=1e-4):
        return ("each feature of your output has mean 0 over the batch: it was normalised "
                "with the batch's statistics; in evaluation mode use running_mean and "
                "running_var")
    return None


def eps_ignored(case, observation, reference):
    got = observation.get("value")
    other = observation.get("extra", {}).get("the output with eps=1")
    bias = case.args[2]
    if isinstance(got, torch.Tensor) and isinstance(other, torch.Tensor) \
            and got.shape == other.shape and torch.equal(got, other) \
            and not torch.allclose(got, bias.expand_as(got).to(got.dtype)):
        return ("your output does not change when eps changes: add eps to running_var inside "
                "the square root")
    return None


def variance_not_std(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    x, weight, bias, _, running_var, eps = case.args
    if not isinstance(got, torch.Tensor) or not isinstance(want, torch.Tensor) \
            or got.shape != want.shape or got.dtype != want.dtype:
        return None
    scale = torch.sqrt(running_var + eps)  # (features,)
    if not torch.allclose(scale, torch.ones_like(scale), atol=1e-3) and torch.allclose(
            _normalised(got, weight, bias), _normalised(want, weight, bias) / scale, atol=1e-4):
        return ("your output is divided by running_var + eps itself: batch norm divides by "
                "its square root, the standard deviation")
    return None


BATCH_NORM_EVAL = Exercise(
    "batch_norm_eval", CHAPTER, 2, eval_cases,
    Contract(params=("x", "weight", "bias", "running_mean", "running_var", "eps"), atol=1e-5,
             rtol=1e-4, forbidden=BATCH_NORM_BUILTINS,
             explanations=(batch_statistics, eps_ignored, variance_not_std)),
    observe=output_with_other_eps)


# ------------------------------------------------------------------ make_block

def block_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case((3, 2, 0.5)), Case((1, 1, 0.0), "one feature, p = 0"), Case((16, 4, 0.1))]
    return [Case((5, 8, 0.2)), Case((2, 3, 0.0), "p = 0"), Case((4, 4, 0.5)),
            Case((6, 1, 0.3), "one output feature")]


def _first(block, kind):
    return next((layer for layer in block if isinstance(layer, kind)), None)


def block_layers(result, args):
    """A block as plain data: its layer types in order and the settings of each layer."""
    if not isinstance(result, nn.Module):
        return to_plain(result)
    layers = list(result) if isinstance(result, nn.Sequential) else []
    linear, norm, dropout = (_first(layers, kind) for kind in (nn.Linear, nn.BatchNorm1d,
                                                                nn.Dropout))
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(0)
        result.eval()
        try:
            shape = str(tuple(result(torch.randn(2, args[0])).shape))  # (2, in_features) in
        except Exception as error:  # noqa: BLE001 - evaluation mode; a wrong size shows here
            shape = f"{type(error).__name__}: {error}"
    return {"type": type(result).__name__,
            "layers": [type(layer).__name__ for layer in layers],
            "Linear (in_features, out_features)": None if linear is None else
            [linear.in_features, linear.out_features],
            "Linear has a bias": None if linear is None else linear.bias is not None,
            "BatchNorm1d num_features": None if norm is None else norm.num_features,
            "Dropout p": None if dropout is None else float(dropout.p),
            "output shape for a (2, in_features) input in evaluation mode": shape}


def layer_order(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, dict) or "layers" not in got:
        return None
    if sorted(got["layers"]) == sorted(want["layers"]) and got["layers"] != want["layers"]:
        return (f"the layers come in the order {', '.join(got['layers'])}: batch norm goes on "
                "the pre-activations (before ReLU) and dropout on the activations (after ReLU)")
    if got["Linear has a bias"]:
        return ("the Linear layer has a bias: batch norm subtracts the batch mean, which "
                "cancels any bias, and adds its own shift (bias=False)")
    return None


MAKE_BLOCK = Exercise(
    "make_block", CHAPTER, 1, block_cases,
    Contract(params=("in_features", "out_features", "dropout_p"),
             explanations=(layer_order,)),
    convert=block_layers, test_cell="test_block")
