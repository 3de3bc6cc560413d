"""Grading cost: nbgrader's serial ``autograde`` vs ``python -m course grade --workers N``.

A scratch course (``course.grade.plumbing.prepare_course`` + ``nbgrader generate_assignment``)
gets ``--submissions`` copies of one chapter's student notebook filled with the instructor's
answers.
Each grader runs on its own copy of that course, from the command line as an instructor would
(start-up included):

- ``nbgrader autograde CHAPTER --force`` (nbgrader, one notebook after another, each in a new
  kernel; with the course's ``nbgrader_config.py``, which gives it ``course grade``'s
  preprocessors: without them it cannot run the hidden checks);
- ``python -m course grade CHAPTER --workers 1`` and ``--workers 2`` (staging, sandbox when
  bubblewrap works, the course's preprocessors, kernels forked from a zygote that imported torch
  once: the default);
- ``python -m course grade CHAPTER --workers 1 --kernels fresh`` (a new kernel process per
  notebook, as nbgrader and the plain execution start them: the grading machinery's own cost);
- the cost of each layer, one worker each: ``--sandbox off`` (the sandbox's cost), and the test
  cells run in the kernel as nbgrader does (``GuardedExecute.judge_in_grader = False``: the cost
  of judging in the grader).

Every grader must give every submission full marks, or the benchmark fails. The baseline is the
plain execution of the same submission notebook with nbclient (fresh kernel included, median of
3); the source notebook (the same answers plus the hidden tests, which autograde also runs) is
timed too, to tell the tests' cost from the grading machinery's. Reported: wall time, time per
submission, the speed-up of ``course grade --workers 2`` over serial nbgrader (target >= 1.8x on
2 cores) and the per-notebook overhead: grading time per notebook with one worker over the plain
execution time (target <= 1.3x), for both kinds of kernel. Then every chapter is graded the
same way with ``--per-chapter`` submissions (nbgrader serial and ``course grade`` with the most
workers) for the time per submission per chapter.

    python -m benchmarks.grading [--quick] [--chapter ch02_autograd] [--submissions 30]
    python -m benchmarks.grading --cluster 30 200   # the same on Dask (benchmarks.grading_cluster)
"""


import argparse
import shutil
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

SPEEDUP_TARGET = 1.8
OVERHEAD_TARGET = 1.3
DEFAULT_CHAPTER = "ch02_autograd"
FRESH = "course grade --workers 1 --kernels fresh"
NO_SANDBOX = "course grade --workers 1 --sandbox off"
IN_KERNEL = "course grade --workers 1, test cells judged in the kernel"


def prepare(base: Path, chapter: str, submissions: int) -> tuple[Path, Path]:
    """A scratch course with ``submissions`` full-marks submissions; (course dir, one notebook)."""
    import nbformat

    from course.grade.plumbing import (
        fill_answers,
        prepare_course,
        run_nbgrader,
        solution_answers,
        submit,
    )

    course_dir = prepare_course(base / "course", [chapter], ROOT)
    run_nbgrader(course_dir, "generate_assignment", chapter, "--force")
    release = nbformat.read(course_dir / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    answered = fill_answers(release, solution_answers(chapter, ROOT))
    for index in range(submissions):
        submit(course_dir, chapter, f"student{index:03d}", answered)
    plain = base / "plain" / chapter / f"{chapter}.ipynb"
    plain.parent.mkdir(parents=True)
    nbformat.write(answered, plain)
    return course_dir, plain


def _copy(course_dir: Path, name: str) -> Path:
    target_dir = course_dir.parent / name
    shutil.copytree(course_dir, target_dir)
    return target_dir


def _timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=venv_env(), capture_output=True, text=True,
                            timeout=7200)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result


def _check_full_marks(course_dir: Path, chapter: str, students: int, who: str) -> float:
    from course.grade.plumbing import read_scores

    scores = read_scores(course_dir, chapter)
    if len(scores) != students:
        raise RuntimeError(f"{who}: graded {len(scores)} of {students} submissions")
    short = {s: c for s, c in scores.items() if any(score != top for score, top in c.values())}
    if short:
        student, cells = next(iter(short.items()))
        raise RuntimeError(f"{who}: {len(short)} submission(s) lost points, e.g. {student}: "
                           f"{ {k: v for k, v in cells.items() if v[0] != v[1]} }")
    return sum(top for _, top in next(iter(scores.values())).values())


def grade_chapter(chapter: str, submissions: int, workers: list[int], plain_runs: int,
                  serial: bool = True, fresh: bool = False, layers: bool = False) -> dict:
    """Time every grader on ``submissions`` copies of ``chapter``'s answered notebook."""
    from benchmarks.notebooks import execute

    graders: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course_dir, plain = prepare(Path(tmp), chapter, submissions)
        plain_runs_s = [execute(plain)["wall_s"] for _ in range(plain_runs)]
        plain_s = median(plain_runs_s)
        # What autograde executes: the answers plus the visible and the hidden tests.
        source = course_dir / "source" / chapter / f"{chapter}.ipynb"
        hidden_s = median([execute(source)["wall_s"] for _ in range(plain_runs)])
        print(f"  {chapter}: plain execution of one submission {plain_s:.2f} s "
              f"(runs {', '.join(f'{x:.2f}' for x in plain_runs_s)}; with the hidden tests "
              f"{hidden_s:.2f} s)", flush=True)
        commands = {}
        if serial:
            commands["nbgrader autograde (serial)"] = (
                [str(Path(sys.executable).parent / "nbgrader"), "autograde", chapter, "--force"],
                1)
        for count in workers:
            commands[f"course grade --workers {count}"] = (
                [sys.executable, "-m", "course", "grade", chapter, "--workers", str(count),
                 "--no-progress"], count)
        one = [sys.executable, "-m", "course", "grade", chapter, "--workers", "1",
               "--no-progress"]
        if fresh:
            commands[FRESH] = ([*one, "--kernels", "fresh"], 1)
        if layers:
            commands[NO_SANDBOX] = ([*one, "--sandbox", "off"], 1)
            commands[IN_KERNEL] = (one, 1)
        for index, (name, (command, count)) in enumerate(commands.items()):
            copy = _copy(course_dir, f"run{index}")
            if name == IN_KERNEL:
                with (copy / "nbgrader_config.py").open("a") as config:
                    config.write("\nc.GuardedExecute.judge_in_grader = False\n")
            elapsed, _ = _timed(command, copy)
            points = _check_full_marks(copy, chapter, submissions, name)
            per = elapsed / submissions
            graders[name] = {
                "command": " ".join(Path(command[0]).name if i == 0 else part
                                    for i, part in enumerate(command)),
                "workers": count, "wall_s": round(elapsed, 2),
                "per_submission_s": round(per, 3),
                "per_notebook_worker_s": round(per * count, 3),
                "overhead_vs_plain": round(per * count / plain_s, 2),
                "overhead_vs_plain_with_hidden_tests": round(per * count / hidden_s, 2),
                "points": points}
            print(f"  {chapter}: {name}: {elapsed:.1f} s, {per:.2f} s per submission",
                  flush=True)
            shutil.rmtree(copy, ignore_errors=True)
    if "nbgrader autograde (serial)" in graders:
        reference = graders["nbgrader autograde (serial)"]["wall_s"]
        for g in graders.values():
            g["speedup_vs_nbgrader"] = round(reference / g["wall_s"], 2)
    return {"chapter": chapter, "submissions": submissions,
            "plain_execution_s": round(plain_s, 3), "plain_runs_s": plain_runs_s,
            "plain_with_hidden_tests_s": round(hidden_s, 3), "graders": graders}


def run(quick: bool = False, chapter: str = DEFAULT_CHAPTER, submissions: int | None = None,
        workers: list[int] | None = None, plain_runs: int = 3,
        per_chapter: int | None = None) -> dict:
    from course.assign.build import chapters, resolve
    from course.grade.sandbox import available

    chapter = resolve([chapter], ROOT)[0]
    submissions = submissions or (6 if quick else 30)
    per_chapter = (0 if quick else 4) if per_chapter is None else per_chapter
    workers = workers or [1, 2]
    machine = machine_info()
    print(header(f"grading: {submissions} submissions of {chapter}", machine), flush=True)
    main_result = grade_chapter(chapter, submissions, workers, plain_runs, fresh=True,
                                layers=1 in workers)
    graders = main_result["graders"]
    chapter_results = {}
    for name in chapters(ROOT) if per_chapter else []:
        chapter_results[name] = grade_chapter(name, per_chapter, [max(workers)], 1)

    targets = []
    best_name = f"course grade --workers {max(workers)}"
    if max(workers) >= 2 and best_name in graders:
        speedup = graders[best_name]["speedup_vs_nbgrader"]
        targets.append(target(f"{best_name} vs nbgrader autograde, {submissions} submissions",
                              f">= {SPEEDUP_TARGET:g}x", speedup, speedup >= SPEEDUP_TARGET))
    if 1 in workers:
        overhead = graders["course grade --workers 1"]["overhead_vs_plain"]
        targets.append(target("course grade per notebook / plain execution (1 worker)",
                              f"<= {OVERHEAD_TARGET:g}x", overhead, overhead <= OVERHEAD_TARGET))
    overhead = graders[FRESH]["overhead_vs_plain"]
    targets.append(target("course grade --kernels fresh per notebook / plain execution",
                          f"<= {OVERHEAD_TARGET:g}x", overhead, overhead <= OVERHEAD_TARGET))
    payload = {"name": "grading", "machine": machine, "quick": quick, "sandbox": available(),
               **main_result, "layers": layer_costs(graders), "per_chapter": chapter_results,
               "targets": targets}
    print_table(payload)
    path = write_results("grading", payload)
    print(f"wrote {path.relative_to(ROOT)}")
    return payload


def layer_costs(graders: dict) -> dict[str, float]:
    """Seconds per submission (one worker) that each layer adds; negative: it saves time."""
    base = graders.get("course grade --workers 1")
    if not base:
        return {}
    per = {name: g["per_submission_s"] for name, g in graders.items()}
    without = {"sandbox": NO_SANDBOX, "judging in the grader": IN_KERNEL,
               "fork server instead of a fresh kernel": FRESH}
    return {label: round(base["per_submission_s"] - per[name], 3)
            for label, name in without.items() if name in per}


def print_table(payload: dict) -> None:
    rows = [[name, g["workers"], g["wall_s"], g["per_submission_s"], g["speedup_vs_nbgrader"],
             g["overhead_vs_plain"]] for name, g in payload["graders"].items()]
    rows.append(["plain execution (nbclient)", 1, None, payload["plain_execution_s"], None, 1.0])
    rows.append(["plain execution + hidden tests", 1, None, payload["plain_with_hidden_tests_s"],
                 None, round(payload["plain_with_hidden_tests_s"] / payload["plain_execution_s"],
                             2)])
    print()
    print(f"{payload['submissions']} submissions of {payload['chapter']} (sandbox "
          f"{'on' if payload['sandbox'] else 'off'} for course grade)")
    print(table(["grader", "workers", "wall s", "s / submission", "speed-up vs nbgrader",
                 "per-notebook / plain"], rows))
    if payload.get("per_chapter"):
        rows = []
        for name, r in payload["per_chapter"].items():
            row = [name, r["submissions"], r["plain_execution_s"]]
            for g in r["graders"].values():
                row += [g["per_submission_s"], g["overhead_vs_plain"]]
            rows.append(row)
        heads = ["chapter", "submissions", "plain s"]
        for name in next(iter(payload["per_chapter"].values()))["graders"]:
            heads += [f"{name} s/sub", "x plain"]
        print()
        print("every chapter (s/sub = wall time / submissions; x plain = per notebook per worker "
              "/ plain execution)")
        print(table(heads, rows))
    for label, seconds in payload.get("layers", {}).items():
        print(f"  layer: {label}: {seconds:+.3f} s per submission (one worker)")
    for t in payload["targets"]:
        print(f"  {t['what']}: {t['value']} (target {t['target']}): {mark(t['met'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.grading",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 submissions")
    parser.add_argument("--chapter", default=DEFAULT_CHAPTER)
    parser.add_argument("--submissions", type=int, default=None, help="default 30")
    parser.add_argument("--workers", type=int, nargs="*", default=None,
                        help="course grade worker counts to time (default: 1 2)")
    parser.add_argument("--per-chapter", type=int, default=None, metavar="N",
                        help="also grade N submissions of every chapter (default 4, quick 0)")
    parser.add_argument("--cluster", type=int, nargs="+", default=None, metavar="SIZE",
                        help="instead: the local pool vs Dask clusters on these class sizes "
                             "(benchmarks.grading_cluster; e.g. --cluster 30 200)")
    args = parser.parse_args(argv)
    if args.cluster:
        from benchmarks import grading_cluster

        grading_cluster.run(quick=args.quick, chapter=args.chapter, sizes=args.cluster)
        return 0
    run(quick=args.quick, chapter=args.chapter, submissions=args.submissions,
        workers=args.workers, per_chapter=args.per_chapter)
    return 0


if __name__ == "__main__":
    sys.exit(main())
