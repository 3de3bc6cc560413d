"""A student's first Run All: every blank release notebook runs to its end in JupyterLab.

Each chapter's release notebook is copied into a work folder of the lab (as ``make lab`` copies
it into my-work/) and run with Run > Run All Cells before any exercise is solved. Then:

* every code cell ran (it shows an execution count);
* every demo cell shows its outputs (as many plots as the executed solution) and no error;
* every slider the kernel made is on the page, each interact cell of the solution shows one;
* each test cell, and each demo cell that needs an exercise, says in one line that the exercise
  is not solved yet (at most 3 lines: no traceback).

On the same pages, each slider (``.widget-slider``) moved one step by keyboard redraws its plot
and its readout shows the value the kernel now holds; ch04's preset buttons land exactly on their
value. (One Run All per chapter: the solutions' outputs are checked by nbval.)

In ch01 a wrong answer typed into the first exercise gets its ✗ hint in at most 3 lines, and the
progress table (the last cell) lists that exercise as failed. Screenshots of ch01, ch04, ch06 and
of the failing check go to test-artifacts/screenshots/.
"""

import json
import math
import re
import shutil

import nbformat
import pytest

from course.assign.build import chapters, notebook_path

from .support import (
    ROOT,
    SCREENSHOTS,
    SLIDER_REPLOT_S,
    ChapterRunner,
    LabNotebook,
    expected_step,
    parse_readout,
    slug,
)

pytestmark = pytest.mark.browser

CHAPTERS = chapters(ROOT)
WORK = "my-work"  # the student's folder in the lab, beside release/ and solutions/
CHAPTERS_AT_ONCE = 3
SCREENSHOT_CHAPTERS = ("ch01", "ch04", "ch06")
NOT_SOLVED = "is not solved yet"
# Exercise 1 of ch01 answered with randint's high read as inclusive (tests/wrong_answers)
WRONG_DICE_ROLLS = '''def dice_rolls(num_rolls, seed):
    """Roll a fair six-sided die num_rolls times, reproducibly."""
    torch.manual_seed(seed)
    return torch.randint(1, 6, (num_rolls,))'''
SLIDER_CALL = re.compile(r"\b\w*Slider\(")


@pytest.fixture(scope="module")
def blank_runner(request, browser, jupyter_lab):
    """Runs the blank chapters in test order, a few at a time, from fresh copies in my-work/.

    The copies come from the checkout's release/ (another test types into the server's copy).
    """
    for chapter in CHAPTERS:
        shutil.copytree(ROOT / "release" / chapter, jupyter_lab.cwd / WORK / chapter,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    order = []
    for item in request.session.items:
        chapter = getattr(item, "callspec", None) and item.callspec.params.get("blank_chapter")
        if chapter and chapter not in order:
            order.append(chapter)
    runner = ChapterRunner(browser, jupyter_lab, order, ahead=CHAPTERS_AT_ONCE, folder=WORK)
    yield runner
    runner.close()
    if runner.seconds:  # Run All times, with CHAPTERS_AT_ONCE notebooks sharing the machine
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS.parent / "browser-blank-run-all-seconds.json").write_text(
            json.dumps(runner.seconds, indent=1) + "\n")


@pytest.fixture(scope="module", params=CHAPTERS)
def blank_chapter(request, blank_runner):
    chapter = request.param
    try:
        yield chapter, blank_runner.get(chapter)[0]
    finally:
        blank_runner.release(chapter)


def _kind(cell) -> str:
    """exercise, test, needs-exercise (a demo tagged to raise until one is solved) or demo."""
    nbgrader = cell.metadata.get("nbgrader", {})
    if nbgrader.get("solution"):
        return "exercise"
    if nbgrader.get("grade"):
        return "test"
    return "needs-exercise" if "raises-exception" in cell.metadata.get("tags", []) else "demo"


def _images(cell) -> int:
    return sum(1 for output in cell.get("outputs", [])
               if {"image/png", "image/jpeg", "image/svg+xml"} & set(output.get("data", {})))


def _slider_cells(solution) -> list[int]:
    """Cells whose executed solution shows a slider (their output is an interact widget)."""
    return [index for index, cell in enumerate(solution.cells) if cell.cell_type == "code"
            and any(SLIDER_CALL.search(output.get("data", {}).get("text/plain", ""))
                    for output in cell.outputs)]


def _problems(view: dict, cell, solved) -> list[str]:
    """What is wrong with one rendered code cell of a blank chapter after Run All."""
    kind = _kind(cell)
    where = f"cell {view['index']} ({kind})"
    errors = [line for text in view["stderr"] for line in text.strip().splitlines()]
    problems = []
    if not re.fullmatch(r"\[\d+\]:", view["prompt"]):
        problems.append(f"{where} did not run (prompt {view['prompt']!r})")
    if kind in ("test", "needs-exercise"):
        if not errors or NOT_SOLVED not in errors[0] or len(errors) > 3:
            problems.append(f"{where} should say in one line which exercise is not solved yet, "
                            f"shows {errors[:6]}")
        return problems
    if errors:
        problems.append(f"{where} shows an error: {errors[:6]}")
    if kind == "demo":
        if solved.outputs and not view["text"].strip() and not view["images"]:
            problems.append(f"{where} shows no output (the solution shows "
                            f"{len(solved.outputs)})")
        drawn = [image for image in view["images"] if image["complete"] and image["width"] > 0]
        if len(drawn) < _images(solved):
            problems.append(f"{where} draws {len(drawn)} of its {_images(solved)} plots")
        if any(plots == 0 for plots in view["interacts"]):
            problems.append(f"{where}: an interactive widget shows no plot")
        if "Error displaying widget" in view["text"]:
            problems.append(f"{where}: a widget failed to display: {view['text'][:300]}")
    return problems


def test_blank_release_runs_to_its_end(blank_chapter, screenshots):
    """Run All on the unsolved notebook: every cell ran, demos and sliders shown, one-line hints."""
    chapter, notebook = blank_chapter
    release = nbformat.read(notebook_path(chapter, "release", ROOT), as_version=4)
    solution = nbformat.read(notebook_path(chapter, "solutions", ROOT), as_version=4)
    shown = notebook.cells()
    assert len(shown) == len(release.cells) == len(solution.cells)
    problems = []
    for cell, solved, view in zip(release.cells, solution.cells, shown, strict=True):
        if cell.cell_type == "code":
            problems += _problems(view, cell, solved)
    slider_cells = _slider_cells(solution)
    for index in slider_cells:
        if not notebook.cell(index).locator(".widget-slider").count():
            problems.append(f"cell {index} shows no slider (the solution's shows one)")
    on_page = notebook.panel.locator(".widget-slider").count()
    in_kernel = len(notebook.slider_state())
    if on_page != in_kernel:
        problems.append(f"the kernel made {in_kernel} sliders, the page shows {on_page}")
    if chapter.startswith(SCREENSHOT_CHAPTERS):
        _screenshots(notebook, chapter, release, slider_cells, screenshots)
    assert not problems, f"{chapter} after Run All on the blank notebook:\n" + "\n".join(problems)


def _screenshots(notebook: LabNotebook, chapter: str, release, slider_cells, screenshots) -> None:
    """The page, the first test cell, the first demo waiting for an exercise, a slider, the end."""
    short = chapter.split("_")[0]
    notebook.page.screenshot(path=screenshots / f"blank-{short}-0-page.png")
    kinds = [_kind(cell) if cell.cell_type == "code" else "" for cell in release.cells]
    picks = {"first-test": kinds.index("test") if "test" in kinds else None,
             "needs-exercise": kinds.index("needs-exercise") if "needs-exercise" in kinds else None,
             "slider": slider_cells[0] if slider_cells else None,
             "last": len(release.cells) - 1}
    for number, (name, index) in enumerate(picks.items(), start=1):
        if index is not None:
            notebook.cell(index).scroll_into_view_if_needed()
            notebook.cell(index).screenshot(
                path=screenshots / f"blank-{short}-{number}-{name}-cell{index}.png")


@pytest.mark.parametrize("blank_chapter", [c for c in CHAPTERS if c.startswith("ch01")],
                         indirect=True)
def test_a_wrong_answer_gets_a_short_hint_and_shows_in_the_progress_table(blank_chapter,
                                                                          screenshots):
    """ch01 after Run All: a wrong Exercise 1, its test's ✗ line, then the progress table."""
    chapter, notebook = blank_chapter
    release = nbformat.read(notebook_path(chapter, "release", ROOT), as_version=4)
    exercise = next(n for n, cell in enumerate(release.cells) if _kind(cell) == "exercise")
    test, last = exercise + 1, len(release.cells) - 1
    assert _kind(release.cells[test]) == "test" and "dice_rolls" in release.cells[test].source
    assert "checks.progress()" in release.cells[last].source

    keyboard = notebook.page.keyboard
    before = notebook.prompts([exercise, test])
    notebook.cell(exercise).locator(".cm-content").click()
    keyboard.press("Control+a")
    notebook.type_code(WRONG_DICE_ROLLS)
    keyboard.press("Escape")
    keyboard.press("Shift+Enter")  # run the exercise, select its test cell
    keyboard.press("Shift+Enter")  # run the test cell
    notebook.wait_until_rerun([exercise, test], before)
    hint = [line for text in notebook.cells()[test]["stderr"] for line in text.splitlines()]
    notebook.cell(test).screenshot(path=screenshots / f"blank-{chapter[:4]}-wrong-answer.png")
    assert hint and hint[0].startswith("✗") and len(hint) <= 3, hint
    assert "randint" in " ".join(hint) and NOT_SOLVED not in hint[0], hint

    before = notebook.prompts([last])
    notebook.cell(last).locator(".cm-content").click()
    keyboard.press("Escape")
    keyboard.press("Control+Enter")
    notebook.wait_until_rerun([last], before)
    notebook.cell(last).scroll_into_view_if_needed()
    notebook.cell(last).screenshot(path=screenshots / f"blank-{chapter[:4]}-progress-table.png")
    table = notebook.cells()[last]["text"]
    rows = dict(re.findall(r"^\s*\d+\s+(\w+)\s+(passed|failed|not attempted)\s", table, re.M))
    assert rows.pop("dice_rolls") == "failed" and rows, table
    assert set(rows.values()) == {"not attempted"}, table
    assert "0 of " in table.splitlines()[-1], table


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


def test_sliders(blank_chapter, screenshots):
    """Each slider: one step by keyboard redraws its plot, readout == the kernel's new value."""
    chapter, notebook = blank_chapter
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


@pytest.mark.parametrize("blank_chapter", [c for c in CHAPTERS if "init" in c], indirect=True)
def test_preset_buttons_land_exactly_on_their_value(blank_chapter, screenshots):
    """ch04's preset buttons: the slider shows the value the button names and the kernel holds it.

    (The tanh gain 5/3 once showed 1.58: the browser's slider snapped it to its step grid.)
    """
    from playwright.sync_api import expect

    from course.init_scale import NAMED_SCALES

    chapter, notebook = blank_chapter
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
        cell.screenshot(path=screenshots / f"{chapter}-preset-{slug(name)}.png")


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
