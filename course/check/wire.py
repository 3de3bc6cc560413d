"""Plain data as JSON text and back, deterministically and without pickle.

Tensors and arrays travel as dtype, shape and the base64 of their little-endian bytes; tuples,
``Obj`` and non-finite floats get a tagged object. The same observation always gives the same
text, so a rebuilt reference file is byte-identical when nothing changed.
"""

import base64
import hashlib
import json
import math

import numpy as np
import torch

from course.check.values import Obj

TORCH_DTYPES = {name: getattr(torch, name) for name in (
    "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
    "float64", "complex64", "complex128")}
_TAGS = ("__tensor__", "__ndarray__", "__tuple__", "__object__", "__float__", "__dict__")


def _tensor_bytes(tensor: torch.Tensor) -> bytes:
    tensor = tensor.detach().to("cpu").contiguous()
    if tensor.dtype == torch.bfloat16:  # NumPy has no bfloat16: ship the raw 16-bit words
        tensor = tensor.view(torch.int16)
    array = tensor.numpy()
    return array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()


def encode(value):
    """``value`` (plain data) as a JSON-ready structure; ``TypeError`` for anything else."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, torch.Tensor):
        name = str(value.dtype).removeprefix("torch.")
        if name not in TORCH_DTYPES:
            raise TypeError(f"tensor dtype {name} cannot be sent")
        spec = {"dtype": name, "shape": list(value.shape),
                "data": base64.b64encode(_tensor_bytes(value)).decode()}
        if value.requires_grad:  # a case's input that must arrive requiring grad
            spec["requires_grad"] = True
        return {"__tensor__": spec}
    if type(value) is np.ndarray and value.dtype != object:
        little = value.astype(value.dtype.newbyteorder("<"), copy=False)
        return {"__ndarray__": {"dtype": little.dtype.str, "shape": list(value.shape),
                                "data": base64.b64encode(np.ascontiguousarray(little).tobytes())
                                .decode()}}
    if isinstance(value, Obj):
        return {"__object__": value.type, "fields": encode(value.fields)}
    if type(value) is list:
        return [encode(item) for item in value]
    if type(value) is tuple:
        return {"__tuple__": [encode(item) for item in value]}
    if type(value) is dict and all(type(key) is str for key in value):
        encoded = {key: encode(item) for key, item in value.items()}
        return {"__dict__": encoded} if any(key in _TAGS for key in value) else encoded
    raise TypeError(f"not plain data: {type(value).__name__}")


def _tensor(spec: dict) -> torch.Tensor:
    dtype = TORCH_DTYPES[spec["dtype"]]
    raw = bytearray(base64.b64decode(spec["data"]))
    carrier = torch.int16 if dtype == torch.bfloat16 else dtype
    shape = [int(size) for size in spec["shape"]]
    # the data must hold exactly the shape's elements: a forged shape allocates nothing
    if any(size < 0 for size in shape) or math.prod(shape) * dtype.itemsize != len(raw):
        raise ValueError(f"tensor data of {len(raw)} bytes does not fit shape {shape}")
    if raw:
        flat = torch.frombuffer(raw, dtype=carrier)  # little-endian hosts only (x86, ARM)
        tensor = flat.view(dtype).reshape(shape).clone()
    else:
        tensor = torch.empty(shape, dtype=dtype)
    return tensor.requires_grad_(True) if spec.get("requires_grad") else tensor


def decode(data):
    """The plain value that ``encode`` turned into ``data``."""
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "__tensor__" in data:
        return _tensor(data["__tensor__"])
    if "__ndarray__" in data:
        spec = data["__ndarray__"]
        raw = base64.b64decode(spec["data"])
        return np.frombuffer(raw, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"]).copy()
    if "__tuple__" in data:
        return tuple(decode(item) for item in data["__tuple__"])
    if "__object__" in data:
        return Obj(data["__object__"], decode(data["fields"]))
    if "__float__" in data:
        return float(data["__float__"])
    if "__dict__" in data:
        data = data["__dict__"]
    return {key: decode(item) for key, item in data.items()}


def dumps(value) -> str:
    """Deterministic JSON text of plain data (sorted keys)."""
    return json.dumps(encode(value), sort_keys=True, separators=(",", ":"))


def loads(text: str):
    """Plain data back from ``dumps`` text."""
    return decode(json.loads(text))


def fingerprint(value) -> str:
    """A short hash of plain data: equal for equal inputs on any run of the same code."""
    return hashlib.sha256(dumps(value).encode()).hexdigest()[:16]
