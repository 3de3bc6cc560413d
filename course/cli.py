"""The command line, ``python -m course COMMAND``: it parses the arguments and dispatches.

Each command's code lives in one module: ``build`` in ``course.assign.build``, ``check`` in
``course.assign.sync``, ``start`` in ``course.assign.start``, ``pack`` in ``course.assign.pack``;
``collect``, ``grade``, ``feedback``
and ``export`` in ``course.grade.commands`` (the grading engine behind ``grade`` is
``course.grade.run``).
"""

import argparse
import sys

from course.assign.build import BuildError

WHERE = """where each command's code lives:
  build, check, start, pack          course/assign/build.py, sync.py, start.py, pack.py
  collect, grade, feedback, export   course/grade/commands.py (the engine: course/grade/run.py)"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """One line per command, whatever the terminal's width."""

    def __init__(self, prog: str):
        super().__init__(prog, width=100, max_help_position=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course", description="Build, hand out and grade the course.",
        epilog=WHERE, formatter_class=_Formatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_parser = commands.add_parser(
        "build", help="regenerate release/ and solutions/ from source/",
        description="Regenerate release/ (student notebooks) and solutions/ (executed) from "
                    "source/. Never modifies source/.")
    build_parser.add_argument("chapters", nargs="*", help="e.g. ch01_tensors or ch01; all if none")
    build_parser.add_argument("--release-only", action="store_true",
                              help="skip executing the solutions")
    check_parser = commands.add_parser(
        "check", help="verify release/ and solutions/ match source/ and leak nothing",
        description="Verify, without writing anything, that release/ and solutions/ are in sync "
                    "with source/ and contain no solution code or hidden tests.")
    check_parser.add_argument("chapters", nargs="*", help="e.g. ch01_tensors or ch01; all if none")
    start_parser = commands.add_parser(
        "start", help="copy the student notebooks into your work folder (never overwrites)",
        description="Copy release/ notebooks into a work folder and write its start page "
                    "(START.md). A file you already have is never overwritten; when the course "
                    "changed it, the new version is put beside it.")
    start_parser.add_argument("chapters", nargs="*", help="e.g. ch01_tensors or ch01; all if none")
    start_parser.add_argument("--to", default="my-work", help="work folder (default: my-work)")
    pack_parser = commands.add_parser(
        "pack", help="write the student distribution of a graded class (no answers in it)",
        description="Write a folder for students: the release notebooks, the start page, the "
                    "student helpers (not course/assign, course/grade or the command line), the "
                    "student's Jupyter settings, a README and a Makefile (make lab sets it up). "
                    "No source/, no solutions/, no gradebook.")
    pack_parser.add_argument("dir", nargs="?", default="dist/dl-fundamentals-student",
                             help="folder to write (default: dist/dl-fundamentals-student)")
    grade_parser = commands.add_parser(
        "grade", help="autograde every submission of a chapter in parallel",
        description="Autograde every submitted/<student>/<chapter>/<chapter>.ipynb with nbgrader, "
                    "in parallel, sandboxed with bubblewrap when available, and print a table "
                    "(student, score, max, problems). Broken submissions are reported, not fatal.")
    grade_parser.add_argument("chapter", help="e.g. ch01_tensors or ch01")
    grade_parser.add_argument("--workers", type=int, default=None,
                              help="parallel processes (default: the CPU count)")
    grade_parser.add_argument("--sandbox", choices=["auto", "on", "off"], default="auto",
                              help="bubblewrap isolation (default: auto = when available)")
    grade_parser.add_argument("--cell-timeout", type=int, default=None,
                              help="seconds per cell (default: nbgrader_config.py)")
    grade_parser.add_argument("--notebook-timeout", type=int, default=300,
                              help="seconds per notebook (default: 300)")
    grade_parser.add_argument("--kernels", choices=["fork", "fresh"], default="fork",
                              help="fork: each kernel is forked from a per-worker process that "
                                   "imported torch once (default, about 2x faster per notebook); "
                                   "fresh: a new Python process per kernel, as nbgrader does")
    grade_parser.add_argument("--student", action="append", metavar="NAME",
                              help="grade only this student (repeat for several; default: all)")
    grade_parser.add_argument("--cluster", metavar="ADDRESS", default=None,
                              help="grade on a Dask cluster: local:N (N worker processes here), "
                                   "tcp://HOST:PORT or a scheduler file (README: Grading on a "
                                   "cluster)")
    grade_parser.add_argument("--tries", type=int, default=3,
                              help="with --cluster: give a submission up after its worker died "
                                   "this many times (default: 3)")
    grade_parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    collect_parser = commands.add_parser(
        "collect", help="unpack an LMS zip of submissions into submitted/ (nbgrader zip_collect)",
        description="Run nbgrader zip_collect: extract downloaded/<chapter>/archive/*.zip and "
                    "copy the notebooks into submitted/<student>/<chapter>/.")
    collect_parser.add_argument("chapter")
    feedback_parser = commands.add_parser(
        "feedback", help="write HTML feedback per student (no hidden tests in it)",
        description="Run nbgrader generate_feedback; the HTML shows each test's result but "
                    "never the hidden tests or mark schemes.")
    feedback_parser.add_argument("chapter")
    commands.add_parser("export", help="write grades.csv (nbgrader export)",
                        description="Export every student's scores to grades.csv.")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from course.assign.build import build

            build(args.chapters, solutions=not args.release_only)
            return 0
        if args.command in ("grade", "collect", "feedback", "export"):
            from course.grade import commands

            return commands.dispatch(args)
        if args.command == "pack":
            from pathlib import Path

            from course.assign.pack import pack

            written = pack(Path(args.dir))
            chapters = [item for item in written if item.startswith("ch")]
            helpers = [item for item in written if item.startswith("course/")]
            print(f"pack: {args.dir}/ holds {len(chapters)} chapters, {len(helpers)} helper "
                  "modules in course/, START.md, README.md and a Makefile; no answers. "
                  f"Students run: cd {Path(args.dir).name} && make lab")
            return 0
        if args.command == "start":
            from pathlib import Path

            from course.assign.start import start, write_start_page

            for line in start(args.chapters, Path(args.to)):
                print(line)
            page = write_start_page(Path(args.to))
            print(f"start: your notebooks are in {args.to}/, begin with {page.name} "
                  f"(open: jupyter lab {args.to})")
            return 0
        from course.assign.sync import check

        problems = check(args.chapters)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    print("check: all in sync, no leaks" if not problems else f"check: {len(problems)} problem(s)")
    return 1 if problems else 0
