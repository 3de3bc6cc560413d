"""Verdicts outside the student's process (issue 16, point 1), end to end with ``course grade``.

One ch01 class: the solution; a sniffer (the solution plus hooks that look for hidden test text
and references wherever a kernel can reach); blank notebooks that take control of their kernel
in each way that gave full marks when test cells ran in the kernel (input and AST transformers
rewriting test cells, a ``pre_run_cell`` hook that emits a result first, a wrapped
``run_cell_async``, a forged observations reply); and the chapter's wrong answers with each kind
of tampering with the checker in the kernel (the check functions' ``__code__`` replaced, a
``sys.settrace`` hook rewriting the judge's arguments, the guard switched off and the checker
replaced). Each must score what its answers deserve: full marks, or 0.
"""

import html
import re

import nbformat
import pytest

from course.assign.build import notebook_path
from course.assign.sync import secrets
from course.grade import plumbing
from course.grade.run import grade
from tests.conftest import ROOT
from tests.grade.test_chapters import wrong_answers

pytestmark = pytest.mark.grading
CHAPTER = "ch01_tensors"
FIRST, LAST = "ex_dice_rolls", "ex_batch_samples"
IS_CHECK = '("checks" in _text or "course" in _text)'

KERNEL_CONTROL = {
    "input_transformer": (
        "def _blank_out(lines):\n    _text = ''.join(lines)\n"
        f"    return ['pass\\n'] if {IS_CHECK} else lines\n"
        "get_ipython().input_transformers_post.append(_blank_out)\n"),
    "ast_transformer": (
        "import ast\n"
        "class _Empty(ast.NodeTransformer):\n"
        "    def visit_Module(self, node):\n        _text = ast.unparse(node)\n"
        f"        return ast.Module(body=[ast.Pass()], type_ignores=[]) if {IS_CHECK} else node\n"
        "get_ipython().ast_transformers.append(_Empty())\n"),
    "result_first": (
        "def _claim(info):\n    get_ipython().displayhook('all checks passed')\n"
        "get_ipython().events.register('pre_run_cell', _claim)\n"),
    "wrapped_run_cell": (
        "_shell = get_ipython()\n_real_run = _shell.run_cell_async\n"
        "async def _skip(raw_cell, *args, **kwargs):\n    _text = raw_cell\n"
        f"    return await _real_run('pass' if {IS_CHECK} else raw_cell, *args, **kwargs)\n"
        "_shell.run_cell_async = _skip\n"),
    "forged_reply": (  # the recorded visible references are in the kernel's reach: replay them
        "import json as _json\nfrom IPython.display import display as _display\n"
        "from course.check import references as _references, remote as _remote, wire as _wire\n"
        "def _forged(chapter, calls):\n"
        "    entry = _json.loads((_references.FOLDER / f'{chapter}.json').read_text())\n"
        "    for index, (name, function, cases_text) in enumerate(calls):\n"
        "        refs = [_wire.decode(r) for r in entry['exercises'][name]['references']]\n"
        "        count = len(_wire.loads(cases_text))\n"
        "        reply = {'observations': (refs * count)[:count], 'tracebacks': [None] * count}\n"
        "        _display({_remote.MIME: _wire.dumps(reply)}, raw=True,\n"
        "                 metadata={_remote.MIME: {'call': index}})\n"
        "def _reroute(lines):\n"
        "    return [line.replace(\"__import__('course.check.remote', fromlist=['observe'])"
        ".observe\", '_forged') for line in lines]\n"
        "get_ipython().input_transformers_post.append(_reroute)\n"),
}

TAMPERING = {
    "code_swapped": (
        "import course.check.judge as _judge, course.check.runner as _runner\n"
        "import course.check.probe as _probe\n"
        "_judge.judge.__code__ = (lambda contract, case, observation, reference: None).__code__\n"
        "_runner._pick.__code__ = (lambda failures: None).__code__\n"),
    "settrace": (
        "import ctypes, sys\n"
        "def _tracer(frame, event, arg):\n"
        "    if event == 'call' and frame.f_code.co_name == 'judge':\n"
        "        frame.f_locals['reference'] = frame.f_locals.get('observation')\n"
        "        ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))\n"
        "    return None\n"
        "sys.settrace(_tracer)\n"),
    "guard_off": (
        "import sys\nsys.modules['course.grade.guard'].restore = lambda namespace: None\n"
        "import course.check.runner as _runner, course.checks as _checks\n"
        "_runner.verdict = lambda exercise, cases, *rest: _runner.Report(exercise, 'passed', "
        "len(cases))\n"
        "_checks.exercise = lambda *args, **kwargs: None\n"),
}

SNIFFER = (  # hidden test code or references wherever the kernel can look, on each request
    "import gc, pathlib\n_seen = {'requests': 0, 'leaks': []}\n"
    # built from pieces, so the sniffer's own source never matches
    "_MARKERS = ('cases=' + '\"hid' + 'den\"', 'HID' + 'DEN TESTS', '\"in' + 'puts\":')\n"
    "def _sniff(info):\n"
    "    text = info.raw_cell or ''\n"
    "    if 'course.check.remote' not in text:\n        return\n"
    "    _seen['requests'] += 1\n"
    "    found = [m for m in _MARKERS if m in text]\n"
    "    for path in pathlib.Path('.').rglob('*'):\n"
    "        try:\n            body = path.read_text(errors='ignore')\n"
    "        except OSError:\n            continue\n"
    "        found += [f'{path}: {m}' for m in _MARKERS if m in body]\n"
    "    for item in gc.get_objects():\n"
    "        if isinstance(item, dict):\n"
    "            for value in list(item.values()):\n"
    "                if isinstance(value, str) and any(m in value for m in _MARKERS):\n"
    "                    found.append('memory')\n"
    "    import course.check.references as _references\n"
    "    if _references._hidden_text:\n        found.append('installed references')\n"
    "    _seen['leaks'] += found\n"
    "get_ipython().events.register('pre_run_cell', _sniff)\n")
REPORT = "print('SNIFFED', _seen['requests'], 'requests', sorted(set(_seen['leaks'])))\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("verdicts")
    course_dir = plumbing.prepare_course(scratch / "course", [CHAPTER], ROOT)
    plumbing.run_nbgrader(course_dir, "generate_assignment", CHAPTER, "--force")
    release = nbformat.read(notebook_path(CHAPTER, "release", ROOT), as_version=4)
    stubs = {c.metadata["nbgrader"]["grade_id"]: c.source for c in release.cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    solution, wrong = plumbing.solution_answers(CHAPTER), wrong_answers(CHAPTER)
    plumbing.submit(course_dir, CHAPTER, "solution", plumbing.fill_answers(release, solution))
    plumbing.submit(course_dir, CHAPTER, "sniffer", plumbing.fill_answers(release, {
        **solution, FIRST: SNIFFER + solution[FIRST], LAST: solution[LAST] + "\n" + REPORT}))
    for name, attack in KERNEL_CONTROL.items():
        plumbing.submit(course_dir, CHAPTER, f"blank_{name}",
               plumbing.fill_answers(release, {**stubs, FIRST: attack + stubs[FIRST]}))
    for name, attack in TAMPERING.items():
        plumbing.submit(course_dir, CHAPTER, f"wrong_{name}",
               plumbing.fill_answers(release, {**wrong, FIRST: attack + wrong[FIRST]}))
    results, _ = grade(CHAPTER, course_dir, workers=2, progress=False)
    plumbing.run_nbgrader(course_dir, "generate_feedback", CHAPTER, "--force")
    return course_dir, {r.student: r for r in results}, plumbing.read_scores(course_dir, CHAPTER)


def test_the_solution_and_the_sniffer_get_full_marks(graded):
    _, results, scores = graded
    for student in ("solution", "sniffer"):
        lost = {cell: s for cell, s in scores[student].items() if s[0] != s[1]}
        assert not lost, f"{student} lost points in {lost}: {results[student].problems}"


@pytest.mark.parametrize("attack", sorted(KERNEL_CONTROL))
def test_a_blank_notebook_that_controls_its_kernel_scores_zero(graded, attack):
    _, _, scores = graded
    earned = {cell: s for cell, s in scores[f"blank_{attack}"].items() if s[0] != 0}
    assert not earned, f"{attack}: a blank notebook earned {earned}"


@pytest.mark.parametrize("attack", sorted(TAMPERING))
def test_a_wrong_answer_that_tampers_with_the_checker_scores_zero(graded, attack):
    _, _, scores = graded
    earned = {cell: s for cell, s in scores[f"wrong_{attack}"].items() if s[0] != 0}
    assert not earned, f"{attack}: wrong answers kept {earned}"


def test_no_hidden_test_or_reference_is_within_the_kernels_reach(graded):
    course_dir, _, _ = graded
    nb = nbformat.read(course_dir / "autograded" / "sniffer" / CHAPTER / f"{CHAPTER}.ipynb",
                       as_version=4)
    last = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == LAST)
    printed = "".join(o.get("text", "") for o in last.outputs)
    found = re.search(r"SNIFFED (\d+) requests (.*)", printed)
    assert found, f"the sniffer did not report: {last.outputs}"
    assert int(found.group(1)) >= 11, "the sniffer saw the grader's requests (one per test cell)"
    assert found.group(2) == "[]", f"hidden material within the kernel's reach: {found.group(2)}"


def test_the_feedback_shows_no_hidden_test(graded):
    course_dir, _, scores = graded
    source = nbformat.read(notebook_path(CHAPTER, "source", ROOT), as_version=4)
    _, hidden = secrets(source)
    for student in scores:
        page = (course_dir / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert not hidden & {line.strip() for line in text.splitlines()}, student
        assert 'cases="hidden"' not in text and "BEGIN HIDDEN TESTS" not in text, student


def test_a_failed_check_in_the_feedback_names_the_mistake(graded):
    course_dir, _, _ = graded
    page = (course_dir / "feedback" / "wrong_code_swapped" / CHAPTER / f"{CHAPTER}.html")
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    assert "torch.randint's upper bound is exclusive" in text
