"""course/assign/raises.py: the cells that raise on a blank release, found from names alone."""

import nbformat
import pytest

from course.assign.build import BuildError, lint_source, notebook_path
from course.assign.raises import TAG, cells_that_raise, missing_tags
from tests.chapter_factory import grade_cell, make_root, solution_cell, tiny_notebook
from tests.conftest import CHAPTERS, ROOT

code = nbformat.v4.new_code_cell


def notebook(*sources):
    """A stub ``double`` (cell 0), its test (cell 1), then one code cell per source."""
    return [solution_cell("ex_double", "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
                                       "    ### END SOLUTION"),
            grade_cell("test_double", "assert double(1) == 2"),
            *(code(source) for source in sources)]


def test_test_cells_and_cells_reading_an_exercise_raise():
    assert cells_that_raise(notebook("print(1)", "y = double(3)")) == [1, 3]


def test_a_name_a_raising_statement_assigns_is_unsafe_until_assigned_again():
    cells = notebook("first = 1\ny = double(3)\nz = first", "print(first, z)", "z = 0\nprint(z)",
                     "print(y)")
    assert cells_that_raise(cells) == [1, 2, 3, 5]  # z made safe again by cell 4


def test_a_function_that_calls_an_exercise_is_unsafe_only_when_called():
    cells = notebook("def twice(x):\n    return double(x)", "print(twice(2))",
                     "def square(double):\n    return double * double\n\nprint(square(2))",
                     "print([double for double in range(3)])")
    assert cells_that_raise(cells) == [1, 3]  # a parameter or loop variable shadows the stub


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_tags_exactly_the_cells_that_raise(chapter):
    cells = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4).cells
    tagged = [index for index, cell in enumerate(cells) if TAG in cell.metadata.get("tags", [])]
    assert missing_tags(cells) == []
    assert cells_that_raise(cells) == tagged


def test_the_build_names_an_untagged_cell_in_one_line(tmp_path):
    nb = tiny_notebook()
    nb.cells.append(code("print(double(torch.ones(2)))"))
    root = make_root(tmp_path, ROOT, nb=nb)
    with pytest.raises(BuildError, match="cell 4: raises on a blank notebook") as raised:
        lint_source(notebook_path("ch99_tiny", "source", root))
    assert "\n" not in str(raised.value) and TAG in str(raised.value)
    del nb.cells[3].metadata["tags"]
    nb.cells.pop()
    root = make_root(tmp_path / "second", ROOT, nb=nb)
    with pytest.raises(BuildError, match=r"cell 3 \(test_double\): raises on a blank notebook"):
        lint_source(notebook_path("ch99_tiny", "source", root))
