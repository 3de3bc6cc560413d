"""Chapter 6's own explanations fire on their mistake and not on an unrelated one (rows as in
``test_explanations``: explanation, wrong answer, unrelated wrong answer, phrase in the message)."""

import pytest

from course.exercises.ch06_optimizers import schedules, steps, training, updates
from tests.exercises import explaining

SIGNATURES = {
    "count_iterations": "num_samples, batch_size, num_epochs, drop_last=False",
    "exponential_moving_average": "values, beta, bias_correction=True",
    "sgd_momentum_step": "param, grad, velocity, lr, momentum",
    "adagrad_step": "param, grad, sum_of_squares, lr, eps",
    "rmsprop_step": "param, grad, square_avg, lr, alpha, eps",
    "step_lr": "initial_lr, step_size, gamma, epoch",
    "multistep_lr": "initial_lr, milestones, gamma, epoch",
    "exponential_lr": "initial_lr, gamma, epoch",
    "lr_range_test": "model, optimizer, loss_function, batches, min_lr, max_lr, num_steps, "
                     "stop_factor=4.0",
    "adam_step": "param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps",
    "warmup_cosine_lr": "step, peak_lr, warmup_steps, total_steps, start_factor=0.1, min_lr=0.0"}
COUNT = """per_epoch = num_samples // batch_size if drop_last else -(-num_samples // batch_size)
return per_epoch, per_epoch * num_epochs"""
EWA = """out = torch.empty_like(values)
v = torch.zeros((), dtype=values.dtype)
for i in range(len(values)):
    v = beta * v + (1 - beta) * values[i]
    out[i] = v / (1 - beta ** (i + 1)) if bias_correction else v
return out"""
MOMENTUM = "v = momentum * velocity + grad\nreturn param - lr * v, v"
ADAGRAD = "s = sum_of_squares + grad * grad\nreturn param - lr * grad / (s.sqrt() + eps), s"
RMSPROP = ("s = alpha * square_avg + (1 - alpha) * grad * grad\n"
           "return param - lr * grad / (s.sqrt() + eps), s")
ADAM = """m = beta1 * exp_avg + (1 - beta1) * grad
v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
mc, vc = m / (1 - beta1 ** step), v / (1 - beta2 ** step)
return param - lr * mc / (vc.sqrt() + eps), m, v"""
STEP_LR = "return float(initial_lr * gamma ** (epoch // step_size))"
EXPONENTIAL = "return float(initial_lr * gamma ** epoch)"
WARMUP = """if step < warmup_steps:
    return float(peak_lr * (start_factor + (1 - start_factor) * step / warmup_steps))
progress = (step - warmup_steps) / (total_steps - warmup_steps)
return float(min_lr + (peak_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2)"""
RANGE = """rates, losses = [], []
best = math.inf
for k in range(num_steps):
    rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1) if num_steps > 1 else 0.0)
    for group in optimizer.param_groups:
        group["lr"] = rate
    x, y = batches[k % len(batches)]
    optimizer.zero_grad()
    loss = loss_function(model(x), y)
    rates.append(float(rate))
    losses.append(loss.item())
    best = min(best, loss.item())
    if not math.isfinite(loss.item()) or loss.item() > stop_factor * best:
        break
    loss.backward()
    optimizer.step()
return rates, losses"""
ROWS = [
    (steps.rounded_down, "count_iterations", COUNT.replace("if drop_last else -(-num_samples "
                                                           "// batch_size)", ""),
     COUNT.replace("per_epoch * num_epochs", "per_epoch * (num_epochs + 1)"), "round up"),
    (steps.rounded_down, "count_iterations", COUNT.replace("num_samples // batch_size if "
                                                           "drop_last else ", ""),
     COUNT.replace("per_epoch * num_epochs", "per_epoch * (num_epochs + 1)"), "round down"),
    (steps.correction_missing, "exponential_moving_average",
     EWA.replace(" if bias_correction else v", " if False else v"),
     EWA.replace("beta * v + (1 - beta) * values[i]", "(1 - beta) * v + beta * values[i]"),
     "divide v_t"),
    (steps.weights_swapped, "exponential_moving_average",
     EWA.replace("beta * v + (1 - beta) * values[i]", "(1 - beta) * v + beta * values[i]"),
     EWA.replace(" if bias_correction else v", " if False else v"), "swapped"),
    (steps.lr_in_velocity, "sgd_momentum_step",
     "v = momentum * velocity + lr * grad\nreturn param - v, v",
     MOMENTUM.replace("param - lr", "param + lr"), "plain gradient"),
    (steps.eps_inside, "adagrad_step", ADAGRAD.replace("(s.sqrt() + eps)", "(s + eps).sqrt()"),
     ADAGRAD.replace("grad / (s.sqrt()", "grad / (sum_of_squares.sqrt()"), "inside the square"),
    (steps.eps_inside, "rmsprop_step", RMSPROP.replace("(s.sqrt() + eps)", "(s + eps).sqrt()"),
     RMSPROP.replace("alpha * square_avg + (1 - alpha)", "(1 - alpha) * square_avg + alpha"),
     "inside the square"),
    (training.stopped_elsewhere, "lr_range_test",
     RANGE.replace("x, y = batches[k % len(batches)]", "x, y = batches[0]"),
     RANGE.replace("k / (num_steps - 1)", "k / num_steps"), "should stop after"),
    (schedules.shifted_schedule, "step_lr",
     "return float(initial_lr * gamma ** ((epoch + 1) // step_size))",
     "return float(initial_lr * gamma ** (epoch / step_size))", "one epoch early"),
    (schedules.shifted_schedule, "multistep_lr",
     "return float(initial_lr * gamma ** sum(m < epoch for m in milestones))",
     "return float(initial_lr * gamma ** len(milestones))", "one epoch late"),
    (schedules.shifted_schedule, "exponential_lr",
     "return float(initial_lr * gamma ** (epoch + 1))",
     "return float(initial_lr * gamma * epoch)", "off by one"),
    (steps.smaller_than_a_batch, "count_iterations",
     "if num_samples <= batch_size:\n    return 1, num_epochs\n" + COUNT,
     COUNT.replace("-(-num_samples // batch_size)", "num_samples // batch_size + 1"),
     "0 batches"),
    (steps.extra_batch_when_divisible, "count_iterations",
     COUNT.replace("-(-num_samples // batch_size)", "num_samples // batch_size + 1"),
     "if num_samples <= batch_size:\n    return 1, num_epochs\n" + COUNT, "divisible"),
    (steps.epochs_merged, "count_iterations",
     COUNT.replace("per_epoch * num_epochs", "per_epoch * num_epochs if drop_last else "
                   "-(-num_samples * num_epochs // batch_size)"),
     COUNT.replace("-(-num_samples // batch_size)", "num_samples // batch_size + 1"),
     "incomplete batch in every epoch"),
    (steps.first_correction_by_zero, "exponential_moving_average",
     EWA.replace("(1 - beta ** (i + 1))", "(1 - beta ** i)"),
     EWA.replace(" if bias_correction else v", " if False else v"), "off by one"),
    (updates.stale_velocity, "sgd_momentum_step",
     "v = momentum * velocity + grad\nreturn param - lr * velocity, v",
     "v = momentum * velocity + lr * grad\nreturn param - v, v", "new velocity"),
    (updates.sgd_sign, "sgd_momentum_step", MOMENTUM.replace("param - lr", "param + lr"),
     "v = momentum * velocity + grad\nreturn param - lr * velocity, v", "sign"),
    (updates.stale_sum, "adagrad_step",
     ADAGRAD.replace("(s.sqrt() + eps)", "(sum_of_squares.sqrt() + eps)"),
     ADAGRAD.replace("(s.sqrt() + eps)", "(s + eps).sqrt()"), "new sum"),
    (updates.adagrad_sign, "adagrad_step", ADAGRAD.replace("param - lr", "param + lr"),
     ADAGRAD.replace("(s.sqrt() + eps)", "(sum_of_squares.sqrt() + eps)"), "sign"),
    (updates.alpha_swapped, "rmsprop_step",
     RMSPROP.replace("alpha * square_avg + (1 - alpha)", "(1 - alpha) * square_avg + alpha"),
     RMSPROP.replace("(1 - alpha) * grad * grad", "(1 - alpha) * grad"), "swapped"),
    (updates.gradient_unsquared, "rmsprop_step",
     RMSPROP.replace("(1 - alpha) * grad * grad", "(1 - alpha) * grad"),
     RMSPROP.replace("alpha * square_avg + (1 - alpha)", "(1 - alpha) * square_avg + alpha"),
     "squared gradient"),
    (updates.rmsprop_sign, "rmsprop_step", RMSPROP.replace("param - lr", "param + lr"),
     RMSPROP.replace("(s.sqrt() + eps)", "(s + eps).sqrt()"), "sign"),
    (updates.correction_one_late, "adam_step",
     ADAM.replace("beta1 ** step", "beta1 ** (step + 1)").replace("beta2 ** step",
                                                                  "beta2 ** (step + 1)"),
     ADAM.replace("vc.sqrt()", "vc"), "off by one"),
    (updates.corrected_state, "adam_step", ADAM.replace("eps), m, v", "eps), mc, vc"),
     ADAM.replace("param - lr", "param + lr"), "bias-corrected averages"),
    (updates.no_square_root, "adam_step", ADAM.replace("vc.sqrt()", "vc"),
     ADAM.replace("eps), m, v", "eps), mc, vc"), "square root"),
    (updates.adam_sign, "adam_step", ADAM.replace("param - lr", "param + lr"),
     ADAM.replace("vc.sqrt()", "vc"), "sign"),
    (schedules.decays_times_gamma, "step_lr",
     "decays = epoch // step_size\nreturn float(initial_lr * gamma * decays) if decays else "
     "float(initial_lr)", STEP_LR.replace("//", "/"), "power"),
    (schedules.fractional_decays, "step_lr", STEP_LR.replace("//", "/"),
     "return float(initial_lr * gamma ** ((epoch + 1) // step_size))", "integer division"),
    (schedules.continuous_decay, "exponential_lr",
     "return float(initial_lr * math.exp(-gamma * epoch))",
     EXPONENTIAL.replace("gamma **", "(1 - gamma) **"), "exp(-gamma"),
    (schedules.complement_kept, "exponential_lr", EXPONENTIAL.replace("gamma **", "(1 - gamma) **"),
     "return float(initial_lr * math.exp(-gamma * epoch))", "1 - gamma"),
    (schedules.warmup_from_zero, "warmup_cosine_lr",
     WARMUP.replace("(start_factor + (1 - start_factor) * step / warmup_steps)",
                    "step / warmup_steps"),
     WARMUP.replace("min_lr + (peak_lr - min_lr)", "peak_lr"), "starts from 0"),
    (schedules.min_lr_ignored, "warmup_cosine_lr",
     WARMUP.replace("min_lr + (peak_lr - min_lr)", "peak_lr"),
     WARMUP.replace("(start_factor + (1 - start_factor) * step / warmup_steps)",
                    "step / warmup_steps"), "ignores min_lr"),
]


test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    ROWS, ids=[f"{row[0].__name__}-{row[1]}-{row[4]}" for row in ROWS],
    source=lambda name, body: explaining.define_block(name, SIGNATURES[name], body))


def test_every_explanation_of_the_chapter_has_a_row():
    assert explaining.declared_explanations("ch06_optimizers") == {row[0] for row in ROWS}


# (explanation, other): the other's mistake shows the same property on some case, which the
# explanation states truly: ignoring drop_last (rounded_down's mistake) also keeps the one
# incomplete batch of a data set smaller than a batch
SHARED_SYMPTOMS = {(steps.smaller_than_a_batch, steps.rounded_down)}


@pytest.mark.parametrize("explanation, name", sorted({(row[0], row[1]) for row in ROWS},
                                                     key=lambda pair: (pair[0].__name__,
                                                                       pair[1])),
                         ids=lambda value: getattr(value, "__name__", value))
def test_explanation_is_silent_on_the_other_mistakes_of_its_exercise(explanation, name):
    others = {row[2] for row in ROWS if row[1] == name and row[0] is not explanation
              and (explanation, row[0]) not in SHARED_SYMPTOMS}
    for mistake in others - {row[2] for row in ROWS if row[0] is explanation}:
        exercise, wrong = explaining.answer(
            name, explaining.define_block(name, SIGNATURES[name], mistake))
        assert not any(explaining.findings(explanation, exercise, wrong)), f"fires on:\n{mistake}"
