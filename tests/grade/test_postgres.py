"""course grade with a PostgreSQL gradebook (``c.CourseDirectory.db_url = "postgresql://..."``).

A throw-away PostgreSQL cluster is created for the module (``initdb`` on a private folder, unix
socket only, no TCP port); CI installs Debian's ``postgresql``. Two workers write their grades
into it at the same time, a re-grade on a Dask cluster (``--cluster local:2``, the gradebook a
multi-machine cluster needs) replaces them, and ``export`` reads them back.
"""

import csv
import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from course.assign.build import build, notebook_path
from course.grade.plumbing import nbgrader_env, read_scores
from course.grade.run import grade
from tests.conftest import ROOT

pytestmark = pytest.mark.grading
CHAPTER = "ch99_tiny"


def _postgres_program(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))  # Debian keeps them here
    program = found[-1] if found else shutil.which(name)
    return str(Path(program).resolve()) if program else None


@pytest.fixture(scope="module")
def postgres_url():
    """A running throw-away PostgreSQL server; yields the SQLAlchemy URL of an empty database."""
    initdb, pg_ctl = _postgres_program("initdb"), _postgres_program("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL server not installed (Debian: apt-get install postgresql)")
    pytest.importorskip("psycopg", reason="psycopg[binary] is in the dev extra")
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as Debian's postgres user
        as_owner = ["runuser", "-u", "postgres", "--"]
        base.chmod(0o755)
        shutil.chown(base, "postgres")
    data, sockets = base / "data", base / "sockets"

    def run(*command):
        done = subprocess.run([*as_owner, *command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{command[0]} failed: {done.stdout}{done.stderr}"

    run("mkdir", str(sockets))
    run(initdb, "-D", str(data), "-A", "trust", "-U", "grader", "--no-sync")
    run(pg_ctl, "-D", str(data), "-l", str(base / "server.log"), "-w", "-o",
        f"-k {sockets} -c listen_addresses='' -c fsync=off", "start")
    try:
        run(_postgres_program("createdb"), "-h", str(sockets), "-U", "grader",
            "gradebook")
        yield f"postgresql://grader@/gradebook?host={sockets}"
    finally:
        subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def test_a_pool_then_a_cluster_grade_into_postgres_and_export_reads_it(tmp_path, postgres_url):
    from tests.chapter_factory import make_root

    course = make_root(tmp_path, ROOT)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + f"\nc.CourseDirectory.db_url = {postgres_url!r}\n")
    build([CHAPTER], course, solutions=False)
    release = notebook_path(CHAPTER, "release", course).read_text()
    solved = release.replace("raise NotImplementedError()", "return values * 2")
    wrong = release.replace("raise NotImplementedError()", "return values + 2")
    for student, text in [("ann", solved), ("ben", wrong), ("cat", solved), ("dan", release)]:
        target = course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(text)

    cluster = importlib.util.find_spec("distributed") is not None  # the cluster extra
    graders = [{"workers": 2}, {"cluster": "local:2"} if cluster else {"workers": 2}]
    for attempt, grader in enumerate(graders):  # the re-grade replaces the rows, adds none
        results, _ = grade(CHAPTER, course, progress=False, **grader)
        scores = {r.student: (r.score, r.max_score, r.problems) for r in results}
        assert scores == {"ann": (2.0, 2.0, []), "ben": (0.0, 2.0, []),
                          "cat": (2.0, 2.0, []), "dan": (0.0, 2.0, [])}, attempt
        stored = read_scores(course, CHAPTER, db_url=postgres_url)
        assert {s: cells["test_double"] for s, cells in stored.items()} == {
            "ann": (2.0, 2.0), "ben": (0.0, 2.0), "cat": (2.0, 2.0), "dan": (0.0, 2.0)}
    assert not (course / "gradebook.db").exists(), "grades went to sqlite, not PostgreSQL"

    export = subprocess.run([sys.executable, "-m", "course", "export"], cwd=course, text=True,
                            capture_output=True, env=nbgrader_env(), timeout=300)
    assert export.returncode == 0, export.stdout + export.stderr
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert rows == {"ann": 2.0, "ben": 0.0, "cat": 2.0, "dan": 0.0}
