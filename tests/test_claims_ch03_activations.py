"""Prose numbers of chapter 3, recomputed: one test per claim a markdown cell makes."""

import inspect
import math

import torch
from torch import nn

from course import activations, data
from tests import claims

CHAPTER = "ch03_activations"


def test_float32_rounding_is_about_1e_minus_7():
    text = claims.markdown(CHAPTER, "up to float32 rounding")
    assert "(about 1e-7)" in text
    assert f"{torch.finfo(torch.float32).eps:.0e}" == "1e-07"


def test_exp_overflows_float32_above_88_7():
    text = claims.markdown(CHAPTER, "overflows float32 above about")
    largest_exponent = math.log(torch.finfo(torch.float32).max)
    assert torch.isfinite(torch.exp(torch.tensor(88.7)))
    assert torch.isinf(torch.exp(torch.tensor(88.8)))
    claims.assert_quotes(text, largest_exponent, ".1f")


def test_textbook_tanh_returns_nan_past_about_89():
    text = claims.markdown(CHAPTER, "Write a `tanh` that stays finite")
    x = torch.linspace(80, 100, 2001)  # (2001,), step 0.01
    naive = (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
    first_nan = x[torch.isnan(naive)].min().item()
    assert "once `|x|` passes about 89" in text
    claims.assert_quotes(text, first_nan, ".0f")


def test_the_sigmoid_slope_is_at_most_a_quarter():
    text = claims.markdown(CHAPTER, "The sigmoid's slope is never above")
    s = torch.sigmoid(torch.linspace(-10, 10, 20001, dtype=torch.float64))
    claims.assert_quotes(text, (s * (1 - s)).max().item(), ".2f")
    assert "at most 1/4" in text


def test_saturation_edges_are_about_6_and_3():
    text = claims.markdown(CHAPTER, "### Saturation")
    for name, edge in (("sigmoid", 6), ("tanh", 3)):
        computed = activations.saturation_stats(1.0, name)["saturation_edge"]
        assert round(computed) == edge
    assert "beyond |x| ≈ 6" in text and "beyond |x| ≈ 3" in text


def test_leaky_relu_passes_one_percent_on_half_of_zero_centred_inputs():
    text = claims.markdown(CHAPTER, "Leaky ReLU shows 0.0 %")
    x = torch.linspace(-3, 3, 600)
    _, slope = activations.activation_and_derivative(x, "leaky_relu")
    assert (slope == 0.01).float().mean().item() == 0.5 and slope.min().item() > 0
    table = activations.saturation_stats(3.0, "leaky_relu")["saturated_share"]
    claims.assert_quotes(text, table * 100, ".1f")
    assert "half of zero-centred inputs pass only 1 %" in text


def _one_sigmoid_layer_passes(scale_index: int) -> float:
    """The share of the gradient norm one sigmoid layer passes, as the chapter's demo draws it."""
    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(256, 32, generator=generator)
    upstream = torch.randn(256, 32, generator=generator)
    shares = []
    for scale in (1.0, 3.0, 10.0):
        weight = torch.randn(32, 32, generator=generator) * scale / 32**0.5
        x = inputs.clone().requires_grad_(True)
        torch.sigmoid(x @ weight.T).backward(upstream)
        shares.append((x.grad.norm() / upstream.norm()).item())
    return shares[scale_index]


def test_one_sigmoid_layer_passes_a_fifth_at_scale_1_and_more_than_a_quarter_at_scale_3():
    text = claims.markdown(CHAPTER, "With scale 1 the layer passes about a fifth")
    assert round(5 * _one_sigmoid_layer_passes(0)) == 1
    at_scale_3 = _one_sigmoid_layer_passes(1)
    assert at_scale_3 > 0.25
    claims.assert_quotes(text, at_scale_3, ".2f")


def _first_over_last_sigmoid_gradient() -> float:
    """First/last weight-gradient norm of the chapter's 10-layer sigmoid MLP."""
    generator = torch.Generator().manual_seed(0)
    layers = []
    for _ in range(10):
        linear = nn.Linear(32, 32)
        with torch.no_grad():
            linear.weight.copy_(torch.randn(32, 32, generator=generator) * (2 / 32) ** 0.5)
            linear.bias.zero_()
        layers += [linear, nn.Sigmoid()]
    model = nn.Sequential(*layers)
    model(torch.randn(64, 32, generator=generator)).sum().backward()
    norms = [m.weight.grad.norm().item() for m in model if isinstance(m, nn.Linear)]
    return norms[0] / norms[-1]


def test_ten_sigmoid_layers_leave_the_first_about_4e_minus_6_of_the_last_gradient():
    ratio = _first_over_last_sigmoid_gradient()
    shown = f"{ratio:.0e}".replace("e-0", "e-")  # 4e-6, as the prose writes it
    assert shown == "4e-6"
    assert f"first/last ≈ {shown}" in claims.markdown(CHAPTER, "hundreds of thousands of times")
    assert 1e5 <= 1 / ratio < 1e6  # "hundreds of thousands of times smaller"
    summary = " ".join(claims.markdown(CHAPTER, "## Summary").split())  # lines joined
    assert f"about {shown} of the last" in summary


def test_sigmoid_outputs_share_one_sign_zero_centred_ones_rarely():
    text = claims.markdown(CHAPTER, "With tanh the eight gradients share a sign")
    assert 2 / 2**8 < 0.01
    assert "a chance of 2 in 2⁸, under 1 %" in text


def test_tanh_hidden_layer_ends_about_ten_times_lower_than_sigmoid():
    generator = torch.Generator().manual_seed(1)
    features = torch.randn(256, 4, generator=generator)
    targets = torch.tanh(features[:, :1] - 2 * features[:, 1:2]) + 0.5 * features[:, 2:3]
    final = {}
    for activation in (nn.Sigmoid(), nn.Tanh()):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 16), activation, nn.Linear(16, 1))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(200):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(features), targets)
            loss.backward()
            optimizer.step()
        final[type(activation).__name__] = loss.item()
    assert round(final["Sigmoid"] / final["Tanh"] / 10) == 1
    assert "Tanh ends about ten times lower" in claims.markdown(CHAPTER, "Two effects add up")


def test_prelu_starts_with_slope_a_quarter():
    text = claims.markdown(CHAPTER, "### Relatives of ReLU")
    claims.assert_quotes(text, nn.PReLU().weight.item(), ".2f")


def test_regression_noise_level_is_0_25():
    text = claims.markdown(CHAPTER, "The identity output fits the line")
    noise_std = inspect.signature(data.make_linear_data).parameters["noise_std"].default
    claims.assert_quotes(text, noise_std**2, ".2f")


def test_slider_scales_run_from_almost_linear_to_almost_all_saturated():
    text = claims.markdown(CHAPTER, "## 6. Interactive")
    assert activations.saturation_stats(0.1, "sigmoid")["saturated_share"] == 0.0
    assert activations.saturation_stats(100.0, "sigmoid")["saturated_share"] > 0.9
    assert "scale 0.1 (almost linear)" in text and "100 (almost all saturated)" in text
