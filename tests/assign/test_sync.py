"""course/sync.py: committed release/ and solutions/ match source/ and leak nothing."""

import nbformat
import pytest

from course.assign.build import build, notebook_path
from course.assign.sync import check, check_chapter
from tests.chapter_factory import make_root
from tests.conftest import CHAPTERS, ROOT


@pytest.fixture(scope="module")
def built_root(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("sync"), ROOT)
    build(["ch99_tiny"], root)
    return root


def test_fresh_build_is_in_sync(built_root):
    assert check_chapter("ch99_tiny", built_root) == []


def edit(path, change):
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def test_source_edit_without_rebuild_is_reported(built_root, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(built_root, root)
    edit(notebook_path("ch99_tiny", "source", root),
         lambda nb: setattr(nb.cells[0], "source", "# Renamed chapter"))
    problems = check_chapter("ch99_tiny", root)
    assert any(p.startswith("release/ch99_tiny: out of date") for p in problems)
    assert any(p.startswith("solutions/ch99_tiny: out of date") for p in problems)


def test_leaked_solution_and_hidden_test_are_reported(built_root, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(built_root, root)
    release = notebook_path("ch99_tiny", "release", root)
    edit(release, lambda nb: nb.cells.append(
        nbformat.v4.new_code_cell("    doubled_values_secret = values * 2")))
    solutions = notebook_path("ch99_tiny", "solutions", root)
    edit(solutions, lambda nb: nb.cells.append(nbformat.v4.new_code_cell(
        "checks.check_tensor(double(torch.arange(3.0)), torch.arange(3.0) * 2)")))
    problems = check_chapter("ch99_tiny", root)
    assert any("release/ch99_tiny" in p and "leaks 1 secret" in p for p in problems)
    assert any("solutions/ch99_tiny" in p and "leaks 1 secret" in p for p in problems)


def test_missing_generated_notebooks_are_reported(tmp_path):
    root = make_root(tmp_path, ROOT)
    problems = check_chapter("ch99_tiny", root)
    assert "release/ch99_tiny: missing; run python -m course build ch99_tiny" in problems


@pytest.mark.skipif(not CHAPTERS, reason="no chapters yet")
def test_committed_release_and_solutions_are_in_sync_and_secret_free():
    assert check([], ROOT) == []
