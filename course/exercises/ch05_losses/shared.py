"""What several chapter 5 specs share: loss cases' sizes, side calls observed as plain data.

The side calls run the student's own function once more (an unknown option, a part of the
input, the gradient of its result) and record what happened as plain data; the judge compares
that with the solution's record of the same calls.
"""

import torch

from course.check.values import to_plain

CHAPTER = "ch05_losses"
DETACHED = "no gradient: the result is not connected to the input by autograd"


def raised(call) -> str:
    """``"raised ValueError"`` when ``call()`` raises, else ``"returned"``."""
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the student's function may raise anything
        return f"raised {type(error).__name__}"
    return "returned"


def gradient(function, args: tuple, index: int):
    """d function(*args) / d args[index] (a copy that requires grad), or ``DETACHED``."""
    inputs = list(args)
    tracked = inputs[index].detach().clone().requires_grad_(True)
    inputs[index] = tracked
    with torch.enable_grad():
        result = function(*inputs)
        if not isinstance(result, torch.Tensor) or not result.requires_grad \
                or result.numel() != 1:
            return DETACHED
        (found,) = torch.autograd.grad(result, tracked, allow_unused=True)
    return DETACHED if found is None else to_plain(found)


def tensors(observation, reference):
    """(got, want) when both results are tensors of one shape, else (None, None)."""
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape and got.dtype == want.dtype:
        return got, want
    return None, None


def close(got, want, atol: float = 1e-5, rtol: float = 1e-4) -> bool:
    """Same shape and values within tolerances (NaN never equals a number)."""
    return isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
        and got.shape == want.shape and torch.allclose(got.double(), want.double(), atol=atol,
                                                       rtol=rtol)


def wrong_only_beyond(label: str):
    """An explanation factory: the side value ``label`` is right but the result is not."""
    def check(case, observation, reference):
        part, expected = observation.get("extra", {}).get(label), reference["extra"][label]
        got, want = observation.get("value"), reference.get("value")
        return close(part, expected) and not close(got, want)
    return check


def nonfinite(observation, reference) -> str | None:
    """"inf" or "nan" when the result holds it and the expected one is finite."""
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, torch.Tensor) or not isinstance(want, torch.Tensor) \
            or not bool(want.isfinite().all()) or not got.is_floating_point():
        return None
    if bool(got.isnan().any()):
        return "nan"
    if bool(got.isinf().any()):
        return "inf"
    return None
