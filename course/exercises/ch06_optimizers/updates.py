"""Chapter 6, what a wrong one-step update rule produced: each explanation recomputes the step
with one common slip (the old state used for the move, the step's sign, swapped or unsquared
averages, Adam's correction off by one, corrected state returned, no square root) and fires
only when that reproduces every returned tensor the slip touches, and the result is wrong."""

import torch


def _returned(observation, reference):
    """(got, want): the returned tuples as float64 tensors, when both are tuples of tensors of
    the expected shapes and they differ; else None."""
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, tuple) or not isinstance(want, tuple) or len(got) != len(want):
        return None
    if not all(isinstance(g, torch.Tensor) and isinstance(w, torch.Tensor) and g.shape == w.shape
               for g, w in zip(got, want, strict=True)):
        return None
    got, want = [g.detach().double() for g in got], [w.double() for w in want]
    if all(_close(g, w) for g, w in zip(got, want, strict=True)):
        return None
    return got, want


def _close(got, want) -> bool:
    return bool(torch.allclose(got, want, atol=1e-6, rtol=1e-5, equal_nan=False))


def _args(case):
    return [a.double() if isinstance(a, torch.Tensor) else a for a in case.args]


def _sgd(case, stale=False, sign=1.0):
    param, grad, velocity, lr, momentum = _args(case)
    new_velocity = momentum * velocity + grad
    return param - sign * lr * (velocity if stale else new_velocity), new_velocity


def _adagrad(case, stale=False, sign=1.0):
    param, grad, total, lr, eps = _args(case)
    new_total = total + grad * grad
    return param - sign * lr * grad / ((total if stale else new_total).sqrt() + eps), new_total


def _rmsprop(case, swapped=False, unsquared=False, sign=1.0):
    param, grad, average, lr, alpha, eps = _args(case)
    keep = 1 - alpha if swapped else alpha
    new_average = keep * average + (1 - keep) * (grad if unsquared else grad * grad)
    return param - sign * lr * grad / (new_average.sqrt() + eps), new_average


def _adam(case, later=0, corrected_state=False, root=True, sign=1.0):
    param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps = _args(case)
    average = beta1 * exp_avg + (1 - beta1) * grad
    squares = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    t = step + later
    corrected, corrected_sq = average / (1 - beta1 ** t), squares / (1 - beta2 ** t)
    scale = corrected_sq.sqrt() if root else corrected_sq
    new_param = param - sign * lr * corrected / (scale + eps)
    if corrected_state:
        return new_param, corrected, corrected_sq
    return new_param, average, squares


def _matches(got, variant, items) -> bool:
    return all(_close(got[i], variant[i]) for i in items)


def _finder(name: str, rule, variant: dict, items: tuple, text: str):
    """An explanation called ``name``: it fires when ``rule(case, **variant)`` reproduces the
    returned tensors at ``items`` and the slip changes them on this case.

    Args:
        name: the explanation's name (its ``__name__``).
        rule: the step computed from a case's arguments, with the slip's keyword.
        variant: the keyword arguments that make ``rule`` commit the slip.
        items: the positions in the returned tuple the slip changes.
        text: the finding.

    Returns:
        ``explanation(case, observation, reference) -> str | None``.
    """
    def explanation(case, observation, reference):
        found = _returned(observation, reference)
        if found is None:
            return None
        got, want = found
        changed = rule(case, **variant)
        if any(_close(changed[i], want[i]) for i in items) or not _matches(got, changed, items):
            return None  # on this case the slip changes nothing it is judged by, or is not it
        return text
    explanation.__name__ = explanation.__qualname__ = name
    return explanation


STEP_SIGN = ("your `new_param` moved WITH the gradient, by the right amount: the sign of the "
             "step is flipped (a descent step goes against the gradient)")

sgd_sign = _finder("sgd_sign", _sgd, {"sign": -1.0}, (0,), STEP_SIGN)
adagrad_sign = _finder("adagrad_sign", _adagrad, {"sign": -1.0}, (0,), STEP_SIGN)
rmsprop_sign = _finder("rmsprop_sign", _rmsprop, {"sign": -1.0}, (0,), STEP_SIGN)
adam_sign = _finder("adam_sign", _adam, {"sign": -1.0}, (0,), STEP_SIGN)
stale_velocity = _finder(
    "stale_velocity", _sgd, {"stale": True}, (0,),
    "your `new_param` moved by lr × the velocity you were given, not by the new velocity: this "
    "step's gradient is missing from the move (update the velocity first; off by one step)")
stale_sum = _finder(
    "stale_sum", _adagrad, {"stale": True}, (0,),
    "your `new_param` divides by the sum of squares you were given, not by the new sum that "
    "includes this gradient's square (update the sum first; off by one step)")
alpha_swapped = _finder(
    "alpha_swapped", _rmsprop, {"swapped": True}, (1,),
    "your new square average gives the new squared gradient the weight alpha and the old "
    "average 1 - alpha: the weights are swapped (alpha is what the old average keeps)")
gradient_unsquared = _finder(
    "gradient_unsquared", _rmsprop, {"unsquared": True}, (1,),
    "your new square average averages the gradient itself, not the squared gradient "
    "(grad * grad): it can turn negative, and its square root nan")
correction_one_late = _finder(
    "correction_one_late", _adam, {"later": 1}, (0,),
    "your `new_param` is the step Adam takes at step + 1: the bias correction is off by one "
    "(the call's `step` already counts this update)")
corrected_state = _finder(
    "corrected_state", _adam, {"corrected_state": True}, (1, 2),
    "your `new_exp_avg` and `new_exp_avg_sq` are the bias-corrected averages: the state to "
    "return is the raw m and v, uncorrected (the correction only enters the parameter's step)")
no_square_root = _finder(
    "no_square_root", _adam, {"root": False}, (0,),
    "your `new_param` divides by the corrected average of squares itself, not by its square "
    "root (sqrt)")
