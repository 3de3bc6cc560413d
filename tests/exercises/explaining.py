"""Shared by the explanation tests of every chapter: a wrong answer built from its source, what
one explanation says about it on the visible cases, and the test that an explanation fires on its
mistake and not on another mistake of the same exercise.

A row of a chapter's table: (explanation, exercise name, the mistake, an unrelated mistake of
the same exercise, phrase the student must see or None); the explanation must fire on at least
one visible case of the mistake and on none of the unrelated one. The wrong answers are written
in the test modules for the test only.
"""

import pytest

from course import exercises
from course.check import references, runner
from course.check.probe import probe
from tests.exercises.solutions import function_from


def define(name: str, signature: str, body: str) -> str:
    """The source of a function with a body written as it follows ``def ...:\\n    ``.

    Args:
        name: the function's name.
        signature: its parameters, as written between the parentheses.
        body: its block; lines after the first carry the block's own four-space indentation.

    Returns:
        The source text, ending with a newline.
    """
    return f"def {name}({signature}):\n    {body}\n"


def define_block(name: str, signature: str, block: str) -> str:
    """The source of a function whose block is written unindented (every line gets four spaces).

    Args:
        name: the function's name.
        signature: its parameters, as written between the parentheses.
        block: its block without the function's indentation.

    Returns:
        The source text, ending with a newline.
    """
    lines = "\n".join("    " + line for line in block.splitlines())
    return f"def {name}({signature}):\n{lines}\n"


def answer(name: str, source: str, chapter: str | None = None):
    """A student's answer to an exercise, run after the chapter's imports.

    Args:
        name: the exercise (function or class) that ``source`` defines.
        source: the answer's source text.
        chapter: the chapter searched first for the exercise (as ``exercises.find``).

    Returns:
        ``(exercise, answer)``: the exercise's spec and the defined function or class.
    """
    exercise = exercises.find(name, chapter)
    return exercise, function_from(source, name, exercise.chapter)


def findings(explanation, exercise, function) -> list:
    """What ``explanation`` says on each visible case of ``exercise`` (None where silent).

    Args:
        explanation: one of the exercise's explanations.
        exercise: the exercise's spec.
        function: the answer to observe.

    Returns:
        One entry per visible case: the explanation's message, or None where it says nothing or
        the answer did not return.
    """
    found = []
    for case, reference in references.visible(exercise):
        observation = probe(exercise, function, case).observation
        found.append(explanation(case, observation, reference)
                     if observation.get("outcome") == "returned" else None)
    return found


def explanation_test(rows: list, ids: list[str], source, *, must_fail: bool = False):
    """The parametrized test that each row's explanation names its mistake and only its mistake.

    Args:
        rows: the chapter's table (see the module's docstring); a row's mistake and unrelated
            mistake may be anything ``source`` turns into source text.
        ids: one test id per row.
        source: ``source(name, text)``, the source of an answer from a row's entry.
        must_fail: also assert that the check of the mistake reports ``failed``.

    Returns:
        A test function for a test module to bind to a ``test_`` name.
    """
    @pytest.mark.filterwarnings("ignore::UserWarning")
    @pytest.mark.parametrize("explanation, name, mistake, unrelated, phrase", rows, ids=ids)
    def test(explanation, name, mistake, unrelated, phrase):
        exercise, wrong = answer(name, source(name, mistake))
        assert any(findings(explanation, exercise, wrong)), "never fires on its own mistake"
        report = runner.check(exercise, wrong)
        if must_fail:
            assert report.status == "failed"
        if phrase is not None:
            assert phrase in report.line
        _, other = answer(name, source(name, unrelated))
        assert not any(findings(explanation, exercise, other)), "fires on another mistake"
    return test


def declared_explanations(chapter: str) -> set:
    """Every exercise-specific explanation the specs of ``chapter`` declare.

    Args:
        chapter: the chapter's folder name, e.g. ``ch05_losses``.

    Returns:
        The set of explanation functions.
    """
    return {explanation for exercise in exercises.specs(chapter)
            for explanation in exercise.contract.explanations}
