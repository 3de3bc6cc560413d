"""Voilà serves a widget chapter as an app: outputs only, a slider that redraws its plot."""

import nbformat
import pytest

from course.assign.build import chapters, notebook_path

from .support import ROOT, SLIDER_REPLOT_S, STDERR, parse_readout, voila_server

pytestmark = pytest.mark.browser

VOILA_RENDER_S = 120  # Voilà runs the whole notebook (about 10 s here) before it shows the page
# A static file Voilà serves once it is up (GET / would start a kernel)
VOILA_READY = "voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"


def widget_chapter() -> str | None:
    """The first chapter whose solution notebook builds a slider with ``interact``."""
    for chapter in chapters(ROOT):
        path = notebook_path(chapter, "solutions", ROOT)
        if path.exists() and any(
                cell.cell_type == "code" and "interact(" in cell.source and "Slider" in cell.source
                for cell in nbformat.read(path, as_version=4).cells):
            return chapter
    return None


@pytest.fixture(scope="module")
def voila_app(tmp_path_factory):
    chapter = widget_chapter()
    if chapter is None:
        pytest.skip("no chapter has an interact() slider to serve with Voilà")
    server = voila_server(tmp_path_factory.mktemp("voila"),
                          notebook_path(chapter, "solutions", ROOT)).start(ready=VOILA_READY)
    yield chapter, server
    left = server.stop(rest_api=False)
    assert not left, f"kernels left running after Voilà stopped: {left}"


def test_voila_app_slider(page, voila_app, screenshots):
    """The app page shows no code and no error, draws its plots, and a slider step redraws one."""
    from playwright.sync_api import expect

    chapter, server = voila_app
    page.set_default_timeout(60_000)
    try:
        page.goto(server.url(), timeout=VOILA_RENDER_S * 1000)
    except Exception as error:  # noqa: BLE001 - playwright's TimeoutError, imported lazily
        if "Timeout" not in type(error).__name__:
            raise
        # Seen once on a machine busy with other kernels: the app's kernel never started. Each
        # GET starts a fresh kernel, so ask once more before calling the page broken.
        page.goto(server.url(), timeout=VOILA_RENDER_S * 1000)
    slider = page.locator(".widget-slider").first
    expect(slider).to_be_visible(timeout=VOILA_RENDER_S * 1000)
    interact = slider.locator("xpath=ancestor::div[contains(concat(' ', "
                              "normalize-space(@class), ' '), ' widget-interact ')][1]")
    plot = interact.locator(".widget-output img")
    expect(plot).to_have_count(1)
    assert plot.evaluate("(img) => img.complete && img.naturalWidth > 0"), "the plot is blank"

    code = page.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor")
    assert code.count() == 0, "Voilà shows code (an app page shows outputs only)"
    errors = page.locator(STDERR)
    assert errors.count() == 0, f"Voilà shows error output: {errors.first.inner_text()[:1500]}"
    assert "Traceback" not in page.locator("body").inner_text()
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() >= 1
    assert all(images.nth(n).evaluate("(img) => img.complete && img.naturalWidth > 0")
               for n in range(images.count())), "an image on the page did not load"
    page.screenshot(path=screenshots / f"voila-{chapter}-page.png")
    interact.screenshot(path=screenshots / f"voila-{chapter}-0-defaults.png")

    readout = slider.locator(".widget-readout")
    old_readout, old_src = readout.inner_text(), plot.get_attribute("src")
    handle = slider.locator(".noUi-handle")
    up = handle.get_attribute("aria-valuenow") != handle.get_attribute("aria-valuemax")
    handle.focus()
    page.keyboard.press("ArrowRight" if up else "ArrowLeft")  # one step, one run
    page.wait_for_function(
        """([widget, oldSrc]) => {
             const img = widget.querySelector('.widget-output img');
             return img !== null && img.src !== oldSrc && img.complete && img.naturalWidth > 0;
           }""",
        arg=[interact.element_handle(), old_src], timeout=SLIDER_REPLOT_S * 1000)
    expect(readout).not_to_have_text(old_readout)
    moved = parse_readout(readout.inner_text())[0] - parse_readout(old_readout)[0]
    assert moved > 0 if up else moved < 0, f"readout {old_readout} -> {readout.inner_text()}"
    assert page.locator(STDERR).count() == 0, "moving the slider produced error output"
    interact.screenshot(path=screenshots / f"voila-{chapter}-1-slider-moved.png")
