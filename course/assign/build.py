"""Generate ``release/`` (student notebooks) and ``solutions/`` (executed) from ``source/``.

``build`` runs nbgrader's own converters in a scratch course directory, so the release is exactly
what ``nbgrader generate_assignment`` produces, and copies the results into the repository.
``check`` rebuilds nothing on disk: it regenerates the release in memory and compares it, and the
solutions' cell sources and nbgrader metadata, with what is committed, then looks for leaks.
"""

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from course.assign import recorded
from course.assign.lint import is_test_cell, uses_checker, violation

ROOT = Path(__file__).resolve().parents[2]
CHAPTER_PATTERN = re.compile(r"^ch\d\d_[a-z0-9_]+$")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SOLUTION_TIMEOUT_S = 120


class BuildError(Exception):
    """A problem the user must fix; its message is one line naming the file and cell."""


def chapters(root: Path = ROOT) -> list[str]:
    """Names of the chapters in ``source/``, sorted (``ch01_tensors``, ...)."""
    source = root / "source"
    return sorted(p.name for p in source.iterdir()
                  if p.is_dir() and CHAPTER_PATTERN.match(p.name)) if source.is_dir() else []


def resolve(names: list[str], root: Path = ROOT) -> list[str]:
    """Map command-line names (``ch01_tensors`` or just ``ch01``) to chapters; all when empty."""
    known = chapters(root)
    if not names:
        return known
    picked = []
    for name in names:
        matches = [c for c in known if c == name or c.split("_")[0] == name]
        if not matches:
            raise BuildError(f"unknown chapter {name!r}; known: {', '.join(known) or 'none'}")
        picked.extend(m for m in matches if m not in picked)
    return picked


def notebook_path(chapter: str, folder: str = "source", root: Path = ROOT) -> Path:
    """Path of a chapter's notebook in ``source``, ``release`` or ``solutions``."""
    return root / folder / chapter / f"{chapter}.ipynb"


def lint_source(path: Path) -> None:
    """Raise ``BuildError`` naming the file and cell of the first malformed part of a source.

    Checks: readable notebook JSON, kernelspec present, no stored outputs, every nbgrader cell
    has a unique ``grade_id``, every graded cell has points, solution markers are balanced, and
    in a chapter that uses ``checks.exercise`` its test cells contain nothing else.
    """
    rel = path.relative_to(path.parents[2]) if len(path.parents) > 2 else path
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any parse failure is reported the same way
        raise BuildError(f"{rel}: not a readable notebook ({type(error).__name__}: "
                         f"{str(error).splitlines()[0] if str(error) else ''})") from error
    if "kernelspec" not in nb.metadata:
        raise BuildError(f"{rel}: notebook metadata has no kernelspec")
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        where = f"{rel}: cell {index}"
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            raise BuildError(f"{where}: stores outputs; clear them (sources stay stripped)")
        meta = cell.metadata.get("nbgrader")
        text = cell.source
        if ("BEGIN SOLUTION" in text) != ("END SOLUTION" in text):
            raise BuildError(f"{where}: unbalanced BEGIN/END SOLUTION markers")
        if ("BEGIN HIDDEN TESTS" in text) != ("END HIDDEN TESTS" in text):
            raise BuildError(f"{where}: unbalanced BEGIN/END HIDDEN TESTS markers")
        if not meta:
            if "BEGIN SOLUTION" in text or "BEGIN HIDDEN TESTS" in text:
                raise BuildError(f"{where}: has solution/hidden-test markers but no nbgrader "
                                 "metadata")
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            raise BuildError(f"{where}: nbgrader cell without a grade_id")
        if grade_id in seen:
            raise BuildError(f"{where}: duplicate grade_id {grade_id!r} "
                             f"(also cell {seen[grade_id]})")
        seen[grade_id] = index
        where = f"{rel}: cell {index} ({grade_id})"
        if meta.get("grade") and not meta.get("points"):
            raise BuildError(f"{where}: graded cell without points")
        if meta.get("solution") and cell.cell_type == "code" and "BEGIN SOLUTION" not in text:
            raise BuildError(f"{where}: solution cell without ### BEGIN SOLUTION")
    if uses_checker(nb.cells):
        for index, cell in enumerate(nb.cells):
            problem = violation(cell.source) if is_test_cell(cell) else None
            if problem:
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                raise BuildError(f"{rel}: cell {index} ({grade_id}): {problem}")


def _scratch_course(chapter: str, scratch: Path, root: Path) -> None:
    (scratch / "source").mkdir(parents=True)
    shutil.copytree(root / "source" / chapter, scratch / "source" / chapter,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))


def _config(scratch: Path):
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(scratch)
    config.CourseDirectory.solution_directory = "solutions"
    config.CourseDirectory.db_url = f"sqlite:///{scratch / 'scratch_gradebook.db'}"
    return config


def _run_converter(converter_class, chapter: str, config) -> None:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = chapter
    converter = converter_class(coursedir=coursedir, config=config)
    converter.log.setLevel("WARNING")
    converter.start()


def _ensure_alembic_on_path() -> None:
    """nbgrader runs ``alembic`` from PATH; make the running interpreter's scripts visible."""
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def generate_release(chapter: str, out: Path, root: Path = ROOT) -> Path:
    """Write the student notebook of ``chapter`` under ``out/chapter`` and return its path."""
    from nbgrader.converters import GenerateAssignment

    lint_source(notebook_path(chapter, root=root))
    with tempfile.TemporaryDirectory(prefix="course-build-") as tmp:
        scratch = Path(tmp)
        _scratch_course(chapter, scratch, root)
        config = _config(scratch)
        config.GenerateAssignment.no_database = True
        config.SaveCells.enabled = False
        _run_converter(GenerateAssignment, chapter, config)
        target = out / chapter
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(scratch / "release" / chapter, target)
    return target / f"{chapter}.ipynb"


def _adjacent_streams_merged(outputs: list) -> list:
    """One output per run of same-stream text: how a print is split depends on flush timing."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if output.output_type == "stream" and previous is not None \
                and previous.output_type == "stream" and previous.name == output.name:
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def _normalise_solution(path: Path) -> None:
    """Drop what changes between identical runs (widget model ids, how a print was split into
    stream messages) so rebuilds are stable."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _adjacent_streams_merged(cell.outputs)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def _raise_on_error_outputs(path: Path, chapter: str) -> None:
    """Solutions must run clean: pitfall demos catch their error and print it."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                raise BuildError(f"source/{chapter}/{chapter}.ipynb: cell {index} raised "
                                 f"{output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                first = output.text.strip().splitlines()[0] if output.text.strip() else ""
                raise BuildError(f"source/{chapter}/{chapter}.ipynb: cell {index} wrote to "
                                 f"stderr (nbgrader scores that 0): {first[:120]}")


def generate_solution(chapter: str, out: Path, root: Path = ROOT) -> Path:
    """Execute the solution of ``chapter`` (hidden tests removed) into ``out/chapter``.

    The execution records the visible references of the chapter's exercises (each
    ``checks.exercise`` call observes the solution on its cases) into
    ``course/exercises/references/<chapter>.json`` under ``root``.
    """
    from nbgrader.api import Gradebook
    from nbgrader.converters import GenerateSolution
    from nbgrader.preprocessors import (
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        Execute,
        IncludeHeaderFooter,
        LockCells,
    )
    from traitlets import Bool

    from course.grade.polling import ShortPolls

    class SolutionExecute(ShortPolls, Execute):
        """nbgrader's Execute, polling replies in short steps (see ``course.grade.polling``)."""

        # One stream output per cell and name: how a busy machine splits a cell's prints into
        # chunks must not show in solutions/ (nbclient does not take this from the config).
        coalesce_streams = Bool(True)

    lint_source(notebook_path(chapter, root=root))
    _ensure_alembic_on_path()
    with tempfile.TemporaryDirectory(prefix="course-build-") as tmp:
        scratch = Path(tmp)
        _scratch_course(chapter, scratch, root)
        config = _config(scratch)
        config.GenerateSolution.preprocessors = [IncludeHeaderFooter, LockCells, ClearOutput,
                                                 ClearMarkScheme, ClearHiddenTests,
                                                 SolutionExecute]
        config.Execute.record_timing = False
        # True: nbclient's output-widget capture fails without it; the state is stripped after.
        config.Execute.store_widget_state = True
        config.Execute.timeout = SOLUTION_TIMEOUT_S
        with Gradebook(config.CourseDirectory.db_url) as gradebook:
            gradebook.update_or_create_assignment(chapter)
        recording = scratch / "references"
        previous = os.environ.get(recorded.RECORD_ENV)
        os.environ[recorded.RECORD_ENV] = str(recording)  # the kernel inherits it
        try:
            _run_converter(GenerateSolution, chapter, config)
        finally:
            if previous is None:
                os.environ.pop(recorded.RECORD_ENV, None)
            else:
                os.environ[recorded.RECORD_ENV] = previous
        built = scratch / "solutions" / chapter / f"{chapter}.ipynb"
        if not built.exists():
            raise BuildError(f"source/{chapter}/{chapter}.ipynb: executing the solution failed "
                             "(run it in JupyterLab to see the error)")
        _normalise_solution(built)
        _raise_on_error_outputs(built, chapter)
        recorded.install(recording / f"{chapter}.json", chapter,
                           nbformat.read(notebook_path(chapter, root=root), as_version=4), root)
        target = out / chapter
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(scratch / "solutions" / chapter, target)
    return target / f"{chapter}.ipynb"


def build(names: list[str], root: Path = ROOT, release: bool = True,
          solutions: bool = True) -> list[str]:
    """Regenerate ``release/`` and ``solutions/`` for the named chapters (all when empty)."""
    picked = resolve(names, root)
    for chapter in picked:
        lint_source(notebook_path(chapter, root=root))
    for chapter in picked:
        if release:
            generate_release(chapter, root / "release", root)
            print(f"release/{chapter}: generated", flush=True)
        if solutions:
            generate_solution(chapter, root / "solutions", root)
            print(f"solutions/{chapter}: generated and executed", flush=True)
    return picked
