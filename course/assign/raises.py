"""Which code cells of a source notebook raise on a blank release (issue 17: Run All goes on).

On a blank release every exercise is a stub that raises ``NotImplementedError``. A cell raises
when it is a test cell, or when one of its top-level statements reads a name that is unsafe: an
exercise (a name a solution cell defines), a function whose body reads an unsafe name, or a name
assigned by a statement that runs after an earlier statement of its cell raised. A later cell that
assigns a name again, without raising first, makes it safe. Such cells need the
``raises-exception`` tag, which JupyterLab's Run All and nbclient honour.

The analysis reads names only (``ast``), never runs code: a name used before a cell assigns it
again, as in ``x = x + 1``, counts as assigned.
"""

import ast

TAG = "raises-exception"
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _names(node, context) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}


def _bound(node) -> set[str]:
    """Names bound anywhere inside ``node``: stores, imports, arguments, definitions."""
    bound = _names(node, ast.Store)
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            bound.add(inner.arg)
        elif isinstance(inner, DEFINITIONS):
            bound.add(inner.name)
        elif isinstance(inner, ast.Import | ast.ImportFrom):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in inner.names}
    return bound


def _free(node) -> set[str]:
    """Names ``node`` reads that it does not bind itself (its comprehension variables...)."""
    return _names(node, ast.Load) - _bound(node)


def _parse(source: str) -> ast.Module:
    code = "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))  # magics are not Python
    try:
        return ast.parse(code)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def cells_that_raise(cells) -> list[int]:
    """Indices of the code cells that raise on a blank release, in order.

    Args:
        cells: a source notebook's cells (nbformat nodes with ``source`` and ``metadata``).

    Returns:
        The test cells and every cell that reads an exercise, directly or through names.
    """
    unsafe: set[str] = set()
    raising = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        tree = _parse(cell.source)
        if meta.get("solution"):
            for node in tree.body:
                unsafe |= _bound(node) if not isinstance(node, DEFINITIONS) else {node.name}
            continue
        failed = False
        for node in tree.body:
            if isinstance(node, DEFINITIONS):  # defining reads nothing; calling it may
                if failed or _free(node) & unsafe:
                    unsafe.add(node.name)
                else:
                    unsafe.discard(node.name)
                continue
            failed = failed or bool(_free(node) & unsafe)
            if failed:
                unsafe |= _bound(node)
            else:
                unsafe -= _bound(node)
        if failed or meta.get("grade"):  # a test cell checks an exercise: it raises on a stub
            raising.append(index)
    return raising


def missing_tags(cells) -> list[int]:
    """Indices of the cells that raise on a blank release but lack the ``raises-exception`` tag."""
    return [index for index in cells_that_raise(cells)
            if TAG not in cells[index].metadata.get("tags", [])]
