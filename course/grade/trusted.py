"""Hidden references: the instructor's solution observed on the hidden cases, by the grader.

Before grading a chapter whose test cells call ``checks.exercise(..., cases="hidden")``, the
grader runs the source notebook's first code cell, its solution cells and its test cells (hidden
parts included) in a kernel of its own, outside the sandbox, with ``COURSE_RECORD_HIDDEN``
naming a scratch file: each hidden call observes the solution on its generated cases and writes
the observations there, the visible calls do nothing. ``GuardedExecute`` judges every grading
kernel's replies against that text (``course.grade.verdicts``); it is never sent to a kernel,
written into a student's folder or into the repository.
"""

import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course.grade.polling import ShortPolls

HIDDEN_ENV = "COURSE_RECORD_HIDDEN"  # the same name as course.check.references.HIDDEN_ENV
HIDDEN_CALL = 'cases="hidden"'


class _Client(ShortPolls, NotebookClient):
    """nbclient polling replies in short steps (see ``course.grade.polling``)."""


def needs_hidden(source_nb) -> bool:
    """True when a test cell of the source notebook has hidden ``checks.exercise`` calls."""
    return any(cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
               and HIDDEN_CALL in cell.source for cell in source_nb.cells)


def _trusted_cells(source_nb):
    first = next(i for i, c in enumerate(source_nb.cells) if c.cell_type == "code")
    return [cell for index, cell in enumerate(source_nb.cells) if cell.cell_type == "code" and (
        index == first or cell.metadata.get("nbgrader", {}).get("solution")
        or cell.metadata.get("nbgrader", {}).get("grade"))]


def hidden_references(chapter: str, course_dir: Path, timeout: int = 300) -> str:
    """The hidden references of ``chapter`` as text ("" when it has no hidden calls).

    Args:
        chapter: the chapter (assignment) name.
        course_dir: the course folder holding ``source/<chapter>/<chapter>.ipynb``.
        timeout: seconds per cell of the trusted run.

    Returns:
        JSON text for ``course.check.references.install_hidden``.

    Raises:
        RuntimeError: a cell of the solution failed; its message names the cell.
    """
    source = nbformat.read(Path(course_dir) / "source" / chapter / f"{chapter}.ipynb",
                           as_version=4)
    if not needs_hidden(source):
        return ""
    nb = nbformat.from_dict(source)
    nb.cells = _trusted_cells(nb)
    with tempfile.TemporaryDirectory(prefix="course-trusted-") as tmp:
        record = Path(tmp) / "hidden.json"
        previous = os.environ.get(HIDDEN_ENV)
        os.environ[HIDDEN_ENV] = str(record)  # the kernel inherits it
        try:
            _Client(nb, timeout=timeout, allow_errors=True, record_timing=False,
                    resources={"metadata": {"path": tmp}}).execute()
        finally:
            if previous is None:
                os.environ.pop(HIDDEN_ENV, None)
            else:
                os.environ[HIDDEN_ENV] = previous
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    raise RuntimeError(f"source/{chapter}: the solution failed in the grader's "
                                       f"trusted run ({cell.get('id')}: {output.ename}: "
                                       f"{output.evalue})")
        return record.read_text() if record.exists() else ""
