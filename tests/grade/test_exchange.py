"""nbgrader's exchange loop end to end, with the course's own commands where the course has them.

generate → release_assignment → (student) fetch_assignment → edit → submit → collect →
``course grade --student`` → ``course grade`` → ``course feedback`` → release_feedback →
(student) fetch_feedback, each as the command line a person types, in the folder they type it in.
The instructor works in the course folder with the shipped ``nbgrader_config.py``; each student
works in a home folder of their own with the documented student config
(``deploy/student/nbgrader_config.py`` as ``~/.jupyter/nbgrader_config.py``). nbgrader's exchange
knows a student by their Unix account; one account plays every role here, so each student's
commands name them with nbgrader's ``--student`` option (tests/deploy/test_hub.py uses real Unix
users instead). The seconds each step took go to ``test-artifacts/exchange-loop-seconds.json``.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from course.assign.build import build, notebook_path
from course.grade.plumbing import nbgrader_env
from tests.chapter_factory import make_root
from tests.conftest import ROOT

pytestmark = pytest.mark.grading

CHAPTER = "ch99_tiny"
SOLVED = "doubled = values * 2\n    return doubled"
HIDDEN_INPUT = "torch.arange(3.0)"  # only in the hidden test: must never reach a student
TIMES = ROOT / "test-artifacts" / "exchange-loop-seconds.json"
NOISE = ("is not absolute", "SAWarning", "Warning:", "Traceback")


class Loop:
    """Runs each step's command line as the instructor or a student and times it."""

    def __init__(self, tmp: Path):
        self.course = make_root(tmp, ROOT, CHAPTER)
        build([CHAPTER], self.course, solutions=False)
        self.exchange = tmp / "exchange"
        self.homes = tmp / "home"
        self.seconds: dict[str, float] = {}

    def env(self, user: str) -> dict[str, str]:
        env = nbgrader_env()
        for name in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH", "NBGRADER_EXECUTION"):
            env.pop(name, None)
        home = self.homes / user
        home.mkdir(parents=True, exist_ok=True)
        env.update(HOME=str(home), USER=user, LOGNAME=user, COURSE_EXCHANGE=str(self.exchange),
                   JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
                   JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"))
        return env

    def student_home(self, student: str) -> Path:
        """A student's home with the student config the README tells them to install."""
        config = self.homes / student / ".jupyter"
        config.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "deploy" / "student" / "nbgrader_config.py",
                    config / "nbgrader_config.py")
        return config.parent

    def run(self, step: str, user: str, *argv: str) -> str:
        """Run ``argv`` as ``user`` (the instructor in the course folder, a student at home)."""
        cwd = self.course if user == "instructor" else self.homes / user
        command = [str(Path(sys.executable).parent / argv[0]), *argv[1:]] if argv[0] == (
            "nbgrader") else [sys.executable, *argv]
        started = time.monotonic()
        result = subprocess.run(command, cwd=cwd, env=self.env(user), capture_output=True,
                                text=True, timeout=600)
        self.seconds[step] = self.seconds.get(step, 0.0) + round(time.monotonic() - started, 1)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{step}: {' '.join(argv)} failed:\n{output[-3000:]}"
        noise = [line for line in output.splitlines() if any(n in line for n in NOISE)]
        assert not noise, f"{step}: {' '.join(argv)} printed:\n" + "\n".join(noise)
        return output


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """The whole loop for two students: alice solves the exercise, bob hands in the blank."""
    loop = Loop(tmp_path_factory.mktemp("exchange"))
    loop.run("generate", "instructor", "nbgrader", "generate_assignment", CHAPTER, "--force")
    loop.run("release_assignment", "instructor", "nbgrader", "release_assignment", CHAPTER)
    for student in ("alice", "bob"):
        home = loop.student_home(student)
        loop.run("fetch_assignment", student, "nbgrader", "fetch_assignment", CHAPTER,
                 f"--student={student}")
        mine = home / CHAPTER / f"{CHAPTER}.ipynb"
        if student == "alice":
            started = time.monotonic()
            nb = nbformat.read(mine, as_version=4)
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = cell.source.replace("raise NotImplementedError()", SOLVED)
            nbformat.write(nb, mine)
            loop.seconds["edit"] = round(time.monotonic() - started, 1)
        loop.run("submit", student, "nbgrader", "submit", CHAPTER, f"--student={student}")
    loop.run("collect", "instructor", "nbgrader", "collect", CHAPTER)
    loop.one_student = loop.run("course grade --student", "instructor", "-m", "course", "grade",
                                CHAPTER, "--student", "alice", "--workers", "1", "--no-progress")
    loop.everyone = loop.run("course grade", "instructor", "-m", "course", "grade", CHAPTER,
                             "--workers", "2", "--no-progress")
    loop.run("course feedback", "instructor", "-m", "course", "feedback", CHAPTER)
    loop.run("release_feedback", "instructor", "nbgrader", "release_feedback", CHAPTER)
    for student in ("alice", "bob"):
        loop.run("fetch_feedback", student, "nbgrader", "fetch_feedback", CHAPTER,
                 f"--student={student}")
    TIMES.parent.mkdir(parents=True, exist_ok=True)
    TIMES.write_text(json.dumps(loop.seconds, indent=1) + "\n")
    return loop


def rows(table: str) -> dict[str, list[str]]:
    lines = table.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["student"])
    return {line.split()[0]: line.split()[1:] for line in lines[start + 1:]
            if line.split() and not line.startswith("sandbox:")}


def test_the_release_reaches_the_student_without_solution_or_hidden_test(loop):
    fetched = (loop.homes / "bob" / CHAPTER / f"{CHAPTER}.ipynb").read_text()
    assert fetched == notebook_path(CHAPTER, "release", loop.course).read_text()
    for secret in ("doubled_values_secret", HIDDEN_INPUT, "BEGIN SOLUTION", "BEGIN HIDDEN"):
        assert secret not in fetched


def test_collect_brings_each_submission_with_the_files_feedback_needs(loop):
    for student in ("alice", "bob"):
        folder = loop.course / "submitted" / student / CHAPTER
        assert {p.name for p in folder.iterdir()} >= {f"{CHAPTER}.ipynb", "timestamp.txt",
                                                      "submission_secret.txt"}


def test_grade_one_student_grades_only_that_student(loop):
    assert list(rows(loop.one_student)) == ["alice"]
    assert rows(loop.one_student)["alice"][:2] == ["2.0", "2.0"]


def test_grade_everyone_scores_the_solved_and_the_blank_work(loop):
    table = rows(loop.everyone)
    assert table["alice"][:2] == ["2.0", "2.0"]
    assert table["bob"][:2] == ["0.0", "2.0"]


def test_grading_keeps_every_file_the_later_steps_need(loop):
    for student in ("alice", "bob"):
        submitted = loop.course / "submitted" / student / CHAPTER
        autograded = loop.course / "autograded" / student / CHAPTER
        for name in ("timestamp.txt", "submission_secret.txt"):
            assert (autograded / name).read_text() == (submitted / name).read_text(), name


def test_each_student_fetches_their_own_feedback_without_hidden_tests(loop):
    for student, score in (("alice", "2.0 / 2.0"), ("bob", "0.0 / 2.0")):
        pages = list((loop.homes / student / CHAPTER / "feedback").glob(f"*/{CHAPTER}.html"))
        assert len(pages) == 1, pages
        page = pages[0].read_text()
        assert f"Score: {score}" in page.replace("\n", " ") or score in page
        assert HIDDEN_INPUT not in page


def test_the_student_config_is_what_readme_documents():
    readme = (ROOT / "README.md").read_text()
    for needed in ("~/.jupyter/nbgrader_config.py", "COURSE_EXCHANGE", "fetch_assignment",
                   "nbgrader submit", "fetch_feedback", "release_feedback", "--student"):
        assert needed in readme, needed


def test_shipped_config_has_an_absolute_root_and_a_working_exchange(tmp_path):
    """Unset COURSE_EXCHANGE: the course folder's own exchange, absolute and created."""
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    env = {k: v for k, v in nbgrader_env().items() if k != "COURSE_EXCHANGE"}
    code = ("from traitlets.config.loader import PyFileConfigLoader as L\n"
            "c = L('nbgrader_config.py', path='.').load_config()\n"
            "print(c.CourseDirectory.root); print(c.Exchange.root)")
    out = subprocess.run([sys.executable, "-c", code], cwd=course, env=env, text=True,
                         capture_output=True, check=True).stdout.split()
    assert out == [str(course.resolve()), str(course.resolve() / "exchange")]
    assert (course / "exchange").is_dir() and os.stat(course / "exchange").st_mode & 0o777 == 0o777
