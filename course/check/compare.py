"""Compare a student's plain value with the reference value: first structure, then values.

``structure`` finds the first difference in kind (tensor, Python float, list, ...), length,
keys, dtype or shape; ``values`` the first difference in values (floats within tolerances,
integers and bools exactly). Each returns a ``Mismatch`` that names where it is and, for a shape
or value difference, carries both as float64 arrays for the diagnosis.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch

from course.check.values import Obj, dtype_name, kind, shape_text

_Tensor = torch.Tensor
_allclose = np.allclose
_isclose = np.isclose


@dataclass
class Mismatch:
    """The first difference found: its kind, a one-line text, where, and the arrays."""

    kind: str  # "type", "length", "keys", "dtype", "shape" or "values"
    text: str
    where: str = ""
    got: np.ndarray | None = None
    want: np.ndarray | None = None


def numeric(value) -> bool:
    """True for a tensor, an array, a Python number or a list of Python numbers."""
    if isinstance(value, (_Tensor, np.ndarray)):
        return not isinstance(value, np.ndarray) or value.dtype.kind in "biuf"
    if type(value) in (int, float):
        return True
    return type(value) is list and bool(value) and all(type(v) in (int, float) for v in value)


def array(value) -> np.ndarray:
    """``value`` (see ``numeric``) as a float64 NumPy array."""
    if isinstance(value, _Tensor):
        value = value.detach().to("cpu")
        return (value.to(torch.float64) if not value.is_complex() else value.real.double()).numpy()
    return np.asarray(value, dtype=np.float64)


def _item(index: int, where: str, container, names: tuple = ()) -> str:
    if not where and index < len(names):
        return f"`{names[index]}`"
    return f"item {index} of {where or f'the returned {type(container).__name__}'}"


def _subject(where: str) -> str:
    return where or "the result"


def _should(where: str, wanted: str, got) -> str:
    if where:
        return f"{where} should be {wanted}, got {kind(got)}"
    return f"should return {wanted}, got {kind(got)}"


def structure(got, want, where: str = "", names: tuple = ()) -> Mismatch | None:
    """The first difference of kind, length, keys, dtype or shape between got and want.

    Args:
        got, want: the student's and the reference's plain values.
        where: how messages name the value ("" for the result itself).
        names: names of the items of a returned tuple, for messages.
    """
    if isinstance(want, (_Tensor, np.ndarray)):
        wanted = "a tensor" if isinstance(want, _Tensor) else "a NumPy array"
        if type(got) is not type(want) and not (isinstance(want, _Tensor)
                                                and isinstance(got, _Tensor)):
            return Mismatch("type", _should(where, wanted, got), where)
        if got.dtype != want.dtype:
            return Mismatch("dtype", f"{_subject(where)} has dtype {dtype_name(got)}, expected "
                                     f"{dtype_name(want)}", where)
        if tuple(got.shape) != tuple(want.shape):
            return Mismatch("shape", f"{_subject(where)} has shape {shape_text(got.shape)}, "
                                     f"expected {shape_text(want.shape)}", where,
                            array(got), array(want))
        return None
    if isinstance(want, Obj):
        if not isinstance(got, Obj) or got.type != want.type:
            return Mismatch("type", _should(where, f"a {want.type}", got), where)
        return structure(got.fields, want.fields, where)
    if type(got) is not type(want):
        return Mismatch("type", _should(where, kind(want), got), where)
    if isinstance(want, (list, tuple)):
        if len(got) != len(want):
            numbers = numeric(got) and numeric(want)
            return Mismatch("length", f"{_subject(where)} has {len(got)} items, expected "
                                      f"{len(want)}", where,
                            array(got) if numbers else None, array(want) if numbers else None)
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            found = structure(g, w, _item(index, where, want, names))
            if found:
                return found
        return None
    if isinstance(want, dict):
        if got.keys() != want.keys():
            return Mismatch("keys", f"{_subject(where)} has keys {sorted(got)}, expected "
                                    f"{sorted(want)}", where)
        for key in want:
            found = structure(got[key], want[key], f"{where} {key}".strip())
            if found:
                return found
    return None


def _close(got, want, atol: float, rtol: float, exact: bool) -> bool:
    if exact:
        return bool(np.array_equal(got, want))
    return bool(_allclose(got, want, atol=atol, rtol=rtol, equal_nan=True))


def _exact(value) -> bool:
    if isinstance(value, _Tensor):
        return not (value.is_floating_point() or value.is_complex())
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biu"
    if isinstance(value, list):
        return all(type(v) is int for v in value)
    return type(value) is not float


def values(got, want, atol: float, rtol: float, where: str = "",
           names: tuple = ()) -> Mismatch | None:
    """The first difference in values, once ``structure`` found none (arguments as there)."""
    if numeric(want) and numeric(got):
        g, w = array(got), array(want)
        if g.shape == w.shape and _close(g, w, atol, rtol, _exact(want)):
            return None
        if g.ndim == 0 or g.size == 1:
            text = f"{_subject(where)} is {_show(g)}, expected {_show(w)}"
        else:
            gap = np.abs(g - w)
            gap[np.isnan(gap)] = np.inf
            spot = np.unravel_index(int(np.argmax(gap)), gap.shape)
            text = (f"{_subject(where)} differs from the expected values (at index "
                    f"{_index(spot)}: {_show(g[spot])} instead of {_show(w[spot])})")
        return Mismatch("values", text, where, g, w)
    if isinstance(want, Obj):
        return values(got.fields, want.fields, atol, rtol, where)
    if isinstance(want, (list, tuple)):
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            found = values(g, w, atol, rtol, _item(index, where, want, names))
            if found:
                return found
        return None
    if isinstance(want, dict):
        for key in want:
            found = values(got[key], want[key], atol, rtol, f"{where} {key}".strip())
            if found:
                return found
        return None
    if got != want:
        return Mismatch("values", f"{_subject(where)} is {got!r}, expected {want!r}", where)
    return None


def _index(spot: tuple) -> str:
    return str(int(spot[0])) if len(spot) == 1 else str(tuple(int(i) for i in spot))


def _show(number) -> str:
    number = float(np.asarray(number).reshape(-1)[0])
    if math.isfinite(number) and number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.4g}"
