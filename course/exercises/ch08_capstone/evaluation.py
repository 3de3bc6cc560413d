"""Chapter 8, sections 7 and 8: accuracy, per-class accuracy, confusion matrix, confused pairs.

Default probes on tensors. The explanations state properties of the student's output (a matrix
with the truth in its columns, per-class shares over the predictions, a class without rows shown
as 0, pairs in ascending order), never the answer.
"""

import torch

from course.check.cases import generator, integers
from course.check.spec import Case, Contract, Exercise

CHAPTER = "ch08_capstone"


# ------------------------------------------------------------------ evaluate

def evaluation_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((500, 5, 0.7), (3, 4, 0.5), (40, 2, 0.9), (25, 6, 0.3)) if hidden else (
        (1, 2, 1.0), (8, 4, 0.6), (12, 3, 0.5), (30, 5, 0.7))
    cases = []
    for rows, classes, share in plans:
        labels = integers(gen, 0, max(classes - 1, 1), rows)  # the last class has no rows
        noise = integers(gen, 0, classes, rows)
        keep = torch.rand(rows, generator=gen) < share
        cases.append(Case((labels, torch.where(keep, labels, noise), classes),
                          f"class {classes - 1} has no rows"))
    return cases


def evaluation_findings(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not (isinstance(got, tuple) and len(got) == 3):
        return None
    accuracy, per_class, confusion = got
    labels, predictions, classes = case.args
    truth = want[2]
    if isinstance(confusion, torch.Tensor) and confusion.shape == truth.shape and torch.equal(
            confusion.long(), truth.T) and not torch.equal(truth, truth.T):
        return ("the confusion matrix has the predictions in its rows: confusion[t, p] counts "
                "the rows of true class t predicted as p (truth in the rows)")
    if isinstance(per_class, torch.Tensor) and per_class.shape == (classes,):
        columns = truth.sum(dim=0).float()
        precision = truth.diagonal().float() / columns
        if torch.allclose(per_class.float(), precision, equal_nan=True, atol=1e-6) and not \
                torch.allclose(precision, want[1].float(), equal_nan=True, atol=1e-6):
            return ("per_class_accuracy divides the diagonal by the column sums (the precision): "
                    "divide by the row sums, the rows of each true class")
        empty = truth.sum(dim=1) == 0
        if bool(empty.any()) and not bool(per_class.float()[empty].isnan().all()):
            return ("a class with no rows should get nan in per_class_accuracy (0 / 0), not a "
                    "number: it has no accuracy")
    return None


EVALUATE = Exercise(
    "evaluate", CHAPTER, 2, evaluation_cases,
    Contract(params=("labels", "predictions", "num_classes"),
             returns=("accuracy", "per_class_accuracy", "confusion"),
             explanations=(evaluation_findings,)))


# ------------------------------------------------------------------ confused_pairs

def pair_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    if hidden:
        return [Case((integers(gen, 0, 4, size, size),), "many ties and zeros")
                for size in (2, 4, 6)] + [Case((torch.tensor([[0, 9], [1, 0]]),),
                                                "no right answers"),
                                          Case((torch.zeros(3, 3, dtype=torch.int64),),
                                               "an all-zero matrix")]
    return [Case((torch.tensor([[7]]),), "a 1 x 1 matrix"),
            Case((torch.diag(torch.tensor([4, 5, 6])),), "a diagonal matrix: no mistakes"),
            Case((torch.tensor([[5, 2, 3], [3, 7, 1], [0, 2, 9]]),), "ties"),
            Case((integers(gen, 0, 3, 4, 4),), "many ties and zeros")]


def _plain_pairs(value):
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 3 and all(
            type(v) is int for v in p) for p in value):
        return value
    return None


def pair_findings(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, list) and got and not _plain_pairs(got):
        return ("each pair should be a tuple of three Python ints (true, predicted, count): "
                "convert tensor entries with int(...)")
    got = _plain_pairs(got)
    if got is None:
        return None
    if any(true == predicted for true, predicted, _ in got):
        return ("the result holds diagonal cells: those are the right predictions; leave out "
                "cells with true == predicted")
    if any(count == 0 for _, _, count in got):
        return "the result holds cells with a count of 0: keep only the mistakes that happened"
    if set(got) == {(p, t, c) for t, p, c in want} and set(got) != set(want):
        return "true and predicted class are swapped: confusion[t, p] has the truth in the row"
    counts = [count for _, _, count in got]
    if set(got) == set(want) and counts == sorted(counts) and counts != sorted(counts,
                                                                                reverse=True):
        return "the pairs are in ascending order of count: the largest count comes first"
    if set(got) == set(want) and counts == sorted(counts, reverse=True):
        return "equal counts should be ordered by true class, then by predicted class"
    return None


CONFUSED_PAIRS = Exercise(
    "confused_pairs", CHAPTER, 2, pair_cases,
    Contract(params=("confusion",), explanations=(pair_findings,)))
