"""The most common wrong answer to each exercise of ch06_optimizers
(used by tests/grade/test_chapters.py).

Every entry is a complete solution cell as a student might type it: the grading test puts all of
them into one submission at once and requires every test cell to score 0.
"""

WRONG_ANSWERS: dict[str, str] = {
    # Integer division: drops the last, incomplete batch even when drop_last=False.
    "ex_count_iterations": '''\
def count_iterations(num_samples, batch_size, num_epochs, drop_last=False):
    """Count batches per epoch and optimizer steps of a whole training run."""
    batches_per_epoch = num_samples // batch_size
    return batches_per_epoch, num_epochs * batches_per_epoch
''',
    # Missing bias correction: the flag is ignored and v_t is never divided by (1 - beta**t).
    "ex_exponential_moving_average": '''\
def exponential_moving_average(values, beta, bias_correction=True):
    """Exponentially weighted average of a series, one value at a time."""
    averages = torch.empty_like(values)
    running = torch.zeros((), dtype=values.dtype)
    for index in range(values.shape[0]):
        running = beta * running + (1 - beta) * values[index]
        averages[index] = running
    return averages
''',
    # Wrong momentum formula: the textbook EWA velocity instead of torch's v = mu * v + g.
    "ex_sgd_momentum_step": '''\
def sgd_momentum_step(param, grad, velocity, lr, momentum):
    """One step of SGD with momentum."""
    new_velocity = momentum * velocity + (1 - momentum) * grad
    new_param = param - lr * new_velocity
    return new_param, new_velocity
''',
    # The accumulator is replaced by the latest squared gradient instead of growing.
    "ex_adagrad_step": '''\
def adagrad_step(param, grad, sum_of_squares, lr, eps):
    """One step of AdaGrad."""
    new_sum = grad ** 2
    new_param = param - lr * grad / (new_sum.sqrt() + eps)
    return new_param, new_sum
''',
    # eps inside the square root (the TensorFlow/Keras convention), not outside as in torch.
    "ex_rmsprop_step": '''\
def rmsprop_step(param, grad, square_avg, lr, alpha, eps):
    """One step of RMSProp."""
    new_square_avg = alpha * square_avg + (1 - alpha) * grad ** 2
    new_param = param - lr * grad / torch.sqrt(new_square_avg + eps)
    return new_param, new_square_avg
''',
    # Missing bias correction: m and v are used as they are.
    "ex_adam_step": '''\
def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps):
    """One step of Adam."""
    new_exp_avg = beta1 * exp_avg + (1 - beta1) * grad
    new_exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad ** 2
    new_param = param - lr * new_exp_avg / (new_exp_avg_sq.sqrt() + eps)
    return new_param, new_exp_avg, new_exp_avg_sq
''',
    # Off by one in the schedule epoch: epochs counted from 1, so every decay comes one epoch early.
    "ex_step_lr": '''\
def step_lr(initial_lr, step_size, gamma, epoch):
    """Learning rate of StepLR during epoch ``epoch``."""
    return initial_lr * gamma ** ((epoch + 1) // step_size)
''',
    # Off by one in the schedule epoch: strict comparison, so every decay comes one epoch late.
    "ex_multistep_lr": '''\
def multistep_lr(initial_lr, milestones, gamma, epoch):
    """Learning rate of MultiStepLR during epoch ``epoch``."""
    passed_milestones = len([milestone for milestone in milestones if milestone < epoch])
    return initial_lr * gamma ** passed_milestones
''',
    # Off by one in the schedule epoch: the first epoch already uses a decayed rate.
    "ex_exponential_lr": '''\
def exponential_lr(initial_lr, gamma, epoch):
    """Learning rate of ExponentialLR during epoch ``epoch``."""
    return initial_lr * gamma ** (epoch + 1)
''',
    # Forgot optimizer.zero_grad(): every update uses the sum of all past gradients.
    "ex_train_with_scheduler": '''\
def train_with_scheduler(model, optimizer, scheduler, features, targets, num_epochs):
    """Full-batch training with a scheduler."""
    loss_function = nn.MSELoss()
    losses, learning_rates = [], []
    for _ in range(num_epochs):
        loss = loss_function(model(features), targets)
        loss.backward()
        learning_rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses, learning_rates
''',
    # Linear spacing: the rate grows by the same amount each iteration instead of the same factor.
    "ex_lr_range_test": '''\
def lr_range_test(model, optimizer, loss_function, batches, min_lr, max_lr, num_steps,
                  stop_factor=4.0):
    """The learning-rate range test."""
    learning_rates, losses = [], []
    best = math.inf
    for step in range(num_steps):
        rate = min_lr + (max_lr - min_lr) * step / max(num_steps - 1, 1)
        for group in optimizer.param_groups:
            group["lr"] = rate
        features, targets = batches[step % len(batches)]
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        learning_rates.append(rate)
        losses.append(loss.item())
        best = min(best, loss.item())
        if not math.isfinite(loss.item()) or loss.item() > stop_factor * best:
            break
        loss.backward()
        optimizer.step()
    return learning_rates, losses
''',
    # The cosine is not shifted by the warm-up: it is measured from iteration 0 over total_steps.
    "ex_warmup_cosine_lr": '''\
def warmup_cosine_lr(step, peak_lr, warmup_steps, total_steps, start_factor=0.1, min_lr=0.0):
    """Learning rate of iteration ``step`` under linear warm-up, then cosine decay."""
    if step < warmup_steps:
        return float(peak_lr * (start_factor + (1 - start_factor) * step / warmup_steps))
    return float(min_lr + (peak_lr - min_lr) * (1 + math.cos(math.pi * step / total_steps)) / 2)
''',
}
