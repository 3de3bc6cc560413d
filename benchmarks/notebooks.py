"""Execution time of every solution notebook and of the whole ``pytest --nbval solutions/`` run.

Each notebook is executed with nbclient exactly as a fresh kernel would run it (kernel start and
shutdown included), ``--runs`` times (interleaved over the chapters), and the median is reported
with the slowest cells of the median run. The client polls for replies in short steps: the stock
client now and then waits out the whole cell timeout after an ``interact`` cell
(jupyter/nbclient#312); ``--stock-client`` measures without that, and every run reports any cell
whose reply reached the client more than 2 s after the kernel finished it. The nbval suite runs
serial and with pytest-xdist (``-n 2 --dist loadfile``), each ``--runs`` times.

    python -m benchmarks.notebooks [--quick] [--runs N] [--chapters ch01 ch03]
"""

import argparse
import datetime
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import (
    ROOT,
    header,
    machine_info,
    mark,
    median,
    table,
    target,
    venv_env,
    write_results,
)

CHAPTER_TARGET_S = 15.0
COURSE_TARGET_S = 90.0
TEST_CELLS_TARGET_S = 3.0  # issue 15: a chapter's test cells together add at most 3 s
NBVAL_ADDOPTS = ("--nbval --nbval-sanitize-with tests/sanitize.cfg --nbval-current-env")
PYTEST_MODES = {
    "serial": [],
    "xdist -n 2 --dist loadfile": ["-n", "2", "--dist", "loadfile"],
}


def solution_notebooks(names: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """Every ``solutions/<chapter>/<chapter>.ipynb`` for the chapters in ``source/``."""
    from course.assign.build import chapters, resolve

    picked = resolve(names, root) if names else chapters(root)
    paths = [root / "solutions" / c / f"{c}.ipynb" for c in picked]
    return [p for p in paths if p.exists()]


def _seconds(start: str, end: str) -> float:
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def _client_class(short_polls: bool):
    from nbclient import NotebookClient

    from course.grade.polling import ShortPolls

    if not short_polls:
        return NotebookClient

    class ShortPollClient(ShortPolls, NotebookClient):
        """The client the grader and the build use: replies polled in short steps."""

    return ShortPollClient


def execute(path: Path, timeout: int = 600, short_polls: bool = True) -> dict:
    """Run one notebook in a fresh kernel; wall time (kernel start included) and cell times.

    ``stalls`` lists the cells whose reply reached the client more than 2 s after the kernel
    finished them (the nbclient wake-up problem that ``short_polls`` works around).
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    sent: dict[int, float] = {}
    waited: dict[int, float] = {}

    def on_execute(cell, cell_index, **_):
        sent[cell_index] = time.perf_counter()

    def on_executed(cell, cell_index, **_):
        waited[cell_index] = time.perf_counter() - sent.get(cell_index, time.perf_counter())

    # The kernel runs in a private folder: a rebuild of solutions/ during the run must not pull
    # the working directory from under it (the notebooks read no files next to themselves).
    with tempfile.TemporaryDirectory(prefix="bench-nb-") as workdir:
        client = _client_class(short_polls)(
            nb, timeout=timeout, record_timing=True, allow_errors=False,
            resources={"metadata": {"path": workdir}}, on_cell_execute=on_execute,
            on_cell_executed=on_executed)
        start = time.perf_counter()
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's 'running over TCP' warning
        wall = time.perf_counter() - start
    cells, stalls, test_cells_s = [], [], 0.0
    for index, cell in enumerate(nb.cells):
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            seconds = _seconds(timing["iopub.execute_input"], timing["shell.execute_reply"])
            cells.append({"cell": index, "seconds": round(seconds, 3), "first_line": first})
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):  # an exercise's checks
                test_cells_s += seconds
            if waited.get(index, 0) - seconds > 2.0:
                stalls.append({"cell": index, "kernel_s": round(seconds, 3),
                               "client_s": round(waited[index], 3), "first_line": first})
    in_cells = sum(c["seconds"] for c in cells)
    return {"wall_s": round(wall, 3), "cells_s": round(in_cells, 3),
            "test_cells_s": round(test_cells_s, 3),
            "kernel_and_overhead_s": round(wall - in_cells, 3),
            "slowest_cells": sorted(cells, key=lambda c: -c["seconds"])[:5], "stalls": stalls}


def run_pytest(extra: list[str], timeout: int = 1800) -> dict:
    """One ``python -m pytest solutions/`` run with the nbval options; wall time and counts."""
    command = [sys.executable, "-m", "pytest", "solutions/", "-q", "-p", "no:cacheprovider",
               "-o", f"addopts={NBVAL_ADDOPTS}", *extra]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=venv_env(), capture_output=True, text=True,
                            timeout=timeout)
    wall = time.perf_counter() - start
    tail = (result.stdout + result.stderr).strip().splitlines()
    summary = next((line for line in reversed(tail) if " in " in line and (
        "passed" in line or "failed" in line or "error" in line)), tail[-1] if tail else "")
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|errors?|skipped)",
                                                     summary)}
    failed = [line.split(" - ")[0] for line in tail if line.startswith(("FAILED ", "ERROR "))]
    return {"wall_s": round(wall, 3), "returncode": result.returncode, "summary": summary.strip(
        "= "), "counts": counts, "failed": failed, "command": " ".join(command[1:])}


def run(quick: bool = False, runs: int | None = None, chapters: list[str] | None = None,
        pytest_runs: int | None = None, short_polls: bool = True) -> dict:
    runs = runs or (1 if quick else 3)
    pytest_runs = pytest_runs or (1 if quick else runs)
    machine = machine_info()
    print(header("notebooks: solution notebooks executed with nbclient", machine), flush=True)
    paths = solution_notebooks(chapters)
    samples: dict[str, list[dict]] = {p.parent.name: [] for p in paths}
    errors: dict[str, list[str]] = {p.parent.name: [] for p in paths}
    for attempt in range(runs):
        for path in paths:
            try:
                sample = execute(path, short_polls=short_polls)
            except Exception as error:  # noqa: BLE001 - recorded; the other runs go on
                first = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
                errors[path.parent.name].append(f"{type(error).__name__}: "
                                                f"{first[-1] if first else ''}"[:300])
                print(f"  run {attempt + 1}/{runs} {path.parent.name}: FAILED "
                      f"({errors[path.parent.name][-1]})", flush=True)
                continue
            samples[path.parent.name].append(sample)
            stalled = "".join(f"; cell {x['cell']} stalled {x['client_s'] - x['kernel_s']:.0f} s"
                              for x in sample["stalls"])
            print(f"  run {attempt + 1}/{runs} {path.parent.name}: {sample['wall_s']:.2f} s"
                  f"{stalled}", flush=True)
    per_chapter = {}
    for chapter, results in samples.items():
        if not results:
            per_chapter[chapter] = {"median_s": None, "runs_s": [], "errors": errors[chapter],
                                    "kernel_and_overhead_s": None, "slowest_cells": [],
                                    "met": None}
            continue
        walls = [r["wall_s"] for r in results]
        mid = sorted(results, key=lambda r: r["wall_s"])[len(results) // 2]
        per_chapter[chapter] = {
            "median_s": round(median(walls), 3), "runs_s": walls, "errors": errors[chapter],
            "kernel_and_overhead_s": mid["kernel_and_overhead_s"],
            "test_cells_s": mid["test_cells_s"],
            "slowest_cells": mid["slowest_cells"],
            "stalls": [x for r in results for x in r["stalls"]],
            "met": median(walls) < CHAPTER_TARGET_S,
            # a run far slower than the median is kept whole: where did its time go?
            "outliers": [{"run": index + 1, "wall_s": r["wall_s"],
                          "kernel_and_overhead_s": r["kernel_and_overhead_s"],
                          "slowest_cells": r["slowest_cells"][:3]}
                         for index, r in enumerate(results) if r["wall_s"] > 2 * median(walls)],
        }

    pytest_results = {}
    for mode, extra in PYTEST_MODES.items():
        if chapters:
            break  # a partial chapter list says nothing about the whole course
        attempts = []
        for attempt in range(pytest_runs):
            outcome = run_pytest(extra)
            attempts.append(outcome)
            print(f"  pytest {mode} run {attempt + 1}/{pytest_runs}: {outcome['wall_s']:.1f} s "
                  f"({outcome['summary']})", flush=True)
        walls = [a["wall_s"] for a in attempts]
        pytest_results[mode] = {"median_s": round(median(walls), 3), "runs_s": walls,
                                "all_passed": all(a["returncode"] == 0 for a in attempts),
                                "last": attempts[-1]}

    targets = [target(f"{c} median", f"< {CHAPTER_TARGET_S:g} s", r["median_s"], r["met"])
               for c, r in per_chapter.items()]
    targets += [target(f"{c} test cells (the checks), median run",
                       f"<= {TEST_CELLS_TARGET_S:g} s", r["test_cells_s"],
                       r["test_cells_s"] <= TEST_CELLS_TARGET_S)
                for c, r in per_chapter.items() if r.get("test_cells_s") is not None]
    for mode, r in pytest_results.items():
        targets.append(target(f"pytest --nbval solutions/ ({mode})", f"< {COURSE_TARGET_S:g} s",
                              r["median_s"], r["median_s"] < COURSE_TARGET_S))
    payload = {"name": "notebooks", "machine": machine, "quick": quick, "runs": runs,
               "client": "nbclient, shell and iopub polled every 0.25 s" if short_polls
               else "nbclient (stock)",
               "pytest_runs": pytest_runs, "chapters": per_chapter, "pytest": pytest_results,
               "total_of_medians_s": round(sum(r["median_s"] or 0 for r in per_chapter.values()),
                                           3),
               "targets": targets}
    print_table(payload)
    path = write_results("notebooks", payload)
    print(f"wrote {path.relative_to(ROOT)}")
    return payload


def print_table(payload: dict) -> None:
    rows = []
    for chapter, r in payload["chapters"].items():
        slowest = r["slowest_cells"][0] if r["slowest_cells"] else None
        rows.append([chapter, r["median_s"], min(r["runs_s"], default=None),
                     max(r["runs_s"], default=None), r["kernel_and_overhead_s"],
                     f"cell {slowest['cell']} {slowest['seconds']:.2f} s" if slowest else "-",
                     mark(r["met"]) + (f" ({len(r['errors'])} failed)" if r["errors"] else "")])
    rows.append(["sum of medians", payload["total_of_medians_s"], None, None, None, None, "-"])
    notes = []
    for chapter, r in payload["chapters"].items():
        for o in r.get("outliers", []):
            cell = o["slowest_cells"][0] if o["slowest_cells"] else None
            notes.append(f"outlier: {chapter} run {o['run']} took {o['wall_s']:.1f} s (kernel and "
                         f"overhead {o['kernel_and_overhead_s']:.1f} s"
                         + (f", cell {cell['cell']} {cell['seconds']:.1f} s)" if cell else ")"))
        for x in r.get("stalls", []):
            notes.append(f"stall: {chapter} cell {x['cell']}: the reply reached the client "
                         f"after {x['client_s']:.1f} s, the kernel took {x['kernel_s']:.1f} s")
        for error in r.get("errors", []):
            notes.append(f"failed: {chapter}: {error}")
    print()
    print(table(["notebook", "median s", "min s", "max s", "kernel+overhead s", "slowest cell",
                 f"< {CHAPTER_TARGET_S:g} s"], rows))
    for line in notes:
        print(line)
    if payload["pytest"]:
        print()
        print(table(["pytest --nbval solutions/", "median s", "runs s", "result",
                     f"< {COURSE_TARGET_S:g} s"],
                    [[mode, r["median_s"], " ".join(f"{x:.1f}" for x in r["runs_s"]),
                      r["last"]["summary"], mark(r["median_s"] < COURSE_TARGET_S)]
                     for mode, r in payload["pytest"].items()]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.notebooks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each (development)")
    parser.add_argument("--runs", type=int, default=None, help="runs per notebook (default 3)")
    parser.add_argument("--pytest-runs", type=int, default=None,
                        help="runs of each pytest mode (default: --runs)")
    parser.add_argument("--chapters", nargs="*", default=None,
                        help="only these chapters (skips the pytest runs)")
    parser.add_argument("--stock-client", action="store_true",
                        help="stock nbclient (an interact cell may then stall for the timeout)")
    args = parser.parse_args(argv)
    run(quick=args.quick, runs=args.runs, chapters=args.chapters, pytest_runs=args.pytest_runs,
        short_polls=not args.stock_client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
