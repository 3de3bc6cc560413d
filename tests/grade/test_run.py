"""course/grade.py: hostile and broken submissions, graded fairly, in parallel, sandboxed.

One scratch course with a three-exercise chapter; every kind of broken submission from the
instructor-workflow issue is submitted by its own student, the whole class is graded with two
workers (once with forked kernels, once with fresh ones), and each test checks one student's row.
Where bubblewrap works, the class also holds the attacks of issue 16 on the grader itself
(``ATTACKS``): they may lose their own points, never anyone else's.
"""

import hashlib
import json
import shutil

import nbformat
import pytest

from course.assign.build import build, notebook_path
from course.grade import sandbox
from course.grade.plumbing import fill_answers, read_scores
from course.grade.run import grade, table
from tests.chapter_factory import grade_cell, make_root, solution_cell, tiny_notebook
from tests.conftest import ROOT

CHAPTER = "ch99_tiny"
pytestmark = pytest.mark.grading

CORRECT = {
    "ex_double": "def double(values):\n    return values * 2\n",
    "ex_square": "def square(values):\n    return values ** 2\n",
    "ex_negate": "def negate(values):\n    return -values\n",
}


def three_exercise_notebook():
    nb = tiny_notebook()
    for name, body in (("square", "values ** 2"), ("negate", "-values")):
        nb.cells.append(solution_cell(f"ex_{name}", f"def {name}(values):\n"
                                      f"    ### BEGIN SOLUTION\n    return {body}\n"
                                      "    ### END SOLUTION"))
        nb.cells.append(grade_cell(f"test_{name}", f"checks.check_tensor({name}(torch.ones(2)), "
                                   f"(lambda values: {body})(torch.ones(2)))\n"
                                   "### BEGIN HIDDEN TESTS\n"
                                   f"checks.check_tensor({name}(torch.arange(3.0)), "
                                   f"(lambda values: {body})(torch.arange(3.0)))\n"
                                   "### END HIDDEN TESTS", points=1))
    return nb


def answers(**changes):
    return {**CORRECT, **changes}


FILL = (  # every writable place, until it is full
    "import os\nfor folder in ['/tmp', '/dev/shm', '.', '/run/ipc']:\n    try:\n"
    "        with open(os.path.join(folder, 'fill'), 'wb', buffering=0) as handle:\n"
    "            for _ in range(4096):\n                handle.write(b'x' * (1 << 20))\n"
    "    except OSError as error:\n        print(folder, 'full:', error.strerror)\n")
ATTACKS = {
    "stop_server": ("import os, signal\nfor pid in range(1, 5000):\n    try:\n"
                    "        os.kill(pid, signal.SIGSTOP)\n    except OSError:\n        pass\n"
                    + CORRECT["ex_double"]),
    "flood_forever": "while True:\n    print('x' * 100_000)\n",
    "fill_tmpfs": FILL + CORRECT["ex_double"],
    "fork_bomb": CORRECT["ex_double"] + ("import os\nwhile True:\n    try:\n        os.fork()\n"
                                         "    except OSError:\n        pass\n"),
    "memory_hog": "hog = bytearray(b'x') * (3 << 30)\n" + CORRECT["ex_double"],
    "symlinks": None,  # made in submissions(): it needs the course's paths
}
ATTACK_LIMITS = {"memory_bytes": 1 << 30, "tmp_bytes": 64 << 20, "shm_bytes": 32 << 20,
                 "home_bytes": 64 << 20, "tasks": 128}


def submissions(course):
    gradebook = course / "gradebook.db"
    other = course / "submitted" / "good" / CHAPTER / f"{CHAPTER}.ipynb"
    snoop = (  # noqa: UP031 - %-formatting keeps the braces of the code readable
        "def double(values):\n    return values * 2\n\n"
        "for target in [%r, %r, %r]:\n"
        "    try:\n"
        "        with open(target, 'rb') as handle:\n"
        "            print('LEAKED', target, len(handle.read()))\n"
        "    except OSError as error:\n"
        "        print('BLOCKED', type(error).__name__)\n"
        "try:\n"
        "    open(%r, 'w').write('pwned')\n"
        "    print('WROTE OUTSIDE')\n"
        "except OSError as error:\n"
        "    print('WRITE BLOCKED', type(error).__name__)\n"
    ) % (str(gradebook), str(other), str(course / "source" / CHAPTER / f"{CHAPTER}.ipynb"),
         str(course / "pwned.txt"))
    return {
        "good": answers(),
        "infinite_loop": answers(ex_double="def double(values):\n    while True:\n        pass\n"),
        "flood_lines": answers(ex_double="for i in range(20000):\n    print(i)\n"
                               + CORRECT["ex_double"]),
        "flood_one_line": answers(ex_double="print('x' * 3_000_000)\n" + CORRECT["ex_double"]),
        "flood_rich": answers(ex_double="from IPython.display import HTML, display\n"
                              "display(HTML('<b>' + 'y' * 5_000_000 + '</b>'))\n"
                              + CORRECT["ex_double"]),
        "kernel_exit": answers(ex_square="import os\nos._exit(1)\n"),
        "syntax_error": answers(ex_double="def double(values)\n    return values * 2\n"),
        "warns": answers(ex_double="import warnings\n\ndef double(values):\n"
                         "    warnings.warn('this API is deprecated')\n    return values * 2\n"),
        "monkeypatch": answers(ex_double=(
            "import numpy\nimport torch\nfrom course import checks\n"
            "torch.allclose = lambda *args, **kwargs: True\n"
            "torch.testing.assert_close = lambda *args, **kwargs: None\n"
            "numpy.allclose = lambda *args, **kwargs: True\n"
            "checks.check_tensor = lambda *args, **kwargs: None\n"
            "check_tensor = checks.check_tensor\n"
            "def double(values):\n    return values\n")),
        "snoop": answers(ex_double=snoop),
        **({name: answers(ex_double=code or symlinks(course)) for name, code in ATTACKS.items()}
           if sandbox.available() else {}),
    }


def symlinks(course):
    """Links in the kernel's folder to the gradebook, another student's work and the sources,
    written and chmodded through, named like files nbgrader copies or writes."""
    targets = {"timestamp.txt": course / "gradebook.db",
               "leak.ipynb": course / "submitted" / "good" / CHAPTER / f"{CHAPTER}.ipynb",
               "notes.txt": course / "source" / CHAPTER / f"{CHAPTER}.ipynb"}
    return ("import os\n"
            f"for name, target in {[(n, str(t)) for n, t in targets.items()]!r}:\n"
            "    for action in (lambda: os.symlink(target, name), lambda: os.chmod(name, 0o777),\n"
            "                   lambda: open(name, 'a').write('pwned')):\n"
            "        try:\n            action()\n        except OSError:\n            pass\n"
            + CORRECT["ex_double"])


def tamper(nb, student):
    """Structural damage done to the notebook file itself."""
    cells = nb.cells
    test_double = next(c for c in cells if c.metadata.get("nbgrader", {}).get("grade_id")
                       == "test_double")
    if student == "deleted_test":
        cells.remove(test_double)
    elif student == "edited_test":
        test_double.source = "print('all good')"
        test_double.metadata["nbgrader"]["points"] = 100
    elif student == "flipped_metadata":
        cells[0].metadata["nbgrader"] = {"grade": True, "grade_id": "sneaky", "points": 5,
                                         "solution": False, "locked": False,
                                         "schema_version": 3}
        test_double.metadata["nbgrader"]["grade"] = False
    return nb


@pytest.fixture(scope="module", params=["fork", "fresh"])
def kernels(request):
    """How the grader starts kernels: forked from a zygote (default) or a fresh process each."""
    return request.param


@pytest.fixture(scope="module")
def graded(tmp_path_factory, kernels):
    tmp = tmp_path_factory.mktemp("grade")
    course = make_root(tmp, ROOT, CHAPTER, nb=three_exercise_notebook())
    build([CHAPTER], course, solutions=False)
    release = nbformat.read(notebook_path(CHAPTER, "release", course), as_version=4)

    def put(student, nb=None, text=None):
        target = course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if text is not None:
            target.write_text(text)
        else:
            nbformat.write(nb, target)

    for student, student_answers in submissions(course).items():
        put(student, fill_answers(release, student_answers))
    wrong_double = answers(ex_double="def double(values):\n    return values\n")
    put("deleted_test", tamper(fill_answers(release, answers()), "deleted_test"))
    put("edited_test", tamper(fill_answers(release, wrong_double), "edited_test"))
    put("flipped_metadata", tamper(fill_answers(release, answers()), "flipped_metadata"))
    put("corrupt_json", text='{"cells": [ this is not json')
    (course / "submitted" / "missing_notebook" / CHAPTER).mkdir(parents=True)
    watched = [*(course / "submitted").rglob("*.ipynb"), *(course / "source").rglob("*.ipynb")]
    before = {path: digest(path) for path in watched}
    with pytest.MonkeyPatch.context() as patch:  # small limits: the attacks end sooner
        patch.setenv("COURSE_KERNEL_LIMITS", json.dumps(ATTACK_LIMITS))
        results, note = grade(CHAPTER, course, workers=2, cell_timeout=4, notebook_timeout=30,
                              progress=False, kernels=kernels)
    print(table(results))
    assert {path: digest(path) for path in before} == before, "no file was changed"
    return course, {r.student: r for r in results}, note


def digest(path):
    """The content and the permissions of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode


def scores_of(course, student):
    return {name: score for name, (score, _) in read_scores(course, CHAPTER)[student].items()}


def test_every_student_is_in_the_table_and_the_correct_one_has_full_marks(graded):
    _, results, _ = graded
    assert len(results) == 15 + (len(ATTACKS) if sandbox.available() else 0)
    assert all(f"\n{student} " in "\n" + table(list(results.values())) for student in results)
    assert (results["good"].score, results["good"].max_score) == (4, 4)
    assert results["good"].problems == []


def test_infinite_loop_is_bounded_and_loses_only_its_exercise(graded):
    course, results, _ = graded
    assert scores_of(course, "infinite_loop")["test_double"] == 0
    assert any("timed out" in p or "time limit" in p for p in results["infinite_loop"].problems)


@pytest.mark.parametrize("student", ["flood_lines", "flood_one_line", "flood_rich"])
def test_output_floods_are_capped_and_still_score(graded, student):
    course, results, _ = graded
    assert results[student].score == 4
    autograded = course / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb"
    assert autograded.stat().st_size < 300_000


def test_kernel_exit_keeps_earlier_scores_and_is_reported(graded):
    course, results, _ = graded
    scores = scores_of(course, "kernel_exit")
    assert scores["test_double"] == 2 and scores["test_square"] == 0
    assert scores["test_negate"] == 0
    assert any("kernel died" in p for p in results["kernel_exit"].problems)


def test_syntax_error_loses_that_exercise_only(graded):
    course, results, _ = graded
    assert scores_of(course, "syntax_error") == {"test_double": 0, "test_square": 1,
                                                 "test_negate": 1}
    assert any("syntax error" in p for p in results["syntax_error"].problems)


def test_correct_answer_that_warns_gets_full_marks(graded):
    _, results, _ = graded
    assert results["warns"].score == 4


def test_monkeypatching_the_checks_does_not_turn_a_wrong_answer_into_a_pass(graded):
    course, _, _ = graded
    assert scores_of(course, "monkeypatch")["test_double"] == 0


def test_deleted_test_cell_is_restored_and_scored(graded):
    course, results, _ = graded
    assert scores_of(course, "deleted_test")["test_double"] == 2
    assert any("deleted" in p for p in results["deleted_test"].problems)


def test_edited_test_and_points_are_restored(graded):
    course, results, _ = graded
    assert scores_of(course, "edited_test")["test_double"] == 0
    assert results["edited_test"].max_score == 4


def test_flipped_metadata_is_restored_and_graded(graded):
    _, results, _ = graded
    assert results["flipped_metadata"].score == 4
    assert any("metadata" in p for p in results["flipped_metadata"].problems)


def test_missing_and_corrupt_notebooks_score_zero_and_are_listed(graded):
    _, results, _ = graded
    assert results["missing_notebook"].score == 0
    assert "missing notebook" in results["missing_notebook"].problems[0]
    assert results["corrupt_json"].score == 0
    assert results["corrupt_json"].problems[0].startswith("corrupt notebook")


@pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed here")
def test_sandbox_hides_the_gradebook_other_students_and_sources(graded):
    course, results, note = graded
    assert note.startswith("sandbox: bubblewrap")
    autograded = course / "autograded" / "snoop" / CHAPTER / f"{CHAPTER}.ipynb"
    outputs = [output for cell in nbformat.read(autograded, as_version=4).cells
               for output in cell.get("outputs", [])]
    text = json.dumps(outputs)
    assert "LEAKED" not in text and "WROTE OUTSIDE" not in text
    assert text.count("BLOCKED") == 4, text
    assert not (course / "pwned.txt").exists()
    assert results["snoop"].score == 4


def test_export_lists_every_student_with_missing_and_corrupt_at_zero(graded):
    import csv

    from course.grade.plumbing import run_nbgrader

    course, results, _ = graded
    run_nbgrader(course, "export")
    rows = {row["student_id"]: float(row["raw_score"])
            for row in csv.DictReader((course / "grades.csv").open())}
    assert rows["missing_notebook"] == 0 and rows["corrupt_json"] == 0
    assert rows["good"] == 4 and set(rows) == set(results)


def test_regrading_replaces_scores_and_the_same_submission_scores_the_same(graded, kernels,
                                                                           tmp_path):
    course, results, _ = graded
    copy = tmp_path / "course"
    shutil.copytree(course, copy, ignore=shutil.ignore_patterns("autograded", ".grading"))
    keep = set(results) - set(ATTACKS)  # a run without the attackers...
    for folder in (copy / "submitted").iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder)
    again, _ = grade(CHAPTER, copy, workers=2, cell_timeout=4, notebook_timeout=30,
                     progress=False,  # ...and in the other kind of kernel
                     kernels="fresh" if kernels == "fork" else "fork")
    assert {r.student: r.score for r in again} == {s: results[s].score for s in keep}
    assert {r.student: r.problems for r in again} == {s: results[s].problems for s in keep}
    keep = {"good", "edited_test"}
    for folder in (copy / "submitted").iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder)

    good = copy / "submitted" / "good" / CHAPTER / f"{CHAPTER}.ipynb"
    nb = nbformat.read(good, as_version=4)
    release = nbformat.read(notebook_path(CHAPTER, "release", copy), as_version=4)
    nbformat.write(fill_answers(release, answers(ex_negate="def negate(values):\n"
                                                           "    return values\n")), good)
    regraded, _ = grade(CHAPTER, copy, workers=1, cell_timeout=4, notebook_timeout=30,
                        progress=False)
    assert {r.student: r.score for r in regraded}["good"] == 3
    assert nb is not None


attacks = pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed here")


@attacks
def test_each_attack_is_in_the_table_and_costs_only_its_author(graded):
    """The others' scores equal a run without the attackers: see the regrading test."""
    course, results, _ = graded
    for student in ATTACKS:
        assert student in results and results[student].max_score == 4
    assert scores_of(course, "flood_forever")["test_double"] == 0
    # its cell times out, or (a fresh kernel holds torch itself) its unsent output fills the
    # kernel's memory limit first: either way only the kernel ends, never the worker
    assert any("timed out" in p or "kernel died" in p for p in results["flood_forever"].problems)
    flood = course / "autograded" / "flood_forever" / CHAPTER / f"{CHAPTER}.ipynb"
    assert flood.stat().st_size < 300_000
    assert scores_of(course, "memory_hog")["test_double"] == 0  # killed (cgroup) or refused
    for student in ("stop_server", "fill_tmpfs", "symlinks"):  # harmless to the grader
        assert results[student].score == 4, (student, results[student].problems)


@attacks
def test_no_symbolic_link_reaches_the_graded_folders_or_the_feedback(graded, monkeypatch, capsys):
    """A fresh kernel used to work in the real autograded folder: its links made nbgrader write,
    chmod and (``course feedback``) copy the files they named. Now it works in a copy; a link
    planted there by hand is removed before feedback is made."""
    from argparse import Namespace

    from course.grade.commands import dispatch

    course, _, _ = graded
    assert [p for p in (course / "autograded").rglob("*") if p.is_symlink()] == []
    planted = course / "autograded" / "good" / CHAPTER / "planted.txt"
    planted.symlink_to(course / "gradebook.db")
    gradebook = (course / "gradebook.db").read_bytes()[100:4096]  # past SQLite's counters
    monkeypatch.chdir(course)
    assert dispatch(Namespace(command="feedback", chapter=CHAPTER)) == 0
    assert "removed symbolic link autograded/good" in capsys.readouterr().out
    assert not (course / "feedback" / "good" / CHAPTER / "planted.txt").exists()
    for path in (course / "feedback").rglob("*"):
        assert not path.is_symlink()
        assert not path.is_file() or gradebook not in path.read_bytes(), path
    assert (course / "feedback" / "symlinks" / CHAPTER / f"{CHAPTER}.html").exists()
