"""The instructor's solution functions of a chapter, taken from its source notebook."""

import contextlib
import io
import re

import nbformat
import torch

from course.assign.build import notebook_path
from tests.conftest import ROOT


def solution_namespace(chapter: str) -> dict:
    """The first code cell (without magics) and every solution cell, run in a fresh namespace."""
    nb = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    code = ["\n".join(line for line in first.source.splitlines() if not line.startswith("%"))]
    code += [cell.source for cell in nb.cells
             if cell.metadata.get("nbgrader", {}).get("solution")]
    namespace: dict = {}
    threads = torch.get_num_threads()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for source in code:
                exec(compile(source, f"<{chapter} solution>", "exec"), namespace)  # noqa: S102
    finally:  # a first cell's process-wide settings (ch07 flushes denormals) stay in it
        torch.set_num_threads(threads)
        torch.set_flush_denormal(False)
    return namespace


def function_from(source: str, name: str, chapter: str):
    """A student's answer (``source`` defining ``name``) run after the chapter's imports."""
    namespace = solution_namespace(chapter)
    exec(compile(source, f"<answer {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def solution_source(chapter: str, grade_id: str) -> str:
    """The source notebook's solution cell ``grade_id``, without its solution markers.

    Args:
        chapter: the chapter's folder name, e.g. ``ch07_regularization``.
        grade_id: the nbgrader id of the solution cell, e.g. ``ex_early_stopping``.

    Returns:
        The cell's source, the code between the markers kept as it stands.
    """
    cells = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4).cells
    cell = next(c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return re.sub(r" *### (BEGIN|END) SOLUTION\n", "", cell.source)
