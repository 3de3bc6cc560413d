"""course/check/judge.py: the order of the checks and one finding per kind of mistake."""

import numpy as np
import torch

from course.check.judge import judge
from course.check.probe import probe
from course.check.spec import Case, Contract, Exercise

MATRIX = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (2, 3)


def verdict(function, solution, case=None, **contract):
    case = case or Case((MATRIX.clone(),))
    spec = Exercise("row_sums", "ch99_test", 1, lambda seed, hidden: [case],
                    Contract(params=("x",), **contract))
    reference = probe(spec, solution, case).observation
    return judge(spec.contract, case, probe(spec, function, case).observation, reference)


def row_sums(x):
    return x.sum(dim=1)


def test_nothing_on_a_pass_even_with_harmless_rounding():
    assert verdict(row_sums, row_sums) is None
    assert verdict(lambda x: x.sum(dim=1) + 1e-9, row_sums) is None


def test_not_solved_comes_before_everything_and_raises_are_not_specific():
    def stub(x):
        raise NotImplementedError

    assert verdict(stub, row_sums).kind == "not_solved"
    raised = verdict(lambda x: x.sum(dim=5), row_sums)
    assert raised.kind == "raised" and "IndexError" in raised.text and not raised.specific


def test_type_dtype_and_shape_findings_use_the_vocabulary():
    assert "should return a tensor, got a list" in verdict(lambda x: row_sums(x).tolist(),
                                                          row_sums).text
    assert "Python float" in verdict(lambda x: x.sum(), lambda x: x.sum().item()).text
    found = verdict(lambda x: row_sums(x).double(), row_sums)
    assert found.kind == "dtype" and "float32 (the dtype of `x`)" in found.text
    found = verdict(lambda x: x.sum(dim=0), row_sums)
    assert found.kind == "shape" and "wrong dim: dim 0 of `x` instead of dim 1" in found.text


def test_contract_findings_modified_input_gradient_graph_second_call():
    def in_place(x):
        return x.sub_(1).sum(dim=1)

    assert "modified its input `x`" in verdict(in_place, row_sums).text
    tracked = Case((MATRIX.clone(),))

    def grads(x):
        x.requires_grad_(True)
        return x.sum(dim=1)

    assert "requires_grad" in verdict(grads, row_sums, tracked).text
    leaf = Case((MATRIX.clone().requires_grad_(True),))
    assert "graph" in verdict(row_sums, lambda x: row_sums(x).detach(), leaf).text

    def backward(x):
        x.sum().backward()
        return row_sums(x).detach()

    assert "gradient in the caller's `x.grad`" in verdict(backward, lambda x: row_sums(
        x).detach(), leaf).text
    state = []

    def leaky(x):
        state.append(1)
        return row_sums(x) * len(state)

    found = verdict(leaky, row_sums)
    assert found.kind == "second_call" and "second call" in found.text


def test_in_place_contract_asks_for_the_change_and_the_same_object():
    def scale_(x):
        return x.mul_(2)

    contract = {"modifies": ("x",), "returns_argument": "x"}
    assert verdict(scale_, scale_, **contract) is None
    assert "in place" in verdict(lambda x: x * 2, scale_, **contract).text
    assert "itself" in verdict(lambda x: x.mul_(2).clone(), scale_, **contract).text


def test_values_get_the_diagnosis_and_own_explanations_come_first():
    assert "sign" in verdict(lambda x: -row_sums(x), row_sums).text
    sized = {"sizes": lambda case: {"N": 3}, "reductions": ("N",)}
    assert "mean instead of sum" in verdict(lambda x: x.mean(dim=1), row_sums, **sized).text

    def own(case, observation, reference):
        return "a property of your output"

    found = verdict(lambda x: -row_sums(x), row_sums, explanations=(own,))
    assert found.text == "a property of your output" and found.specific

    def broken(case, observation, reference):
        raise KeyError("an explanation that does not apply")

    assert "sign" in verdict(lambda x: -row_sums(x), row_sums, explanations=(broken,)).text
    plain = verdict(lambda x: row_sums(x) + torch.tensor([0.0, 7.0]), row_sums)
    assert plain.kind == "values" and not plain.specific and "at index 1" in plain.text


def test_named_tuple_items_and_nested_values():
    def pair(x):
        return row_sums(x), row_sums(x).numpy()

    found = verdict(lambda x: (row_sums(x), row_sums(x)), pair, returns=("sums", "array"))
    assert found.text == "`array` should be a NumPy array, got a tensor"
    found = verdict(lambda x: (row_sums(x), np.zeros(2, np.float32)), pair,
                    returns=("sums", "array"))
    assert found.text.startswith("`array` differs")


def test_a_case_the_solution_raises_on_expects_the_same_exception():
    def strict(x):
        if not x.is_floating_point():
            raise TypeError("needs a float tensor")
        return row_sums(x)

    def other_error(x):
        raise ValueError("wrong kind")

    integers = Case((torch.arange(6).reshape(2, 3),), "must raise TypeError")
    assert verdict(strict, strict, integers) is None  # the same exception passes
    assert verdict(lambda x: strict(x) * 1, strict, integers) is None
    returned = verdict(row_sums, strict, integers)
    assert returned.kind == "no_error"
    assert returned.text == "should raise TypeError on this input, but returned a tensor"
    raised = verdict(other_error, strict, integers)
    assert raised.kind == "raised" and "should raise TypeError" in raised.text \
        and "ValueError: wrong kind" in raised.text
    assert verdict(strict, strict) is None  # other cases are judged as before
