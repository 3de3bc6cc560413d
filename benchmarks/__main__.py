"""``python -m benchmarks``: run every benchmark (or ``--only`` some), then write the summary.

    python -m benchmarks                       # all, full size (about 25 minutes on 2 cores)
    python -m benchmarks --quick               # smaller sweeps, 1 run, 6 submissions
    python -m benchmarks --only sliders grading
    python -m benchmarks --wait-load 1.5       # first wait for a quiet machine (--wait-max)
"""

import argparse
import importlib
import sys
import time

from benchmarks.common import wait_for_quiet

ORDER = ("install", "notebooks", "sliders", "grading", "memory")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Measure what the course costs to run, to use "
                                                 "and to grade; write benchmarks/results/.")
    parser.add_argument("--only", nargs="+", choices=ORDER, default=None,
                        help="run only these benchmarks")
    parser.add_argument("--quick", action="store_true",
                        help="development size: 1 run, 6 values per sweep, 6 submissions")
    parser.add_argument("--wait-load", type=float, default=None, metavar="LOAD",
                        help="wait until the 1-minute load average is below LOAD")
    parser.add_argument("--wait-max", type=float, default=60, metavar="MIN",
                        help="give up waiting after MIN minutes and run anyway (default 60)")
    args = parser.parse_args(argv)
    if args.wait_load is not None:
        wait_for_quiet(args.wait_load, args.wait_max)
    failed = []
    for name in args.only or ORDER:
        started = time.perf_counter()
        try:
            importlib.import_module(f"benchmarks.{name}").run(quick=args.quick)
        except Exception as error:  # noqa: BLE001 - report it and go on with the others
            failed.append(name)
            print(f"!! {name} failed: {type(error).__name__}: {error}", file=sys.stderr)
        print(f"-- {name}: {time.perf_counter() - started:.0f} s\n", flush=True)
    from benchmarks import report

    print("== summary (benchmarks/results/summary.md) ==")
    report.main([])
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
