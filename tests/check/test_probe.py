"""course/check/probe.py: what a call did, observed as plain data, with no trace left behind."""

import torch

from course.check import wire
from course.check.probe import forbid, probe
from course.check.spec import Case, Contract, Exercise

CASE = Case((torch.tensor([1.0, 2.0, 3.0]),))


def exercise(**contract) -> Exercise:
    return Exercise("double", "ch99_test", 1, lambda seed, hidden: [CASE],
                    Contract(params=("x",), **contract))


def observe(function, **contract) -> dict:
    result = probe(exercise(**contract), function, CASE)
    wire.dumps(result.observation)  # always plain data
    return result.observation


def test_a_correct_function_returns_its_value_and_touches_nothing():
    seen = observe(lambda x: x * 2)
    assert seen["outcome"] == "returned" and torch.equal(seen["value"], torch.tensor([2.0, 4, 6]))
    assert seen["after"] == {} and seen["grads"] == {} and not seen["graph"]
    assert seen["returned"] is None and torch.equal(seen["second"]["value"], seen["value"])


def test_not_solved_raised_and_forbidden_are_told_apart():
    def stub(x):
        raise NotImplementedError()

    def broken(x):
        return x.numpyy()

    def sneaky(x):
        try:
            return torch.autograd.grad(x.sum(), x)
        except Exception:  # noqa: BLE001 - the trap must be seen even when caught
            return x

    assert observe(stub)["outcome"] == "not_solved"
    raised = probe(exercise(), broken, CASE)
    assert raised.observation["outcome"] == "raised" and raised.observation["type"] == \
        "AttributeError" and isinstance(raised.error, AttributeError)
    seen = observe(sneaky, forbidden=("torch.autograd.grad",))
    assert seen == {"outcome": "forbidden", "name": "torch.autograd.grad"}
    assert torch.autograd.grad.__name__ == "grad"  # the trap is gone afterwards


def test_trap_survives_except_exception_and_is_restored():
    calls = []
    original = torch.Tensor.backward
    with forbid(("torch.Tensor.backward",), calls):
        try:
            torch.ones(1, requires_grad=True).sum().backward()
        except Exception:  # noqa: BLE001 - ForbiddenCall is a BaseException: not caught here
            raise AssertionError("caught") from None
        except BaseException:  # noqa: BLE001
            pass
    assert calls == ["torch.Tensor.backward"] and torch.Tensor.backward is original


def test_inputs_changed_in_place_gradients_graph_and_returned_object_are_observed():
    def in_place(x):
        return x.mul_(2)

    seen = observe(in_place)
    assert torch.equal(seen["after"]["x"], torch.tensor([2.0, 4, 6])) and seen["returned"] == "x"

    def tracks(x):
        x.requires_grad_(True)
        (x * 3).sum().backward()
        return x * 2

    seen = observe(tracks)
    assert seen["graph"] and seen["grads"]["x"]["requires_grad"]
    assert not seen["grads"]["x"]["requires_grad_before"]
    assert torch.equal(seen["grads"]["x"]["grad"], torch.full((3,), 3.0))


def test_second_call_sees_state_the_first_left_and_the_global_rng_is_restored():
    calls = []

    def leaky(x):
        calls.append(1)
        return x * len(calls)

    torch.manual_seed(5)
    expected_next = torch.rand(1)
    torch.manual_seed(5)
    grad_mode = torch.is_grad_enabled()

    def noisy(x):
        torch.set_grad_enabled(False)
        return x + torch.rand(3)

    observe(noisy)
    assert torch.equal(torch.rand(1), expected_next) and torch.is_grad_enabled() == grad_mode
    seen = observe(leaky)
    assert torch.equal(seen["second"]["value"], 2 * seen["value"])
    assert "second" not in observe(lambda x: x + torch.rand(3), deterministic=False)


def test_a_stub_method_of_the_returned_object_is_not_solved_and_other_errors_raised():
    class Layer:  # a class exercise: the constructor works, forward is still the stub
        def __init__(self, scale):
            self.scale = scale

        def forward(self, x):
            raise NotImplementedError

    def uses_forward(function, result, args, case):
        return {"output": result.forward(torch.ones(2))}

    spec = Exercise("Layer", "ch99_test", 1, lambda seed, hidden: [], Contract(params=("scale",)),
                    convert=lambda result, args: {"scale": result.scale}, observe=uses_forward)
    assert probe(spec, Layer, Case((2.0,))).observation == {"outcome": "not_solved"}
    Layer.forward = lambda self, x: x.reshape(5)
    seen = probe(spec, Layer, Case((2.0,))).observation
    assert seen["outcome"] == "raised" and seen["type"] == "RuntimeError"
