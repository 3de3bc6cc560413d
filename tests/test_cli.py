"""`python -m course` instructor commands run from a course folder: collect, grade, feedback."""

import subprocess
import sys
import zipfile

import nbformat
import pytest

from course.assign.build import build, notebook_path
from course.grade.plumbing import nbgrader_env
from tests.chapter_factory import make_root
from tests.conftest import ROOT

pytestmark = pytest.mark.grading


def course_command(course, *args):
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=course, text=True,
                          capture_output=True, env=nbgrader_env(), timeout=600)


def test_collect_grade_feedback_export_from_an_lms_zip(tmp_path):
    course = make_root(tmp_path, ROOT)
    build(["ch99_tiny"], course, solutions=False)
    release = notebook_path("ch99_tiny", "release", course).read_text()
    solved = release.replace("raise NotImplementedError()", "return values * 2")
    archive = course / "downloaded" / "ch99_tiny" / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "lms-download.zip", "w") as bundle:
        bundle.writestr("class/alice_ch99_tiny.ipynb", solved)
        bundle.writestr("class/bob_smith_ch99_tiny.ipynb", release)

    collected = course_command(course, "collect", "ch99_tiny")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    for student in ("alice", "bob_smith"):
        assert (course / "submitted" / student / "ch99_tiny" / "ch99_tiny.ipynb").exists()

    graded = course_command(course, "grade", "ch99", "--workers", "2", "--no-progress")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    lines = graded.stdout.splitlines()
    assert lines[0].split() == ["student", "score", "max", "problems"]
    assert lines[1].split()[:3] == ["alice", "2.0", "2.0"]
    assert lines[2].split()[:3] == ["bob_smith", "0.0", "2.0"]
    assert lines[-1].startswith("sandbox: ")

    assert course_command(course, "feedback", "ch99_tiny").returncode == 0
    page = (course / "feedback" / "alice" / "ch99_tiny" / "ch99_tiny.html").read_text()
    assert "torch.arange(3.0)" not in page, "hidden test in feedback"
    assert course_command(course, "export").returncode == 0
    assert "alice" in (course / "grades.csv").read_text()
    assert nbformat.read(course / "submitted" / "alice" / "ch99_tiny" / "ch99_tiny.ipynb",
                         as_version=4).cells


def test_grade_help_documents_workers_and_sandbox():
    result = subprocess.run([sys.executable, "-m", "course", "grade", "--help"], text=True,
                            capture_output=True, cwd=ROOT)
    assert result.returncode == 0 and "--workers" in result.stdout and "--sandbox" in result.stdout
