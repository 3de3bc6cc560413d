"""Tests of course/lr_explorer.py: the surfaces, the optimizer runs behind the learning-rate
slider, divergence handling, the plots, and the helpers the chapter-6 test cells rely on."""

import warnings

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torch.optim.lr_scheduler import ExponentialLR, MultiStepLR, StepLR

from course import lr_explorer

QUADRATIC = lr_explorer.SURFACES["quadratic"]
SANE_LEARNING_RATES = {  # (surface, optimizer) -> a learning rate that should make progress
    ("quadratic", "SGD"): 0.05, ("quadratic", "Momentum"): 0.02, ("quadratic", "AdaGrad"): 1.0,
    ("quadratic", "RMSProp"): 0.05, ("quadratic", "Adam"): 0.3,
    ("rotated", "SGD"): 0.05, ("rotated", "Momentum"): 0.02, ("rotated", "AdaGrad"): 1.0,
    ("rotated", "RMSProp"): 0.05, ("rotated", "Adam"): 0.3,
    ("rosenbrock", "SGD"): 1e-3, ("rosenbrock", "Momentum"): 1e-3,
    ("rosenbrock", "AdaGrad"): 0.5, ("rosenbrock", "RMSProp"): 0.01,
    ("rosenbrock", "Adam"): 0.1,
}


@pytest.fixture(autouse=True)
def no_warnings():
    """Everything in this module must run without a single warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def texts(fig: Figure) -> list[str]:
    """Every piece of text drawn on a figure (titles, labels, annotations)."""
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    return found


def test_surfaces_gradients_match_autograd():
    for surface in lr_explorer.SURFACES.values():
        for point in ([-1.5, 1.5], [0.3, -0.7], [1.0, 1.0], [2.0, 0.5]):
            tensor = torch.tensor(point, dtype=torch.float64, requires_grad=True)
            surface.loss(tensor[0], tensor[1]).backward()
            assert torch.allclose(surface.gradient(tensor.detach()), tensor.grad, atol=1e-10)
        minimum = torch.tensor(surface.minimum, dtype=torch.float64)
        assert float(surface.loss(minimum[0], minimum[1])) == 0.0
        assert torch.all(surface.gradient(minimum) == 0)


def test_quadratic_max_curvature_is_largest_hessian_eigenvalue():
    hessian = torch.autograd.functional.hessian(
        lambda p: QUADRATIC.loss(p[0], p[1]), torch.zeros(2, dtype=torch.float64))
    assert torch.linalg.eigvalsh(hessian).max().item() == pytest.approx(QUADRATIC.max_curvature)


@pytest.mark.parametrize(("surface", "optimizer"), sorted(SANE_LEARNING_RATES))
def test_sane_learning_rate_decreases_the_loss(surface, optimizer):
    run = lr_explorer.run_optimizer(surface, optimizer, SANE_LEARNING_RATES[surface, optimizer])
    assert run.diverged_at is None
    assert run.final_loss < 0.5 * run.losses[0]
    assert run.path.shape == (lr_explorer.WIDGET_STEPS + 1, 2)
    assert run.losses.shape == (lr_explorer.WIDGET_STEPS + 1,)
    assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    assert tuple(run.path[0]) == lr_explorer.SURFACES[surface].start


@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.95, 0.99])
def test_sgd_converges_below_two_over_L(fraction):
    learning_rate = fraction * 2 / QUADRATIC.max_curvature
    run = lr_explorer.run_optimizer("quadratic", "SGD", learning_rate, num_steps=2000)
    assert run.diverged_at is None
    assert run.final_loss < 1e-6 * run.losses[0]


@pytest.mark.parametrize("fraction", [1.05, 1.1, 2.0, 10.0, 100.0])
def test_sgd_diverges_above_two_over_L(fraction):
    learning_rate = fraction * 2 / QUADRATIC.max_curvature
    run = lr_explorer.run_optimizer("quadratic", "SGD", learning_rate, num_steps=1000)
    assert run.diverged_at is not None
    assert run.status == f"diverged at step {run.diverged_at}"
    assert len(run.path) == len(run.losses) <= run.diverged_at + 1
    assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()


def test_sgd_just_above_the_limit_is_labelled_rising():
    run = lr_explorer.run_optimizer("quadratic", "SGD", 0.101)
    assert run.diverged_at is None and run.rising
    assert run.status.startswith("loss rose from")


def test_too_small_learning_rate_crawls():
    slow = lr_explorer.run_optimizer("quadratic", "SGD", 1e-4)
    good = lr_explorer.run_optimizer("quadratic", "SGD", 0.05)
    assert slow.diverged_at is None and not slow.rising
    assert slow.final_loss > 0.5 * slow.losses[0]  # barely moved
    assert good.final_loss < 1e-4 * slow.final_loss


@pytest.mark.parametrize("optimizer", lr_explorer.OPTIMIZERS)
@pytest.mark.parametrize("surface", sorted(lr_explorer.SURFACES))
@pytest.mark.parametrize("learning_rate", [1e-4, 1e-2, 1.0, 10.0])
def test_extreme_settings_never_produce_nan_or_warnings(optimizer, surface, learning_rate):
    for beta in (0.0, 0.99):
        run = lr_explorer.run_optimizer(surface, optimizer, learning_rate, beta)
        assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
        assert len(run.path) >= 1
        if run.diverged_at is not None:
            assert 1 <= run.diverged_at <= lr_explorer.WIDGET_STEPS


def test_sgd_at_ten_diverges_on_both_surfaces():
    for surface in lr_explorer.SURFACES:
        assert lr_explorer.run_optimizer(surface, "SGD", 10.0).diverged_at is not None


def test_run_optimizer_is_pure_and_repeatable():
    state = torch.get_rng_state()
    first = lr_explorer.run_optimizer("rosenbrock", "Adam", 0.05)
    second = lr_explorer.run_optimizer("rosenbrock", "Adam", 0.05)
    assert np.array_equal(first.path, second.path)
    assert torch.equal(state, torch.get_rng_state())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"learning_rate": 0.0}, "learning_rate"), ({"learning_rate": -1.0}, "learning_rate"),
    ({"beta": 1.0}, "beta"), ({"num_steps": 0}, "num_steps"), ({"optimizer": "LBFGS"}, "optimizer"),
    ({"surface": "saddle"}, "surface"),
])
def test_run_optimizer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lr_explorer.run_optimizer(**kwargs)


def test_optimizer_names_map_to_torch_classes():
    point = torch.zeros(2, requires_grad=True)
    expected = {"SGD": torch.optim.SGD, "Momentum": torch.optim.SGD,
                "AdaGrad": torch.optim.Adagrad, "RMSProp": torch.optim.RMSprop,
                "Adam": torch.optim.Adam}
    for name, cls in expected.items():
        optimizer = lr_explorer.make_optimizer(name, [point], 0.1, 0.8)
        assert type(optimizer) is cls
    assert lr_explorer.make_optimizer("Momentum", [point], 0.1, 0.8).defaults["momentum"] == 0.8
    assert lr_explorer.make_optimizer("RMSProp", [point], 0.1, 0.8).defaults["alpha"] == 0.8
    assert lr_explorer.make_optimizer("Adam", [point], 0.1, 0.8).defaults["betas"] == (0.8, 0.999)


def test_explorer_figure_labels_divergence():
    fig = lr_explorer.plot_lr_explorer(0.5, "SGD", 0.9, "quadratic")
    run = lr_explorer.run_optimizer("quadratic", "SGD", 0.5)
    assert isinstance(fig, Figure)
    backdrop, ax_path, ax_loss = fig.axes  # cached background image, then the two data panels
    assert backdrop.images and not backdrop.axison
    label = f"diverged at step {run.diverged_at}"
    assert sum(label in text for text in texts(fig)) >= 3  # both panels and the title
    assert any("2/L = 0.1" in text for text in texts(fig))
    for ax in (ax_path, ax_loss):
        assert ax.lines, "every panel must show data, even for a diverged run"


def test_explorer_shows_something_when_diverging_at_the_first_step():
    run = lr_explorer.run_optimizer("rosenbrock", "Momentum", 2.0)
    assert run.diverged_at == 1 and len(run.losses) <= 2
    _, ax_path, ax_loss = lr_explorer.plot_lr_explorer(2.0, "Momentum", 0.9, "rosenbrock").axes
    assert ax_path.lines and len(ax_loss.lines) >= 2  # the start point and the cross
    assert any(line.get_marker() == "X" for line in ax_loss.lines)


def test_explorer_figure_for_a_good_run_has_no_divergence_label():
    fig = lr_explorer.plot_lr_explorer(0.05, "Adam", 0.9, "rosenbrock")
    assert not any("diverged" in text for text in texts(fig))
    assert any("final loss" in text for text in texts(fig))


@pytest.mark.parametrize("optimizer", lr_explorer.OPTIMIZERS)
@pytest.mark.parametrize("learning_rate", [1e-4, 0.1, 10.0])
def test_explorer_figure_renders_for_every_setting(optimizer, learning_rate, tmp_path):
    for surface in lr_explorer.SURFACES:
        fig = lr_explorer.plot_lr_explorer(learning_rate, optimizer, 0.9, surface)
        fig.savefig(tmp_path / "explorer.png")
        assert (tmp_path / "explorer.png").stat().st_size > 1000


def test_plot_paths_and_helpers_return_figures():
    runs = [lr_explorer.run_optimizer("quadratic", name, 0.05) for name in lr_explorer.OPTIMIZERS]
    runs.append(lr_explorer.run_optimizer("quadratic", "SGD", 1.0))  # a diverged one too
    assert isinstance(lr_explorer.plot_paths(runs), Figure)
    with pytest.raises(ValueError):
        lr_explorer.plot_paths([])
    schedules = {"a": [0.1, 0.05], "b": [0.1, 0.1]}
    assert isinstance(lr_explorer.plot_schedules(schedules), Figure)
    series = torch.arange(5, dtype=torch.float64)
    assert isinstance(lr_explorer.plot_series(series, {"same": series}), Figure)


# --- helpers used by the notebook's test cells ------------------------------------------------

def test_make_least_squares_is_deterministic_and_leaves_global_rng_alone():
    state = torch.get_rng_state()
    features, targets = lr_explorer.make_least_squares(seed=3, shape=(4, 2))
    again, _ = lr_explorer.make_least_squares(seed=3, shape=(4, 2))
    assert torch.equal(features, again)
    assert features.shape == (32, 4) and targets.shape == (32, 2)
    assert features.dtype == targets.dtype == torch.float64
    assert torch.equal(state, torch.get_rng_state())


@pytest.mark.parametrize("shape", [(4,), (3, 2)])
def test_least_squares_gradient_matches_autograd(shape):
    features, targets = lr_explorer.make_least_squares(seed=1, shape=shape)
    weights = torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    weights.requires_grad_(True)
    (0.5 * ((features @ weights - targets) ** 2).mean(dim=0).sum()).backward()
    gradient = lr_explorer.least_squares_gradient(features, targets)(weights.detach())
    # mean over samples of each output column; columns are independent problems
    assert torch.allclose(gradient, weights.grad, atol=1e-12)


def reference_steps():
    """From-scratch steps in torch's formulation (the notebook's exercises, written here)."""
    def momentum(param, grad, velocity, lr, momentum):
        velocity = momentum * velocity + grad
        return param - lr * velocity, velocity

    def adagrad(param, grad, total, lr, eps):
        total = total + grad ** 2
        return param - lr * grad / (total.sqrt() + eps), total

    def rmsprop(param, grad, average, lr, alpha, eps):
        average = alpha * average + (1 - alpha) * grad ** 2
        return param - lr * grad / (average.sqrt() + eps), average

    def adam(param, grad, m, v, step, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        m_hat, v_hat = m / (1 - beta1 ** step), v / (1 - beta2 ** step)
        return param - lr * m_hat / (v_hat.sqrt() + eps), m, v

    return [
        (momentum, 1, False, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}, {}),
        (adagrad, 1, False, torch.optim.Adagrad, {"lr": 0.5, "eps": 1e-3}, {}),
        (rmsprop, 1, False, torch.optim.RMSprop, {"lr": 0.02, "alpha": 0.9, "eps": 1e-2}, {}),
        (adam, 2, True, torch.optim.Adam, {"lr": 0.05, "eps": 1e-8},
         {"betas": (0.9, 0.999)}),
    ]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("shape", [(4,), (3, 2)])
def test_scratch_and_torch_trajectories_agree_for_correct_steps(seed, shape):
    features, targets = lr_explorer.make_least_squares(seed=seed, shape=shape)
    gradient = lr_explorer.least_squares_gradient(features, targets)
    # RMSProp with a tiny eps can turn chaotic near the optimum (a coordinate whose square_avg
    # decays to ~0 divides a tiny gradient by a tiny root): rounding differences of 1e-16 then
    # grow to 1e-5. eps=1e-2 here, as in the notebook's visible test, keeps runs well-conditioned.
    start = torch.randn(*shape, generator=torch.Generator().manual_seed(seed),
                        dtype=torch.float64)
    for step, num_state, pass_step, cls, shared, torch_only in reference_steps():
        scratch_only = {"beta1": 0.9, "beta2": 0.999} if cls is torch.optim.Adam else {}
        ours = lr_explorer.scratch_trajectory(step, start, gradient, 60, num_state, pass_step,
                                              **shared, **scratch_only)
        theirs = lr_explorer.torch_trajectory(cls, start, gradient, 60, **shared, **torch_only)
        assert ours.shape == theirs.shape == (61, *shape)
        assert torch.allclose(ours, theirs, atol=1e-10, rtol=0), cls.__name__
        assert (theirs[-1] - theirs[0]).abs().max() > 0.1, "the run must actually move"


def test_scratch_trajectory_names_a_wrong_return_value(capsys):
    def returns_only_param(param, grad, velocity, lr):
        return param - lr * grad

    with pytest.raises(AssertionError, match="should return a tuple of 2 tensors"):
        lr_explorer.scratch_trajectory(returns_only_param, torch.zeros(3, dtype=torch.float64),
                                       lambda p: p - 1, 5, num_state=1, lr=0.1)
    assert "✗" in capsys.readouterr().out


def test_textbook_momentum_equals_torch_momentum_with_scaled_lr():
    """The identity the notebook's momentum hint relies on: textbook(α, β) = torch(α(1-β), β)."""
    features, targets = lr_explorer.make_least_squares(seed=0)
    gradient = lr_explorer.least_squares_gradient(features, targets)
    start = torch.zeros(4, dtype=torch.float64)

    def textbook(param, grad, velocity, lr, momentum):
        velocity = momentum * velocity + (1 - momentum) * grad
        return param - lr * velocity, velocity

    ours = lr_explorer.scratch_trajectory(textbook, start, gradient, 60, 1, lr=0.5, momentum=0.9)
    theirs = lr_explorer.torch_trajectory(torch.optim.SGD, start, gradient, 60, lr=0.05,
                                          momentum=0.9)
    assert torch.allclose(ours, theirs, atol=1e-10, rtol=0)


@pytest.mark.parametrize(("cls", "kwargs", "closed_form"), [
    (StepLR, {"step_size": 3, "gamma": 0.5}, lambda e: 0.1 * 0.5 ** (e // 3)),
    (MultiStepLR, {"milestones": [2, 5, 9], "gamma": 0.1},
     lambda e: 0.1 * 0.1 ** sum(m <= e for m in [2, 5, 9])),
    (ExponentialLR, {"gamma": 0.9}, lambda e: 0.1 * 0.9 ** e),
])
def test_scheduler_learning_rates_follow_the_closed_forms(cls, kwargs, closed_form):
    rates = lr_explorer.scheduler_learning_rates(cls, 15, initial_lr=0.1, **kwargs)
    assert rates == pytest.approx([closed_form(epoch) for epoch in range(15)], rel=1e-12)


def test_rotated_surface_is_the_quadratic_turned_by_45_degrees():
    rotated = lr_explorer.SURFACES["rotated"]
    angle = np.radians(lr_explorer.ROTATION_DEGREES)
    turn = torch.tensor([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]],
                        dtype=torch.float64)  # (2, 2) counter-clockwise
    points = torch.randn(20, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    turned = points @ turn.T  # (20, 2)
    assert torch.allclose(rotated.loss(turned[:, 0], turned[:, 1]),
                          QUADRATIC.loss(points[:, 0], points[:, 1]), atol=1e-12)
    start = torch.tensor(QUADRATIC.start, dtype=torch.float64) @ turn.T
    assert np.allclose(rotated.start, start.numpy(), atol=1e-12)
    assert rotated.max_curvature == QUADRATIC.max_curvature
    hessian = torch.autograd.functional.hessian(
        lambda p: rotated.loss(p[0], p[1]), torch.zeros(2, dtype=torch.float64))
    assert abs(hessian[0, 1].item()) > 1.0  # not axis-aligned: the coordinates are coupled


def test_rotation_changes_nothing_for_sgd_and_momentum_but_hurts_adagrad():
    """SGD and momentum are rotation invariant; a per-coordinate step size is not."""
    for optimizer, learning_rate in (("SGD", 0.09), ("Momentum", 0.02)):
        aligned = lr_explorer.run_optimizer("quadratic", optimizer, learning_rate)
        rotated = lr_explorer.run_optimizer("rotated", optimizer, learning_rate)
        assert np.isclose(aligned.final_loss, rotated.final_loss, rtol=1e-6, atol=1e-18)
    aligned = lr_explorer.run_optimizer("quadratic", "AdaGrad", 1.0)
    rotated = lr_explorer.run_optimizer("rotated", "AdaGrad", 1.0)
    assert aligned.final_loss < 1e-15 and rotated.final_loss > 1e6 * aligned.final_loss


def test_gradient_noise_is_seeded_and_leaves_a_noise_floor():
    state = torch.get_rng_state()
    exact = lr_explorer.run_optimizer("quadratic", "SGD", 0.05)
    assert np.array_equal(exact.path, lr_explorer.run_optimizer("quadratic", "SGD", 0.05,
                                                               noise=0.0).path)
    noisy = lr_explorer.run_optimizer("quadratic", "SGD", 0.05, noise=2.0)
    again = lr_explorer.run_optimizer("quadratic", "SGD", 0.05, noise=2.0)
    other = lr_explorer.run_optimizer("quadratic", "SGD", 0.05, noise=2.0, seed=1)
    assert torch.equal(state, torch.get_rng_state())
    assert np.array_equal(noisy.path, again.path) and not np.array_equal(noisy.path, other.path)
    assert noisy.noise == 2.0 and exact.noise == 0.0
    assert exact.final_loss < 1e-4 and noisy.losses[-50:].mean() > 1e-2  # stuck at a floor
    with pytest.raises(ValueError, match="noise"):
        lr_explorer.run_optimizer(noise=-1.0)


def test_explorer_names_the_noise_and_the_rotated_surface():
    fig = lr_explorer.plot_lr_explorer(0.05, "SGD", 0.9, "rotated", noise=1.5)
    title = fig._suptitle.get_text()
    assert "noise σ=1.5" in title and "rotated quadratic" in title
    exact = lr_explorer.plot_lr_explorer(0.05, "SGD", 0.9, "rotated")
    assert "noise" not in exact._suptitle.get_text()
