"""Grading end to end through nbgrader with a temporary gradebook, one chapter at a time.

For each chapter: the executed solution scores full marks, the blank student version scores 0
without crashing the grader, and a submission in which every exercise holds its most common wrong
answer (tests/wrong_answers/<chapter>.py) loses the points of every exercise. Grading goes through
`course grade` (nbgrader's Autograde with the course's guard, limits and sandbox), and the
feedback through `nbgrader generate_feedback`.
"""

import html
import importlib.util
import re

import nbformat
import pytest

from course.assign.build import notebook_path
from course.assign.sync import secrets
from course.grade.plumbing import (
    fill_answers,
    prepare_course,
    read_scores,
    run_nbgrader,
    solution_answers,
    submit,
)
from course.grade.run import grade
from tests.conftest import CHAPTERS, ROOT

pytestmark = pytest.mark.grading


def wrong_answers(chapter: str) -> dict[str, str]:
    path = ROOT / "tests" / "wrong_answers" / f"{chapter}.py"
    spec = importlib.util.spec_from_file_location(f"wrong_{chapter}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS


def exercises(chapter: str) -> tuple[list[str], list[str]]:
    """(solution grade_ids, test grade_ids) of a chapter's source notebook."""
    source = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4)
    metas = [c.metadata.get("nbgrader", {}) for c in source.cells]
    solutions = [m["grade_id"] for m in metas if m.get("solution")]
    tests = [m["grade_id"] for m in metas if m.get("grade") and not m.get("solution")]
    return solutions, tests


class _ChapterGrading:
    """The grading checks for one chapter (``chapter`` is set by each generated subclass)."""

    chapter = ""

    def test_every_exercise_pairs_with_a_test_and_a_wrong_answer(self):
        chapter = self.chapter
        solutions, tests = exercises(chapter)
        assert sorted(s.removeprefix("ex_") for s in solutions) == sorted(
            t.removeprefix("test_") for t in tests), "each ex_<name> needs exactly one test_<name>"
        assert set(wrong_answers(chapter)) == set(solutions), \
            "tests/wrong_answers must give a wrong answer for every exercise"

    def test_solution_full_blank_zero_wrong_answers_lose_points(self, tmp_path):
        chapter = self.chapter
        course_dir = prepare_course(tmp_path / "course", [chapter], ROOT)
        run_nbgrader(course_dir, "generate_assignment", chapter, "--force")
        release = nbformat.read(notebook_path(chapter, "release", ROOT), as_version=4)
        submit(course_dir, chapter, "solution", fill_answers(release, solution_answers(chapter)))
        submit(course_dir, chapter, "blank", release)
        submit(course_dir, chapter, "wrong", fill_answers(release, wrong_answers(chapter)))
        results, _ = grade(chapter, course_dir, workers=2, progress=False)
        assert all(not r.problems for r in results), [r.problems for r in results]

        scores = read_scores(course_dir, chapter)
        assert set(scores) == {"solution", "blank", "wrong"}, f"graded: {sorted(scores)}"
        not_full = {name: s for name, s in scores["solution"].items() if s[0] != s[1]}
        assert not not_full, f"the solution lost points in {not_full}"
        blank_points = {name: s for name, s in scores["blank"].items() if s[0] != 0}
        assert not blank_points, f"the blank notebook earned points in {blank_points}"
        kept = {name: s for name, s in scores["wrong"].items() if s[0] != 0}
        assert not kept, f"wrong answers kept points in {kept}"
        _, tests = exercises(chapter)
        assert set(scores["solution"]) == set(tests)

        run_nbgrader(course_dir, "generate_feedback", chapter, "--force")
        source = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4)
        _, hidden = secrets(source)
        for student in scores:
            page = (course_dir / "feedback" / student / chapter / f"{chapter}.html").read_text()
            text = html.unescape(re.sub(r"<[^>]+>", "", page))
            shown = {line.strip() for line in text.splitlines()}
            assert not hidden & shown, f"feedback for {student} shows hidden tests"
            assert "BEGIN HIDDEN TESTS" not in text


# One class per chapter: with `--dist loadscope` pytest-xdist schedules each class as a unit, so
# chapters are graded on both workers instead of all on one (a notebook's cells still stay
# together: their scope is the file).
for _chapter in CHAPTERS:
    _name = f"TestGrading_{_chapter}"
    globals()[_name] = type(_name, (_ChapterGrading,), {"chapter": _chapter})
