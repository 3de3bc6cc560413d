"""course/check/references.py: recorded visible references, installed hidden ones."""

import json

import pytest
import torch

from course.check import references, runner
from course.exercises import find


def dice_rolls(num_rolls, seed):
    torch.manual_seed(seed)
    return torch.randint(1, 7, (num_rolls,))


def test_recording_then_reading_gives_the_cases_and_observations_back(tmp_path, monkeypatch):
    exercise = find("dice_rolls")
    monkeypatch.setenv(references.RECORD_ENV, str(tmp_path))
    assert runner.check(exercise, dice_rolls).status == "passed"
    text = (tmp_path / "ch01_tensors.json").read_text()
    runner.check(exercise, dice_rolls)
    assert (tmp_path / "ch01_tensors.json").read_text() == text  # deterministic
    monkeypatch.delenv(references.RECORD_ENV)
    pairs = references.visible(exercise, tmp_path)
    assert [case.args[0] for case, _ in pairs] == [0, 1, 6, 12, 60]
    assert all("second" not in reference for _, reference in pairs)
    assert torch.equal(pairs[3][1]["value"], dice_rolls(*pairs[3][0].args))
    with pytest.raises(references.MissingReferences, match="python -m course build ch01"):
        references.visible(find("snapshot"), tmp_path)


def test_hidden_references_are_recorded_installed_and_tied_to_their_inputs(tmp_path,
                                                                          monkeypatch):
    exercise = find("dice_rolls")
    record = tmp_path / "hidden.json"
    monkeypatch.setenv(references.HIDDEN_ENV, str(record))
    runner.check(exercise, dice_rolls, "hidden", 7)
    monkeypatch.delenv(references.HIDDEN_ENV)
    monkeypatch.setattr(references, "_hidden_text", "")
    references.install_hidden(record.read_text())
    assert runner.check(exercise, dice_rolls, "hidden", 7).status == "passed"

    def never_six(num_rolls, seed):
        torch.manual_seed(seed)
        return torch.randint(1, 6, (num_rolls,))

    failed = runner.check(exercise, never_six, "hidden", 7)
    assert failed.status == "failed" and "off by one" in failed.line
    with pytest.raises(references.MissingReferences):
        runner.check(exercise, dice_rolls, "hidden", 8)  # another seed: not recorded
    forged = json.loads(record.read_text())
    forged["dice_rolls/7"]["inputs"][0] = "0" * 16
    references.install_hidden(json.dumps(forged))
    with pytest.raises(references.MissingReferences, match="other inputs"):
        runner.check(exercise, dice_rolls, "hidden", 7)
