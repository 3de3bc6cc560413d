"""nbgrader preprocessors that make autograding survive hostile or broken submissions.

They are plugged into nbgrader's ``Autograde.autograde_preprocessors`` by ``course.grade``:
``InjectGuard`` → ``GuardedExecute`` → ``StripGuard`` → ``DemoteStderr`` → ``LimitOutputSize`` →
nbgrader's own ``LimitOutput``, ``SaveAutoGrades``, ...
"""

import math
import time
from pathlib import Path

from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_output
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from course.check.remote import MIME, REPLY_CHARS
from course.grade.cells import calls_of
from course.grade.polling import ShortPolls

GUARD_CELL_ID = "course-grader-guard"
GUARD_SNAPSHOT = ("import course.grade.guard as _course_guard\n_course_guard.snapshot()\n"
                  "del _course_guard")
GUARD_RESTORE = ("__import__('sys').modules['course.grade.guard'].restore(globals())"
                 "  # course-grader\n")
GRADER_PREFIX = "course grader: "


def _error(name: str, message: str):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


def _is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def guard_source(hidden_references: str) -> str:
    """The grader's first cell: snapshot the helpers, after installing hidden references when
    the checks run in the kernel (never in ``course grade``'s default)."""
    if not hidden_references:
        return GUARD_SNAPSHOT
    return ("import course.check.references as _course_references\n"
            f"_course_references.install_hidden({hidden_references!r})\n"
            "del _course_references\n" + GUARD_SNAPSHOT)


class InjectGuard(NbGraderPreprocessor):
    """Snapshot the real test helpers first, and restore them at the top of every test cell.

    The checks themselves are judged in the grader (``course.grade.verdicts``); the guard only
    keeps the kernel's probe honest against ordinary shortcuts. ``StripGuard`` removes the
    first cell again. Only with ``GuardedExecute.judge_in_grader = False`` (the grading
    benchmark's measure of that layer) does the first cell install the hidden references.
    """

    hidden_references = Unicode("", help="JSON text of the hidden references installed in the "
                                "kernel (only when test cells run there)").tag(config=True)

    def preprocess(self, nb, resources):
        guard = new_code_cell(guard_source(self.hidden_references))
        guard.id = GUARD_CELL_ID
        nb.cells.insert(0, guard)
        for cell in nb.cells:
            if _is_test_cell(cell):
                cell.source = GUARD_RESTORE + cell.source
        return nb, resources


class StripGuard(NbGraderPreprocessor):
    """Remove what ``InjectGuard`` added: the graded notebook and feedback show the real cells."""

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if c.get("id") != GUARD_CELL_ID]
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.startswith(GUARD_RESTORE):
                cell.source = cell.source[len(GUARD_RESTORE):]
        return nb, resources


def _size(value) -> int:
    """Characters in the strings of a message's content (its bulk: text, data, tracebacks)."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(_size(v) for v in value)
    return 0


def _shrink(value, limit: int):
    """``value`` with every string cut to ``limit`` characters (an error or a result is kept)."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, dict):
        return {k: _shrink(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_shrink(v, limit) for v in value[:100]]
    return value


_computed: dict[tuple, str] = {}  # (course folder, chapter) -> hidden references, per process


def _references_of(root, chapter: str, nb) -> str:
    """The hidden references of ``chapter`` when ``nb``'s test cells need them, computed once per
    process (nbgrader's own ``autograde`` and the Formgrader's button run no ``course grade``
    that would pass them in)."""
    needed = any(call.kind == "hidden" for cell in nb.cells if _is_test_cell(cell)
                 for call in calls_of(cell.source.removeprefix(GUARD_RESTORE)) or ())
    if not (needed and root and chapter):
        return ""
    key = (str(root), chapter)
    if key not in _computed:
        from course.grade.trusted import hidden_references

        _computed[key] = hidden_references(chapter, Path(root))
    return _computed[key]


class GuardedExecute(ShortPolls, Execute):
    """nbgrader's Execute with a per-notebook time budget and survival of a dead kernel.

    A cell that kills the kernel (``os._exit``, a segfault, running out of memory) gets an error
    output; the cells before it keep their outputs (and so their scores), the cells after it are
    marked as not run. Once the notebook's budget is spent, the remaining cells are marked too;
    it counts from the end of the grader's own first cell (the kernel's start is not theirs).
    Replies are polled in short steps (``course.grade.polling``), so a missed wake-up costs no
    timeout. Output is capped while a cell runs (``live_output_bytes``): a flood is dropped as it
    arrives instead of growing the grader until the OOM killer takes it; errors and results are
    kept, shortened, as they decide the score.
    """

    notebook_timeout = Integer(300, help="Seconds for the whole notebook").tag(config=True)
    judge_in_grader = Bool(True, help="Judge test cells made of checks.exercise calls in the "
                           "grader (course.grade.verdicts)").tag(config=True)
    hidden_references = Unicode("", help="JSON text of the hidden references (never sent to "
                                "the kernel)").tag(config=True)
    kernel_folder = Unicode("", help="The kernel's working folder (default: the notebook's)"
                            ).tag(config=True)
    live_output_bytes = Integer(4_000_000, help="Characters of output kept per cell while it "
                                "runs; the rest is dropped").tag(config=True)
    startup_timeout = Integer(120, help="Seconds for the grader's own first cell (imports torch)"
                              ).tag(config=True)
    # Output that arrives late on a busy machine is recorded, not turned into a grader crash.
    raise_on_iopub_timeout = Bool(False).tag(config=True)
    iopub_timeout = Integer(30).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._started = time.monotonic()
        self._dead_at = None
        self._requesting = False
        self._cell_timeout = self.timeout
        metadata = (resources or {}).get("metadata", {})
        own_folder = metadata.get("path")
        if self.kernel_folder and Path(self.kernel_folder).is_dir():
            metadata["path"] = self.kernel_folder  # where nbclient starts the kernel
        if self.judge_in_grader and not self.hidden_references:  # plain `nbgrader autograde`
            chapter = (resources or {}).get("nbgrader", {}).get("assignment", "")
            self.hidden_references = _references_of(self.config.CourseDirectory.get("root"),
                                                    chapter, nb)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self.timeout = self._cell_timeout
            if own_folder is not None:
                metadata["path"] = own_folder

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        calls = None
        if self.judge_in_grader and _is_test_cell(cell):
            source = cell.source.removeprefix(GUARD_RESTORE)
            calls = calls_of(source)
        if calls is None:
            return self._run(cell, resources, index)
        return self._judge(cell, resources, index, calls), resources

    def _judge(self, cell, resources, index, calls):
        """Run the cell's checks in the kernel as one request, judge each reply here, write the
        outputs (the first failing check's, as in the notebook)."""
        from course.grade import verdicts  # the checker: torch, once per worker

        chapter = resources.get("nbgrader", {}).get("assignment", "")
        try:
            plans = [verdicts.plan(chapter, call, self.hidden_references) for call in calls]
        except Exception as error:  # noqa: BLE001 - the course's fault, said as such
            cell.outputs = [_error("GraderError", f"{GRADER_PREFIX}cannot check this cell: "
                                   f"{type(error).__name__}: {error}")]
            return cell
        request = new_code_cell(verdicts.request_source(chapter, plans, GUARD_RESTORE))
        self._requesting, self._reply_chars = True, 0
        try:
            self._run(request, resources, index)
        finally:
            self._requesting = False
            self.nb.cells[index] = cell  # nbclient put the request in the cell's place
        cell.outputs = []
        for position, planned in enumerate(plans):
            passed, shown = verdicts.outputs_for(planned, request.outputs, position)
            cell.outputs.extend(shown)
            if not passed:
                break
        return cell

    def _run(self, cell, resources, index):
        """Execute one cell in the kernel within the notebook's budget."""
        if self._dead_at is not None:
            cell.outputs = [_error("KernelDied", f"{GRADER_PREFIX}not run: the kernel died in "
                                                 f"cell {self._dead_at}")]
            return cell, resources
        guard = cell.get("id") == GUARD_CELL_ID
        remaining = self.notebook_timeout - (time.monotonic() - self._started)
        if remaining <= 0 and not guard:
            cell.outputs = [_error("NotebookTimeout", f"{GRADER_PREFIX}not run: the notebook "
                                   f"used its {self.notebook_timeout} s time limit")]
            return cell, resources
        self._cell_chars, self._dropped = 0, 0
        if guard:
            self.timeout = self.startup_timeout
        else:
            self.timeout = max(1, min(self._cell_timeout, math.ceil(remaining)))
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead_at = index
            cell.outputs.append(_error("KernelDied", f"{GRADER_PREFIX}the kernel died while "
                                       "running this cell (exit, crash or out of memory)"))
            return cell, resources
        finally:  # the student's budget starts after the kernel's start and the grader's own
            if guard:  # cell: a new fork server's imports on a busy machine are not theirs
                self._started = time.monotonic()

    def setup_kernel(self, **kwargs):
        return _tolerant(super().setup_kernel(**kwargs))

    def process_message(self, msg, cell, cell_index):
        kind = msg["msg_type"]
        if self._requesting and kind == "display_data" \
                and MIME in msg["content"].get("data", {}):
            self._reply_chars += _size(msg["content"])  # a reply: its own, larger budget
            if self._reply_chars > REPLY_CHARS:
                return None
            return super().process_message(msg, cell, cell_index)
        if kind in ("stream", "display_data", "update_display_data", "execute_result", "error") \
                or kind.startswith("comm"):
            size = _size(msg["content"]) + sum(len(b) for b in msg.get("buffers") or [])
            self._cell_chars += size
            if self._cell_chars > self.live_output_bytes:
                if kind not in ("execute_result", "error"):
                    if not self._dropped:
                        cell.outputs.append(new_output("stream", name="stdout", text=(
                            f"\n… [{GRADER_PREFIX}output trimmed while the cell ran: more than "
                            f"{self.live_output_bytes} characters]\n")))
                    self._dropped += size
                    return None
                msg = dict(msg, content=_shrink(msg["content"], 20_000))
        return super().process_message(msg, cell, cell_index)


class _tolerant:
    """Wrap nbclient's kernel context so shutting down an already dead kernel raises nothing."""

    def __init__(self, context):
        self._context = context

    def __enter__(self):
        return self._context.__enter__()

    def __exit__(self, *exc):
        try:
            return self._context.__exit__(*exc)
        except Exception:  # noqa: BLE001 - the kernel is gone; there is nothing to clean up
            return False


class DemoteStderr(NbGraderPreprocessor):
    """Turn stderr text in test cells into stdout, so a warning cannot zero a correct answer.

    nbgrader scores any stderr output as 0; a failing test produces an *error* output, which is
    untouched, so this changes no wrong answer into a right one.
    """

    def preprocess_cell(self, cell, resources, index):
        if _is_test_cell(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = "[stderr] " + output.text
        return cell, resources


class LimitOutputSize(NbGraderPreprocessor):
    """Cap the characters of every output: one huge line or huge rich output is trimmed too."""

    max_chars = Integer(20_000, help="Characters kept per text output").tag(config=True)
    max_rich_bytes = Integer(2_000_000, help="Bytes kept per rich (image/html) output").tag(
        config=True)

    def _trim(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return (text[: self.max_chars] + f"\n… [{GRADER_PREFIX}output trimmed: {len(text)} "
                f"characters, {self.max_chars} kept]\n")

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                output.text = self._trim(output.text)
            elif output.output_type == "error":
                output.evalue = self._trim(output.evalue)
                output.traceback = [self._trim(line) for line in output.traceback[-60:]]
            elif "data" in output:
                for mime, value in list(output.data.items()):
                    size = len(value) if isinstance(value, str) else len(str(value))
                    if mime == "text/plain":
                        output.data[mime] = self._trim(value)
                    elif size > self.max_rich_bytes:
                        output.data = {"text/plain": f"[{GRADER_PREFIX}{mime} output of {size} "
                                                     "bytes removed]"}
                        break
        return cell, resources
