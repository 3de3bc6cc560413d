"""Prose numbers of chapter 4, recomputed: one test per claim a markdown cell makes."""

import math

import torch
from torch import nn

from course import init_scale
from tests import claims

CHAPTER = "ch04_init_and_networks"


def _small_net_data():
    generator = torch.Generator().manual_seed(1)
    inputs = torch.randn(32, 3, generator=generator)  # (batch, features)
    return inputs, torch.sin(inputs[:, :1]) + inputs[:, 1:2] * inputs[:, 2:3]


def _train(model, num_steps, learning_rate):
    inputs, targets = _small_net_data()
    for _ in range(num_steps):
        model.zero_grad()
        loss = nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        with torch.no_grad():
            for parameter in model.parameters():
                parameter -= learning_rate * parameter.grad
    return loss.item()


def _constant_net(value):
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    for parameter in net.parameters():
        nn.init.constant_(parameter, value)
    return net


def test_symmetric_net_stalls_just_below_the_best_straight_line_random_goes_far_lower():
    text = claims.markdown(CHAPTER, "The four rows stay **exactly** equal")
    inputs, targets = _small_net_data()
    with_ones = torch.cat([inputs, torch.ones(32, 1)], dim=1).double()
    line = torch.linalg.lstsq(with_ones, targets.double()).solution
    line_loss = ((with_ones @ line - targets.double()) ** 2).mean().item()
    symmetric = _train(_constant_net(0.3), 600, 0.15)
    torch.manual_seed(11)
    random = _train(nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)), 600, 0.15)
    assert 0.8 * line_loss < symmetric < line_loss  # "just below the straight line's"
    assert random < symmetric / 3  # "keeps going down"
    assert "stalls just\nbelow the straight line's" in text
    assert "both take 600 steps" in claims.markdown(CHAPTER, "Train\nlonger to see")


def test_zero_init_moves_only_the_output_bias_to_the_mean_target():
    text = claims.markdown(CHAPTER, "With all-zero weights it is even worse")
    net = _constant_net(0.0)
    loss = _train(net, 200, 0.15)
    _, targets = _small_net_data()
    assert net[0].weight.abs().max() == 0 and net[0].bias.abs().max() == 0
    assert net[2].weight.abs().max() == 0
    assert math.isclose(net[2].bias.item(), targets.mean().item(), abs_tol=1e-6)
    assert math.isclose(loss, targets.var(correction=0).item(), rel_tol=1e-5)
    assert "Only the output bias ever moves" in text and "the mean target" in text


def test_default_init_std_is_sqrt_6_smaller_than_kaiming():
    text = claims.markdown(CHAPTER, "### 6.6 What PyTorch does by default")
    fan_in = 400
    ratio = math.sqrt(2 / fan_in) / (1 / math.sqrt(3 * fan_in))
    assert math.isclose(ratio, math.sqrt(6))
    claims.assert_quotes(text, ratio, ".2f")


def _deep_tanh_stds(xavier: bool) -> list[float]:
    """Per-layer output std of the chapter's 10-layer tanh networks (both built, as in the cell)."""
    torch.manual_seed(13)
    probe = torch.randn(128, 128)
    nets = []
    for use_xavier in (False, True):
        layers = []
        for _ in range(10):
            linear = nn.Linear(128, 128)
            if use_xavier:
                nn.init.xavier_uniform_(linear.weight, gain=nn.init.calculate_gain("tanh"))
                nn.init.zeros_(linear.bias)
            layers += [linear, nn.Tanh()]
        nets.append(nn.Sequential(*layers))
    net = nets[1] if xavier else nets[0]
    stds, hidden = [], probe
    with torch.no_grad():
        for module in net:
            hidden = module(hidden)
            if isinstance(module, nn.Tanh):
                stds.append(hidden.std().item())
    return stds


def test_default_init_halves_the_std_at_first_and_ends_at_a_tenth_of_xavier():
    text = claims.markdown(CHAPTER, "With the default init each layer multiplies the variance")
    default, xavier = _deep_tanh_stds(False), _deep_tanh_stds(True)
    assert math.isclose(128 * (1 / math.sqrt(3 * 128)) ** 2, 1 / 3)  # fan_in * Var(w)
    assert 0.4 < default[1] / default[0] < 0.6  # "roughly half per layer at first"
    assert round(10 * default[-1] / xavier[-1]) == 1  # "about a tenth of the Xavier level"
    assert abs(xavier[2] - xavier[-1]) < 0.05 * xavier[-1]  # "steady level after two layers"
    assert "by about $1/3$" in text and "roughly half per layer" in text
    assert "about a tenth of the Xavier level" in text


def test_slider_text_scale_0_1_vanishes_to_about_1e_minus_12():
    text = claims.markdown(CHAPTER, "Move the slider (log scale")
    stats = init_scale.init_scale_stats(0.1, "tanh")
    assert round(math.log10(stats.activation_std[-1])) == -12
    assert max(stats.gradient_norm) < 2e-10
    relu = init_scale.init_scale_stats(0.1, "relu")
    assert max(relu.gradient_norm) < 2e-10
    assert "down to ~1e-12 at\n  layer 12" in text and "~1e-10 or smaller" in text


def test_summary_gains_root_2_and_five_thirds():
    text = claims.markdown(CHAPTER, "## Summary")
    assert math.isclose(nn.init.calculate_gain("relu"), math.sqrt(2))
    assert math.isclose(nn.init.calculate_gain("tanh"), 5 / 3)
    assert "Kaiming (√2) for ReLU and the tanh gain (5/3)" in text


def test_relu_gradient_over_weight_norm_tells_the_scales_apart():
    text = claims.markdown(CHAPTER, "the gradient panel with ReLU")
    ratio = {}
    for scale in (0.1, math.sqrt(2), 10.0):
        stats = init_scale.init_scale_stats(scale, "relu")
        assert max(stats.gradient_norm) / min(stats.gradient_norm) < 2  # level at every scale
        ratio[scale] = stats.gradient_norm[0] / stats.weight_norm[0]
    assert f"about {ratio[0.1]:.0e} at scale 0.1" in text
    assert f"{ratio[math.sqrt(2)]:.2f} at √2" in text
    assert f"and {ratio[10.0]:.0e} at 10" in text
