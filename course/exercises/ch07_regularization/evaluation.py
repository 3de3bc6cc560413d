"""Chapter 7, section 2: measuring a model's loss in evaluation mode.

A model is given by its plan and seed and built by ``build``. The explanations state properties
of what the call did (the mode the model is in afterwards, a graph built, batch norm statistics
moved, a loss equal to the training-mode one), never the answer.
"""

import math

import torch
from torch import nn

from course.check.cases import generator, integers, normal
from course.check.probe import PROBE_SEEDS
from course.check.spec import Case, Contract, Exercise
from course.check.values import show, to_plain

CHAPTER = "ch07_regularization"


# ------------------------------------------------------------------ evaluate_loss

LOSSES = {"MSELoss": nn.MSELoss, "CrossEntropyLoss": nn.CrossEntropyLoss,
          "BCEWithLogitsLoss": nn.BCEWithLogitsLoss}


def evaluation_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    seeds = integers(gen, 0, 1000, 4).tolist()
    if hidden:
        plans = (("batch norm", 4, 8, 2, 16, "CrossEntropyLoss", True),
                 ("batch norm", 4, 8, 2, 16, "CrossEntropyLoss", False),
                 ("dropout", 5, 12, 1, 1, "BCEWithLogitsLoss", True),
                 ("dropout", 2, 6, 3, 9, "MSELoss", False))
    else:
        plans = (("dropout", 3, 16, 1, 8, "MSELoss", True),
                 ("dropout", 3, 16, 1, 8, "MSELoss", False),
                 ("batch norm", 3, 6, 2, 10, "CrossEntropyLoss", True),
                 ("batch norm", 2, 4, 1, 1, "BCEWithLogitsLoss", False))
    cases = []
    for (kind, width, hidden_units, outputs, batch, loss, training), model_seed in zip(
            plans, seeds, strict=True):
        inputs = normal(gen, batch, width)  # (batch, in_features)
        if loss == "CrossEntropyLoss":
            targets = integers(gen, 0, outputs, batch)  # (batch,) class indices
        elif loss == "BCEWithLogitsLoss":
            targets = integers(gen, 0, 2, batch, outputs).float()  # (batch, outputs)
        else:
            targets = normal(gen, batch, outputs)  # (batch, outputs)
        mode = "training" if training else "evaluation"
        cases.append(Case(((kind, width, hidden_units, outputs, model_seed, training), inputs,
                           targets, loss), f"a model with {kind} in {mode} mode"))
    return cases


def make_model(plan) -> nn.Module:
    """The model a case describes, its batch norm statistics moved, in the case's mode."""
    kind, width, hidden_units, outputs, seed, training = plan
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "dropout":
            model = nn.Sequential(nn.Linear(width, hidden_units), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(hidden_units, outputs))
        else:
            model = nn.Sequential(nn.Linear(width, hidden_units), nn.BatchNorm1d(hidden_units),
                                  nn.ReLU(), nn.Dropout(0.3), nn.Linear(hidden_units, outputs))
            model(torch.randn(16, width) * 2 + 1)  # move the running statistics
    model.train(training)
    model.graph_seen = []  # filled by the hook: did a forward pass record a graph?
    model.register_forward_hook(lambda module, inputs, output: module.graph_seen.append(
        bool(output.requires_grad)))
    return model


def build_evaluation(args):
    plan, inputs, targets, loss = args
    return make_model(plan), inputs, targets, LOSSES[loss]()


def evaluation_side_effects(function, result, args, case) -> dict:
    model = args[0]
    norms = [layer for layer in model if isinstance(layer, nn.BatchNorm1d)]
    extra = {"model.training after the call": bool(model.training),
             "the layers' training flags after the call": [bool(m.training) for m in model],
             "a graph was built": any(model.graph_seen),
             "the parameters' .grad": [to_plain(p.grad) for p in model.parameters()]}
    if norms:
        extra["batch norm's running_mean after the call"] = to_plain(norms[0].running_mean)
    return extra


def in_training_mode(case, observation, reference):
    got = observation.get("value")
    plan, inputs, targets, loss = case.args
    if type(got) is not float or not plan[-1]:  # a model already in evaluation mode
        return None
    model = make_model(plan)
    model.train()
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(PROBE_SEEDS[0])
        train_loss = LOSSES[loss]()(model(inputs), targets).item()
    if not math.isclose(train_loss, reference["value"], rel_tol=1e-6) and math.isclose(
            got, train_loss, rel_tol=1e-5):
        return (f"the loss was measured with {plan[0]} in training mode"
                + (" (a random mask in every call)" if plan[0] == "dropout" else
                   " (normalised with the batch's own statistics)")
                + ": switch the model to evaluation mode first (model.eval())")
    return None


def mode_not_restored(case, observation, reference):
    label = "model.training after the call"
    got = observation.get("extra", {}).get(label)
    before = case.args[0][-1]
    if isinstance(got, bool) and got != before:
        modes = ("training", "evaluation")
        return (f"the model was in {modes[not before]} mode before the call and is in "
                f"{modes[not got]} mode after it: put it back in the mode it was in "
                "(model.train(was_training))")
    return None


def side_effects(case, observation, reference):
    extra = observation.get("extra", {})
    if extra.get("a graph was built"):
        return ("the forward pass built an autograd graph: evaluation needs no gradients; run "
                "it under torch.no_grad()")
    if any(grad is not None for grad in extra.get("the parameters' .grad", [])):
        return "evaluate_loss left gradients in the model's .grad: evaluation needs no backward"
    label = "batch norm's running_mean after the call"
    got, want = extra.get(label), reference.get("extra", {}).get(label)
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape and not torch.allclose(got, want):
        return ("evaluating changed batch norm's running_mean: the forward pass ran in "
                "training mode")
    return None


def _describe_evaluation(case) -> str:
    plan, inputs, targets, loss = case.args
    return f"a model with {plan[0]}, inputs={show(inputs)}, targets={show(targets)}, {loss}()"


EVALUATE_LOSS = Exercise(
    "evaluate_loss", CHAPTER, 2, evaluation_cases,
    Contract(params=("model", "inputs", "targets", "loss_fn"), atol=1e-6, rtol=1e-5,
             explanations=(mode_not_restored, side_effects, in_training_mode),
             second_call_hint="a loss that changes from call to call comes from dropout "
                              "left active: switch the model to evaluation mode first"),
    build=build_evaluation, observe=evaluation_side_effects, describe=_describe_evaluation)
