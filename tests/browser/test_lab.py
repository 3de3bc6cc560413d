"""JupyterLab in a real Chromium, used the way a student uses it.

* every chapter's solution notebook: Run All from clean outputs, no error output, every plot drawn;
* every slider (found as ``.widget-slider`` in the rendered notebook): one key press moves it one
  step, the plot is redrawn, and the readout shows the value the kernel now holds;
* a release notebook: an exercise typed into its cell passes its test cell, and nbgrader's
  Validate button shows the progress summary first, then every other exercise as still failing.

Chapters come from ``course.assign.build.chapters()``, so a new chapter is tested without edits
here.
Screenshots of every widget cell go to test-artifacts/screenshots/.
"""

import json
import math
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from course.assign.build import chapters, notebook_path

from .support import (
    CELL_RUN_S,
    NOTEBOOK_OPEN_S,
    ROOT,
    SCREENSHOTS,
    SLIDER_REPLOT_S,
    VALIDATE_S,
    ChapterRunner,
    LabNotebook,
    expected_step,
    parse_readout,
    slug,
)

pytestmark = pytest.mark.browser

CHAPTERS = chapters(ROOT)
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
PASS_MESSAGE = "all visible checks passed"
CHAPTERS_AT_ONCE = 3  # solution notebooks running at the same time (each in its own page)


@dataclass
class RanChapter:
    chapter: str
    notebook: LabNotebook
    stored: nbformat.NotebookNode  # the executed solution as built, outputs included
    seconds: float


@pytest.fixture(scope="module")
def chapter_runner(request, browser, jupyter_lab):
    """Runs the chapters the selected tests need, in test order, a few at a time."""
    order = []
    for item in request.session.items:
        chapter = getattr(item, "callspec", None) and item.callspec.params.get("ran_chapter")
        if chapter and chapter not in order:
            order.append(chapter)
    runner = ChapterRunner(browser, jupyter_lab, order, ahead=CHAPTERS_AT_ONCE)
    yield runner
    runner.close()
    if runner.seconds:  # Run All times, with CHAPTERS_AT_ONCE notebooks sharing the machine
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS.parent / "browser-run-all-seconds.json").write_text(
            json.dumps(runner.seconds, indent=1) + "\n")


@pytest.fixture(scope="module", params=CHAPTERS)
def ran_chapter(request, chapter_runner, jupyter_lab):
    """A chapter's solution notebook open in JupyterLab after Edit > Clear Outputs, Run All."""
    chapter = request.param
    try:
        notebook, seconds = chapter_runner.get(chapter)
        stored = nbformat.read(jupyter_lab.cwd / notebook.path, as_version=4)
        yield RanChapter(chapter, notebook, stored, seconds)
    finally:
        chapter_runner.release(chapter)


def _stored_images(cell) -> int:
    return sum(1 for output in cell.get("outputs", [])
               if {"image/png", "image/jpeg", "image/svg+xml"} & set(output.get("data", {})))


def _stored_errors(cell) -> int:
    return sum(1 for output in cell.get("outputs", []) if output.output_type == "error"
               or (output.output_type == "stream" and output.name == "stderr"))


def test_chapter_runs_clean(ran_chapter):
    """Run All finishes; no cell shows an error; every plot (stored or interactive) is drawn."""
    shown = ran_chapter.notebook.cells()
    stored = ran_chapter.stored.cells
    assert len(shown) == len(stored), "JupyterLab shows a different number of cells"
    problems = []
    for cell, view in zip(stored, shown, strict=True):
        where = f"cell {view['index']}"
        if cell.cell_type != "code":
            continue
        if not re.fullmatch(r"\[\d+\]:", view["prompt"]):
            problems.append(f"{where} did not run (prompt {view['prompt']!r})")
        if view["stderr"] and not _stored_errors(cell):
            problems.append(f"{where} shows error output:\n{view['stderr'][0][:1500]}")
        drawn = [image for image in view["images"] if image["complete"] and image["width"] > 0]
        if len(drawn) < _stored_images(cell):
            problems.append(f"{where} draws {len(drawn)} of its {_stored_images(cell)} plots")
        if len(drawn) < len(view["images"]):
            problems.append(f"{where} has an image that did not load")
        for number, plots in enumerate(view["interacts"]):
            if not plots:
                problems.append(f"{where}: interactive widget {number} shows no plot")
        if "Error displaying widget" in view["text"]:
            problems.append(f"{where}: a widget failed to display: {view['text'][:300]}")
    assert not problems, f"{ran_chapter.chapter}:\n" + "\n".join(problems)


# interact() clears its output and draws a new figure: a new <img> replaces the marked old one.
_MARK_PLOT_JS = "(widget) => widget.querySelector('.widget-output img').dataset.old = 'yes'"
_NEW_PLOT_JS = """(widget) => {
  const image = widget.querySelector('.widget-output img');
  return image !== null && !image.dataset.old && image.complete && image.naturalWidth > 0;
}"""
_INTERACT = ("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), "
             "' widget-interact ')][1]")
_CELL = ("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), "
         "' jp-Cell ')][1]")


def _cell_index(locator) -> int:
    return locator.locator(_CELL).evaluate(
        "(cell) => [...cell.parentElement.children].indexOf(cell)")


def test_sliders(ran_chapter, screenshots):
    """Each slider: one step by keyboard redraws its plot, readout == the kernel's new value."""
    notebook, chapter = ran_chapter.notebook, ran_chapter.chapter
    sliders = notebook.panel.locator(".widget-slider")
    source = notebook_path(chapter, "source", ROOT).read_text()
    if "interact(" not in source:  # a chapter without a widget must not show a stray slider
        assert sliders.count() == 0, f"{chapter} has no interact() cell but shows a slider"
        return
    assert sliders.count() > 0, f"{chapter} has an interact() cell but JupyterLab shows no slider"
    for index in sorted({_cell_index(slider) for slider in sliders.all()}):
        notebook.cell(index).screenshot(path=screenshots / f"{chapter}-cell{index}-0-defaults.png")
    problems = []
    for number, slider in enumerate(sliders.all(), start=1):
        problems += _move_slider(notebook, slider, f"{chapter}-cell{_cell_index(slider)}-{number}",
                                 screenshots)
    assert not problems, f"{chapter}:\n" + "\n".join(problems)


@pytest.mark.parametrize("ran_chapter", [c for c in CHAPTERS if "init" in c], indirect=True)
def test_preset_buttons_land_exactly_on_their_value(ran_chapter, screenshots):
    """ch04's preset buttons: the slider shows the value the button names and the kernel holds it.

    (The tanh gain 5/3 once showed 1.58: the browser's slider snapped it to its step grid.)
    """
    from playwright.sync_api import expect

    from course.init_scale import NAMED_SCALES

    notebook = ran_chapter.notebook
    buttons = notebook.panel.locator(".widget-button", has_text=" = ")
    assert buttons.count() == len(NAMED_SCALES)
    presets = list(enumerate(NAMED_SCALES.items()))
    now = [s["value"] for s in notebook.slider_state().values() if s["description"] == "scale"]
    if now and math.isclose(now[0], presets[0][1][1]):  # a click must change the value
        presets = presets[1:] + presets[:1]
    for number, (name, value) in presets:
        button = buttons.nth(number)
        label = button.inner_text().strip()
        assert label == f"{name} = {value:.3g}"
        cell = button.locator(_CELL)
        slider = cell.locator(".widget-slider", has_text="scale")
        interact = slider.locator(_INTERACT)
        interact.evaluate(_MARK_PLOT_JS)
        button.click()
        shown = re.escape(f"{value:.3g}")  # the browser's ".3g" keeps zeros: 1 is "1.00"
        expect(slider.locator(".widget-readout")).to_have_text(re.compile(rf"^{shown}(\.0+)?$"))
        notebook.page.wait_for_function(_NEW_PLOT_JS, arg=interact.element_handle(),
                                        timeout=SLIDER_REPLOT_S * 1000)
        held = [s["value"] for s in notebook.slider_state().values() if s["description"] == "scale"]
        assert len(held) == 1 and math.isclose(held[0], value, rel_tol=1e-12), (label, held)
        cell.screenshot(path=screenshots / f"{ran_chapter.chapter}-preset-{slug(name)}.png")


def _move_slider(notebook: LabNotebook, slider, name: str, screenshots) -> list[str]:
    """Move one slider one step with the keyboard; return what went wrong."""
    from playwright.sync_api import expect

    label = slider.locator(".widget-label").inner_text().strip()
    readout = slider.locator(".widget-readout")
    handle = slider.locator(".noUi-handle")
    interact = slider.locator(_INTERACT)
    plot = interact.locator(".widget-output img").first
    old_readout, old_src = readout.inner_text(), plot.get_attribute("src")
    direction = -1 if handle.get_attribute("aria-valuenow") == handle.get_attribute(
        "aria-valuemax") else 1
    before = notebook.slider_state()

    interact.evaluate(_MARK_PLOT_JS)
    handle.focus()
    notebook.page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")  # one step
    notebook.page.wait_for_function(_NEW_PLOT_JS, arg=interact.element_handle(),
                                    timeout=SLIDER_REPLOT_S * 1000)
    expect(readout).not_to_have_text(old_readout)
    after = notebook.slider_state()
    new_readout = readout.inner_text()
    new_src = interact.locator(".widget-output img").first.get_attribute("src")
    slider.locator(_CELL).screenshot(path=screenshots / f"{name}-{slug(label)}.png")

    what = f"slider {label!r} ({old_readout} -> {new_readout})"
    problems = []
    if new_src == old_src:
        problems.append(f"{what}: the plot was redrawn identical, a student sees nothing change")
    moved = [key for key, state in after.items()
             if key in before and state["value"] != before[key]["value"]]
    if len(moved) != 1:
        return [*problems, f"{what}: one key press changed {len(moved)} kernel slider values"]
    state, old = after[moved[0]], before[moved[0]]
    step = expected_step(old, direction)
    shown, half_digit = parse_readout(new_readout)
    if state["description"] != label:
        problems.append(f"{what}: the kernel moved slider {state['description']!r} instead")
    if not math.isclose(state["value"], step, rel_tol=1e-6, abs_tol=1e-12):
        problems.append(f"{what}: kernel value {old['value']!r} -> {state['value']!r}, "
                        f"not one step ({step!r})")
    if abs(shown - state["value"]) > half_digit * 1.001 + 1e-12:
        problems.append(f"{what}: the readout shows {new_readout!r}, the kernel holds "
                        f"{state['value']!r}")
    return problems


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
