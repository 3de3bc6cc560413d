"""The init-scale slider of chapter 4: its computation shows the regimes it claims to show."""

import io
import math

import pytest
import torch
from matplotlib.figure import Figure

from course import init_scale
from course.init_scale import diagnose, init_scale_stats, plot_init_scale

KAIMING_RELU = math.sqrt(2.0)
TANH_GAIN = 5.0 / 3.0


def test_named_scales_are_the_gains_pytorch_uses():
    named = init_scale.NAMED_SCALES
    assert named["Xavier (gain 1)"] == pytest.approx(torch.nn.init.calculate_gain("linear"))
    assert named["Kaiming, ReLU (√2)"] == pytest.approx(torch.nn.init.calculate_gain("relu"))
    assert named["Xavier/Kaiming, tanh gain 5/3"] == pytest.approx(
        torch.nn.init.calculate_gain("tanh"))


def test_weights_have_the_promised_std():
    """std = scale / sqrt(fan_in): check the draws the function uses."""
    weights, inputs, upstream = init_scale._standard_normal_draws(12, 128, 64, 0)
    stacked = torch.stack(weights)
    assert stacked.shape == (12, 128, 128)
    assert stacked.std().item() == pytest.approx(1.0, rel=0.01)
    assert inputs.shape == upstream.shape == (64, 128)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_tiny_scale_vanishes_with_depth(activation):
    stats = init_scale_stats(0.05, activation)
    stds = stats.activation_std
    assert all(later < earlier for earlier, later in zip(stds, stds[1:], strict=False))
    assert stds[-1] < 1e-6 * stds[0]
    assert max(stats.gradient_norm) < 1e-6
    assert diagnose(stats) == "vanishing"


def test_kaiming_scale_with_relu_keeps_the_spread_within_a_factor_2():
    stats = init_scale_stats(KAIMING_RELU, "relu")
    for values in (stats.activation_std, stats.backward_std):
        assert max(values) / min(values) < 2.0
    assert diagnose(stats) == "healthy"
    # ReLU switches off about half of the units: that is what the gain sqrt(2) compensates
    assert all(0.4 < fraction < 0.6 for fraction in stats.zero_fraction)


def test_weight_norms_are_scale_times_root_width_and_relu_gradients_are_level_at_any_scale():
    """A bias-free ReLU net is positively homogeneous: every layer's weight gradient has about
    the same size, whatever the scale; only its size against the weight's tells the scales
    apart."""
    ratios = {}
    for scale in (0.1, KAIMING_RELU, 10.0):
        stats = init_scale_stats(scale, "relu")
        assert all(norm == pytest.approx(scale * 128**0.5, rel=0.02)
                   for norm in stats.weight_norm)
        assert max(stats.gradient_norm) / min(stats.gradient_norm) < 2.0
        ratios[scale] = stats.gradient_norm[0] / stats.weight_norm[0]
    assert ratios[0.1] < 1e-10 and 0.1 < ratios[KAIMING_RELU] < 10 and ratios[10.0] > 1e6


def test_kaiming_is_healthy_for_every_seed_tried():
    for seed in range(5):
        stats = init_scale_stats(KAIMING_RELU, "relu", seed=seed)
        assert max(stats.activation_std) / min(stats.activation_std) < 2.0, seed


def test_xavier_scale_with_relu_fades():
    """ReLU at scale 1 loses half the variance per layer: the std halves every 2 layers."""
    stats = init_scale_stats(1.0, "relu")
    assert stats.activation_std[-1] < 0.05 * stats.activation_std[0]


def test_tanh_gain_keeps_tanh_healthy():
    stats = init_scale_stats(TANH_GAIN, "tanh")
    assert max(stats.activation_std) / min(stats.activation_std) < 1.5
    assert diagnose(stats) == "healthy"


def test_large_scale_with_tanh_saturates():
    stats = init_scale_stats(10.0, "tanh")
    assert all(fraction > 0.8 for fraction in stats.saturated_fraction)
    assert diagnose(stats) == "saturated"
    # the gradient reaching the first layers is larger than at the last one (chaotic regime)
    assert stats.backward_std[0] > 100 * stats.backward_std[-1]


def test_large_scale_with_relu_explodes():
    stats = init_scale_stats(10.0, "relu")
    stds = stats.activation_std
    assert all(later > earlier for earlier, later in zip(stds, stds[1:], strict=False))
    assert stds[-1] > 1e6 * stds[0]
    assert diagnose(stats) == "exploding"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("scale", [init_scale.SCALE_MIN, init_scale.SCALE_MAX])
def test_slider_extremes_stay_finite_at_the_largest_depth(scale, activation):
    stats = init_scale_stats(scale, activation, depth=20)
    values = stats.activation_std + stats.gradient_norm + stats.backward_std
    assert all(math.isfinite(value) and value > 0 for value in values)


def test_deterministic_and_seed_dependent():
    first = init_scale_stats(1.3, "tanh")
    again = init_scale_stats(1.3, "tanh")
    other = init_scale_stats(1.3, "tanh", seed=1)
    assert first == again
    assert first.activation_std != other.activation_std


def test_does_not_touch_the_global_rng_or_thread_setting():
    torch.manual_seed(123)
    expected = torch.rand(3)
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    init_scale_stats(2.0, "relu", seed=7)
    assert torch.equal(torch.rand(3), expected)
    assert torch.get_num_threads() == threads


def test_shapes_of_the_result():
    stats = init_scale_stats(1.0, "tanh", depth=5, width=16, batch_size=8)
    assert stats.depth == 5
    for values in (stats.activation_std, stats.saturated_fraction, stats.zero_fraction,
                   stats.gradient_norm, stats.weight_norm, stats.backward_std):
        assert len(values) == 5
        assert all(isinstance(value, float) for value in values)


@pytest.mark.parametrize("bad", [{"scale": 0.0}, {"scale": -1.0}, {"scale": math.inf},
                                 {"activation": "sigmoid"}, {"depth": 0}, {"width": 2.5}])
def test_bad_arguments_raise_value_error(bad):
    arguments = {"scale": 1.0, "activation": "tanh"} | bad
    with pytest.raises(ValueError):
        init_scale_stats(**arguments)


def _stats(activation_std, activation="relu", saturated=0.0):
    depth = len(activation_std)
    return init_scale.InitScaleStats(
        scale=1.0, activation=activation, activation_std=tuple(activation_std),
        saturated_fraction=(saturated,) * depth, zero_fraction=(0.0,) * depth,
        gradient_norm=(1.0,) * depth, weight_norm=(1.0,) * depth, backward_std=(1.0,) * depth)


@pytest.mark.parametrize(("stds", "verdict"), [
    ((1.0, 0.05), "vanishing"), ((1.0, 0.3), "shrinking"), ((1.0, 1.0), "healthy"),
    ((1.0, 2.0), "healthy"), ((1.0, 5.0), "growing"), ((1.0, 50.0), "exploding"),
    ((1.0, math.inf), "exploding"), ((1.0, math.nan), "exploding"), ((1.0, 0.0), "vanishing"),
])
def test_diagnose_thresholds(stds, verdict):
    assert diagnose(_stats(stds)) == verdict


def test_diagnose_saturation_only_for_tanh():
    assert diagnose(_stats((0.9, 0.9), activation="tanh", saturated=0.8)) == "saturated"
    assert diagnose(_stats((0.9, 0.9), activation="relu", saturated=0.8)) == "healthy"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("scale", [0.01, 1.0, KAIMING_RELU, 100.0])
def test_plot_returns_a_figure_with_data(scale, activation):
    fig = plot_init_scale(scale, activation)
    assert isinstance(fig, Figure)
    ax_act, ax_grad = fig.axes
    forward = ax_act.get_lines()[0].get_ydata()
    assert len(forward) == 12 and all(value > 0 for value in forward)
    assert len(ax_grad.get_lines()) == 2
    assert diagnose(init_scale_stats(scale, activation)).upper() in fig._suptitle.get_text()
    fig.savefig(io.BytesIO(), format="png")  # renders without error or warning


def test_plot_follows_depth():
    fig = plot_init_scale(0.3, "relu", depth=6)
    assert len(fig.axes[0].get_lines()[0].get_ydata()) == 6
    assert fig._suptitle.get_text().startswith("6 layers, relu, weight std = 0.3/")


def test_preset_buttons_move_the_slider_to_the_named_scales():
    from ipywidgets import FloatLogSlider

    slider = FloatLogSlider(value=0.1, base=10, min=-2, max=2, step=0.05)
    box = init_scale.preset_buttons(slider)
    assert len(box.children) == len(init_scale.NAMED_SCALES)
    for button, (name, value) in zip(box.children, init_scale.NAMED_SCALES.items(), strict=True):
        assert name in button.description
        button.click()
        assert slider.value == value
        on_grid = (math.log10(value) - slider.min) / slider.step
        assert on_grid == pytest.approx(round(on_grid), abs=1e-9), name
        assert -2 <= slider.min < -2 + 0.05 and slider.step == 0.05


@pytest.mark.parametrize("value", [5 / 3, math.sqrt(2), 1.0, 0.01, 99.0, 0.0123])
def test_grid_minimum_puts_the_value_on_a_step_within_one_step_of_the_minimum(value):
    minimum = init_scale.grid_minimum(value, -2, 0.05)
    assert -2 <= minimum < -1.95
    steps = (math.log10(value) - minimum) / 0.05
    assert steps == pytest.approx(round(steps), abs=1e-9)
    assert 10 ** (minimum + round(steps) * 0.05) == pytest.approx(value, rel=1e-12)


def test_without_the_grid_the_tanh_gain_is_snapped_to_158():
    """The bug being fixed: the nearest step of the original grid shows 1.58, not 1.67."""
    steps = round((math.log10(5 / 3) + 2) / 0.05)
    assert f"{10 ** (-2 + steps * 0.05):.3g}" == "1.58"


def test_plot_labels_overflow(monkeypatch):
    """Values beyond float64 never crash the plot: they are drawn and the title says so."""
    broken = _stats((1.0, math.inf))
    monkeypatch.setattr(init_scale, "init_scale_stats", lambda *args, **kwargs: broken)
    fig = plot_init_scale(1.0, "relu", depth=2)
    assert "OVERFLOW" in fig._suptitle.get_text()
    fig.savefig(io.BytesIO(), format="png")
