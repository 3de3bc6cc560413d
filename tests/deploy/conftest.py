"""The deploy tests reuse the browser tests' Chromium settings (Debian's chromium, offline flags).

Tests marked ``browser`` here are skipped, with the reason, where Playwright or Chromium is missing.
"""

from pathlib import Path

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests.browser.support import skip_reason as browser_skip_reason

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    reason = browser_skip_reason()
    if not reason and not config.pluginmanager.hasplugin("playwright"):
        reason = "the pytest-playwright plugin is disabled (-p no:playwright)"
    for item in items:
        if reason and HERE in item.path.parents and item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, with Debian's Chromium and its offline flags."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT}
