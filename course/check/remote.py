"""In a grading kernel: observe the student's function on the cases the grader sent; reply.

The grader (``course.grade.verdicts``) runs ``observe(...)`` in place of a test cell, once for
all its checks. The cases arrive as ``wire`` text (inputs only), each is probed exactly as in the
student's notebook (``course.check.probe``), and each check's observations go back as one display
output of type ``MIME``: ``wire`` JSON text, plain data, no pickle. No reference, no hidden test
code and no verdict is ever in the kernel: the grader judges the replies.
"""

import traceback

MIME = "text/vnd.course.observations"
REPLY_CHARS = 64_000_000  # the grader reads no larger reply (a flood, not observations)
# The grader imports the two names above without torch; the kernel side imports the checker
# when it is called.


def _student_traceback(error: BaseException | None) -> list[str] | None:
    """The student's exception as text lines, from their own code down (as in the notebook)."""
    if error is None:
        return None
    from course.check.runner import _student_frames

    shown = traceback.format_exception(type(error), error, _student_frames(error))
    return "".join(shown).rstrip("\n").splitlines()[-60:]


def observations(chapter: str, name: str, function, cases_text: str) -> dict:
    """Probe ``function`` as exercise ``name`` of ``chapter`` on the cases in ``cases_text``.

    Args:
        chapter: the chapter, so ch08's ``evaluate`` is not ch02's.
        name: the exercise's name.
        function: the student's function (the name the test cell passed).
        cases_text: ``wire`` text of ``[[args, note], ...]``.

    Returns:
        ``{"observations": [...], "tracebacks": [...]}``, one entry per case.
    """
    from course import exercises
    from course.check import wire
    from course.check.probe import probe
    from course.check.spec import Case
    from course.quiet import no_progress_bars

    exercise = exercises.find(name, chapter)
    cases = [Case(tuple(args), note) for args, note in wire.loads(cases_text)]
    with no_progress_bars():  # as in the notebook's checks
        probed = [probe(exercise, function, case) for case in cases]
    return {"observations": [p.observation for p in probed],
            "tracebacks": [_student_traceback(p.error) for p in probed]}


def observe(chapter: str, calls: list[tuple]) -> None:
    """Reply to the grader: for each ``(name, function, cases_text)`` of a test cell, in order,
    ``observations(...)`` as one ``MIME`` display output whose metadata numbers the call."""
    __tracebackhide__ = True  # noqa: F841 - IPython hides this frame in tracebacks
    from IPython.display import display

    from course.check import wire

    for index, (name, function, cases_text) in enumerate(calls):
        reply = wire.dumps(observations(chapter, name, function, cases_text))
        display({MIME: reply}, raw=True, metadata={MIME: {"call": index}})
