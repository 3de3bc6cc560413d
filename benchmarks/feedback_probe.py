"""Kernel-side helpers of the feedback benchmark (imported inside the notebook's kernel).

Around each wrong answer the harness calls ``begin`` (remember the notebook's state and the right
definitions), runs the wrong solution cell, calls ``prove`` (capture the wrong definitions and
evaluate the answer's witness: an expression that is True when the answer differs from the
solution on an input its docstring allows), runs the test cells, re-runs the right solution cell
and calls ``end`` (put the notebook's state back), so the next exercise sees an untouched notebook.
"""

import copy
import json
import math
import random
import types

import numpy as np
import torch
from torch import nn

MARKER = "@@feedback-probe "
_trial: dict = {}


def capture(namespace: dict, names: list[str]) -> types.SimpleNamespace:
    """The objects that ``names`` are bound to now, as attributes of a namespace."""
    return types.SimpleNamespace(**{n: namespace[n] for n in names if n in namespace})


# -- protecting the notebook's state ------------------------------------------------------------

def _tensors_of(value) -> list:
    """Tensors held by a binding, one level deep (containers, datasets, loaders)."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, torch.Tensor)]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, torch.Tensor)]
    dataset = getattr(value, "dataset", value)
    held = getattr(dataset, "tensors", None)
    return [v for v in held if isinstance(v, torch.Tensor)] if isinstance(held, tuple) else []


def _save_tensor(tensor: torch.Tensor) -> tuple:
    grad = tensor.grad.detach().clone() if tensor.is_leaf and tensor.grad is not None else None
    return tensor, tensor.detach().clone(), tensor.requires_grad, grad


def _restore_tensor(tensor, data, requires_grad, grad) -> None:
    # An untouched tensor is left alone: writing to a base (even through .data) forbids autograd
    # any use of its views made under no_grad (ch03: `weights_0 = layer.weight[0]`).
    try:
        with torch.no_grad():
            unchanged = (tensor.shape == data.shape and tensor.dtype == data.dtype
                         and torch.equal(tensor.detach(), data))
            if not unchanged:
                tensor.data = data.clone()
        if tensor.is_leaf:
            if tensor.requires_grad != requires_grad:
                tensor.requires_grad_(requires_grad)
            if tensor.grad is not None or grad is not None:
                tensor.grad = grad
    except RuntimeError:  # a no_grad view whose base was written: autograd refuses to touch it
        pass


def _save_module(module: nn.Module) -> tuple:
    parts = list(module.modules())
    return (module, {k: v.detach().clone() for k, v in module.state_dict().items()},
            [(m, m.training, dict(m._forward_hooks), dict(m._forward_pre_hooks)) for m in parts],
            [_save_tensor(p) for p in module.parameters()])


def _restore_module(module, state, parts, parameters) -> None:
    # only the entries that changed are written back: a write in place (even under no_grad)
    # forbids autograd any use of that tensor's views made under no_grad (ch03's
    # `weights_0 = layer.weight[0]`), so untouched weights must stay untouched
    current = module.state_dict()  # detached aliases of the parameters and buffers
    same_layout = current.keys() == state.keys() and all(
        current[k].shape == v.shape and current[k].dtype == v.dtype for k, v in state.items())
    with torch.no_grad():
        if not same_layout:
            module.load_state_dict(state)
        else:
            for key, saved in state.items():
                if not torch.equal(current[key], saved):
                    current[key].copy_(saved)
    for part, training, hooks, pre_hooks in parts:
        part.training = training
        part._forward_hooks.clear()
        part._forward_hooks.update(hooks)
        part._forward_pre_hooks.clear()
        part._forward_pre_hooks.update(pre_hooks)
    for saved in parameters:
        _restore_tensor(*saved)


def _save_state(namespace: dict) -> dict:
    tensors, arrays, modules, stateful = [], [], [], []
    for value in list(namespace.values()):
        if isinstance(value, nn.Module):
            modules.append(_save_module(value))
        elif isinstance(value, np.ndarray):
            arrays.append((value, value.copy()))
        elif isinstance(value, torch.Generator):
            stateful.append((value, value.get_state(), "generator"))
        elif hasattr(value, "state_dict") and hasattr(value, "load_state_dict") \
                and not isinstance(value, type):
            try:
                stateful.append((value, copy.deepcopy(value.state_dict()), "state_dict"))
            except Exception:  # noqa: BLE001 - an object whose state cannot be saved stays as is
                pass
        tensors += [_save_tensor(t) for t in _tensors_of(value)]
    return {"bindings": dict(namespace), "tensors": tensors, "arrays": arrays,
            "modules": modules, "stateful": stateful,
            "rng": (torch.get_rng_state(), np.random.get_state(), random.getstate()),
            "dtype": torch.get_default_dtype(), "grad": torch.is_grad_enabled()}


def _restore_state(namespace: dict, saved: dict) -> None:
    namespace.update(saved["bindings"])
    for entry in saved["tensors"]:
        _restore_tensor(*entry)
    for array, values in saved["arrays"]:
        if array.shape == values.shape and array.flags.writeable:
            array[...] = values
    for entry in saved["modules"]:
        _restore_module(*entry)
    for value, state, kind in saved["stateful"]:
        if kind == "generator":
            value.set_state(state)
        else:
            value.load_state_dict(copy.deepcopy(state))
    torch_rng, numpy_rng, python_rng = saved["rng"]
    torch.set_rng_state(torch_rng)
    np.random.set_state(numpy_rng)
    random.setstate(python_rng)
    torch.set_default_dtype(saved["dtype"])
    torch.set_grad_enabled(saved["grad"])


def begin(namespace: dict, names: list[str]) -> None:
    """Remember the notebook's state and the right definitions of ``names``."""
    _trial.clear()
    _trial.update(state=_save_state(namespace), names=names, right=capture(namespace, names))


def end(namespace: dict) -> None:
    """Put back the state ``begin`` remembered (call after re-running the right solution)."""
    _restore_state(namespace, _trial["state"])
    _trial.clear()


# -- proving an answer wrong --------------------------------------------------------------------

def same(a, b, rtol: float = 1e-5, atol: float = 1e-7) -> bool:
    """Whether two results are the same for a student: type, dtype, shape, values, grad flags."""
    if type(a) is not type(b) and not (isinstance(a, nn.Module) and isinstance(b, nn.Module)):
        return False
    if isinstance(a, torch.Tensor):
        return (a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
                and (a.grad is None) == (b.grad is None)
                and (a.grad is None or same(a.grad, b.grad, rtol, atol))
                and torch.allclose(a.detach().cpu().double(), b.detach().cpu().double(),
                                   rtol=rtol, atol=atol, equal_nan=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(
            np.allclose(a.astype(float), b.astype(float), rtol=rtol, atol=atol, equal_nan=True))
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=rtol, abs_tol=atol) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y, rtol, atol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], rtol, atol) for k in a)
    if isinstance(a, nn.Module):
        return repr(a) == repr(b) and same(dict(a.state_dict()), dict(b.state_dict()), rtol, atol)
    return a == b


def _observe(function, seed: int):
    """(result, exception type name) of ``function()`` with the global generator at ``seed``."""
    torch.manual_seed(seed)
    try:
        return function(), None
    except Exception as error:  # noqa: BLE001 - raising is an observable behaviour too
        return None, type(error).__name__


def differs_call(observe, seed: int = 0) -> bool:
    """Whether ``observe(implementation)`` differs between the right and the wrong answer.

    Args:
        observe: a function of the namespace holding one answer's definitions (``.name``)
            that returns what a caller would see (results, inputs after the call, ...).
        seed: the global generator's seed before each of the two observations.
    """
    rng = torch.get_rng_state()
    try:
        right, right_error = _observe(lambda: observe(_trial["right"]), seed)
        wrong, wrong_error = _observe(lambda: observe(_trial["wrong"]), seed)
    finally:
        torch.set_rng_state(rng)
    if right_error or wrong_error:
        return right_error != wrong_error
    return not same(right, wrong)


def differs(name: str, *args, **kwargs) -> bool:
    """Whether calling ``name(*args, **kwargs)`` differs: in the result or in the arguments after
    the call (each answer gets its own deep copy of the arguments)."""
    def observe(implementation):
        call_args, call_kwargs = copy.deepcopy((args, kwargs))
        result = getattr(implementation, name)(*call_args, **call_kwargs)
        return result, call_args, call_kwargs
    return differs_call(observe)


class ForbiddenCall(Exception):
    """Raised by a built-in that ``forbidden`` replaced."""


def forbidden(target, name: str, call):
    """``call()`` while ``target.name`` (e.g. ``torch.sigmoid``) raises ``ForbiddenCall``."""
    original = getattr(target, name)

    def refuse(*args, **kwargs):
        raise ForbiddenCall(f"{name} was called")

    setattr(target, name, refuse)
    try:
        return call()
    finally:
        setattr(target, name, original)


def linear(weight, bias=None) -> nn.Linear:
    """An ``nn.Linear`` holding the given weight (out, in) and bias (out,) (lists or tensors)."""
    weight = torch.as_tensor(weight, dtype=torch.float32)
    layer = nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias is not None:
            layer.bias.copy_(torch.as_tensor(bias, dtype=torch.float32))
    return layer


class GradModeSpy(nn.Module):
    """Wraps a module and records whether autograd was recording during each forward call."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module
        self.grad_enabled: list[bool] = []

    def forward(self, *inputs):
        self.grad_enabled.append(torch.is_grad_enabled())
        return self.module(*inputs)


def prove(namespace: dict, witness: str) -> None:
    """Capture the wrong definitions, evaluate ``witness`` and print the verdict for the harness.

    The witness sees the notebook's names plus ``right``, ``wrong`` (the two answers'
    definitions) and the helpers ``differs``, ``differs_call``, ``same``, ``forbidden``,
    ``linear`` and ``GradModeSpy``.
    """
    _trial["wrong"] = capture(namespace, _trial["names"])
    scope = dict(namespace, right=_trial["right"], wrong=_trial["wrong"], differs=differs,
                 differs_call=differs_call, same=same, forbidden=forbidden, linear=linear,
                 GradModeSpy=GradModeSpy)
    state = _save_state(namespace)
    try:
        verdict = {"proven": bool(eval(witness, scope)), "error": None}  # noqa: S307
    except Exception as error:  # noqa: BLE001 - a broken witness is reported, not fatal
        verdict = {"proven": False, "error": f"{type(error).__name__}: {error}"}
    finally:
        _restore_state(namespace, state)
    print(MARKER + json.dumps(verdict))
