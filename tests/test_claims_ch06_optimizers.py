"""Prose numbers of ch06_optimizers, recomputed: one test per claim (see tests/claims.py)."""

import functools
import math

import torch

from course import lr_explorer, network_training
from tests import claims

CHAPTER = "ch06_optimizers"


def first_step(optimizer_class, **settings) -> float:
    """How far one step of a real optimizer moves from 0 on a gradient of 1, in units of lr."""
    path = lr_explorer.torch_trajectory(optimizer_class, torch.zeros(1, dtype=torch.float64),
                                        lambda point: torch.ones(1, dtype=torch.float64),
                                        num_steps=1, lr=0.01, **settings)
    return abs(path[1, 0].item()) / 0.01


def order_of_magnitude(value: float) -> str:
    """``1e-7`` for 1.2e-7: how prose quotes a rounding error."""
    return f"1e-{-math.floor(math.log10(value))}"


def test_ewa_memory_is_one_over_one_minus_beta():
    text = claims.markdown(CHAPTER, "roughly\nthe last `1 / (1 - β)` values")
    claims.assert_quotes(text, 1 / (1 - 0.9), ".0f")
    claims.assert_quotes(text, 1 / (1 - 0.999), ".0f")


def test_uncorrected_ewa_catches_up_only_after_29_steps():
    text = claims.markdown(CHAPTER, "slow to catch up")
    claims.assert_quotes(text, 1 / (1 - 0.9), ".0f")
    claims.assert_quotes(text, 1 - 0.9 ** 10, ".0%")
    steps = next(t for t in range(1, 100) if 1 - 0.9 ** t >= 0.95)
    assert f"`t = {steps}`" in text and steps == 29


def test_float32_rounding_is_near_the_tolerance_and_float64_far_below():
    def adam_by_formula(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps):
        exp_avg = beta1 * exp_avg + (1 - beta1) * grad
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
        denominator = (exp_avg_sq / (1 - beta2 ** step)).sqrt() + eps
        return param - lr * exp_avg / (1 - beta1 ** step) / denominator, exp_avg, exp_avg_sq

    text = claims.markdown(CHAPTER, "uncomfortably close to a 1e-6 tolerance")
    for dtype in (torch.float32, torch.float64):
        features, targets = lr_explorer.make_least_squares(seed=0)
        gradient = lr_explorer.least_squares_gradient(features.to(dtype), targets.to(dtype))
        start = torch.zeros(4, dtype=dtype)
        difference = (lr_explorer.torch_trajectory(torch.optim.Adam, start, gradient, 60, lr=0.05)
                      - lr_explorer.scratch_trajectory(
                          adam_by_formula, start, gradient, 60, num_state=2, pass_step=True,
                          lr=0.05, beta1=0.9, beta2=0.999, eps=1e-8)).abs().max().item()
        assert f"about {order_of_magnitude(difference)} in" in text, (dtype, difference)


def test_momentum_steps_grow_to_one_over_one_minus_mu():
    text = claims.markdown(CHAPTER, "the steps become 10\ntimes longer")
    path = lr_explorer.torch_trajectory(torch.optim.SGD, torch.zeros(1, dtype=torch.float64),
                                        lambda point: torch.ones(1, dtype=torch.float64),
                                        num_steps=300, lr=0.01, momentum=0.9)
    ratio = (path[-2] - path[-1]).item() / 0.01
    assert math.isclose(ratio, 10.0, rel_tol=1e-9)
    claims.assert_quotes(text, ratio, ".0f")


def test_textbook_momentum_needs_lr_alpha_times_one_minus_beta():
    text = claims.markdown(CHAPTER, "the textbook path equals PyTorch's")
    claims.assert_quotes(text, 0.5 * (1 - 0.9), ".2f")


def test_adagrad_step_after_100_equal_gradients_is_10_times_smaller():
    text = claims.markdown(CHAPTER, "after 100 equal\ngradients")
    path = lr_explorer.torch_trajectory(torch.optim.Adagrad, torch.zeros(1, dtype=torch.float64),
                                        lambda point: torch.ones(1, dtype=torch.float64),
                                        num_steps=100, lr=0.01)
    steps = (path[:-1] - path[1:]).reshape(-1)  # (100,)
    claims.assert_quotes(text, (steps[0] / steps[-1]).item(), ".0f")


def test_adam_without_correction_moves_3_16_lr_first():
    text = claims.markdown(CHAPTER, "the two averages are\nbiased by different factors")
    uncorrected = 0.1 / math.sqrt(0.001)  # m = 0.1 g, v = 0.001 g**2 after one step
    claims.assert_quotes(text, uncorrected, ".2f")
    claims.assert_quotes(text, 1 - 0.9, ".1f")
    claims.assert_quotes(text, 1 - 0.999, ".3f")


def test_first_steps_rmsprop_3_16_and_10_lr_adam_and_adagrad_lr():
    text = claims.markdown(CHAPTER, "RMSProp is different: it has **no** bias correction")
    claims.assert_quotes(text, first_step(torch.optim.RMSprop, alpha=0.9), ".2f")
    claims.assert_quotes(text, first_step(torch.optim.RMSprop, alpha=0.99), ".0f")
    assert math.isclose(first_step(torch.optim.Adam), 1.0, rel_tol=1e-5)
    assert math.isclose(first_step(torch.optim.Adagrad), 1.0, rel_tol=1e-5)


def test_surfaces_section_quotes_rmsprop_first_step():
    text = claims.markdown(CHAPTER, "## 8. The optimizers on 2-D loss surfaces")
    claims.assert_quotes(text, first_step(torch.optim.RMSprop, alpha=0.9), ".2f")


def test_too_small_learning_rate_leaves_x_share():
    text = claims.markdown(CHAPTER, "**too small** (`lr = 0.001`)")
    run = lr_explorer.run_optimizer("quadratic", "SGD", 0.001)
    (x_start, y_start), (x_end, y_end) = run.path[0], run.path[-1]
    claims.assert_quotes(text, x_end / x_start, ".2f")
    claims.assert_quotes(text, y_end / y_start, ".2f")
    claims.assert_quotes(text, float(run.losses[0]), ".1f")
    claims.assert_quotes(text, run.final_loss, ".2f")
    claims.assert_quotes(text, 0.5 * x_end ** 2, ".2f")


def test_sgd_limit_on_the_quadratic_is_two_over_l():
    text = claims.markdown(CHAPTER, "## 9. How large may the learning rate be?")
    largest = lr_explorer.SURFACES["quadratic"].max_curvature
    assert f"`L = {largest:g}`" in text
    claims.assert_quotes(text, 2 / largest, ".1f")


def flat(text: str) -> str:
    """The text with every run of white space (line breaks included) as one space."""
    return " ".join(text.split())


def test_momentum_leaves_the_saddle_several_times_sooner():
    text = claims.markdown(CHAPTER, "### Momentum at saddle points and on plateaus")

    def gradient(point):
        return torch.stack([point[0], -point[1] + point[1] ** 3])

    def escape(path):
        x, y = path[:, 0], path[:, 1]
        return torch.nonzero(0.5 * x ** 2 - 0.5 * y ** 2 + 0.25 * y ** 4 < -0.2)[0].item()

    start = torch.tensor([1.0, 1e-6], dtype=torch.float64)
    sgd = escape(lr_explorer.torch_trajectory(torch.optim.SGD, start, gradient, 400, lr=0.05))
    momentum = escape(lr_explorer.torch_trajectory(torch.optim.SGD, start, gradient, 400,
                                                   lr=0.05, momentum=0.9))
    assert sgd / momentum > 3 and "escapes several times sooner" in flat(text)
    minimum = torch.tensor([0.0, 1.0])
    assert 0.5 * minimum[0] ** 2 - 0.5 * minimum[1] ** 2 + 0.25 * minimum[1] ** 4 == -0.25
    assert "`f = −0.25`" in text and "the minima are 0.25 lower" in flat(text)


def rare_feature_run():
    """The chapter's rare-feature demo: (rare rows, SGD weights, AdaGrad weights, step sizes)."""
    generator = torch.Generator().manual_seed(0)
    frequent = torch.randn(400, generator=generator, dtype=torch.float64)
    present = torch.rand(400, generator=generator, dtype=torch.float64) < 0.05
    rare = torch.where(present, torch.randn(400, generator=generator, dtype=torch.float64),
                       torch.zeros(400, dtype=torch.float64))
    features = torch.stack([frequent, rare], dim=1)  # (400, 2)
    targets = features.sum(dim=1)  # (400,): both true weights are 1
    results = []
    for optimizer_class in (torch.optim.SGD, torch.optim.Adagrad):
        weights = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        optimizer = optimizer_class([weights], lr=0.5)
        shuffler = torch.Generator().manual_seed(1)
        for _ in range(5):
            for batch in torch.randperm(400, generator=shuffler).split(20):
                optimizer.zero_grad()
                (0.5 * ((features[batch] @ weights - targets[batch]) ** 2).mean()).backward()
                optimizer.step()
        results.append((weights.detach(), optimizer))
    (sgd, _), (adagrad, adagrad_optimizer) = results
    step_size = 0.5 / (adagrad_optimizer.state[adagrad_optimizer.param_groups[0]["params"][0]]
                       ["sum"].sqrt() + 1e-10)
    return int(present.sum()), sgd, adagrad, step_size


def test_adagrad_gives_the_rare_weight_a_20_times_larger_step():
    text = claims.markdown(CHAPTER, "### Frequent and rare features")
    rare_rows, sgd, adagrad, step_size = rare_feature_run()
    assert f"only {rare_rows} of the 400 rows" in flat(text)
    assert round((step_size[1] / step_size[0]).item(), -1) == 20 and "about 20 times" in text
    assert abs(sgd[1].item() - 1) > 0.2 and abs(adagrad[1].item() - 1) < 1e-3


def test_rotation_costs_adagrad_and_leaves_sgd_and_momentum_unchanged():
    text = claims.markdown(CHAPTER, "### Why AdaGrad wins here")
    settings = [("SGD", 0.09), ("Momentum", 0.02), ("AdaGrad", 1.0)]
    aligned = {name: lr_explorer.run_optimizer("quadratic", name, lr).final_loss
               for name, lr in settings}
    rotated = {name: lr_explorer.run_optimizer("rotated", name, lr).final_loss
               for name, lr in settings}
    assert math.floor(math.log10(aligned["SGD"] / aligned["AdaGrad"])) == 9
    assert "nine orders of magnitude below SGD" in flat(text)
    for name in ("SGD", "Momentum"):
        assert math.isclose(aligned[name], rotated[name], rel_tol=1e-9)
    assert "their losses do not change at all" in flat(text)
    assert rotated["AdaGrad"] > 1e6 * aligned["AdaGrad"]
    assert "The cell compares the first 100 steps" in flat(text)


def test_summary_quotes_adagrad_before_and_after_rotation():
    text = claims.markdown(CHAPTER, "## Summary")
    for surface in ("quadratic", "rotated"):
        run = lr_explorer.run_optimizer(surface, "AdaGrad", 1.0, num_steps=100)
        claims.assert_quotes(text, run.final_loss, ".2e")
    claims.assert_quotes(text, 1 - 0.9 ** 10, ".0%")


def noise_floor(batch_size, learning_rate, decay=None):
    """The chapter's mini-batch demo: mean excess loss over the last 5 of 40 epochs."""
    features, targets = lr_explorer.make_least_squares(seed=0)
    best = torch.linalg.lstsq(features, targets.unsqueeze(1)).solution.squeeze(1)
    best_loss = 0.5 * ((features @ best - targets) ** 2).mean().item()
    weights = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weights], lr=learning_rate)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, decay) if decay else None
    shuffler = torch.Generator().manual_seed(0)
    excess = []
    for _ in range(40):
        for batch in torch.randperm(32, generator=shuffler).split(batch_size):
            optimizer.zero_grad()
            (0.5 * ((features[batch] @ weights - targets[batch]) ** 2).mean()).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            with torch.no_grad():
                excess.append(0.5 * ((features @ weights - targets) ** 2).mean().item()
                              - best_loss)
    return sum(excess[-5 * (32 // batch_size):]) / (5 * (32 // batch_size))


def test_noise_floors_of_mini_batch_sgd():
    text = claims.markdown(CHAPTER, "Per epoch, small batches make much faster progress")
    with network_training.single_thread():  # 5000 tiny steps: a second thread only costs time
        check_noise_floors(text)


def check_noise_floors(text):
    claims.assert_quotes(text, noise_floor(1, 0.05), ".1e")
    claims.assert_quotes(text, noise_floor(8, 0.05), ".1e")
    claims.assert_quotes(text, noise_floor(1, 0.025), ".1e")
    claims.assert_quotes(text, noise_floor(1, 0.05, decay=lambda t: 1 / (1 + t / 100)), ".1e")


def test_slider_suggestions_behave_as_the_prose_says():
    text = flat(claims.markdown(CHAPTER, "### The learning-rate slider"))
    crawl = lr_explorer.run_optimizer("quadratic", "SGD", 1e-3)
    assert crawl.diverged_at is None and crawl.final_loss > 0.1 * crawl.losses[0]
    assert lr_explorer.run_optimizer("quadratic", "SGD", 0.05).final_loss < 1e-5
    bounce = lr_explorer.run_optimizer("quadratic", "SGD", 0.099)
    assert not bounce.rising and bounce.diverged_at is None
    assert lr_explorer.run_optimizer("quadratic", "SGD", 0.11).diverged_at is not None
    assert "1e-3 crawls, 0.05 converges fast, 0.099 bounces, 0.11 diverges" in text
    limit = 2 * (1 + 0.9) / lr_explorer.SURFACES["quadratic"].max_curvature
    claims.assert_quotes(text, limit, ".2f")
    below = lr_explorer.run_optimizer("quadratic", "Momentum", 0.18, beta=0.9, num_steps=500)
    above = lr_explorer.run_optimizer("quadratic", "Momentum", 0.2, beta=0.9, num_steps=500)
    assert below.final_loss < below.losses[0] and (above.rising or above.diverged_at)
    rosenbrock = lr_explorer.run_optimizer("rosenbrock", "SGD", 0.01)
    assert rosenbrock.diverged_at is not None and rosenbrock.diverged_at <= 10
    assert "0.01 already diverges at the first steps" in text
    exact = lr_explorer.run_optimizer("quadratic", "SGD", 0.05, noise=1.0)
    smaller = lr_explorer.run_optimizer("quadratic", "SGD", 0.01, noise=1.0, num_steps=600)
    assert smaller.losses[-100:].mean() < exact.losses[-100:].mean()


def test_stepr_rescue_starts_above_two_over_l():
    text = claims.markdown(CHAPTER, "a schedule can rescue a learning rate")
    generator = torch.Generator().manual_seed(2)
    features = torch.randn(200, 4, generator=generator)
    design = torch.cat([features, torch.ones(200, 1)], dim=1)
    limit = 2 / torch.linalg.eigvalsh(2 * design.T @ design / 200).max().item()
    assert limit < 0.9 < 2 * limit and "`lr = 0.9`, above the limit" in flat(text)


def test_momentum_is_the_only_one_near_the_rosenbrock_minimum():
    text = claims.markdown(CHAPTER, "## 8. The optimizers on 2-D loss surfaces")
    ends = {name: lr_explorer.run_optimizer("rosenbrock", name, lr, beta=0.9,
                                            num_steps=500).path[-1]
            for name, lr in [("SGD", 1e-3), ("Momentum", 1e-3), ("AdaGrad", 0.5),
                             ("RMSProp", 0.01), ("Adam", 0.1)]}
    near = {name for name, end in ends.items() if math.dist(end, (1.0, 1.0)) < 0.1}
    assert near == {"Momentum"}
    assert "the only one close to (1, 1) after 500 steps" in flat(text)


def test_adamw_decays_the_large_weight_by_an_extra_lr_lambda_times_10():
    text = claims.markdown(CHAPTER, "Adam's normalisation swallows the decay")
    moves = {}
    for optimizer_class in (torch.optim.Adam, torch.optim.AdamW):
        weights = torch.tensor([10.0, 0.1], dtype=torch.float64, requires_grad=True)
        optimizer = optimizer_class([weights], lr=0.1, weight_decay=0.1)
        weights.grad = torch.ones(2, dtype=torch.float64)
        optimizer.step()
        moves[optimizer_class] = torch.tensor([10.0, 0.1], dtype=torch.float64) - weights.detach()
    extra = moves[torch.optim.AdamW] - moves[torch.optim.Adam]
    claims.assert_quotes(text, extra[0].item(), ".1f")
    claims.assert_quotes(text, extra[1].item(), ".3f")
    assert torch.allclose(moves[torch.optim.Adam], torch.full((2,), 0.1, dtype=torch.float64),
                          atol=1e-6)


def test_a_per_iteration_schedule_stepped_per_epoch_never_leaves_the_warm_up():
    text = claims.markdown(CHAPTER, "**Stepping a per-iteration schedule once per epoch.**")
    probe = torch.optim.AdamW([torch.zeros(1, requires_grad=True)], lr=0.016)
    schedule = network_training.warmup_cosine(probe, warmup_steps=20, total_steps=200)
    for _ in range(10):
        probe.step()
        schedule.step()
    assert probe.param_groups[0]["lr"] < 0.016
    assert "lasts 20 epochs" in flat(text) and "ends still warming up" in flat(text)


def range_test(model, optimizer, batches, min_lr=1e-4, max_lr=10.0, num_steps=100,
               stop_factor=4.0):
    """The chapter's exercise 11, as the reference for the prose numbers of section 13."""
    rates, losses = [], []
    for step in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (step / (num_steps - 1))
        for group in optimizer.param_groups:
            group["lr"] = rate
        features, targets = batches[step % len(batches)]
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(features), targets)
        rates.append(rate)
        losses.append(loss.item())
        if not math.isfinite(losses[-1]) or losses[-1] > stop_factor * min(losses):
            break
        loss.backward()
        optimizer.step()
    return rates, losses


RATE_GRID = {"SGD": (0.01, 0.1, 1.0), "Momentum": (0.001, 0.01, 0.1),
             "AdaGrad": (0.001, 0.01, 0.1), "RMSProp": (1e-4, 1e-3, 1e-2),
             "Adam": (1e-4, 1e-3, 1e-2)}


@functools.cache
def phone_runs():
    """Section 13 of the chapter: the grid runs, the range-test runs and the schedule runs."""
    task = network_training.make_phone_task()
    grid = {name: [network_training.train_network(task, name, rate, num_epochs=10)
                   for rate in rates] for name, rates in RATE_GRID.items()}
    best = {name: min(runs, key=lambda run: run.val_losses[-1]) for name, runs in grid.items()}
    best_rate = {name: RATE_GRID[name][grid[name].index(run)] for name, run in best.items()}
    shuffler = torch.Generator().manual_seed(0)
    batches = [(task.train_features[rows], task.train_labels[rows])
               for rows in torch.randperm(1000, generator=shuffler).split(50)]
    ranged = {}
    with network_training.single_thread():
        for name in RATE_GRID:
            model = network_training.make_network(seed=0)
            rates, losses = range_test(model, network_training.make_network_optimizer(
                name, model.parameters(), 1.0), batches)
            smoothed = network_training.running_mean(losses, 5)
            ranged[name] = rates[min(range(len(smoothed)), key=smoothed.__getitem__)] / 10
    range_runs = {name: network_training.train_network(task, name, rate, num_epochs=10)
                  for name, rate in ranged.items()}
    scheduled = {factor: network_training.train_network(
        task, "AdamW", factor * best_rate["Adam"], num_epochs=10,
        schedule=lambda optimizer: network_training.warmup_cosine(optimizer, 20, 200))
        for factor in (1, 3)}
    return task, grid, best, best_rate, range_runs, scheduled


def test_network_section_quotes_the_initial_loss_and_the_sizes():
    text = flat(claims.markdown(CHAPTER, "## 13. A real network"))
    task = network_training.make_phone_task()
    assert len(task.train_labels) == 1000 and len(task.val_labels) == 500
    assert "1000 training and 500 validation phones" in text
    assert "(20 iterations per epoch)" in text and math.ceil(1000 / 50) == 20
    claims.assert_quotes(text, math.log(4), ".3f")
    first, _ = network_training.evaluate(network_training.make_network(seed=0),
                                         task.train_features, task.train_labels)
    assert abs(first - math.log(4)) < 0.05


def test_grid_search_results():
    text = claims.markdown(CHAPTER, "At a rate that is too small every optimizer fails")
    task, grid, best, _, _, _ = phone_runs()
    too_small = [runs[0].val_losses[-1] for runs in grid.values()]
    claims.assert_quotes(text, min(too_small), ".3f")
    claims.assert_quotes(text, max(too_small), ".3f")
    final = {name: run.val_losses[-1] for name, run in best.items()}
    assert min(final, key=final.get) == "Adam" and max(final, key=final.get) == "SGD"
    claims.assert_quotes(text, final["Adam"], ".3f")
    claims.assert_quotes(text, final["SGD"], ".3f")
    accuracies = [run.val_accuracies[-1] for run in best.values()]
    claims.assert_quotes(text, min(accuracies), ".2f")
    claims.assert_quotes(text, max(accuracies), ".2f")
    claims.assert_quotes(text, best["AdaGrad"].val_losses[1], ".3f")
    claims.assert_quotes(text, best["SGD"].val_losses[1], ".3f")
    mean = sum(accuracies) / len(accuracies)
    claims.assert_quotes(text, math.sqrt(mean * (1 - mean) / len(task.val_labels)), ".3f")


def test_range_test_rates_match_or_beat_the_grid():
    text = claims.markdown(CHAPTER, "One range test per optimizer")
    _, _, best, _, range_runs, _ = phone_runs()
    for name, run in range_runs.items():
        claims.assert_quotes(text, run.val_losses[-1], ".3f")
        claims.assert_quotes(text, best[name].val_losses[-1], ".3f")
    assert "at most 100 iterations, against 600 for three grid runs" in flat(text)
    assert 3 * 10 * math.ceil(1000 / 50) == 600


def test_warm_up_and_cosine_results():
    text = claims.markdown(CHAPTER, "At the same peak the schedule ends")
    task, _, best, best_rate, _, scheduled = phone_runs()
    assert best_rate["Adam"] == 0.01
    assert "at its best grid rate (0.01)" in flat(claims.markdown(CHAPTER, "The recipe on the"))
    adam = best["Adam"]
    for value in (scheduled[1].val_losses[-1], adam.val_losses[-1],
                  scheduled[3].val_losses[-1]):
        claims.assert_quotes(text, value, ".3f")
    claims.assert_quotes(text, scheduled[1].val_accuracies[-1], ".3f")
    claims.assert_quotes(text, adam.val_accuracies[-1], ".3f")
    mean = sum(run.val_accuracies[-1] for run in best.values()) / len(best)
    standard_error = math.sqrt(mean * (1 - mean) / len(task.val_labels))
    claims.assert_quotes(text, 2 * round(standard_error, 3), ".3f")
    for run in scheduled.values():
        assert abs(run.val_accuracies[-1] - adam.val_accuracies[-1]) < 2 * standard_error
