"""Run an exercise's checks: generate or load the cases, probe, judge, report the right failure.

``run_exercise`` is what ``checks.exercise`` calls in a test cell. The report is the smallest
failing case whose failure names the mistake, else the smallest failing case; the student's own
exception keeps its traceback (the course's frames hidden) with a note naming the input.
"""

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from course import exercises
from course.check import notebook, references
from course.check.cases import ordered
from course.check.judge import Failure, judge
from course.check.probe import probe
from course.check.render import CheckFailure, NotSolved, failure_line, passed_line
from course.check.spec import Case, Exercise

PACKAGE = str(Path(exercises.__file__).resolve().parents[1])


@dataclass
class Report:
    """The outcome of one exercise's checks: status and, on failure, what to show."""

    exercise: Exercise
    status: str  # "passed", "failed" or "not solved"
    cases: int = 0
    line: str = ""
    error: BaseException | None = field(default=None, repr=False)


def _pick(failures: list[tuple[Case, Failure, BaseException | None]]):
    """The failure to report: the smallest explained one (a bare shape is not), else the
    smallest specific one, else the smallest raise, else the first."""
    for wanted in (lambda f: f.specific and f.explained, lambda f: f.specific,
                   lambda f: f.kind == "raised", lambda f: True):
        for entry in failures:
            if wanted(entry[1]):
                return entry
    return None


def _cases(exercise: Exercise, kind: str, seed: int | None):
    """(cases, references or None when recording) for a visible or hidden run."""
    if kind == "visible":
        if references.recording():
            return ordered(exercise.cases(exercise.visible_seed, False)), None
        pairs = references.visible(exercise)
        return [case for case, _ in pairs], [ref for _, ref in pairs]
    if kind != "hidden" or seed is None:
        raise ValueError("cases must be 'visible', or 'hidden' with a seed")
    cases = ordered(exercise.cases(seed, True))
    if references.recording_hidden():
        return cases, None
    return cases, references.hidden(exercise, seed, cases)


def check(exercise: Exercise, function, kind: str = "visible", seed: int | None = None) -> Report:
    """Run the checks of ``exercise`` on ``function``; never raises for a wrong answer.

    Args:
        exercise: the spec.
        function: the student's function.
        kind: "visible" (recorded cases) or "hidden" (generated from ``seed``).
        seed: the hidden cases' seed.

    Returns:
        A ``Report``; when recording references, the solution's observations are written.
    """
    cases, refs = _cases(exercise, kind, seed)
    probed = [probe(exercise, function, case) for case in cases]
    if refs is None:  # recording: ``function`` is the instructor's solution
        observations = [p.observation for p in probed]
        if kind == "visible":
            references.record_visible(exercise, cases, observations)
        else:
            references.record_hidden(exercise, seed, cases, observations)
        return Report(exercise, "passed", len(cases))
    failures = []
    for case, result, reference in zip(cases, probed, refs, strict=True):
        if result.observation.get("outcome") == "not_solved":
            return Report(exercise, "not solved", len(cases), NotSolved(exercise).line)
        failure = judge(exercise.contract, case, result.observation, reference)
        if failure:
            failures.append((case, failure, result.error))
    chosen = _pick(failures)
    if chosen is None:
        return Report(exercise, "passed", len(cases))
    case, failure, error = chosen
    return Report(exercise, "failed", len(cases), failure_line(exercise, case, failure),
                  error if failure.kind == "raised" else None)


def _student_frames(error: BaseException):
    """The traceback from the first frame outside the course package (the student's code)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(PACKAGE):
        tb = tb.tb_next
    return tb


def run_exercise(name: str, function, cases: str = "visible", seed: int | None = None) -> None:
    """Check ``function`` as exercise ``name``: print one ✓ line, or raise one that explains.

    Args:
        name: the exercise's name (its function's name in the notebook).
        function: the student's function.
        cases: "visible" (in the student's notebook) or "hidden" (the grader's other inputs).
        seed: the seed of the hidden cases.

    Raises:
        NotSolved: the function still raises NotImplementedError.
        CheckFailure: a check failed; its message names the input and the mistake.
        Exception: the student's own exception, with their traceback.
    """
    __tracebackhide__ = True  # noqa: F841 - IPython hides this frame in tracebacks
    exercise = exercises.find(name, notebook.current_chapter())  # evaluate: ch02 or ch08
    if cases == "visible" and references.recording_hidden():
        return None  # the grader's trusted run records only the hidden references
    try:
        report = check(exercise, function, cases, seed)
    except references.MissingReferences as error:
        raise CheckFailure(str(error)) from None
    if report.status == "not solved":
        raise NotSolved(exercise)
    if report.status == "failed":
        if report.error is not None:
            error, frames = report.error, _student_frames(report.error)
            error.add_note(f"✗ {report.line}")
            # shown from their code down: the test cell's frame would show its hidden lines
            shown = "".join(traceback.format_exception(type(error), error, frames))
            error._render_traceback_ = lambda: shown.rstrip("\n").splitlines()
            raise error.with_traceback(frames)
        raise CheckFailure(report.line)
    if cases == "visible":
        print(passed_line(exercise, report.cases) + "\n", end="")  # one write: one output
    return None
