"""The verdict on one case: ``judge(contract, case, observation, reference)``, Failure or None.

A pure function of plain data: it runs in the student's kernel for the visible checks and can
run in the grader, outside it. Order: not solved, a forbidden built-in, an exception the
solution raises too (a case that must raise passes on the same type), the student's own
exception, then the contract (kind, dtype and shape of the result, inputs left alone or changed
in place as asked, gradients, graph, second call, the returned object), then the values, then
the spec's extra observations. A shape or value mismatch goes through the exercise's own
explanations first, then the generic diagnosis.
"""

from dataclasses import dataclass

import torch

from course.check import compare, diagnose
from course.check.spec import Case, Contract
from course.check.values import dtype_name
from course.check.values import kind as value_kind


@dataclass
class Failure:
    """What failed on one case: its kind, a one-line finding, whether it names the mistake
    (``specific``) and whether a diagnosis explained it beyond a bare shape (``explained``)."""

    kind: str
    text: str
    specific: bool = True
    explained: bool = True


def _name(contract: Contract, index: int) -> str:
    return contract.params[index] if index < len(contract.params) else f"argument {index + 1}"


def _stacked(value) -> tuple | None:
    """(length, *shape) of a non-empty list or tuple of tensors of one shape, else None."""
    if not isinstance(value, list | tuple) or not value or not all(
            isinstance(v, torch.Tensor) for v in value):
        return None
    shapes = {tuple(v.shape) for v in value}
    return (len(value), *shapes.pop()) if len(shapes) == 1 else None


def context(contract: Contract, case: Case) -> diagnose.Context:
    """What the diagnosis may use about ``case``: named sizes and the inputs' shapes."""
    shapes = tuple((_name(contract, i), tuple(arg.shape)) for i, arg in enumerate(case.args)
                   if isinstance(arg, torch.Tensor))
    stacked = tuple((_name(contract, i), _stacked(arg)) for i, arg in enumerate(case.args)
                    if _stacked(arg) is not None)
    sizes = contract.sizes(case) if contract.sizes else {}
    return diagnose.Context(sizes, contract.reductions, shapes, stacked_shapes=stacked,
                            atol=contract.atol, rtol=contract.rtol)


def _own_explanation(contract: Contract, case: Case, observation, reference) -> str | None:
    for explanation in contract.explanations:
        try:
            found = explanation(case, observation, reference)
        except Exception:  # noqa: BLE001 - an explanation that does not apply must not crash
            found = None
        if found:
            return found
    return None


def _input_dtype(contract: Contract, case: Case, dtype: str) -> str:
    for index, arg in enumerate(case.args):
        if isinstance(arg, torch.Tensor) and dtype_name(arg) == dtype and index < len(
                contract.params):
            return f" (the dtype of `{contract.params[index]}`)"
    return ""


def _explained(mismatch: compare.Mismatch, contract: Contract, case: Case, observation,
               reference) -> Failure:
    own = _own_explanation(contract, case, observation, reference)
    if own:
        return Failure(mismatch.kind, own)
    if mismatch.kind == "dtype" and isinstance(reference.get("value"), torch.Tensor):
        wanted = mismatch.text.rsplit(" ", 1)[-1]
        return Failure("dtype", mismatch.text + _input_dtype(contract, case, wanted))
    if mismatch.got is not None and mismatch.want is not None:
        found = diagnose.explain(mismatch.got, mismatch.want, context(contract, case))
        if found:
            if mismatch.kind in ("shape", "length"):
                return Failure(mismatch.kind, f"{mismatch.text}: {found}")
            return Failure(mismatch.kind, f"{mismatch.where}: {found}" if mismatch.where else found)
    return Failure(mismatch.kind, mismatch.text, mismatch.kind != "values", explained=False)


def _compare(got, want, where: str, contract: Contract, case: Case, observation, reference):
    mismatch = compare.structure(got, want, where) or compare.values(
        got, want, contract.atol, contract.rtol, where)
    return _explained(mismatch, contract, case, observation, reference) if mismatch else None


def _inputs(contract: Contract, observation, reference) -> Failure | None:
    changed, expected = observation.get("after", {}), reference.get("after", {})
    for name in changed:
        if name not in contract.modifies:
            return Failure("modified", f"modified its input `{name}` in place; it must leave "
                                       "its inputs as they were (work on a copy)")
    for name in contract.modifies:
        if name in expected and name not in changed:
            return Failure("in_place", f"should change `{name}` in place, but `{name}` is "
                                       "unchanged after the call")
    wanted = contract.returns_argument
    if wanted and reference.get("returned") == wanted and observation.get("returned") != wanted:
        return Failure("in_place", f"should return `{wanted}` itself (the object it changed in "
                                   "place), not a new object")
    return None


def _gradients(observation, reference) -> Failure | None:
    grads, expected = observation.get("grads", {}), reference.get("grads", {})
    for name, state in grads.items():
        if name in expected:
            continue
        if state["requires_grad"] != state["requires_grad_before"]:
            return Failure("gradient", f"changed requires_grad of the caller's `{name}` to "
                                       f"{state['requires_grad']}; work on a copy "
                                       f"(`{name}.detach().clone()`)")
        return Failure("gradient", f"left a gradient in the caller's `{name}.grad`; it must "
                                   "stay as it was")
    for name in expected:
        if name not in grads:
            return Failure("gradient", f"should leave the new gradient in `{name}.grad`, but "
                                       f"`{name}.grad` is unchanged")
    return None


def _second_call(contract: Contract, observation) -> Failure | None:
    second = observation.get("second")
    if second is None:
        return None
    hint = f" ({contract.second_call_hint})" if contract.second_call_hint else ""
    if second.get("outcome") != "returned":
        what = second.get("type", second.get("outcome"))
        return Failure("second_call", f"a second call with the same arguments raised {what}"
                                      f"{hint}")
    first = observation["value"]
    if compare.structure(second["value"], first) or compare.values(
            second["value"], first, contract.atol, contract.rtol):
        return Failure("second_call", "a second call with the same arguments returned a "
                                      f"different result{hint}")
    return None


def _expected_error(observation, reference) -> Failure | None:
    """A case on which the solution raises (e.g. TypeError for an integer tensor): the same
    exception type passes; anything else fails and says what was expected."""
    wanted = reference["type"]
    if observation.get("outcome") == "raised":
        if observation["type"] == wanted:
            return None
        message = f": {observation['message']}" if observation.get("message") else ""
        return Failure("raised", f"should raise {wanted} here, but raised "
                                 f"{observation['type']}{message}")
    return Failure("no_error", f"should raise {wanted} on this input, but returned "
                               f"{value_kind(observation.get('value'))}")


def judge(contract: Contract, case: Case, observation: dict, reference: dict) -> Failure | None:
    """The first failure of ``observation`` against ``reference`` on ``case``, or None.

    Args:
        contract: the exercise's contract.
        case: the input (plain data).
        observation: the probe's observation of the student's function.
        reference: the probe's observation of the instructor's solution on the same case.

    Returns:
        None when every check passes, else a ``Failure`` with a one-line finding.
    """
    outcome = observation.get("outcome")
    if outcome == "not_solved":
        return Failure("not_solved", "not solved yet")
    if outcome == "forbidden":
        name = observation["name"].removesuffix(".__init__")
        return Failure("forbidden", f"must not call {name} (this exercise is written by hand)")
    if reference.get("outcome") == "raised":
        return _expected_error(observation, reference)
    if outcome == "raised":
        message = f": {observation['message']}" if observation.get("message") else ""
        return Failure("raised", f"raised {observation['type']}{message}", specific=False)
    got, want = observation["value"], reference["value"]
    mismatch = compare.structure(got, want, names=contract.returns)
    if mismatch:
        return _explained(mismatch, contract, case, observation, reference)
    found = (_inputs(contract, observation, reference) or _gradients(observation, reference))
    if found:
        return found
    if not contract.graph and observation.get("graph") and not reference.get("graph"):
        return Failure("graph", "returned a tensor still attached to the autograd graph "
                                "(requires_grad=True): compute it under torch.no_grad() or "
                                "detach it")
    found = _second_call(contract, observation)
    if found:
        return found
    mismatch = compare.values(got, want, contract.atol, contract.rtol, names=contract.returns)
    if mismatch:
        return _explained(mismatch, contract, case, observation, reference)
    for name, expected in reference.get("after", {}).items():
        found = _compare(observation["after"][name], expected, f"`{name}` after the call",
                         contract, case, observation, reference)
        if found:
            return found
    for name, expected in reference.get("grads", {}).items():
        found = _compare(observation["grads"][name]["grad"], expected["grad"],
                         f"`{name}.grad` after the call", contract, case, observation, reference)
        if found:
            return found
    for label, expected in reference.get("extra", {}).items():
        found = _compare(observation.get("extra", {}).get(label), expected, label, contract,
                         case, observation, reference)
        if found:
            return found
    return None
