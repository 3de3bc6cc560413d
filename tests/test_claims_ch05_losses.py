"""Prose numbers of ch05_losses, recomputed: one test per claim (see tests/claims.py)."""

import math

import torch
from torch import nn

from course import losses
from tests import claims

CHAPTER = "ch05_losses"


def flat(text: str) -> str:
    """The text with every run of white space (line breaks included) as one space."""
    return " ".join(text.split())


def descend(loss_function, start=0.0, goal=3.0, learning_rate=0.4, num_steps=12):
    """The chapter's fixed-step gradient descent on one number (section 2)."""
    guess = torch.tensor([start], requires_grad=True)
    path = []
    for _ in range(num_steps):
        (gradient,) = torch.autograd.grad(loss_function(guess, torch.tensor([goal])), guess)
        with torch.no_grad():
            guess -= learning_rate * gradient
        path.append(round(guess.item(), 3))
    return path


def test_sum_reduction_doubles_the_gradient_when_the_batch_doubles():
    text = claims.markdown(CHAPTER, "a learning rate tuned for batches of 32")
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(32, 3, generator=generator)  # (32, 3)
    targets = torch.randn(32, 1, generator=generator)  # (32, 1)
    gradients = {}
    for reduction in ("sum", "mean"):
        for copies in (1, 2):  # a batch of 64 made of the same 32 rows twice
            weight = torch.zeros(3, 1, requires_grad=True)
            loss = nn.MSELoss(reduction=reduction)(inputs.repeat(copies, 1) @ weight,
                                                   targets.repeat(copies, 1))
            (gradients[reduction, copies],) = torch.autograd.grad(loss, weight)
    assert torch.allclose(gradients["sum", 2], 2 * gradients["sum", 1])
    assert torch.allclose(gradients["mean", 2], gradients["mean", 1])
    assert "twice too large for batches of 64" in flat(text)


def test_huber_derivative_is_half_of_mse_inside_the_band():
    text = claims.markdown(CHAPTER, "Huber's derivative inside")
    shapes = losses.loss_shapes(torch.tensor([0.01]), delta=1.0)
    claims.assert_quotes(text, shapes["Huber"][1].item(), ".3f")
    claims.assert_quotes(text, shapes["MSE"][1].item(), ".3f")
    assert math.isclose(shapes["MSE"][1].item(), 2 * shapes["Huber"][1].item(), rel_tol=1e-5)


def test_l1_jumps_between_2_8_and_3_2_while_mse_lands_on_3():
    text = claims.markdown(CHAPTER, "it ends up jumping between")
    l1_path = descend(nn.L1Loss())
    assert set(l1_path[-4:]) == {2.8, 3.2}
    assert descend(nn.MSELoss())[-1] == 3.0
    claims.assert_quotes(text, 2.8, ".1f")
    claims.assert_quotes(text, 3.2, ".1f")


def test_one_outlier_almost_doubles_the_mse_slope_and_leaves_l1_in_place():
    text = claims.markdown(CHAPTER, "One bad point out of eleven")
    x, y, _ = losses.make_outlier_data(num_points=11, outlier_shift=15.0)
    clean_x, clean_y, _ = losses.make_outlier_data(num_points=11, outlier_shift=0.0)
    mse_slope = losses.fit_line(x, y, nn.MSELoss())[0]
    clean_slope = losses.fit_line(clean_x, clean_y, nn.MSELoss())[0]
    assert 1.8 < mse_slope / clean_slope < 2.0 and "almost doubles" in text
    l1_move = losses.fit_line(x, y, nn.L1Loss())[0] - losses.fit_line(clean_x, clean_y,
                                                                        nn.L1Loss())[0]
    assert f"{abs(l1_move):.3f}" == "0.000" and "to three decimals" in text


def test_summary_quotes_the_slope_nearly_doubling():
    text = claims.markdown(CHAPTER, "## Summary")
    assert "the slope nearly doubled" in flat(text)


def test_sigmoid_is_exactly_one_in_float32_above_about_17():
    text = claims.markdown(CHAPTER, "saturates to exactly 1.0 in float32")
    grid = torch.arange(0.0, 30.0, 0.01)  # float32
    threshold = grid[torch.sigmoid(grid) == 1.0][0].item()
    assert round(threshold) == 17 and "above about 17" in text


def test_exp_overflows_in_float32_above_88():
    text = claims.markdown(CHAPTER, "Still not safe")
    grid = torch.arange(80.0, 95.0, 0.01)
    threshold = grid[torch.isinf(torch.exp(grid))][0].item()
    assert math.floor(threshold) == 88
    assert "overflows to `inf` in float32 for $x > 88$" in flat(text)


def test_sigmoid_route_clamps_at_100_where_the_truth_is_40():
    text = claims.markdown(CHAPTER, "The sigmoid route gives 100")
    logit, target = torch.tensor([40.0]), torch.tensor([0.0])
    assert nn.BCELoss()(torch.sigmoid(logit), target).item() == 100.0
    assert math.isclose(nn.BCEWithLogitsLoss()(logit, target).item(), 40.0, rel_tol=1e-6)
    claims.assert_quotes(text, 40, "d")


def test_untrained_classifier_starts_near_ln_c():
    text = claims.markdown(CHAPTER, "the first loss should be about $\\ln C$")
    claims.assert_quotes(text, math.log(4), ".3f")
    claims.assert_quotes(text, math.log(10), ".3f")


def test_default_linear_layer_starts_above_ln_4_and_scaled_up_at_24():
    text = claims.markdown(CHAPTER, "The default `nn.Linear` starts")
    features, labels = losses.make_blobs(num_per_class=50, num_classes=4, spread=0.7, seed=0)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        layer = nn.Linear(2, 4)
    with torch.no_grad():
        logits = layer(features)
        first = nn.CrossEntropyLoss()(logits, labels).item()
        claims.assert_quotes(text, first - math.log(4), ".2f")
        claims.assert_quotes(text, logits.std(dim=1).mean().item(), ".2f")
        layer.weight.mul_(20)
        layer.bias.zero_()
        claims.assert_quotes(text, nn.CrossEntropyLoss()(layer(features), labels).item(), ".0f")


def test_double_softmax_ceiling_and_where_the_figure_levels_off():
    text = claims.markdown(CHAPTER, "the loss is the **ceiling**")
    claims.assert_quotes(text, losses.double_softmax_ceiling(3), ".4f")
    wrong = torch.tensor([[-4.0, 6.0, 0.0]])
    bug_loss = nn.CrossEntropyLoss()(torch.softmax(wrong, dim=1), torch.tensor([0])).item()
    claims.assert_quotes(text, bug_loss, ".4f")
    shared = losses.double_softmax_curves(torch.tensor([-40.0]), num_classes=3)["double_loss"]
    claims.assert_quotes(text, shared.item(), ".4f")


def test_double_softmax_gradient_is_about_a_thousand_times_weaker():
    claims.markdown(CHAPTER, "about a thousand times weaker")
    norms = []
    for transform in (lambda z: z, lambda z: torch.softmax(z, dim=1)):
        logits = torch.tensor([[-4.0, 6.0, 0.0]], requires_grad=True)
        nn.CrossEntropyLoss()(transform(logits), torch.tensor([0])).backward()
        norms.append(logits.grad.norm().item())
    assert round(norms[0] / norms[1], -3) == 1000


def test_hand_checked_linear_gradients():
    text = claims.markdown(CHAPTER, "Check the first entry of")
    layer = nn.Linear(3, 1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[0.5, -1.0, 0.25]]))
        layer.bias.copy_(torch.tensor([0.1]))
    inputs = torch.tensor([[1.0, 2.0, -1.0], [0.5, 0.0, 2.0], [-1.5, 1.0, 0.5], [2.0, -0.5, 1.0]])
    targets = torch.tensor([[-1.0], [1.0], [-2.0], [2.5]])
    nn.MSELoss()(layer(inputs), targets).backward()
    claims.assert_quotes(text, layer.weight.grad[0, 0].item(), ".5f")
    claims.assert_quotes(text, layer.bias.grad[0].item(), ".4f")
