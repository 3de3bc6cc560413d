"""Which test cells the grader judges itself: those made only of ``checks.exercise`` calls.

``calls_of`` reads a source test cell (hidden tests included) into its checks; any other cell
(a course of the instructor's own) runs in the kernel as nbgrader runs it. Plain ``ast``: the
grading machinery imports this without torch.
"""

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Call:
    """One ``checks.exercise(name, function, cases=..., seed=...)`` line of a test cell."""

    name: str
    function: str
    kind: str = "visible"
    seed: int | None = None


def _call(node: ast.stmt) -> Call | None:
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    call = node.value
    target = call.func
    if not (isinstance(target, ast.Attribute) and target.attr == "exercise"
            and isinstance(target.value, ast.Name) and target.value.id == "checks"):
        return None
    if len(call.args) != 2 or not isinstance(call.args[0], ast.Constant) \
            or not isinstance(call.args[0].value, str) or not isinstance(call.args[1], ast.Name):
        return None
    options = {}
    for keyword in call.keywords:
        if keyword.arg not in ("cases", "seed") or not isinstance(keyword.value, ast.Constant):
            return None
        options[keyword.arg] = keyword.value.value
    kind, seed = options.get("cases", "visible"), options.get("seed")
    if kind not in ("visible", "hidden") or (kind == "hidden") != isinstance(seed, int):
        return None
    return Call(call.args[0].value, call.args[1].id, kind, seed)


def calls_of(source: str) -> list[Call] | None:
    """The checks of a test cell, or None when it holds anything else (then it runs as code).

    Args:
        source: the source test cell (hidden tests included).

    Returns:
        Its ``checks.exercise`` calls in order; None for any other statement or a syntax error.
    """
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    calls = [_call(node) for node in body]
    return calls if calls and all(calls) else None
