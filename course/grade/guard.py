"""Undo a submission's tampering with what the tests rely on, before each test cell runs.

During autograding the grader runs ``snapshot()`` in the kernel before any student code, and
``restore(globals())`` at the top of every test cell. A student who redefines ``torch.allclose``,
``torch.testing.assert_close``, NumPy's comparisons or the course's check helpers (on the module or
by rebinding the imported names) then still faces the real ones. This defends against ordinary
shortcuts, not against code written to attack the grader itself; the sandbox is the other layer.
"""

import sys

_TARGETS = (
    ("torch", ("allclose", "isclose", "equal", "all", "any", "abs", "max", "tensor", "is_tensor")),
    ("torch.testing", ("assert_close",)),
    ("numpy", ("allclose", "isclose", "array_equal", "asarray", "abs", "max", "isfinite")),
    ("numpy.testing", ("assert_allclose", "assert_array_equal")),
    ("math", ("isclose", "isfinite")),
)
_GUARDED_MODULES = ("course.checks",)
_originals: dict = {}
_module_dicts: dict = {}


def snapshot() -> None:
    """Remember the real functions (call before any student code runs)."""
    import importlib

    for module_name, names in _TARGETS:
        module = importlib.import_module(module_name)
        for name in names:
            _originals[(module_name, name)] = getattr(module, name)
    for module_name in _GUARDED_MODULES:
        module = importlib.import_module(module_name)
        _module_dicts[module_name] = dict(vars(module))


def restore(namespace: dict) -> None:
    """Put the remembered functions back, on their modules and in ``namespace`` (a test cell's)."""
    for (module_name, name), function in _originals.items():
        setattr(sys.modules[module_name], name, function)
    for module_name, saved in _module_dicts.items():
        module = sys.modules[module_name]
        vars(module).update(saved)
        for name, value in list(namespace.items()):
            if name in saved and callable(saved[name]) and value is not saved[name] \
                    and getattr(saved[name], "__module__", None) == module_name:
                namespace[name] = saved[name]
    for alias, module_name in (("torch", "torch"), ("np", "numpy"), ("checks", "course.checks")):
        if alias in namespace and module_name in sys.modules:
            namespace[alias] = sys.modules[module_name]
