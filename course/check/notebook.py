"""Notebook set-up: a demo cell that needs an unsolved exercise says so in one line.

``setup`` (``checks.setup_notebook()`` in a chapter's first code cell) asks IPython to render a
``NotImplementedError`` raised by an exercise's stub as "Exercise 3 (`snapshot`) is not solved
yet"; the cell still ends in an error (tagged ``raises-exception``, so Run All goes on). The names
that cell would have assigned are remembered, so a later cell that needs one of them (a plot of
``epoch_losses``) also says in one line which exercise it waits for, instead of a ``NameError``
traceback, and so on down the chain (the names that later cell would have assigned wait too).
Any other ``NotImplementedError`` or ``NameError`` keeps its normal traceback.
Importing this module changes nothing.
"""

import ast

from course import exercises
from course.check.render import not_solved_line

_unmade: dict[str, object] = {}  # name a failed demo cell did not assign -> the unsolved spec
_chapter: list[str | None] = [None]  # the chapter set up in this kernel (None: any converted one)


def current_chapter() -> str | None:
    """The chapter ``setup`` was given in this kernel (None when not set up or not given)."""
    return _chapter[0]


def _frame_names(code) -> list[str]:
    """A method's class first (``PhoneClassifier`` for ``PhoneClassifier.fit``), then the name."""
    path = getattr(code, "co_qualname", code.co_name).split(".")
    return ([path[-2]] if len(path) > 1 else []) + [code.co_name]


def unsolved_exercise(tb, chapter: str | None = None):
    """The exercise whose stub raised, from a traceback's innermost frames (``chapter`` first)."""
    names = []
    while tb is not None:
        names.append(tb.tb_frame.f_code)
        tb = tb.tb_next
    for code in reversed(names):
        for name in _frame_names(code):
            try:
                return exercises.named(name, chapter or _chapter[0])
            except KeyError:
                continue
    return None


def assigned_names(source: str) -> set[str]:
    """Every name a cell's code assigns (targets, loop variables, defs); empty if unparsable."""
    code = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))  # magics are not Python
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = {node.id for node in ast.walk(tree)
             if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return names | {node.name for node in ast.walk(tree)
                    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def _innermost(tb):
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame


def _current_cell(shell) -> str:
    history = getattr(shell, "user_ns", {}).get("In") or [""]
    return history[-1]


def _remember_unmade(shell, exercise) -> None:
    for name in assigned_names(_current_cell(shell)):
        _unmade[name] = exercise


def one_line(shell, etype, value, tb) -> list[str] | None:
    """The one line a demo cell shows for this error, or None for the normal traceback."""
    if issubclass(etype, NameError):
        exercise = _unmade.get(getattr(value, "name", None))
        if exercise is None or _innermost(tb).f_code.co_name != "<module>":
            return None
        _remember_unmade(shell, exercise)  # what this cell would have made waits for it too
        return [f"✗ `{value.name}` was not made: an earlier cell stopped because "
                f"{not_solved_line(exercise)} (solve it, then run the cells again)"]
    exercise = unsolved_exercise(tb)
    if exercise is None:
        return None
    _remember_unmade(shell, exercise)
    return [f"✗ {not_solved_line(exercise)}: this cell needs it (solve it, then run this "
            "cell again)"]


def _render(shell, etype, value, tb, tb_offset=None):
    """IPython's custom handler: show the error itself (IPython 9 does not show what a handler
    returns), as one line when ``one_line`` has one, else as the usual traceback."""
    lines = one_line(shell, etype, value, tb)
    if lines is not None:
        value._render_traceback_ = lambda: lines  # IPython shows these lines, nothing else
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None


def _forget_made(result) -> None:
    """After a cell that ran to its end, its assigned names exist again."""
    if _unmade and getattr(result, "success", False):
        for name in assigned_names(getattr(result.info, "raw_cell", "") or ""):
            _unmade.pop(name, None)


def setup(chapter: str | None = None) -> bool:
    """Install the one-line rendering in the running IPython; False outside IPython.

    Args:
        chapter: the notebook's chapter (``ch08_capstone``), so that a name two chapters share
            (``evaluate``) names this chapter's exercise; None: the converted chapters.
    """
    _chapter[0] = chapter
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    _unmade.clear()
    shell.set_custom_exc((NotImplementedError, NameError), _render)
    events = getattr(shell, "events", None)
    if events is not None and _forget_made not in events.callbacks.get("post_run_cell", []):
        events.register("post_run_cell", _forget_made)
    return True
