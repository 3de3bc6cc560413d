"""Chapter 4, sections 1-6.2: a linear layer by hand, modules, nn.Sequential, parameter counts.

A network the student builds is observed as plain data: its parameters' names and shapes, the
kinds of its modules, and its outputs on a fixed batch once every parameter is set to fixed
values (so the random initialisation plays no part). A class is called like a function: the
probe calls ``TwoLayerNet(3, 5, 2)`` and observes the instance.
"""

import torch
from torch import nn

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import Obj, to_plain

CHAPTER = "ch04_init_and_networks"
BATCH = 6  # the batch a built network is run on
ACTIVATION_CLASSES = {"nn.ReLU": nn.ReLU, "nn.Tanh": nn.Tanh, "nn.Sigmoid": nn.Sigmoid}


def outputs_with_fixed_parameters(model: nn.Module, in_features: int, seed: int,
                                  dtype=torch.float32) -> torch.Tensor:
    """``model``'s outputs on a fixed (BATCH, in_features) batch, parameters set by name order."""
    gen = generator(seed)
    with torch.no_grad():
        for _, parameter in sorted(model.named_parameters()):
            parameter.copy_(normal(gen, *parameter.shape).to(parameter.dtype) * 0.5)
        return model(normal(gen, BATCH, in_features).to(dtype))


def parameter_shapes(model: nn.Module) -> list:
    """[(name, shape), ...] in registration order."""
    return [(name, list(p.shape)) for name, p in model.named_parameters()]


def kinds(model: nn.Module) -> list[str]:
    return [type(module).__name__ for module in model.children()]


# ------------------------------------------------------------------ linear_forward

def linear_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 7, 3), (9, 2, 5), (4, 6, 6), (3, 5, 1)) if hidden else (
        (1, 2, 3), (6, 4, 4), (5, 3, 2), (2, 4, 1))
    cases = []
    for index, (batch, inputs, outputs) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append(Case((normal(gen, batch, inputs, dtype=dtype),
                           normal(gen, outputs, inputs, dtype=dtype),
                           normal(gen, outputs, dtype=dtype)),
                          "a batch of one" if batch == 1 else ""))
    return cases


def weight_as_in_out(case, observation, reference):
    inputs, weight, bias = case.args
    got = observation.get("value")
    if isinstance(got, torch.Tensor) and weight.shape[0] == weight.shape[1] \
            and got.shape == (inputs.shape[0], weight.shape[0]) \
            and torch.allclose(got, inputs @ weight + bias, atol=1e-5):
        return ("you used the weight as if it were stored (in, out) (a transpose is missing): "
                "row j of an nn.Linear weight holds the weights into output unit j")
    return None


def bias_missing(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    bias = case.args[2]
    if isinstance(got, torch.Tensor) and got.shape == want.shape and got.dtype == want.dtype \
            and bool(bias.abs().gt(1e-3).any()) and torch.allclose(got + bias, want, atol=1e-5):
        return "your output lacks the bias: every output unit adds its bias entry"
    return None


LINEAR_FORWARD = Exercise(
    "linear_forward", CHAPTER, 2, linear_cases,
    Contract(params=("inputs", "weight", "bias"), atol=1e-5,
             forbidden=("torch.nn.functional.linear",),
             explanations=(weight_as_in_out, bias_missing)))


# ------------------------------------------------------------------ TwoLayerNet

def two_layer_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case((1, 1, 1)), Case((10, 32, 4)), Case((7, 3, 9))]
    return [Case((1, 2, 1)), Case((3, 5, 2)), Case((4, 3, 6)), Case((2, 6, 3))]


def module_as_data(result, args):
    """A built module as plain data (see the module docstring); float64 too, after .to()."""
    if not isinstance(result, nn.Module):
        return to_plain(result)
    seed = int(sum(args))
    fields = {"parameters (name, shape)": parameter_shapes(result),
              f"outputs on a batch of {BATCH}":
                  to_plain(outputs_with_fixed_parameters(result, args[0], seed))}
    result.to(torch.float64)
    try:
        fields["outputs after .to(torch.float64)"] = to_plain(
            outputs_with_fixed_parameters(result, args[0], seed, torch.float64))
    except RuntimeError as error:  # layers .to() did not reach: an observation, not a crash
        fields["outputs after .to(torch.float64)"] = f"raised {type(error).__name__}"
    return Obj(type(result).__name__, fields)


def _outputs(observation, key=f"outputs on a batch of {BATCH}"):
    value = observation.get("value")
    if isinstance(value, Obj) and isinstance(value.fields.get(key), torch.Tensor):
        return value.fields[key]
    return None


def relu_on_output(case, observation, reference):
    got, want = _outputs(observation), _outputs(reference)
    if got is not None and got.shape == want.shape and bool((got >= 0).all()) \
            and bool((want < 0).any()):
        return ("your outputs are never negative: an activation after the output layer clips "
                "them (the output layer has none)")
    return None


def unregistered(case, observation, reference):
    got = observation.get("value")
    if isinstance(got, Obj) and got.fields.get("parameters (name, shape)") == []:
        return ("your module has no registered parameters: layers kept in a list or dict are "
                "not registered; assign each layer to an attribute (self.hidden = ...)")
    return None


TWO_LAYER_NET = Exercise(
    "TwoLayerNet", CHAPTER, 3, two_layer_cases,
    Contract(params=("in_features", "hidden_features", "out_features"), atol=1e-5,
             explanations=(unregistered, relu_on_output)),
    convert=module_as_data, test_cell="test_two_layer_net")


# ------------------------------------------------------------------ make_mlp

def mlp_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case(([5, 3],), "a single layer"), Case(([6, 5, 4, 3, 2, 1], "nn.Tanh")),
                Case(([2, 9, 2], "nn.Sigmoid"))]
    return [Case(([3, 2],), "a single layer"), Case(([4, 8, 8, 2],)),
            Case(([2, 3, 4, 5, 1], "nn.Tanh")), Case(([3, 1, 4],))]


def sequential_as_data(result, args):
    if not isinstance(result, nn.Module):
        return to_plain(result)
    modules = list(result) if isinstance(result, nn.Sequential) else list(result.children())
    activations = [m for m in modules if not isinstance(m, nn.Linear)]  # repeats included
    return Obj(type(result).__name__, {
        "kinds of its modules": [type(module).__name__ for module in modules],
        "parameters (name, shape)": parameter_shapes(result),
        "distinct activation objects": len({id(m) for m in activations}),
        f"outputs on a batch of {BATCH}": to_plain(outputs_with_fixed_parameters(
            result, args[0][0], sum(args[0])))})


def activation_at_the_end(case, observation, reference):
    got = observation.get("value")
    if isinstance(got, Obj) and got.fields.get("kinds of its modules") \
            and got.fields["kinds of its modules"][-1] != "Linear":
        return ("your network ends with an activation: the output layer (the last Linear) has "
                "none")
    return None


def shared_activation(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, Obj) and got.fields.get("kinds of its modules") == want.fields[
            "kinds of its modules"] and got.fields.get("distinct activation objects") \
            != want.fields["distinct activation objects"]:
        return ("one activation object appears in several places: create a new instance for "
                "each gap (activation())")
    return None


MAKE_MLP = Exercise(
    "make_mlp", CHAPTER, 2, mlp_cases,
    Contract(params=("layer_sizes", "activation"), atol=1e-5,
             explanations=(activation_at_the_end, shared_activation)),
    build=lambda args: (args[0], *(ACTIVATION_CLASSES[name] for name in args[1:])),
    convert=sequential_as_data)


# ------------------------------------------------------------------ count_mlp_parameters

def count_cases(seed: int, hidden: bool) -> list[Case]:
    plans = ([1, 1], [784, 256, 10], [5, 4, 3, 2, 1], [100, 1000]) if hidden else (
        [2, 1], [3, 5], [20, 64, 32, 3], [4, 4, 4, 4])
    return [Case((list(sizes),)) for sizes in plans]


def biases_missing(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if type(got) is int and got == want - sum(case.args[0][1:]):
        return "your count lacks the biases: each Linear(in, out) also has out biases"
    return None


COUNT_MLP_PARAMETERS = Exercise(
    "count_mlp_parameters", CHAPTER, 1, count_cases,
    Contract(params=("layer_sizes",), forbidden=("torch.nn.Linear.__init__",),
             explanations=(biases_missing,)), test_cell="test_count_parameters")


# ------------------------------------------------------------------ make_identity_mlp

def identity_cases(seed: int, hidden: bool) -> list[Case]:
    plans = ((1, 1), (16, 10), (2, 3)) if hidden else ((1, 2), (3, 1), (6, 3), (4, 5))
    return [Case(plan) for plan in plans]


def identity_as_data(result, args):
    if not isinstance(result, nn.Module):
        return to_plain(result)
    linears = [m for m in result if isinstance(m, nn.Linear)]  # repeats included
    gen = generator(sum(args))
    inputs = normal(gen, BATCH, args[0])  # (BATCH, num_features)
    with torch.no_grad():
        outputs = result(inputs)
    return Obj(type(result).__name__, {
        "kinds of its modules": [type(module).__name__ for module in result],
        "distinct Linear objects": len({id(m) for m in linears}),
        "weights": [to_plain(m.weight) for m in linears],
        "biases": [to_plain(m.bias) for m in linears],
        "weights require grad": [bool(m.weight.requires_grad) for m in linears],
        f"outputs on a batch of {BATCH}": to_plain(outputs)})


def biases_not_zero(case, observation, reference):
    got = observation.get("value")
    biases = got.fields.get("biases") if isinstance(got, Obj) else None
    if isinstance(biases, list) and any(isinstance(b, torch.Tensor) and bool(b.any())
                                        for b in biases):
        return ("your biases are not zero: nn.Linear starts with random biases, so they need "
                "initialising too")
    return None


def shared_linear(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, Obj) and isinstance(want, Obj) and got.type == want.type \
            and got.fields.get("distinct Linear objects", 0) < want.fields[
                "distinct Linear objects"] and got.fields.get("kinds of its modules") \
            == want.fields["kinds of its modules"]:
        return ("one nn.Linear object appears in several blocks (they share one weight): "
                "create a new nn.Linear for each block")
    return None


MAKE_IDENTITY_MLP = Exercise(
    "make_identity_mlp", CHAPTER, 1, identity_cases,
    Contract(params=("num_features", "depth"), deterministic=False,
             explanations=(shared_linear, biases_not_zero)),
    convert=identity_as_data, test_cell="test_identity_mlp")
