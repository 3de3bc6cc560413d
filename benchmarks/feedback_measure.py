"""How one chapter's checks treat its wrong answers, measured in one kernel.

The kernel runs the source notebook cell by cell (the right solutions). At each test cell, for
each wrong answer of that exercise: remember the notebook's state, run the wrong solution cell,
prove it wrong (its witness), run the RELEASE test cell (what a student sees), let the grading
verdict judge the SOURCE test cell (visible + hidden tests), re-run the right solution cell and put
the state back. Then the test cell runs for the right solution too: the control, which must pass
both ways (else the measurement of that exercise is not trustworthy and is reported).
"""

import json
import time

import nbformat

from benchmarks.feedback_answers import WrongAnswer, defined_names
from benchmarks.feedback_kernel import (
    ChapterKernel,
    Grading,
    GradingCase,
    guard_snapshot,
    kernel_grading,
)
from benchmarks.feedback_probe import MARKER
from benchmarks.feedback_text import misleading_claims, names_mistake


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _is_test(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _is_solution(cell) -> bool:
    return cell.cell_type == "code" and bool(_nbgrader(cell).get("solution"))


def notebooks(chapter: str):
    """(source, release) notebooks of a chapter."""
    from course.assign.build import notebook_path

    return tuple(nbformat.read(notebook_path(chapter, kind), as_version=4)
                 for kind in ("source", "release"))


def exercise_of(test_cell) -> str:
    """The solution grade_id a test cell checks: ``test_x`` checks ``ex_x``."""
    return "ex_" + _nbgrader(test_cell)["grade_id"].removeprefix("test_")


def _proof(run) -> dict:
    for line in run.text.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return {"proven": False, "error": f"no verdict: {run.text[-300:]}"}


def trial(kernel: ChapterKernel, answer: WrongAnswer, solution_cell, release_test, source_test,
          index: int, grading: Grading) -> dict:
    """Measure one wrong answer; the kernel's notebook state is the same afterwards."""
    started = time.perf_counter()
    names = defined_names(solution_cell.source)
    # one round trip each: remember + answer + proof, visible test, graded test, restore
    typed = kernel.run(f"_fb_probe.begin(globals(), {names!r})\n{answer.source}\n"
                       f"_fb_probe.prove(globals(), {answer.witness!r})", index)
    try:
        proof = _proof(typed)
        visible = kernel.run(release_test.source, index)
        graded = grading(GradingCase(answer.chapter, answer.exercise, source_test, kernel, index))
    finally:
        kernel.run(f"{solution_cell.source}\n_fb_probe.end(globals())", index)
    failed = visible.error is not None
    # an interrupted cell (the timeout) says nothing about the answer: reported, not hidden
    timed_out = any(r.error and r.error.get("ename") == "KeyboardInterrupt"
                    for r in (typed, visible)) or "KeyboardInterrupt" in graded.text
    misleading = sorted(misleading_claims(visible.text, answer.mistakes)
                        | misleading_claims(graded.text, answer.mistakes))
    return {
        "id": answer.id, "exercise": answer.exercise, "bug_class": answer.bug_class,
        "bug": answer.bug,
        "proven_wrong": proof["proven"], "witness_error": proof["error"], "timed_out": timed_out,
        "lost_points": graded.lost, "failed_visible": failed,
        "named": failed and names_mistake(visible.text, answer.names),
        "misleading": misleading, "phrases": list(answer.names),
        "visible_text": visible.text[-600:], "graded_text": graded.text[-600:],
        "seconds": round(time.perf_counter() - started, 3),
    }


def measure_chapter(chapter: str, answers: dict[str, list[WrongAnswer]],
                    grading: Grading = kernel_grading, timeout: int = 300) -> dict:
    """Run every wrong answer of ``chapter`` through its checks; see the module docstring.

    Args:
        chapter: the chapter's name.
        answers: ``{solution grade_id: [WrongAnswer, ...]}`` (``feedback_answers.load``).
        grading: the verdict on a source test cell (``kernel_grading`` by default).
        timeout: seconds per executed piece of code (generous: a busy machine must not turn a
            slow test cell into a lost point; a trial that still hits it is marked timed_out).

    Returns:
        ``{"trials": [...], "controls": [...], "flow_errors": [...], "seconds": ...}``.
    """
    started = time.perf_counter()
    source, release = notebooks(chapter)
    release_tests = {_nbgrader(c)["grade_id"]: c for c in release.cells if _is_test(c)}
    solutions: dict[str, object] = {}
    trials, controls, flow_errors = [], [], []
    with ChapterKernel(source, timeout=timeout) as kernel:
        kernel.run(guard_snapshot(chapter))
        for index, cell in enumerate(source.cells):
            if cell.cell_type != "code":
                continue
            if _is_solution(cell):
                solutions[_nbgrader(cell)["grade_id"]] = cell
            if not _is_test(cell):
                run = kernel.run(cell.source, index)
                if run.error and "raises-exception" not in cell.metadata.get("tags", []):
                    flow_errors.append(f"cell {index}: {run.error['ename']}")
                continue
            exercise = exercise_of(cell)
            release_test = release_tests[_nbgrader(cell)["grade_id"]]
            for answer in answers.get(exercise, []):
                trials.append(trial(kernel, answer, solutions[exercise], release_test, cell,
                                    index, grading))
            visible = kernel.run(release_test.source, index)
            graded = grading(GradingCase(chapter, exercise, cell, kernel, index))
            controls.append({"exercise": exercise, "visible_passed": visible.error is None,
                             "kept_points": not graded.lost,
                             "text": (visible.text + "\n" + graded.text)[-400:]})
    return {"trials": trials, "controls": controls, "flow_errors": flow_errors,
            "seconds": round(time.perf_counter() - started, 2)}


def fast_grade(chapter: str, answers: dict[str, str], grading: Grading = kernel_grading,
               timeout: int = 300) -> dict[str, bool]:
    """What the fast path says grading does with one submission: ``{test grade_id: lost}``.

    Args:
        chapter: the chapter's name.
        answers: ``{solution grade_id: cell source}``; other solution cells keep the solution.
        grading: the verdict on a source test cell.
        timeout: seconds per cell.
    """
    source, _ = notebooks(chapter)
    lost = {}
    with ChapterKernel(source, timeout=timeout) as kernel:
        kernel.run(guard_snapshot(chapter))
        for index, cell in enumerate(source.cells):
            if cell.cell_type != "code":
                continue
            if _is_test(cell):
                graded = grading(GradingCase(chapter, exercise_of(cell), cell, kernel, index))
                lost[_nbgrader(cell)["grade_id"]] = graded.lost
            else:
                kernel.run(answers.get(_nbgrader(cell).get("grade_id"), cell.source), index)
    return lost
