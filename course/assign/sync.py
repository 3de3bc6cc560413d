"""``python -m course check``: are release/, solutions/ and the recorded references in sync with
source/, and secret-free?"""

import copy
import tempfile
from pathlib import Path

import nbformat

from course.assign import recorded
from course.assign.build import ROOT, generate_release, lint_source, notebook_path, resolve

SECRET_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                  "BEGIN MARK SCHEME", "END MARK SCHEME")


def _regions(text: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def _public(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            lines.append(line)
    return lines


def _significant(lines: list[str]) -> set[str]:
    """Lines specific enough that finding them elsewhere means a leak (not ``return x``)."""
    return {s for s in (line.strip() for line in lines) if len(s) >= 16 and not s.startswith("#")}


def secrets(source_nb) -> tuple[set[str], set[str]]:
    """(solution lines, hidden-test lines) of a source notebook that appear nowhere public."""
    solution, hidden, public = [], [], set()
    for cell in source_nb.cells:
        solution += _regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        hidden += _regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        public |= {line.strip() for line in _public(cell.source)}
    return _significant(solution) - public, _significant(hidden) - public


def expected_solution_cells(source_nb):
    """The source after the same cell-level preprocessors the solution build applies."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, LockCells

    nb = copy.deepcopy(source_nb)
    resources: dict = {}
    for preprocessor in (LockCells(), ClearMarkScheme(), ClearHiddenTests()):
        nb, resources = preprocessor.preprocess(nb, resources)
    return nb.cells


def _cell_view(cell) -> tuple:
    return cell.cell_type, cell.source, cell.metadata.get("nbgrader")


def check_chapter(chapter: str, root: Path = ROOT) -> list[str]:
    """Return one line per problem found for ``chapter`` (empty when all is well)."""
    problems = []
    source_path = notebook_path(chapter, "source", root)
    lint_source(source_path)
    source_nb = nbformat.read(source_path, as_version=4)
    solution_secret, hidden_secret = secrets(source_nb)

    release_path = notebook_path(chapter, "release", root)
    if not release_path.exists():
        problems.append(f"release/{chapter}: missing; run python -m course build {chapter}")
    else:
        with tempfile.TemporaryDirectory(prefix="course-check-") as tmp:
            fresh = nbformat.read(generate_release(chapter, Path(tmp), root), as_version=4)
        committed = nbformat.read(release_path, as_version=4)
        if [_cell_view(c) for c in fresh.cells] != [_cell_view(c) for c in committed.cells]:
            problems.append(f"release/{chapter}: out of date with source/; "
                            f"run python -m course build {chapter}")
        problems += _leaks(committed, f"release/{chapter}", solution_secret | hidden_secret,
                           SECRET_MARKERS)

    solution_path = notebook_path(chapter, "solutions", root)
    if not solution_path.exists():
        problems.append(f"solutions/{chapter}: missing; run python -m course build {chapter}")
    else:
        committed = nbformat.read(solution_path, as_version=4)
        expected = expected_solution_cells(source_nb)
        if [_cell_view(c) for c in expected] != [_cell_view(c) for c in committed.cells]:
            problems.append(f"solutions/{chapter}: out of date with source/; "
                            f"run python -m course build {chapter}")
        unexecuted = [i for i, c in enumerate(committed.cells)
                      if c.cell_type == "code" and c.source.strip() and not c.execution_count]
        if unexecuted:
            problems.append(f"solutions/{chapter}: cell {unexecuted[0]} was never executed")
        problems += _leaks(committed, f"solutions/{chapter}", hidden_secret,
                           ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME"))
    return problems + recorded.problems(chapter, source_nb, root)


def _leaks(nb, label: str, secret_lines: set[str], markers) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        for marker in markers:
            if marker in cell.source:
                problems.append(f"{label}: cell {index} contains '{marker}'")
        leaked = secret_lines & {line.strip() for line in cell.source.splitlines()}
        if leaked:
            problems.append(f"{label}: cell {index} leaks {len(leaked)} secret line(s), "
                            f"e.g. {sorted(leaked)[0][:60]!r}")
    return problems


def check(names: list[str], root: Path = ROOT) -> list[str]:
    """Check the named chapters (all when empty); return every problem found."""
    problems = []
    for chapter in resolve(names, root):
        problems += check_chapter(chapter, root)
    return problems
