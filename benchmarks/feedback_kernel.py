"""One kernel per chapter: the solution notebook cell by cell, and the cells of wrong answers.

``ChapterKernel`` runs code in a kernel started for a chapter's notebook. ``Grading`` is what
decides whether a test cell costs points: ``kernel_grading`` runs the source test cell (hidden
tests included) in the kernel, after the grader's guard, and scores it with nbgrader's own
``determine_grade``; another verdict (e.g. the grader's, computed outside the kernel) plugs in
with the same signature.
"""

import contextlib
import copy
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

from benchmarks.common import ROOT
from benchmarks.feedback_text import output_text
from course.grade.polling import ShortPolls

PRELUDE = (f"import sys as _fb_sys\n_fb_sys.path.insert(0, {str(ROOT)!r})\n"
           "import benchmarks.feedback_probe as _fb_probe\ndel _fb_sys\n")


class _Client(ShortPolls, NotebookClient):
    """nbclient with replies polled in short steps, as the grader and the build use."""


@dataclass
class Run:
    """One executed piece of code: its outputs as nbformat dicts."""

    outputs: list = field(default_factory=list)

    @property
    def error(self) -> dict | None:
        """The error output (ename, evalue, traceback), or None when the code did not raise."""
        return next((o for o in self.outputs if o.get("output_type") == "error"), None)

    @property
    def text(self) -> str:
        """What a student reads (see ``feedback_text.output_text``)."""
        return output_text(self.outputs)


class ChapterKernel:
    """A kernel started for one notebook; ``run`` executes code in it and returns its outputs.

    Args:
        notebook: the notebook whose kernel settings (and interact cells) the client uses.
        timeout: seconds per piece of code; a longer one is interrupted (a KeyboardInterrupt
            error output).
    """

    def __init__(self, notebook: NotebookNode, timeout: int = 60):
        self._stack = contextlib.ExitStack()
        # a private working folder: answers that write files (save_and_reload) write there
        self._workdir = self._stack.enter_context(
            tempfile.TemporaryDirectory(prefix="bench-feedback-"))
        self.client = _Client(
            notebook, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
            resources={"metadata": {"path": self._workdir}})

    def __enter__(self) -> "ChapterKernel":
        self._stack.enter_context(self.client.setup_kernel(stderr=subprocess.DEVNULL))
        self.run(PRELUDE)
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def run(self, source: str, index: int = 0) -> Run:
        """Execute ``source`` (as the cell at ``index`` of the notebook) and return its outputs."""
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, index)
        return Run([dict(o) for o in cell.outputs])


@dataclass
class GradingCase:
    """What a grading verdict may use: the chapter, the SOURCE test cell and the kernel."""

    chapter: str
    exercise: str
    test_cell: NotebookNode
    kernel: ChapterKernel
    index: int = 0


@dataclass
class Graded:
    """A grading verdict: whether the test cell costs points, and the text the grader saw."""

    lost: bool
    score: float | None
    max_score: float
    text: str = ""


Grading = Callable[[GradingCase], Graded]


def kernel_grading(case: GradingCase) -> Graded:
    """Score the source test cell as ``course grade`` does: guard first, stderr demoted to stdout,
    then nbgrader's ``determine_grade`` (an error output scores 0)."""
    from nbgrader.utils import determine_grade

    from course.grade.autograde import GUARD_RESTORE, DemoteStderr

    run = case.kernel.run(GUARD_RESTORE + case.test_cell.source, case.index)
    cell = copy.deepcopy(case.test_cell)
    cell.outputs = [nbformat.from_dict(o) for o in run.outputs]
    DemoteStderr().preprocess_cell(cell, {}, case.index)
    score, max_score = determine_grade(cell)
    return Graded(lost=score is None or score < max_score, score=score, max_score=max_score,
                  text=run.text)


def guard_snapshot(chapter: str) -> str:
    """The code the grader runs before any student code: the hidden references of ``chapter``
    (the solution observed on the hidden cases in a trusted kernel, as ``course grade`` does;
    empty for a chapter on the old checks), then the snapshot of the real helpers."""
    from course.assign.build import ROOT
    from course.grade.autograde import guard_source
    from course.grade.trusted import hidden_references

    return guard_source(hidden_references(chapter, ROOT))
