"""Call a student's function on one case and observe what it did, as plain data.

The observation says how the call ended (returned, raised, not solved, called a forbidden
built-in), what it returned, which arguments it changed (values, ``requires_grad``, ``.grad``),
whether the result is attached to the autograd graph, which argument object it returned, what a
second call with equal arguments returned, and the spec's own extra observations. Only plain
data goes into it (``values.to_plain``), so it can cross a process boundary; the student's own
exception object is kept beside it, for the traceback in their notebook.
"""

import importlib
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from course.check.spec import Case, Exercise
from course.check.values import Obj, to_plain

PROBE_SEEDS = (20_241, 77_003)  # the global RNG's seed before the first and the second call
_MISSING = object()
_equal = torch.equal
_isnan = torch.isnan
_array_equal = np.array_equal


class ForbiddenCall(BaseException):
    """Raised by a forbidden built-in during a probe (``except Exception`` does not catch it)."""


@dataclass
class Probed:
    """An observation (plain data) and, when the student's code raised, the exception itself."""

    observation: dict
    error: BaseException | None = None


def _owner(dotted: str):
    """(object, attribute) for a dotted name such as ``torch.Tensor.backward``."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:-1]:
            owner = getattr(owner, part)
        return owner, parts[-1]
    raise ValueError(f"cannot resolve {dotted!r}")


@contextmanager
def forbid(names: tuple[str, ...], calls: list[str]):
    """Replace each named built-in by a trap that records the call and raises ForbiddenCall."""
    patched = []
    try:
        for name in names:
            owner, attribute = _owner(name)
            original = vars(owner).get(attribute, _MISSING)

            def trap(*args, _name=name, **kwargs):
                calls.append(_name)
                raise ForbiddenCall(_name)

            setattr(owner, attribute, trap)
            patched.append((owner, attribute, original))
        yield
    finally:
        for owner, attribute, original in reversed(patched):
            if original is _MISSING:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)


def fresh(value):
    """An independent copy of a plain input (tensors keep ``requires_grad``)."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad)
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [fresh(item) for item in value]
    if isinstance(value, tuple):
        return tuple(fresh(item) for item in value)
    if isinstance(value, dict):
        return {key: fresh(item) for key, item in value.items()}
    return value


def same(a, b) -> bool:
    """Exactly equal plain data (NaN equals NaN; dtype, shape and container kinds count)."""
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        if a.is_floating_point() or a.is_complex():
            return bool(_equal(_isnan(a), _isnan(b)) and _equal(a.nan_to_num(0), b.nan_to_num(0)))
        return bool(_equal(a, b))
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and bool(
            _array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)) and type(a) is type(b):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, Obj) or isinstance(b, Obj):
        return type(a) is type(b) and a.type == b.type and same(a.fields, b.fields)
    return type(a) is type(b) and (a == b or (a != a and b != b))


def _watchable(value) -> bool:
    return isinstance(value, (torch.Tensor, np.ndarray)) or (
        isinstance(value, list) and all(isinstance(v, (torch.Tensor, np.ndarray)) for v in value))


def _grad_state(value) -> dict | None:
    if not isinstance(value, torch.Tensor):
        return None
    return {"requires_grad": value.requires_grad,
            "grad": None if value.grad is None else to_plain(value.grad)}


def _grad_change(before: dict, after: dict) -> dict:
    return {"requires_grad_before": before["requires_grad"], **after}


def _attached(value) -> bool:
    """True when any tensor in ``value`` requires grad or was made by a graph node."""
    if isinstance(value, torch.Tensor):
        return value.requires_grad or value.grad_fn is not None
    if isinstance(value, (list, tuple)):
        return any(_attached(item) for item in value)
    if isinstance(value, dict):
        return any(_attached(item) for item in value.values())
    return False


def _call(exercise: Exercise, function, case: Case, rng_seed: int, full: bool):
    args = tuple(fresh(arg) for arg in case.args)
    if exercise.build:
        args = tuple(exercise.build(args))
    names = exercise.params
    before = {i: (to_plain(arg), _grad_state(arg)) for i, arg in enumerate(args)
              if _watchable(arg)}
    torch.default_generator.manual_seed(rng_seed)  # the CPU generator only: cheap
    calls: list[str] = []
    try:
        with forbid(exercise.contract.forbidden, calls):
            result = function(*args)
        if not calls:
            value = exercise.convert(result, args) if exercise.convert else to_plain(result)
    except NotImplementedError:
        return {"outcome": "not_solved"}, None
    except ForbiddenCall as error:
        return {"outcome": "forbidden", "name": str(error)}, None
    except Exception as error:  # noqa: BLE001 - the student's own bug, reported as such
        text = str(error).strip()
        return {"outcome": "raised", "type": type(error).__name__,
                "message": text.splitlines()[0][:300] if text else ""}, error
    if calls:  # the student's code caught the trap's exception: it was still called
        return {"outcome": "forbidden", "name": calls[0]}, None
    observation = {"outcome": "returned", "value": value}
    if not full:
        return observation, None
    after, grads = {}, {}
    for index, (plain_before, grad_before) in before.items():
        name = names[index] if index < len(names) else f"argument {index + 1}"
        if not same(to_plain(args[index]), plain_before):
            after[name] = to_plain(args[index])
        grad_after = _grad_state(args[index])
        if grad_after is not None and not same(grad_after, grad_before):
            grads[name] = _grad_change(grad_before, grad_after)
    observation.update(after=after, grads=grads, graph=_attached(result),
                       returned=next((names[i] for i, arg in enumerate(args)
                                      if result is arg and i < len(names)), None))
    if exercise.observe:
        try:
            observation["extra"] = exercise.observe(function, result, args, case)
        except NotImplementedError:  # a method of the returned object is still the stub
            return {"outcome": "not_solved"}, None
        except Exception as error:  # noqa: BLE001 - e.g. the returned object broke when used
            text = str(error).strip()
            return {"outcome": "raised", "type": type(error).__name__,
                    "message": text.splitlines()[0][:300] if text else ""}, error
    return observation, None


def probe(exercise: Exercise, function, case: Case) -> Probed:
    """Call ``function`` on ``case`` (twice when the contract asks for determinism) and observe.

    Args:
        exercise: the spec (probe hooks and contract).
        function: the student's function (or the solution, when references are recorded).
        case: the input.

    Returns:
        ``Probed``: the observation (plain data) and the student's exception, if any.
    """
    rng_state = torch.get_rng_state()
    grad_mode, default_dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    try:
        observation, error = _call(exercise, function, case, PROBE_SEEDS[0], full=True)
        if observation["outcome"] == "returned" and exercise.contract.deterministic:
            second, _ = _call(exercise, function, case, PROBE_SEEDS[1], full=False)
            observation["second"] = second
    finally:
        torch.set_rng_state(rng_state)
        torch.set_grad_enabled(grad_mode)
        torch.set_default_dtype(default_dtype)
    return Probed(observation, error)
