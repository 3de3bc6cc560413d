"""Prose numbers of ch06_optimizers, recomputed: one test per claim (see tests/claims.py)."""

import math

import torch

from course import lr_explorer
from tests import claims

CHAPTER = "ch06_optimizers"


def first_step(optimizer_class, **settings) -> float:
    """How far one step of a real optimizer moves from 0 on a gradient of 1, in units of lr."""
    path = lr_explorer.torch_trajectory(optimizer_class, torch.zeros(1, dtype=torch.float64),
                                        lambda point: torch.ones(1, dtype=torch.float64),
                                        num_steps=1, lr=0.01, **settings)
    return abs(path[1, 0].item()) / 0.01


def order_of_magnitude(value: float) -> str:
    """``1e-7`` for 1.2e-7: how prose quotes a rounding error."""
    return f"1e-{-math.floor(math.log10(value))}"


def test_ewa_memory_is_one_over_one_minus_beta():
    text = claims.markdown(CHAPTER, "roughly\nthe last `1 / (1 - β)` values")
    claims.assert_quotes(text, 1 / (1 - 0.9), ".0f")
    claims.assert_quotes(text, 1 / (1 - 0.999), ".0f")


def test_uncorrected_ewa_catches_up_only_after_29_steps():
    text = claims.markdown(CHAPTER, "slow to catch up")
    claims.assert_quotes(text, 1 / (1 - 0.9), ".0f")
    claims.assert_quotes(text, 1 - 0.9 ** 10, ".0%")
    steps = next(t for t in range(1, 100) if 1 - 0.9 ** t >= 0.95)
    assert f"`t = {steps}`" in text and steps == 29


def test_float32_rounding_is_near_the_tolerance_and_float64_far_below():
    def adam_by_formula(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps):
        exp_avg = beta1 * exp_avg + (1 - beta1) * grad
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
        denominator = (exp_avg_sq / (1 - beta2 ** step)).sqrt() + eps
        return param - lr * exp_avg / (1 - beta1 ** step) / denominator, exp_avg, exp_avg_sq

    text = claims.markdown(CHAPTER, "uncomfortably close to a 1e-6 tolerance")
    for dtype in (torch.float32, torch.float64):
        features, targets = lr_explorer.make_least_squares(seed=0)
        gradient = lr_explorer.least_squares_gradient(features.to(dtype), targets.to(dtype))
        start = torch.zeros(4, dtype=dtype)
        difference = (lr_explorer.torch_trajectory(torch.optim.Adam, start, gradient, 60, lr=0.05)
                      - lr_explorer.scratch_trajectory(
                          adam_by_formula, start, gradient, 60, num_state=2, pass_step=True,
                          lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8)).abs().max().item()
        assert f"about {order_of_magnitude(difference)} in" in text, (dtype, difference)


def test_momentum_steps_grow_to_one_over_one_minus_mu():
    text = claims.markdown(CHAPTER, "the steps become 10\ntimes longer")
    path = lr_explorer.torch_trajectory(torch.optim.SGD, torch.zeros(1, dtype=torch.float64),
                                        lambda point: torch.ones(1, dtype=torch.float64),
                                        num_steps=300, lr=0.01, momentum=0.9)
    ratio = (path[-2] - path[-1]).item() / 0.01
    assert math.isclose(ratio, 10.0, rel_tol=1e-9)
    claims.assert_quotes(text, ratio, ".0f")


def test_textbook_momentum_needs_lr_alpha_times_one_minus_beta():
    text = claims.markdown(CHAPTER, "the textbook path equals PyTorch's")
    claims.assert_quotes(text, 0.5 * (1 - 0.9), ".2f")


def test_adagrad_step_after_100_equal_gradients_is_10_times_smaller():
    text = claims.markdown(CHAPTER, "after 100 equal\ngradients")
    path = lr_explorer.torch_trajectory(torch.optim.Adagrad, torch.zeros(1, dtype=torch.float64),
                                        lambda point: torch.ones(1, dtype=torch.float64),
                                        num_steps=100, lr=0.01)
    steps = (path[:-1] - path[1:]).reshape(-1)  # (100,)
    claims.assert_quotes(text, (steps[0] / steps[-1]).item(), ".0f")


def test_adam_without_correction_moves_3_16_lr_first():
    text = claims.markdown(CHAPTER, "the two averages are\nbiased by different factors")
    uncorrected = 0.1 / math.sqrt(0.001)  # m = 0.1 g, v = 0.001 g**2 after one step
    claims.assert_quotes(text, uncorrected, ".2f")
    claims.assert_quotes(text, 1 - 0.9, ".1f")
    claims.assert_quotes(text, 1 - 0.999, ".3f")


def test_first_steps_rmsprop_3_16_and_10_lr_adam_and_adagrad_lr():
    text = claims.markdown(CHAPTER, "RMSProp is different: it has **no** bias correction")
    claims.assert_quotes(text, first_step(torch.optim.RMSprop, alpha=0.9), ".2f")
    claims.assert_quotes(text, first_step(torch.optim.RMSprop, alpha=0.99), ".0f")
    assert math.isclose(first_step(torch.optim.Adam), 1.0, rel_tol=1e-5)
    assert math.isclose(first_step(torch.optim.Adagrad), 1.0, rel_tol=1e-5)


def test_surfaces_section_quotes_rmsprop_first_step():
    text = claims.markdown(CHAPTER, "## 8. The optimizers on 2-D loss surfaces")
    claims.assert_quotes(text, first_step(torch.optim.RMSprop, alpha=0.9), ".2f")


def test_too_small_learning_rate_leaves_x_share():
    text = claims.markdown(CHAPTER, "**too small** (`lr = 0.001`)")
    run = lr_explorer.run_optimizer("quadratic", "SGD", 0.001)
    (x_start, y_start), (x_end, y_end) = run.path[0], run.path[-1]
    claims.assert_quotes(text, x_end / x_start, ".2f")
    claims.assert_quotes(text, y_end / y_start, ".2f")
    claims.assert_quotes(text, float(run.losses[0]), ".1f")
    claims.assert_quotes(text, run.final_loss, ".2f")
    claims.assert_quotes(text, 0.5 * x_end ** 2, ".2f")


def test_sgd_limit_on_the_quadratic_is_two_over_l():
    text = claims.markdown(CHAPTER, "## 9. How large may the learning rate be?")
    largest = lr_explorer.SURFACES["quadratic"].max_curvature
    assert f"`L = {largest:g}`" in text
    claims.assert_quotes(text, 2 / largest, ".1f")
