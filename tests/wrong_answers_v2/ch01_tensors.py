"""Wrong answers to every exercise of ch01_tensors, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_dice_rolls": [
        {
            "bug": "never seeds: the rolls come from wherever the global generator happens to be",
            "bug_class": "state: ignores the seed",
            "mistakes": ("second_call",),
            "names": ("second call", "manual_seed"),
            "witness": 'differs("dice_rolls", 12, 5)',
            "source": '''\
def dice_rolls(num_rolls, seed):
    """Roll a fair six-sided die `num_rolls` times, reproducibly.

    Args:
        num_rolls: how many rolls, an int >= 0.
        seed: call `torch.manual_seed(seed)` first, so the same seed always gives the same rolls.

    Returns:
        An int64 tensor of shape (num_rolls,) with values from 1 to 6 (both included), drawn with
        a single call to `torch.randint` right after seeding.
    """
    return torch.randint(1, 7, (num_rolls,))
''',
        },
        {
            "bug": "converts the rolls to float32 so that they can be averaged later",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "int64"),
            "witness": 'differs("dice_rolls", 12, 0)',
            "source": '''\
def dice_rolls(num_rolls, seed):
    """Roll a fair six-sided die `num_rolls` times, reproducibly.

    Args:
        num_rolls: how many rolls, an int >= 0.
        seed: call `torch.manual_seed(seed)` first, so the same seed always gives the same rolls.

    Returns:
        An int64 tensor of shape (num_rolls,) with values from 1 to 6 (both included), drawn with
        a single call to `torch.randint` right after seeding.
    """
    torch.manual_seed(seed)
    return torch.randint(1, 7, (num_rolls,)).float()
''',
        },
        {
            "bug": "asks randint for a column of rolls: shape (num_rolls, 1)",
            "bug_class": "extra size-1 dimension",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dimension", "shape"),
            "witness": 'differs("dice_rolls", 12, 0)',
            "source": '''\
def dice_rolls(num_rolls, seed):
    """Roll a fair six-sided die `num_rolls` times, reproducibly.

    Args:
        num_rolls: how many rolls, an int >= 0.
        seed: call `torch.manual_seed(seed)` first, so the same seed always gives the same rolls.

    Returns:
        An int64 tensor of shape (num_rolls,) with values from 1 to 6 (both included), drawn with
        a single call to `torch.randint` right after seeding.
    """
    torch.manual_seed(seed)
    return torch.randint(1, 7, (num_rolls, 1))
''',
        },
    ],
    "ex_normalize_pixels": [
        {
            "bug": "converts to float64 'for precision' instead of float32",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float32"),
            "witness": (
                'differs("normalize_pixels", torch.tensor([0, 128, 255], dtype=torch.uint8))'
            ),
            "source": '''\
def normalize_pixels(image):
    """Turn an 8-bit image into float32 values between 0 and 1.

    Args:
        image: uint8 tensor of any shape, e.g. (height, width, 3), with values 0..255.

    Returns:
        A float32 tensor of the same shape holding each value divided by 255
        (0 becomes 0.0, 255 becomes 1.0). `image` itself is not modified.
    """
    return image.to(torch.float64) / 255.0
''',
        },
        {
            "bug": "divides by 256, the number of values, instead of the largest value 255",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor", "256", "divide by 255", "/ 255"),
            "witness": (
                'differs("normalize_pixels", torch.tensor([0, 128, 255], dtype=torch.uint8))'
            ),
            "source": '''\
def normalize_pixels(image):
    """Turn an 8-bit image into float32 values between 0 and 1.

    Args:
        image: uint8 tensor of any shape, e.g. (height, width, 3), with values 0..255.

    Returns:
        A float32 tensor of the same shape holding each value divided by 255
        (0 becomes 0.0, 255 becomes 1.0). `image` itself is not modified.
    """
    return image.float() / 256
''',
        },
        {
            "bug": "divides by the image's own maximum: right only when the image contains a 255",
            "bug_class": "only right on some inputs (scale from the data)",
            "mistakes": ("factor",),
            "names": ("factor", "image.max", "divide by 255", "/ 255"),
            "witness": 'differs("normalize_pixels", torch.tensor([0, 51, 102], dtype=torch.uint8))',
            "source": '''\
def normalize_pixels(image):
    """Turn an 8-bit image into float32 values between 0 and 1.

    Args:
        image: uint8 tensor of any shape, e.g. (height, width, 3), with values 0..255.

    Returns:
        A float32 tensor of the same shape holding each value divided by 255
        (0 becomes 0.0, 255 becomes 1.0). `image` itself is not modified.
    """
    image = image.float()
    return image / image.max()
''',
        },
    ],
    "ex_snapshot": [
        {
            "bug": "goes through a Python list: float32 values come back as a float64 array",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float32"),
            "witness": 'differs("snapshot", torch.tensor([0.9, 0.5, 0.25]))',
            "source": '''\
def snapshot(tensor):
    """Copy a tensor's current values into an independent NumPy array.

    Args:
        tensor: a CPU tensor of any shape and dtype; it may have requires_grad=True.

    Returns:
        A numpy.ndarray with the same shape, dtype and values that does NOT share memory with
        `tensor`: changing the tensor in place afterwards must not change the array, and
        changing the array must not change the tensor.
    """
    return np.array(tensor.tolist())
''',
        },
        {
            "bug": "clones but forgets detach: .numpy() raises on a tensor that requires grad",
            "bug_class": "raises on requires_grad input",
            "mistakes": ("raised",),
            "names": ("RuntimeError", "detach", "requires grad"),
            "witness": 'differs("snapshot", torch.tensor([1.0, -1.0], requires_grad=True))',
            "source": '''\
def snapshot(tensor):
    """Copy a tensor's current values into an independent NumPy array.

    Args:
        tensor: a CPU tensor of any shape and dtype; it may have requires_grad=True.

    Returns:
        A numpy.ndarray with the same shape, dtype and values that does NOT share memory with
        `tensor`: changing the tensor in place afterwards must not change the array, and
        changing the array must not change the tensor.
    """
    return tensor.clone().numpy()
''',
        },
        {
            "bug": "returns an independent copy, but as a tensor, not a NumPy array",
            "bug_class": "wrong return type",
            "mistakes": ("return_type",),
            "names": ("should return", "ndarray", "NumPy"),
            "witness": 'differs("snapshot", torch.tensor([0.9, 0.5, 0.25]))',
            "source": '''\
def snapshot(tensor):
    """Copy a tensor's current values into an independent NumPy array.

    Args:
        tensor: a CPU tensor of any shape and dtype; it may have requires_grad=True.

    Returns:
        A numpy.ndarray with the same shape, dtype and values that does NOT share memory with
        `tensor`: changing the tensor in place afterwards must not change the array, and
        changing the array must not change the tensor.
    """
    return tensor.detach().clone()
''',
        },
    ],
    "ex_scale_rows_": [
        {
            "bug": (
                "multiplies by the (num_rows,) factors directly: they broadcast along the "
                "columns (right only for a square matrix with equal factors, raises otherwise)"
            ),
            "bug_class": "missing size-1 dimension",
            "mistakes": ("size1", "raised", "transpose"),
            "names": ("size-1 dimension", "unsqueeze", "(num_rows, 1)"),
            "witness": 'differs("scale_rows_", torch.ones(2, 2), torch.tensor([2.0, 3.0]))',
            "source": '''\
def scale_rows_(matrix, factors):
    """Multiply each row of `matrix` by its own factor, in place.

    Args:
        matrix: float tensor of shape (num_rows, num_cols); it is modified.
        factors: float tensor of shape (num_rows,) with the same dtype.

    Returns:
        `matrix` itself (the same object, the same memory), now with row i multiplied by
        factors[i].
    """
    return matrix.mul_(factors)
''',
        },
        {
            "bug": "uses unsqueeze_ on the factors: the caller's factors tensor changes shape",
            "bug_class": "modifies an input it must not",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "changed the factors", "unsqueeze_"),
            "witness": 'differs("scale_rows_", torch.ones(2, 3), torch.tensor([2.0, 3.0]))',
            "source": '''\
def scale_rows_(matrix, factors):
    """Multiply each row of `matrix` by its own factor, in place.

    Args:
        matrix: float tensor of shape (num_rows, num_cols); it is modified.
        factors: float tensor of shape (num_rows,) with the same dtype.

    Returns:
        `matrix` itself (the same object, the same memory), now with row i multiplied by
        factors[i].
    """
    factors.unsqueeze_(1)
    return matrix.mul_(factors)
''',
        },
        {
            "bug": "scales in place but returns nothing",
            "bug_class": "wrong return type (None)",
            "mistakes": ("return_type",),
            "names": ("should return", "None", "same object"),
            "witness": 'differs("scale_rows_", torch.ones(2, 3), torch.tensor([2.0, 3.0]))',
            "source": '''\
def scale_rows_(matrix, factors):
    """Multiply each row of `matrix` by its own factor, in place.

    Args:
        matrix: float tensor of shape (num_rows, num_cols); it is modified.
        factors: float tensor of shape (num_rows,) with the same dtype.

    Returns:
        `matrix` itself (the same object, the same memory), now with row i multiplied by
        factors[i].
    """
    matrix.mul_(factors.unsqueeze(1))
''',
        },
    ],
    "ex_pairwise_scores": [
        {
            "bug": (
                "queries @ keys without the transpose: right shape only when dim == num_keys, "
                "and wrong values then"
            ),
            "bug_class": "transpose",
            "mistakes": ("transpose", "raised"),
            "names": ("transpose", ".T"),
            "witness": (
                'differs("pairwise_scores", torch.tensor([[1.0, 2.0], [3.0, 4.0]]), '
                "torch.tensor([[0.0, 1.0], [5.0, 1.0]]))"
            ),
            "source": '''\
def pairwise_scores(queries, keys):
    """Dot product of every query with every key.

    Args:
        queries: float tensor of shape (num_queries, dim).
        keys: float tensor of shape (num_keys, dim), same dtype.

    Returns:
        A tensor of shape (num_queries, num_keys) whose entry [i, j] is the dot product
        queries[i] · keys[j], same dtype as the inputs.
    """
    return queries @ keys
''',
        },
        {
            "bug": "casts to float32 before the product: float64 inputs give a float32 result",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float64"),
            "witness": (
                'differs("pairwise_scores", torch.ones(2, 3, dtype=torch.float64), '
                "torch.ones(4, 3, dtype=torch.float64))"
            ),
            "source": '''\
def pairwise_scores(queries, keys):
    """Dot product of every query with every key.

    Args:
        queries: float tensor of shape (num_queries, dim).
        keys: float tensor of shape (num_keys, dim), same dtype.

    Returns:
        A tensor of shape (num_queries, num_keys) whose entry [i, j] is the dot product
        queries[i] · keys[j], same dtype as the inputs.
    """
    return queries.float() @ keys.float().T
''',
        },
        {
            "bug": "scaled dot product from attention: divides by sqrt(dim)",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor", "sqrt"),
            "witness": 'differs("pairwise_scores", torch.ones(2, 4), torch.ones(3, 4))',
            "source": '''\
def pairwise_scores(queries, keys):
    """Dot product of every query with every key.

    Args:
        queries: float tensor of shape (num_queries, dim).
        keys: float tensor of shape (num_keys, dim), same dtype.

    Returns:
        A tensor of shape (num_queries, num_keys) whose entry [i, j] is the dot product
        queries[i] · keys[j], same dtype as the inputs.
    """
    return queries @ keys.T / queries.shape[1] ** 0.5
''',
        },
    ],
    "ex_best_per_subject": [
        {
            "bug": "returns max(dim=0): the (values, indices) pair instead of the indices",
            "bug_class": "wrong return type (tuple)",
            "mistakes": ("return_type",),
            "names": ("should return", "indices", "tuple"),
            "witness": 'differs("best_per_subject", torch.tensor([[1.0, 5.0], [3.0, 2.0]]))',
            "source": '''\
def best_per_subject(scores):
    """Index of the top student in each subject.

    Args:
        scores: float tensor of shape (num_students, num_subjects), one row per student.

    Returns:
        An int64 tensor of shape (num_subjects,) whose entry j is the row index of the student
        with the highest score in subject j (the first such student if there is a tie).
    """
    return scores.max(dim=0)
''',
        },
        {
            "bug": "keepdim=True out of habit: shape (1, num_subjects)",
            "bug_class": "extra size-1 dimension",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dimension", "keepdim"),
            "witness": 'differs("best_per_subject", torch.tensor([[1.0, 5.0], [3.0, 2.0]]))',
            "source": '''\
def best_per_subject(scores):
    """Index of the top student in each subject.

    Args:
        scores: float tensor of shape (num_students, num_subjects), one row per student.

    Returns:
        An int64 tensor of shape (num_subjects,) whose entry j is the row index of the student
        with the highest score in subject j (the first such student if there is a tie).
    """
    return scores.argmax(dim=0, keepdim=True)
''',
        },
        {
            "bug": "a loop with >= keeps the LAST top student on a tie",
            "bug_class": "ties",
            "mistakes": (),
            "names": ("tie", "first such", "first student"),
            "witness": 'differs("best_per_subject", torch.tensor([[4.0, 1.0], [4.0, 2.0]]))',
            "source": '''\
def best_per_subject(scores):
    """Index of the top student in each subject.

    Args:
        scores: float tensor of shape (num_students, num_subjects), one row per student.

    Returns:
        An int64 tensor of shape (num_subjects,) whose entry j is the row index of the student
        with the highest score in subject j (the first such student if there is a tie).
    """
    best = []
    for subject in range(scores.shape[1]):
        top = 0
        for student in range(scores.shape[0]):
            if scores[student, subject] >= scores[top, subject]:
                top = student
        best.append(top)
    return torch.tensor(best)
''',
        },
    ],
    "ex_center_rows": [
        {
            "bug": "subtracts in place: the caller's tensor is centred too",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": 'differs("center_rows", torch.tensor([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]]))',
            "source": '''\
def center_rows(x):
    """Subtract each row's mean from that row.

    Args:
        x: float tensor of shape (num_rows, num_cols); it is not modified.

    Returns:
        A tensor of the same shape and dtype where row i is x[i] minus the mean of x[i].
    """
    x -= x.mean(dim=1, keepdim=True)
    return x
''',
        },
        {
            "bug": "subtracts the mean of the whole tensor instead of each row's",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "dim=1", "each row's mean", "whole tensor"),
            "witness": 'differs("center_rows", torch.tensor([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]]))',
            "source": '''\
def center_rows(x):
    """Subtract each row's mean from that row.

    Args:
        x: float tensor of shape (num_rows, num_cols); it is not modified.

    Returns:
        A tensor of the same shape and dtype where row i is x[i] minus the mean of x[i].
    """
    return x - x.mean()
''',
        },
        {
            "bug": "standardises the rows (divides by their std) instead of only centring them",
            "bug_class": "extra operation (standardise)",
            "mistakes": (),
            "names": ("std", "standardi"),
            "witness": 'differs("center_rows", torch.tensor([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]]))',
            "source": '''\
def center_rows(x):
    """Subtract each row's mean from that row.

    Args:
        x: float tensor of shape (num_rows, num_cols); it is not modified.

    Returns:
        A tensor of the same shape and dtype where row i is x[i] minus the mean of x[i].
    """
    return (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True)
''',
        },
    ],
    "ex_rows_where": [
        {
            "bug": ">= instead of >: a row whose value equals the threshold is kept",
            "bug_class": "boundary (strict comparison)",
            "mistakes": (),
            "names": ("strictly", ">=", "equals the threshold"),
            "witness": 'differs("rows_where", torch.tensor([[4.0, 1.0], [5.0, 2.0]]), 0, 4.0)',
            "source": '''\
def rows_where(data, column, threshold):
    """Rows of `data` whose entry in `column` exceeds `threshold`.

    Args:
        data: tensor of shape (num_rows, num_cols), any numeric dtype.
        column: an int, the column to test.
        threshold: a number; a row is kept when data[row, column] > threshold (strictly).

    Returns:
        A tensor of shape (num_kept, num_cols), same dtype, holding the kept rows (all their
        columns) in their original order; shape (0, num_cols) when no row passes.
    """
    return data[data[:, column] >= threshold]
''',
        },
        {
            "bug": "converts the kept rows to float: integer data changes dtype",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "int64"),
            "witness": 'differs("rows_where", torch.tensor([[4, 1], [5, 2]]), 0, 4)',
            "source": '''\
def rows_where(data, column, threshold):
    """Rows of `data` whose entry in `column` exceeds `threshold`.

    Args:
        data: tensor of shape (num_rows, num_cols), any numeric dtype.
        column: an int, the column to test.
        threshold: a number; a row is kept when data[row, column] > threshold (strictly).

    Returns:
        A tensor of shape (num_kept, num_cols), same dtype, holding the kept rows (all their
        columns) in their original order; shape (0, num_cols) when no row passes.
    """
    keep = data[:, column] > threshold
    return data[keep].float()
''',
        },
        {
            "bug": "stacks the kept rows in a loop: torch.stack raises when no row passes",
            "bug_class": "empty selection",
            "mistakes": ("raised",),
            "names": ("RuntimeError", "no row", "empty"),
            "witness": 'differs("rows_where", torch.tensor([[4.0, 1.0], [5.0, 2.0]]), 0, 9.0)',
            "source": '''\
def rows_where(data, column, threshold):
    """Rows of `data` whose entry in `column` exceeds `threshold`.

    Args:
        data: tensor of shape (num_rows, num_cols), any numeric dtype.
        column: an int, the column to test.
        threshold: a number; a row is kept when data[row, column] > threshold (strictly).

    Returns:
        A tensor of shape (num_kept, num_cols), same dtype, holding the kept rows (all their
        columns) in their original order; shape (0, num_cols) when no row passes.
    """
    return torch.stack([row for row in data if row[column] > threshold])
''',
        },
    ],
    "ex_flatten_channels_first": [
        {
            "bug": "view() after permute: raises, the permuted tensor is not contiguous",
            "bug_class": "raises (view of a non-contiguous tensor)",
            "mistakes": ("raised",),
            "names": ("RuntimeError", "contiguous", "reshape"),
            "witness": 'differs("flatten_channels_first", torch.arange(24).reshape(2, 2, 3, 2))',
            "source": '''\
def flatten_channels_first(images):
    """Flatten channels-last images into channels-first vectors.

    Args:
        images: tensor of shape (num_images, height, width, channels), any dtype.

    Returns:
        A tensor of shape (num_images, channels * height * width), same dtype, whose row n is
        image n in (channels, height, width) order flattened: channel 0 row by row, then
        channel 1, ...
    """
    return images.permute(0, 3, 1, 2).view(images.shape[0], -1)
''',
        },
        {
            "bug": "flatten() without start_dim: the whole batch becomes one vector",
            "bug_class": "wrong shape (batch dimension flattened)",
            "mistakes": ("shape",),
            "names": ("shape", "start_dim"),
            "witness": 'differs("flatten_channels_first", torch.arange(24).reshape(2, 2, 3, 2))',
            "source": '''\
def flatten_channels_first(images):
    """Flatten channels-last images into channels-first vectors.

    Args:
        images: tensor of shape (num_images, height, width, channels), any dtype.

    Returns:
        A tensor of shape (num_images, channels * height * width), same dtype, whose row n is
        image n in (channels, height, width) order flattened: channel 0 row by row, then
        channel 1, ...
    """
    return images.permute(0, 3, 1, 2).flatten()
''',
        },
        {
            "bug": (
                "permute(3, 0, 1, 2) moves the channels in front of the batch: the rows mix "
                "images"
            ),
            "bug_class": "wrong permutation",
            "mistakes": ("transpose",),
            "names": ("permut",),
            "witness": 'differs("flatten_channels_first", torch.arange(24).reshape(2, 2, 3, 2))',
            "source": '''\
def flatten_channels_first(images):
    """Flatten channels-last images into channels-first vectors.

    Args:
        images: tensor of shape (num_images, height, width, channels), any dtype.

    Returns:
        A tensor of shape (num_images, channels * height * width), same dtype, whose row n is
        image n in (channels, height, width) order flattened: channel 0 row by row, then
        channel 1, ...
    """
    return images.permute(3, 0, 1, 2).reshape(images.shape[0], -1)
''',
        },
    ],
    "ex_batch_samples": [
        {
            "bug": (
                "torch.tensor on a list of tensors: raises for samples with more than one "
                "element"
            ),
            "bug_class": "raises (torch.tensor of tensors)",
            "mistakes": ("raised",),
            "names": ("torch.stack", "stack the"),
            "witness": 'differs("batch_samples", [torch.ones(3), torch.zeros(3)])',
            "source": '''\
def batch_samples(samples):
    """Combine single samples into a batch.

    Args:
        samples: a non-empty list of tensors that all have the same shape `sample_shape`
            and dtype.

    Returns:
        A tensor of shape (len(samples), *sample_shape) whose entry [i] equals samples[i].
    """
    return torch.tensor(samples)
''',
        },
        {
            "bug": "cat then reshape to (len, -1): right for 1-D samples, flattens (2, 3) samples",
            "bug_class": "only right on 1-D samples (shape)",
            "mistakes": ("shape",),
            "names": ("shape", "stack"),
            "witness": 'differs("batch_samples", [torch.ones(2, 3), torch.zeros(2, 3)])',
            "source": '''\
def batch_samples(samples):
    """Combine single samples into a batch.

    Args:
        samples: a non-empty list of tensors that all have the same shape `sample_shape`
            and dtype.

    Returns:
        A tensor of shape (len(samples), *sample_shape) whose entry [i] equals samples[i].
    """
    return torch.cat(samples).reshape(len(samples), -1)
''',
        },
        {
            "bug": "stack then squeeze(): a batch of one loses its batch dimension",
            "bug_class": "batch of one (size-1 dimension removed)",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dimension", "squeeze"),
            "witness": 'differs("batch_samples", [torch.tensor([3, 1, 2])])',
            "source": '''\
def batch_samples(samples):
    """Combine single samples into a batch.

    Args:
        samples: a non-empty list of tensors that all have the same shape `sample_shape`
            and dtype.

    Returns:
        A tensor of shape (len(samples), *sample_shape) whose entry [i] equals samples[i].
    """
    return torch.stack(samples).squeeze()
''',
        },
    ],
    "ex_nearest_centroid": [
        {
            "bug": (
                "calls torch.cdist, which the exercise asks to compute by broadcasting"
            ),
            "bug_class": "forbidden built-in",
            "mistakes": ("forbidden",),
            "names": ("must not call", "cdist"),
            "witness": (
                'differs_call(lambda ns: forbidden(torch, "cdist", lambda: '
                "ns.nearest_centroid(torch.tensor([[0.0, 0.0], [5.0, 5.0]]), torch.tensor([[1.0, "
                "1.0], [4.0, 4.0]]))))"
            ),
            "source": '''\
def nearest_centroid(points, centroids):
    """Index of the nearest centroid (Euclidean distance) for every point.

    Args:
        points: float tensor of shape (num_points, dim); num_points may be 0.
        centroids: float tensor of shape (num_centroids, dim), same dtype, num_centroids >= 1.

    Returns:
        An int64 tensor of shape (num_points,) whose entry i is the index of the centroid
        closest to points[i]; when several centroids are equally close, the smallest of their
        indices. Shape (0,) when there are no points. Neither input is modified.

    Use broadcasting and reductions: no Python loop over points or centroids, no torch.cdist.
    """
    return torch.cdist(points, centroids).argmin(dim=1)
''',
        },
        {
            "bug": (
                "sums the squared differences over the centroid dimension instead of the "
                "coordinates"
            ),
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "coordinates", "dim=2", "dim=-1"),
            "witness": (
                'differs("nearest_centroid", torch.tensor([[0.0, 0.0], [5.0, 5.0]]), '
                "torch.tensor([[1.0, 1.0], [4.0, 4.0], [9.0, 0.0]]))"
            ),
            "source": '''\
def nearest_centroid(points, centroids):
    """Index of the nearest centroid (Euclidean distance) for every point.

    Args:
        points: float tensor of shape (num_points, dim); num_points may be 0.
        centroids: float tensor of shape (num_centroids, dim), same dtype, num_centroids >= 1.

    Returns:
        An int64 tensor of shape (num_points,) whose entry i is the index of the centroid
        closest to points[i]; when several centroids are equally close, the smallest of their
        indices. Shape (0,) when there are no points. Neither input is modified.

    Use broadcasting and reductions: no Python loop over points or centroids, no torch.cdist.
    """
    differences = points[:, None, :] - centroids[None, :, :]  # (points, centroids, dim)
    squared_distances = (differences ** 2).sum(dim=1)
    return squared_distances.argmin(dim=1)
''',
        },
        {
            "bug": (
                "a loop over the points that stacks the indices: raises when there are no points"
            ),
            "bug_class": "empty input (0 points)",
            "mistakes": ("raised",),
            "names": ("no points", "0 points", "zero points", "num_points = 0", "python loop"),
            "witness": (
                'differs("nearest_centroid", torch.zeros(0, 2), torch.tensor([[1.0, 1.0], [4.0, '
                "4.0]]))"
            ),
            "source": '''\
def nearest_centroid(points, centroids):
    """Index of the nearest centroid (Euclidean distance) for every point.

    Args:
        points: float tensor of shape (num_points, dim); num_points may be 0.
        centroids: float tensor of shape (num_centroids, dim), same dtype, num_centroids >= 1.

    Returns:
        An int64 tensor of shape (num_points,) whose entry i is the index of the centroid
        closest to points[i]; when several centroids are equally close, the smallest of their
        indices. Shape (0,) when there are no points. Neither input is modified.

    Use broadcasting and reductions: no Python loop over points or centroids, no torch.cdist.
    """
    indices = []
    for point in points:
        squared_distances = ((centroids - point) ** 2).sum(dim=1)  # (num_centroids,)
        indices.append(squared_distances.argmin())
    return torch.stack(indices)
''',
        },
    ],
    "ex_label_scores": [
        {
            "bug": (
                "gather without squeezing: a column (num_samples, 1) instead of (num_samples,)"
            ),
            "bug_class": "extra size-1 dimension",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dim", "(num_samples, 1)", "squeeze"),
            "witness": (
                'differs("label_scores", torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), '
                "torch.tensor([2, 0]))"
            ),
            "source": '''\
def label_scores(logits, labels):
    """The score each sample gave to its own label.

    Args:
        logits: float tensor of shape (num_samples, num_classes), on any device.
        labels: int64 tensor of shape (num_samples,), same device, each label in
            0..num_classes-1; labels may repeat. num_samples may be 0 or 1.

    Returns:
        A tensor of shape (num_samples,) with the dtype and device of `logits`, whose entry i
        is logits[i, labels[i]]; shape (0,) when there are no samples. Neither input is
        modified.

    Use integer-array indexing, not a Python loop.
    """
    return logits.gather(1, labels.unsqueeze(1))
''',
        },
        {
            "bug": (
                "builds a new tensor from a list of Python numbers: always float32 on the CPU"
            ),
            "bug_class": "dtype policy (result rebuilt from floats)",
            "mistakes": ("dtype",),
            "names": ("dtype", "float64"),
            "witness": (
                'differs("label_scores", torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], '
                "dtype=torch.float64), torch.tensor([2, 0]))"
            ),
            "source": '''\
def label_scores(logits, labels):
    """The score each sample gave to its own label.

    Args:
        logits: float tensor of shape (num_samples, num_classes), on any device.
        labels: int64 tensor of shape (num_samples,), same device, each label in
            0..num_classes-1; labels may repeat. num_samples may be 0 or 1.

    Returns:
        A tensor of shape (num_samples,) with the dtype and device of `logits`, whose entry i
        is logits[i, labels[i]]; shape (0,) when there are no samples. Neither input is
        modified.

    Use integer-array indexing, not a Python loop.
    """
    return torch.tensor([logits[i, labels[i]].item() for i in range(len(labels))])
''',
        },
        {
            "bug": (
                "one_hot(labels) without num_classes: as wide as the largest label, so the "
                "product fails when the last class is missing from the labels"
            ),
            "bug_class": "only right when every class appears (width from the data)",
            "mistakes": ("raised",),
            "names": ("num_classes", "one_hot", "largest label"),
            "witness": (
                'differs("label_scores", torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), '
                "torch.tensor([1, 0]))"
            ),
            "source": '''\
def label_scores(logits, labels):
    """The score each sample gave to its own label.

    Args:
        logits: float tensor of shape (num_samples, num_classes), on any device.
        labels: int64 tensor of shape (num_samples,), same device, each label in
            0..num_classes-1; labels may repeat. num_samples may be 0 or 1.

    Returns:
        A tensor of shape (num_samples,) with the dtype and device of `logits`, whose entry i
        is logits[i, labels[i]]; shape (0,) when there are no samples. Neither input is
        modified.

    Use integer-array indexing, not a Python loop.
    """
    one_hot = nn.functional.one_hot(labels).to(logits.dtype)  # (num_samples, max label + 1)
    return (logits * one_hot).sum(dim=1)
''',
        },
    ],
}
