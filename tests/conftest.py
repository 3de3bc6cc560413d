"""Shared fixtures: the repository root and the list of chapters."""

from pathlib import Path

import pytest

from course.assign.build import chapters

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = chapters(ROOT)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
