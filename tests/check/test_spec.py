"""course/check/spec.py: an exercise's test cell is ``test_<name>`` unless the spec names it."""

from course.check.spec import Case, Contract, Exercise, numbered


def cases(seed, hidden):
    return [Case((1,))]


def test_the_grade_id_is_test_name_unless_the_test_cell_is_given():
    plain = Exercise("make_mlp", "ch99", 2, cases, Contract())
    named = Exercise("TwoLayerNet", "ch99", 3, cases, Contract(), test_cell="test_two_layer_net")
    assert plain.grade_id == "test_make_mlp"
    assert named.grade_id == "test_two_layer_net"
    assert [e.grade_id for e in numbered(plain, named)] == ["test_make_mlp", "test_two_layer_net"]
