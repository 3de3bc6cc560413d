"""course/exercises: every spec matches its notebook, its cases have the spread the issue asks
for, the recorded references match the specs, and the solution passes with plain-data probes."""

import nbformat
import pytest

from course import exercises
from course.assign import recorded as recorded_references
from course.assign.build import notebook_path
from course.check import references, runner, wire
from course.check.cases import ordered
from course.check.probe import probe
from tests.conftest import ROOT
from tests.exercises.solutions import solution_namespace

SPECS = [(chapter, exercise) for chapter in exercises.CHAPTERS
         for exercise in exercises.specs(chapter)]
IDS = [exercise.name for _, exercise in SPECS]


def source(chapter):
    return nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4)


@pytest.mark.parametrize("chapter", exercises.CHAPTERS)
def test_specs_follow_the_notebook_order_names_and_points(chapter):
    cells = [c.metadata["nbgrader"] for c in source(chapter).cells
             if c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata["nbgrader"].get("solution")]
    specs = exercises.specs(chapter)
    assert [s.grade_id for s in specs] == [c["grade_id"] for c in cells]
    assert [s.points for s in specs] == [c["points"] for c in cells]
    assert [s.number for s in specs] == list(range(1, len(specs) + 1))
    assert all(s.chapter == chapter for s in specs)


@pytest.mark.parametrize("chapter", exercises.CHAPTERS)
def test_committed_references_are_in_sync_with_the_sources(chapter):
    assert recorded_references.problems(chapter, source(chapter), ROOT) == []


@pytest.mark.parametrize("chapter, exercise", SPECS, ids=IDS)
def test_recorded_inputs_are_what_the_spec_generates(chapter, exercise):
    generated = ordered(exercise.cases(exercise.visible_seed, False))
    stored = [case for case, _ in references.visible(exercise)]
    assert [wire.dumps(c.args) for c in generated] == [wire.dumps(c.args) for c in stored]
    assert [c.note for c in generated] == [c.note for c in stored]


@pytest.mark.parametrize("chapter, exercise", SPECS, ids=IDS)
def test_cases_spread_and_hidden_cases_are_other_inputs(chapter, exercise):
    visible = exercise.cases(exercise.visible_seed, False)
    hidden = exercise.cases(7, True)
    assert len(visible) >= 4 and len(hidden) >= 3
    seen = {wire.fingerprint(c.args) for c in visible}
    assert sum(wire.fingerprint(c.args) not in seen for c in hidden) >= 3  # edge cases may repeat
    again = exercise.cases(7, True)
    assert [wire.fingerprint(c.args) for c in again] == [wire.fingerprint(c.args) for c in hidden]


@pytest.mark.parametrize("chapter", exercises.CHAPTERS)
def test_the_solution_passes_and_every_observation_is_plain_data(chapter, tmp_path,
                                                                monkeypatch):
    namespace = solution_namespace(chapter)
    monkeypatch.setenv(references.HIDDEN_ENV, str(tmp_path / "hidden.json"))
    for exercise in exercises.specs(chapter):
        function = namespace[exercise.name]
        monkeypatch.delenv(references.HIDDEN_ENV)
        assert runner.check(exercise, function).status == "passed", exercise.name
        for case in exercise.cases(exercise.visible_seed, False) + exercise.cases(5, True):
            observation = probe(exercise, function, case).observation
            expected = "raised" if "must raise" in case.note else "returned"
            assert observation["outcome"] == expected, (exercise.name, case.note)
            wire.dumps(observation)  # raises unless the probe returned plain data only
        monkeypatch.setenv(references.HIDDEN_ENV, str(tmp_path / "hidden.json"))
        assert runner.check(exercise, function, "hidden", 5).status == "passed"
