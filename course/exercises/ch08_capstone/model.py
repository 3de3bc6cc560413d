"""Chapter 8, sections 4 to 6: the network, the training loop, predicting.

A built network is observed through plain data: its parameters in order, its outputs in
evaluation mode on fixed inputs, its dropout probabilities, whether two training-mode calls
differ. A model passed in is given by its plan and seed and built by ``build``. The explanations
state properties of what the call returned or did, never the answer.
"""

import math

import torch
from torch import nn

from course.check.cases import generator, integers, normal
from course.check.probe import PROBE_SEEDS, fresh
from course.check.spec import Case, Contract, Exercise
from course.check.values import show, to_plain

CHAPTER = "ch08_capstone"


def _inputs(width: int, rows: int = 5) -> torch.Tensor:
    return torch.randn(rows, width, generator=torch.Generator().manual_seed(99))  # (rows, width)


# ------------------------------------------------------------------ make_model

def model_cases(seed: int, hidden: bool) -> list[Case]:
    plans = ((20, 32, 4, 0.3), (7, 5, 3, 0.5), (1, 2, 2, 0.1)) if hidden else (
        (3, 4, 2, 0.5), (20, 32, 4, 0.2), (6, 1, 3, 0.0), (2, 9, 1, 0.9))
    return [Case(plan) for plan in plans]


def observed_network(result, args) -> dict:
    """A network as plain data: its parameters, eval outputs, dropout p, softmax rows."""
    if not isinstance(result, nn.Module):
        return {"the result": to_plain(result)}
    num_features = args[0]
    was_training = result.training
    result.eval()
    with torch.no_grad():
        outputs = result(_inputs(num_features))  # (5, classes)
        result.train()
        twice = [result(_inputs(num_features, 64)) for _ in range(2)]
    result.train(was_training)
    return {"parameters in order": [to_plain(p) for p in result.parameters()],
            "dropout probabilities": [m.p for m in result.modules() if isinstance(m, nn.Dropout)],
            "outputs in evaluation mode": to_plain(outputs),
            "two training-mode calls differ": not torch.equal(*twice)}


def network_findings(case, observation, reference):
    got, want = observation.get("value"), reference["value"]
    if "the result" in got:
        return "should return an nn.Module (nn.Sequential is fine)"
    shapes = [tuple(p.shape) for p in got["parameters in order"]]
    if shapes != [tuple(p.shape) for p in want["parameters in order"]]:
        return (f"the parameters have the shapes {shapes}: Linear(num_features, hidden_size), "
                "Linear(hidden_size, hidden_size), Linear(hidden_size, num_classes), each "
                "with a bias, created in this order")
    if got["dropout probabilities"] != want["dropout probabilities"]:
        return (f"the network's dropout layers have p = {got['dropout probabilities']}: two "
                "nn.Dropout(dropout) layers, one after each hidden ReLU")
    if not all(torch.equal(a, b) for a, b in zip(got["parameters in order"],
                                                  want["parameters in order"], strict=True)):
        return ("the initial weights differ from layers created first to last with PyTorch's "
                "default initialisation: create each layer once, in the order of the stack")
    outputs = got["outputs in evaluation mode"]
    if isinstance(outputs, torch.Tensor) and torch.allclose(outputs.sum(dim=1),
                                                           torch.ones(len(outputs))):
        return ("every output row sums to 1: those are probabilities, not logits; "
                "nn.CrossEntropyLoss applies log-softmax itself, remove the softmax")
    if isinstance(outputs, torch.Tensor) and bool((outputs >= 0).all()) and bool(
            (reference["value"]["outputs in evaluation mode"] < 0).any()):
        return "no output is negative: the network ends in a ReLU; the last layer is a Linear"
    return None


MAKE_MODEL = Exercise(
    "make_model", CHAPTER, 2, model_cases,
    Contract(params=("num_features", "hidden_size", "num_classes", "dropout"), atol=1e-6,
             explanations=(network_findings,), deterministic=False),
    convert=observed_network)


# ------------------------------------------------------------------ train_model

def training_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((96, 6, 3, 32, 3, 0.02, True, True), (50, 4, 2, 16, 2, 0.05, False, True),
             (33, 5, 4, 33, 2, 0.01, True, False)) if hidden else (
        (8, 3, 2, 4, 1, 0.1, False, True), (10, 2, 3, 4, 2, 0.05, True, True),
        (40, 5, 4, 16, 3, 0.02, True, False), (64, 4, 3, 64, 2, 0.01, False, False))
    cases = []
    for rows, width, classes, batch, epochs, rate, eval_first, dropout in plans:
        features = normal(gen, rows, width)  # (rows, width), already standardised
        labels = integers(gen, 0, classes, rows)  # (rows,) int64
        seeds = integers(gen, 0, 1000, 2).tolist()
        cases.append(Case((features, labels, epochs, batch, rate, seeds[0],
                           (classes, dropout, eval_first, seeds[1])),
                          "the model starts in evaluation mode" if eval_first else ""))
    return cases


def training_network(width: int, plan) -> nn.Module:
    classes, dropout, eval_first, seed = plan
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layers = [nn.Linear(width, 8), nn.ReLU()] + ([nn.Dropout(0.3)] if dropout else [])
        model = nn.Sequential(*layers, nn.Linear(8, classes))
    model.train(not eval_first)
    return model


def build_training(args):
    features, labels, epochs, batch, rate, seed, plan = args
    return training_network(features.shape[1], plan), features, labels, epochs, batch, rate, seed


def trained_state(function, result, args, case) -> dict:
    model = args[0]
    extra = {"the model's parameters after training": [to_plain(p) for p in model.parameters()],
             "the model is in training mode after the call": bool(model.training)}
    if not case.args[-1][1]:  # without dropout only the DataLoader's order draws numbers
        torch.manual_seed(PROBE_SEEDS[1])
        again = function(*build_training(tuple(fresh(arg) for arg in case.args)))
        extra["another global random state gives the same losses"] = to_plain(again) == \
            to_plain(result)
    return extra


def training_findings(case, observation, reference):
    extra, want = observation.get("extra", {}), reference.get("extra", {})
    label = "the model is in training mode after the call"
    if extra.get(label) is False and want.get(label):
        return ("the model stayed in evaluation mode: call model.train() before training, or "
                "dropout stays switched off")
    if extra.get("another global random state gives the same losses") is False:
        return ("the batch order depends on the global random state: give the DataLoader its "
                "own generator, torch.Generator().manual_seed(seed)")
    got = observation.get("value")
    if isinstance(got, list) and got and all(isinstance(v, torch.Tensor) for v in got):
        return "each epoch loss should be a Python float: accumulate loss.item(), not the tensor"
    features, labels, epochs, batch, rate, seed, plan = case.args
    initial = [p.detach() for p in training_network(features.shape[1], plan).parameters()]
    after = extra.get("the model's parameters after training")
    if isinstance(after, list) and epochs and all(
            torch.equal(a, b) for a, b in zip(after, initial, strict=True)):
        return "the model's parameters did not change: call optimizer.step() after backward()"
    trained = want.get("the model's parameters after training")
    if isinstance(after, list) and len(after) == len(trained) and all(
            a.shape == b.shape and torch.allclose(a, b, atol=1e-6)
            for a, b in zip(after, trained, strict=True)):
        return ("the model trained as expected but the epoch losses differ: weight each "
                "batch's loss.item() by its number of rows (the last batch can be smaller) and "
                "divide the sum by the number of rows")
    return None


def _describe_training(case) -> str:
    features, labels, epochs, batch, rate, seed, plan = case.args
    return (f"{'a dropout' if plan[1] else 'an'} MLP, features={show(features)}, "
            f"labels={show(labels)}, num_epochs={epochs}, batch_size={batch}, "
            f"learning_rate={rate}, seed={seed}")


TRAIN_MODEL = Exercise(
    "train_model", CHAPTER, 3, training_cases,
    Contract(params=("model", "features", "labels", "num_epochs", "batch_size", "learning_rate",
                     "seed"), atol=1e-5, rtol=1e-4,
             sizes=lambda case: {"the number of batches":
                                 math.ceil(len(case.args[0]) / case.args[3])},
             reductions=("the number of batches",), explanations=(training_findings,),
             deterministic=False),  # dropout masks come from the global generator
    build=build_training, observe=trained_state, describe=_describe_training)


# ------------------------------------------------------------------ predict

def predict_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((40, 5, 3, 0.7), (1, 6, 4, 0.5), (9, 2, 2, 0.3)) if hidden else (
        (1, 3, 2, 0.5), (6, 20, 4, 0.5), (5, 4, 5, 0.3), (12, 3, 3, 0.6))
    return [Case(((width, classes, dropout, int(integers(gen, 0, 1000, 1))),
                  normal(gen, rows, width)), "a single row" if rows == 1 else "")
            for rows, width, classes, dropout in plans]


def build_predict(args):
    (width, classes, dropout, seed), features = args
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(width, 16), nn.ReLU(), nn.Dropout(dropout),
                              nn.Linear(16, classes))
    model.train()  # as right after training
    model.graph_seen = []  # filled by the hook: did a forward pass record a graph?
    model.register_forward_hook(lambda module, inputs, output: module.graph_seen.append(
        bool(output.requires_grad)))
    return model, features


def predict_side_effects(function, result, args, case) -> dict:
    model = args[0]
    return {"the model is in evaluation mode after the call": not model.training,
            "a graph was built": any(model.graph_seen)}


def predict_findings(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    (width, classes, _, _), features = case.args
    if isinstance(got, torch.Tensor) and got.shape == (classes,) and len(features) != classes:
        return (f"returned one index per class (shape ({classes},)): the argmax ran over the "
                "rows, dim=0; take it over the class dimension, dim=1")
    if isinstance(got, torch.Tensor) and got.is_floating_point() and got.shape == want.shape:
        return "returned float values: the class of each row is the argmax of its logits"
    extra = observation.get("extra", {})
    if extra.get("a graph was built"):
        return ("the forward pass recorded an autograd graph: predict under torch.no_grad()")
    if extra.get("the model is in evaluation mode after the call") is False:
        return "the model was left in training mode: call model.eval() before predicting"
    return None


PREDICT = Exercise(
    "predict", CHAPTER, 2, predict_cases,
    Contract(params=("model", "features"), explanations=(predict_findings,),
             second_call_hint="dropout is still active: call model.eval() before predicting"),
    build=build_predict, observe=predict_side_effects,
    describe=lambda case: (f"a dropout MLP {case.args[0][0]} -> {case.args[0][1]} classes in "
                           f"training mode, features={show(case.args[1])}"))
