"""course/grade/cluster.py: the hostile class graded on Dask, and the cluster's faults.

The class of tests/grade/test_run.py (a subset, plus a correct but slow student) is graded three
ways: the local pool (``workers=2``), a ``LocalCluster`` of 2 workers (``local:2``) and a
scheduler and 2 workers started as separate processes on 127.0.0.1; the scores must be the same.
While the cluster runs grade it, the slow student's worker is killed in the middle of its
submission: the worker process in the LocalCluster (its nanny starts a new one), the whole
"host" (nanny, worker, fork server, kernels) in the separate-process cluster. Then: a scheduler
killed mid-run (the separate-process cluster's, once its run is over: one worker is left), a
submission that kills every worker it lands on, and SQLite on a remote cluster.
"""

import json
import os
import shutil
import signal
import threading
import time

import nbformat
import pytest

pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[cluster]'")

from course.assign.build import build, notebook_path  # noqa: E402
from course.cli import main  # noqa: E402
from course.grade.cluster import check_gradebook, connect, on_this_machine, starts  # noqa: E402
from course.grade.plumbing import fill_answers, read_scores  # noqa: E402
from course.grade.run import RunStopped, grade, table  # noqa: E402
from course.grade.staging import STAGING  # noqa: E402
from tests.chapter_factory import make_root  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.grade.dask_processes import dask_cluster, host_of, kill_tree  # noqa: E402
from tests.grade.test_run import (  # noqa: E402
    CHAPTER,
    answers,
    submissions,
    tamper,
    three_exercise_notebook,
)

pytestmark = pytest.mark.grading
HOSTILE = ("good", "infinite_loop", "flood_one_line", "kernel_exit", "syntax_error",
           "monkeypatch", "snoop")
# A kernel that looks for TCP listeners other than its own (the Dask scheduler and workers among
# them: a task sent to them would run unsandboxed) and connects to each.
NETWORK = answers(ex_double="import os, socket\nown = set()\n"
                            "for fd in os.listdir('/proc/self/fd'):\n"
                            "    try:\n"
                            "        own.add(os.readlink(f'/proc/self/fd/{fd}'))\n"
                            "    except OSError:\n"
                            "        pass\n"
                            "listening = set()\n"
                            "for table in ('/proc/net/tcp', '/proc/net/tcp6'):\n"
                            "    for line in open(table).read().splitlines()[1:]:\n"
                            "        fields = line.split()\n"
                            "        if fields[3] == '0A' and f'socket:[{fields[9]}]' not in own:\n"
                            "            listening.add(int(fields[1].rsplit(':', 1)[1], 16))\n"
                            "connected = 0\n"
                            "for port in sorted(listening)[:50]:\n"
                            "    try:\n"
                            "        socket.create_connection(('127.0.0.1', port), 0.2).close()\n"
                            "        connected += 1\n"
                            "    except OSError:\n"
                            "        pass\n"
                            "print('LISTENERS', len(listening), 'CONNECTED', connected)\n"
                            "def double(values):\n    return values * 2\n")
SLOW = answers(ex_negate="import time\ntime.sleep(2)\n\ndef negate(values):\n"
                         "    return -values\n")
# Student code (sandbox off) that kills the grading worker: the process that started its kernel's
# fork server. Dask sees a worker die with this submission, every time it is tried.
KILLER = answers(ex_square="import os, signal\n"
                           "zygote = os.getppid()\n"
                           "with open(f'/proc/{zygote}/stat') as stat:\n"
                           "    worker = int(stat.read().rsplit(')', 1)[1].split()[1])\n"
                           "os.kill(worker, signal.SIGKILL)\n")
LIMITS = {"cell_timeout": 4, "notebook_timeout": 30, "progress": False}


def put(course, student, nb=None, text=None):
    target = course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        target.write_text(text)
    else:
        nbformat.write(nb, target)


@pytest.fixture(scope="module")
def blank_course(tmp_path_factory):
    """The chapter built, no submissions."""
    course = make_root(tmp_path_factory.mktemp("cluster"), ROOT, CHAPTER,
                       nb=three_exercise_notebook())
    build([CHAPTER], course, solutions=False)
    return course


def release(course):
    return nbformat.read(notebook_path(CHAPTER, "release", course), as_version=4)


@pytest.fixture(scope="module")
def class_course(blank_course, tmp_path_factory):
    """The hostile class plus a slow correct student, ready to be copied for each run."""
    course = tmp_path_factory.mktemp("class") / "course"
    shutil.copytree(blank_course, course)
    hostile = submissions(course)
    for student in HOSTILE:
        put(course, student, fill_answers(release(course), hostile[student]))
    put(course, "flipped_metadata", tamper(fill_answers(release(course), answers()),
                                           "flipped_metadata"))
    put(course, "corrupt_json", text='{"cells": [ this is not json')
    (course / "submitted" / "missing_notebook" / CHAPTER).mkdir(parents=True)
    put(course, "slow", fill_answers(release(course), SLOW))
    put(course, "network", fill_answers(release(course), NETWORK))
    return course


def copy_of(course, tmp_path_factory, name):
    """A fresh copy of the class; the snoop's file paths name the original, so they stay hidden."""
    target = tmp_path_factory.mktemp(name) / "course"
    shutil.copytree(course, target)
    return target


class KillOnStart(threading.Thread):
    """Kill ``student``'s worker (``kill(pid)``) once its grading has started; remember the pid."""

    def __init__(self, course, student, kill):
        super().__init__(daemon=True)
        self.course, self.student, self.kill, self.killed = course, student, kill, None

    def run(self):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not starts(self.course, self.student):
            time.sleep(0.1)
        started = starts(self.course, self.student)
        if started:
            time.sleep(1)  # the kernel is starting or running the notebook
            self.killed = started[0]
            self.kill(started[0]["pid"])


def rows(results):
    return {r.student: r for r in results}


@pytest.fixture(scope="module")
def pool_run(class_course, tmp_path_factory):
    course = copy_of(class_course, tmp_path_factory, "pool")
    results, _ = grade(CHAPTER, course, workers=2, **LIMITS)
    print(table(results))
    return course, rows(results)


@pytest.fixture(scope="module")
def local_run(class_course, tmp_path_factory):
    """``local:2``; the slow student's worker process is SIGKILLed mid-submission."""
    course = copy_of(class_course, tmp_path_factory, "local")
    killer = KillOnStart(course, "slow", lambda pid: os.kill(pid, signal.SIGKILL))
    killer.start()
    results, note = grade(CHAPTER, course, cluster="local:2", **LIMITS)
    killer.join(timeout=5)
    print(table(results))
    return course, rows(results), note, killer.killed


@pytest.fixture(scope="module")
def processes_cluster(tmp_path_factory):
    """``dask scheduler`` and 2 ``dask worker`` processes on 127.0.0.1, up until the module ends.

    Yields (scheduler file, scheduler Popen, worker Popens). ``processes_run`` kills one worker's
    host; the lost-scheduler test then kills the scheduler.
    """
    with dask_cluster(tmp_path_factory.mktemp("dask")) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def processes_run(class_course, processes_cluster, tmp_path_factory):
    """Scheduler and 2 workers as processes; the slow student's whole worker host is killed."""
    course = copy_of(class_course, tmp_path_factory, "processes")
    scheduler_file = processes_cluster[0]
    killer = KillOnStart(course, "slow", lambda pid: kill_tree(host_of(pid)))
    killer.start()
    results, note = grade(CHAPTER, course, cluster=str(scheduler_file), **LIMITS)
    killer.join(timeout=5)
    print(table(results))
    return course, rows(results), note, killer.killed


def without_retry(problems):
    return [p for p in problems if not p.startswith("graded again")]


@pytest.mark.parametrize("run", ["local_run", "processes_run"])
def test_cluster_gives_the_hostile_class_the_same_scores_and_problems_as_the_pool(
        run, request, pool_run):
    _, expected = pool_run
    _, results, note, _ = request.getfixturevalue(run)
    assert set(results) == set(expected) and len(results) == 12
    assert {s: r.score for s, r in results.items()} == {s: r.score for s, r in expected.items()}
    assert {s: without_retry(r.problems) for s, r in results.items()} == \
        {s: r.problems for s, r in expected.items()}
    assert expected["good"].score == expected["slow"].score == 4
    assert expected["monkeypatch"].score < 4 and expected["kernel_exit"].score < 4
    assert note.startswith("sandbox: bubblewrap on every worker") or not shutil.which("bwrap")


@pytest.mark.parametrize("run", ["local_run", "processes_run"])
def test_kernels_on_the_workers_are_sealed_too(run, request):
    """A kernel on a worker sees no TCP listener and reaches none (it shared the worker's network:
    the scheduler and workers listen on TCP), and reads nothing outside its folder."""
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed here")
    course, results, _, _ = request.getfixturevalue(run)

    def outputs(student):
        path = course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb"
        return json.dumps([output for cell in nbformat.read(path, as_version=4).cells
                           for output in cell.get("outputs", [])])

    assert "LISTENERS 0 CONNECTED 0" in outputs("network"), outputs("network")
    assert "LEAKED" not in outputs("snoop") and "WROTE OUTSIDE" not in outputs("snoop")
    assert outputs("snoop").count("BLOCKED") == 4
    assert results["network"].score == results["snoop"].score == 4


def graded_once(course, student):
    """The gradebook holds exactly one submission of ``student`` with one grade per test cell."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assignment = gradebook.find_assignment(CHAPTER)
        mine = [s for s in assignment.submissions if s.student.id == student]
        grades = sorted(g.name for s in mine for n in s.notebooks for g in n.grades)
    return len(mine) == 1 and grades == ["test_double", "test_negate", "test_square"]


@pytest.mark.parametrize("run", ["local_run", "processes_run"])
def test_a_submission_whose_worker_died_is_graded_again_elsewhere_exactly_once(run, request):
    course, results, _, killed = request.getfixturevalue(run)
    assert killed is not None, "the slow student's grading never started"
    tries = starts(course, "slow")
    assert len(tries) == 2 and tries[0] == killed
    assert tries[1]["worker"] != killed["worker"] and tries[1]["pid"] != killed["pid"]
    assert results["slow"].score == 4
    assert [p for p in results["slow"].problems if p.startswith("graded again")] == [
        f"graded again after its worker died (2 tries, on {killed['worker']}, "
        f"{tries[1]['worker']})"]
    assert graded_once(course, "slow")
    others = [s for s in results if s != "slow" and (course / STAGING / "tries" / s).exists()]
    for student in others:  # started once, or retried too (it shared the killed worker) and said so
        assert graded_once(course, student), student
        assert len(starts(course, student)) == 1 or any(
            p.startswith("graded again") for p in results[student].problems), student


def test_a_submission_that_kills_every_worker_is_given_up_and_the_rest_are_graded(
        blank_course, tmp_path_factory):
    course = copy_of(blank_course, tmp_path_factory, "killer")
    put(course, "killer", fill_answers(release(course), KILLER))
    for student in ("lou", "max"):  # after "killer": its workers' restarts overlap their grading
        put(course, student, fill_answers(release(course), answers()))
    results, note = grade(CHAPTER, course, cluster="local:2", sandbox="off", tries=2, **LIMITS)
    print(table(results))
    results = rows(results)
    tries = starts(course, "killer")
    assert len(tries) == 2 and tries[0]["pid"] != tries[1]["pid"]
    assert results["killer"].score == 0
    assert results["killer"].problems[0].startswith(
        "not graded: its worker died each of the 2 times it was graded (on ")
    assert "killer" not in read_scores(course, CHAPTER)
    assert all(results[s].score == 4 and results[s].problems == [] for s in ("lou", "max"))
    assert note.startswith("sandbox: OFF")


def test_a_lost_scheduler_stops_the_run_and_the_next_run_grades_only_the_rest(
        blank_course, processes_run, processes_cluster, tmp_path_factory):
    from distributed import Client

    course = copy_of(blank_course, tmp_path_factory, "lost")
    students = ["s0", "s1"]  # one worker: the scheduler dies while it grades the second
    for student in students:
        put(course, student, fill_answers(release(course), SLOW))
    journal = course / STAGING / f"{CHAPTER}.journal"
    scheduler_file, scheduler, _ = processes_cluster  # processes_run killed one of its 2 hosts
    with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
        assert len(client.scheduler_info()["workers"]) == 1

    def kill_after_first():
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not (
                journal.exists() and journal.read_text().count("\n") >= 1):
            time.sleep(0.1)
        kill_tree(scheduler.pid)

    killer = threading.Thread(target=kill_after_first, daemon=True)
    killer.start()
    started = time.monotonic()
    with pytest.raises(RunStopped) as stopped:
        grade(CHAPTER, course, cluster=str(scheduler_file), **LIMITS)
    assert time.monotonic() - started < 600
    killer.join(timeout=5)
    message = str(stopped.value)
    assert message.startswith("lost the Dask scheduler at tcp://127.0.0.1:")
    assert "run the same command again" in message
    done = [line.split('"')[3] for line in journal.read_text().splitlines()]
    assert 1 <= len(done) < len(students)
    graded_at = {s: (course / "autograded" / s / CHAPTER / f"{CHAPTER}.ipynb").stat().st_mtime
                 for s in done}

    with dask_cluster(course.parent / "dask2", workers=1) as (scheduler_file, _, _):
        results, note = grade(CHAPTER, course, cluster=str(scheduler_file), **LIMITS)
    assert {r.student: r.score for r in results} == dict.fromkeys(students, 4.0)
    for student in students:
        tried = starts(course, student)
        assert (tried == []) == (student in done), student
    assert graded_at == {s: (course / "autograded" / s / CHAPTER / f"{CHAPTER}.ipynb")
                         .stat().st_mtime for s in done}
    assert f"resumed an interrupted run: {len(done)} submission(s)" in note
    assert not journal.exists()


def test_sqlite_is_refused_on_a_remote_cluster_and_allowed_on_loopback(
        blank_course, monkeypatch, capsys):
    sqlite = f"sqlite:///{blank_course / 'gradebook.db'}"
    with pytest.raises(RunStopped, match=r"refusing to grade into SQLite .*postgresql://"):
        grade(CHAPTER, blank_course, cluster="tcp://192.0.2.7:8786", **LIMITS)
    monkeypatch.chdir(blank_course)  # the command line grades the course in the working folder
    capsys.readouterr()
    assert main(["grade", CHAPTER, "--cluster", "tcp://192.0.2.7:8786"]) == 1
    refused = capsys.readouterr()
    assert refused.out == ""
    assert refused.err.startswith("error: refusing to grade into SQLite")
    assert refused.err.count("\n") == 1
    with pytest.raises(RunStopped, match="on the cluster at grading-head:8786: "):
        check_gradebook("grading-head:8786", sqlite)
    for local in ("local:4", "tcp://127.0.0.1:8786", "localhost:8786", "tcp://[::1]:8786"):
        assert on_this_machine(local), local
        check_gradebook(local, sqlite)
    check_gradebook("tcp://192.0.2.7:8786", "postgresql://grader@db/gradebook")


def test_an_unreachable_scheduler_is_a_clear_error():
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), \
            pytest.raises(RunStopped, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        with connect("tcp://127.0.0.1:9"):  # what grade() calls once the class is staged
            pass
