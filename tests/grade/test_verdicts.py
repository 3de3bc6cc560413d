"""course/grade/cells.py and verdicts.py: test cells parsed, requests that carry inputs only,
replies judged."""

import nbformat
import pytest
import torch
from nbformat.v4 import new_output

from course import exercises
from course.assign.build import notebook_path
from course.check import remote, wire
from course.grade import verdicts
from course.grade.cells import Call, calls_of
from tests.conftest import ROOT
from tests.exercises.solutions import function_from, solution_namespace

CHAPTER = "ch01_tensors"


def test_a_test_cell_of_checks_becomes_calls_and_anything_else_runs_as_code():
    cell = ('checks.exercise("dice_rolls", dice_rolls)\n### BEGIN HIDDEN TESTS\n'
            'checks.exercise("dice_rolls", dice_rolls, cases="hidden", seed=100)\n'
            '### END HIDDEN TESTS')
    assert calls_of(cell) == [Call("dice_rolls", "dice_rolls"),
                                       Call("dice_rolls", "dice_rolls", "hidden", 100)]
    for other in ('checks.exercise("a", a)\nprint("x")', 'checks.exercise("a", a, cases=x)',
                  'checks.exercise("a", a, cases="hidden")', "assert double(1) == 2",
                  'checks.exercise("a", lambda v: v)', "def (", ""):
        assert calls_of(other) is None, other


@pytest.mark.parametrize("chapter", exercises.CHAPTERS)
def test_every_source_test_cell_is_judged_in_the_grader(chapter):
    source = nbformat.read(notebook_path(chapter, "source", ROOT), as_version=4)
    tests = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata["nbgrader"].get("solution")]
    for cell in tests:
        calls = calls_of(cell.source)
        assert calls and {call.kind for call in calls} == {"visible", "hidden"}, cell.source


def _planned(name="dice_rolls"):
    return verdicts.plan(CHAPTER, Call(name, name), "")


def _inputs(planned):
    return wire.dumps([[list(case.args), case.note] for case in planned.cases])


def _output(text, call=0):
    return new_output("display_data", data={remote.MIME: text},
                      metadata={remote.MIME: {"call": call}})


def _reply(planned, function, call=0):
    reply = remote.observations(CHAPTER, planned.call.name, function, _inputs(planned))
    return _output(wire.dumps(reply), call)


def test_a_request_is_code_that_carries_the_inputs_and_no_reference():
    planned = _planned()
    text = verdicts.request_source(CHAPTER, [planned, planned])
    compile(text, "<request>", "exec")
    assert repr(_inputs(planned)) in text and ", dice_rolls, " in text
    assert not any(wire.dumps(reference["value"]) in text for reference in planned.refs)


def test_the_solutions_reply_passes_and_a_wrong_answers_fails_with_the_named_mistake():
    planned = _planned()
    solution = solution_namespace(CHAPTER)["dice_rolls"]
    passed, shown = verdicts.outputs_for(planned, [_reply(planned, solution)])
    assert passed and "all visible checks passed" in shown[0]["text"]
    wrong = function_from("import torch\ndef dice_rolls(num_rolls, seed):\n"
                          "    torch.manual_seed(seed)\n    return torch.randint(1, 6, "
                          "(num_rolls,))\n", "dice_rolls", CHAPTER)
    passed, shown = verdicts.outputs_for(planned, [_reply(planned, wrong)])
    assert not passed and shown[0]["output_type"] == "error"
    assert "upper bound is exclusive" in shown[0]["traceback"][-1]


def test_the_students_exception_keeps_its_type_and_traceback():
    planned = _planned()
    broken = function_from("def dice_rolls(num_rolls, seed):\n    return undefined_name\n",
                           "dice_rolls", CHAPTER)
    passed, shown = verdicts.outputs_for(planned, [_reply(planned, broken)])
    assert not passed and shown[0]["ename"] == "NameError"
    assert any("undefined_name" in line for line in shown[0]["traceback"])


def test_a_stub_is_not_solved():
    planned = _planned()
    stub = function_from("def dice_rolls(num_rolls, seed):\n    raise NotImplementedError\n",
                         "dice_rolls", CHAPTER)
    passed, shown = verdicts.outputs_for(planned, [_reply(planned, stub)])
    assert not passed and shown[0]["ename"] == "NotSolved"


def _forged(observations, tracebacks=None):
    reply = {"observations": observations, "tracebacks": tracebacks or [None] * len(observations)}
    return _output(wire.dumps(reply))


def test_a_reply_that_is_missing_malformed_or_forged_fails_and_says_so():
    planned = _planned()
    count = len(planned.cases)
    huge = {"__tensor__": {"dtype": "float32", "shape": [10 ** 12], "data": ""}}
    bad_replies = {
        "nothing": [],
        "not observations": [_output("[1, 2")],
        "too few": [_forged([{"outcome": "returned", "value": 1}])],
        "not dicts": [_forged([1] * count)],
        "forged size": [_output(wire.json.dumps(
            {"observations": [{"outcome": "returned", "value": huge}] * count,
             "tracebacks": [None] * count}))],
        "wrong values": [_forged([{"outcome": "returned", "value": torch.zeros(3)}] * count)],
    }
    for label, outputs in bad_replies.items():
        passed, shown = verdicts.outputs_for(planned, outputs)
        assert not passed and shown and shown[0]["output_type"] == "error", label


def test_the_kernels_error_or_the_graders_own_is_shown_when_no_reply_came():
    planned = _planned()
    died = new_output("error", ename="KernelDied", evalue="died", traceback=["died"])
    assert verdicts.outputs_for(planned, [died])[1] == [died]
    name_error = new_output("error", ename="NameError", evalue="x", traceback=["NameError: x"])
    assert verdicts.outputs_for(planned, [name_error])[1] == [name_error]
    passed, shown = verdicts.outputs_for(planned, [new_output("stream", name="stdout",
                                                              text="✓ all passed")])
    assert not passed and "no result came back" in shown[0]["traceback"][0]


def test_a_printed_claim_or_result_of_the_kernel_decides_nothing():
    planned = _planned()
    claims = [new_output("execute_result", data={"text/plain": "True"}, execution_count=1),
              new_output("stream", name="stdout", text="✓ dice_rolls: all visible checks passed")]
    passed, _ = verdicts.outputs_for(planned, claims)
    assert not passed


def test_hidden_calls_need_the_graders_references():
    with pytest.raises(Exception, match="only in the grader"):
        verdicts.plan(CHAPTER, Call("dice_rolls", "dice_rolls", "hidden", 100), "")


def test_each_check_of_a_cell_reads_its_own_reply():
    planned = _planned()
    namespace = solution_namespace(CHAPTER)
    stub = function_from("def dice_rolls(num_rolls, seed):\n    raise NotImplementedError\n",
                         "dice_rolls", CHAPTER)
    outputs = [_reply(planned, stub, call=1), _reply(planned, namespace["dice_rolls"], call=0)]
    assert verdicts.outputs_for(planned, outputs, 0)[0]
    assert not verdicts.outputs_for(planned, outputs, 1)[0]
    assert not verdicts.outputs_for(planned, outputs, 2)[0], "no reply for a third check"
    unnumbered = new_output("display_data", data=outputs[1]["data"])
    assert not verdicts.outputs_for(planned, [unnumbered], 0)[0]
