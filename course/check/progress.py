"""``checks.progress()``: every exercise of a chapter re-checked quietly, as a table."""

import contextlib
import io

from course import exercises
from course.check import notebook, references, runner

STATUS = {"passed": "passed", "failed": "failed", "not solved": "not attempted"}


def chapter_of(namespace: dict) -> str:
    """The chapter set up by ``checks.setup_notebook(chapter)`` when the namespace defines one
    of its exercises, else the chapter whose exercise functions the namespace defines most of."""
    chosen = notebook.current_chapter()
    if chosen in exercises.CHAPTERS and any(e.name in namespace
                                            for e in exercises.specs(chosen)):
        return chosen
    counts = {chapter: sum(e.name in namespace for e in exercises.specs(chapter))
              for chapter in exercises.CHAPTERS}
    best = max(counts, key=counts.get)
    if not counts[best]:
        raise LookupError("no exercise of a converted chapter is defined in this notebook")
    return best


def rows(namespace: dict, chapter: str) -> list[tuple]:
    """(number, name, status, points earned, points) for every exercise of ``chapter``."""
    table = []
    for exercise in exercises.specs(chapter):
        function = namespace.get(exercise.name)
        if not callable(function):
            status = "not attempted"
        else:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    status = STATUS[runner.check(exercise, function).status]
            except references.MissingReferences:
                status = "no references"  # a chapter built before its exercise was added
        earned = exercise.points if status == "passed" else 0
        table.append((exercise.number, exercise.name, status, earned, exercise.points))
    return table


def table(namespace: dict, chapter: str | None = None) -> str:
    """The progress table of ``chapter`` (found from ``namespace`` when None).

    Args:
        namespace: the notebook's globals, where the exercise functions are defined.
        chapter: e.g. ``ch01_tensors``.

    Returns:
        The table as text, one exercise per line, then the totals.
    """
    chapter = chapter or chapter_of(namespace)
    found = rows(namespace, chapter)
    width = max(len(name) for _, name, *_ in found)
    lines = [f"Progress in {chapter} (visible checks; the grader also tries other inputs)",
             f"{'#':>2}  {'exercise':<{width}}  {'status':<13}  points"]
    for number, name, status, earned, points in found:
        lines.append(f"{number:>2}  {name:<{width}}  {status:<13}  {earned:>2} / {points}")
    passed = sum(status == "passed" for _, _, status, *_ in found)
    earned = sum(row[3] for row in found)
    total = sum(row[4] for row in found)
    lines.append(f"{passed} of {len(found)} exercises pass their visible checks: "
                 f"{earned} of {total} points")
    return "\n".join(lines)
