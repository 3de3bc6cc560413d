"""``course grade`` with the sandbox, run by an instructor who is not root, from a shared
environment under /tmp: the setting of the JupyterHub test (tests/deploy/test_hub.py), without
the hub.

The environment is the one that test builds (``tests.deploy.hub_support.shared_environment``): a
venv under /tmp whose packages and course package a ``.pth`` file adds, its interpreter a copy
that finds its libpython through ``LD_LIBRARY_PATH``. The instructor is a throwaway Unix user that
owns the course. The solution must score full marks and the blank release 0, in forked and in
fresh kernels.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from course.assign.build import build, notebook_path
from course.grade import sandbox
from course.grade.plumbing import fill_answers, read_scores
from tests.chapter_factory import make_root
from tests.conftest import ROOT
from tests.deploy.hub_support import UnixUser, shared_environment

CHAPTER = "ch99_tiny"
SOLUTION = 'def double(values):\n    """Twice the input."""\n    return values * 2\n'
VERSION = "import sys\nprint('PYTHON', sys.version.split()[0])\n"  # the libpython it runs on
pytestmark = pytest.mark.grading


@pytest.fixture(scope="module")
def instructor_course():
    """A throwaway user, the shared environment under /tmp, a course the user owns."""
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("needs root (to make a throwaway user), useradd and runuser")
    if not sandbox.available():
        pytest.skip("bubblewrap is not installed")
    user = UnixUser(f"dlc-grader-{int(time.time() * 1000) % 100000:05d}")
    base = Path(tempfile.mkdtemp(prefix="course-other-user-", dir="/tmp"))
    base.chmod(0o755)
    try:
        user.create()
        python, needs = shared_environment(base / "shared")
        course = make_root(base / "instructor", ROOT, CHAPTER)
        build([CHAPTER], course, solutions=False)
        release = nbformat.read(notebook_path(CHAPTER, "release", course), as_version=4)
        for student, nb in (("solution", fill_answers(release, {"ex_double": SOLUTION + VERSION})),
                            ("blank", release)):
            target = course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
        subprocess.run(["chown", "-R", f"{user.name}:{user.name}", str(base / "instructor")],
                       check=True)
        (base / "instructor").chmod(0o700)
        env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(user.home),
               "USER": user.name, "LANG": "C.UTF-8", "COURSE_ZYGOTE_DEBUG": "1", **needs}
        yield user, course, python, env
    finally:
        subprocess.run(["pkill", "-KILL", "-u", user.name], capture_output=True)
        user.remove()
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("kernels", ["fork", "fresh"])
def test_a_non_root_instructor_grades_in_the_sandbox_from_a_shared_environment(
        instructor_course, kernels):
    user, course, python, env = instructor_course
    graded = subprocess.run(
        ["runuser", "-u", user.name, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()),
         str(python), "-m", "course", "grade", CHAPTER, "--workers", "1", "--no-progress",
         "--sandbox", "on", "--kernels", kernels],
        cwd=course, capture_output=True, text=True, timeout=600)
    printed = graded.stdout + graded.stderr
    assert graded.returncode == 0, printed
    assert "sandbox: bubblewrap" in printed and "without privileges" in printed, printed
    scores = read_scores(course, CHAPTER)
    assert scores["solution"] == {"test_double": (2.0, 2.0)}, printed
    assert scores["blank"] == {"test_double": (0.0, 2.0)}, printed
    assert "not graded" not in printed, printed
    version = subprocess.run([str(python), "-c", "import sys; print(sys.version.split()[0])"],
                             env=env, capture_output=True, text=True, check=True).stdout.strip()
    autograded = course / "autograded" / "solution" / CHAPTER / f"{CHAPTER}.ipynb"
    assert f"PYTHON {version}" in autograded.read_text(), "the kernel runs the grader's Python"
