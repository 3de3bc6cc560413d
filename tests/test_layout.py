"""The package's rooms: student side (the top-level helpers, ``course.check``, the checker, and
``course.exercises``, the exercise specs) and instructor side (``course.assign``, ``course.grade``).

Student-side code (what a notebook imports) never imports the instructor machinery; the grading
engine never imports the chapter helpers (it may use the checker, which has no notebook state);
building the course imports nothing student-side. Imports are read from the source (``ast``),
including those inside functions.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "course"
ENTRY = {"__init__", "__main__", "cli"}  # the package itself and the command line
INSTRUCTOR = ("course.assign", "course.grade", "course.cli")
STUDENT_ROOMS = ("check", "exercises")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every ``course...`` module that ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "course" or name.startswith("course.")}


def within(name: str, packages) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


STUDENT_HELPERS = sorted(p for p in PACKAGE.glob("*.py") if p.stem not in ENTRY)
HELPER_NAMES = tuple(module_name(p) for p in STUDENT_HELPERS)
STUDENT_SIDE = STUDENT_HELPERS + sorted(p for room in STUDENT_ROOMS
                                        for p in (PACKAGE / room).rglob("*.py"))
CHECKER = tuple(f"course.{room}" for room in STUDENT_ROOMS)


def test_the_rooms_are_where_the_docstrings_say():
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert rooms == {"assign", "grade", *STUDENT_ROOMS}
    assert {"checks", "device", "data", "plots"} <= {p.stem for p in STUDENT_HELPERS}
    for room in rooms:
        doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text()))
        assert doc and "Entry points" in doc and "Imports" in doc, room


@pytest.mark.parametrize("path", STUDENT_SIDE, ids=lambda p: module_name(p))
def test_student_side_never_imports_the_instructor_machinery(path):
    wrong = sorted(name for name in imports(path) if within(name, INSTRUCTOR))
    assert not wrong, f"{path.name} imports {wrong}"


@pytest.mark.parametrize("room", ["assign", "grade"])
def test_instructor_rooms_never_import_the_student_helpers(room):
    forbidden = HELPER_NAMES + (CHECKER if room == "assign" else ())
    for path in sorted((PACKAGE / room).glob("*.py")):
        wrong = sorted(name for name in imports(path) if within(name, forbidden))
        assert not wrong, f"course/{room}/{path.name} imports {wrong}"


def test_the_checker_and_the_specs_import_nothing_with_side_effects():
    """Specs import without running a notebook: importing them changes no global state."""
    code = ("import torch\nstate = torch.get_rng_state()\nimport course.exercises as e\n"
            "for c in e.CHAPTERS: e.specs(c)\nimport course.checks\n"
            "assert torch.equal(state, torch.get_rng_state())\n"
            "assert torch.is_grad_enabled() and torch.get_default_dtype() == torch.float32\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_command_line_only_dispatches():
    tree = ast.parse((PACKAGE / "cli.py").read_text())
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions == ["main"]
    assert len((PACKAGE / "cli.py").read_text().splitlines()) < 150


def test_help_lists_every_command_with_one_line_and_where_it_lives():
    result = subprocess.run([sys.executable, "-m", "course", "--help"], capture_output=True,
                            text=True, check=True, cwd=ROOT)
    lines = result.stdout.splitlines()
    for command in ("build", "check", "start", "pack", "grade", "collect", "feedback", "export"):
        listed = [line for line in lines if line.split()[:1] == [command]]
        assert len(listed) == 1 and len(listed[0].split()) > 2, command
    assert "course/grade/commands.py" in result.stdout
    assert "course/assign/build.py" in result.stdout


def test_the_import_reader_finds_nested_aliased_imports(tmp_path):
    """The import reader itself: a nested, aliased import of the machinery is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from course.grade import run as r\n    import course.cli\n")
    assert imports(sample) == {"course.grade", "course.grade.run", "course.cli"}
