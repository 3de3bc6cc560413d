"""The instructor's grading commands: ``collect``, ``grade``, ``feedback`` and ``export``.

Each runs from a course folder (one holding ``nbgrader_config.py``), wraps nbgrader where nbgrader
does the job, and prints what an instructor needs to read.
"""

import sys
from pathlib import Path

from course.assign.build import BuildError, resolve
from course.grade.plumbing import run_nbgrader
from course.grade.staging import remove_symlinks


def dispatch(args) -> int:
    """Run the grading command that ``course.cli`` parsed into ``args``; return the exit code."""
    root = Path.cwd()
    if not (root / "nbgrader_config.py").exists():
        raise BuildError(f"{root} has no nbgrader_config.py: run this from the course folder")
    if args.command == "export":
        print(run_nbgrader(root, "export").stdout.strip() or "grades.csv written")
        return 0
    chapter = resolve([args.chapter], root)[0]
    if args.command == "collect":
        result = run_nbgrader(root, "zip_collect", chapter, "--force", check=False)
        print((result.stdout + result.stderr).strip()[-2000:])
        return result.returncode
    if args.command == "feedback":
        for folder in ("autograded", "feedback"):  # nothing may copy or chmod through a link
            for link in remove_symlinks(root / folder):
                print(f"removed symbolic link {link.relative_to(root)} (never made by the grader)")
        run_nbgrader(root, "generate_feedback", chapter, "--force")
        print(f"feedback/<student>/{chapter}/{chapter}.html written")
        return 0
    from course.grade.run import RunStopped, grade, table

    try:
        results, note = grade(chapter, root, workers=args.workers, sandbox=args.sandbox,
                              cell_timeout=args.cell_timeout,
                              notebook_timeout=args.notebook_timeout,
                              progress=not args.no_progress, kernels=args.kernels,
                              cluster=args.cluster, tries=args.tries,
                              students=args.student)
    except RunStopped as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(table(results))
    print(note)
    return 0
