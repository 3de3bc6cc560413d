"""Two chapters with an exercise of the same name: the notebook's chapter (setup_notebook) wins.

ch08's ``train_model`` and ``evaluate`` share ch02's names; a fake chapter ``chXX_shared`` that
reuses ch01's ``dice_rolls`` stands in for it here, so the test does not depend on ch08.
"""

import dataclasses

import pytest
import torch

from course import exercises
from course.check import notebook, progress, runner

FAKE = "chXX_shared"
DICE = exercises.find("dice_rolls")
SHARED = dataclasses.replace(DICE, chapter=FAKE, points=DICE.points + 5)


@pytest.fixture
def two_chapters(monkeypatch):
    """CHAPTERS with a fake last chapter whose only exercise is called ``dice_rolls``."""
    real_specs = exercises.specs
    monkeypatch.setattr(exercises, "CHAPTERS", (*exercises.CHAPTERS, FAKE))
    monkeypatch.setattr(exercises, "specs",
                        lambda chapter: [SHARED] if chapter == FAKE else real_specs(chapter))
    before = notebook.current_chapter()
    yield
    notebook._chapter[0] = before


def test_find_prefers_the_given_chapter_and_falls_back_to_the_others(two_chapters):
    assert exercises.find("dice_rolls") is DICE  # no chapter: CHAPTERS order, as before
    assert exercises.find("dice_rolls", FAKE) is SHARED
    assert exercises.find("dice_rolls", "ch02_autograd") is DICE  # not there: the others
    assert exercises.find("dice_rolls", "not_a_chapter") is DICE
    with pytest.raises(KeyError):
        exercises.find("no_such_exercise", FAKE)


def test_run_exercise_checks_against_the_set_up_chapters_spec(two_chapters, monkeypatch):
    seen = []

    def fake_check(exercise, function, kind, seed):
        seen.append(exercise)
        return runner.Report(exercise, "passed", 1)

    monkeypatch.setattr(runner, "check", fake_check)
    notebook._chapter[0] = None
    runner.run_exercise("dice_rolls", lambda n, s: torch.ones(n))
    notebook._chapter[0] = FAKE
    runner.run_exercise("dice_rolls", lambda n, s: torch.ones(n))
    assert [e.chapter for e in seen] == ["ch01_tensors", FAKE]


def test_chapter_of_prefers_the_set_up_chapter_when_the_notebook_defines_its_exercises(
        two_chapters):
    namespace = {"dice_rolls": lambda n, s: None, "normalize_pixels": lambda image: None}
    notebook._chapter[0] = None
    assert progress.chapter_of(namespace) == "ch01_tensors"  # defines most of ch01's
    notebook._chapter[0] = FAKE
    assert progress.chapter_of(namespace) == FAKE
    notebook._chapter[0] = FAKE  # set up, but none of its exercises defined: counted as before
    assert progress.chapter_of({"normalize_pixels": None}) == "ch01_tensors"
    notebook._chapter[0] = "ch02_autograd"
    assert progress.chapter_of(namespace) == "ch01_tensors"


def test_setup_notebook_records_the_chapter_outside_ipython(two_chapters):
    assert notebook.setup(FAKE) in (True, False)
    assert notebook.current_chapter() == FAKE


def test_named_prefers_the_given_chapter_for_a_shared_name():
    assert exercises.named("evaluate").chapter == "ch02_autograd"  # chapters in order
    assert exercises.named("evaluate", "ch08_capstone").number == 6
    assert exercises.find("evaluate", "ch08_capstone").chapter == "ch08_capstone"
    assert exercises.find("train_model", "ch08_capstone").number == 4
    assert exercises.named("TwoLayerNet", "ch04_init_and_networks").number == 2
    with pytest.raises(KeyError):
        exercises.named("evaluate", "ch03_activations")
