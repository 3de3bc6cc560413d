"""course/grade/pool.py: a worker that dies or hangs costs a retry, then a report; never the run."""

import os
import time
from pathlib import Path

from course.grade.pool import run_jobs


def job(spec: tuple[str, str]) -> str:
    """A test job: ``(kind, marker folder)``; runs in a spawned worker."""
    kind, folder = spec
    marker = Path(folder) / kind
    first = not marker.exists()
    marker.write_text(marker.read_text() + "x" if marker.exists() else "x")
    if kind.startswith("dies") and (first or kind == "dies-always"):
        os._exit(9)  # as the OOM killer would end it
    if kind.startswith("hangs") and (first or kind == "hangs-always"):
        time.sleep(600)
    if kind == "raises":
        raise ValueError("bad job")
    return f"{kind} done in {os.getpid()}"


def outcomes(kinds, tmp_path, **options):
    jobs = [(kind, str(tmp_path)) for kind in kinds]
    return {spec[0]: (status, value) for spec, status, value in run_jobs(job, jobs, **options)}


def test_a_job_whose_worker_dies_is_retried_once_then_reported_and_others_finish(tmp_path):
    start = time.monotonic()
    got = outcomes(["ok-1", "dies-once", "dies-always", "ok-2", "raises"], tmp_path, workers=2,
                   job_timeout=60)
    assert time.monotonic() - start < 30
    assert got["ok-1"][0] == got["ok-2"][0] == got["dies-once"][0] == "ok"
    assert got["dies-always"] == ("lost", "not graded: its grading worker was lost 2 times "
                                          "(it died)")
    assert got["raises"] == ("error", "ValueError: bad job")
    assert (tmp_path / "dies-always").read_text() == "xx"
    assert (tmp_path / "dies-once").read_text() == "xx"


def test_a_hung_job_is_killed_at_its_deadline_retried_and_reported(tmp_path):
    start = time.monotonic()
    got = outcomes(["hangs-once", "hangs-always", "ok"], tmp_path, workers=2, job_timeout=3)
    assert got["ok"][0] == got["hangs-once"][0] == "ok"
    assert got["hangs-always"] == ("lost", "not graded: its grading worker was lost 2 times "
                                           "(it ran past 3 s)")
    assert time.monotonic() - start < 30


def test_the_overall_deadline_ends_the_run_with_an_outcome_for_every_job(tmp_path):
    start = time.monotonic()
    got = outcomes(["ok", "hangs-always", "queued"], tmp_path, workers=1, job_timeout=60,
                   total_timeout=4)
    assert time.monotonic() - start < 20
    assert got["ok"][0] == "ok"
    for kind in ("hangs-always", "queued"):
        assert got[kind] == ("lost", "not graded: the grading run reached its overall time "
                                     "limit (4 s)")
