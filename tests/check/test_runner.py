"""course/check/runner.py and render.py: what a student sees in a test cell.

A pass prints one line; a failure prints nothing and raises one ``CheckFailure`` whose rendering
is at most three lines; an unsolved exercise says so in one line; the student's own exception
keeps its traceback into their code, with a note naming the input.
"""

import pytest
import torch

from course import checks
from course.check import runner
from course.check.judge import Failure
from course.check.render import CheckFailure, NotSolved
from course.check.spec import Case
from course.exercises import find


def dice_rolls(num_rolls, seed):
    torch.manual_seed(seed)
    return torch.randint(1, 7, (num_rolls,))


def test_a_pass_prints_exactly_one_line(capsys):
    checks.exercise("dice_rolls", dice_rolls)
    out, err = capsys.readouterr()
    assert out == "✓ dice_rolls: all visible checks passed (5 cases).\n" and err == ""


def test_a_failure_prints_nothing_and_renders_in_at_most_three_lines(capsys):
    def no_seed(num_rolls, seed):
        return torch.randint(1, 7, (num_rolls,))

    with pytest.raises(CheckFailure) as raised:
        checks.exercise("dice_rolls", no_seed)
    assert capsys.readouterr() == ("", "")
    lines = raised.value._render_traceback_()
    assert 1 <= len(lines) <= 3 and lines[0].startswith("✗ dice_rolls(num_rolls=")
    assert "second call" in lines[0] and isinstance(raised.value, AssertionError)


def test_an_unsolved_exercise_is_one_line_and_never_another_error():
    def stub(num_rolls, seed):
        raise NotImplementedError()

    with pytest.raises(NotSolved) as raised:
        checks.exercise("dice_rolls", stub)
    assert raised.value._render_traceback_() == [
        "✗ Exercise 1 (`dice_rolls`) is not solved yet"]


def test_the_students_own_exception_keeps_their_traceback_and_names_the_input():
    def typo(num_rolls, seed):
        torch.manual_seed(seed)
        return torch.randint(1, 7, num_rolls)  # a size must be a tuple

    with pytest.raises(TypeError) as raised:
        checks.exercise("dice_rolls", typo)
    frames = [entry.name for entry in raised.traceback]
    assert frames[-1] == "typo" and "check" not in frames and "probe" not in frames
    assert any(note.startswith("✗ dice_rolls(num_rolls=") for note in raised.value.__notes__)
    shown = "\n".join(raised.value._render_traceback_())  # what IPython and nbgrader show
    assert "typo" in shown and "✗ dice_rolls(num_rolls=" in shown
    assert "checks.exercise(" not in shown  # the calling cell (hidden lines) is not shown


def test_the_report_prefers_the_smallest_failure_that_names_the_mistake():
    plain, named, raised = (Failure("values", "differs", False), Failure("shape", "wrong dim"),
                            Failure("raised", "raised RuntimeError", False))
    entries = [(Case((1,)), plain, None), (Case((2,)), raised, None), (Case((3,)), named, None)]
    assert runner._pick(entries)[1] is named
    assert runner._pick(entries[:2])[1] is raised
    assert runner._pick(entries[:1])[1] is plain and runner._pick([]) is None


def test_a_bare_shape_gives_way_to_a_later_failure_a_diagnosis_explains():
    bare = Failure("shape", "the result has shape (0, 0), expected (0,)", explained=False)
    explained = Failure("shape", "the result has shape (4, 4), expected (4,): the expected "
                                 "values are the diagonal [i, i] of your result")
    entries = [(Case((0,)), bare, None), (Case((4,)), explained, None)]
    assert runner._pick(entries)[1] is explained
    assert runner._pick(entries[:1])[1] is bare


def label_pairs_every_column(logits, labels):
    return logits[:, labels]  # item i paired with every label


def test_label_scores_pairing_every_column_is_explained_though_the_empty_case_fails_first():
    report = runner.check(find("label_scores"), label_pairs_every_column)
    assert "[no samples]" not in report.line  # its bare "(0, 0), expected (0,)" gives way
    assert "size-1 dimension" in report.line and "[a single sample]" in report.line


def test_hidden_checks_without_the_graders_references_fail_loudly():
    with pytest.raises(CheckFailure, match="only in the grader") as raised:
        checks.exercise("dice_rolls", dice_rolls, cases="hidden", seed=3)
    assert len(raised.value._render_traceback_()) == 1
    with pytest.raises(ValueError):
        runner.check(find("dice_rolls"), dice_rolls, "hidden", None)
