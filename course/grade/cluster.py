"""``course grade --cluster``: one task per submission on a Dask ``distributed`` cluster.

The cluster is ``local:N`` (a ``LocalCluster`` of N one-thread worker processes here), a scheduler
address (``tcp://host:8786``: ``dask scheduler``, dask-jobqueue, dask-kubernetes) or a scheduler
file. Each worker gets ``GraderPlugin``: set up once per worker, it does what the local pool's
initializer does (nbgrader on PATH, a private scratch folder, the kernels' cgroups where the
worker can make them) and starts the worker's kernel fork server; torn down with the worker, it
stops them.
Each task grades one staged submission with ``run._autograde_one``, the local pool's function.
The course folder must be at the same path on every worker (a shared file system).

Faults: when a worker dies mid-submission the scheduler runs the task again on another worker;
each start is written to ``.grading/tries/<student>``, so the table says so. A submission whose
worker died on each of ``tries`` starts is given up and reported. A lost scheduler stops the run
with ``ClusterLost``; ``run.grade``'s journal lets the next run grade only what is missing.
"""

import contextlib
import ipaddress
import json
import os
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import dask
from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

from course.grade.limits import ENV, run_cgroups
from course.grade.run import RunStopped, _autograde_one
from course.grade.staging import STAGING

PLUGIN = "course-grader"
TRIES = 3  # starts of one submission whose worker died before it is given up


class ClusterLost(RunStopped):
    """The scheduler went away in the middle of the run."""


class GraderPlugin(WorkerPlugin):
    """Per worker: grading environment and kernel fork server up at start, down at close.

    Args:
        sandbox: "auto" (bubblewrap when this worker can), "on" (required) or "off".
        kernels: "fork" (a fork server per worker, started at set-up) or "fresh".
        threads: OMP_NUM_THREADS for kernels; None keeps the worker's (Dask sets "1").
    """

    name = PLUGIN

    def __init__(self, sandbox: str, kernels: str, threads: str | None):
        self.mode, self.kernels, self.threads = sandbox, kernels, threads
        self.sandbox, self.refusal, self.scratch, self.saved = False, None, None, {}
        self.lock = self.cgroups = None

    def setup(self, worker) -> None:
        from course.grade import sandbox, zygote

        self.lock = threading.Lock()  # the fork server serves one kernel at a time
        available = self.mode != "off" and sandbox.available()
        self.sandbox = self.mode == "on" or (self.mode == "auto" and available)
        if self.mode == "on" and not available:
            self.refusal = (f"--sandbox on, but bubblewrap cannot create a sandbox on worker "
                            f"{worker.address} (Debian: apt-get install bubblewrap)")
        self.scratch = Path(tempfile.mkdtemp(prefix="course-grade-"))
        scripts = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
        self.cgroups = contextlib.ExitStack()  # this worker's kernels' limits, when it can
        folders = self.cgroups.enter_context(run_cgroups(
            f"course-grade-{os.getpid()}-{self.scratch.name}")) if self.sandbox else []
        env = {"PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
               "COURSE_SANDBOX_SCRATCH": str(self.scratch),
               "COURSE_ZYGOTE_SANDBOX": "1" if self.sandbox else "0",
               "COURSE_ZYGOTE_PRELOAD": "1" if self.kernels == "fork" else "0",
               ENV: os.pathsep.join(str(folder) for folder in folders)}
        if self.threads:
            env["OMP_NUM_THREADS"] = self.threads
        self.saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        if self.kernels == "fork" and not self.refusal:
            zygote.zygote()  # torch is imported while the first task is on its way

    def teardown(self, worker) -> None:
        from course.grade import zygote

        zygote.stop()
        if self.cgroups is not None:
            self.cgroups.close()
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def grade_submission(job: tuple) -> tuple[str, str | None, bool]:
    """Task: record this start, then grade one staged submission as the local pool does.

    Returns:
        (student, error or None, whether the kernel ran in the sandbox).
    """
    course_dir, chapter, student = job[:3]
    worker = get_worker()
    plugin = worker.plugins[PLUGIN]
    staged = Path(course_dir) / STAGING / "submitted" / student / chapter / f"{chapter}.ipynb"
    if not staged.exists():
        return student, (f"not graded: the course folder {course_dir} is not visible on worker "
                         f"{worker.address}: every worker needs it at the same path (a shared "
                         "file system)"), plugin.sandbox
    if plugin.refusal:
        return student, f"not graded: {plugin.refusal}", plugin.sandbox
    with plugin.lock:
        with _tries_file(course_dir, student).open("a") as handle:
            handle.write(json.dumps({"worker": worker.address, "pid": os.getpid()}) + "\n")
        student, error = _autograde_one((*job[:3], plugin.sandbox, *job[4:]))
    return student, error, plugin.sandbox


def _tries_file(course_dir, student: str) -> Path:
    return Path(course_dir) / STAGING / "tries" / student


def starts(course_dir: Path, student: str) -> list[dict]:
    """Every recorded start of ``student``'s grading in this run: worker address and pid."""
    path = _tries_file(course_dir, student)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _address(cluster: str) -> str:
    """The scheduler address behind ``cluster`` (a scheduler file is read)."""
    path = Path(cluster)
    if cluster.endswith(".json") and path.exists():
        return json.loads(path.read_text())["address"]
    return cluster


def on_this_machine(cluster: str) -> bool:
    """True for ``local:N`` and a scheduler on a loopback address; a host name counts as remote."""
    address = _address(cluster)
    if address.startswith(("local:", "inproc://")):
        return True
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_gradebook(cluster: str, db_url: str) -> None:
    """Refuse an SQLite gradebook on a cluster whose workers may be on other machines."""
    if db_url.startswith("sqlite") and not on_this_machine(cluster):
        raise RunStopped(
            f"refusing to grade into SQLite ({db_url}) on the cluster at {_address(cluster)}: "
            "its workers may run on other machines, and an SQLite file must be written from one "
            "machine only (file locks over a shared file system are not reliable). Set "
            "c.CourseDirectory.db_url = \"postgresql://user@dbhost/gradebook\" in "
            "nbgrader_config.py; on one machine, use --cluster local:N or a scheduler on "
            "127.0.0.1.")


@contextmanager
def connect(cluster: str, tries: int = TRIES) -> Iterator[Client]:
    """A client of ``cluster``; for ``local:N``, a LocalCluster started for this run."""
    if cluster.startswith("local:"):
        count = int(cluster.split(":", 1)[1])
        settings = {"distributed.scheduler.allowed-failures": tries - 1,  # then KilledWorker
                    "distributed.scheduler.worker-saturation": 1.0}  # no task waits behind one
        with dask.config.set(settings), LocalCluster(
                n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None) as local, Client(local) as client:
            yield client
        return
    path = Path(cluster)
    try:
        client = (Client(scheduler_file=str(path)) if cluster.endswith(".json") and path.exists()
                  else Client(cluster))
    except OSError as error:
        raise RunStopped(f"cannot reach the Dask scheduler at {cluster}: {error}") from error
    with client:
        yield client


class ClusterGrading:
    """Iterate to grade ``jobs`` on ``client``'s cluster: yields (student, problems) as each ends.

    Args:
        client: a connected ``distributed.Client``.
        jobs: the tuples ``run._autograde_one`` takes, one per staged submission.
        plugin: the worker plugin to register first.
        tries: starts of one submission whose worker died before it is given up.
    """

    def __init__(self, client: Client, jobs: list[tuple], plugin: GraderPlugin,
                 tries: int = TRIES):
        self.client, self.jobs, self.plugin, self.tries = client, jobs, plugin, tries
        self.unsandboxed: set[str] = set()  # students whose kernel ran outside the sandbox
        self.given_up: set[str] = set()  # students whose every worker died
        self.finished = 0

    def _submit(self, job: tuple):
        return self.client.submit(grade_submission, job, pure=False,
                                  key=f"course-grade-{job[2]}-{uuid.uuid4().hex[:8]}")

    def __iter__(self):
        if not self.jobs:
            return
        course_dir = Path(self.jobs[0][0])
        (course_dir / STAGING / "tries").mkdir(parents=True, exist_ok=True)
        self.client.register_plugin(self.plugin)
        pending = {}
        for job in self.jobs:
            pending[self._submit(job)] = job
        completed = as_completed(list(pending))
        for future in completed:
            job = pending.pop(future)
            student, problems = job[2], []
            try:
                _, error, sandboxed = future.result()
                problems += [error] if error else []
                if not sandboxed:
                    self.unsandboxed.add(student)
            except KilledWorker:
                ran = starts(course_dir, student)
                if len(ran) < self.tries:  # queued behind a worker that died, or a try left
                    retry = self._submit(job)
                    pending[retry] = job
                    completed.add(retry)
                    continue
                self.given_up.add(student)
                problems.append(f"not graded: its worker died each of the {len(ran)} times it "
                                f"was graded (on {_workers(ran)}); given up")
            except CancelledError as error:
                self._stop(error)
            except Exception as error:  # noqa: BLE001 - the task failed; the others go on
                problems.append(f"not graded: {type(error).__name__}: {error}")
            finally:
                # Let go of the result: a collected submission whose worker dies later must not
                # be graded a second time (the scheduler recomputes what a client still holds).
                future.release()
            ran = starts(course_dir, student)
            if len(ran) > 1 and student not in self.given_up:
                problems.append(f"graded again after its worker died ({len(ran)} tries, on "
                                f"{_workers(ran)})")
            self.finished += 1
            yield student, problems

    def _stop(self, error: BaseException):
        left = len(self.jobs) - self.finished
        raise ClusterLost(
            f"lost the Dask scheduler at {self.client.scheduler.address} with {left} of "
            f"{len(self.jobs)} submissions not graded ({error}). The {self.finished} graded "
            "ones are in the gradebook; run the same command again (with a scheduler) to grade "
            "only the rest.") from error


def _workers(ran: list[dict]) -> str:
    return ", ".join(dict.fromkeys(entry["worker"] for entry in ran))
