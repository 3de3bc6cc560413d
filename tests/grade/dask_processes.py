"""A Dask scheduler and workers as separate processes on loopback, for the cluster tests.

``dask scheduler`` and each ``dask worker`` (one one-thread worker under its nanny) run in their
own process session bound to 127.0.0.1 only; ``kill_host`` kills one worker's whole process tree
(nanny, worker, fork server, kernels), as if its machine went down.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

DASK = str(Path(sys.executable).parent / "dask")


def _start(command: list[str], log: Path, env: dict) -> subprocess.Popen:
    with log.open("ab") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def kill_tree(pid: int) -> None:
    """SIGKILL a process and every process below it."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for process in tree:
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(tree, timeout=10)


def host_of(worker_pid: int) -> int:
    """The ``dask worker`` process (the nanny's) that started the worker process ``worker_pid``."""
    return psutil.Process(worker_pid).parent().pid


@contextmanager
def dask_cluster(folder: Path, workers: int = 2, environ: dict | None = None):
    """Start a scheduler and ``workers`` workers; yield (scheduler file, scheduler Popen, workers).

    Everything still running is killed on exit.
    """
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    scheduler_file.unlink(missing_ok=True)
    env = dict(os.environ, **(environ or {}))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    started = [_start([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(scheduler_file)], folder / "scheduler.log", env)]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists():
            assert started[0].poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start in 120 s"
            time.sleep(0.2)
        for index in range(workers):
            started.append(_start(
                [DASK, "worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1",
                 "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--death-timeout", "120",
                 "--name", f"worker{index}"], folder / f"worker{index}.log", env))
        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(workers, timeout=180)
        yield scheduler_file, started[0], started[1:]
    finally:
        for process in started:
            kill_tree(process.pid)
            process.wait()
