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
    "ch05_losses": [
        ("mse_loss", 2, "test_mse_loss"),
        ("huber_loss", 2, "test_huber_loss"),
        ("fit_constant", 2, "test_fit_constant"),
        ("binary_cross_entropy", 2, "test_binary_cross_entropy"),
        ("bce_with_logits", 2, "test_bce_with_logits"),
        ("cross_entropy", 2, "test_cross_entropy"),
        ("soft_cross_entropy", 2, "test_soft_cross_entropy"),
        ("cross_entropy_gradient", 2, "test_cross_entropy_gradient"),
        ("linear_mse_gradients", 3, "test_linear_mse_gradients"),
        ("manual_sgd_step", 3, "test_manual_sgd_step"),
        ("task_loss", 3, "test_task_loss"),
    ],
    "ch06_optimizers": [
        ("count_iterations", 1, "test_count_iterations"),
        ("exponential_moving_average", 2, "test_exponential_moving_average"),
        ("sgd_momentum_step", 2, "test_sgd_momentum_step"),
        ("adagrad_step", 2, "test_adagrad_step"),
        ("rmsprop_step", 2, "test_rmsprop_step"),
        ("adam_step", 3, "test_adam_step"),
        ("step_lr", 1, "test_step_lr"),
        ("multistep_lr", 2, "test_multistep_lr"),
        ("exponential_lr", 1, "test_exponential_lr"),
        ("train_with_scheduler", 3, "test_train_with_scheduler"),
        ("lr_range_test", 3, "test_lr_range_test"),
        ("warmup_cosine_lr", 2, "test_warmup_cosine_lr"),
    ],
    "ch07_regularization": [
        ("loss_by_correctness", 2, "test_loss_by_correctness"),
        ("inverted_dropout", 3, "test_inverted_dropout"),
        ("InvertedDropout", 2, "test_dropout_module"),
        ("evaluate_loss", 2, "test_evaluate_loss"),
        ("batch_norm_train", 3, "test_batch_norm_train"),
        ("batch_norm_eval", 2, "test_batch_norm_eval"),
        ("make_block", 1, "test_block"),
        ("l2_penalty", 2, "test_l2_penalty"),
        ("train_with_explicit_l2", 2, "test_explicit_l2"),
        ("train_with_early_stopping", 3, "test_early_stopping"),
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
