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
    "ch03_activations": [
        ("collapse_linear", 2, "test_collapse_linear"),
        ("sigmoid", 1, "test_sigmoid"),
        ("tanh", 2, "test_tanh"),
        ("leaky_relu", 1, "test_leaky_relu"),
        ("softmax", 3, "test_softmax"),
        ("two_class_probability", 1, "test_two_class_probability"),
        ("sigmoid_derivative", 1, "test_sigmoid_derivative"),
        ("saturated_share", 2, "test_saturated_share"),
        ("gradient_through_stack", 2, "test_gradient_through_stack"),
        ("dead_unit_share", 2, "test_dead_unit_share"),
        ("build_mlp", 3, "test_build_mlp"),
    ],
    "ch04_init_and_networks": [
        ("linear_forward", 2, "test_linear_forward"),
        ("TwoLayerNet", 3, "test_two_layer_net"),
        ("make_mlp", 2, "test_make_mlp"),
        ("count_mlp_parameters", 1, "test_count_parameters"),
        ("make_identity_mlp", 1, "test_identity_mlp"),
        ("xavier_uniform_bound", 2, "test_xavier_uniform_bound"),
        ("kaiming_normal_std", 2, "test_kaiming_normal_std"),
        ("default_linear_weight_std", 2, "test_default_linear_std"),
        ("kaiming_normal_from_scratch_", 2, "test_kaiming_from_scratch"),
        ("init_for_relu", 2, "test_init_for_relu"),
        ("TanhReluNet", 2, "test_tanh_relu_net"),
        ("count_distinct_units", 2, "test_count_distinct_units"),
        ("activation_stds", 3, "test_activation_stds"),
    ],
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
