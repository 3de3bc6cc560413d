"""Generic explanations of a mismatch: which common mistake turns the expected value into the
student's one?

Each explanation is a small function of (got, want, context) on float64 arrays that returns a
one-line finding or None. It fires only when applying that mistake to the expected value
reproduces the student's value within the tolerances, so it never names a bug the answer does
not have. ``explain_values`` tries them on equal shapes, ``explain_shape`` on different shapes;
the most specific comes first.
"""

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

_allclose = np.allclose


@dataclass(frozen=True)
class Context:
    """What the explanations may use besides the two values."""

    sizes: dict = field(default_factory=dict)  # named sizes of the case, e.g. {"N": 8}
    reductions: tuple = ()  # names in ``sizes`` that count what a mean or sum runs over
    input_shapes: tuple = ()  # (argument name, shape) of each tensor argument
    stacked_shapes: tuple = ()  # (argument name, (length, *shape)) of each list of equal tensors
    atol: float = 1e-6
    rtol: float = 1e-5


def _close(got, want, ctx: Context) -> bool:
    return got.shape == want.shape and bool(_allclose(got, want, atol=ctx.atol, rtol=ctx.rtol))


def _significant(want, ctx: Context):
    return np.abs(want) > max(10 * ctx.atol, 1e-12)


def flipped_sign(got, want, ctx: Context) -> str | None:
    """Every value is the negative of the expected one."""
    if _significant(want, ctx).any() and _close(got, -want, ctx):
        return "the sign is flipped: every value is the negative of the expected one"
    return None


def permuted(got, want, ctx: Context) -> str | None:
    """The expected tensor with its dims transposed or permuted."""
    if not 2 <= want.ndim <= 4 or got.ndim != want.ndim:
        return None
    for order in itertools.permutations(range(want.ndim)):
        if order != tuple(range(want.ndim)) and _close(got, want.transpose(order), ctx):
            if want.ndim == 2:
                return "transposed: rows and columns are swapped"
            return f"the dims are permuted: you have the expected dims in the order {order}"
    return None


def _fraction(value: float) -> str | None:
    """``value`` as a whole number, 1/n or a small fraction such as 255/256, else None."""
    for whole in range(1, 1001):
        if math.isclose(value, whole, rel_tol=1e-6):
            return str(whole)
        if math.isclose(value, 1 / whole, rel_tol=1e-6):
            return f"1/{whole}"
    for below in (*range(2, 17), 32, 64, 128, 256, 512, 1024):
        above = round(value * below)
        if 0 < above < 4 * below and math.isclose(value, above / below, rel_tol=1e-6):
            return f"{above}/{below}"
    return None


def _named(value: float, ctx: Context) -> tuple[str | None, str | None]:
    """(a size's name or None, how the factor reads or None when it is no simple number)."""
    for name, size in ctx.sizes.items():
        if size > 1 and math.isclose(value, size, rel_tol=1e-6):
            return name, f"{name} = {size}"
        if size > 1 and math.isclose(value, 1 / size, rel_tol=1e-6):
            return name, f"1/{name} = 1/{size}"
    return None, _fraction(value)


def constant_factor(got, want, ctx: Context) -> str | None:
    """Every value is the expected one times the same constant (named when it is a size)."""
    mask = _significant(want, ctx)
    if not mask.any():
        return None
    factor = float(np.median(got[mask] / want[mask]))
    if not math.isfinite(factor) or abs(factor) < 1e-12 or math.isclose(abs(factor), 1,
                                                                        rel_tol=1e-4):
        return None
    if not _close(got, factor * want, ctx):
        return None
    name, reads = _named(abs(factor), ctx)
    if reads is None:
        return None  # a factor such as 4.935 is more likely a missing term than a scale
    if int(mask.sum()) < 2 and (name is None or np.all(want == np.round(want))):
        return None  # one number always fits some factor: only a named size says something
    text = f"off by a factor of {reads}"
    if name in ctx.reductions:
        text += " (sum instead of mean?)" if abs(factor) > 1 else " (mean instead of sum?)"
    return text + (", and the sign is flipped" if factor < 0 else "")


def off_by_one(got, want, ctx: Context) -> str | None:
    """Every value is one more (or one less) than expected."""
    if got.size < 2:
        return None  # one number is often 1 away by chance
    for step, word in ((1, "high"), (-1, "low")):
        if _close(got - want, np.full_like(want, step), ctx):
            return f"every value is 1 too {word}: off by one"
    return None


def _moved(got, want, ctx: Context) -> bool:
    """Whether at least two items that differ from their expected value hold a neighbour's."""
    return int((~np.isclose(got, want, atol=ctx.atol, rtol=ctx.rtol)).sum()) >= 2


def shifted(got, want, ctx: Context) -> str | None:
    """A sequence moved by one position (each item holds its neighbour's expected value).

    Equal lengths need real evidence: at least two of the wrong items must be explained by the
    move (a result that is wrong in one place, or constant, fits a shift of a short sequence by
    chance, e.g. indices into a handful of choices)."""
    if got.ndim != 1 or want.ndim != 1 or len(want) < 3 or _close(want, np.full_like(
            want, want[0]), ctx):
        return None
    if len(got) == len(want):
        if _close(got[:-1], want[1:], ctx) and _moved(got[:-1], want[:-1], ctx):
            return "shifted by one position: item k holds the expected item k+1 (off by one)"
        if _close(got[1:], want[:-1], ctx) and _moved(got[1:], want[1:], ctx):
            return "shifted by one position: item k holds the expected item k-1 (off by one)"
    elif len(got) == len(want) - 1:
        if _close(got, want[1:], ctx) or _close(got, want[:-1], ctx):
            end = "first" if _close(got, want[1:], ctx) else "last"
            return f"the {end} item is missing: off by one"
    elif len(got) == len(want) + 1 and (_close(got[1:], want, ctx) or _close(got[:-1], want, ctx)):
        return "one item too many: off by one"
    return None


def running(got, want, ctx: Context) -> str | None:
    """Item k is the mean (or sum) of the expected items 0..k: an accumulator never reset."""
    if got.ndim != 1 or got.shape != want.shape or len(want) < 2:
        return None
    totals = np.cumsum(want)
    if _close(got, totals / np.arange(1, len(want) + 1), ctx):
        return "item k is the average of the expected items 0..k: a running average never reset"
    if _close(got, totals, ctx):
        return "item k is the sum of the expected items 0..k: a running total never reset"
    return None


def rounded_down(got, want, ctx: Context) -> str | None:
    """The expected values rounded down to whole numbers (integer division).

    Needs two values that flooring changed and one it left above 0: zeros for numbers below 1
    fit any result that is simply 0."""
    floored = np.floor(want)
    if int((floored != want).sum()) < 2 or not np.any(floored != 0) or not _close(
            got, floored, ctx):
        return None
    return "the values were rounded down to whole numbers (integer division // or an int cast?)"


def reordered(got, want, ctx: Context) -> str | None:
    """The right values in another order."""
    if want.size < 6 or len(np.unique(want)) < 4:
        return None
    if _close(np.sort(got, axis=None), np.sort(want, axis=None), ctx):
        return ("the right values in the wrong order: check the order of the dims "
                "(permute or transpose before reshaping?)")
    return None


def wrong_dim(got, want, ctx: Context) -> str | None:
    """A reduction over another dim of an input than the expected one (or over all dims)."""
    for argument, shape in ctx.input_shapes:
        if len(shape) < 2:
            continue
        dropped = [tuple(s for i, s in enumerate(shape) if i != d) for d in range(len(shape))]
        expected = [d for d, left in enumerate(dropped) if left == want.shape]
        if not expected:
            continue
        target = f"dim {expected[0]}" if len(expected) == 1 else "another dim"
        if got.shape == ():
            return f"reduced over every dim of `{argument}` instead of {target} (the wrong dim)"
        actual = [d for d, left in enumerate(dropped) if left == got.shape and d not in expected]
        if actual:
            return (f"reduced over the wrong dim: dim {actual[0]} of `{argument}` instead of "
                    f"{target}")
    return None


def _has_size_one(ctx: Context) -> bool:
    return any(1 in shape for _, shape in (*ctx.input_shapes, *ctx.stacked_shapes))


def size_one(got, want, ctx: Context) -> str | None:
    """The right values with an extra, a missing or a misplaced size-1 dimension.

    A missing one is not claimed when an input has a size-1 dim itself (a batch of one, samples
    of one element): then merging dims (flatten, cat, reshape(-1)) gives the same result, and
    ``reshaped`` says only what is observed."""
    squeeze = tuple(s for s in got.shape if s != 1), tuple(s for s in want.shape if s != 1)
    if squeeze[0] != squeeze[1] or not _close(got.reshape(want.shape), want, ctx):
        return None
    if got.ndim > want.ndim:
        return "the right values with an extra size-1 dimension"
    if got.ndim < want.ndim:
        if _has_size_one(ctx):
            return None
        return "the right values with a missing size-1 dimension"
    return "the right values with a size-1 dimension in the wrong place"


def broadcast(got, want, ctx: Context) -> str | None:
    """A size-1 dim of the expected shape grew: two operands broadcast against each other."""
    if got.ndim != want.ndim or got.shape == want.shape:
        return None
    grown = [i for i, (g, w) in enumerate(zip(got.shape, want.shape, strict=True)) if g != w]
    if all(want.shape[i] == 1 and got.shape[i] > 1 for i in grown):
        return ("a size-1 dimension grew: two operands broadcast against each other; one of "
                "them is missing a size-1 dimension (keepdim=True or view(-1, 1)?)")
    return None


def diagonal(got, want, ctx: Context) -> str | None:
    """Only the diagonal [i, i] of the expected matrix: item i paired only with item i."""
    if want.ndim == 2 and got.ndim == 1 and got.shape[0] == min(want.shape) and want.size > 1 \
            and _close(got, np.diagonal(want), ctx):
        return ("only the diagonal entries [i, i]: row i was paired with column i only, not "
                "with every column")
    return None


def outer_pairing(got, want, ctx: Context) -> str | None:
    """The expected values on the diagonal of a square result: every i paired with every j."""
    if want.ndim == 1 and got.ndim == 2 and got.shape == (len(want), len(want)) \
            and len(want) > 1 and _close(np.diagonal(got).copy(), want, ctx):
        return ("the expected values are the diagonal [i, i] of your result: item i was paired "
                "with every index, not with its own one")
    return None


def reshaped(got, want, ctx: Context) -> str | None:
    """The right values in order, in another shape."""
    if got.size == want.size and got.size > 1 and _close(got.reshape(-1), want.reshape(-1), ctx):
        return "the right values in the wrong shape"
    return None


VALUE_EXPLANATIONS = (flipped_sign, permuted, shifted, running, constant_factor, off_by_one,
                      rounded_down, reordered)
SHAPE_EXPLANATIONS = (wrong_dim, permuted, size_one, diagonal, outer_pairing, broadcast, shifted,
                      reshaped)


def explain(got, want, ctx: Context) -> str | None:
    """The first explanation that reproduces ``got`` from ``want``, or None."""
    tries = VALUE_EXPLANATIONS if got.shape == want.shape else SHAPE_EXPLANATIONS
    for explanation in tries:
        found = explanation(got, want, ctx)
        if found:
            return found
    return None
