"""Spread the suite over pytest-xdist workers (``--dist loadgroup``).

A notebook's cells must stay on one worker (nbval runs them in one kernel), and so must a test
file's tests (they share module fixtures). The grading tests are the slow part, so each chapter's
grading forms a group of its own and the chapters are graded in parallel.
"""

import os

import pytest

# Two xdist workers each drive their own kernel on a 2-core machine: one math thread per kernel
# avoids oversubscription (small torch ops slowed 50x with 2 threads each on a busy machine).
# Kernels inherit this; a student's JupyterLab is unaffected.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        group = item.path.name
        chapter = getattr(item, "callspec", None) and item.callspec.params.get("chapter")
        if item.path.name == "test_grading.py" and chapter:
            group = f"grading-{chapter}"
        item.add_marker(pytest.mark.xdist_group(group))
