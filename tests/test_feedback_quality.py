"""Feedback quality (issue 15): how the checks treat the wrong answers in tests/wrong_answers_v2.

The tests marked ``measurement`` run the measurement (``benchmarks/feedback.py``, one kernel per
chapter, about two minutes on two cores) in the default run, so CI fails below the targets:
every answer must be proven wrong and every right solution must pass its checks, and the shares
must meet the targets (>= 98 % lose points, >= 90 % fail a visible check, >= 60 % get a message
naming the mistake, none a misleading one). The cross-check, marked ``feedback`` (it grades one
submission per chapter through ``course grade``, minutes more), runs only when ``-m`` names that
marker. The other tests check the measuring stick itself: the wrong-answer set and the script's
own logic.
"""

import ast
import importlib.util

import nbformat
import pytest

from benchmarks import feedback, feedback_probe
from benchmarks.feedback_answers import defined_names, load, signatures
from benchmarks.feedback_text import (
    CLAIMS,
    MISTAKES,
    claimed_mistakes,
    misleading_claims,
    names_mistake,
    output_text,
)
from course.assign.build import notebook_path
from tests.conftest import CHAPTERS, ROOT


def _release_solutions(chapter: str) -> dict[str, str]:
    release = nbformat.read(notebook_path(chapter, "release", ROOT), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in release.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _first_set(chapter: str) -> dict[str, str]:
    path = ROOT / "tests" / "wrong_answers" / f"{chapter}.py"
    spec = importlib.util.spec_from_file_location(f"first_{chapter}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS


def _code(source: str) -> str:
    """A cell's code without docstrings, comments or layout (to compare two answers)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        documented = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        if isinstance(node, documented) and ast.get_docstring(node, clean=False) is not None:
            node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


# -- the wrong-answer set -----------------------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_three_wrong_answers_of_different_bug_classes(chapter):
    answers = load(chapter)
    assert set(answers) == set(_release_solutions(chapter)), "one entry per solution cell"
    for exercise, entries in answers.items():
        assert len(entries) >= 3, f"{exercise}: {len(entries)} wrong answers"
        classes = [a.bug_class for a in entries]
        assert len(set(classes)) == len(classes), f"{exercise}: repeated bug class {classes}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_answer_keeps_the_released_definitions_and_is_new(chapter):
    released = _release_solutions(chapter)
    first = _first_set(chapter)
    for exercise, entries in load(chapter).items():
        for answer in entries:
            assert set(signatures(released[exercise])) <= set(signatures(answer.source)), \
                f"{answer.id} changes a def or class line of the released cell"
            assert set(defined_names(released[exercise])) <= set(defined_names(answer.source))
            assert _code(answer.source) != _code(first[exercise]), \
                f"{answer.id} is the answer already in tests/wrong_answers"
            assert _code(answer.source) != _code(released[exercise]), f"{answer.id} is the stub"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_answer_states_its_mistakes_phrases_and_witness(chapter):
    for entries in load(chapter).values():
        for answer in entries:
            assert answer.bug and answer.names, answer.id
            assert set(answer.mistakes) <= MISTAKES, f"{answer.id}: {answer.mistakes}"
            compile(answer.witness, answer.id, "eval")
            assert "differs" in answer.witness, f"{answer.id}: the witness must compare answers"


# -- the script's logic -------------------------------------------------------------------------

def test_a_phrase_matches_case_insensitively_and_any_of_several_counts():
    message = "✗ rolls: a Second Call with seed=0 gave different rolls"
    assert names_mistake(message, ("second call",))
    assert names_mistake(message, ("factor", "seed=0"))
    assert not names_mistake(message, ("off by one", "dtype"))


def test_claims_need_the_specific_words():
    assert claimed_mistakes("off by a factor of 2 (a factor of 1/N = 1/8)") == {"factor"}
    assert claimed_mistakes("multiply each row by its factors") == set()
    assert claimed_mistakes("the sign is flipped") == {"sign"}
    assert claimed_mistakes("use torch.sign(x) and keep the signal") == set()
    assert claimed_mistakes("expected dtype torch.float32, got torch.float64") == {"dtype"}
    assert claimed_mistakes("got tensor([1., 2.], dtype=torch.float64)") == set()
    assert claimed_mistakes("expected shape (3,), got (1, 3)") == set()
    assert claimed_mistakes("Exercise 3 (`pairwise_scores`) is not solved yet") == {"not_solved"}
    assert claimed_mistakes("center_rows modified its input") == {"modified_input"}
    assert claimed_mistakes("returned a tensor, but a Python float is asked") == {"number_type"}
    assert set(CLAIMS) < MISTAKES


def test_text_that_states_no_finding_is_no_claim():
    call = "✗ scale_rows_(matrix=tensor([[1, 1, 1]], float32), factors=tensor([0], float32))"
    assert claimed_mistakes(f"{call} [a factor of 0]: should return a tensor, got None") == set()
    assert claimed_mistakes(f"{call} [a batch of one]: off by a factor of 2") == {"factor"}
    assert claimed_mistakes(f"{call}: off by a factor of 2 [a factor of 0]") == {"factor"}
    assert claimed_mistakes("not part of the autograd graph (requires_grad=False), so it adds "
                            "no gradient") == {"graph"}
    assert claimed_mistakes("changed requires_grad of the caller's `x` to True") == {"gradient"}
    assert claimed_mistakes("left a gradient in the caller's `w.grad`") == {"gradient"}
    assert claimed_mistakes("off by a factor of 1/N = 1/6 (mean instead of sum?)") == {"mean_sum"}
    assert claimed_mistakes("off by a factor of N = 4 (sum instead of mean?), and the sign is "
                            "flipped") == {"mean_sum", "sign"}
    assert claimed_mistakes("off by a factor of 10; use the mean instead of sum") == {
        "factor", "mean_sum"}


def test_a_message_is_misleading_only_when_it_claims_a_mistake_the_answer_lacks():
    message = "✗ tanh(x): off by a factor of 2; expected shape (3,), got (3, 1)"
    assert misleading_claims(message, ("factor",)) == set()
    assert misleading_claims(message, ("sign",)) == {"factor"}
    assert misleading_claims("✗ the sign is flipped, in the wrong dim", ("sign",)) == {"wrong_dim"}
    assert misleading_claims("Exercise 2 is not solved yet", ()) == {"not_solved"}
    assert misleading_claims("✓ tanh: all visible checks passed (8 cases).", ()) == set()


def test_output_text_keeps_messages_and_drops_python_tracebacks():
    python_error = {"output_type": "error", "ename": "AssertionError", "evalue": "values differ",
                    "traceback": ["\x1b[0;31m----------\x1b[0m", "Cell In[4], line 3",
                                  "checks.check(x, 'a second call gave other rolls')"]}
    rendered = {"output_type": "error", "ename": "CheckFailure", "evalue": "",
                "traceback": ["✗ dice_rolls(12, seed=0): a second call gave other rolls"]}
    stream = {"output_type": "stream", "name": "stdout", "text": "✗ values differ\n"}
    text = output_text([stream, python_error])
    assert "✗ values differ" in text and "AssertionError: values differ" in text
    assert "second call" not in text
    assert "second call" in output_text([rendered])


def _trial(**flags):
    base = {"id": "ch/ex#1", "bug": "b", "lost_points": True, "failed_visible": True,
            "named": True, "misleading": [], "proven_wrong": True, "visible_text": "✗ x"}
    return {**base, **flags}


def test_summary_shares_targets_and_misses():
    trials = [_trial(), _trial(named=False), _trial(failed_visible=False, named=False),
              _trial(misleading=["sign"])]
    summary = feedback.summarise(trials)
    assert summary["answers"] == 4 and summary["lost_points_share"] == 1.0
    assert summary["failed_visible_share"] == 0.75 and summary["named_share"] == 0.5
    assert summary["misleading"] == 1
    met = {t["what"]: t["met"] for t in feedback.targets_of(summary)}
    assert met == {"wrong answers that lose points": True,
                   "wrong answers that fail a visible check": False,
                   "wrong answers whose message names the mistake": False,
                   "wrong answers given a misleading message": False}
    assert [m["missed"] for m in feedback.misses(trials)] == [
        ["message names the mistake"], ["fail a visible check", "message names the mistake"],
        ["misleading: sign"]]
    assert feedback.summarise([])["named_share"] is None


class _FakeKernel:
    """Answers every run with fixed outputs (what kernel_grading reads)."""

    def __init__(self, outputs):
        self.outputs, self.sources = outputs, []

    def run(self, source, index=0):
        from benchmarks.feedback_kernel import Run

        self.sources.append(source)
        return Run(self.outputs)


def test_kernel_grading_scores_like_course_grade():
    from benchmarks.feedback_kernel import GradingCase, kernel_grading

    cell = nbformat.v4.new_code_cell("checks.passed('x')")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 2,
                                 "grade_id": "test_x"}
    warning = {"output_type": "stream", "name": "stderr", "text": "UserWarning: slow\n"}
    error = {"output_type": "error", "ename": "AssertionError", "evalue": "✗ wrong",
             "traceback": []}
    kernel = _FakeKernel([warning])
    graded = kernel_grading(GradingCase("ch", "ex_x", cell, kernel))
    assert not graded.lost and graded.score == 2, "a warning alone costs nothing in course grade"
    assert "restore(globals())" in kernel.sources[0], "the grader's guard runs first"
    graded = kernel_grading(GradingCase("ch", "ex_x", cell, _FakeKernel([warning, error])))
    assert graded.lost and graded.score == 0 and "✗ wrong" in graded.text


def test_the_cross_check_submission_prefers_answers_that_kept_their_points():
    from benchmarks.feedback_crosscheck import pick_submission

    chapter = CHAPTERS[0]
    answers = load(chapter)
    exercises = list(answers)
    kept = answers[exercises[1]][2]
    trials = [{"id": a.id, "lost_points": a is not kept} for e in exercises for a in answers[e]]
    picked = pick_submission(chapter, trials)
    assert picked[exercises[1]].id == kept.id
    assert picked[exercises[0]].id == answers[exercises[0]][0].id  # in turn: the first
    assert picked[exercises[2]].id == answers[exercises[2]][2].id  # the third


def test_same_compares_what_a_student_sees():
    import torch

    same = feedback_probe.same
    assert same(torch.tensor([1.0, float("nan")]), torch.tensor([1.0, float("nan")]))
    assert not same(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64))
    assert not same(torch.tensor(1.0), 1.0)
    assert not same(torch.ones(2), torch.ones(2).requires_grad_())
    assert not same([torch.ones(2)], [torch.ones(1, 2)])
    torch.manual_seed(0)
    layer = torch.nn.Linear(2, 1)
    torch.manual_seed(0)
    assert same(layer, torch.nn.Linear(2, 1)) and not same(layer, torch.nn.Linear(2, 1))


def test_differs_sees_results_inputs_and_forbidden_calls():
    import torch

    def center(x):
        return x - x.mean()

    def center_in_place(x):
        x -= x.mean()
        return x

    def sigmoid_builtin(x):
        return torch.sigmoid(x)

    def sigmoid_by_hand(x):
        return 1 / (1 + torch.exp(-x))

    probe = feedback_probe
    probe._trial.update(right=_namespace(center=center), wrong=_namespace(center=center_in_place))
    assert probe.differs("center", torch.tensor([1.0, 3.0]))  # the input after the call differs
    probe._trial.update(wrong=_namespace(center=center))
    assert not probe.differs("center", torch.tensor([1.0, 3.0]))
    probe._trial.update(right=_namespace(sigmoid=sigmoid_by_hand),
                        wrong=_namespace(sigmoid=sigmoid_builtin))
    x = torch.tensor([0.0, 1.0])
    assert not probe.differs("sigmoid", x)
    assert probe.differs_call(lambda ns: probe.forbidden(torch, "sigmoid", lambda: ns.sigmoid(x)))
    assert torch.sigmoid(torch.tensor(0.0)) == 0.5, "forbidden must put the built-in back"
    probe._trial.clear()


def _namespace(**definitions):
    import types

    return types.SimpleNamespace(**definitions)


def test_begin_and_end_put_the_notebook_state_back():
    import torch

    model = torch.nn.Linear(2, 1)
    data = torch.tensor([1.0, 2.0])
    namespace = {"model": model, "data": data, "pair": [data.clone()]}
    weight = model.weight.detach().clone()
    torch.manual_seed(5)
    expected_draw = torch.rand(1)
    torch.manual_seed(5)
    feedback_probe.begin(namespace, [])
    data.mul_(10)
    namespace["pair"][0].add_(1)
    with torch.no_grad():
        model.weight.zero_()
    model.eval()
    model.register_forward_hook(lambda *args: None)
    namespace["data"] = "rebound"
    torch.rand(3)
    feedback_probe.end(namespace)
    assert namespace["data"] is data and torch.equal(data, torch.tensor([1.0, 2.0]))
    assert torch.equal(namespace["pair"][0], torch.tensor([1.0, 2.0]))
    assert torch.equal(model.weight, weight) and model.training and not model._forward_hooks
    assert torch.equal(torch.rand(1), expected_draw)


def test_begin_and_end_leave_views_made_under_no_grad_usable():
    import torch

    layer = torch.nn.Linear(3, 4)
    with torch.no_grad():
        first_row = layer.weight[0]  # a view of a parameter, as ch03's neuron demo makes one
    namespace = {"layer": layer, "first_row": first_row}
    for changed in (False, True):
        feedback_probe.begin(namespace, [])
        if changed:
            with torch.no_grad():
                layer.bias.add_(1.0)
        feedback_probe.end(namespace)
    assert first_row.is_leaf and torch.equal(first_row, layer.weight[0])
    feedback_probe.begin(namespace, [])  # saving it again must not raise either
    feedback_probe.end(namespace)


# -- the measurement (about two minutes; fails below issue 15's targets) ------------------------

@pytest.fixture(scope="module")
def measured():
    return feedback.measure()


@pytest.mark.measurement
def test_every_wrong_answer_is_proven_wrong_and_every_solution_passes(measured):
    unproven = [(t["id"], t["witness_error"]) for t in measured["trials"] if not t["proven_wrong"]]
    assert not unproven, f"answers not shown to differ from the solution: {unproven}"
    slow = [t["id"] for t in measured["trials"] if t["timed_out"]]
    assert not slow, f"answers whose cells hit the time limit (measured nothing): {slow}"
    broken = {chapter: (r["failed_controls"], r["flow_errors"])
              for chapter, r in measured["chapters"].items()
              if r["failed_controls"] or r["flow_errors"]}
    assert not broken, f"the right solutions failed their checks during the run: {broken}"


@pytest.mark.measurement
def test_the_checks_meet_the_feedback_targets(measured):
    missed = [t for t in measured["targets"] if not t["met"]]
    listing = "\n".join(f"{m['id']}: {', '.join(m['missed'])}: {m['message']}"
                        for m in measured["misses"])
    assert not missed, f"targets missed: {missed}\n{listing}"


@pytest.mark.feedback
@pytest.mark.grading
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_fast_path_agrees_with_course_grade(chapter, measured):
    from benchmarks.feedback_crosscheck import cross_check

    result = cross_check(chapter, measured["trials"])
    assert result["agree"], (f"{chapter}: fast path {result['fast']} vs course grade "
                             f"{result['real']} for {result['answers']}")
