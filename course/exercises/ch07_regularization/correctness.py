"""Chapter 7, section 1: where the validation loss comes from (the loss split by correctness).

The explanations state properties of the student's output (how far the accuracy moves, what
wrong_share equals, whether the loss is finite), never the answer.
"""

import math

import torch

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise

CHAPTER = "ch07_regularization"


# ------------------------------------------------------------------ loss_by_correctness

def correctness_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    confident = Case((torch.tensor([-120.0, 5.0]), torch.tensor([1.0, 1.0])),
                     "a wrong logit of -120")
    if hidden:
        cases = [Case((normal(gen, count) * 6, integers(gen, 0, 2, count).float()))
                 for count in (1, 7, 64)]
        return cases + [confident, Case((torch.tensor([[0.0]]), torch.tensor([[1.0]])),
                                        "one example, a logit of exactly 0"),
                        Case((normal(gen, 12, 1, dtype=torch.float64) * 4,
                              integers(gen, 0, 2, 12, 1, dtype=torch.float64)))]
    return [Case((torch.tensor([[3.0], [-2.0], [0.5], [-4.0], [0.0]]),
                  torch.tensor([[1.0], [0.0], [0.0], [1.0], [0.0]])),
                 "a logit of exactly 0 with target 0"),
            Case((torch.tensor([0.0]), torch.tensor([1.0])), "one example, a logit of exactly 0"),
            Case((torch.tensor([2.0, -3.0]), torch.tensor([1.0, 0.0])), "no wrong prediction"),
            confident,
            Case((normal(gen, 8) * 6, integers(gen, 0, 2, 8).float())),
            Case((normal(gen, 6, 1, dtype=torch.float64) * 4,
                  integers(gen, 0, 2, 6, 1, dtype=torch.float64)))]


def _parts(observation, reference):
    """(got, want) when both are dicts with float values for the same keys, else None."""
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, dict) and isinstance(want, dict) and got.keys() == want.keys() \
            and all(type(v) is float for v in got.values()):
        return got, want
    return None


def zero_logit_as_class_one(case, observation, reference):
    found = _parts(observation, reference)
    logits, targets = case.args
    zeros = int(((logits == 0) & (targets == 0)).sum()) - int(((logits == 0) & (targets == 1))
                                                               .sum())
    if found and zeros and math.isclose(found[1]["accuracy"] - found[0]["accuracy"],
                                        zeros / logits.numel(), abs_tol=1e-6):
        return ("the accuracy differs by exactly the share of logits that are exactly 0: a "
                "logit of 0 predicts class 0 (logits > 0, not >= 0)")
    return None


def share_of_examples(case, observation, reference):
    found = _parts(observation, reference)
    if found and found[1]["wrong_share"] not in (0.0, 1.0) and math.isclose(
            found[0]["wrong_share"], 1 - found[1]["accuracy"], abs_tol=1e-6):
        return ("wrong_share equals the share of wrong EXAMPLES (1 - accuracy); it is their "
                "share of the summed LOSS")
    return None


def divided_by_all(case, observation, reference):
    found = _parts(observation, reference)
    if not found or math.isnan(found[1]["mean_loss_wrong"]):
        return None
    got, want = found
    share_wrong = 1 - want["accuracy"]
    if share_wrong < 1 and math.isclose(got["mean_loss_wrong"], want["mean_loss_wrong"]
                                        * share_wrong, rel_tol=1e-4):
        return ("mean_loss_wrong is the wrong predictions' loss divided by all N examples; "
                "divide by the number of wrong ones")
    return None


def infinite_loss(case, observation, reference):
    found = _parts(observation, reference)
    if found and math.isfinite(found[1]["loss"]) and not math.isfinite(found[0]["loss"]):
        return (f"the loss is {found[0]['loss']} although every logit is finite: sigmoid rounds "
                "to exactly 0 (or 1) for a large logit and log(0) = -inf; use "
                "F.binary_cross_entropy_with_logits")
    return None


def capped_at_100(case, observation, reference):
    found = _parts(observation, reference)
    if found and found[1]["mean_loss_wrong"] > 100.5 and math.isclose(
            found[0]["mean_loss_wrong"], 100.0, abs_tol=1e-3):
        return ("the loss of a logit of -120 is capped at 100: F.binary_cross_entropy clamps "
                "its log at -100; pass the logits to F.binary_cross_entropy_with_logits")
    return None


def nothing_wrong(case, observation, reference):
    found = _parts(observation, reference)
    if found and found[1]["wrong_share"] == 0.0 and math.isnan(found[1]["mean_loss_wrong"]) \
            and (found[0]["wrong_share"] != 0.0 or not math.isnan(found[0]["mean_loss_wrong"])):
        return ("with no wrong prediction wrong_share must be 0.0 and mean_loss_wrong nan (a "
                f"mean of nothing); got {found[0]['wrong_share']} and "
                f"{found[0]['mean_loss_wrong']}")
    return None


LOSS_BY_CORRECTNESS = Exercise(
    "loss_by_correctness", CHAPTER, 2, correctness_cases,
    Contract(params=("logits", "targets"), atol=1e-5, rtol=1e-5,
             sizes=lambda case: {"N": case.args[0].numel()}, reductions=("N",),
             explanations=(infinite_loss, capped_at_100, nothing_wrong, zero_logit_as_class_one,
                           share_of_examples, divided_by_all)))
