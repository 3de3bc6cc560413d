"""course/assign/recorded.py: recorded references are installed with a fingerprint and
``course check`` reports them missing, stale or out of date without running anything."""

import json

import nbformat

from course.assign import recorded
from course.assign.sync import check_chapter
from tests.chapter_factory import make_root, tiny_notebook
from tests.conftest import ROOT


def converted(tmp_path):
    nb = tiny_notebook()
    nb.cells[3].source = ('checks.exercise("double", double)\n### BEGIN HIDDEN TESTS\n'
                          'checks.exercise("double", double, cases="hidden", seed=3)\n'
                          '### END HIDDEN TESTS')
    return make_root(tmp_path, ROOT, nb=nb), nb


def test_install_adds_the_fingerprint_and_problems_follow_the_sources(tmp_path):
    root, nb = converted(tmp_path)
    label = "course/exercises/references/ch99_tiny.json"
    assert recorded.problems("ch99_tiny", nb, root) == [
        f"{label}: missing; run python -m course build ch99_tiny"]
    recording = tmp_path / "recorded.json"
    recording.write_text(json.dumps({"chapter": "ch99_tiny", "exercises": {}}))
    target = recorded.install(recording, "ch99_tiny", nb, root)
    assert json.loads(target.read_text())["source_sha256"] == recorded.fingerprint(
        nb, "ch99_tiny", root)
    assert recorded.problems("ch99_tiny", nb, root) == []

    nb.cells[0].source = "# Prose changes need no new references"
    assert recorded.problems("ch99_tiny", nb, root) == []
    hidden_only = nbformat.from_dict(nb)
    hidden_only.cells[3].source = hidden_only.cells[3].source.replace("seed=3", "seed=4")
    assert recorded.problems("ch99_tiny", hidden_only, root) == []
    nb.cells[2].source = nb.cells[2].source.replace("values * 2", "values + values")
    assert "out of date" in recorded.problems("ch99_tiny", nb, root)[0]
    spec = root / "course" / "exercises" / "ch99_tiny.py"
    spec.write_text("# a spec module edit needs new references\n")
    nb.cells[2].source = nb.cells[2].source.replace("values + values", "values * 2")
    assert "out of date" in recorded.problems("ch99_tiny", nb, root)[0]


def test_a_chapter_without_exercise_calls_must_not_keep_a_reference_file(tmp_path):
    root = make_root(tmp_path, ROOT)
    nb = tiny_notebook()
    assert recorded.problems("ch99_tiny", nb, root) == []
    recorded.folder(root).mkdir(parents=True)
    (recorded.folder(root) / "ch99_tiny.json").write_text("{}")
    assert "stale" in recorded.problems("ch99_tiny", nb, root)[0]
    assert recorded.install(tmp_path / "none.json", "ch99_tiny", nb, root) is None
    assert not (recorded.folder(root) / "ch99_tiny.json").exists()


def test_course_check_reports_reference_problems(tmp_path):
    root, _ = converted(tmp_path)
    assert any(p.startswith("course/exercises/references/ch99_tiny.json: missing")
               for p in check_chapter("ch99_tiny", root))


def test_a_spec_package_is_fingerprinted_by_every_module_in_it(tmp_path):
    root, nb = converted(tmp_path)
    (root / "course" / "exercises" / "ch99_tiny.py").unlink(missing_ok=True)
    package = root / "course" / "exercises" / "ch99_tiny"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("EXERCISES = ()\n")
    (package / "part.py").write_text("# one section's specs\n")
    assert recorded.spec_files("ch99_tiny", root) == [package / "__init__.py", package / "part.py"]
    before = recorded.fingerprint(nb, "ch99_tiny", root)
    (package / "part.py").write_text("# an edited section needs new references\n")
    assert recorded.fingerprint(nb, "ch99_tiny", root) != before
