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
        found = notebook.unsolved_exercise(sys.exc_info()[2], "ch02_autograd")
    assert found.name == "pointwise_derivative" and found.number == 1
    try:
        raise NotImplementedError("something else")
    except NotImplementedError:
        assert notebook.unsolved_exercise(sys.exc_info()[2]) is None


class _Shell:
    """Stands in for IPython's shell: records set_custom_exc's handler and what it shows."""

    def __init__(self):
        self.handler, self.shown = None, []
        self.user_ns = {"In": [""]}

    def set_custom_exc(self, types, handler):
        self.types, self.handler = types, handler

    def showtraceback(self, exc_tuple, tb_offset=None):
        value = exc_tuple[1]
        render = getattr(value, "_render_traceback_", None)
        self.shown.append(render() if render else ["traceback"] * 6)

    def show(self, error, tb):
        """What a cell that raised ``error`` shows, through the installed handler."""
        assert self.handler(self, type(error), error, tb) is None
        return self.shown[-1]


def test_setup_installs_a_one_line_handler_only_inside_ipython(monkeypatch):
    import IPython

    assert notebook.setup() is False  # plain Python: nothing to do, nothing changed
    shell = _Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert notebook.setup() is True and shell.types == (NotImplementedError, NameError)

    def snapshot(tensor):
        raise NotImplementedError()

    try:
        snapshot(None)
    except NotImplementedError as error:
        lines = shell.show(error, sys.exc_info()[2])
    assert lines == ["✗ Exercise 3 (`snapshot`) is not solved yet: this cell needs it (solve it,"
                     " then run this cell again)"]
    try:
        raise NotImplementedError("not an exercise")
    except NotImplementedError as error:
        assert shell.show(error, sys.exc_info()[2]) == ["traceback"] * 6  # the usual one


class _Events:
    def __init__(self):
        self.callbacks = {"post_run_cell": []}

    def register(self, event, callback):
        self.callbacks[event].append(callback)


class _RunInfo:
    def __init__(self, raw_cell):
        self.raw_cell = raw_cell


class _RunResult:
    def __init__(self, raw_cell, success):
        self.info, self.success = _RunInfo(raw_cell), success


def _run_cell(source: str, namespace: dict):
    """Run ``source`` as a notebook cell would (module-level code); return the exception."""
    try:
        exec(compile(source, "<cell>", "exec"), namespace)
    except Exception as error:  # noqa: BLE001 - what the cell raised is the test's subject
        return error, sys.exc_info()[2]
    return None, None


def test_a_cell_after_an_unsolved_demo_names_the_exercise_and_other_name_errors_keep_tracebacks(
        monkeypatch):
    import IPython

    demo = "losses = train_model(None, None, 1, 0.1)\nfitted = losses[-1]\n"
    shell = _Shell()
    shell.events, shell.user_ns = _Events(), {"In": ["", demo]}
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert notebook.setup() is True

    def train_model(model, loader, num_epochs, learning_rate):
        raise NotImplementedError()

    namespace = {"train_model": train_model}
    assert len(shell.show(*_run_cell(demo, namespace))) == 1
    assert shell.show(*_run_cell("print(fitted)", namespace)) == [  # the plot after the demo
        "✗ `fitted` was not made: an earlier cell stopped because Exercise 8 (`train_model`) "
        "is not solved yet (solve it, then run the cells again)"]
    # a name no failed cell was to make: the usual traceback
    assert len(shell.show(*_run_cell("print(typo)", namespace))) == 6

    def student_code():
        return fitted  # noqa: F821 - the student's own bug inside a function

    assert len(shell.show(*_run_cell("student_code()", {"student_code": student_code}))) == 6
    shell.events.callbacks["post_run_cell"][0](_RunResult("fitted = 1.0", success=True))
    assert len(shell.show(*_run_cell("print(fitted)", {}))) == 6  # made since: a real error


def test_a_chain_of_cells_after_an_unsolved_exercise_each_name_it_in_one_line(monkeypatch):
    import IPython

    shell = _Shell()
    shell.events = _Events()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert notebook.setup("ch08_capstone") is True

    def split_indices(num_samples, val_fraction, test_fraction, seed):
        raise NotImplementedError()

    waiting = ("✗ `{}` was not made: an earlier cell stopped because Exercise 1 (`split_indices`) "
               "is not solved yet (solve it, then run the cells again)")
    namespace = {"split_indices": split_indices}
    cells = ["train_idx = split_indices(10, 0.2, 0.2, 0)", "train_x = train_idx * 2",
             "print(train_x)"]
    shown = []
    for cell in cells:
        shell.user_ns["In"].append(cell)
        shown.append(shell.show(*_run_cell(cell, namespace)))
    assert shown[0][0].startswith("✗ Exercise 1 (`split_indices`) is not solved yet")
    assert shown[1:] == [[waiting.format("train_idx")], [waiting.format("train_x")]]


def test_the_chapter_set_up_names_its_own_exercise_and_a_class_by_its_name(monkeypatch):
    import IPython

    shell = _Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)

    def evaluate(labels, predictions, num_classes):
        raise NotImplementedError()

    class TwoLayerNet:
        def __init__(self, in_features, hidden_features, out_features):
            raise NotImplementedError()

    class PhoneClassifier:  # its method shares the name of Exercise 7, fit
        def fit(self, features, labels):
            raise NotImplementedError()

    for chapter, stub, number in (("ch08_capstone", evaluate, 6), (None, evaluate, 9),
                                  ("ch04_init_and_networks", TwoLayerNet, 2),
                                  ("ch08_capstone", lambda *_: PhoneClassifier().fit(1, 2), 10)):
        notebook.setup(chapter)
        try:
            stub(1, 2, 3)
        except NotImplementedError:
            found = notebook.unsolved_exercise(sys.exc_info()[2])
        assert found.number == number
    notebook.setup()
