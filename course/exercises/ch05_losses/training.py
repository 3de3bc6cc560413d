"""Chapter 5, gradients and training: ``linear_mse_gradients``, ``manual_sgd_step`` and
``task_loss``. A model is given by its layer sizes and a seed; the probe returns its
parameters as plain data."""

import torch
from torch import nn
from torch.nn import functional

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import show, to_plain
from course.exercises.ch05_losses.shared import CHAPTER, DETACHED, close, gradient, raised, tensors

BY_HAND = ("torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad")


# ------------------------------------------------------------------ linear_mse_gradients

def linear_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 1, 1), (10, 3, 4), (7, 5, 1), (3, 2, 2)) if hidden else (
        (4, 3, 1), (6, 4, 2), (1, 2, 3), (4, 3, 3), (5, 1, 1))
    cases = []
    for index, (count, inputs, outputs) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append(Case((normal(gen, count, inputs, dtype=dtype),
                           normal(gen, count, outputs, dtype=dtype),
                           normal(gen, outputs, inputs, dtype=dtype),
                           normal(gen, outputs, dtype=dtype)), "N = 1" if count == 1 else ""))
    return cases


LINEAR_MSE_GRADIENTS = Exercise(
    "linear_mse_gradients", CHAPTER, 3, linear_cases,
    Contract(params=("inputs", "targets", "weight", "bias"),
             returns=("grad_weight", "grad_bias"), atol=1e-5, forbidden=BY_HAND,
             sizes=lambda case: {"N": len(case.args[0]), "out_features": case.args[1].shape[1],
                                 "(N·out_features)": case.args[1].numel()},
             reductions=("(N·out_features)", "N")))


# ------------------------------------------------------------------ manual_sgd_step

AFTER = "after one step: the parameters"  # the judge compares these in sorted order
SECOND_LOSS = "after two steps: the loss the second step returned"
AFTER_SECOND = "after two steps: the parameters"


def sgd_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((8, (4, 5, 2), 0.05, True), (3, (2, 5, 3), 0.3, True), (1, (3, 1), 0.1, False),
             (6, (2, 2), 0.2, True)) if hidden else (
        (4, (3, 1), 0.1, False), (4, (3, 1), 0.1, True), (1, (2, 2), 0.5, False),
        (5, (2, 3, 1), 0.2, True))
    cases = []
    for count, sizes, rate, stale in plans:
        cases.append(Case((sizes, int(integers(gen, 0, 1000, 1)), normal(gen, count, sizes[0]),
                           normal(gen, count, sizes[-1]), rate, stale),
                          "stale gradients in .grad" if stale else ""))
    return cases


def build_model(args):
    """(model, inputs, targets, learning_rate): a seeded Linear or Linear-Tanh-Linear."""
    sizes, seed, inputs, targets, rate, stale = args
    torch.default_generator.manual_seed(seed)  # nn.Linear draws its initial values here
    layers = [nn.Linear(sizes[0], sizes[1])]
    if len(sizes) == 3:
        layers += [nn.Tanh(), nn.Linear(sizes[1], sizes[2])]
    model = layers[0] if len(layers) == 1 else nn.Sequential(*layers)
    if stale:  # gradients left by earlier work, as after any backward()
        nn.MSELoss()(model(inputs) * 3, targets).backward()
    return model, inputs, targets, rate


def _parameters(model) -> dict:
    return {name: to_plain(value) for name, value in model.state_dict().items()}


def _two_steps(function, result, args, case) -> dict:
    model, inputs, targets, rate = args
    after = _parameters(model)
    return {AFTER: after, SECOND_LOSS: function(model, inputs, targets, rate),
            AFTER_SECOND: _parameters(model)}


def _moves(case, observation, reference):
    """(start, the student's step, the expected step) per parameter name, or None."""
    after, expected = observation.get("extra", {}).get(AFTER), reference["extra"][AFTER]
    if not isinstance(after, dict) or after.keys() != expected.keys():
        return None
    start = _parameters(build_model(case.args)[0])
    return {name: (start[name], after[name] - start[name], expected[name] - start[name])
            for name in start}


def unchanged(case, observation, reference):
    moves = _moves(case, observation, reference)
    if not moves:
        return None
    still = [name for name, (_, step, wanted) in moves.items()
             if not bool(step.any()) and bool(wanted.any())]
    if len(still) == len(moves):
        return ("the model's parameters did not change: update them in place under "
                "torch.no_grad() (p -= learning_rate * p.grad, not p = p - ...)")
    if still:
        return (f"{', '.join(still)} did not change: every parameter of the model takes the "
                "step, those of nested layers too (model.parameters())")
    return None


def climbed(case, observation, reference):
    moves = _moves(case, observation, reference)
    if moves and all(close(step, -wanted, 1e-6) for _, step, wanted in moves.values()) \
            and any(bool(wanted.abs().gt(1e-6).any()) for _, _, wanted in moves.values()):
        return ("the parameters moved up the gradient (flipped sign): gradient descent "
                "subtracts, p -= learning_rate * p.grad")
    return None


def stale_gradients_used(case, observation, reference):
    moves = _moves(case, observation, reference)
    if not moves or not case.args[5]:
        return None
    model = build_model(case.args)[0]
    stale = {name: -case.args[4] * p.grad for name, p in model.named_parameters()}
    if all(close(step, wanted + stale[name], 1e-6) for name, (_, step, wanted) in moves.items()):
        return ("the step also used the gradients already in .grad before the call: clear them "
                "first (p.grad = None or model.zero_grad()); backward() adds to .grad")
    return None


def loss_after_update(case, observation, reference):
    got, later = observation.get("value"), reference["extra"][SECOND_LOSS]
    if isinstance(got, float) and abs(got - reference["value"]) > 1e-6 \
            and abs(got - later) < 1e-6:
        return ("the returned loss is the loss after the update: return the loss computed "
                "before it (loss.item() of the forward pass that the step used)")
    return None


def _describe_sgd(case) -> str:
    sizes, _, inputs, targets, rate, stale = case.args
    model = f"nn.Linear({sizes[0]}, {sizes[1]})" if len(sizes) == 2 else (
        f"Linear({sizes[0]}, {sizes[1]})-Tanh-Linear({sizes[1]}, {sizes[2]})")
    return (f"model={model}{' with stale .grad' if stale else ''}, inputs={show(inputs)}, "
            f"targets={show(targets)}, learning_rate={rate}")


MANUAL_SGD_STEP = Exercise(
    "manual_sgd_step", CHAPTER, 3, sgd_cases,
    Contract(params=("model", "inputs", "targets", "learning_rate"), atol=1e-6,
             forbidden=("torch.optim.Optimizer.__init__",),
             explanations=(unchanged, climbed, stale_gradients_used, loss_after_update)),
    build=build_model, observe=_two_steps, describe=_describe_sgd)


# ------------------------------------------------------------------ task_loss

OUTPUT_GRADIENT = "d loss / d outputs"
UNKNOWN = "with task='ranking'"


def task_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    rows = 9 if hidden else 6
    real = normal(gen, rows) * 2  # (rows,): one target per sample, as in a table
    real[0] = 12.0  # an outlier
    logits = normal(gen, rows, 1) * 3
    logits[:2, 0] = torch.tensor([40.0, -40.0])  # sigmoid(40) rounds to exactly 1 in float32
    yes_no = integers(gen, 0, 2, rows)
    yes_no[:2] = torch.tensor([0, 1])  # label 0 where sigmoid says 1: BCELoss clamps at 100
    classes = normal(gen, rows, 4) * 2  # (rows, 4) logits
    cases = [
        Case(("regression", normal(gen, rows, 1), real), "labels (N,)"),
        Case(("robust_regression", normal(gen, rows, 1), real), "an outlier among the labels"),
        Case(("regression", normal(gen, rows, 1, dtype=torch.float64), real),
             "float64 outputs, float32 labels"),
        Case(("binary", logits, yes_no), "int64 labels (N,), logits of ±40"),
        Case(("multiclass", classes, integers(gen, 0, 4, rows, 1).float()),
             "float labels (N, 1)"),
        Case(("multilabel", normal(gen, rows, 3), integers(gen, 0, 2, rows, 3)),
             "int64 labels (N, C)"),
        Case(("binary", normal(gen, 1, 1), torch.tensor([True])), "N = 1, bool labels"),
    ]
    if hidden:
        cases += [Case(("multiclass", normal(gen, 1, 5), torch.tensor([3], dtype=torch.int32)),
                       "N = 1, int32 labels"),
                  Case(("multilabel", normal(gen, 4, 5), integers(gen, 0, 2, 4, 5)
                        .to(torch.uint8)), "uint8 labels")]
    return cases


def _task_extras(function, result, args, case) -> dict:
    task, outputs, labels = args
    return {OUTPUT_GRADIENT: gradient(function, (task, outputs, labels.clone()), 1),
            UNKNOWN: raised(lambda: function("ranking", outputs, labels.clone()))}


def _floats(case, observation, reference):
    got, want = tensors(observation, reference)
    if got is None or got.ndim or close(got, want):
        return None
    task, outputs, labels = case.args
    return task, outputs.double(), labels.double(), got.double()


def every_pair(case, observation, reference):
    found = _floats(case, observation, reference)
    if found is None or found[0] != "regression" or found[2].ndim != 1 or len(found[2]) < 2:
        return None
    _, outputs, labels, got = found
    if close(got, ((outputs - labels) ** 2).mean()):
        return ("your loss compares every output with every label: outputs (N, 1) against "
                "labels (N,) broadcast to (N, N); give the labels the outputs' shape (a missing "
                "size-1 dimension)")
    return None


def plain_mse(case, observation, reference):
    found = _floats(case, observation, reference)
    if found is None or found[0] != "robust_regression":
        return None
    _, outputs, labels, got = found
    if close(got, functional.mse_loss(outputs, labels.reshape(outputs.shape))):
        return ("your robust loss is the plain MSE, which the outlier dominates: with outliers "
                "the table says nn.HuberLoss(delta=1.0)")
    return None


def single_column_softmax(case, observation, reference):
    found = _floats(case, observation, reference)
    if found is None or found[0] != "binary" or found[1].shape[1] != 1:
        return None
    if close(found[3], torch.zeros_like(found[3]), 1e-7):
        return ("your loss is 0: a softmax over a single output column is always 1, so "
                "nn.CrossEntropyLoss learns nothing; a yes/no task needs nn.BCEWithLogitsLoss")
    return None


def sigmoid_then_bce(case, observation, reference):
    found = _floats(case, observation, reference)
    if found is None or found[0] != "binary" or not bool(case.args[1].abs().ge(30).any()):
        return None
    _, _, labels, got = found
    outputs = case.args[1]
    squashed = torch.sigmoid(outputs).double()
    if close(got, functional.binary_cross_entropy(squashed, labels.reshape(outputs.shape))):
        return ("your loss is capped where a logit is ±40: sigmoid rounds it to exactly 0 or 1 "
                "and nn.BCELoss clamps the log at -100; give the raw outputs to "
                "nn.BCEWithLogitsLoss")
    return None


def softmax_before(case, observation, reference):
    found = _floats(case, observation, reference)
    if found is None or found[0] != "multiclass":
        return None
    _, outputs, labels, got = found
    if close(got, functional.cross_entropy(outputs.softmax(dim=1), labels.reshape(-1).long())):
        return ("your loss is the cross entropy of softmax(outputs): nn.CrossEntropyLoss takes "
                "the raw logits and applies the softmax itself (double softmax)")
    return None


def one_class_per_row(case, observation, reference):
    found = _floats(case, observation, reference)
    if found is None or found[0] != "multilabel":
        return None
    _, outputs, labels, got = found
    if close(got, functional.cross_entropy(outputs, labels)):
        return ("your loss treats each row as one choice among the classes (a softmax): "
                "multi-label answers are independent yes/no answers, one nn.BCEWithLogitsLoss "
                "per output")
    return None


def detached_task(case, observation, reference):
    if observation.get("extra", {}).get(OUTPUT_GRADIENT) == DETACHED:
        return ("backward() does not reach the outputs from your loss: compute it from "
                "`outputs` (no .item(), .detach() or .tolist())")
    return None


def no_task_error(case, observation, reference):
    if observation.get("extra", {}).get(UNKNOWN) == "returned":
        return "task='ranking' returned a result: an unknown task must raise ValueError"
    return None


TASK_LOSS = Exercise(
    "task_loss", CHAPTER, 3, task_cases,
    Contract(params=("task", "outputs", "labels"), atol=1e-5, graph=True,
             explanations=(every_pair, plain_mse, single_column_softmax, sigmoid_then_bce,
                           softmax_before, one_class_per_row, detached_task, no_task_error)),
    observe=_task_extras)
