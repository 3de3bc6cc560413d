"""course/build.py and the `python -m course` command line."""

import subprocess
import sys

import nbformat
import pytest

from course.assign.build import BuildError, build, chapters, lint_source, notebook_path, resolve
from tests.chapter_factory import grade_cell, make_root, solution_cell, tiny_notebook
from tests.conftest import ROOT


def write(root, nb, chapter="ch99_tiny"):
    path = notebook_path(chapter, "source", root)
    nbformat.write(nb, path)
    return path


def test_resolve_accepts_full_and_short_names_and_rejects_unknown(tmp_path):
    root = make_root(tmp_path, ROOT)
    assert chapters(root) == ["ch99_tiny"]
    assert resolve([], root) == ["ch99_tiny"]
    assert resolve(["ch99"], root) == ["ch99_tiny"]
    with pytest.raises(BuildError, match="unknown chapter 'ch42'"):
        resolve(["ch42"], root)


@pytest.mark.parametrize("breakage, message", [
    ("duplicate", "duplicate grade_id 'ex_double'"),
    ("missing_id", "nbgrader cell without a grade_id"),
    ("no_points", "graded cell without points"),
    ("outputs", "stores outputs"),
    ("no_kernelspec", "no kernelspec"),
    ("unbalanced", "unbalanced BEGIN/END SOLUTION"),
])
def test_malformed_source_gives_one_line_naming_file_and_cell(tmp_path, breakage, message):
    root = make_root(tmp_path, ROOT)
    nb = tiny_notebook()
    if breakage == "duplicate":
        nb.cells.append(solution_cell("ex_double", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    elif breakage == "missing_id":
        del nb.cells[2].metadata["nbgrader"]["grade_id"]
    elif breakage == "no_points":
        nb.cells.append(grade_cell("test_other", "assert True", points=0))
    elif breakage == "outputs":
        nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi\n")]
    elif breakage == "no_kernelspec":
        del nb.metadata["kernelspec"]
    elif breakage == "unbalanced":
        nb.cells[2].source = nb.cells[2].source.replace("### END SOLUTION", "")
    path = write(root, nb)
    with pytest.raises(BuildError, match=message) as raised:
        lint_source(path)
    text = str(raised.value)
    assert "\n" not in text and "source/ch99_tiny/ch99_tiny.ipynb" in text
    if breakage != "no_kernelspec":
        assert "cell " in text


def test_unreadable_json_is_reported_not_raised_as_a_traceback(tmp_path):
    root = make_root(tmp_path, ROOT)
    notebook_path("ch99_tiny", "source", root).write_text("{not json")
    with pytest.raises(BuildError, match="not a readable notebook"):
        lint_source(notebook_path("ch99_tiny", "source", root))


def test_cli_reports_unknown_chapter_in_one_line_and_exits_2():
    result = subprocess.run([sys.executable, "-m", "course", "build", "ch42_nothing"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: unknown chapter 'ch42_nothing'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_release_only_build_strips_solutions_and_hidden_tests_and_keeps_source(tmp_path):
    root = make_root(tmp_path, ROOT)
    source_path = notebook_path("ch99_tiny", "source", root)
    before = source_path.read_bytes()
    build(["ch99_tiny"], root, solutions=False)
    assert source_path.read_bytes() == before, "build must never modify source/"
    release = notebook_path("ch99_tiny", "release", root).read_text()
    assert "doubled_values_secret" not in release and "BEGIN" not in release
    assert "raise NotImplementedError()" in release
    assert "torch.arange(3.0)" not in release, "hidden test leaked into the release"
    first = notebook_path("ch99_tiny", "release", root).read_bytes()
    build(["ch99_tiny"], root, solutions=False)
    assert notebook_path("ch99_tiny", "release", root).read_bytes() == first, "rebuild not stable"


def test_solution_build_executes_keeps_answers_drops_hidden_tests_and_is_stable(tmp_path):
    root = make_root(tmp_path, ROOT)
    build(["ch99_tiny"], root)
    path = notebook_path("ch99_tiny", "solutions", root)
    nb = nbformat.read(path, as_version=4)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")
    text = path.read_text()
    assert "doubled_values_secret" in text and "torch.arange(3.0)" not in text
    assert '"execution"' not in text, "timing metadata would make rebuilds dirty"
    first = path.read_bytes()
    build(["ch99_tiny"], root, release=False)
    assert path.read_bytes() == first


def test_failing_solution_is_a_build_error_naming_the_cell(tmp_path):
    nb = tiny_notebook()
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise ValueError('broken demo')"))
    root = make_root(tmp_path, ROOT, nb=nb)
    with pytest.raises(BuildError, match=r"cell 2 raised ValueError: broken demo"):
        build(["ch99_tiny"], root, release=False)


def test_stderr_in_a_solution_is_a_build_error(tmp_path):
    nb = tiny_notebook()
    nb.cells.insert(2, nbformat.v4.new_code_cell("import sys\nprint('oops', file=sys.stderr)"))
    root = make_root(tmp_path, ROOT, nb=nb)
    with pytest.raises(BuildError, match="wrote to stderr"):
        build(["ch99_tiny"], root, release=False)


def test_a_print_split_into_several_stream_messages_is_stored_as_one_output():
    """Under load ipykernel may flush half a line: rebuilds must not depend on that timing."""
    from course.assign.build import _adjacent_streams_merged

    stream = nbformat.v4.new_output
    outputs = [stream("stream", name="stdout", text="✓ done"), stream("stream", name="stdout",
                                                                      text="\n"),
               stream("stream", name="stderr", text="warning\n"),
               stream("display_data", data={"text/plain": "plot"}),
               stream("stream", name="stdout", text="after\n")]
    merged = _adjacent_streams_merged(outputs)
    assert [(o.output_type, o.get("text")) for o in merged] == [
        ("stream", "✓ done\n"), ("stream", "warning\n"), ("display_data", None),
        ("stream", "after\n")]
