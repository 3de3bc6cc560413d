"""course/exercises/unconverted.py: the list of the unconverted chapters' exercises matches the
source notebooks (names, order, numbers, points), and ``named`` finds each in its chapter."""

import ast

import nbformat
import pytest

from course import exercises
from course.assign.build import notebook_path
from course.exercises.unconverted import EXERCISES
from tests.conftest import CHAPTERS, ROOT

UNCONVERTED = [chapter for chapter in CHAPTERS if chapter not in exercises.CHAPTERS]


def graded(chapter):
    """(name the solution cell defines, its test cell's grade_id, points), in notebook order."""
    cells = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4).cells
    found = []
    for index, cell in enumerate(cells):
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            defined = [node.name for node in ast.parse(cell.source).body
                       if isinstance(node, ast.FunctionDef | ast.ClassDef)]
            test = cells[index + 1].metadata["nbgrader"]
            assert len(defined) == 1 and test.get("grade"), (chapter, index)
            found.append((defined[0], test["grade_id"], test["points"]))
    return found


def test_every_unconverted_chapter_is_listed_and_no_other():
    assert UNCONVERTED, "every chapter is converted: delete unconverted.py"
    assert list(dict.fromkeys(e.chapter for e in EXERCISES)) == UNCONVERTED


@pytest.mark.parametrize("chapter", UNCONVERTED)
def test_the_list_matches_the_notebook_in_order(chapter):
    listed = exercises.listed(chapter)
    assert [(e.name, e.grade_id, e.points) for e in listed] == graded(chapter)
    assert [e.number for e in listed] == list(range(1, len(listed) + 1))


def test_named_prefers_the_given_chapter_for_a_shared_name():
    assert exercises.named("evaluate").chapter == "ch02_autograd"  # converted chapters first
    assert exercises.named("evaluate", "ch08_capstone").number == 6
    assert exercises.named("TwoLayerNet", "ch04_init_and_networks").number == 2
    with pytest.raises(KeyError):
        exercises.named("evaluate", "ch03_activations")
