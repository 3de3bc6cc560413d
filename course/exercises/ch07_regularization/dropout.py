"""Chapter 7, section 2: inverted dropout as a function and as a layer.

Cases are plain data (a generator is given by its seed). The explanations state properties of
the student's output (which elements are zero, what the kept ones were scaled by, whether the
output in evaluation mode is x), never the answer.
"""

import math

import torch
from torch import nn

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import show, to_plain

CHAPTER = "ch07_regularization"
DROPOUT_BUILTINS = ("torch.nn.functional.dropout", "torch.dropout")


# ------------------------------------------------------------------ inverted_dropout

def _scaled_survivors(got, want, x, p) -> str | None:
    """What is wrong with a dropout output, from its zeros and its kept values."""
    if not all(isinstance(v, torch.Tensor) for v in (got, want)) or got.shape != want.shape \
            or got.shape != x.shape or not got.is_floating_point() or got.dtype != want.dtype \
            or torch.allclose(got, want, atol=1e-6, equal_nan=True):
        return None
    if bool(got.isnan().any()) and not bool(want.isnan().any()):
        return ("the result holds nan: with p = 1, (1 - p) is 0 and 0 / 0 is nan; return zeros "
                "for p = 1")
    kept, expected_kept = got != 0, want != 0
    if not bool(expected_kept.any()) or not bool(kept.any()):
        return None
    x = x.to(got.dtype)
    for scale, how in ((1.0, "are x unchanged: in training inverted dropout divides them by "
                             "1 - p, so the expected value stays x"),
                       (1 / p if p else None, "are x / p: inverted dropout divides them by "
                                              "1 - p, not by p"),
                       (1 - p, "are x * (1 - p): inverted dropout divides them by 1 - p")):
        if scale is not None and torch.equal(kept, expected_kept) and not math.isclose(
                scale, 1 / (1 - p)) and torch.allclose(got[kept], x[kept] * scale, atol=1e-5):
            return f"the zeros are in the right places, but the kept elements {how}"
    if not torch.equal(kept, expected_kept) and torch.allclose(
            got[kept], x[kept] / (1 - p), atol=1e-5):
        flipped = torch.equal(kept, ~expected_kept)
        return ("the kept elements are scaled right but " + (
            "exactly the elements that should be kept are zero" if flipped
            else "other elements are zero than expected") + ": draw torch.rand(x.shape, "
            "generator=generator) and keep an element when its number is >= p")
    return None


def dropout_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        return [Case((normal(gen, 4, 5, 6) + 3, 0.6, True, 2)),
                Case((normal(gen, 7) + 3, 0.1, True, 3)),
                Case((normal(gen, 64, 32, dtype=torch.float64), 0.5, True, 4)),
                Case((normal(gen, 3, 3), 1.0, False, None), "evaluation mode with p = 1"),
                Case((torch.ones(10, 10), 1.0, True, 5), "p = 1"),
                Case((torch.arange(6, dtype=torch.int32), 0.5, True, 6),
                     "an integer tensor must raise TypeError")]
    grid = torch.arange(1.0, 13.0).reshape(3, 4)  # (batch, features), no zeros
    return [Case((grid, 0.25, True, 0)),
            Case((grid, 0.25, False, None), "evaluation mode"),
            Case((grid, 0.0, True, 1), "p = 0"),
            Case((grid, 1.0, True, 2), "p = 1"),
            Case((normal(gen, 2, 3, 4, dtype=torch.float64), 0.6, True, 3)),
            Case((torch.arange(6), 0.5, True, 4), "an integer tensor must raise TypeError")]


def build_dropout(args):
    x, p, training, seed = args
    return x, p, training, None if seed is None else torch.Generator().manual_seed(seed)


def dropout_output(case, observation, reference):
    x, p, training, _ = case.args
    got, want = observation.get("value"), reference.get("value")
    if not training:
        if isinstance(got, torch.Tensor) and got.shape == x.shape and not torch.allclose(
                got, x.to(got.dtype)):
            return ("in evaluation mode (training=False) the output is not x: inverted dropout "
                    "returns x unchanged in evaluation and does all its scaling during training")
        return None
    return _scaled_survivors(got, want, x, p)


def _describe_dropout(case) -> str:
    x, p, training, seed = case.args
    source = "None" if seed is None else f"a generator seeded with {seed}"
    return f"x={show(x)}, p={p}, training={training}, generator={source}"


INVERTED_DROPOUT = Exercise(
    "inverted_dropout", CHAPTER, 3, dropout_cases,
    Contract(params=("x", "p", "training", "generator"), atol=1e-6,
             forbidden=DROPOUT_BUILTINS, explanations=(dropout_output,)),
    build=build_dropout, describe=_describe_dropout)


# ------------------------------------------------------------------ InvertedDropout

def layer_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        return [Case((0.1, torch.full((200, 50), 2.0), 11)),
                Case((0.7, normal(gen, 3, 4, 5) + 3, 12)),
                Case((1.0, torch.ones(4, 4), 13), "p = 1"),
                Case((0.5, torch.ones(8, dtype=torch.float64), 14), "float64"),
                Case((0.2, torch.ones(3, 5, dtype=torch.float16), 15), "float16")]
    grid = torch.arange(1.0, 13.0).reshape(3, 4)  # (batch, features), no zeros
    return [Case((0.25, grid, 0)), Case((0.0, grid, 1), "p = 0"),
            Case((1.0, grid, 2), "p = 1"),
            Case((0.5, normal(gen, 2, 5, dtype=torch.float64) + 3, 3), "float64"),
            Case((0.4, torch.ones(6, 10), 4)),
            Case((0.5, grid.half(), 5), "float16: the result keeps the input's dtype")]


def layer_state(result, args):
    """A new layer as plain data: its type, p and whether it starts in training mode."""
    if not isinstance(result, nn.Module):
        return to_plain(result)
    return {"type": type(result).__name__, "p": to_plain(getattr(result, "p", None)),
            "a new layer is in training mode": bool(result.training)}


def layer_outputs(function, result, args, case) -> dict:
    """The layer's output in training mode (global generator seeded), after .eval(), and
    inside an nn.Sequential switched with model.eval()."""
    _, x, seed = case.args
    torch.manual_seed(seed)  # the probe restores the global generator afterwards
    with torch.no_grad():
        result.train()
        trained = to_plain(result(x.clone()))
        result.eval()
        evaluated = to_plain(result(x.clone()))
        model = nn.Sequential(nn.Identity(), function(case.args[0]))
        model.eval()
        nested = to_plain(model(x.clone()))
    return {"output in training mode": trained, "output after .eval()": evaluated,
            "output in an nn.Sequential after model.eval()": nested}


def layer_output(case, observation, reference):
    p, x, _ = case.args
    extra, expected = observation.get("extra", {}), reference.get("extra", {})
    for label in ("output after .eval()", "output in an nn.Sequential after model.eval()"):
        got = extra.get(label)
        if isinstance(got, torch.Tensor) and got.shape == x.shape \
                and not torch.allclose(got, x.to(got.dtype)):
            where = "after .eval()" if label.startswith("output after") else (
                "inside an nn.Sequential after model.eval() (model.eval() sets each layer's "
                "training flag: read self.training)")
            return (f"the output {where} is not x: in evaluation mode inverted dropout returns "
                    "x unchanged and does all its scaling during training")
    return _scaled_survivors(extra.get("output in training mode"),
                             expected.get("output in training mode"), x, p)


INVERTED_DROPOUT_LAYER = Exercise(
    "InvertedDropout", CHAPTER, 2, layer_cases,
    Contract(params=("p",), atol=1e-6, forbidden=DROPOUT_BUILTINS,
             explanations=(layer_output,)),
    build=lambda args: (args[0],), convert=layer_state, observe=layer_outputs,
    describe=lambda case: f"p={case.args[0]}); layer(x={show(case.args[1])}",
    test_cell="test_dropout_module")
