"""Reference observations: the instructor's solution observed on the same cases.

Visible references are recorded when ``python -m course build`` executes a solution notebook:
the build sets ``COURSE_RECORD_REFERENCES`` to a folder, and each visible ``checks.exercise``
call there generates its cases, observes the solution and writes ``<chapter>.json`` (inputs and
observations, see ``wire``); the build copies it to ``course/exercises/references/``. A
student's notebook reads those inputs and observations back, so the visible checks do not
depend on the machine's random generator.

Hidden references never live in the repository: the grader computes them with the solution in a
trusted kernel (``COURSE_RECORD_HIDDEN`` names the file to write) and keeps them: the grading
kernels never see them (``course.grade.verdicts`` judges there, with ``hidden(..., text=...)``).
``install_hidden`` serves a trusted kernel that judges in-process (the feedback benchmark).
"""

import json
import os
from pathlib import Path

from course.check import wire
from course.check.spec import Case, Exercise

RECORD_ENV = "COURSE_RECORD_REFERENCES"
HIDDEN_ENV = "COURSE_RECORD_HIDDEN"
FOLDER = Path(__file__).resolve().parents[1] / "exercises" / "references"
FORMAT = 1
_recorded: dict[str, dict] = {}  # chapter -> exercise name -> entry, while recording
_hidden_text = ""  # installed by the grader


class MissingReferences(Exception):
    """No reference observations for an exercise's cases (rebuild, or not in the grader)."""


def recording() -> bool:
    """True while the build records visible references."""
    return bool(os.environ.get(RECORD_ENV))


def recording_hidden() -> bool:
    """True while the grader records hidden references in its trusted kernel."""
    return bool(os.environ.get(HIDDEN_ENV))


def _stored(observation: dict) -> dict:
    """What the judge needs of a reference: no second call (only the student's is compared)."""
    return {key: value for key, value in observation.items() if key != "second"}


def record_visible(exercise: Exercise, cases: list[Case], observations: list[dict]) -> Path:
    """Add one exercise's visible cases and observations to the chapter's file being recorded."""
    entries = _recorded.setdefault(exercise.chapter, {})
    entries[exercise.name] = {
        "cases": [{"args": wire.encode(case.args), "note": case.note} for case in cases],
        "references": [wire.encode(_stored(o)) for o in observations]}
    path = Path(os.environ[RECORD_ENV]) / f"{exercise.chapter}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"chapter": exercise.chapter, "format": FORMAT, "exercises": entries}
    path.write_text(json.dumps(document, sort_keys=True, indent=1) + "\n")
    return path


def visible(exercise: Exercise, folder: Path | None = None) -> list[tuple[Case, dict]]:
    """The recorded visible cases of ``exercise`` with their reference observations."""
    path = (folder or FOLDER) / f"{exercise.chapter}.json"
    try:
        entry = json.loads(path.read_text())["exercises"][exercise.name]
    except (OSError, KeyError, ValueError) as error:
        raise MissingReferences(f"no recorded references for {exercise.name} in "
                                f"{path.name} (python -m course build {exercise.chapter[:4]})"
                                ) from error
    cases = [Case(wire.decode(item["args"]), item["note"]) for item in entry["cases"]]
    return list(zip(cases, (wire.decode(r) for r in entry["references"]), strict=True))


def hidden_key(exercise: Exercise, seed: int) -> str:
    """The key of one hidden call's references: ``name/seed``."""
    return f"{exercise.name}/{seed}"


def record_hidden(exercise: Exercise, seed: int, cases: list[Case],
                  observations: list[dict]) -> None:
    """Add one hidden call's references to the grader's file (trusted kernel only)."""
    path = Path(os.environ[HIDDEN_ENV])
    document = json.loads(path.read_text()) if path.exists() else {}
    document[hidden_key(exercise, seed)] = {
        "inputs": [wire.fingerprint(case.args) for case in cases],
        "references": [wire.encode(_stored(o)) for o in observations]}
    path.write_text(json.dumps(document, sort_keys=True))


def install_hidden(text: str) -> None:
    """Make the grader's hidden references available to this kernel's hidden checks."""
    global _hidden_text
    _hidden_text = str(text)


def hidden(exercise: Exercise, seed: int, cases: list[Case], text: str | None = None
           ) -> list[dict]:
    """The reference observations of one hidden call, checked against its inputs.

    Args:
        exercise: the spec.
        seed: the hidden call's seed.
        cases: the inputs generated from ``seed``.
        text: the grader's references (``course.grade.trusted``); default the installed ones.

    Returns:
        One reference observation per case.

    Raises:
        MissingReferences: none for this call, or made for other inputs.
    """
    key = hidden_key(exercise, seed)
    text = _hidden_text if text is None else text
    try:
        entry = json.loads(text)[key] if text else None
    except (ValueError, KeyError):
        entry = None
    if entry is None:
        raise MissingReferences(f"hidden checks of {exercise.name} run only in the grader "
                                "(python -m course grade)")
    if entry["inputs"] != [wire.fingerprint(case.args) for case in cases]:
        raise MissingReferences(f"the grader's references for {key} were made for other inputs")
    return [wire.decode(item) for item in entry["references"]]
