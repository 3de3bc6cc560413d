"""Prose numbers of ch07_regularization, recomputed: one test per claim a markdown cell makes.

The runs below repeat the notebook's own demos (same data, same initial weights, same seeds) with
the course's helpers, so a change that moves a number the prose relies on fails here, with the
cell's anchor in the message.
"""

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from course import regularization
from tests import claims

CHAPTER = "ch07_regularization"


@pytest.fixture(autouse=True)
def one_thread():
    """The notebook trains on one thread with denormals flushed; so do these runs."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    yield
    torch.set_num_threads(threads)
    torch.set_flush_denormal(False)


def make_mlp(dropout_p: float = 0.0, hidden: int = 64) -> nn.Sequential:
    """Section 1's model: the sweep's initial weights copied into an nn.Sequential."""
    model = nn.Sequential(
        nn.Linear(2, hidden), nn.ReLU(), nn.Dropout(dropout_p),
        nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(dropout_p),
        nn.Linear(hidden, 1),
    )
    start = regularization.init_mlp_parameters(in_features=2, hidden=hidden)
    linears = [layer for layer in model if isinstance(layer, nn.Linear)]
    with torch.no_grad():
        for layer, weight, bias in zip(linears, start[0::2], start[1::2], strict=True):
            layer.weight.copy_(weight.T)
            layer.bias.copy_(bias[0])
    return model


def train_with_curves(model: nn.Module, num_epochs: int = 200):
    """Section 1's loop: full-batch Adam(lr=1e-2); per-epoch train loss, val loss, val accuracy."""
    train_x, train_y, val_x, val_y = regularization.make_noisy_moons()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    train_losses, val_losses, accuracies = [], [], []
    for _ in range(num_epochs):
        model.train()
        loss = F.binary_cross_entropy_with_logits(model(train_x), train_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            train_losses.append(F.binary_cross_entropy_with_logits(model(train_x), train_y).item())
            logits = model(val_x)
            val_losses.append(F.binary_cross_entropy_with_logits(logits, val_y).item())
            accuracies.append(((logits > 0).float() == val_y).float().mean().item())
    return train_losses, val_losses, accuracies


@pytest.fixture(scope="module")
def plain_run():
    """Section 1: the model without regularisation, 200 epochs, and the model itself."""
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    model = make_mlp()
    return (*train_with_curves(model), model)


@pytest.fixture(scope="module")
def dropout_runs():
    """Section 2's table: the final curves for every p the notebook trains."""
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    runs = {}
    for p in (0.0, 0.1, 0.2, 0.3, 0.5, 0.8):
        torch.manual_seed(0)
        runs[p] = train_with_curves(make_mlp(dropout_p=p))
    return runs


def split_loss(model: nn.Module) -> dict[str, float]:
    """Validation accuracy, number of wrong points, their share of the loss, their mean loss."""
    _, _, val_x, val_y = regularization.make_noisy_moons()
    model.eval()
    with torch.no_grad():
        logits = model(val_x)
    losses = F.binary_cross_entropy_with_logits(logits, val_y, reduction="none")
    wrong = (logits > 0).float() != val_y
    return {"wrong": int(wrong.sum()), "share": (losses[wrong].sum() / losses.sum()).item(),
            "mean_wrong": losses[wrong].mean().item()}


def best_epoch(curve: list[float]) -> int:
    return min(range(len(curve)), key=curve.__getitem__) + 1


# section 1 -------------------------------------------------------------------------------------

def test_moons_have_50_training_200_validation_points_and_10_percent_flipped():
    text = claims.markdown(CHAPTER, "Overfitting made visible")
    train_x, _, val_x, _ = regularization.make_noisy_moons()
    claims.assert_quotes(text, len(train_x), "d")
    claims.assert_quotes(text, len(val_x), "d")
    flip = regularization.make_noisy_moons.__defaults__[3]  # flip_fraction
    claims.assert_quotes(text, flip, ".0%")


def test_model_has_two_hidden_layers_of_64_units():
    text = claims.markdown(CHAPTER, "deliberately too large")
    claims.assert_quotes(text, regularization.HIDDEN_FEATURES, "d")
    assert make_mlp()[3].in_features == regularization.HIDDEN_FEATURES


def test_the_sweep_starts_from_section_1s_weights_and_ends_close_to_it(plain_run):
    text = claims.markdown(CHAPTER, "ends close to section 1's run")
    assert "same initial weights as section 1" in text
    model = make_mlp()
    start = regularization.init_mlp_parameters()
    assert torch.equal(model[0].weight, start[0].T) and torch.equal(model[6].bias, start[5][0])
    sweep_val = regularization.generalisation_gap(0.0)["val_loss"]
    assert abs(sweep_val - plain_run[1][-1]) < 0.1, (sweep_val, plain_run[1][-1])


def test_accuracy_keeps_rising_while_the_validation_loss_climbs(plain_run):
    text = claims.markdown(CHAPTER, "accuracy first keeps rising")
    _, val_loss, accuracy, _ = plain_run
    lowest_loss = best_epoch(val_loss)
    highest_accuracy = max(range(len(accuracy)), key=accuracy.__getitem__) + 1
    assert highest_accuracy > lowest_loss, (highest_accuracy, lowest_loss)
    assert accuracy[-1] > accuracy[lowest_loss - 1], "after 200 epochs it is still higher"
    assert val_loss[-1] > 4 * val_loss[lowest_loss - 1], "while the validation loss climbs"
    assert "*higher*" in text


def test_cross_entropy_of_confident_mistakes():
    text = claims.markdown(CHAPTER, "a cost without an upper limit")
    claims.assert_quotes(text, -math.log(0.001), ".1f")
    claims.assert_quotes(text, -math.log(1e-7), ".1f")
    claims.assert_quotes(text, math.log(2), ".2f")


def test_sigmoid_then_log_is_minus_inf_at_a_logit_of_minus_90_not_at_minus_80():
    text = claims.markdown(CHAPTER, "where the validation loss comes from")
    claims.assert_quotes(text, -90, "d")
    for flush in (True, False):  # the chapter flushes denormals; a student's kernel may not
        torch.set_flush_denormal(flush)
        assert torch.log(torch.sigmoid(torch.tensor(-90.0))).item() == -math.inf
        assert math.isfinite(torch.log(torch.sigmoid(torch.tensor(-80.0))).item())


def test_late_mistakes_are_fewer_but_carry_almost_all_the_loss(plain_run):
    text = claims.markdown(CHAPTER, "fewer validation points are wrong")
    _, val_loss, _, late_model = plain_run
    early_model = make_mlp()
    train_with_curves(early_model, num_epochs=best_epoch(val_loss))
    early, late = split_loss(early_model), split_loss(late_model)
    assert late["wrong"] < early["wrong"], (late, early)
    assert late["share"] > 0.95, "almost the whole loss"
    assert late["mean_wrong"] > 10 * math.log(2), "many times the log 2 of a coin flip"
    assert "almost\nthe whole loss" in text


# section 2 -------------------------------------------------------------------------------------

def test_every_dropout_rate_ends_below_the_unregularised_validation_loss(dropout_runs):
    claims.markdown(CHAPTER, "Every `p` in the table ends with a far lower validation loss")
    plain_final = dropout_runs[0.0][1][-1]
    for p, (_, val_loss, _) in dropout_runs.items():
        if p > 0:
            assert val_loss[-1] < 0.6 * plain_final, (p, val_loss[-1], plain_final)


def test_the_largest_dropout_rates_end_with_the_lowest_validation_loss(dropout_runs):
    claims.markdown(CHAPTER, "the larger values keep the end of training best")
    finals = {p: run[1][-1] for p, run in dropout_runs.items()}
    assert sorted(finals, key=finals.get)[:2] == [0.8, 0.5], finals


def test_dropout_0_8_costs_accuracy_and_fits_the_training_set_worst(dropout_runs):
    claims.markdown(CHAPTER, "0.8, pays for it in accuracy")
    accuracy = {p: run[2][-1] for p, run in dropout_runs.items()}
    train_loss = {p: run[0][-1] for p, run in dropout_runs.items()}
    assert min(accuracy, key=accuracy.get) == 0.8, accuracy
    assert max(train_loss, key=train_loss.get) == 0.8, train_loss


def test_lowest_validation_loss_hardly_depends_on_p(dropout_runs):
    claims.markdown(CHAPTER, "The lowest validation loss along the way hardly depends on `p`")
    lowest = [min(run[1]) for run in dropout_runs.values()]
    assert max(lowest) - min(lowest) < 0.05, lowest


def test_a_unit_dropped_by_every_example_has_probability_one_sixteenth_and_none_here():
    text = claims.markdown(CHAPTER, "From example 0 alone")
    assert 0.5 ** 4 == 1 / 16 and "`0.5 ** 4 = 1/16`" in text
    torch.manual_seed(3)
    dropped = nn.Dropout(p=0.5)(torch.ones(4, 6))  # the notebook's draw
    kept = (dropped != 0).sum(dim=0)  # (6,)
    assert bool((kept > 0).all()), "to none of the six here"
    next_layer = nn.Linear(6, 1, bias=False)
    next_layer(dropped).sum().backward()
    assert torch.equal(next_layer.weight.grad[0], 2.0 * kept), "examples that kept it times 2"


# section 3 -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def deep_runs():
    """Section 3's experiment: six hidden layers with and without batch norm, three rates."""
    torch.set_num_threads(1)
    deep_x, deep_y, _, _ = regularization.make_noisy_moons(num_train=512, num_val=1,
                                                            flip_fraction=0.0, seed=1)

    def block(size, width, batch_norm):
        if batch_norm:
            return nn.Sequential(nn.Linear(size, width, bias=False), nn.BatchNorm1d(width),
                                 nn.ReLU(), nn.Dropout(0.0))
        return nn.Sequential(nn.Linear(size, width), nn.ReLU())

    finals = {}
    for lr in (0.1, 1.0, 3.0):
        for batch_norm in (False, True):
            torch.manual_seed(0)
            model = nn.Sequential(*[block(2 if k == 0 else 32, 32, batch_norm) for k in range(6)],
                                  nn.Linear(32, 1))
            optimizer = torch.optim.SGD(model.parameters(), lr=lr)
            order = torch.Generator().manual_seed(0)
            for _ in range(10):
                model.train()
                for rows in torch.randperm(len(deep_x), generator=order).split(64):
                    loss = F.binary_cross_entropy_with_logits(model(deep_x[rows]), deep_y[rows])
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
            model.eval()
            with torch.no_grad():
                finals[lr, batch_norm] = F.binary_cross_entropy_with_logits(
                    model(deep_x), deep_y).item()
    return finals


def test_without_batch_norm_only_one_rate_learns(deep_runs):
    claims.markdown(CHAPTER, "Without batch norm the network learns at only one of the three")
    assert abs(deep_runs[0.1, False] - math.log(2)) < 0.01, "at lr = 0.1 it stays at ln 2"
    assert deep_runs[3.0, False] > 0.65, "at lr = 3 no better than a constant guess"
    assert deep_runs[1.0, False] < 0.5, "lr = 1 learns"


def test_with_batch_norm_every_rate_trains_and_the_smallest_beats_plain_best(deep_runs):
    claims.markdown(CHAPTER, "With batch norm every rate trains")
    assert all(deep_runs[lr, True] < 0.15 for lr in (0.1, 1.0, 3.0)), deep_runs
    plain_best = min(deep_runs[lr, False] for lr in (0.1, 1.0, 3.0))
    assert deep_runs[0.1, True] < plain_best


def test_batch_norm_momentum_default_is_0_1():
    text = claims.markdown(CHAPTER, "The training-mode forward pass")
    claims.assert_quotes(text, nn.BatchNorm1d(3).momentum, ".1f")


# section 4 -------------------------------------------------------------------------------------

def _two_weights(optimizer_class) -> list[float]:
    two_weights = torch.ones(2, requires_grad=True)
    optimizer = optimizer_class([two_weights], lr=0.01, weight_decay=0.1)
    for step in range(100):
        optimizer.zero_grad()
        two_weights.grad = torch.tensor([1.0 if step % 2 == 0 else -1.0, 0.0])
        optimizer.step()
    return two_weights.tolist()


def test_adam_decays_the_quiet_weight_far_more_than_the_noisy_one():
    text = claims.markdown(CHAPTER, "leaves the weight with noisy gradients near")
    noisy, quiet = _two_weights(torch.optim.Adam)
    claims.assert_quotes(text, noisy, ".1f")
    assert quiet < 0.5 * noisy, (noisy, quiet)


def test_adamw_shrinks_both_by_nearly_the_sgd_factor():
    claims.markdown(CHAPTER, "both shrink by nearly the factor")
    factor = (1 - 0.01 * 0.1) ** 100
    noisy, quiet = _two_weights(torch.optim.AdamW)
    assert abs(quiet - factor) < 1e-3, quiet
    assert abs(noisy - factor) < 0.02, noisy
    assert abs((factor - noisy) - 0.01) < 0.01, "the first noisy step moved it by about lr"


# section 5 -------------------------------------------------------------------------------------

def early_stop(curve: list[float], patience: int) -> tuple[int, int]:
    best_loss, best_at, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(curve, start=1):
        if loss < best_loss:
            best_loss, best_at, waited = loss, epoch, 0
        else:
            waited += 1
        if waited == patience:
            return epoch, best_at
    return len(curve), best_at


def test_validation_curve_has_an_early_minimum_a_bump_and_a_lower_minimum(plain_run):
    claims.markdown(CHAPTER, "is not a clean valley")
    curve = plain_run[1]
    lowest = best_epoch(curve)
    first = best_epoch(curve[:lowest - 5])
    assert first < lowest and curve[first - 1] > curve[lowest - 1]
    assert max(curve[first:lowest]) > curve[first - 1] + 0.02, "it rises for a few epochs"


def test_patience_5_and_10_restore_the_first_minimum_20_the_lowest(plain_run):
    claims.markdown(CHAPTER, "With patience 5 or 10 the bump")
    curve = plain_run[1]
    restored = {patience: early_stop(curve, patience)[1] for patience in (5, 10, 20)}
    assert restored[5] == restored[10] < restored[20] == best_epoch(curve), restored


def test_the_two_minima_have_almost_the_same_loss_not_the_same_accuracy(plain_run):
    claims.markdown(CHAPTER, "The two minima\nhave almost the same loss")
    _, curve, accuracy, _ = plain_run
    first, lowest = early_stop(curve, 5)[1], early_stop(curve, 20)[1]
    assert abs(curve[first - 1] - curve[lowest - 1]) < 0.01
    assert accuracy[lowest - 1] - accuracy[first - 1] > 0.03


def test_every_patience_beats_training_to_the_end(plain_run):
    claims.markdown(CHAPTER, "Every value above still beats training to the end by far")
    curve = plain_run[1]
    for patience in (5, 10, 20):
        assert curve[early_stop(curve, patience)[1] - 1] < curve[-1] / 4


# section 6 -------------------------------------------------------------------------------------

def test_sweep_lowest_validation_loss_at_1e_2():
    claims.markdown(CHAPTER, "Around 1e-2 the boundary is smooth and the validation loss is lowest")
    grid = regularization.weight_decay_grid()
    val = [regularization.generalisation_gap(decay)["val_loss"] for decay in grid]
    assert grid[val.index(min(val))] == pytest.approx(1e-2)


def test_sweep_at_1e_1_both_losses_go_up():
    claims.markdown(CHAPTER, "both losses go up")
    grid = regularization.weight_decay_grid()
    last, before = (regularization.generalisation_gap(grid[i]) for i in (-1, -2))
    assert last["train_loss"] > before["train_loss"] and last["val_loss"] > before["val_loss"]


def test_sweep_accuracy_moves_far_less_than_the_validation_loss():
    claims.markdown(CHAPTER, "it moves far less than the validation loss does")
    numbers = [regularization.generalisation_gap(decay)
               for decay in regularization.weight_decay_grid()]
    val = [n["val_loss"] for n in numbers]
    accuracy = [n["val_accuracy"] for n in numbers]
    assert max(val) / min(val) > 4 * max(accuracy) / min(accuracy), (val, accuracy)
