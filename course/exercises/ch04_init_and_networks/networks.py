"""Chapter 4, sections 6.7-8: ``.apply``, a network initialised layer by layer, symmetric units
and activation statistics with forward hooks.

A model given to the student's code is plain data: a list of layer descriptions
(``["Linear", 3, 4]``, ``["ReLU"]``, ``["Block", [...]]`` for a nested ``nn.Sequential``) and a
seed for its parameters. Initialised weights are observed by their standard deviation, compared
within 2 %; explanations compare it with the expected one or with a named mistake's value.
"""

import math

import torch
from torch import nn

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import Obj, to_plain
from course.exercises.ch04_init_and_networks.modules import (
    BATCH,
    CHAPTER,
    outputs_with_fixed_parameters,
    parameter_shapes,
)

KINDS = {"ReLU": nn.ReLU, "Tanh": nn.Tanh, "Linear": nn.Linear, "LayerNorm": nn.LayerNorm}
LARGE = 20_000  # a weight's std is observed when it has at least this many entries


def build_model(layers: list, seed: int | None = None) -> nn.Sequential:
    """An nn.Sequential from layer descriptions; parameters fixed by ``seed`` when given."""
    modules = []
    for kind, *sizes in layers:
        if kind == "Block":
            modules.append(build_model(sizes[0]))
        elif kind == "Linear":
            modules.append(nn.Linear(sizes[0], sizes[1], bias=sizes[2] if len(sizes) > 2
                                     else True))
        else:
            modules.append(KINDS[kind](*sizes))
    model = nn.Sequential(*modules)
    if seed is not None:
        gen = generator(seed)
        with torch.no_grad():
            for _, parameter in sorted(model.named_parameters()):
                parameter.copy_(normal(gen, *parameter.shape) * 0.4)
    return model


def _describe_layers(layers: list) -> str:
    parts = []
    for kind, *sizes in layers:
        if kind == "Block":
            parts.append(f"Sequential({_describe_layers(sizes[0])})")
        else:
            parts.append(f"{kind}({', '.join(str(s) for s in sizes)})")
    return ", ".join(parts)


def _std(tensor) -> float:
    return float(tensor.detach().double().std())


# ------------------------------------------------------------------ init_for_relu

def relu_init_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case(([["Linear", 300, 50], ["LayerNorm", 50], ["Linear", 50, 500, False]],),
                     "a LayerNorm and a Linear without bias"),
                Case(([["Linear", 20, 80], ["ReLU"], ["Linear", 80, 10]],)),
                Case(([["Block", [["Linear", 40, 20], ["ReLU"]]], ["Linear", 20, 60]],),
                     "a nested block")]
    return [Case(([["Linear", 8, 4], ["ReLU"], ["Linear", 4, 2]],)),
            Case(([["Linear", 256, 64], ["ReLU"], ["Linear", 64, 128], ["ReLU"],
                   ["Linear", 128, 10]],)),
            Case(([["Linear", 100, 30, False], ["LayerNorm", 30], ["Linear", 30, 120]],),
                 "a Linear without bias and a LayerNorm"),
            Case(([["Block", [["Linear", 50, 10], ["ReLU"]]], ["Linear", 10, 40]],),
                 "a nested block")]


def after_apply(function, result, args, case) -> dict:
    """Run ``model.apply(function)`` and describe every layer afterwards."""
    model = args[0]
    model.apply(function)
    layers = []
    for module in model.modules():
        if isinstance(module, nn.Linear):
            bias = "none" if module.bias is None else (
                "zero" if not module.bias.detach().any() else "not zero")
            layers.append({"weight std": _std(module.weight), "bias": bias})
        elif isinstance(module, nn.LayerNorm):
            layers.append({"LayerNorm unchanged": bool(
                module.weight.detach().eq(1).all() and not module.bias.detach().any())})
    return {"the layers after model.apply(init_for_relu)": layers}


def _layer_ratios(case, observation, reference):
    """(ratio of weight stds, fan_in, fan_out) of each Linear, or None."""
    label = "the layers after model.apply(init_for_relu)"
    got = observation.get("extra", {}).get(label)
    want = reference["extra"][label]
    model = build_model(case.args[0])
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not isinstance(got, list) or len(got) != len(want):
        return None
    pairs = [(g, w) for g, w in zip(got, want, strict=True) if "weight std" in w]
    return [(g.get("weight std", 0.0) / w["weight std"], m.in_features, m.out_features)
            for (g, w), m in zip(pairs, linears, strict=True)]


def relu_std_off(case, observation, reference):
    ratios = _layer_ratios(case, observation, reference)
    for ratio, fan_in, fan_out in ratios or []:
        if fan_in != fan_out and math.isclose(ratio, math.sqrt(fan_in / fan_out), rel_tol=0.03):
            return ("your weight std follows fan_out (mode='fan_out'); Kaiming for the forward "
                    "pass uses the fan-in")
        if math.isclose(ratio, 1 / math.sqrt(2), rel_tol=0.03):
            return "your weight std is √2 times too small: the ReLU gain √2 is missing"
        if math.isclose(ratio, 1 / math.sqrt(6), rel_tol=0.03):
            return "the weights still have PyTorch's default init (std √6 times below Kaiming)"
    return None


def other_module_changed(case, observation, reference):
    label = "the layers after model.apply(init_for_relu)"
    got = observation.get("extra", {}).get(label) or []
    if any(layer.get("LayerNorm unchanged") is False for layer in got):
        return "your function changed a LayerNorm: only nn.Linear layers should change"
    if any(layer.get("bias") == "not zero" for layer in got):
        return "a Linear's bias is not zero after model.apply(init_for_relu)"
    return None


INIT_FOR_RELU = Exercise(
    "init_for_relu", CHAPTER, 2, relu_init_cases,
    Contract(params=("module",), atol=1e-6, rtol=0.02, deterministic=False,
             explanations=(other_module_changed, relu_std_off)),
    build=lambda args: (build_model(args[0]),), observe=after_apply,
    describe=lambda case: f"module=nn.Sequential({_describe_layers(case.args[0])})")


# ------------------------------------------------------------------ TanhReluNet

def tanh_relu_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        return [Case((300, 100, 250, 10)), Case((1, 2, 3, 1)), Case((150, 200, 120, 2))]
    return [Case((2, 3, 1, 1)), Case((3, 4, 5, 2)), Case((200, 150, 250, 3)),
            Case((120, 300, 100, 4))]


def tanh_relu_as_data(result, args):
    if not isinstance(result, nn.Module):
        return to_plain(result)
    fields = {"parameters (name, shape)": parameter_shapes(result)}
    large = args[0] * args[1] >= LARGE  # large layers: their init; small ones: their outputs
    for name in ("hidden1", "hidden2"):
        layer = getattr(result, name, None)
        if isinstance(layer, nn.Linear):
            if large:
                fields[f"std of {name}.weight"] = _std(layer.weight)
            fields[f"{name}.bias is zero"] = bool(not layer.bias.detach().any())
    if not large:
        fields[f"outputs on a batch of {BATCH}"] = to_plain(
            outputs_with_fixed_parameters(result, args[0], int(sum(args))))
    return Obj(type(result).__name__, fields)


def softmax_at_the_end(case, observation, reference):
    got = observation.get("value")
    outputs = got.fields.get(f"outputs on a batch of {BATCH}") if isinstance(got, Obj) else None
    if isinstance(outputs, torch.Tensor) and outputs.ndim == 2 and outputs.shape[1] > 1 \
            and torch.allclose(outputs.sum(dim=1), torch.ones(len(outputs)), atol=1e-5):
        return ("each row of your outputs sums to 1: probabilities, but raw scores are asked "
                "(no activation after the output layer)")
    return None


def hidden_std_off(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, Obj) or not isinstance(want, Obj):
        return None
    in_features, hidden1, hidden2, _ = case.args
    fan_ins = {"hidden1": in_features, "hidden2": hidden1}
    for name, fan_in in fan_ins.items():
        g, w = got.fields.get(f"std of {name}.weight"), want.fields.get(f"std of {name}.weight")
        if g is None or w is None or math.isclose(g, w, rel_tol=0.02):
            continue
        if math.isclose(g, 1 / math.sqrt(3 * fan_in), rel_tol=0.03):
            return f"{name} still has PyTorch's default init"
        if name == "hidden1" and math.isclose(g / w, 3 / 5, rel_tol=0.03):
            return "hidden1's std is 3/5 of the expected one: the tanh gain (5/3) is missing"
        if name == "hidden1" and math.isclose(g, math.sqrt(2 / fan_in), rel_tol=0.03):
            return "hidden1 has Kaiming (ReLU) weights; it feeds a tanh: Xavier with the tanh gain"
        if name == "hidden2" and fan_in != hidden2 and math.isclose(
                g, math.sqrt(2 / hidden2), rel_tol=0.03):
            return "hidden2's std follows its fan-out; Kaiming for the forward pass uses fan-in"
        if name == "hidden2" and not math.isclose(g, math.sqrt(2 / fan_in), rel_tol=0.03) \
                and g < w:
            return f"hidden2's weight std is {g / w:.2f} of the expected one (Kaiming for ReLU?)"
    return None


TANH_RELU_NET = Exercise(
    "TanhReluNet", CHAPTER, 2, tanh_relu_cases,
    Contract(params=("in_features", "hidden1_features", "hidden2_features", "out_features"),
             atol=1e-5, rtol=0.025, deterministic=False,
             explanations=(softmax_at_the_end, hidden_std_off)),
    convert=tanh_relu_as_data, test_cell="test_tanh_relu_net")


# ------------------------------------------------------------------ count_distinct_units

def distinct_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    rows = torch.tensor([[1.0, 2.0, 0.0, 5.0, 7.0, 9.0]] * 5)  # (5 units, 6 inputs)
    rows[3, :2] = torch.tensor([3.0, 4.0])  # unit 3 differs
    rows[4, 1] += 5e-7  # unit 4 is unit 0 within atol = 1e-6
    biases = torch.tensor([0.0, 0.5, 0.0, 0.0, 0.0])
    same = torch.full((4, 3), 0.3)
    cases = [Case((rows, biases), "units 0 and 1 differ only in their bias"),
             Case((rows, biases, 1.0), "atol = 1"),
             Case((same, torch.full((4,), 0.3)), "every unit equal"),
             Case((normal(gen, 4, 3), normal(gen, 4)), "a random layer")]
    if hidden:
        cases += [Case((normal(gen, 64, 3), normal(gen, 64))),
                  Case((same[:1], torch.zeros(1)), "a single unit")]
    return cases


def build_linear(args):
    weight, bias, *rest = args
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)
    return (layer, *rest)


def distinct_mistake(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if type(got) is not int or got == want:
        return None
    weight = case.args[0]
    if got == weight.shape[1] and weight.shape[0] != weight.shape[1]:
        return (f"your count equals in_features ({got}): a unit is a ROW of the "
                "(out_features, in_features) weight, not a column")
    if "bias" in case.note and got < want:
        return ("you counted too few units: a unit is its weight row AND its bias entry; units "
                "with equal rows but different biases differ")
    if got > want:
        return (f"you counted {got} distinct units, more than there are: units whose numbers "
                "differ by at most atol are the same")
    return None


COUNT_DISTINCT_UNITS = Exercise(
    "count_distinct_units", CHAPTER, 2, distinct_cases,
    Contract(params=("layer", "atol"), explanations=(distinct_mistake,)),
    build=build_linear,
    describe=lambda case: (f"layer=nn.Linear({case.args[0].shape[1]}, {case.args[0].shape[0]})"
                           + (f", atol={case.args[2]}" if len(case.args) > 2 else "")))


# ------------------------------------------------------------------ activation_stds

def stds_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    tanh_net = [["Linear", 20, 30], ["Tanh"], ["Linear", 30, 30], ["Tanh"], ["Linear", 30, 5]]
    relu_net = [["Linear", 10, 40], ["ReLU"], ["Linear", 40, 40], ["ReLU"], ["Linear", 40, 3]]
    nested = [["Block", [["Linear", 6, 8], ["Tanh"]]], ["Linear", 8, 8], ["Tanh"],
              ["Linear", 8, 2]]
    if hidden:
        return [Case((relu_net, 11, normal(gen, 32, 10), "ReLU")),
                Case((relu_net, 12, normal(gen, 32, 10), "Linear")),
                Case((nested, 13, normal(gen, 5, 6), "Tanh"), "nested blocks")]
    return [Case((tanh_net, 1, normal(gen, 16, 20))),
            Case((relu_net, 2, normal(gen, 8, 10), "ReLU")),
            Case((relu_net, 3, normal(gen, 1 + 3, 10), "Linear")),
            Case((nested, 4, normal(gen, 4, 6), "Tanh"), "nested blocks")]


def hooks_left(function, result, args, case) -> dict:
    model = args[0]
    return {"forward hooks left on the model": sum(len(m._forward_hooks)
                                                   for m in model.modules())}


def hooks_remain(case, observation, reference):
    if observation.get("extra", {}).get("forward hooks left on the model"):
        return ("hooks are still registered after activation_stds returned: keep the handles "
                "of register_forward_hook and call handle.remove()")
    return None


def nested_missed(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if "nested" in case.note and isinstance(got, torch.Tensor) and got.ndim == 1 \
            and got.shape[0] < want.shape[0]:
        return ("you found fewer watched layers than there are: the ones inside nested blocks "
                "count too (model.modules() visits them, model.children() does not)")
    return None


ACTIVATION_STDS = Exercise(
    "activation_stds", CHAPTER, 3, stds_cases,
    Contract(params=("model", "inputs", "layer_type"), atol=1e-6,
             explanations=(hooks_remain, nested_missed)),
    build=lambda args: (build_model(args[0], args[1]), args[2],
                        *(KINDS[name] for name in args[3:])),
    observe=hooks_left,
    describe=lambda case: (f"model=nn.Sequential({_describe_layers(case.args[0])}), inputs=a "
                           f"{tuple(case.args[2].shape)} tensor"
                           + (f", layer_type=nn.{case.args[3]}" if len(case.args) > 3 else "")))
