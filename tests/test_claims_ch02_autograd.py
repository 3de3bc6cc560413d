"""Numbers the prose of ch02_autograd states, recomputed (one test per claim, named after it)."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from tests import claims

CHAPTER = "ch02_autograd"


def _text(anchor: str) -> str:
    """The markdown cell containing ``anchor``, with Unicode minus signs made ASCII."""
    return claims.markdown(CHAPTER, anchor).replace("−", "-")


def _sgd_on_shifted_square(learning_rate: float, num_steps: int) -> tuple[list[float], list[float]]:
    """(points, losses before each step) of torch.optim.SGD on (w - 3)² from w = 0."""
    point = torch.tensor(0.0, requires_grad=True)
    optimizer = torch.optim.SGD([point], lr=learning_rate)
    points, losses = [], []
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = (point - 3.0) ** 2
        points.append(point.item())
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return points, losses


def test_derivative_of_x_squared_plus_2x_at_3_is_8():
    text = _text("Take y = x² + 2x at x = 3")
    x = torch.tensor(3.0, requires_grad=True)
    (x ** 2 + 2 * x).backward()
    claims.assert_quotes(text, x.grad.item(), ".0f")
    assert "2x + 2 = 8" in text


def test_one_step_from_0_with_lr_0_1_has_gradient_minus_6_and_lands_at_0_6():
    text = _text("One step on L(w)")
    points, _ = _sgd_on_shifted_square(0.1, 2)
    gradient = 2 * (0.0 - 3.0)
    assert f"2(w - 3) = {gradient:.0f}" in text
    claims.assert_quotes(text, points[1], ".1f")


def test_learning_rates_0_01_and_0_1_shrink_the_distance_by_2_and_20_percent():
    text = _text("shrinks it by 2 % per step")
    for rate, percent in [(0.01, 2), (0.1, 20)]:
        shrink = 1 - abs(1 - 2 * rate)
        assert round(100 * shrink) == percent
        points, _ = _sgd_on_shifted_square(rate, 3)
        assert abs((3 - points[2]) / (3 - points[1]) - (1 - 2 * rate)) < 1e-5
        assert f"{percent} %" in text


def test_lr_1_jumps_between_0_and_6_with_the_loss_stuck_at_9():
    text = _text("factor is exactly")
    points, losses = _sgd_on_shifted_square(1.0, 30)
    assert set(points) == {0.0, 6.0} and set(losses) == {9.0}
    assert "between 0 and 6" in text
    claims.assert_quotes(text, losses[-1], ".0f")


def test_lr_1_05_multiplies_the_distance_by_minus_1_1():
    text = _text("factor is exactly")
    points, losses = _sgd_on_shifted_square(1.05, 4)
    ratio = (3 - points[3]) / (3 - points[2])
    assert abs(ratio - (-1.1)) < 1e-5 and losses[-1] > losses[0]
    claims.assert_quotes(text, 1 - 2 * 1.05, ".1f")


def test_summary_eta_one_oscillates_with_the_loss_at_9():
    text = _text("oscillates for ever")
    _, losses = _sgd_on_shifted_square(1.0, 30)
    claims.assert_quotes(text, losses[-1], ".1f")
    assert "η > 1 diverges" in text


def test_default_nn_linear_1_1_weights_lie_between_minus_1_and_1():
    text = _text("drawn uniformly")
    assert "between -1 and 1" in text
    weights = []
    for seed in range(300):
        torch.manual_seed(seed)
        layer = nn.Linear(1, 1)
        weights += [layer.weight.item(), layer.bias.item()]
    assert max(abs(w) for w in weights) <= 1.0 and max(abs(w) for w in weights) > 0.95


def test_central_difference_error_shrinks_like_eps_squared_one_sided_like_eps():
    text = _text("has an error that shrinks like ε²")
    assert "shrinks only like ε" in text
    x = torch.tensor(1.0, dtype=torch.float64)
    true = torch.cos(x)

    def errors(step):
        central = (torch.sin(x + step) - torch.sin(x - step)) / (2 * step)
        one_sided = (torch.sin(x + step) - torch.sin(x)) / step
        return abs(central - true).item(), abs(one_sided - true).item()

    (central_1, one_sided_1), (central_2, one_sided_2) = errors(1e-2), errors(1e-3)
    assert 90 < central_1 / central_2 < 110  # 10 x smaller step, 100 x smaller error
    assert 9 < one_sided_1 / one_sided_2 < 11  # 10 x smaller step, 10 x smaller error


def test_a_step_of_1e_6_does_well_in_float64_and_float32_is_useless():
    text = _text("a step around 1e-6 does well")
    assert "float32 keeps too" in text
    x64, x32 = torch.tensor(1.0, dtype=torch.float64), torch.tensor(1.0)
    central64 = ((x64 + 1e-6) ** 3 - (x64 - 1e-6) ** 3) / 2e-6
    central32 = ((x32 + 1e-6) ** 3 - (x32 - 1e-6) ** 3) / 2e-6
    assert abs(central64.item() - 3) < 1e-8
    assert abs(central32.item() - 3) > 0.01


def test_200_points_in_batches_of_20_take_10_iterations_per_epoch():
    text = _text("one batch, with its")
    features = torch.zeros(200, 1)
    loader = DataLoader(TensorDataset(features, features), batch_size=20)
    claims.assert_quotes(text, len(loader), "d")
    assert "the 200 points of this section in batches of 20 take 10 per epoch" in text
