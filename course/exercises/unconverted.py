"""The exercises of the chapters not converted to the checker yet: name, number and points.

Enough for a demo or test cell that needs an unsolved exercise to say so in one line
(``Exercise 3 (`make_mlp`) is not solved yet``); no cases, no contract. A test keeps this list
equal to the source notebooks' graded cells, in order.
"""

from typing import NamedTuple


class Listed(NamedTuple):
    """An exercise of an unconverted chapter, as its notebook numbers and grades it."""

    name: str  # the function or class the student writes
    chapter: str
    number: int  # Exercise 3
    points: int
    grade_id: str  # of its test cell


_BY_CHAPTER = {  # (name, points, test cell grade_id) in notebook order: Exercise 1, 2, ...
    "ch08_capstone": [
        ("split_indices", 2, "test_split_indices"),
        ("scale_splits", 2, "test_scale_splits"),
        ("make_model", 2, "test_make_model"),
        ("train_model", 3, "test_train_model"),
        ("predict", 2, "test_predict"),
        ("evaluate", 2, "test_evaluate"),
        ("fit", 4, "test_fit"),
        ("confused_pairs", 2, "test_confused_pairs"),
        ("save_and_reload", 2, "test_save_and_reload"),
        ("PhoneClassifier", 3, "test_phone_classifier"),
    ],
}

EXERCISES = tuple(Listed(name, chapter, number, points, grade_id)
                  for chapter, rows in _BY_CHAPTER.items()
                  for number, (name, points, grade_id) in enumerate(rows, start=1))
