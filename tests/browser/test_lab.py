"""JupyterLab in a real Chromium, used the way a student uses it.

* a release notebook: an exercise typed into its cell passes its test cell, and nbgrader's
  Validate button shows the progress summary first, then every other exercise as still failing.

The chapters' Run All, sliders and presets are tested on the blank notebooks a student starts
from (test_blank_release.py): one Run All per chapter in the browser; the executed solutions are
checked cell by cell by nbval.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course.assign.build import chapters, notebook_path

from .support import (
    CELL_RUN_S,
    NOTEBOOK_OPEN_S,
    ROOT,
    VALIDATE_S,
    LabNotebook,
)

pytestmark = pytest.mark.browser

CHAPTERS = chapters(ROOT)
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
PASS_MESSAGE = "all visible checks passed"


def _first_exercise(chapter: str, served: Path):
    """The chapter's first exercise, if it ends in nbgrader's stub and its test cell follows.

    Reads the release and solution notebooks from ``served`` (the server's copy) and the answer
    from ``source/``. Returns (cell index, lines kept from the release cell, solution body lines,
    test cell index, the test's output in the executed solution) or None.
    """
    paths = {"source": notebook_path(chapter, "source", ROOT),
             "release": notebook_path(chapter, "release", served),
             "solutions": notebook_path(chapter, "solutions", served)}
    if not all(path.exists() for path in paths.values()):
        return None
    release, source, solution = (nbformat.read(paths[f], as_version=4)
                                 for f in ("release", "source", "solutions"))
    for index, cell in enumerate(release.cells[:-1]):
        meta = cell.metadata.get("nbgrader", {})
        if not (cell.cell_type == "code" and meta.get("solution")):
            continue
        lines = cell.source.rstrip("\n").split("\n")
        test = release.cells[index + 1]
        test_meta = test.metadata.get("nbgrader", {})
        stub_ok = [line.strip() for line in lines[-2:]] == STUB and cell.source.count(STUB[0]) == 1
        originals = [c for c in source.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") == meta.get("grade_id")]
        if not (stub_ok and test.cell_type == "code" and test_meta.get("grade")
                and not test_meta.get("solution") and len(originals) == 1):
            return None
        original = originals[0].source.split("\n")
        begins = [n for n, line in enumerate(original) if line.strip() == "### BEGIN SOLUTION"]
        ends = [n for n, line in enumerate(original) if line.strip() == "### END SOLUTION"]
        if len(begins) != 1 or len(ends) != 1:
            return None
        body = original[begins[0] + 1:ends[0]]
        passed = "".join(output.get("text", "") for output in solution.cells[index + 1].outputs
                         if output.output_type == "stream" and output.name == "stdout")
        if PASS_MESSAGE not in passed:
            return None
        return index, lines[:-2], body, index + 1, passed
    return None


def test_student_solves_an_exercise_and_validates(page, jupyter_lab, screenshots):
    """Type an answer into a release notebook, run its test cell, then press Validate."""
    found = next(((chapter, exercise) for chapter in CHAPTERS
                  if (exercise := _first_exercise(chapter, jupyter_lab.cwd))), None)
    assert found, "no release notebook starts with a stub exercise followed by its test cell"
    chapter, (index, kept, body, test_index, passed) = found
    from playwright.sync_api import expect

    page.set_default_timeout(60_000)
    path = f"release/{chapter}/{chapter}.ipynb"
    release = nbformat.read(jupyter_lab.cwd / path, as_version=4)  # as released, before edits
    notebook = LabNotebook(page, jupyter_lab, path).open()
    try:
        keyboard = page.keyboard
        notebook.cell(index).locator(".cm-content").click()
        keyboard.press("Control+Home")
        for _ in kept:
            keyboard.press("ArrowDown")
        keyboard.press("Shift+Control+End")  # select the stub: "# YOUR CODE HERE" to the end
        notebook.type_code("\n".join(body))
        keyboard.press("Escape")  # command mode, the exercise cell still selected

        above = [n for n, view in enumerate(notebook.cells()) if view["code"] and n < index]
        notebook.menu("Run", "Run All Above Selected Cell")
        notebook.wait_until_run_finished(above, timeout_s=CELL_RUN_S)
        keyboard.press("Shift+Enter")  # run the exercise, select its test cell
        keyboard.press("Shift+Enter")  # run the test cell
        notebook.wait_until_run_finished([index, test_index], timeout_s=CELL_RUN_S)

        views = notebook.cells()
        assert not views[index]["stderr"], f"the typed answer fails: {views[index]['stderr']}"
        assert not views[test_index]["stderr"], f"its test fails: {views[test_index]['stderr']}"
        assert views[test_index]["text"].strip() == passed.strip()
        page.screenshot(path=screenshots / f"{chapter}-student-0-lab.png")
        notebook.cell(index).screenshot(path=screenshots / f"{chapter}-student-1-answer.png")
        notebook.cell(test_index).screenshot(path=screenshots / f"{chapter}-student-2-test.png")

        notebook.panel.locator(".validate-button").get_by_text("Validate").click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog.get_by_text("Validation Results")).to_be_visible(
            timeout=VALIDATE_S * 1000)
        message = dialog.locator("#validation-message")
        dialog.locator(".jp-Dialog-content").screenshot(
            path=screenshots / f"{chapter}-student-3-validate.png")
        outcome = message.get_attribute("class")
        # each failure: <div><p>The following cell failed:</p></div>, its source, its error
        failed = message.evaluate("""(m) => [...m.children]
            .filter((e, i, all) => i > 0
                    && all[i - 1].innerText.trim() === 'The following cell failed:')
            .map(e => e.innerText.trim())""")
        dialog.get_by_role("button", name="Ok").click()
    finally:
        notebook.close()

    saved = nbformat.read(jupyter_lab.cwd / path, as_version=4)  # Validate saves first
    assert saved.cells[index].source == "\n".join(kept + body), "the typed answer was not saved"
    tests = [cell.source.strip() for cell in release.cells
             if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
             and not cell.metadata["nbgrader"].get("solution")]
    ours = release.cells[test_index].source.strip()
    assert "validation-failed" in outcome, f"Validate on a half-done notebook said {outcome!r}"
    summary, failed = failed[0].splitlines(), failed[1:]  # course.validate: the summary first
    assert summary[0].startswith(f"Progress in {chapter}"), summary
    assert summary[-1].startswith(f"1 of {len(tests)} exercises pass, 0 failed, "
                                  f"{len(tests) - 1} not attempted"), summary
    assert ours not in failed, "Validate lists the solved exercise's test as failing"
    assert sorted(failed) == sorted(t for t in tests if t != ours), (
        f"Validate should list the {len(tests) - 1} unsolved tests as failing:\n"
        + json.dumps(failed, indent=1)[:3000])



def test_students_lab_has_no_instructor_panels_and_no_news_pop_up(page, jupyter_lab, screenshots):
    """`make lab`'s configuration (deploy/student): nbgrader's student tools only, no news."""
    from playwright.sync_api import expect

    page.goto(jupyter_lab.url("lab", query="reset"))
    expect(page.locator(".jp-LabShell")).to_be_visible(timeout=NOTEBOOK_OPEN_S * 1000)
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    menu = page.locator(".lm-Menu").last
    expect(menu.get_by_text("Assignment List")).to_be_visible()
    items = set(menu.locator(".lm-Menu-itemLabel").all_inner_texts())
    page.screenshot(path=screenshots / "lab-student-nbgrader-menu.png")
    page.keyboard.press("Escape")
    assert not {"Formgrader", "Create Assignment", "Course List"} & items, items
    assert jupyter_lab.api("GET", "api/status")  # the server answers; now ask for the Formgrader
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(jupyter_lab.url("formgrader"), timeout=30)
    assert missing.value.code == 404
    page.wait_for_timeout(5000)  # the news question came within a second or two when it was on
    assert page.get_by_text("official Jupyter news").count() == 0
    page.screenshot(path=screenshots / "lab-student-no-news.png")
