"""Undo a submission's tampering with what the tests rely on, before each test cell runs.

During autograding the grader runs ``snapshot()`` in the kernel before any student code, and
``restore(globals())`` at the top of every test cell. A student who redefines ``torch.allclose``,
``torch.testing.assert_close``, NumPy's comparisons, the tensor methods the checker uses, or the
course's checks (``course.checks``, the checker ``course.check.*``, the exercise specs
``course.exercises.*``: on the module, by replacing the module in ``sys.modules``, or by
rebinding the imported names) then still faces the real ones. This defends against ordinary
shortcuts in test cells that run as code. The course's own test cells are judged in the grader
(``course.grade.verdicts``), where no submission reaches; there the guard only keeps the
kernel's probe honest, and the sandbox is the other layer.
"""

import importlib
import pkgutil
import sys

_TARGETS = (
    ("torch", ("allclose", "isclose", "equal", "all", "any", "abs", "max", "tensor", "is_tensor",
               "isnan", "get_rng_state", "set_rng_state", "is_grad_enabled",
               "set_grad_enabled", "get_default_dtype", "set_default_dtype")),
    ("torch.Tensor", ("detach", "clone", "to", "cpu", "numpy", "tolist", "item", "contiguous",
                      "requires_grad_", "nan_to_num", "__eq__")),
    ("torch.testing", ("assert_close",)),
    ("numpy", ("allclose", "isclose", "array_equal", "asarray", "abs", "max", "isfinite")),
    ("numpy.testing", ("assert_allclose", "assert_array_equal")),
    ("math", ("isclose", "isfinite")),
)
_PACKAGES = ("course.check", "course.exercises")  # every module in them is guarded too
_originals: dict = {}
_module_dicts: dict = {}
_modules: dict = {}


def _owner(dotted: str):
    """The module or class named ``dotted`` (``torch.Tensor`` is a class in ``torch``)."""
    try:
        return importlib.import_module(dotted)
    except ImportError:
        parent, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(parent), name)


def guarded_modules() -> list[str]:
    """``course.checks`` and every module of the checker and the exercise specs."""
    names = ["course.checks"]
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        names.append(package_name)
        names += [f"{package_name}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]
    return names


def snapshot() -> None:
    """Remember the real functions and modules (call before any student code runs)."""
    for owner_name, names in _TARGETS:
        owner = _owner(owner_name)
        for name in names:
            _originals[(owner_name, name)] = (owner, vars(owner).get(name, getattr(owner, name)))
    for module_name in guarded_modules():
        module = importlib.import_module(module_name)
        _modules[module_name] = module
        _module_dicts[module_name] = dict(vars(module))


def restore(namespace: dict) -> None:
    """Put the remembered functions back, on their modules and in ``namespace`` (a test cell's)."""
    for (_, name), (owner, function) in _originals.items():
        setattr(owner, name, function)
    for module_name, saved in _module_dicts.items():
        module = sys.modules[module_name] = _modules[module_name]
        vars(module).update(saved)
        for name, value in list(namespace.items()):
            if name in saved and callable(saved[name]) and value is not saved[name] \
                    and getattr(saved[name], "__module__", None) == module_name:
                namespace[name] = saved[name]
    for alias, module_name in (("torch", "torch"), ("np", "numpy"), ("checks", "course.checks")):
        if alias in namespace and module_name in sys.modules:
            namespace[alias] = sys.modules[module_name]
