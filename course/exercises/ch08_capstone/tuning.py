"""Chapter 8, section 8: a training loop with validation, early stopping and a scheduler.

A case is plain data (the rows, and the plan of the network, optimizer, scheduler and loader,
with their seeds); ``build`` makes the objects. The observation is the returned history, the
weights the model holds afterwards, its mode and where it was moved. The explanations state
properties of the history and of the model (the rates shifted by an epoch, one epoch too many,
a 0-based best epoch, the last epoch's weights), never the answer.
"""

from itertools import pairwise

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise
from course.check.values import to_plain

CHAPTER = "ch08_capstone"
LISTS = ("train_loss", "val_loss", "val_accuracy", "lr")


class RecordingNet(nn.Sequential):
    """An nn.Sequential that remembers where ``.to()`` was asked to move it."""

    def to(self, *args, **kwargs):
        self.moved_to = [*getattr(self, "moved_to", []), str(args[0] if args else
                                                              kwargs.get("device"))]
        return super().to(*args, **kwargs)


def fit_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((60, 16, 0.1, 2, 10, 2, True), (45, 15, 0.02, 3, 8, 5, True),
             (50, 32, 0.05, 0, 6, 2, False), (40, 12, 0.05, 2, 0, 1, True)
             ) if hidden else ((30, 8, 0.05, 2, 0, 2, True), (40, 16, 0.05, 2, 12, 2, True),
                               (36, 12, 0.02, 0, 5, 10, False), (48, 16, 0.1, 2, 12, 1, True))
    cases = []
    for rows, batch, rate, step_size, max_epochs, patience, scheduled in plans:
        features = normal(gen, rows + 20, 6)  # (rows + 20 validation rows, 6)
        labels = ((features[:, 0] + features[:, 1] * features[:, 2] > 0).long()
                  + (features[:, 3] > 1).long())  # (rows + 20,) 3 classes
        seeds = integers(gen, 0, 1000, 1).tolist()
        note = "max_epochs = 0" if not max_epochs else ("" if scheduled else "scheduler=None")
        cases.append(Case((features[:rows], labels[:rows], features[rows:], labels[rows:],
                           (batch, rate, step_size if scheduled else None, seeds[0]),
                           max_epochs, patience), note))
    return cases


def build_fit(args):
    features, labels, val_x, val_y, (batch, rate, step_size, seed), max_epochs, patience = args
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = RecordingNet(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=rate)
    scheduler = None if step_size is None else torch.optim.lr_scheduler.StepLR(
        optimizer, step_size=step_size, gamma=0.5)
    loader = DataLoader(TensorDataset(features, labels), batch_size=batch, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    return model, optimizer, loader, val_x, val_y, max_epochs, patience, scheduler, "cpu"


def fitted_model(function, result, args, case) -> dict:
    model = args[0]
    return {"the model's weights after fit": [to_plain(p) for p in model.parameters()],
            "the model is in evaluation mode after fit": not model.training,
            "the model was moved to the device": "cpu" in getattr(model, "moved_to", [])}


def _history(value):
    if isinstance(value, dict) and all(isinstance(value.get(key), list) for key in LISTS):
        return value
    return None


def fit_findings(case, observation, reference):
    got, want = _history(observation.get("value")), reference["value"]
    extra, expected = observation.get("extra", {}), reference["extra"]
    if got is None:
        return None
    if extra.get("the model was moved to the device") is False:
        return "the model was not moved to the device: call model.to(device) before training"
    rates, wanted = got["lr"], want["lr"]
    if all(isinstance(r, float) and r > 0 for r in rates) and any(
            later < earlier * 0.5 * (1 - 1e-9) for earlier, later in pairwise(rates)):
        return ("the learning rate fell by more than one scheduler step per epoch: step the "
                "scheduler once per epoch, after the epoch's last batch")
    max_epochs = case.args[5]
    ran, should = len(got["val_loss"]), len(want["val_loss"])
    if ran == should + 1:
        return (f"{ran} epochs ran instead of {should}: you stopped one epoch late; stop as soon "
                "as the count of epochs without improvement reaches patience")
    if ran == max_epochs and should < max_epochs:
        return (f"all {max_epochs} epochs ran: stop after `patience` epochs in a row without a "
                "strictly lower validation loss")
    lengths = {len(got[key]) for key in LISTS}
    if len(lengths) > 1:
        return f"the lists of the history have different lengths {sorted(lengths)}: one per epoch"
    if len(rates) == len(wanted) > 1 and rates[:-1] == wanted[1:] and rates != wanted:
        return ("the learning rates are one epoch ahead: record the rate the epoch trained "
                "with, before scheduler.step()")
    if len(rates) == len(wanted) and len(set(wanted)) > 1 and len(set(rates)) == 1:
        return "the learning rate never changed: call scheduler.step() once per epoch"
    if ran and should and got["train_loss"][:1] == want["train_loss"][:1] and abs(
            got["val_loss"][0] - want["val_loss"][0]) > 1e-5:
        return ("the first epoch trained as expected but its validation loss differs: measure "
                "the validation rows in evaluation mode (model.eval()) without autograd")
    if ran and should and got["val_loss"] == want["val_loss"] and got["train_loss"] != want[
            "train_loss"]:
        return ("the validation losses match but train_loss differs: weight each batch's loss "
                "by its number of rows (the last batch is smaller) and divide by the rows")
    if isinstance(got.get("best_epoch"), int) and got["best_epoch"] == want["best_epoch"] - 1:
        return "best_epoch is 0-based: epochs count from 1"
    same_history = all(got[key] == want[key] for key in LISTS)
    weights = extra.get("the model's weights after fit")
    if same_history and isinstance(weights, list) and not all(
            torch.equal(a, b) for a, b in zip(weights, expected["the model's weights after fit"],
                                              strict=True)):
        return ("the history is right but the model holds other weights than those of "
                "best_epoch: keep copy.deepcopy(model.state_dict()) at each new best and load "
                "it at the end")
    if extra.get("the model is in evaluation mode after fit") is False:
        return "fit should leave the model in evaluation mode (model.eval())"
    return None


def _describe_fit(case) -> str:
    features, _, val_x, _, (batch, rate, step_size, seed), max_epochs, patience = case.args
    schedule = "no scheduler" if step_size is None else f"StepLR(step_size={step_size}, gamma=0.5)"
    return (f"a dropout MLP with Adam(lr={rate}), {schedule}, {len(features)} training rows in "
            f"batches of {batch}, {len(val_x)} validation rows, max_epochs={max_epochs}, "
            f"patience={patience}")


FIT = Exercise(
    "fit", CHAPTER, 4, fit_cases,
    Contract(params=("model", "optimizer", "train_loader", "val_features", "val_labels",
                     "max_epochs", "patience", "scheduler", "device"), atol=1e-5, rtol=1e-4,
             explanations=(fit_findings,), deterministic=False),
    build=build_fit, observe=fitted_model, describe=_describe_fit)
