"""The most common wrong answer to each exercise of ch01_tensors (one per solution grade_id).

tests/grade/test_chapters.py puts all of them in one submission at once and requires every test cell
to score 0.
"""

WRONG_ANSWERS: dict[str, str] = {
    # randint's upper bound read as inclusive: the die never shows a 6
    "ex_dice_rolls": '''\
def dice_rolls(num_rolls, seed):
    """Roll a fair six-sided die num_rolls times, reproducibly."""
    torch.manual_seed(seed)
    return torch.randint(1, 6, (num_rolls,))
''',
    # floor division on integers: every pixel below 255 becomes 0
    "ex_normalize_pixels": '''\
def normalize_pixels(image):
    """Turn an 8-bit image into float32 values between 0 and 1."""
    return (image // 255).float()
''',
    # .numpy() shares the tensor's memory, so the "snapshot" follows later in-place changes
    "ex_snapshot": '''\
def snapshot(tensor):
    """Copy a tensor's current values into an independent NumPy array."""
    return tensor.detach().numpy()
''',
    # an out-of-place product: a new tensor is returned and the matrix itself never changes
    "ex_scale_rows_": '''\
def scale_rows_(matrix, factors):
    """Multiply each row of matrix by its own factor, in place."""
    return matrix * factors.unsqueeze(1)
''',
    # elementwise * then sum: only query i with key i, not every pair
    "ex_pairwise_scores": '''\
def pairwise_scores(queries, keys):
    """Dot product of every query with every key."""
    return (queries * keys).sum(dim=1)
''',
    # reduces over the wrong dimension: the best subject of each student
    "ex_best_per_subject": '''\
def best_per_subject(scores):
    """Index of the top student in each subject."""
    return scores.argmax(dim=1)
''',
    # keepdim forgotten: the (num_rows,) means broadcast along the rows instead of down them
    "ex_center_rows": '''\
def center_rows(x):
    """Subtract each row's mean from that row."""
    return x - x.mean(dim=1)
''',
    # argmin over the points (dim 0): the nearest point of each centre, not the nearest centre
    "ex_nearest_centroid": '''\
def nearest_centroid(points, centroids):
    """Index of the nearest centroid for every point."""
    distances = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(dim=2)
    return distances.argmin(dim=0)
''',
    # a mask over the whole tensor picks single elements, not rows
    "ex_rows_where": '''\
def rows_where(data, column, threshold):
    """Rows of data whose entry in column exceeds threshold."""
    return data[data > threshold]
''',
    # whole label columns for every row instead of one element per row
    "ex_label_scores": '''\
def label_scores(logits, labels):
    """The score each sample gave to its own label."""
    return logits[:, labels]
''',
    # reshape without permute: the channels stay interleaved pixel by pixel
    "ex_flatten_channels_first": '''\
def flatten_channels_first(images):
    """Flatten channels-last images into channels-first vectors."""
    return images.reshape(images.shape[0], -1)
''',
    # cat glues the samples end to end instead of adding a batch dimension
    "ex_batch_samples": '''\
def batch_samples(samples):
    """Combine single samples into a batch."""
    return torch.cat(samples, dim=0)
''',
}
