"""What a student sees: a failed check in one line, an unsolved exercise in one line.

``CheckFailure`` and ``NotSolved`` are ``AssertionError``s, so nbgrader records an error and
scores the cell 0; IPython shows their ``_render_traceback_`` lines instead of a traceback into
the course's code.
"""

from course.check.judge import Failure
from course.check.spec import Case, Exercise
from course.check.values import show


class CheckFailure(AssertionError):
    """A failed check; shown as ``✗ <line>`` (and an optional second line), never a traceback."""

    def __init__(self, line: str, detail: str = ""):
        super().__init__(line)
        self.line = line
        self.detail = detail

    def _render_traceback_(self) -> list[str]:
        return [f"✗ {self.line}"] + ([f"  {self.detail}"] if self.detail else [])


class NotSolved(CheckFailure):
    """The exercise still raises the stub's NotImplementedError."""

    def __init__(self, exercise: Exercise):
        super().__init__(not_solved_line(exercise))


def not_solved_line(exercise: Exercise) -> str:
    """``Exercise 3 (`snapshot`) is not solved yet``."""
    return f"Exercise {exercise.number} (`{exercise.name}`) is not solved yet"


def call_text(exercise: Exercise, case: Case) -> str:
    """The case as a call, e.g. ``best_per_subject(scores=tensor([[3, 1]], float32))``."""
    if exercise.describe:
        inside = exercise.describe(case)
    else:
        names = exercise.params
        inside = ", ".join(f"{names[i]}={show(arg)}" if i < len(names) else show(arg)
                           for i, arg in enumerate(case.args))
    note = f" [{case.note}]" if case.note else ""
    return f"{exercise.name}({inside}){note}"


def failure_line(exercise: Exercise, case: Case, failure: Failure) -> str:
    """One line: the exercise, the smallest input that fails and the finding."""
    return f"{call_text(exercise, case)}: {failure.text}"


def passed_line(exercise: Exercise, count: int) -> str:
    """``✓ dice_rolls: all visible checks passed (8 cases).``"""
    return f"✓ {exercise.name}: all visible checks passed ({count} cases)."
