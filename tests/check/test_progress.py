"""course/check/progress.py and notebook.py: the progress table and the one-line unsolved demo."""

import sys

import torch

from course import checks, exercises
from course.check import notebook, progress

CH01 = exercises.specs("ch01_tensors")
COUNT, POINTS = len(CH01), sum(e.points for e in CH01)


def dice_rolls(num_rolls, seed):
    torch.manual_seed(seed)
    return torch.randint(1, 7, (num_rolls,))


def normalize_pixels(image):
    return image.float()  # not divided by 255


def snapshot(tensor):
    raise NotImplementedError()


def test_the_table_lists_every_exercise_with_status_and_points(capsys):
    namespace = {"dice_rolls": dice_rolls, "normalize_pixels": normalize_pixels,
                 "snapshot": snapshot}
    assert progress.chapter_of(namespace) == "ch01_tensors"
    text = progress.table(namespace)
    lines = text.splitlines()
    assert len(lines) == 2 + COUNT + 1 and capsys.readouterr().out == ""  # checks ran quietly
    assert lines[2].split() == ["1", "dice_rolls", "passed", "2", "/", "2"]
    assert lines[3].split() == ["2", "normalize_pixels", "failed", "0", "/", "1"]
    assert lines[4].split()[:4] == ["3", "snapshot", "not", "attempted"]
    assert lines[-1] == f"1 of {COUNT} exercises pass their visible checks: 2 of {POINTS} points"


def test_checks_progress_reads_the_callers_namespace(capsys):
    checks.progress("ch01_tensors")
    out = capsys.readouterr().out
    assert f"1 of {COUNT} exercises pass" in out and out.endswith("points\n")  # this module's


def test_an_unsolved_stub_is_found_from_its_traceback_and_other_errors_are_not():
    def pointwise_derivative(function, points):
        raise NotImplementedError()

    def demo():
        return pointwise_derivative(None, None)

    try:
        demo()
    except NotImplementedError:
        found = notebook.unsolved_exercise(sys.exc_info()[2])
    assert found.name == "pointwise_derivative" and found.number == 1
    try:
        raise NotImplementedError("something else")
    except NotImplementedError:
        assert notebook.unsolved_exercise(sys.exc_info()[2]) is None


class _Shell:
    """Stands in for IPython's shell: records what set_custom_exc was given."""

    def __init__(self):
        self.handler = None

    def set_custom_exc(self, types, handler):
        self.types, self.handler = types, handler


def test_setup_installs_a_one_line_handler_only_inside_ipython(monkeypatch):
    import IPython

    assert notebook.setup() is False  # plain Python: nothing to do, nothing changed
    shell = _Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert notebook.setup() is True and shell.types == (NotImplementedError,)

    def snapshot(tensor):
        raise NotImplementedError()

    try:
        snapshot(None)
    except NotImplementedError as error:
        lines = shell.handler(shell, NotImplementedError, error, sys.exc_info()[2])
    assert lines == ["✗ Exercise 3 (`snapshot`) is not solved yet: this cell needs it (solve it,"
                     " then run this cell again)"]
