"""Self-checks for exercises, the notebook's one entry point (``from course import checks``).

Converted chapters call ``exercise("dice_rolls", dice_rolls)`` in each test cell (the checker in
``course.check``: a contract, generated cases and a probe per exercise, one line on a failure),
``setup_notebook()`` in their first code cell and ``progress()`` in their last one.

The helpers below (``check_tensor``, ``check_close``, ...) serve the chapters not converted yet
and the demos. A failed check raises ``CheckFailure`` (an ``AssertionError``, so nbgrader scores
the cell 0) with its message; IPython shows it as the one line ``✗ <message>`` instead of a
traceback (never on stderr: nbgrader scores any stderr output as 0), so a test cell stops at the
first problem and the student sees what went wrong and what to try.

Comparisons run on detached CPU float64 copies with NumPy functions captured when this module
is imported, so code that later replaces ``torch.allclose`` cannot make a wrong answer pass.
"""

import math
import sys

import numpy as np
import torch

from course.check import notebook as _notebook
from course.check import progress as _progress
from course.check import runner as _runner
from course.check.render import CheckFailure, NotSolved
from course.quiet import no_progress_bars

__all__ = ["CheckFailure", "NotSolved", "exercise", "progress", "setup_notebook", "check",
           "check_close", "check_dtype", "check_raises", "check_shape", "check_tensor",
           "check_type", "fail", "passed"]

_allclose = np.allclose
_asarray = np.asarray
_max = np.max
_abs = np.abs
_Tensor = torch.Tensor


def fail(message: str):
    """Raise ``CheckFailure(message)``: one ``✗ <message>`` line in a notebook, no traceback."""
    __tracebackhide__ = True  # noqa: F841 - pytest and IPython hide this frame
    raise CheckFailure(message)


def check(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is true."""
    if not condition:
        fail(message)


def passed(name: str) -> None:
    """Print the message that ends a test cell whose visible checks all passed."""
    print(f"✓ {name}: all visible checks passed.")


def _with_hint(message: str, hint: str | None) -> str:
    return f"{message}: {hint}" if hint else message


def _numpy(value) -> np.ndarray:
    if isinstance(value, _Tensor):
        return value.detach().to("cpu", torch.float64).numpy()
    return _asarray(value, dtype=np.float64)


def _same_values(actual, expected, atol: float, rtol: float) -> bool:
    a, e = _numpy(actual), _numpy(expected)
    return a.shape == e.shape and bool(_allclose(a, e, atol=atol, rtol=rtol, equal_nan=True))


def check_type(value, expected_type, name: str, hint: str | None = None) -> None:
    """Fail unless ``value`` is an instance of ``expected_type``.

    Args:
        value: what the student's code returned.
        expected_type: a type or tuple of types.
        name: how the message names the value, e.g. ``"make_grid(3)"``.
        hint: what to try, appended to the message.
    """
    if not isinstance(value, expected_type):
        wanted = getattr(expected_type, "__name__", str(expected_type))
        fail(_with_hint(f"{name} should be a {wanted}, got {type(value).__name__}", hint))


def check_shape(tensor, expected_shape, name: str, hint: str | None = None) -> None:
    """Fail unless ``tensor`` is a tensor of shape ``expected_shape``.

    Args:
        tensor: the tensor to check.
        expected_shape: a tuple such as ``(4, 1)``.
        name: how the message names the tensor.
        hint: what to try, e.g. ``"did you reshape the target with view(-1, 1)?"``.
    """
    check_type(tensor, _Tensor, name)
    got, want = tuple(tensor.shape), tuple(expected_shape)
    if got != want:
        fail(_with_hint(f"{name}: expected shape {want}, got {got}", hint))


def check_dtype(tensor, expected_dtype: torch.dtype, name: str, hint: str | None = None) -> None:
    """Fail unless ``tensor`` has dtype ``expected_dtype`` (e.g. ``torch.float32``)."""
    check_type(tensor, _Tensor, name)
    if tensor.dtype != expected_dtype:
        fail(_with_hint(f"{name}: expected dtype {expected_dtype}, got {tensor.dtype}", hint))


def _diagnose(actual, mistakes: dict | None, atol: float, rtol: float) -> str | None:
    """Return the hint of the first known mistake whose value ``actual`` reproduces."""
    for hint, wrong_value in (mistakes or {}).items():
        try:
            if _same_values(actual, wrong_value, atol, rtol):
                return hint
        except (TypeError, ValueError, RuntimeError):
            continue
    return None


def check_tensor(actual, expected, name: str = "result", *, atol: float = 1e-6,
                 rtol: float = 1e-5, dtype: bool = True, mistakes: dict | None = None,
                 hint: str | None = None) -> None:
    """Compare a tensor with the expected one: type, shape, dtype, then values.

    Args:
        actual: the student's tensor.
        expected: the reference tensor (computed by the course or by torch itself).
        name: how the message names the value.
        atol, rtol: tolerances of the value comparison.
        dtype: whether the dtypes must match exactly.
        mistakes: maps a hint to the value a common wrong answer produces; when ``actual``
            equals one of them the message names that bug instead of a generic mismatch.
        hint: what to try when the values differ and no known mistake matches.
    """
    check_type(actual, _Tensor, name, hint="return a torch.Tensor, not a list or NumPy array")
    if tuple(actual.shape) != tuple(expected.shape):
        known = _diagnose(actual, mistakes, atol, rtol)
        fail(_with_hint(f"{name}: expected shape {tuple(expected.shape)}, "
                        f"got {tuple(actual.shape)}", known or hint))
    if dtype and actual.dtype != expected.dtype:
        fail(_with_hint(f"{name}: expected dtype {expected.dtype}, got {actual.dtype}", hint))
    if not _same_values(actual, expected, atol, rtol):
        known = _diagnose(actual, mistakes, atol, rtol)
        worst = float(_max(_abs(_numpy(actual) - _numpy(expected)))) if actual.numel() else 0.0
        fail(_with_hint(f"{name}: values differ from the expected ones "
                        f"(largest difference {worst:.3g})", known or hint))


def check_close(actual, expected: float, name: str = "result", *, atol: float = 1e-6,
                rtol: float = 1e-5, mistakes: dict | None = None, hint: str | None = None) -> None:
    """Compare a Python number (or one-element tensor) with the expected number.

    Args:
        actual: the student's number; a one-element tensor is accepted and converted.
        expected: the reference number.
        name: how the message names the value.
        atol, rtol: tolerances.
        mistakes: maps a hint to the number a common wrong answer produces.
        hint: what to try when no known mistake matches.
    """
    if isinstance(actual, _Tensor):
        check(actual.numel() == 1, f"{name}: expected a single number, got a tensor of "
                                   f"shape {tuple(actual.shape)}")
        actual = actual.item()
    check_type(actual, (int, float), name, hint="return a Python number (use .item())")
    if not math.isfinite(actual) or not _same_values(actual, expected, atol, rtol):
        known = _diagnose(actual, mistakes, atol, rtol)
        fail(_with_hint(f"{name}: expected {expected:.6g}, got {actual:.6g}", known or hint))


def check_raises(function, exception: type, name: str, hint: str | None = None) -> None:
    """Fail unless calling ``function()`` raises ``exception``."""
    try:
        function()
    except NotImplementedError:
        if issubclass(exception, NotImplementedError):
            return
        raise  # an unsolved exercise's stub (a RuntimeError too): never a pass or a wrong error
    except exception:
        return
    except Exception as error:  # noqa: BLE001 - the message names the wrong exception
        fail(_with_hint(f"{name}: expected {exception.__name__}, "
                        f"got {type(error).__name__}: {error}", hint))
    fail(_with_hint(f"{name}: expected {exception.__name__}, but nothing was raised", hint))


def exercise(name: str, function, cases: str = "visible", seed: int | None = None) -> None:
    """Check ``function`` as the exercise called ``name``: one ✓ line, or one line that explains.

    Args:
        name: the exercise's name, e.g. ``"dice_rolls"``.
        function: the function you wrote.
        cases: ``"visible"`` (the checks in your notebook) or ``"hidden"`` (the grader's).
        seed: the seed of the hidden cases.

    Raises:
        NotSolved: the exercise still raises NotImplementedError.
        CheckFailure: a check failed; the message names the smallest input and the mistake.
    """
    __tracebackhide__ = True  # noqa: F841 - IPython hides this frame in tracebacks
    with no_progress_bars():  # a bar the function draws would show once per case
        _runner.run_exercise(name, function, cases=cases, seed=seed)


def progress(chapter: str | None = None) -> None:
    """Print the chapter's exercises with their status (visible checks re-run quietly)."""
    with no_progress_bars():
        found = _progress.table(sys._getframe(1).f_globals, chapter)
    print(found + "\n", end="")


def setup_notebook(chapter: str | None = None) -> None:
    """Show an unsolved exercise in one line when a cell needs it (IPython only).

    Args:
        chapter: the notebook's chapter, e.g. ``"ch08_capstone"`` (needed by the chapters whose
            tests do not use ``exercise`` yet).
    """
    _notebook.setup(chapter)
