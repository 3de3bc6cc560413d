"""Chapter 1 (tensors): how each exercise is checked. Cases are plain tensors and numbers.

Every explanation here states a property of the student's output (which values it holds,
along which dim it changed), never the answer; the expected values are the solution's.
"""

import numpy as np
import torch

from course.check.cases import generator, integers, normal
from course.check.spec import Case, Contract, Exercise, numbered

CHAPTER = "ch01_tensors"


def _tensors(observation, reference):
    """(got, want) when both results are tensors of one shape, else (None, None)."""
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape:
        return got, want
    return None, None


# ------------------------------------------------------------------ dice_rolls

def dice_cases(seed: int, hidden: bool) -> list[Case]:
    seeds = integers(generator(seed), 0, 10_000, 5).tolist()
    counts = (1, 2, 25, 600) if hidden else (0, 1, 6, 12, 60)
    return [Case((count, seeds[i])) for i, count in enumerate(counts)]


def no_six(case, observation, reference):
    got, want = _tensors(observation, reference)
    if got is None or got.numel() < 30 or not bool((want == 6).any()):
        return None
    if bool((got >= 1).all()) and bool((got <= 5).all()):
        return (f"no roll is a 6 in {got.numel()} rolls: torch.randint's upper bound is "
                "exclusive, so it is off by one")
    return None


def zero_rolls(case, observation, reference):
    got, _ = _tensors(observation, reference)
    if got is not None and bool((got == 0).any()) and bool((got <= 5).all()):
        return "some rolls are 0, but a die shows 1 to 6: the range is off by one"
    return None


DICE_ROLLS = Exercise(
    "dice_rolls", CHAPTER, 2, dice_cases,
    Contract(params=("num_rolls", "seed"), explanations=(no_six, zero_rolls),
             second_call_hint="the rolls must depend only on `seed`: call "
                              "torch.manual_seed(seed) inside the function, right before "
                              "torch.randint"))


# ------------------------------------------------------------------ normalize_pixels

def pixel_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((1, 1, 1), (4, 5, 3), (16, 16, 3)) if hidden else ((1,), (0,), (3, 2, 3))
    cases = [Case((integers(gen, 0, 256, *shape, dtype=torch.uint8),)) for shape in shapes]
    edges = torch.tensor([[0, 51, 128], [200, 254, 255]], dtype=torch.uint8)
    white = torch.full((2, 2), 255, dtype=torch.uint8)
    return cases + [Case((edges,), "black 0 and white 255"), Case((white,), "all white")]


NORMALIZE_PIXELS = Exercise(
    "normalize_pixels", CHAPTER, 1, pixel_cases, Contract(params=("image",)))


# ------------------------------------------------------------------ snapshot

def snapshot_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((2, 3), (4,), (3, 1, 2)) if hidden else ((3,), (2, 2))
    cases = [Case((normal(gen, *shape),)) for shape in shapes]
    tracked = normal(gen, *((2, 3) if hidden else (2,)), dtype=torch.float64)
    return cases + [
        Case((tracked.requires_grad_(True),), "a tensor that requires grad"),
        Case((integers(gen, 0, 10, 3),), "int64 labels"),
        Case((torch.tensor(2.5),), "a 0-d tensor"),
        Case((torch.zeros(0),), "an empty tensor"),
    ]


def memory_links(function, result, args, case) -> dict:
    """Change the tensor, then the array, in place: does the other one follow?"""
    tensor = args[0]
    if not isinstance(result, np.ndarray) or result.size == 0:
        return {"shares memory": False}
    kept = result.copy()
    with torch.no_grad():
        tensor.add_(1) if tensor.dtype != torch.bool else tensor.logical_not_()
    follows_tensor = not np.array_equal(result, kept, equal_nan=True)
    before = tensor.detach().clone()
    result.reshape(-1)[0] = result.reshape(-1)[0] + 1 if result.dtype != bool else True
    follows_array = not torch.equal(tensor.detach(), before)
    return {"shares memory": bool(follows_tensor or follows_array)}


def shared_memory(case, observation, reference):
    if observation.get("extra", {}).get("shares memory") and not reference["extra"][
            "shares memory"]:
        return ("the array shares memory with the tensor: changing the tensor in place "
                "afterwards changed your snapshot too; return a copy (.copy())")
    return None


SNAPSHOT = Exercise(
    "snapshot", CHAPTER, 2, snapshot_cases,
    Contract(params=("tensor",), explanations=(shared_memory,)), observe=memory_links)


# ------------------------------------------------------------------ scale_rows_

def scale_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((1, 1), (3, 3), (6, 6), (5, 7)) if hidden else ((1, 4), (2, 3), (3, 3), (4, 2))
    cases = []
    for index, (rows, cols) in enumerate(shapes):
        dtype = torch.float64 if index % 2 else torch.float32
        factors = integers(gen, -3, 11, rows).to(dtype)
        cases.append(Case((normal(gen, rows, cols, dtype=dtype), factors)))
    return cases + [Case((torch.ones(1, 3), torch.zeros(1)), "a factor of 0")]


def scaled_columns(case, observation, reference):
    matrix, factors = case.args
    got = observation.get("after", {}).get("matrix", observation.get("value"))
    if not isinstance(got, torch.Tensor) or got.shape != matrix.shape or matrix.shape[0] < 2:
        return None
    columns = matrix.shape[1]
    if columns == len(factors) and torch.allclose(got, matrix * factors.reshape(1, columns)):
        return ("each column j was multiplied by factors[j], not each row i by factors[i]: a "
                "(num_rows,) tensor broadcasts along the last dim; give it a size-1 dimension, "
                "a (num_rows, 1) column")
    return None


SCALE_ROWS_ = Exercise(
    "scale_rows_", CHAPTER, 2, scale_cases,
    Contract(params=("matrix", "factors"), modifies=("matrix",), returns_argument="matrix",
             explanations=(scaled_columns,)))


# ------------------------------------------------------------------ pairwise_scores

def score_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 1, 1), (5, 7, 4), (6, 2, 1), (4, 4, 3)) if hidden else (
        (1, 3, 2), (3, 3, 2), (2, 4, 3), (4, 2, 1))
    cases = []
    for index, (queries, keys, dim) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append(Case((normal(gen, queries, dim, dtype=dtype),
                           normal(gen, keys, dim, dtype=dtype))))
    return cases


PAIRWISE_SCORES = Exercise(
    "pairwise_scores", CHAPTER, 2, score_cases,
    Contract(params=("queries", "keys"), atol=1e-5))


# ------------------------------------------------------------------ best_per_subject

def best_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((1, 1), (4, 4), (2, 5), (9, 6)) if hidden else ((1, 3), (2, 3), (4, 2), (3, 5))
    cases = [Case((integers(gen, 0, 5, *shape).to(torch.float64 if i % 2 else torch.float32),))
             for i, shape in enumerate(shapes)]
    ties = torch.tensor([[5.0, 7.0, 2.0], [5.0, 9.0, 7.0], [1.0, 9.0, 7.0]])
    return cases + [Case((ties,), "ties: two students share a top score")]


def later_tie(case, observation, reference):
    got, want = _tensors(observation, reference)
    scores = case.args[0]
    if got is None or got.dtype != torch.int64:
        return None
    wrong = (got != want).nonzero().reshape(-1).tolist()
    if not wrong or not all(0 <= int(got[j]) < scores.shape[0] for j in wrong):
        return None
    if all(scores[int(got[j]), j] == scores[int(want[j]), j] and got[j] > want[j] for j in wrong):
        return ("on a tie you returned a later student: when students share the top score, "
                "return the first of them (the smallest row index)")
    return None


BEST_PER_SUBJECT = Exercise(
    "best_per_subject", CHAPTER, 1, best_cases,
    Contract(params=("scores",), explanations=(later_tie,)))


# ------------------------------------------------------------------ center_rows

def center_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((1, 1), (4, 6), (6, 6), (5, 1), (1, 9)) if hidden else (
        (1, 4), (2, 2), (3, 3), (2, 5), (5, 1))
    return [Case((normal(gen, *shape, dtype=torch.float64 if i % 2 else torch.float32),))
            for i, shape in enumerate(shapes)]


def means_along_columns(case, observation, reference):
    got, want = _tensors(observation, reference)
    x = case.args[0]
    if got is None or x.shape[0] < 2:
        return None
    removed, expected_removed = x - got, x - want  # what was subtracted from each entry
    same_shift_per_column = torch.allclose(removed, removed[:1].expand_as(removed), atol=1e-5)
    if same_shift_per_column and torch.allclose(got.mean(dim=0), torch.zeros_like(got[0]),
                                                atol=1e-5):
        return ("every column of your result averages to 0, not every row: you subtracted "
                "the column means (a mean over the wrong dim, dim 0)")
    if x.shape[0] == x.shape[1] and torch.allclose(removed, expected_removed.T, atol=1e-5):
        return ("row i's mean was subtracted from column i: the row means went along the wrong "
                "dim (keep them as a (num_rows, 1) column: keepdim=True)")
    return None


CENTER_ROWS = Exercise(
    "center_rows", CHAPTER, 2, center_cases,
    Contract(params=("x",), atol=1e-5, explanations=(means_along_columns,)))


# ------------------------------------------------------------------ nearest_centroid

def centroid_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 4, 3), (10, 3, 2), (7, 7, 4), (20, 5, 3)) if hidden else (
        (4, 3, 2), (3, 3, 2), (6, 2, 3), (3, 5, 1))
    cases = [Case((normal(gen, points, dim, dtype=torch.float64 if i % 2 else torch.float32),
                   normal(gen, centroids, dim, dtype=torch.float64 if i % 2 else torch.float32)))
             for i, (points, centroids, dim) in enumerate(sizes)]
    ties = torch.tensor([[0.0, 0.0], [5.0, 5.0], [2.0, 0.0]])  # equally close to two centroids
    tie_centroids = torch.tensor([[0.0, 1.0], [1.0, 0.0], [4.0, 5.0], [6.0, 5.0]])
    return cases + [
        Case((torch.zeros(0, 2), normal(gen, 3, 2)), "no points"),
        Case((normal(gen, 1, 3), normal(gen, 1, 3)), "a single centroid"),
        Case((torch.tensor([[0.0, 0.0], [10.0, 1.0]]),
              torch.tensor([[3.0, 3.0], [0.0, 5.0], [10.0, 0.0]])),
             "nearest by Euclidean distance is not nearest by the sum of |differences|"),
        Case((ties, tie_centroids), "ties: points equally close to two centroids"),
    ]


def _distances(case):
    points, centroids = case.args
    return torch.cdist(points.double(), centroids.double())  # (num_points, num_centroids)


def _wrong_choices(case, observation, reference):
    """(chosen, expected, distances, wrong rows) when the result is a valid index per point."""
    got, want = _tensors(observation, reference)
    if got is None or got.dtype != torch.int64 or got.numel() == 0:
        return None
    distances = _distances(case)
    if bool((got < 0).any()) or bool((got >= distances.shape[1]).any()):
        return None
    wrong = (got != want).nonzero().reshape(-1)
    return (got, want, distances, wrong) if wrong.numel() else None


def _chose_farthest(got, distances) -> bool:
    """Whether every point's chosen centroid is (as far as) its farthest one."""
    rows = torch.arange(len(got))
    return torch.allclose(distances[rows, got], distances.max(dim=1).values)


def farthest_centroid(case, observation, reference):
    found = _wrong_choices(case, observation, reference)
    if found is None:
        return None
    got, _, distances, _ = found
    if _chose_farthest(got, distances) \
            and not _summed_over_centroids(case, got):  # every point, and only this fits
        return ("each point got the centroid FARTHEST from it: the nearest one has the smallest "
                "distance")
    return None


def nearest_by_l1(case, observation, reference):
    found = _wrong_choices(case, observation, reference)
    if found is None:
        return None
    got, _, distances, _ = found
    points, centroids = case.args
    rows = torch.arange(len(got))
    l1 = (points.double()[:, None, :] - centroids.double()[None, :, :]).abs().sum(dim=2)
    if not _chose_farthest(got, distances) and torch.allclose(l1[rows, got], l1.min(dim=1).values) \
            and not _summed_over_centroids(case, got):  # every point, and only this fits
        return ("the centroids you chose are the nearest by the sum of |differences| (L1), not "
                "by Euclidean distance (the square root of the sum of squared differences)")
    return None


def later_equal_centroid(case, observation, reference):
    found = _wrong_choices(case, observation, reference)
    if found is None:
        return None
    got, want, distances, wrong = found
    if torch.allclose(distances[wrong, got[wrong]], distances[wrong, want[wrong]]) \
            and bool((got[wrong] > want[wrong]).all()):
        return ("on a tie you returned a later centroid: when several are equally close, "
                "return the smallest of their indices")
    return None


def one_per_centroid(case, observation, reference):
    got = observation.get("value")
    points, centroids = case.args
    if isinstance(got, torch.Tensor) and got.ndim == 1 and len(points) != len(centroids) \
            and got.shape[0] == len(centroids):
        return ("returned one index per centroid, not one per point: the reduction ran over "
                "the points, the wrong dim; reduce over the centroid dim")
    return None


def _summed_over_centroids(case, got) -> bool:
    """Whether ``got`` is, for every point, the argmin of the squared differences summed over
    the centroids: positions along the coordinates (never when the two sizes are equal, nor for
    one coordinate, where every such index is 0)."""
    points, centroids = case.args
    if points.shape[1] == len(centroids) or points.shape[1] < 2:
        return False  # an index of a coordinate would read as one of a centroid, or is just 0
    squares = (points.double()[:, None, :] - centroids.double()[None, :, :]) ** 2
    return torch.equal(got, squares.sum(dim=1).argmin(dim=1))


def summed_over_centroids(case, observation, reference):
    found = _wrong_choices(case, observation, reference)
    if found is None:
        return None
    got, _, distances, _ = found
    if not _chose_farthest(got, distances) and _summed_over_centroids(case, got):  # only this fits
        return ("your indices are positions along the coordinates, not centroids: the squared "
                "differences were summed over the centroids (the wrong dim), not over the "
                "coordinates")
    return None


NEAREST_CENTROID = Exercise(
    "nearest_centroid", CHAPTER, 3, centroid_cases,
    Contract(params=("points", "centroids"), forbidden=("torch.cdist",),
             explanations=(one_per_centroid, summed_over_centroids, later_equal_centroid,
                           nearest_by_l1, farthest_centroid)))


# ------------------------------------------------------------------ rows_where

def rows_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    table = integers(gen, 0, 6, 12 if hidden else 6, 4).double()
    cases = [
        Case((torch.tensor([[1.0, 2.0]]), 0, 3.0), "no row passes"),
        Case((torch.tensor([[1.0, 5.0], [4.0, 2.0], [3.0, 3.0]]), 1, 3.0),
             "a value equal to the threshold"),
        Case((integers(gen, 0, 10, 4, 3).float(), 2, -1.0), "every row passes"),
        Case((integers(gen, 0, 10, 5, 3), 0, 5), "int64 data"),
        Case((table, 3, 2.0)),
    ]
    if hidden:
        cases.append(Case((integers(gen, 0, 3, 9, 2).float(), 1, 1.0), "ties"))
    return cases


def kept_equal_rows(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    data, column, threshold = case.args
    if not isinstance(got, torch.Tensor) or got.ndim != 2 or got.shape[1] != data.shape[1]:
        return None
    if got.shape[0] > want.shape[0] and bool((got[:, column] == threshold).any()):
        return (f"kept a row whose value in column {column} equals the threshold {threshold}; "
                "only values strictly greater pass (> not >=)")
    return None


def single_values(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and got.ndim == 1 and want.ndim == 2:
        return ("returned a 1-D tensor of single values; whole rows are asked: index the rows "
                "with a (num_rows,) mask to get shape (num_kept, num_cols)")
    return None


ROWS_WHERE = Exercise(
    "rows_where", CHAPTER, 2, rows_cases,
    Contract(params=("data", "column", "threshold"),
             explanations=(kept_equal_rows, single_values)))


# ------------------------------------------------------------------ label_scores

def label_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((1, 1), (6, 6), (8, 3), (5, 10)) if hidden else ((1, 4), (4, 3), (3, 3), (2, 5))
    cases = []
    for index, (samples, classes) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append(Case((normal(gen, samples, classes, dtype=dtype),
                           integers(gen, 0, classes, samples)),
                          "a single sample" if samples == 1 else ""))
    repeated = torch.tensor([2, 2, 0, 2])  # a label used by several samples
    return cases + [Case((torch.zeros(0, 3), torch.zeros(0, dtype=torch.int64)), "no samples"),
                    Case((normal(gen, 4, 3), repeated), "labels that repeat")]


def rows_by_label(case, observation, reference):
    got = observation.get("value")
    logits, labels = case.args
    if isinstance(got, torch.Tensor) and got.shape == logits.shape \
            and torch.equal(got, logits[labels]):
        return ("each row of your result is a whole row of logits, the row labels[i]: the "
                "labels chose rows; pair row i with column labels[i] for one score per sample")
    return None


def row_maxima(case, observation, reference):
    got, want = _tensors(observation, reference)
    logits = case.args[0]
    if got is not None and got.numel() and torch.equal(got, logits.max(dim=1).values) \
            and not torch.equal(want, got):
        return "each entry is its row's largest score, not the score at the sample's label"
    return None


LABEL_SCORES = Exercise(
    "label_scores", CHAPTER, 2, label_cases,
    Contract(params=("logits", "labels"), explanations=(rows_by_label, row_maxima)))


# ------------------------------------------------------------------ flatten_channels_first

def flatten_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    shapes = ((1, 2, 2, 1), (3, 4, 5, 3), (2, 1, 6, 4)) if hidden else (
        (1, 2, 2, 1), (1, 1, 2, 3), (2, 2, 3, 2), (1, 3, 2, 2))
    cases = [Case((normal(gen, *shape, dtype=torch.float64 if i % 2 else torch.float32),))
             for i, shape in enumerate(shapes)]
    return cases + [Case((torch.arange(24).reshape(2, 2, 3, 2),), "int64 values 0..23")]


FLATTEN_CHANNELS_FIRST = Exercise(
    "flatten_channels_first", CHAPTER, 3, flatten_cases, Contract(params=("images",)))


# ------------------------------------------------------------------ batch_samples

def batch_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((1, (2, 3)), (5, (2, 3)), (3, (4, 1, 2))) if hidden else (
        (1, (3,)), (3, (4,)), (2, (2, 3)), (5, (1,)))
    cases = []
    for index, (count, shape) in enumerate(plans):
        dtype = (torch.float32, torch.float64, torch.int64)[index % 3]
        samples = [normal(gen, *shape).mul(10).to(dtype) for _ in range(count)]
        cases.append(Case((samples,), "a single sample" if count == 1 else ""))
    return cases


BATCH_SAMPLES = Exercise(
    "batch_samples", CHAPTER, 1, batch_cases, Contract(params=("samples",)))


EXERCISES = numbered(DICE_ROLLS, NORMALIZE_PIXELS, SNAPSHOT, SCALE_ROWS_, PAIRWISE_SCORES,
                     BEST_PER_SUBJECT, CENTER_ROWS, NEAREST_CENTROID, ROWS_WHERE, LABEL_SCORES,
                     FLATTEN_CHANNELS_FIRST, BATCH_SAMPLES)
