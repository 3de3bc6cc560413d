"""The plain data a probe returns: tensors, arrays, numbers, strings, lists, tuples, dicts, ``Obj``.

``to_plain`` turns whatever a student's function returned into that vocabulary (an arbitrary
object becomes an ``Obj`` naming its type), ``kind`` names a value for messages, and ``show``
writes a short description of an input ("a (4, 5, 3) uint8 tensor").
"""

from dataclasses import dataclass, field

import numpy as np
import torch

_Tensor = torch.Tensor
MAX_DEPTH = 6
SHOW_ELEMENTS = 8


@dataclass(frozen=True)
class Obj:
    """An object that is not plain data, described by its type name and plain ``fields``."""

    type: str
    fields: dict = field(default_factory=dict)


def type_name(value) -> str:
    """``torch.Tensor``-style qualified name of ``value``'s type (builtins stay short)."""
    kind = type(value)
    module = kind.__module__
    if module == "builtins":
        return kind.__qualname__
    return f"{module.split('.')[0] if module.startswith('numpy') else module}.{kind.__qualname__}"


def to_plain(value, depth: int = 0):
    """A plain copy of ``value``: tensors detached, cloned and on the CPU, arrays copied.

    Args:
        value: anything a student's function returned.
        depth: nesting level (containers deeper than ``MAX_DEPTH`` become an ``Obj``).

    Returns:
        Plain data that no later change to ``value`` can alter.
    """
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, _Tensor):
        if value.layout is not torch.strided or value.is_quantized:
            return Obj(f"{type_name(value)} ({value.layout})")
        return value.detach().to("cpu").clone()
    if type(value) is np.ndarray:
        return value.copy() if value.dtype != object else Obj("numpy.ndarray of objects")
    if isinstance(value, np.generic):
        return Obj(type_name(value), {"value": value.item()})
    if depth >= MAX_DEPTH:
        return Obj(type_name(value))
    if type(value) is list:
        return [to_plain(item, depth + 1) for item in value]
    if type(value) is tuple:
        return tuple(to_plain(item, depth + 1) for item in value)
    if type(value) is dict and all(type(key) is str for key in value):
        return {key: to_plain(item, depth + 1) for key, item in value.items()}
    return Obj(type_name(value))


def kind(value) -> str:
    """How a message names the kind of ``value``: "a tensor", "a Python float", "None", ..."""
    if value is None:
        return "None"
    if isinstance(value, _Tensor):
        return "a tensor"
    if isinstance(value, np.ndarray):
        return "a NumPy array"
    if isinstance(value, Obj):
        return f"a {value.type}"
    names = {bool: "a bool", int: "a Python int", float: "a Python float", str: "a string",
             list: "a list", tuple: "a tuple", dict: "a dict"}
    return names.get(type(value), f"a {type_name(value)}")


def dtype_name(value) -> str:
    """``float32`` for a float32 tensor or array."""
    return str(value.dtype).removeprefix("torch.")


def shape_text(shape) -> str:
    """``(4, 1)``, ``(3,)`` or ``()``."""
    shape = tuple(int(size) for size in shape)
    return f"({shape[0]},)" if len(shape) == 1 else str(shape)


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def show(value) -> str:
    """A short description of an input value for a one-line message."""
    if isinstance(value, (_Tensor, np.ndarray)):
        what = "tensor" if isinstance(value, _Tensor) else "array"
        count = value.numel() if isinstance(value, _Tensor) else value.size
        if 0 < count <= SHOW_ELEMENTS and value.ndim <= 2:
            return f"{what}({_compact(value.tolist())}, {dtype_name(value)})"
        return f"a {shape_text(value.shape)} {dtype_name(value)} {what}"
    if isinstance(value, list) and value and all(isinstance(v, _Tensor) for v in value):
        shapes = {shape_text(v.shape) for v in value}
        inner = shapes.pop() if len(shapes) == 1 else "mixed-shape"
        return f"a list of {len(value)} {inner} tensors"
    if isinstance(value, (list, tuple)):
        return _compact(list(value)) if len(value) <= SHOW_ELEMENTS else f"a list of {len(value)}"
    if isinstance(value, Obj):
        return value.type
    return _number(value) if not isinstance(value, str) else repr(value)


def _compact(values) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_compact(v) for v in values) + "]"
    return _number(values)
