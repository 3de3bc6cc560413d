"""Fixtures for the real-browser tests: a JupyterLab server on a copy of the course, Chromium.

Every test here carries the ``browser`` marker; all of them are skipped, with the reason, where
Playwright, pytest-playwright or Debian's Chromium (/usr/bin/chromium) is missing. Playwright's
own browser downloads are never used: pytest-playwright launches the system Chromium.
"""

from pathlib import Path

import pytest

from .support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, VIEWPORT, lab_server, skip_reason

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    if not reason and not config.pluginmanager.hasplugin("playwright"):
        reason = "the pytest-playwright plugin is disabled (-p no:playwright)"
    for item in items:
        if reason and HERE in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with Debian's Chromium and its offline flags."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT}


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 (random port and token) serving a copy of the course.

    The copy holds nbgrader_config.py, release/, solutions/ and an empty exchange/, so the
    nbgrader lab extension works (Validate). On teardown every kernel and the server are shut
    down; a kernel process still alive after that fails the session, and so does an exception
    the server or a kernel logged without answering (ipykernel logs a request it dropped as
    "Uncaught exception in ZMQStream callback", and the cell that sent it never ends).
    """
    server = lab_server(tmp_path_factory.mktemp("lab")).start()
    yield server
    left = server.stop()
    assert not left, f"kernels left running after the JupyterLab server stopped: {left}"
    log = server.log_path.read_text(errors="replace")
    assert "Uncaught exception" not in log, log[log.index("Uncaught exception") - 200:][:3000]


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
