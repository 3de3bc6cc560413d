"""Notebook set-up: a demo cell that needs an unsolved exercise says so in one line.

``setup`` (``checks.setup_notebook()`` in a chapter's first code cell) asks IPython to render a
``NotImplementedError`` raised by an exercise's stub as "Exercise 3 (`snapshot`) is not solved
yet"; the cell still ends in an error (tagged ``raises-exception``, so Run All goes on). Any
other ``NotImplementedError`` keeps its normal traceback. Importing this module changes nothing.
"""

from course import exercises
from course.check.render import not_solved_line


def unsolved_exercise(tb):
    """The spec of the exercise whose stub raised, from a traceback's innermost frames."""
    names = []
    while tb is not None:
        names.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    for name in reversed(names):
        try:
            return exercises.find(name)
        except KeyError:
            continue
    return None


def _render(shell, etype, value, tb, tb_offset=None):
    exercise = unsolved_exercise(tb)
    if exercise is None:
        return shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    return [f"✗ {not_solved_line(exercise)}: this cell needs it (solve it, then run this "
            "cell again)"]


def setup() -> bool:
    """Install the one-line rendering in the running IPython; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((NotImplementedError,), _render)
    return True
