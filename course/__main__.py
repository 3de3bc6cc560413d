"""Command line: ``python -m course {build,check} [CHAPTER ...]``."""

import argparse
import sys

from course.build import BuildError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course",
                                     description="Build and check the course notebooks.")
    commands = parser.add_subparsers(dest="command", required=True)
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
        description="Copy release/ notebooks into a work folder. A file you already have is never "
                    "overwritten; when the course changed it, the new version is put beside it.")
    start_parser.add_argument("chapters", nargs="*", help="e.g. ch01_tensors or ch01; all if none")
    start_parser.add_argument("--to", default="my-work", help="work folder (default: my-work)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from course.build import build

            build(args.chapters, solutions=not args.release_only)
            return 0
        if args.command == "start":
            from pathlib import Path

            from course.start import start

            for line in start(args.chapters, Path(args.to)):
                print(line)
            print(f"start: your notebooks are in {args.to}/ (open: jupyter lab {args.to})")
            return 0
        from course.sync import check

        problems = check(args.chapters)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    print("check: all in sync, no leaks" if not problems else f"check: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
