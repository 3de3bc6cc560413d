"""Test cells of converted chapters contain only ``checks.exercise(...)`` calls.

The grader runs a test cell's intent outside the student's kernel (the exercise's checks on
other inputs), so the cell must say nothing else: a visible call ``checks.exercise("name",
name)`` and, between the hidden-test markers, calls with ``cases="hidden", seed=<int>``.
"""

import ast

CALL = "checks.exercise("


def uses_checker(cells) -> bool:
    """True when any test cell of a notebook calls ``checks.exercise``."""
    return any(is_test_cell(cell) and CALL in cell.source for cell in cells)


def is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _hidden_lines(source: str) -> set[int]:
    lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END HIDDEN TESTS" in line:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def _keyword(call: ast.Call, name: str):
    found = [k.value for k in call.keywords if k.arg == name]
    return found[0] if found else None


def _problem(node: ast.stmt, hidden: set[int]) -> str | None:
    call = node.value if isinstance(node, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "exercise" and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "checks"):
        return "is not a checks.exercise(...) call"
    if len(call.args) != 2 or not (isinstance(call.args[0], ast.Constant)
                                   and isinstance(call.args[0].value, str)
                                   and isinstance(call.args[1], ast.Name)
                                   and call.args[1].id == call.args[0].value):
        return 'must read checks.exercise("name", name)'
    cases, seed = _keyword(call, "cases"), _keyword(call, "seed")
    is_hidden = isinstance(cases, ast.Constant) and cases.value == "hidden"
    if node.lineno in hidden:
        if not (is_hidden and isinstance(seed, ast.Constant) and type(seed.value) is int):
            return 'is a hidden test: it needs cases="hidden", seed=<an int>'
    elif cases is not None or seed is not None:
        return "is a visible check: cases= and seed= belong to hidden calls only"
    return None


def violation(source: str) -> str | None:
    """A one-line problem with a converted chapter's test cell source, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return f"line {error.lineno}: not valid Python ({error.msg})"
    hidden = _hidden_lines(source)
    visible = [node for node in tree.body if node.lineno not in hidden]
    if not visible:
        return "has no visible checks.exercise(...) call"
    for node in tree.body:
        problem = _problem(node, hidden)
        if problem:
            text = ast.get_source_segment(source, node) or ""
            return (f"test cells contain only checks.exercise(...) calls; line {node.lineno} "
                    f"`{text.splitlines()[0][:50] if text else ''}` {problem}")
    return None
