"""Verdicts decided in the grader: a test cell's checks judged outside the student's process.

``GuardedExecute`` hands every test cell made only of ``checks.exercise`` calls to these
functions. For each call the grader makes the cases itself (the recorded visible ones, or the
hidden ones from the seed written in the source test cell), sends only the inputs to the kernel
(``request_source``: ``course.check.remote`` probes the student's function there and replies with
plain data), judges the reply against references that never leave the grader
(``course.check.runner.verdict``, the same verdict as in the student's notebook) and writes the
cell's outputs itself: nothing, a ✓ line, or an error that nbgrader scores 0. The kernel's own
outputs of the request are dropped, so no hook, transformer or forged message of the student's
decides a grade, and no hidden test text or expected value enters the kernel.
"""

from dataclasses import dataclass

from nbformat.v4 import new_output

from course import exercises
from course.check import references, wire
from course.check.cases import ordered
from course.check.remote import MIME, REPLY_CHARS
from course.check.render import NotSolved, passed_line
from course.check.runner import Report, verdict
from course.grade.cells import Call

GRADER_PREFIX = "course grader: "
KEPT_ERRORS = ("KernelDied", "NotebookTimeout", "CellTimeoutError")  # the grader's own


@dataclass
class Planned:
    """What the grader needs for one call: the spec, the cases and their references."""

    call: Call
    exercise: object
    cases: list
    refs: list


def plan(chapter: str, call: Call, hidden_text: str) -> Planned:
    """The cases and references of ``call``, made in the grader.

    Raises:
        KeyError: no exercise of that name.
        references.MissingReferences: no references for these cases.
    """
    exercise = exercises.find(call.name, chapter)
    if call.kind == "visible":
        pairs = references.visible(exercise)
        cases, refs = [case for case, _ in pairs], [ref for _, ref in pairs]
    else:
        cases = ordered(exercise.cases(call.seed, True))
        refs = references.hidden(exercise, call.seed, cases, text=hidden_text)
    return Planned(call, exercise, cases, refs)


def request_source(chapter: str, plans: list[Planned], prefix: str = "") -> str:
    """The code the kernel runs for a test cell: probe each named function on its inputs only."""
    calls = ", ".join(
        f"({p.call.name!r}, {p.call.function}, "
        f"{wire.dumps([[list(case.args), case.note] for case in p.cases])!r})" for p in plans)
    return (f"{prefix}__import__('course.check.remote', fromlist=['observe']).observe("
            f"{chapter!r}, [{calls}])\n")


def _error(name: str, value: str, lines: list[str]):
    return new_output("error", ename=name, evalue=value, traceback=lines)


def _reply(outputs: list, index: int) -> str | None:
    """The text of the last observations output for check ``index`` of the cell, if any."""
    found = None
    for output in outputs:
        data, metadata = output.get("data", {}), output.get("metadata", {})
        if output.get("output_type") == "display_data" and MIME in data \
                and isinstance(metadata.get(MIME), dict) and metadata[MIME].get("call") == index:
            found = data[MIME]
    return found if isinstance(found, str) else None


def _judged(planned: Planned, text: str) -> tuple[Report, str, list[str]]:
    """(verdict, error name, the student's traceback lines) for a reply's text; a reply that is
    not well-formed observations raises."""
    if len(text) > REPLY_CHARS:
        raise ValueError(f"a reply of {len(text)} characters")
    reply = wire.loads(text)
    observations, tracebacks = reply["observations"], reply["tracebacks"]
    if not (isinstance(observations, list) and isinstance(tracebacks, list)
            and len(observations) == len(planned.cases) == len(tracebacks)
            and all(isinstance(o, dict) for o in observations)):
        raise ValueError("not one observation per case")
    report = verdict(planned.exercise, planned.cases, observations, planned.refs)
    if report.index is None:
        return report, "CheckFailure", []
    raised, shown = observations[report.index].get("type"), tracebacks[report.index]
    if not (isinstance(shown, list) and all(isinstance(line, str) for line in shown)):
        shown = []
    name = raised if isinstance(raised, str) and raised.isidentifier() else "Exception"
    return report, name[:100], shown[-60:]


def outputs_for(planned: Planned, kernel_outputs: list, index: int = 0) -> tuple[bool, list]:
    """Judge one call from the kernel's outputs of its cell's request.

    Args:
        planned: the call with its cases and references.
        kernel_outputs: what the kernel sent while running ``request_source``.
        index: the call's position in its test cell.

    Returns:
        (passed, the outputs the test cell shows for this call).
    """
    kept = [o for o in kernel_outputs if o.get("output_type") == "error"
            and o.get("ename") in KEPT_ERRORS]
    if kept:  # the kernel died or the time ran out: the grader's own error says so
        return False, kept
    text = _reply(kernel_outputs, index)
    if text is None:  # the request never ran to its end: show the kernel's error, if any
        errors = [o for o in kernel_outputs if o.get("output_type") == "error"][-1:]
        return False, errors or [_error("CheckFailure", "no result", [
            f"✗ {GRADER_PREFIX}no result came back from the kernel for `{planned.call.name}` "
            "(the checks did not run)"])]
    try:
        report, name, shown = _judged(planned, text)
    except Exception as error:  # noqa: BLE001 - a malformed reply is a failed check
        return False, [_error("CheckFailure", "unreadable result", [
            f"✗ {GRADER_PREFIX}the kernel's result for `{planned.call.name}` could not be read "
            f"({type(error).__name__})"])]
    if report.status == "passed":
        if planned.call.kind != "visible":
            return True, []
        return True, [new_output("stream", name="stdout",
                                 text=passed_line(planned.exercise, report.cases) + "\n")]
    if report.status == "not solved":
        line = NotSolved(planned.exercise).line
        return False, [_error("NotSolved", line, [f"✗ {line}"])]
    return False, [_error(name, report.line, [*shown, f"✗ {report.line}"])]
