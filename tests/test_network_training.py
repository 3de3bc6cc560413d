"""Tests of course/network_training.py: the phone task, the network, the loop and its plots."""

import math

import pytest
import torch
from matplotlib.figure import Figure

from course import network_training

SMALL = {"num_train": 200, "num_val": 100}


def test_phone_task_is_standardised_with_training_statistics_only():
    task = network_training.make_phone_task(**SMALL)
    assert task.train_features.shape == (200, 20) and task.val_features.shape == (100, 20)
    assert task.train_features.dtype == torch.float64 and task.train_labels.dtype == torch.int64
    zeros = torch.zeros(20, dtype=torch.float64)
    assert torch.allclose(task.train_features.mean(dim=0), zeros, atol=1e-10)
    assert torch.allclose(task.train_features.std(dim=0), zeros + 1, atol=1e-10)
    assert not torch.allclose(task.val_features.mean(dim=0), zeros, atol=1e-3)
    again = network_training.make_phone_task(**SMALL)
    assert torch.equal(task.val_features, again.val_features)
    assert set(task.train_labels.tolist()) == {0, 1, 2, 3}


def test_network_is_seeded_float64_and_leaves_the_global_rng_alone():
    state = torch.get_rng_state()
    first, second = network_training.make_network(seed=3), network_training.make_network(seed=3)
    assert torch.equal(state, torch.get_rng_state())
    for a, b in zip(first.parameters(), second.parameters(), strict=True):
        assert torch.equal(a, b) and a.dtype == torch.float64
    assert first(torch.zeros(5, 20, dtype=torch.float64)).shape == (5, 4)
    other = network_training.make_network(seed=4)
    assert not torch.equal(next(first.parameters()), next(other.parameters()))


@pytest.mark.parametrize(("name", "cls", "settings"), [
    ("SGD", torch.optim.SGD, {"momentum": 0}), ("Momentum", torch.optim.SGD, {"momentum": 0.9}),
    ("AdaGrad", torch.optim.Adagrad, {}), ("RMSProp", torch.optim.RMSprop, {"alpha": 0.99}),
    ("Adam", torch.optim.Adam, {"weight_decay": 0}), ("AdamW", torch.optim.AdamW,
                                                      {"weight_decay": 0.01}),
])
def test_optimizer_names_map_to_torch_classes(name, cls, settings):
    optimizer = network_training.make_network_optimizer(
        name, [torch.zeros(1, requires_grad=True)], 0.5)
    assert type(optimizer) is cls and optimizer.param_groups[0]["lr"] == 0.5
    for key, value in settings.items():
        assert optimizer.param_groups[0][key] == value
    with pytest.raises(ValueError, match="optimizer must be one of"):
        network_training.make_network_optimizer("LBFGS", [torch.zeros(1)], 0.1)


def test_warmup_cosine_follows_the_closed_form_per_iteration():
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=0.2)
    schedule = network_training.warmup_cosine(optimizer, warmup_steps=4, total_steps=20,
                                              start_factor=0.25, min_lr=0.01)
    for step in range(21):
        if step < 4:
            expected = 0.2 * (0.25 + 0.75 * step / 4)
        else:
            expected = 0.01 + 0.19 * (1 + math.cos(math.pi * (step - 4) / 16)) / 2
        assert optimizer.param_groups[0]["lr"] == pytest.approx(expected, rel=1e-12)
        optimizer.step()
        schedule.step()
    with pytest.raises(ValueError, match="warmup_steps"):
        network_training.warmup_cosine(optimizer, warmup_steps=0, total_steps=10)
    with pytest.raises(ValueError, match="warmup_steps"):
        network_training.warmup_cosine(optimizer, warmup_steps=10, total_steps=10)


def test_train_network_records_every_iteration_and_epoch_deterministically():
    task = network_training.make_phone_task(**SMALL)
    state, threads = torch.get_rng_state(), torch.get_num_threads()
    run = network_training.train_network(task, "Adam", 0.01, num_epochs=3, batch_size=64)
    assert torch.equal(state, torch.get_rng_state()) and torch.get_num_threads() == threads
    assert len(run.step_losses) == len(run.learning_rates) == 3 * math.ceil(200 / 64)
    assert len(run.val_losses) == len(run.val_accuracies) == 4
    assert run.label == "Adam lr=0.01" and set(run.learning_rates) == {0.01}
    assert run.val_losses[-1] < run.val_losses[0]
    again = network_training.train_network(task, "Adam", 0.01, num_epochs=3, batch_size=64)
    assert again.step_losses == run.step_losses and again.val_losses == run.val_losses


def test_train_network_steps_the_schedule_once_per_iteration():
    task = network_training.make_phone_task(**SMALL)
    run = network_training.train_network(
        task, "AdamW", 0.02, num_epochs=2, batch_size=50, label="scheduled",
        schedule=lambda optimizer: network_training.warmup_cosine(optimizer, 4, 8))
    assert run.label == "scheduled"
    assert run.learning_rates[:4] == pytest.approx([0.002, 0.0065, 0.011, 0.0155])
    assert run.learning_rates[4] == pytest.approx(0.02)
    assert run.learning_rates[-1] == pytest.approx(0.01 * (1 + math.cos(math.pi * 3 / 4)))


def test_single_thread_restores_the_thread_count_after_an_error():
    threads = torch.get_num_threads()
    with pytest.raises(RuntimeError), network_training.single_thread():
        assert torch.get_num_threads() == 1
        raise RuntimeError("boom")
    assert torch.get_num_threads() == threads


def test_running_mean_averages_the_last_values():
    assert network_training.running_mean([1.0, 3.0, 5.0, 7.0], window=2) == [1.0, 2.0, 4.0, 6.0]
    assert network_training.running_mean([2.0], window=10) == [2.0]


def test_plots_draw_one_line_per_run_and_mark_the_chosen_rates():
    task = network_training.make_phone_task(**SMALL)
    runs = [network_training.train_network(task, name, rate, num_epochs=1)
            for name, rate in (("SGD", 0.1), ("Adam", 0.01))]
    fig = network_training.plot_runs(runs, title="T")
    assert isinstance(fig, Figure)
    train_ax, val_ax = fig.axes
    assert [line.get_label() for line in train_ax.lines] == ["SGD lr=0.1", "Adam lr=0.01"]
    assert val_ax.get_ylabel() == "validation cross entropy"
    ranges = {"SGD": ([0.01, 0.1, 1.0], [1.4, 1.0, 9.0]), "Adam": ([0.01, 0.1], [1.3, 0.9])}
    fig = network_training.plot_lr_range(ranges, {"SGD": 0.01})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [line.get_label() for line in ax.lines if not line.get_label().startswith("_")] \
        == ["SGD", "Adam"]
    assert any(list(line.get_xdata()) == [0.01, 0.01] for line in ax.lines)  # the chosen rate
