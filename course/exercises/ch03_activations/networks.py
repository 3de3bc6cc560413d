"""Chapter 3, sections 3-5: saturation, gradients through a stack, dead units, output layers.

An activation passed as an argument is named (``"torch.sigmoid"``), a layer is given by its
weight and bias, and a network the student builds is observed as plain data: its number of
modules, the kinds of its first three, and its outputs on a fixed batch once its parameters
are set to fixed values (so the random initialisation plays no part).
"""

import torch
from torch import nn

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import Obj, show, to_plain

CHAPTER = "ch03_activations"
ACTIVATIONS = {"torch.sigmoid": torch.sigmoid, "torch.tanh": torch.tanh,
               "torch.relu": torch.relu}  # the functions gradient_through_stack is given


def _numel(case) -> dict:
    return {"N": case.args[0].numel()}


# ------------------------------------------------------------------ saturated_share

def saturation_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    grid = torch.linspace(-10, 10, 2001 if hidden else 201)  # (steps,)
    spread = 3.0 if hidden else 8.0
    cases = [Case((grid, "sigmoid")), Case((grid, "tanh")),
             Case((normal(gen, 3, 50) * spread, "sigmoid", 0.1), "threshold 0.1"),
             Case((normal(gen, 4, 5, dtype=torch.float64) * spread, "tanh", 0.05),
                  "threshold 0.05, float64"),
             Case((torch.zeros(4), "tanh"), "every input at 0"),
             Case((torch.full((2, 2), 50.0), "sigmoid"), "every input at 50")]
    if hidden:
        cases.append(Case((normal(gen, 1) * 9, "sigmoid"), "a single input"))
    return cases


def too_many_saturated(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if type(got) is not float or case.args[1] != "sigmoid" or got <= want + 0.02:
        return None
    return ("more inputs count as saturated than expected for the sigmoid: the threshold is "
            "relative to the sigmoid's steepest slope (0.25), not to 1")


SATURATED_SHARE = Exercise(
    "saturated_share", CHAPTER, 2, saturation_cases,
    Contract(params=("pre_activations", "activation", "threshold"), sizes=_numel,
             reductions=("N",), explanations=(too_many_saturated,)))


# ------------------------------------------------------------------ gradient_through_stack

def stack_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = (((2, 3), 5, "torch.tanh"), ((4,), 1, "torch.sigmoid"), ((3, 2, 2), 8,
              "torch.sigmoid"), ((5,), 3, "torch.relu")) if hidden else (
        ((1,), 1, "torch.sigmoid"), ((2, 3), 4, "torch.tanh"), ((6,), 2, "torch.relu"))
    cases = [Case((normal(gen, *shape) * 2, depth, name)) for shape, depth, name in plans]
    return cases + [
        Case((torch.linspace(-3, 3, 7), 3, "torch.sigmoid")),
        Case((torch.zeros(3), 0, "torch.sigmoid"), "depth 0: the identity"),
        Case((normal(gen, 4, dtype=torch.float64), 2, "torch.tanh"), "float64")]


def one_layer_too_many(case, observation, reference):
    x, depth, name = case.args
    got = observation.get("value")
    if depth != 0 or not isinstance(got, torch.Tensor) or got.shape != x.shape:
        return None
    leaf = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (slope,) = torch.autograd.grad(ACTIVATIONS[name](leaf).sum(), leaf)
    if torch.allclose(got, slope, atol=1e-6):
        return ("with depth 0 your result is the slope of one activation: the activation was "
                "applied depth + 1 times (off by one)")
    return None


GRADIENT_THROUGH_STACK = Exercise(
    "gradient_through_stack", CHAPTER, 2, stack_cases,
    Contract(params=("x", "depth", "activation"), atol=1e-7, rtol=1e-4, sizes=_numel,
             reductions=("N",), explanations=(one_layer_too_many,)),
    build=lambda args: (args[0], args[1], ACTIVATIONS[args[2]]),
    describe=lambda case: f"x={show(case.args[0])}, depth={case.args[1]}, "
                          f"activation={case.args[2]}")


# ------------------------------------------------------------------ dead_unit_share

def dead_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    handmade = (torch.tensor([[1.0], [1.0], [-1.0], [0.0]]), torch.tensor([0.0, -2.0, 0.0, -1.0]),
                torch.tensor([[-1.0], [1.0], [3.0]]))  # unit 1 is active only for x = 3
    plans = ((0.0, 5, 40, 200), (-1.5, 10, 30, 100), (-3.0, 20, 64, 50), (-2.0, 3, 17, 1)) \
        if hidden else ((0.0, 3, 8, 20), (-1.0, 4, 12, 30), (-1.0, 2, 6, 1), (-10.0, 2, 5, 4))
    cases = [Case(handmade, "only unit 3 is dead")]
    for bias, inputs, units, batch in plans:
        cases.append(Case((normal(gen, units, inputs) * 0.5, torch.full((units,), bias),
                           normal(gen, batch, inputs)), "a batch of one" if batch == 1 else ""))
    return cases


def build_layer(args):
    weight, bias, inputs = args
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)
    return layer, inputs


def layer_afterwards(function, result, args, case) -> dict:
    layer = args[0]
    return {"the layer's parameters after the call": [to_plain(p) for p in layer.parameters()],
            "the layer's .grad after the call": [to_plain(p.grad) for p in layer.parameters()]}


def _counted(case, observation, reference):
    """(share, expected share, units counted, units) when a wrong Python float was returned."""
    got, want = observation.get("value"), reference.get("value")
    if type(got) is not float or got == want:
        return None
    units = case.args[0].shape[0]
    return got, want, got * units, units


def entries_counted(case, observation, reference):
    found = _counted(case, observation, reference)
    if found and abs(found[2] - round(found[2])) > 1e-6:
        return (f"{found[0]:.4g} × {found[3]} units is not a whole number of units: count units "
                "(a unit is dead when its ReLU is 0 for every input), not single entries")
    return None


def active_counted(case, observation, reference):
    found = _counted(case, observation, reference)
    if found and abs(found[0] - (1 - found[1])) < 1e-9:
        return "your share is 1 minus the expected one: you counted the units that are active"
    return None


def dead_count(case, observation, reference):
    found = _counted(case, observation, reference)
    if not found or abs(found[2] - round(found[2])) > 1e-6 or abs(found[0] - (1 - found[1])) \
            < 1e-9:
        return None
    got, want, count, units = found
    if got > want:
        return (f"you counted {round(count)} of {units} units as dead, more than there are: a "
                "unit is dead only when its ReLU is 0 for EVERY input of the batch")
    return (f"you counted {round(count)} of {units} units as dead, fewer than there are: a unit "
            "is dead when its ReLU is 0 for every input (a whole column of the (batch, units) "
            "outputs)")


DEAD_UNIT_SHARE = Exercise(
    "dead_unit_share", CHAPTER, 2, dead_cases,
    Contract(params=("layer", "inputs"),
             explanations=(entries_counted, active_counted, dead_count)),
    build=build_layer, observe=layer_afterwards,
    describe=lambda case: (f"layer=nn.Linear({case.args[0].shape[1]}, {case.args[0].shape[0]})"
                           f" with bias {show(case.args[1])}, inputs={show(case.args[2])}"))


# ------------------------------------------------------------------ build_mlp

BATCH = 6  # the batch the built network is run on: not a layer size of any case


def mlp_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case(("multiclass", 5, 16, 4)), Case(("binary", 5, 3, 1)),
                Case(("regression", 5, 3, 2)), Case(("multiclass", 2, 1, 2))]
    return [Case(("binary", 4, 8, 1)), Case(("multiclass", 4, 8, 3)),
            Case(("regression", 4, 8, 1)), Case(("multiclass", 3, 5, 7)),
            Case(("regression", 3, 2, 2))]


def network_as_data(result, args):
    """A built network as plain data: module count and kinds, outputs with fixed parameters."""
    if not isinstance(result, nn.Module):
        return to_plain(result)
    gen = generator(int(sum(args[1:])))
    with torch.no_grad():
        for parameter in result.parameters():
            parameter.copy_(normal(gen, *parameter.shape).to(parameter.dtype) * 0.5)
        if parameters := list(result.parameters()):
            parameters[-1].sub_(1.0)  # the output layer's bias: scores mostly below 0
        outputs = result(normal(gen, BATCH, args[1]))  # (BATCH, in_features) in
    modules = list(result.children())
    return Obj(type(result).__name__, {
        "kinds of the first three modules": [type(module).__name__ for module in modules[:3]],
        "number of modules": len(modules),
        f"outputs on a batch of {BATCH}": to_plain(outputs)})


def unknown_task(function, result, args, case) -> dict:
    try:
        function("ranking", *args[1:])
    except Exception as error:  # noqa: BLE001 - which exception is the observation
        return {"build_mlp('ranking', ...) raises": type(error).__name__}
    return {"build_mlp('ranking', ...) raises": "nothing"}


def _outputs(observation):
    got = observation.get("value")
    if isinstance(got, Obj):
        value = got.fields.get(f"outputs on a batch of {BATCH}")
        return value if isinstance(value, torch.Tensor) and value.ndim == 2 else None
    return None


def _checked_outputs(case, observation, reference, task):
    """(outputs, expected outputs) of a built network for ``task`` with the expected shape."""
    outputs, want = _outputs(observation), _outputs(reference)
    if case.args[0] != task or outputs is None or want is None or outputs.shape != want.shape:
        return None, None
    return outputs, want


def binary_not_probabilities(case, observation, reference):
    outputs, _ = _checked_outputs(case, observation, reference, "binary")
    if outputs is not None and not bool(((outputs > 0) & (outputs < 1)).all()):
        return (f"binary outputs run from {outputs.min():.3g} to {outputs.max():.3g}: "
                "probabilities lie in (0, 1)")
    return None


def rows_not_distributions(case, observation, reference):
    outputs, _ = _checked_outputs(case, observation, reference, "multiclass")
    if outputs is None or outputs.shape[1] < 2:
        return None
    rows, columns = outputs.sum(dim=1), outputs.sum(dim=0)
    if torch.allclose(rows, torch.ones_like(rows), atol=1e-5):
        return None
    if torch.allclose(columns, torch.ones_like(columns), atol=1e-5):
        return ("each column of your output sums to 1, not each row: the softmax runs over the "
                "batch, the wrong dim (each example is a row)")
    return "the rows of your output do not sum to 1: not one distribution per example"


def clipped_regression(case, observation, reference):
    outputs, want = _checked_outputs(case, observation, reference, "regression")
    if outputs is not None and bool((outputs >= 0).all()) and want.min() < 0:
        return ("your regression outputs are never negative: an output activation clips them; "
                "a regression output must reach any real number")
    return None


def other_output_size(case, observation, reference):
    outputs, num_outputs = _outputs(observation), case.args[3]
    if outputs is not None and outputs.shape[0] == BATCH and outputs.shape[1] != num_outputs:
        return (f"your network gives {outputs.shape[1]} numbers per example, not num_outputs = "
                f"{num_outputs}: check the sizes of the last Linear")
    return None


def accepts_unknown_task(case, observation, reference):
    if observation.get("extra", {}).get("build_mlp('ranking', ...) raises") == "nothing":
        return "build_mlp('ranking', ...) returned a network: an unknown task must raise"
    return None


BUILD_MLP = Exercise(
    "build_mlp", CHAPTER, 3, mlp_cases,
    Contract(params=("task", "in_features", "hidden_features", "num_outputs"), atol=1e-5,
             explanations=(other_output_size, binary_not_probabilities, rows_not_distributions,
                           clipped_regression, accepts_unknown_task)),
    convert=network_as_data, observe=unknown_task)
