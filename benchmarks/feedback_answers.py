"""The second set of wrong answers (``tests/wrong_answers_v2/<chapter>.py``), loaded and checked.

Each chapter file defines ``WRONG_ANSWERS``: for every solution cell's ``grade_id`` a list of
entries with the keys ``bug`` (what the student did), ``bug_class`` (different for each entry of
an exercise), ``mistakes`` (the canonical mistakes the answer really has, see
``feedback_text.MISTAKES``), ``names`` (phrases, any of which in the message names the mistake),
``witness`` (an expression, evaluated in the kernel, that is True because the answer differs from
the solution on an input its docstring allows) and ``source`` (the whole solution cell as the
student typed it).
"""

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import ROOT

ANSWERS_DIR = ROOT / "tests" / "wrong_answers_v2"
KEYS = ("bug", "bug_class", "mistakes", "names", "witness", "source")


@dataclass(frozen=True)
class WrongAnswer:
    """One wrong answer to one exercise."""

    chapter: str
    exercise: str
    number: int
    bug: str
    bug_class: str
    mistakes: tuple[str, ...]
    names: tuple[str, ...]
    witness: str
    source: str

    @property
    def id(self) -> str:
        return f"{self.chapter}/{self.exercise}#{self.number}"


def _module(path: Path):
    spec = importlib.util.spec_from_file_location(f"wrong_answers_v2_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(chapter: str, directory: Path = ANSWERS_DIR) -> dict[str, list[WrongAnswer]]:
    """The wrong answers of one chapter, keyed by the solution cell's ``grade_id``.

    Args:
        chapter: e.g. ``"ch01_tensors"``.
        directory: the folder holding ``<chapter>.py``.

    Returns:
        ``{grade_id: [WrongAnswer, ...]}`` in the file's order.
    """
    raw = _module(directory / f"{chapter}.py").WRONG_ANSWERS
    answers: dict[str, list[WrongAnswer]] = {}
    for exercise, entries in raw.items():
        answers[exercise] = []
        for number, entry in enumerate(entries, start=1):
            missing = set(KEYS) - set(entry)
            if missing:
                raise ValueError(f"{chapter}/{exercise}#{number}: missing {sorted(missing)}")
            answers[exercise].append(WrongAnswer(
                chapter=chapter, exercise=exercise, number=number, bug=entry["bug"],
                bug_class=entry["bug_class"], mistakes=tuple(entry["mistakes"]),
                names=tuple(entry["names"]), witness=entry["witness"], source=entry["source"]))
    return answers


def defined_names(source: str) -> list[str]:
    """The top-level functions and classes a cell defines (what a wrong answer replaces)."""
    tree = ast.parse(source)
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]


def signatures(source: str) -> list[str]:
    """The ``def``/``class`` lines of a cell, top level and methods, in order (no bodies)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            lines.append(source.splitlines()[node.lineno - 1].strip())
    return lines
