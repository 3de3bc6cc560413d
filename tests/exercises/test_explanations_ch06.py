"""Chapter 6's own explanations fire on their mistake and not on an unrelated one (rows as in
``test_explanations``: explanation, wrong answer, unrelated wrong answer, phrase in the message)."""

from course.exercises.ch06_optimizers import schedules, steps, training
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
                     "stop_factor=4.0"}
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
]


test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    ROWS, ids=[f"{row[0].__name__}-{row[1]}-{row[4]}" for row in ROWS],
    source=lambda name, body: explaining.define_block(name, SIGNATURES[name], body))


def test_every_explanation_of_the_chapter_has_a_row():
    assert explaining.declared_explanations("ch06_optimizers") == {row[0] for row in ROWS}
