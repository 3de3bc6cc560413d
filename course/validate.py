"""nbgrader's Validate with the chapter's progress summary first, then nbgrader's details.

``SummaryValidator`` is nbgrader's ``Validator``: it runs the notebook and finds the failing test
cells the same way, and reads each exercise's outcome from its test cell in that run (passed,
failed, not attempted: the test said "not solved yet", points from nbgrader's grade). On failure,
the summary comes first: in ``validate_and_print`` (what ``nbgrader validate`` prints) before
nbgrader's "VALIDATION FAILED" text; in the Validate button's dialog (which lists failed cells
only) as its first entry. The button uses it through this module's Jupyter server extension,
which replaces nbgrader's ``validate_assignment`` one in the student's configuration
(deploy/student/jupyter_server_config.json).
"""

import html
import traceback
from pathlib import Path

from jupyter_server.utils import url_path_join
from nbgrader import utils
from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
from nbgrader.server_extensions.validate_assignment import handlers as nbgrader_handlers
from nbgrader.validator import Validator
from tornado import web

from course import exercises

NOT_SOLVED_ERRORS = ("NotSolved", "NotImplementedError")  # the checker's, the stub's
DETAILS = "Each failing test cell follows, in the notebook's order."


def _chapters() -> list[str]:
    return list(exercises.CHAPTERS)


def _test_cells(nb) -> dict:
    """The graded code cells that are not exercises, by grade_id."""
    return {cell.metadata.nbgrader.grade_id: cell for cell in nb.cells
            if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)}


def exercise_rows(nb) -> tuple[str, list[tuple]] | None:
    """(chapter, rows) for an executed chapter notebook, or None when it is no chapter's.

    Args:
        nb: the notebook after nbgrader ran it (its test cells hold their outputs).

    Returns:
        The chapter whose exercises' test cells the notebook holds, and one row per exercise:
        (number, name, status, points earned, points), status one of passed, failed, not attempted.
    """
    tests = _test_cells(nb)
    found = {chapter: [e for e in exercises.listed(chapter) if e.grade_id in tests]
             for chapter in _chapters()}
    chapter = max(found, key=lambda name: len(found[name]))
    if not found[chapter]:
        return None
    rows = []
    for exercise in found[chapter]:
        cell = tests[exercise.grade_id]
        earned, points = utils.determine_grade(cell)
        errors = [output.ename for output in cell.outputs if output.output_type == "error"]
        if earned == points:
            status = "passed"
        elif errors and errors[0] in NOT_SOLVED_ERRORS:
            status = "not attempted"
        else:
            status = "failed"
        rows.append((exercise.number, exercise.name, status, earned, points))
    return chapter, rows


def summary(chapter: str, rows: list[tuple]) -> str:
    """The progress table: one line per exercise, then the counts and points."""
    width = max(len(name) for _, name, *_ in rows)
    lines = [f"Progress in {chapter} (Validate runs the visible tests; grading adds hidden ones)",
             f"{'#':>2}  {'exercise':<{width}}  {'status':<13}  points"]
    for number, name, status, earned, points in rows:
        lines.append(f"{number:>2}  {name:<{width}}  {status:<13}  {earned:g} / {points:g}")
    count = {status: sum(row[2] == status for row in rows)
             for status in ("passed", "failed", "not attempted")}
    lines.append(f"{count['passed']} of {len(rows)} exercises pass, {count['failed']} failed, "
                 f"{count['not attempted']} not attempted: {sum(r[3] for r in rows):g} of "
                 f"{sum(r[4] for r in rows):g} points")
    return "\n".join(lines)


class SummaryValidator(Validator):
    """nbgrader's ``Validator``; a failed result also holds ``summary``, printed first."""

    _executed = None
    _summary = ""

    def _preprocess(self, nb):
        self._executed = super()._preprocess(nb)
        return self._executed

    def validate(self, filename: str) -> dict:
        self._executed, self._summary = None, ""
        results = super().validate(filename)
        found = exercise_rows(self._executed) if self._executed is not None else None
        if found and results.get("failed"):
            self._summary = results["summary"] = summary(*found)
        return results

    def _print_num_failed(self, num_failed: int) -> None:
        if num_failed and self._summary:
            self.stream.write(self._summary + "\n\n")
        super()._print_num_failed(num_failed)


def with_summary_first(results: dict) -> dict:
    """The results for nbgrader's Validate dialog: the summary as its first failed entry."""
    if not results.get("summary") or not results.get("failed"):
        return results
    first = {"source": results["summary"], "error": html.escape(DETAILS), "raw_error": DETAILS}
    return {**results, "failed": [first, *results["failed"]]}


class SummaryValidateHandler(nbgrader_handlers.ValidateAssignmentHandler):
    """nbgrader's ``/assignments/validate`` handler, validating with ``SummaryValidator``."""

    def validate_notebook(self, path: str) -> dict:
        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "Access denied: path outside allowed directory")
        try:
            results = SummaryValidator(config=self.load_config()).validate(str(target))
        except (SchemaTooOldError, SchemaTooNewError):
            return super().validate_notebook(path)  # nbgrader's own message for old metadata
        except Exception:  # noqa: BLE001 - shown in the dialog, as nbgrader's handler does
            self.log.error(traceback.format_exc())
            return {"success": False, "value": traceback.format_exc()}
        return {"success": True, "value": with_summary_first(results)}


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course.validate"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Serve Validate (and nbgrader's version check) as nbgrader's extension does."""
    webapp = serverapp.web_app
    webapp.settings["root_dir"] = serverapp.root_dir
    base_url = webapp.settings["base_url"]
    webapp.add_handlers(".*$", [
        (url_path_join(base_url, "/assignments/validate"), SummaryValidateHandler),
        (url_path_join(base_url, "/nbgrader_version"), nbgrader_handlers.NbGraderVersionHandler),
    ])
