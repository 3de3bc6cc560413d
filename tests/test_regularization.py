"""Tests of course/regularization.py: the noisy moons, the cached weight-decay sweep behind the
chapter-7 slider (checked against ordinary one-model training), its plots and its speed."""

import math
import warnings

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from course import regularization


@pytest.fixture(autouse=True)
def no_warnings():
    """Everything in this module must run without a single warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def texts(fig: Figure) -> list[str]:
    """Every piece of text drawn on a figure (titles, labels, annotations, legends)."""
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return found


def test_moons_shapes_dtypes_and_labels():
    train_x, train_y, val_x, val_y = regularization.make_noisy_moons()
    assert train_x.shape == (50, 2) and train_y.shape == (50, 1)
    assert val_x.shape == (200, 2) and val_y.shape == (200, 1)
    for tensor in (train_x, train_y, val_x, val_y):
        assert tensor.dtype == torch.float32
        assert torch.isfinite(tensor).all()
    assert set(torch.cat([train_y, val_y]).unique().tolist()) == {0.0, 1.0}


def test_moons_are_deterministic_and_seeded():
    first, second = regularization.make_noisy_moons(), regularization.make_noisy_moons()
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    other = regularization.make_noisy_moons(seed=1)
    assert not torch.equal(first[0], other[0])


def test_flip_fraction_flips_that_share_of_labels():
    clean = regularization.make_noisy_moons(num_train=20_000, flip_fraction=0.0)
    noisy = regularization.make_noisy_moons(num_train=20_000, flip_fraction=0.1)
    assert torch.equal(clean[0], noisy[0])  # same points, only labels differ
    flipped = (clean[1] != noisy[1]).float().mean().item()
    assert flipped == pytest.approx(0.1, abs=0.01)


def test_clean_moons_are_separable_by_their_generating_rule():
    x, y, _, _ = regularization.make_noisy_moons(num_train=500, noise_std=0.0, flip_fraction=0.0)
    upper = y[:, 0] == 0
    # upper moon: on the unit circle; lower moon: on the unit circle centred at (1, 0.5)
    assert torch.allclose(x[upper].norm(dim=1), torch.ones(int(upper.sum())), atol=1e-5)
    shifted = x[~upper] - torch.tensor([1.0, 0.5])
    assert torch.allclose(shifted.norm(dim=1), torch.ones(int((~upper).sum())), atol=1e-5)


@pytest.mark.parametrize("kwargs", [{"num_train": 0}, {"num_val": 0}, {"flip_fraction": 1.5},
                                    {"flip_fraction": -0.1}])
def test_moons_reject_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        regularization.make_noisy_moons(**kwargs)


def test_grid_starts_at_zero_and_increases_by_half_decades():
    grid = regularization.weight_decay_grid()
    assert grid[0] == 0.0
    assert len(grid) == 1 + len(regularization.WEIGHT_DECAY_EXPONENTS)
    ratios = [b / a for a, b in zip(grid[1:], grid[2:], strict=False)]
    assert all(r == pytest.approx(math.sqrt(10)) for r in ratios)


def test_nearest_grid_index():
    grid = regularization.weight_decay_grid()
    for index, value in enumerate(grid):
        assert regularization.nearest_grid_index(value) == index
    assert regularization.nearest_grid_index(-1.0) == 0
    assert regularization.nearest_grid_index(1e-9) == 1  # below the slider: the smallest value
    assert regularization.nearest_grid_index(5.0) == len(grid) - 1
    assert regularization.nearest_grid_index(1.1e-2) == grid.index(1e-2)
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError):
            regularization.nearest_grid_index(bad)


def _train_one(weight_decay: float, num_epochs: int) -> tuple[list[float], list[float]]:
    """The same training as one model of the sweep, written the ordinary way."""
    train_x, train_y, val_x, val_y = regularization.make_noisy_moons()
    hidden = regularization.HIDDEN_FEATURES
    model = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                          nn.Linear(hidden, 1))
    params = regularization.init_mlp_parameters()
    with torch.no_grad():
        pairs = zip(params[::2], params[1::2], strict=True)
        for layer, (weight, bias) in zip(model[::2], pairs, strict=True):
            layer.weight.copy_(weight.T)  # the sweep stores (in, out), nn.Linear (out, in)
            layer.bias.copy_(bias[0])
    optimizer = torch.optim.Adam(model.parameters(), lr=regularization.LEARNING_RATE,
                                 weight_decay=weight_decay)
    loss_fn = nn.BCEWithLogitsLoss()
    train_curve, val_curve = [], []
    for _ in range(num_epochs):
        loss = loss_fn(model(train_x), train_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            train_curve.append(loss_fn(model(train_x), train_y).item())
            val_curve.append(loss_fn(model(val_x), val_y).item())
    return train_curve, val_curve


@pytest.mark.parametrize("index", [0, 5, 7])
def test_sweep_matches_separate_training_with_adam_weight_decay(index):
    """Stacked models with an explicit L2 penalty = one nn.Sequential with Adam(weight_decay)."""
    sweep = regularization.weight_decay_sweep(num_epochs=20)
    weight_decay = sweep.weight_decays[index]
    train_curve, val_curve = _train_one(weight_decay, 20)
    assert torch.allclose(sweep.train_loss[index], torch.tensor(train_curve), atol=1e-4)
    assert torch.allclose(sweep.val_loss[index], torch.tensor(val_curve), atol=1e-4)


def test_sweep_shapes_cache_and_determinism():
    sweep = regularization.weight_decay_sweep()
    num_models = len(regularization.weight_decay_grid())
    num_epochs = regularization.NUM_EPOCHS
    assert sweep.train_loss.shape == sweep.val_loss.shape == (num_models, num_epochs)
    assert sweep.val_accuracy.shape == (num_models,)
    size = regularization.MESH_SIZE
    assert sweep.mesh_probability.shape == (num_models, size, size)
    assert ((sweep.mesh_probability >= 0) & (sweep.mesh_probability <= 1)).all()
    assert regularization.weight_decay_sweep() is sweep  # cached
    fresh = regularization.weight_decay_sweep.__wrapped__()
    assert torch.equal(fresh.train_loss, sweep.train_loss)
    assert torch.equal(fresh.val_loss, sweep.val_loss)


def test_sweep_restores_thread_count_and_denormal_setting():
    threads = torch.get_num_threads()
    assert not regularization._denormals_flushed()
    regularization.weight_decay_sweep.__wrapped__(num_epochs=2)
    assert torch.get_num_threads() == threads
    assert not regularization._denormals_flushed()
    torch.set_flush_denormal(True)
    try:
        regularization.weight_decay_sweep.__wrapped__(num_epochs=2)
        assert regularization._denormals_flushed()
    finally:
        torch.set_flush_denormal(False)


def test_sweep_rejects_zero_epochs():
    with pytest.raises(ValueError):
        regularization.weight_decay_sweep(num_epochs=0)


def test_sweep_shows_overfitting_and_underfitting():
    """What the chapter's text says about the slider must hold for the cached numbers."""
    grid = regularization.weight_decay_grid()
    numbers = [regularization.generalisation_gap(value) for value in grid]
    none, best, strongest = numbers[0], numbers[grid.index(1e-2)], numbers[-1]
    assert none["train_loss"] < 0.05 and none["val_loss"] > 1.5  # memorised
    assert none["best_epoch"] < 50  # the validation minimum comes early
    assert best["val_loss"] < 0.5 * none["val_loss"]  # weight decay helps a lot
    assert min(n["val_loss"] for n in numbers) == pytest.approx(best["val_loss"], abs=0.03)
    assert strongest["train_loss"] > 5 * none["train_loss"]  # too much: underfits
    assert strongest["val_loss"] > best["val_loss"]
    gaps = [n["gap"] for n in numbers]
    assert all(b < a for a, b in zip(gaps, gaps[1:], strict=False))  # shrinks as decay grows


def test_generalisation_gap_fields():
    numbers = regularization.generalisation_gap(1e-3)
    assert set(numbers) == {"weight_decay", "train_loss", "val_loss", "gap", "best_val_loss",
                            "best_epoch", "val_accuracy"}
    assert numbers["weight_decay"] == pytest.approx(1e-3)
    assert numbers["gap"] == pytest.approx(numbers["val_loss"] - numbers["train_loss"])
    assert numbers["best_val_loss"] <= numbers["val_loss"]
    assert 1 <= numbers["best_epoch"] <= regularization.NUM_EPOCHS
    assert 0.0 <= numbers["val_accuracy"] <= 1.0


@pytest.mark.parametrize("weight_decay", [*regularization.weight_decay_grid(), 1e-9, 3.0])
def test_weight_decay_figure_renders(weight_decay, tmp_path):
    fig = regularization.plot_weight_decay(weight_decay)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    used = regularization.generalisation_gap(weight_decay)
    assert f"gap {used['gap']:.2f}" in " ".join(texts(fig))
    fig.savefig(tmp_path / "slider.png")
    assert (tmp_path / "slider.png").stat().st_size > 5000


def test_slider_reuses_one_figure_and_updates_it():
    first = regularization.plot_weight_decay(1e-4)
    title_before = first.axes[1].get_title()
    second = regularization.plot_weight_decay(1e-2)
    assert second is first
    assert second.axes[1].get_title() != title_before
    train_line = second.axes[1].get_lines()[0]
    index = regularization.nearest_grid_index(1e-2)
    sweep = regularization.weight_decay_sweep()
    assert torch.allclose(torch.as_tensor(train_line.get_ydata()), sweep.train_loss[index])


def test_diverged_sweep_is_labelled_not_crashed(monkeypatch):
    sweep = regularization.weight_decay_sweep()
    broken = sweep._replace(train_loss=sweep.train_loss.clone(), val_loss=sweep.val_loss.clone())
    broken.train_loss[3, 50:] = math.inf
    broken.val_loss[3, 50:] = math.nan
    monkeypatch.setattr(regularization, "weight_decay_sweep", lambda: broken)
    fig = regularization.plot_weight_decay(regularization.weight_decay_grid()[3])
    visible = [t.get_text() for t in fig.axes[1].texts if t.get_visible()]
    assert any("diverged" in text for text in visible)
    fig.savefig("/dev/null", format="png")
    fig = regularization.plot_weight_decay(regularization.weight_decay_grid()[4])
    assert not any("diverged" in t.get_text() for t in fig.axes[1].texts if t.get_visible())


def test_plot_curves_marks_and_labels():
    fig = regularization.plot_curves({"train": [1.0, 0.5, 0.2], "validation": [1.0, 0.8, 0.9]},
                                     title="demo")
    assert isinstance(fig, Figure)
    assert "demo" in texts(fig) and "validation" in texts(fig)
    fig = regularization.plot_curves({"validation": [1.0, math.nan, math.inf]})
    assert any("diverged" in text for text in texts(fig))
    fig.savefig("/dev/null", format="png")


def _marked_points(ax) -> list[tuple[float, float]]:
    """(x, y) of the single-point markers drawn on ``ax``."""
    return [(float(line.get_xdata()[0]), float(line.get_ydata()[0])) for line in ax.get_lines()
            if len(line.get_xdata()) == 1]


def test_plot_loss_and_accuracy_marks_lowest_loss_and_highest_accuracy():
    fig = regularization.plot_loss_and_accuracy(
        {"train": [0.9, 0.5, 0.1], "validation": [0.8, 0.6, 0.7]},
        {"validation": [0.6, 0.9, 0.8]}, title="overconfidence")
    loss_ax, accuracy_ax = fig.axes
    assert "overconfidence" in fig.get_suptitle()
    assert loss_ax.get_ylabel() == "loss" and accuracy_ax.get_ylabel() == "accuracy"
    assert _marked_points(loss_ax) == [(3.0, 0.1), (2.0, 0.6)]
    assert _marked_points(accuracy_ax) == [(2.0, 0.9)]
    validation_colors = {line.get_color() for ax in fig.axes for line in ax.get_lines()
                         if line.get_label() == "validation"}
    assert len(validation_colors) == 1, "one curve label, one colour in both panels"
    fig.savefig("/dev/null", format="png")


def test_plot_loss_and_accuracy_labels_a_diverged_curve():
    fig = regularization.plot_loss_and_accuracy({"train": [1.0, math.nan]}, {"validation": [0.5]})
    assert any("diverged" in text for text in texts(fig))


def test_curve_plots_tick_only_whole_epochs():
    fig = regularization.plot_curves({"train": [float(v) for v in range(20, 0, -1)]})
    fig.canvas.draw()
    ticks = [tick for tick in fig.axes[0].get_xticks() if 1 <= tick <= 20]
    assert ticks and all(float(tick).is_integer() for tick in ticks), ticks
