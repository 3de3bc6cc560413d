"""Chapter 4, sections 6.3-6.7: initialisation bounds and stds, Kaiming by hand, ``.apply``,
and a network initialised layer by layer.

Formulas are observed also with one fan doubled, so an answer that ignores a fan shows it. An
initialised weight is observed by its standard deviation (and mean) on layers large enough that
two correct answers drawing in another order agree to well under the tolerance. Explanations
compare the student's std with the expected one, never state it.
"""

import math

import torch
from torch import nn

from course.check.spec import Case, Contract, Exercise
from course.check.values import to_plain
from course.exercises.ch04_init_and_networks.modules import CHAPTER

DOUBLED = ("with fan_out doubled", "with fan_in doubled")


def _ratio(got, want) -> float | None:
    if type(got) is float and type(want) is float and want and got:
        return got / want
    return None


def fans_doubled(function, result, args, case) -> dict:
    """The answer for the shape with out_features, then in_features, doubled."""
    (fan_out, fan_in), rest = args[0], args[1:]
    return {DOUBLED[0]: to_plain(function((2 * fan_out, fan_in), *rest)),
            DOUBLED[1]: to_plain(function((fan_out, 2 * fan_in), *rest))}


def ignored_fan(case, observation, reference):
    got, extra, want = observation.get("value"), observation.get("extra", {}), reference["extra"]
    for label, fan in zip(DOUBLED, ("fan_out", "fan_in"), strict=True):
        if type(got) is float and extra.get(label) == got and want[label] != reference["value"]:
            return f"your answer does not change when {fan} doubles: it must depend on {fan}"
        if type(got) is float and extra.get(label) != got and want[label] == reference["value"]:
            return (f"your answer changes when {fan} doubles, but it must not depend on {fan} "
                    "(fan-in is weight_shape[1], fan-out weight_shape[0])")
    return None


def gain_missing(case, observation, reference):
    ratio = _ratio(observation.get("value"), reference.get("value"))
    gain = _gain(case)
    if ratio and not math.isclose(gain, 1.0) and math.isclose(ratio, 1 / gain, rel_tol=1e-4):
        return f"your value lacks the gain ({gain:.4g}): it is the gain-1 value"
    return None


def _gain(case) -> float:
    second = case.args[1] if len(case.args) > 1 else None
    if isinstance(second, str):
        return nn.init.calculate_gain(second)
    return float(second) if second is not None else 1.0


def std_not_bound(case, observation, reference):
    ratio = _ratio(observation.get("value"), reference.get("value"))
    if ratio and math.isclose(ratio, 1 / math.sqrt(3), rel_tol=1e-4):
        return ("your value is √3 times too small: U(-b, b) has std b/√3, and the bound b is "
                "asked, not the std")
    if ratio and math.isclose(ratio, math.sqrt(3), rel_tol=1e-4):
        return ("your value is √3 times too large: that is the bound b of U(-b, b); its std is "
                "b/√3")
    return None


def _shape_describe(case) -> str:
    rest = ", ".join(repr(arg) if isinstance(arg, str) else f"{arg:.4g}" for arg in case.args[1:])
    return f"weight_shape={tuple(case.args[0])}" + (f", {rest}" if rest else "")


# ------------------------------------------------------------------ xavier_uniform_bound

def xavier_cases(seed: int, hidden: bool) -> list[Case]:
    plans = (((1000, 100), 1.0), ((50, 2000), math.sqrt(2)), ((256, 256), 0.5), ((3, 1),)) \
        if hidden else (((1, 1),), ((10, 14),), ((300, 200), 5 / 3), ((4, 9), 0.5))
    return [Case((list(plan[0]), *plan[1:])) for plan in plans]


XAVIER_UNIFORM_BOUND = Exercise(
    "xavier_uniform_bound", CHAPTER, 2, xavier_cases,
    Contract(params=("weight_shape", "gain"), atol=1e-9, rtol=1e-6,
             explanations=(gain_missing, std_not_bound, ignored_fan)),
    build=lambda args: (tuple(args[0]), *args[1:]), observe=fans_doubled,
    describe=_shape_describe)


# ------------------------------------------------------------------ kaiming_normal_std

def kaiming_cases(seed: int, hidden: bool) -> list[Case]:
    plans = (((2048, 32), "relu"), ((500, 300), "tanh"), ((100, 900), "linear"),
             ((128, 64), "sigmoid")) if hidden else (
        ((64, 1024),), ((30, 30), "tanh"), ((8, 3), "relu"), ((5, 20), "linear"))
    return [Case((list(plan[0]), *plan[1:])) for plan in plans]


KAIMING_NORMAL_STD = Exercise(
    "kaiming_normal_std", CHAPTER, 2, kaiming_cases,
    Contract(params=("weight_shape", "nonlinearity"), atol=1e-9, rtol=1e-6,
             explanations=(gain_missing, std_not_bound, ignored_fan)),
    build=lambda args: (tuple(args[0]), *args[1:]), observe=fans_doubled,
    describe=_shape_describe)


# ------------------------------------------------------------------ default_linear_weight_std

def default_cases(seed: int, hidden: bool) -> list[Case]:
    return [Case((size,)) for size in ((64, 3000, 1, 7) if hidden else (1, 4, 500, 30))]


def kaiming_instead(case, observation, reference):
    ratio = _ratio(observation.get("value"), reference.get("value"))
    if ratio and math.isclose(ratio, math.sqrt(6), rel_tol=1e-4):
        return ("your value is √6 times too large: the Kaiming (ReLU) std; PyTorch's default "
                "uses kaiming_uniform_ with a = √5")
    return None


DEFAULT_LINEAR_WEIGHT_STD = Exercise(
    "default_linear_weight_std", CHAPTER, 2, default_cases,
    Contract(params=("in_features",), atol=1e-9, rtol=1e-6,
             explanations=(std_not_bound, kaiming_instead)), test_cell="test_default_linear_std")


# ------------------------------------------------------------------ kaiming_normal_from_scratch_

def scratch_cases(seed: int, hidden: bool) -> list[Case]:
    """(weight shape, nonlinearity, generator seed, as a Parameter, dtype name)."""
    plans = (((50, 12), "relu", 97, True, "float32"), ((6, 200), "linear", 98, True,
             "float32"), ((20, 8), "leaky_relu", 99, False, "float64")) if hidden else (
        ((2, 3), "relu", 1, True, "float32"), ((4, 4), "tanh", 2, False, "float32"),
        ((6, 10), "relu", 3, True, "float64"), ((20, 5), "linear", 4, True, "float32"))
    return [Case((list(shape), name, seed + int(hidden) * 1000, parameter, dtype),
                 "an nn.Parameter" if parameter else "a plain tensor")
            for shape, name, seed, parameter, dtype in plans]


def build_weight(args):
    shape, name, seed, parameter, dtype = args
    weight = torch.zeros(shape, dtype=getattr(torch, dtype))
    weight = nn.Parameter(weight) if parameter else weight
    return weight, name, torch.Generator().manual_seed(seed)


def leaf_state(function, result, args, case) -> dict:
    weight = args[0]
    return {"the weight is still a leaf that requires grad as before": bool(
        weight.grad_fn is None and weight.requires_grad == case.args[3])}


def scaled_by(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, torch.Tensor) or got.shape != want.shape or not want.any():
        return None
    ratio = float(got.double().std() / want.double().std())
    fan_out, fan_in = case.args[0]
    name = case.args[1]
    for value, text in ((math.sqrt(fan_in / fan_out), "you used weight.shape[0] (fan-out) as "
                         "the fan-in; the fan-in of an (out, in) weight is shape[1]"),
                        (1 / nn.init.calculate_gain(name), "the gain of the nonlinearity is "
                         "missing"),
                        (math.sqrt(3), "your std is √3 times too large: that is the bound of "
                         "kaiming_uniform_, not the std of kaiming_normal_")):
        if not math.isclose(value, 1.0) and math.isclose(ratio, value, rel_tol=1e-3) \
                and torch.allclose(got, want * value, atol=1e-5):
            return text
    return None


KAIMING_NORMAL_FROM_SCRATCH_ = Exercise(
    "kaiming_normal_from_scratch_", CHAPTER, 2, scratch_cases,
    Contract(params=("weight", "nonlinearity", "generator"), modifies=("weight",),
             returns_argument="weight", graph=True, atol=1e-6,
             forbidden=("torch.nn.init.kaiming_normal_", "torch.nn.init.kaiming_uniform_",
                        "torch.nn.init.normal_"),
             explanations=(scaled_by,),
             second_call_hint="draw every number from the `generator` argument "
                              "(torch.randn(..., generator=generator))"),
    build=build_weight, observe=leaf_state, test_cell="test_kaiming_from_scratch",
    describe=lambda case: (f"weight=a {tuple(case.args[0])} {case.args[4]} "
                           f"{'nn.Parameter' if case.args[3] else 'tensor'}"
                           f", nonlinearity={case.args[1]!r}, generator seeded {case.args[2]}"))
