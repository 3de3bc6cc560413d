"""Grading on Dask: the local pool vs ``--cluster local:2`` vs a separate-process cluster.

For each class size (30 and 200 copies of one chapter's answered notebook, as in
``benchmarks.grading``), three graders run from the command line on their own copy of the course:

- ``python -m course grade CHAPTER --workers 2`` (the local pool, today's default);
- ``python -m course grade CHAPTER --cluster local:2`` (a LocalCluster started by the command);
- ``python -m course grade CHAPTER --cluster scheduler.json``: ``dask scheduler`` and two
  ``dask worker --nthreads 1`` processes on 127.0.0.1, started before the clock starts (a cluster
  outlives one run); their start-up is reported apart.

Every grader must give every submission full marks. Reported per grader and size: wall time and
seconds per submission; from the two sizes, the marginal cost of one more submission (the slope)
and the fixed cost of a run (the intercept), and the cluster's overhead per submission over the
local pool (difference of slopes). The slope times the worker count is the core-seconds one
notebook costs, from which README derives the throughput per core.

    python -m benchmarks.grading_cluster [--sizes 30 200] [--chapter ch02_autograd]
    python -m benchmarks.grading_cluster --sizes 200 --graders processes  # one missing row

With ``--graders`` (a subset of pool, local, processes) only those graders run and the results go
to ``results/grading_cluster-<graders>.json``, so a partial run never overwrites the full table.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    RESULTS,
    header,
    load_average,
    machine_info,
    table,
    write_results,
)
from benchmarks.grading import DEFAULT_CHAPTER, _check_full_marks, _copy, _timed, prepare
from tests.grade.dask_processes import dask_cluster  # the same loopback cluster as the tests

WORKERS = 2
GRADERS = {"pool": "local pool (--workers 2)", "local": "LocalCluster (--cluster local:2)",
           "processes": "separate processes (dask scheduler + 2 dask worker)"}


def grade_size(chapter: str, submissions: int, save=None, graders_run=tuple(GRADERS)) -> dict:
    """Time the graders ``graders_run`` on ``submissions`` copies of ``chapter``; ``save`` each row.
    """
    from benchmarks.notebooks import execute

    graders: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        course_dir, plain = prepare(Path(tmp), chapter, submissions)
        plain_s = execute(plain)["wall_s"]
        course = [sys.executable, "-m", "course", "grade", chapter, "--no-progress"]
        commands = {"pool": [*course, "--workers", str(WORKERS)],
                    "local": [*course, "--cluster", f"local:{WORKERS}"],
                    "processes": None}
        runs = {GRADERS[key]: commands[key] for key in GRADERS if key in graders_run}
        size = {"submissions": submissions, "plain_execution_s": round(plain_s, 3),
                "graders": graders}
        for index, (name, command) in enumerate(runs.items()):
            copy = _copy(course_dir, f"run{index}")
            extra = {"load_average_before": load_average()}
            if command is None:
                started = time.perf_counter()
                with dask_cluster(Path(tmp) / "dask", WORKERS) as (scheduler_file, _, _):
                    extra["cluster_start_s"] = round(time.perf_counter() - started, 2)
                    command = [*course, "--cluster", str(scheduler_file)]
                    elapsed, _ = _timed(command, copy)
            else:
                elapsed, _ = _timed(command, copy)
            extra["load_average_after"] = load_average()
            print(f"  {submissions} x {chapter}: {name}: {elapsed:.1f} s (load average "
                  f"{extra['load_average_before']} before, {extra['load_average_after']} after)",
                  flush=True)  # before the check, so a run that fails it still shows its time
            _check_full_marks(copy, chapter, submissions, name)
            graders[name] = {"command": " ".join(command[2:]), "workers": WORKERS,
                             "wall_s": round(elapsed, 2),
                             "per_submission_s": round(elapsed / submissions, 3), **extra}
            shutil.rmtree(copy, ignore_errors=True)
            if save:
                save(size)  # a run stopped later keeps what it measured
    return size


def fit(sizes: list[dict]) -> dict[str, dict]:
    """Per grader timed at both sizes: seconds per extra submission (slope) and per run."""
    small, large = sizes[0], sizes[-1]
    fitted = {}
    for name in [n for n in small["graders"] if n in large["graders"]]:
        a, b = small["graders"][name]["wall_s"], large["graders"][name]["wall_s"]
        slope = (b - a) / (large["submissions"] - small["submissions"])
        fitted[name] = {"marginal_s": round(slope, 3), "fixed_s": round(a - slope *
                                                                       small["submissions"], 1),
                        "core_s_per_notebook": round(slope * WORKERS, 3)}
    pool = fitted.get(GRADERS["pool"], {}).get("marginal_s")
    for values in fitted.values():  # None when the pool was not timed
        values["overhead_vs_pool_s"] = None if pool is None else round(values["marginal_s"] - pool,
                                                                       3)
    return fitted


def run(quick: bool = False, chapter: str = DEFAULT_CHAPTER,
        sizes: list[int] | None = None, graders: list[str] | None = None) -> dict:
    from course.assign.build import resolve

    graders = [key for key in GRADERS if key in (graders or GRADERS)]
    name = ("grading_cluster" if graders == list(GRADERS)
            else f"grading_cluster-{'-'.join(graders)}")
    chapter = resolve([chapter], Path(__file__).resolve().parent.parent)[0]
    sizes = sorted(sizes or ([4, 8] if quick else [30, 200]))
    machine = machine_info()
    print(header(f"grading on Dask: {', '.join(map(str, sizes))} submissions of {chapter}",
                 machine), flush=True)
    measured: list[dict] = []

    def save(size: dict | None = None, complete: bool = False) -> dict:
        done = measured + ([size] if size else [])
        payload = {"name": name, "machine": machine, "quick": quick,
                   "chapter": chapter, "complete": complete, "sizes": done,
                   "fit": fit(done) if len(done) > 1 else {}}
        write_results(name, payload)
        return payload

    for count in sizes:
        measured.append(grade_size(chapter, count, save, graders))
    payload = save(complete=True)
    print_table(payload)
    path = RESULTS / f"{name}.json"
    print(f"wrote {path}")
    return payload


def print_table(payload: dict) -> None:
    rows = []
    for size in payload["sizes"]:
        for name, g in size["graders"].items():
            rows.append([name, size["submissions"], g["wall_s"], g["per_submission_s"],
                         g.get("cluster_start_s")])
    print(table(["grader", "submissions", "wall s", "s / submission", "cluster start s"], rows))
    if payload["fit"]:
        rows = [[name, f["marginal_s"], f["core_s_per_notebook"], f["fixed_s"],
                 f["overhead_vs_pool_s"]] for name, f in payload["fit"].items()]
        print(table(["grader", "s per extra submission", "core-s per notebook", "fixed s per run",
                     "overhead vs pool s / submission"], rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grading_cluster",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 and 8 submissions")
    parser.add_argument("--chapter", default=DEFAULT_CHAPTER)
    parser.add_argument("--sizes", type=int, nargs="+", default=None,
                        help="class sizes (default: 30 200)")
    parser.add_argument("--graders", nargs="+", choices=list(GRADERS), default=None,
                        help="run only these graders (default: all three)")
    args = parser.parse_args(argv)
    run(quick=args.quick, chapter=args.chapter, sizes=args.sizes, graders=args.graders)
    return 0


if __name__ == "__main__":
    sys.exit(main())
