"""course/grade/journal.py: what an interrupted run finished, and the run that resumes it."""

import pytest

from course.assign.build import build, notebook_path
from course.grade.journal import Journal, digest
from course.grade.run import grade
from course.grade.staging import STAGING
from tests.chapter_factory import make_root
from tests.conftest import ROOT

CHAPTER = "ch99_tiny"
STUDENTS = ("ann", "ben", "cat")


def test_the_journal_keeps_the_last_entry_per_student_and_skips_a_torn_line(tmp_path):
    journal = Journal(tmp_path / ".grading" / "ch.journal")
    assert journal.finished() == {}
    journal.record("ann", "a1", [])
    journal.record("ben", "b1", ["cell 3 timed out"])
    journal.record("ann", "a2", ["graded again after its worker died"])
    with journal.path.open("a") as handle:
        handle.write('{"student": "cat", "sha2')  # the run died while writing this line
    assert journal.finished() == {
        "ann": {"student": "ann", "sha256": "a2",
                "problems": ["graded again after its worker died"]},
        "ben": {"student": "ben", "sha256": "b1", "problems": ["cell 3 timed out"]}}
    journal.close()
    assert not journal.path.exists() and journal.finished() == {}


def test_digest_is_the_sha256_of_the_bytes(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(b"abc")
    assert digest(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.grading
def test_a_run_after_an_interrupted_one_grades_only_what_is_missing_or_changed(tmp_path):
    course = make_root(tmp_path, ROOT)
    build([CHAPTER], course, solutions=False)
    release = notebook_path(CHAPTER, "release", course).read_text()
    solved = release.replace("raise NotImplementedError()", "return values * 2")
    for student in STUDENTS:
        target = course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(solved)
    first, _ = grade(CHAPTER, course, workers=2, progress=False)
    assert [r.score for r in first] == [2.0, 2.0, 2.0]
    assert not (course / STAGING / f"{CHAPTER}.journal").exists(), "a finished run keeps none"

    # As if the run had been stopped after ann and ben: ann unchanged, ben resubmitted since.
    journal = Journal(course / STAGING / f"{CHAPTER}.journal")
    submitted = {s: course / "submitted" / s / CHAPTER / f"{CHAPTER}.ipynb" for s in STUDENTS}
    journal.record("ann", digest(submitted["ann"]), ["kept problem"])
    journal.record("ben", digest(submitted["ben"]), [])
    submitted["ben"].write_text(release)  # ben now hands in the blank notebook
    autograded = {s: course / "autograded" / s / CHAPTER / f"{CHAPTER}.ipynb" for s in STUDENTS}
    before = {s: path.stat().st_mtime_ns for s, path in autograded.items()}

    again, note = grade(CHAPTER, course, workers=2, progress=False)
    assert {r.student: r.score for r in again} == {"ann": 2.0, "ben": 0.0, "cat": 2.0}
    assert {r.student: r.problems for r in again}["ann"] == ["kept problem"]
    after = {s: path.stat().st_mtime_ns for s, path in autograded.items()}
    assert after["ann"] == before["ann"]
    assert after["ben"] != before["ben"] and after["cat"] != before["cat"]
    assert note.splitlines()[-1].startswith("resumed an interrupted run: 1 submission(s)")
    assert not journal.path.exists()
