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
    index: int | None = None  # the reported case, when the student's code raised on it


def _pick(failures: list[tuple[Case, Failure, int]]):
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
    report = verdict(exercise, cases, [p.observation for p in probed], refs)
    if report.status == "failed" and report.index is not None:
        report.error = probed[report.index].error
    return report


def verdict(exercise: Exercise, cases: list[Case], observations: list[dict],
            refs: list[dict]) -> Report:
    """Judge observations of ``exercise`` on ``cases`` against the references; pure data.

    The same verdict in the student's notebook (observations made there) and in the grader
    (observations sent back by the grading kernel, ``course.grade.verdicts``).

    Args:
        exercise: the spec (its contract judges).
        cases: the inputs.
        observations: one plain observation per case (``course.check.probe``).
        refs: the solution's observation per case.

    Returns:
        A ``Report``; on failure ``index`` is the reported case's position.
    """
    failures = []
    for index, (case, observation, reference) in enumerate(
            zip(cases, observations, refs, strict=True)):
        if observation.get("outcome") == "not_solved":
            return Report(exercise, "not solved", len(cases), NotSolved(exercise).line)
        failure = judge(exercise.contract, case, observation, reference)
        if failure:
            failures.append((case, failure, index))
    chosen = _pick(failures)
    if chosen is None:
        return Report(exercise, "passed", len(cases))
    case, failure, index = chosen
    return Report(exercise, "failed", len(cases), failure_line(exercise, case, failure),
                  index=index if failure.kind == "raised" else None)


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
