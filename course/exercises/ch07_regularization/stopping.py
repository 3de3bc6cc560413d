"""Chapter 7, section 5: early stopping that keeps the best weights.

A run is given by the script of validation losses it will see; the model is a two-layer model
whose every weight equals the epoch it comes from. The explanations state properties of the
student's run (how many epochs ran, which epoch the weights come from), never the answer.
"""

import torch
from torch import nn

from course.check.spec import Case, Contract, Exercise
from course.check.values import to_plain

CHAPTER = "ch07_regularization"


# ------------------------------------------------------------------ train_with_early_stopping

def stopping_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        plans = (([2.0, 1.0, 1.0, 0.5, 0.7, 0.8, 0.9], 7, 3), ([1.0, 1.0, 1.0], 3, 2),
                 ([5.0, 4.0, 3.0, 2.0, 1.0], 5, 1), ([0.5, 0.9, 0.4, 0.8, 0.8, 0.3], 6, 2))
    else:
        plans = (([5.0, 3.0, 2.0, 2.5, 1.5, 1.7, 1.6, 1.8, 1.0, 0.5], 10, 3),
                 ([3.0, 2.0, 2.0, 2.0, 1.0], 5, 2), ([4.0, 3.0, 3.5, 2.0, 2.5, 2.6], 6, 10),
                 ([1.0, 2.0, 3.0], 3, 1))
    notes = {2: "an equal loss", 10: "max_epochs before the patience runs out"}
    return [Case((losses, epochs, patience), notes.get(patience, ""))
            for losses, epochs, patience in plans]


def scripted_run(args):
    """A two-layer model whose every weight equals the epoch number, one epoch adds 1 to each
    weight in place (like an optimizer step), and the validation loss read from the script."""
    losses, max_epochs, patience = args
    model = nn.Sequential(nn.Linear(1, 1, bias=False), nn.Linear(1, 2))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(0.0)

    def train_one_epoch(m):
        with torch.no_grad():
            for parameter in m.parameters():
                parameter.add_(1.0)

    def validation_loss(m):
        return losses[int(round(m[0].weight.item())) - 1]

    return model, train_one_epoch, validation_loss, max_epochs, patience


def weights_after(function, result, args, case) -> dict:
    return {"the model's weights after the call (each equals the epoch they come from)":
            [to_plain(p) for p in args[0].parameters()]}


def _run(observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, tuple) and len(got) == 2 and type(got[0]) is int \
            and isinstance(got[1], list):
        return got, want
    return None


def last_weights(case, observation, reference):
    found = _run(observation, reference)
    weights = observation.get("extra", {}).get(
        "the model's weights after the call (each equals the epoch they come from)")
    if not found or not weights:
        return None
    (best, losses), (wanted, _) = found
    epochs = {round(float(w.reshape(-1)[0])) for w in weights}
    if best == wanted and epochs == {len(losses)} and len(losses) != wanted:
        return (f"the model holds the weights of the last epoch that ran ({len(losses)}), not "
                f"those of best_epoch {wanted}: model.state_dict() returns references that "
                "training keeps updating; save copy.deepcopy(model.state_dict())")
    return None


def equal_counts(case, observation, reference):
    found = _run(observation, reference)
    if not found:
        return None
    (best, losses), (wanted, expected) = found
    equalled = expected[wanted - 1] in expected[wanted:]  # the best loss came again
    if equalled and (best > wanted or len(losses) > len(expected)):
        return ("an equal validation loss counted as an improvement: only a strictly lower "
                "loss improves, and best_epoch is the first of equal losses")
    return None


def counted_from_zero(case, observation, reference):
    found = _run(observation, reference)
    if found and found[0][0] == found[1][0] - 1 and found[0][1] == found[1][1]:
        return "best_epoch is one less than the epoch of the lowest loss: epochs count from 1"
    return None


def patience_off_by_one(case, observation, reference):
    found = _run(observation, reference)
    if found and found[0][0] == found[1][0] and abs(len(found[0][1]) - len(found[1][1])) == 1:
        more = len(found[0][1]) > len(found[1][1])
        return (f"training ran one epoch {'more' if more else 'less'} than it should (off by "
                "one): stop as soon as `patience` epochs in a row brought no strict improvement")
    return None


TRAIN_WITH_EARLY_STOPPING = Exercise(
    "train_with_early_stopping", CHAPTER, 3, stopping_cases,
    Contract(params=("model", "train_one_epoch", "validation_loss", "max_epochs", "patience"),
             returns=("best_epoch", "val_losses"),
             explanations=(equal_counts, counted_from_zero, patience_off_by_one, last_weights)),
    build=scripted_run, observe=weights_after,
    describe=lambda case: (f"validation losses {case.args[0]}, max_epochs={case.args[1]}, "
                           f"patience={case.args[2]}"),
    test_cell="test_early_stopping")
