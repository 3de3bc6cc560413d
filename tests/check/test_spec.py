"""course/check/spec.py: an exercise names its test cell by its own name unless told otherwise."""

from course.check.spec import Contract, Exercise, numbered


def test_the_test_cell_is_test_name_unless_the_notebook_names_it_otherwise():
    cases = lambda seed, hidden: []  # noqa: E731 - no cases needed here
    plain = Exercise("make_block", "ch99_test", 1, cases, Contract())
    named = Exercise("make_block", "ch99_test", 1, cases, Contract(), test_cell="test_block")
    assert plain.grade_id == "test_make_block"
    assert named.grade_id == "test_block"
    assert [e.grade_id for e in numbered(plain, named)] == ["test_make_block", "test_block"]
