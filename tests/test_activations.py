"""Tests of course.activations: the computations behind chapter 3's input-scale widget."""

import io
import math

import pytest
import torch
from matplotlib.figure import Figure

from course import activations


@pytest.mark.parametrize("name", activations.ACTIVATIONS)
def test_activation_and_derivative_match_torch_and_autograd(name):
    x = torch.linspace(-8, 8, 161, dtype=torch.float64, requires_grad=True)
    reference = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01)}[name]
    reference(x).sum().backward()
    value, slope = activations.activation_and_derivative(x.detach(), name)
    assert torch.allclose(value, reference(x.detach()), atol=1e-12)
    assert torch.allclose(slope, x.grad, atol=1e-12)
    assert slope.max().item() == pytest.approx(activations.PEAK_DERIVATIVE[name], abs=1e-12)


def test_unknown_activation_and_bad_scale_raise():
    with pytest.raises(ValueError, match="activation must be one of"):
        activations.saturation_stats(1.0, "softplus")
    with pytest.raises(ValueError, match="activation must be one of"):
        activations.activation_and_derivative(torch.zeros(2), "gelu")
    for scale in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="input_scale"):
            activations.saturation_stats(scale, "tanh")
    with pytest.raises(ValueError, match="threshold"):
        activations.saturation_stats(1.0, "tanh", threshold=1.5)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_saturated_share_matches_the_normal_distribution(name):
    edge = activations.saturation_stats(1.0, name)["saturation_edge"]
    _, slope_at_edge = activations.activation_and_derivative(
        torch.tensor([edge], dtype=torch.float64), name)
    assert slope_at_edge.item() == pytest.approx(0.01 * activations.PEAK_DERIVATIVE[name])
    for scale in (0.5, 2.0, 5.0, 50.0):
        exact = math.erfc(edge / (scale * math.sqrt(2)))  # P(|x| > edge), x ~ N(0, scale^2)
        share = activations.saturation_stats(scale, name)["saturated_share"]
        assert share == pytest.approx(exact, abs=3e-4)


def test_sigmoid_and_tanh_saturation_edges():
    assert activations.saturation_stats(1.0, "sigmoid")["saturation_edge"] == pytest.approx(
        5.9864, abs=1e-4)
    assert activations.saturation_stats(1.0, "tanh")["saturation_edge"] == pytest.approx(
        2.9932, abs=1e-4)


def test_saturation_grows_with_scale_and_relus_do_not_depend_on_it():
    for name in ("sigmoid", "tanh"):
        shares = [activations.saturation_stats(s, name)["saturated_share"]
                  for s in (0.1, 1.0, 3.0, 10.0, 100.0)]
        assert shares == sorted(shares)
        assert shares[0] == 0.0 and shares[-1] > 0.9
        means = [activations.saturation_stats(s, name)["mean_derivative"]
                 for s in (0.1, 1.0, 10.0, 100.0)]
        assert means == sorted(means, reverse=True)
        assert means[0] == pytest.approx(activations.PEAK_DERIVATIVE[name], rel=0.02)
    for scale in (0.1, 7.0, 100.0):
        relu = activations.saturation_stats(scale, "relu")
        leaky = activations.saturation_stats(scale, "leaky_relu")
        assert relu["saturated_share"] == 0.5 and relu["saturation_edge"] is None
        assert leaky["saturated_share"] == 0.0
        assert leaky["mean_derivative"] == pytest.approx(0.505)


def test_saturation_stats_is_deterministic_and_complete():
    first = activations.saturation_stats(2.5, "sigmoid")
    assert first == activations.saturation_stats(2.5, "sigmoid")
    assert set(first) == {"activation", "input_scale", "threshold", "peak_derivative",
                          "saturated_share", "mean_derivative", "saturation_edge"}
    assert 0.0 <= first["saturated_share"] <= 1.0


@pytest.mark.parametrize("name", activations.ACTIVATIONS)
@pytest.mark.parametrize("scale", [0.1, 1.0, 100.0])
def test_plot_activation_draws_both_panels_with_the_share(name, scale):
    fig = activations.plot_activation(scale, name)
    assert isinstance(fig, Figure)
    ax_value, ax_slope = fig.axes
    assert len(ax_value.lines) == 1 and len(ax_slope.lines) == 2  # curve; curve + threshold
    share = activations.saturation_stats(scale, name)["saturated_share"]
    assert f"{share:.1%} of inputs saturated" in ax_value.get_title()
    for ax in (ax_value, ax_slope):
        y = ax.lines[0].get_ydata()
        assert len(y) > 100 and all(math.isfinite(v) for v in y)
    density = ax_value.collections[-1].get_paths()[0].vertices[:, 1]  # the grey input density
    assert density.max() > density.min() and "grey: inputs" in ax_value.get_title()
    fig.savefig(io.BytesIO(), format="png")  # renders without error at extreme scales
