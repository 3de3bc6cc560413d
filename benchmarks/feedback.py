"""How the checks treat realistic wrong answers (issue 15): points, visible failure, message.

For every wrong answer in ``tests/wrong_answers_v2/`` (three or more per exercise), measured in
one kernel per chapter (``benchmarks/feedback_measure.py``), the share that

- (a) lose points when graded (the source test cell, hidden tests included, scores less),
- (b) fail a visible check (the release test cell raises),
- (c) get a message naming the mistake (the visible failure contains one of its phrases),
- (d) get a misleading message (it claims a canonical mistake the answer does not have),

per chapter and overall, with the misses listed. ``--grading MODULE:FUNCTION`` replaces the
verdict on a source test cell (``feedback_kernel.kernel_grading``); ``--cross-check`` grades one
submission per chapter through ``course grade`` (nbgrader) and compares it with the fast path.

    python -m benchmarks.feedback [--chapters ch01 ch05] [--workers 2] [--cross-check]
    python -m benchmarks --only feedback
"""

import argparse
import importlib
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from benchmarks.common import ROOT, header, machine_info, table, target, write_results
from benchmarks.feedback_answers import load

# (key in a trial, table column, target line, the least share that meets the target)
COLUMNS = (("lost_points", "lose points", "wrong answers that lose points", 0.98),
           ("failed_visible", "fail a visible check", "wrong answers that fail a visible check",
            0.90),
           ("named", "message names the mistake",
            "wrong answers whose message names the mistake", 0.60))


def chapters(names: list[str] | None = None) -> list[str]:
    """The chapters to measure (all in ``source/`` by default; prefixes such as ch01 allowed)."""
    from course.assign.build import chapters as all_chapters
    from course.assign.build import resolve

    return resolve(names, ROOT) if names else all_chapters(ROOT)


def grading_function(spec: str | None):
    """The verdict function named ``module:function`` (the kernel's own by default)."""
    if not spec:
        from benchmarks.feedback_kernel import kernel_grading

        return kernel_grading
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _measure(job: tuple[str, str | None, bool]) -> tuple[str, dict]:
    from benchmarks.feedback_measure import measure_chapter

    chapter, grading, quick = job
    answers = load(chapter)
    if quick:
        answers = {exercise: entries[:1] for exercise, entries in answers.items()}
    return chapter, measure_chapter(chapter, answers, grading_function(grading))


def summarise(trials: list[dict]) -> dict:
    """Counts and shares of (a)-(d) over ``trials``; shares are None when there are no trials."""
    n = len(trials)
    summary = {"answers": n}
    for key, *_ in COLUMNS:
        count = sum(1 for t in trials if t[key])
        summary[key] = count
        summary[f"{key}_share"] = round(count / n, 4) if n else None
    summary["misleading"] = sum(1 for t in trials if t["misleading"])
    summary["not_proven_wrong"] = sum(1 for t in trials if not t["proven_wrong"])
    summary["timed_out"] = sum(1 for t in trials if t.get("timed_out"))
    return summary


def targets_of(overall: dict) -> list[dict]:
    """The issue's targets, met or not, on the overall summary."""
    rows = [target(what, f">= {limit:.0%}", overall[f"{key}_share"],
                   overall[f"{key}_share"] is not None and overall[f"{key}_share"] >= limit)
            for key, _, what, limit in COLUMNS]
    rows.append(target("wrong answers given a misleading message", "0", overall["misleading"],
                       overall["misleading"] == 0))
    return rows


def misses(trials: list[dict]) -> list[dict]:
    """Every answer that misses (a), (b) or (c), or gets a misleading message."""
    listed = []
    for t in trials:
        missed = [label for key, label, *_ in COLUMNS if not t[key]]
        if t["misleading"]:
            missed.append("misleading: " + ", ".join(t["misleading"]))
        if missed:
            listed.append({"id": t["id"], "bug": t["bug"], "missed": missed,
                           "message": t["visible_text"].strip().splitlines()[-1:] or [""]})
    return listed


def measure(chapters_: list[str] | None = None, workers: int = 2, grading: str | None = None,
            quick: bool = False) -> dict:
    """Measure every chapter's wrong answers (``workers`` chapters at once); print nothing.

    Args:
        chapters_: chapter names or prefixes (all by default).
        workers: processes, each measuring one chapter in its own kernel at a time.
        grading: ``module:function`` of the verdict on a source test cell (default: the kernel's).
        quick: only the first wrong answer of each exercise.

    Returns:
        ``{"chapters": {chapter: summary}, "overall": summary, "targets": [...],
        "misses": [...], "trials": [...]}``.
    """
    started = time.perf_counter()
    names = chapters(chapters_)
    # the later chapters take longest (training in their tests): start them first
    jobs = [(chapter, grading, quick) for chapter in reversed(names)]
    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
        measured = dict(pool.map(_measure, jobs))
    per_chapter = {}
    for chapter in names:
        m = measured[chapter]
        per_chapter[chapter] = {**summarise(m["trials"]), "seconds": m["seconds"],
                                "failed_controls": [c for c in m["controls"]
                                                    if not (c["visible_passed"]
                                                            and c["kept_points"])],
                                "flow_errors": m["flow_errors"]}
    trials = [t for chapter in names for t in measured[chapter]["trials"]]
    overall = summarise(trials)
    return {"workers": workers, "seconds": round(time.perf_counter() - started, 1),
            "chapters": per_chapter, "overall": overall, "targets": targets_of(overall),
            "misses": misses(trials), "trials": trials}


def run(quick: bool = False, chapters_: list[str] | None = None, workers: int = 2,
        grading: str | None = None, cross_check: bool = False) -> dict:
    """Measure, print the table, write ``benchmarks/results/feedback.json``."""
    machine = machine_info()
    print(header("feedback: how the checks treat realistic wrong answers", machine), flush=True)
    payload = {"name": "feedback", "machine": machine, "quick": quick,
               "grading": grading or "benchmarks.feedback_kernel:kernel_grading",
               **measure(chapters_, workers, grading, quick)}
    names = list(payload["chapters"])
    for chapter, r in payload["chapters"].items():
        print(f"  {chapter}: {r['answers']} wrong answers in {r['seconds']:.0f} s", flush=True)
    print(f"  all chapters ({workers} at a time): {payload['seconds']:.0f} s", flush=True)
    if cross_check:
        from benchmarks.feedback_crosscheck import cross_check_all

        payload["cross_check"] = cross_check_all(names, payload["trials"],
                                                 grading_function(grading))
    print_table(payload)
    path = write_results("feedback", payload)
    print(f"wrote {path.relative_to(ROOT)}")
    return payload


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def print_table(payload: dict) -> None:
    rows = [[chapter, r["answers"], *[_percent(r[f"{key}_share"]) for key, *_ in COLUMNS],
             r["misleading"]] for chapter, r in payload["chapters"].items()]
    o = payload["overall"]
    rows.append(["all", o["answers"], *[_percent(o[f"{key}_share"]) for key, *_ in COLUMNS],
                 o["misleading"]])
    print()
    print(table(["chapter", "answers", *[label for _, label, *_ in COLUMNS], "misleading"], rows))
    print()
    for t in payload["targets"]:
        value = _percent(t["value"]) if isinstance(t["value"], float) else t["value"]
        print(f"{t['what']}: {value} (target {t['target']}): {'met' if t['met'] else 'MISSED'}")
    problems = [(chapter, r) for chapter, r in payload["chapters"].items()
                if r["failed_controls"] or r["flow_errors"]]
    for chapter, r in problems:
        print(f"!! {chapter}: the right solution failed its checks during the run "
              f"{[c['exercise'] for c in r['failed_controls']]} {r['flow_errors']}")
    if o["timed_out"]:
        print(f"!! {o['timed_out']} answers hit the time limit (see trials[].timed_out)")
    if o["not_proven_wrong"]:
        print(f"!! {o['not_proven_wrong']} answers not proven wrong (witness False or broken)")
    if "cross_check" in payload:
        for chapter, c in payload["cross_check"].items():
            print(f"cross-check {chapter}: fast path and course grade "
                  f"{'agree' if c['agree'] else 'DISAGREE: ' + str(c['disagreements'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feedback",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first wrong answer of each")
    parser.add_argument("--chapters", nargs="*", default=None, help="only these chapters")
    parser.add_argument("--workers", type=int, default=2, help="chapters measured at once")
    parser.add_argument("--grading", default=None, metavar="MODULE:FUNCTION",
                        help="verdict on a source test cell (default: run it in the kernel)")
    parser.add_argument("--cross-check", action="store_true",
                        help="also grade one submission per chapter through course grade")
    args = parser.parse_args(argv)
    run(quick=args.quick, chapters_=args.chapters, workers=args.workers, grading=args.grading,
        cross_check=args.cross_check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
