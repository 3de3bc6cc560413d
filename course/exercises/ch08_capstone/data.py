"""Chapter 8, sections 2 and 3: a reproducible split, standardising with training statistics.

A split is judged by the properties every good split has (sizes, every row once, rows from all
over the table, repeatable, another seed another split, the global random state untouched), not
by its rows: how to shuffle is the student's choice. The explanations state properties of the
student's output, never the answer.
"""

import torch

from course.check.cases import generator, integers, normal
from course.check.probe import PROBE_SEEDS
from course.check.spec import Case, Contract, Exercise
from course.check.values import dtype_name, show, to_plain

CHAPTER = "ch08_capstone"
SPLITS = ("train_idx", "val_idx", "test_idx")


# ------------------------------------------------------------------ split_indices

def split_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    seeds = integers(gen, 0, 1000, 8).tolist()
    plans = ((53, 0.15, 0.35), (10, 0.0, 0.2), (101, 0.25, 0.0), (400, 0.25, 0.25), (1, 0.0, 0.0),
             (120, 0.2, 0.2)) if hidden else ((0, 0.2, 0.2), (1, 0.0, 0.0), (10, 0.0, 0.2),
                                              (37, 0.1, 0.3), (20, 0.2, 0.25),
                                              (2000, 0.15, 0.15))
    return [Case((count, val, test, seeds[index]), "3.7 and 11.1 rows round down"
                 if (count, val, test) == (37, 0.1, 0.3) else "")
            for index, (count, val, test) in enumerate(plans)]


def _parts(result):
    if isinstance(result, tuple) and len(result) == 3 and all(
            isinstance(part, torch.Tensor) for part in result):
        return result
    return None


def split_properties(result, args) -> dict:
    """What a split is judged by: dtypes, sizes, every row once, the table's quarters covered."""
    parts, count = _parts(result), args[0]
    if parts is None:
        return {"the result": to_plain(result)}
    rows = torch.cat([part.flatten().long() for part in parts]).sort().values
    return {"dtypes": [dtype_name(part) for part in parts],
            "sizes": [part.numel() for part in parts],
            "every row exactly once": bool(rows.shape == (count,)
                                           and torch.equal(rows, torch.arange(count))),
            "quarters of the table in each split of 40 rows or more": [
                len(torch.unique(part.long() * 4 // max(count, 1))) if part.numel() >= 40
                else None for part in parts]}


def split_repeats(function, result, args, case) -> dict:
    fresh_generator = torch.Generator().manual_seed(PROBE_SEEDS[0])
    state_kept = torch.equal(torch.get_rng_state(), fresh_generator.get_state())
    count, val, test, seed = args
    torch.manual_seed(PROBE_SEEDS[1])  # another global state: a seeded split must not care
    again, other = function(count, val, test, seed), function(count, val, test, seed + 1)
    parts, again, other = _parts(result), _parts(again), _parts(other)
    return {"the global random state is left alone": state_kept,
            "a second call gives the same split": parts is not None and again is not None and all(
                torch.equal(a, b) for a, b in zip(parts, again, strict=True)),
            "seed + 1 gives other rows": parts is not None and other is not None and any(
                not torch.equal(a, b) for a, b in zip(parts, other, strict=True))}


def split_findings(case, observation, reference):
    count, val, test, seed = case.args
    got, extra = observation.get("value"), observation.get("extra", {})
    if "the result" in got:
        return "should return a tuple of three int64 tensors (train_idx, val_idx, test_idx)"
    if not extra.get("the global random state is left alone", True):
        return ("changed the global random state: shuffle with a generator of your own, "
                "torch.Generator().manual_seed(seed), not torch.manual_seed(seed)")
    want = reference["value"]
    if got["sizes"] != want["sizes"]:
        return (f"the splits hold {got['sizes']} rows (train, validation, test): int({count} * "
                f"{test}) = {int(count * test)} test rows and int({count} * {val}) = "
                f"{int(count * val)} validation rows (int() rounds down), the rest for training")
    if got["dtypes"] != want["dtypes"]:
        return f"the splits have the dtypes {got['dtypes']}: row numbers are int64 tensors"
    if not got["every row exactly once"]:
        return ("the three splits do not hold every row exactly once (a row twice, or one "
                "missing): shuffle once, then cut the shuffled order")
    if got["quarters of the table in each split of 40 rows or more"] != want[
            "quarters of the table in each split of 40 rows or more"]:
        return ("a split holds rows from only some quarters of the table: the rows were not "
                "shuffled, so a file sorted by price would give one-class splits")
    if not extra.get("a second call gives the same split", True):
        return "two calls with the same seed gave two different splits: seed your generator"
    if extra.get("seed + 1 gives other rows") is False and reference["extra"][
            "seed + 1 gives other rows"]:
        return (f"seeds {seed} and {seed + 1} gave the same split: shuffle with a generator "
                "seeded with `seed`, torch.Generator().manual_seed(seed)")
    return None


SPLIT_INDICES = Exercise(
    "split_indices", CHAPTER, 2, split_cases,
    Contract(params=("num_samples", "val_fraction", "test_fraction", "seed"),
             explanations=(split_findings,), deterministic=False),
    convert=split_properties, observe=split_repeats)


# ------------------------------------------------------------------ scale_splits

def scale_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((9, 4, 2, 3, torch.float32, True), (60, 25, 15, 20, torch.float32, False),
             (7, 1, 1, 1, torch.float64, True), (30, 0, 5, 6, torch.float32, False)
             ) if hidden else ((5, 3, 1, 2, torch.float32, True), (6, 0, 2, 3, torch.float32,
                                                                    False),
                               (12, 4, 3, 1, torch.float64, False),
                               (40, 10, 8, 5, torch.float32, True))
    cases = []
    for train, val, test, width, dtype, constant in plans:
        scale = integers(gen, 1, 50, width).to(dtype)  # columns on other scales
        parts = [normal(gen, rows, width, dtype=dtype) * scale + scale * 3
                 for rows in (train, val, test)]
        parts[2] = parts[2] + 2  # test rows from elsewhere: their own statistics differ
        if constant:
            parts[0][:, 0] = 4.0  # a constant training feature: its std 0 becomes 1
        note = ("a constant training feature" if constant else "") + (
            ", no validation rows" if val == 0 else "") + (", one test row" if test == 1 else "")
        cases.append(Case(tuple(parts), note.lstrip(", ")))
    return cases


def _statistics(rows):
    return rows.mean(dim=0), rows.std(dim=0, correction=0)


def scale_findings(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, tuple) or len(got) != 5 or not all(
            isinstance(v, torch.Tensor) for v in got):
        return None
    train, val, test = case.args
    mean, std = got[3].double(), got[4].double()
    if mean.shape != want[3].shape or std.shape != want[4].shape:
        return (f"mean and std have the shapes {tuple(mean.shape)} and {tuple(std.shape)}: one "
                "number per feature, a mean over the rows (dim=0)")
    every = torch.cat([train, val, test]).double()
    all_mean, all_std = _statistics(every)
    if len(every) > len(train) and torch.allclose(mean, all_mean, atol=1e-5) and not torch.allclose(
            want[3].double(), all_mean, atol=1e-5):
        return ("mean was fitted on all the rows (train + validation + test): it may only come "
                "from the training split")
    rows = len(train)
    varying = train.double().std(dim=0, correction=0) > 0  # constant columns: std 1 either way
    sample = want[4].double() * (rows / max(rows - 1, 1)) ** 0.5
    if rows > 1 and bool(varying.any()) and torch.allclose(std[varying], sample[varying],
                                                           atol=1e-5):
        return "std is the sample std (correction=1): use the population std, correction=0"
    if bool((std == 0).any()) or not bool(torch.isfinite(got[0]).all()):
        return ("a constant training feature gives std 0 and nan or inf after dividing: "
                "replace a std of 0 by 1")
    for index, name in ((1, "val_scaled"), (2, "test_scaled")):
        own = case.args[index].double()
        if len(own) > 1 and got[index].shape == own.shape:
            own_mean, own_std = _statistics(own)
            if torch.allclose(got[index].double(), (own - own_mean) / own_std, atol=1e-4) \
                    and not torch.allclose(want[index].double(), got[index].double(),
                                           atol=1e-4):
                return (f"{name} was scaled with its own mean and std: scale every split "
                        "with the training statistics")
    return None


SCALE_SPLITS = Exercise(
    "scale_splits", CHAPTER, 2, scale_cases,
    Contract(params=("train_features", "val_features", "test_features"),
             returns=("train_scaled", "val_scaled", "test_scaled", "mean", "std"),
             atol=1e-5, rtol=1e-4, explanations=(scale_findings,)),
    describe=lambda case: ", ".join(f"{name}={show(part)}" for name, part in zip(
        ("train_features", "val_features", "test_features"), case.args, strict=True)))
