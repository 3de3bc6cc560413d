"""Does the fast path agree with real grading? One submission per chapter, graded both ways.

The submission holds a wrong answer in every exercise: one the fast path said keeps its points
where there is such an answer (the cases where agreement matters most), else one in turn. It is
graded by ``course grade`` (nbgrader's autograde with the course's guard, limits and sandbox, in
a scratch course folder) and by the fast path (``feedback_measure.fast_grade``: the source
notebook in one kernel, each test cell judged by the pluggable verdict); the two must agree on
every test cell.
"""

import tempfile
import time
import warnings
from pathlib import Path

from benchmarks.common import ROOT
from benchmarks.feedback_answers import WrongAnswer, load
from benchmarks.feedback_kernel import Grading, kernel_grading


def pick_submission(chapter: str, trials: list[dict]) -> dict[str, WrongAnswer]:
    """One wrong answer per exercise: the first the fast path says keeps points, else in turn.

    Args:
        chapter: the chapter's name.
        trials: measured trials (``feedback_measure.trial`` results) of any chapters; may be [].
    """
    kept = {t["id"] for t in trials if not t["lost_points"]}
    picked = {}
    for turn, (exercise, answers) in enumerate(load(chapter).items()):
        keeping = [a for a in answers if a.id in kept]
        picked[exercise] = keeping[0] if keeping else answers[turn % len(answers)]
    return picked


def real_grade(chapter: str, answers: dict[str, str], workdir: Path) -> dict[str, bool]:
    """``{test grade_id: lost}`` from ``course grade`` on one submission in a scratch course."""
    import nbformat

    from course.assign.build import notebook_path
    from course.grade.plumbing import (
        fill_answers,
        prepare_course,
        read_scores,
        run_nbgrader,
        submit,
    )
    from course.grade.run import grade

    course_dir = prepare_course(workdir / chapter, [chapter], ROOT)
    run_nbgrader(course_dir, "generate_assignment", chapter, "--force")
    release = nbformat.read(notebook_path(chapter, "release", ROOT), as_version=4)
    submit(course_dir, chapter, "crosscheck", fill_answers(release, answers))
    with warnings.catch_warnings():  # SQLAlchemy notes from nbgrader's gradebook
        warnings.simplefilter("ignore")
        results, _ = grade(chapter, course_dir, workers=1, progress=False)
        scores = read_scores(course_dir, chapter)["crosscheck"]
    problems = [p for r in results for p in r.problems]
    if problems:
        raise RuntimeError(f"course grade reported problems for {chapter}: {problems}")
    return {test: score < max_score for test, (score, max_score) in scores.items()}


def cross_check(chapter: str, trials: list[dict], grading: Grading = kernel_grading) -> dict:
    """Grade one submission of ``chapter`` both ways and compare, test cell by test cell."""
    from benchmarks.feedback_measure import fast_grade

    started = time.perf_counter()
    picked = pick_submission(chapter, trials)
    answers = {exercise: answer.source for exercise, answer in picked.items()}
    fast = fast_grade(chapter, answers, grading)
    with tempfile.TemporaryDirectory(prefix="bench-feedback-grade-") as workdir:
        real = real_grade(chapter, answers, Path(workdir))
    disagreements = sorted(test for test in fast.keys() | real.keys()
                           if fast.get(test) != real.get(test))
    return {"answers": [a.id for a in picked.values()], "fast": fast, "real": real,
            "agree": not disagreements, "disagreements": disagreements,
            "seconds": round(time.perf_counter() - started, 1)}


def cross_check_all(chapters: list[str], trials: list[dict],
                    grading: Grading = kernel_grading) -> dict[str, dict]:
    """``cross_check`` for every chapter, one after the other (each prints one line)."""
    results = {}
    for chapter in chapters:
        results[chapter] = cross_check(chapter, trials, grading)
        r = results[chapter]
        print(f"  cross-check {chapter}: {len(r['fast'])} test cells, "
              f"{'agree' if r['agree'] else 'disagree'} ({r['seconds']:.0f} s)", flush=True)
    return results
