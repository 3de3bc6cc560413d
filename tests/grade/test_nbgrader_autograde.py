"""Plain ``nbgrader autograde`` (the Formgrader's Autograde button) grades the course correctly.

The course's ``nbgrader_config.py`` gives nbgrader the same preprocessors as ``course grade``, so
the hidden checks are judged in the grader against references it computes from the solution:
the solution gets full marks and the chapter's wrong answers lose every point (stock nbgrader
failed every hidden check, the solution's included, for want of references).
"""

import nbformat
import pytest

from course.assign.build import notebook_path
from course.grade import plumbing, run
from tests.conftest import ROOT
from tests.grade.test_chapters import wrong_answers

pytestmark = pytest.mark.grading
CHAPTER = "ch01_tensors"


def test_nbgrader_autograde_gives_the_solution_full_marks_and_wrong_answers_zero(tmp_path):
    course_dir = plumbing.prepare_course(tmp_path / "course", [CHAPTER], ROOT)
    plumbing.run_nbgrader(course_dir, "generate_assignment", CHAPTER, "--force")
    release = nbformat.read(notebook_path(CHAPTER, "release", ROOT), as_version=4)
    plumbing.submit(course_dir, CHAPTER, "solution",
                    plumbing.fill_answers(release, plumbing.solution_answers(CHAPTER)))
    plumbing.submit(course_dir, CHAPTER, "wrong",
                    plumbing.fill_answers(release, wrong_answers(CHAPTER)))
    plumbing.run_nbgrader(course_dir, "autograde", CHAPTER, "--force")
    scores = plumbing.read_scores(course_dir, CHAPTER)
    assert {cell: s for cell, s in scores["solution"].items() if s[0] != s[1]} == {}
    assert {cell: s for cell, s in scores["wrong"].items() if s[0] != 0} == {}
    assert len(scores["solution"]) == 12


def test_the_config_names_the_preprocessors_course_grade_uses():
    config = run.load_config(ROOT)
    named = [name.rsplit(".", 1)[1] for name in config.Autograde.autograde_preprocessors]
    source = (ROOT / "course" / "grade" / "run.py").read_text()
    listed = source.split("config.Autograde.autograde_preprocessors = [", 1)[1].split("]", 1)[0]
    assert named == [name.strip() for name in listed.split(",") if name.strip()]
