"""Grading workers that no submission can stop: a dead or hung worker costs one retry, not the run.

``multiprocessing.Pool`` loses the task of a worker the OOM killer takes and then waits for it
forever; a worker stuck on a stopped fork server hangs it the same way. Here every worker has its
own pipe, the parent waits on the pipes and the workers' sentinels with a deadline, replaces a
worker that died or overran its job's time, runs that job once more, and reports it after a
second loss. An overall deadline ends the run; every job then has an outcome, so the table prints.
"""

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait

LOST = "not graded: its grading worker was lost {tries} times (it {how})"
OVERALL = "not graded: the grading run reached its overall time limit ({seconds:.0f} s)"


def _serve(conn, function: Callable, initializer: Callable | None, initargs: tuple) -> None:
    """Worker loop: run ``function`` on each job received until the parent sends ``None``."""
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = ("ok", function(job))
        except Exception as error:  # noqa: BLE001 - reported for this job, the worker goes on
            outcome = ("error", f"{type(error).__name__}: {error}")
        conn.send(outcome)


class _Worker:
    def __init__(self, context, function, initializer, initargs):
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(theirs, function, initializer, initargs))
        self.process.start()
        theirs.close()
        self.job, self.tries, self.deadline = None, 0, None

    def give(self, job, tries: int, seconds: float) -> None:
        self.job, self.tries, self.deadline = job, tries, time.monotonic() + seconds
        self.conn.send(job)

    def kill(self) -> None:
        """Kill the worker (its fork server and sandboxed kernels die with it)."""
        try:
            os.kill(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.kill()


def run_jobs(function: Callable, jobs: list, workers: int, job_timeout: float,
             total_timeout: float | None = None, initializer: Callable | None = None,
             initargs: tuple = (), retries: int = 1) -> Iterator[tuple[object, str, object]]:
    """Run ``function(job)`` for every job in spawned worker processes; yield each outcome.

    Args:
        function: a picklable top-level function, run in a worker.
        jobs: picklable jobs.
        workers: parallel worker processes.
        job_timeout: seconds one job may take before its worker is killed and replaced.
        total_timeout: seconds for the whole run; ``None``: enough for every job to use
            its retries and its whole time.
        initializer: run once in each new worker with ``initargs``.
        retries: how often a job whose worker died or overran is run again.

    Yields:
        ``(job, "ok", value)``, ``(job, "error", message)`` when ``function`` raised, or
        ``(job, "lost", message)`` when the job lost its worker more than ``retries`` times or
        the overall deadline came first.
    """
    context = multiprocessing.get_context("spawn")
    queue = deque((job, 0) for job in jobs)
    workers = max(1, min(workers, len(jobs)))
    if total_timeout is None:
        rounds = -(-len(jobs) * (retries + 1) // workers)
        total_timeout = job_timeout * (rounds + 1)
    end = time.monotonic() + total_timeout
    pool: list[_Worker] = []
    try:
        while queue or any(w.job is not None for w in pool):
            while len(pool) < workers and queue:
                pool.append(_Worker(context, function, initializer, initargs))
            for worker in pool:
                if worker.job is None and queue:
                    worker.give(*queue.popleft(), job_timeout)
            now = time.monotonic()
            if now >= end:
                for worker in [w for w in pool if w.job is not None]:
                    worker.kill()
                    pool.remove(worker)
                    yield worker.job, "lost", OVERALL.format(seconds=total_timeout)
                for job, _ in queue:
                    yield job, "lost", OVERALL.format(seconds=total_timeout)
                queue.clear()
                break
            busy = [w for w in pool if w.job is not None]
            nearest = min([w.deadline for w in busy] + [end]) - now
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         timeout=max(0.0, min(nearest, 1.0)))
            for worker in list(busy):
                outcome, how = None, None
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                    except (EOFError, OSError):
                        how = "died"
                elif worker.process.sentinel in ready:
                    how = "died"
                elif time.monotonic() >= worker.deadline:
                    how = f"ran past {job_timeout:.0f} s"
                if outcome is not None:
                    job, worker.job = worker.job, None
                    yield job, outcome[0], outcome[1]
                    continue
                if how is None:
                    continue
                job, worker.job = worker.job, None
                worker.kill()
                pool.remove(worker)
                tries = worker.tries + 1
                if tries > retries:
                    yield job, "lost", LOST.format(tries=tries, how=how)
                else:
                    queue.appendleft((job, tries))
    finally:
        for worker in pool:
            if worker.job is None:
                worker.stop()
            else:
                worker.kill()
