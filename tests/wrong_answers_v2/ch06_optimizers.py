"""Wrong answers to every exercise of ch06_optimizers, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_count_iterations": [
        {
            "bug": "num_samples // batch_size + 1: one batch too many when the size divides evenly",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "divides evenly", "divisible"),
            "witness": 'differs("count_iterations", 8, 4, 3)',
            "source": '''\
def count_iterations(num_samples, batch_size, num_epochs, drop_last=False):
    """Count batches per epoch and optimizer steps (iterations) of a whole training run.

    Args:
        num_samples: size of the training set (int, >= 0).
        batch_size: samples per batch (int, >= 1).
        num_epochs: passes over the training set (int, >= 0).
        drop_last: like DataLoader's ``drop_last``: True throws away a last, incomplete batch.

    Returns:
        A tuple of two ints ``(batches_per_epoch, total_iterations)``, where
        ``batches_per_epoch == len(DataLoader(range(num_samples), batch_size=batch_size,
        drop_last=drop_last))`` and ``total_iterations == num_epochs * batches_per_epoch``.
    """
    if drop_last:
        batches_per_epoch = num_samples // batch_size
    else:
        batches_per_epoch = num_samples // batch_size + 1
    return batches_per_epoch, num_epochs * batches_per_epoch
''',
        },
        {
            "bug": (
                "'there is always at least one batch': an empty or too small data set with "
                "drop_last still gets one"
            ),
            "bug_class": "edge case (empty / smaller than a batch)",
            "mistakes": (),
            "names": ("0 samples", "num_samples=0", "empty", "smaller than a batch", "0 batches"),
            "witness": 'differs("count_iterations", 0, 4, 3)',
            "source": '''\
def count_iterations(num_samples, batch_size, num_epochs, drop_last=False):
    """Count batches per epoch and optimizer steps (iterations) of a whole training run.

    Args:
        num_samples: size of the training set (int, >= 0).
        batch_size: samples per batch (int, >= 1).
        num_epochs: passes over the training set (int, >= 0).
        drop_last: like DataLoader's ``drop_last``: True throws away a last, incomplete batch.

    Returns:
        A tuple of two ints ``(batches_per_epoch, total_iterations)``, where
        ``batches_per_epoch == len(DataLoader(range(num_samples), batch_size=batch_size,
        drop_last=drop_last))`` and ``total_iterations == num_epochs * batches_per_epoch``.
    """
    if num_samples <= batch_size:
        return 1, num_epochs
    if drop_last:
        batches_per_epoch = num_samples // batch_size
    else:
        batches_per_epoch = (num_samples + batch_size - 1) // batch_size
    return batches_per_epoch, num_epochs * batches_per_epoch
''',
        },
        {
            "bug": (
                "rounds the total up once over all epochs: partial batches of different epochs "
                "are merged"
            ),
            "bug_class": "wrong formula (total)",
            "mistakes": (),
            "names": (
                "num_epochs * batches_per_epoch",
                "partial batch",
                "incomplete batch in every epoch",
            ),
            "witness": 'differs("count_iterations", 10, 4, 3)',
            "source": '''\
def count_iterations(num_samples, batch_size, num_epochs, drop_last=False):
    """Count batches per epoch and optimizer steps (iterations) of a whole training run.

    Args:
        num_samples: size of the training set (int, >= 0).
        batch_size: samples per batch (int, >= 1).
        num_epochs: passes over the training set (int, >= 0).
        drop_last: like DataLoader's ``drop_last``: True throws away a last, incomplete batch.

    Returns:
        A tuple of two ints ``(batches_per_epoch, total_iterations)``, where
        ``batches_per_epoch == len(DataLoader(range(num_samples), batch_size=batch_size,
        drop_last=drop_last))`` and ``total_iterations == num_epochs * batches_per_epoch``.
    """
    batches_per_epoch = (num_samples + batch_size - 1) // batch_size
    if drop_last:
        batches_per_epoch = num_samples // batch_size
        return batches_per_epoch, num_epochs * batches_per_epoch
    total = (num_samples * num_epochs + batch_size - 1) // batch_size
    return batches_per_epoch, total
''',
        },
    ],
    "ex_exponential_moving_average": [
        {
            "bug": "bias correction with t counted from 0: the first value divides by 1 - 1 = 0",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "from 1", "t = 1"),
            "witness": 'differs("exponential_moving_average", torch.tensor([1.0, 2.0, 4.0]), 0.5)',
            "source": '''\
def exponential_moving_average(values, beta, bias_correction=True):
    """Exponentially weighted average of a series, one value at a time.

    Args:
        values: 1-D float tensor of shape ``(T,)``: the series x_1, ..., x_T.
        beta: float in [0, 1): the weight the old average keeps.
        bias_correction: if True, return v_t / (1 - beta**t), with t counting from 1.

    Returns:
        Tensor of shape ``(T,)`` and the dtype of ``values``: entry ``t - 1`` holds v_t (or its
        corrected value), where v_0 = 0 and v_t = beta * v_{t-1} + (1 - beta) * x_t.
        ``values`` is not modified.
    """
    averages = torch.empty_like(values)
    running = torch.zeros((), dtype=values.dtype)
    for index in range(values.shape[0]):
        running = beta * running + (1 - beta) * values[index]
        averages[index] = running / (1 - beta ** index) if bias_correction else running
    return averages
''',
        },
        {
            "bug": "writes the averages into values itself and returns it",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": 'differs("exponential_moving_average", torch.tensor([1.0, 2.0, 4.0]), 0.5)',
            "source": '''\
def exponential_moving_average(values, beta, bias_correction=True):
    """Exponentially weighted average of a series, one value at a time.

    Args:
        values: 1-D float tensor of shape ``(T,)``: the series x_1, ..., x_T.
        beta: float in [0, 1): the weight the old average keeps.
        bias_correction: if True, return v_t / (1 - beta**t), with t counting from 1.

    Returns:
        Tensor of shape ``(T,)`` and the dtype of ``values``: entry ``t - 1`` holds v_t (or its
        corrected value), where v_0 = 0 and v_t = beta * v_{t-1} + (1 - beta) * x_t.
        ``values`` is not modified.
    """
    running = torch.zeros((), dtype=values.dtype)
    for index in range(values.shape[0]):
        running = beta * running + (1 - beta) * values[index]
        values[index] = running / (1 - beta ** (index + 1)) if bias_correction else running
    return values
''',
        },
        {
            "bug": "torch.zeros(len(values)) for the result: float64 series come back as float32",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float64"),
            "witness": (
                'differs("exponential_moving_average", torch.tensor([1.0, 2.0, 4.0], '
                "dtype=torch.float64), 0.5)"
            ),
            "source": '''\
def exponential_moving_average(values, beta, bias_correction=True):
    """Exponentially weighted average of a series, one value at a time.

    Args:
        values: 1-D float tensor of shape ``(T,)``: the series x_1, ..., x_T.
        beta: float in [0, 1): the weight the old average keeps.
        bias_correction: if True, return v_t / (1 - beta**t), with t counting from 1.

    Returns:
        Tensor of shape ``(T,)`` and the dtype of ``values``: entry ``t - 1`` holds v_t (or its
        corrected value), where v_0 = 0 and v_t = beta * v_{t-1} + (1 - beta) * x_t.
        ``values`` is not modified.
    """
    averages = torch.zeros(len(values))
    running = 0.0
    for index in range(values.shape[0]):
        running = beta * running + (1 - beta) * values[index]
        averages[index] = running / (1 - beta ** (index + 1)) if bias_correction else running
    return averages
''',
        },
    ],
    "ex_sgd_momentum_step": [
        {
            "bug": (
                "puts the learning rate inside the velocity (v = mu v + lr g, p -= v): not "
                "torch's convention"
            ),
            "bug_class": "wrong convention (factor lr in the velocity)",
            "mistakes": (),
            "names": ("lr inside", "learning rate inside", "v = mu * v + g", "torch's convention"),
            "witness": (
                'differs("sgd_momentum_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, '
                "0.5]), torch.tensor([0.2, -0.1]), 0.1, 0.9)"
            ),
            "source": '''\
def sgd_momentum_step(param, grad, velocity, lr, momentum):
    """One step of SGD with momentum, as torch.optim.SGD(..., momentum=momentum) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        velocity: the velocity from the previous step (zeros before the first step), same shape.
        lr: learning rate (float).
        momentum: momentum coefficient mu in [0, 1) (float).

    Returns:
        ``(new_param, new_velocity)``: two tensors of the parameter's shape and dtype.
    """
    new_velocity = momentum * velocity + lr * grad
    new_param = param - new_velocity
    return new_param, new_velocity
''',
        },
        {
            "bug": "updates the parameter with the OLD velocity",
            "bug_class": "off by one (stale state)",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "new velocity", "updated velocity"),
            "witness": (
                'differs("sgd_momentum_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, '
                "0.5]), torch.tensor([0.2, -0.1]), 0.1, 0.9)"
            ),
            "source": '''\
def sgd_momentum_step(param, grad, velocity, lr, momentum):
    """One step of SGD with momentum, as torch.optim.SGD(..., momentum=momentum) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        velocity: the velocity from the previous step (zeros before the first step), same shape.
        lr: learning rate (float).
        momentum: momentum coefficient mu in [0, 1) (float).

    Returns:
        ``(new_param, new_velocity)``: two tensors of the parameter's shape and dtype.
    """
    new_param = param - lr * velocity
    new_velocity = momentum * velocity + grad
    return new_param, new_velocity
''',
        },
        {
            "bug": "updates param in place with -= and returns it",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": (
                'differs("sgd_momentum_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, '
                "0.5]), torch.tensor([0.2, -0.1]), 0.1, 0.9)"
            ),
            "source": '''\
def sgd_momentum_step(param, grad, velocity, lr, momentum):
    """One step of SGD with momentum, as torch.optim.SGD(..., momentum=momentum) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        velocity: the velocity from the previous step (zeros before the first step), same shape.
        lr: learning rate (float).
        momentum: momentum coefficient mu in [0, 1) (float).

    Returns:
        ``(new_param, new_velocity)``: two tensors of the parameter's shape and dtype.
    """
    new_velocity = momentum * velocity + grad
    param -= lr * new_velocity
    return param, new_velocity
''',
        },
    ],
    "ex_adagrad_step": [
        {
            "bug": "eps inside the square root",
            "bug_class": "wrong formula (eps placement)",
            "mistakes": (),
            "names": (
                "outside the square root",
                "inside the square root",
                "eps inside",
                "eps outside",
            ),
            "witness": (
                'differs("adagrad_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.2, 0.1]), 0.1, 0.1)"
            ),
            "source": '''\
def adagrad_step(param, grad, sum_of_squares, lr, eps):
    """One step of AdaGrad, as torch.optim.Adagrad(..., lr=lr, eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        sum_of_squares: running sum of squared gradients (zeros before the first step).
        lr: learning rate (float).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_sum_of_squares)``: two tensors of the parameter's shape and dtype.
    """
    new_sum = sum_of_squares + grad * grad
    new_param = param - lr * grad / (new_sum + eps).sqrt()
    return new_param, new_sum
''',
        },
        {
            "bug": "divides by the OLD sum of squares (before adding this gradient)",
            "bug_class": "off by one (stale state)",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "new sum", "updated sum"),
            "witness": (
                'differs("adagrad_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.2, 0.1]), 0.1, 0.1)"
            ),
            "source": '''\
def adagrad_step(param, grad, sum_of_squares, lr, eps):
    """One step of AdaGrad, as torch.optim.Adagrad(..., lr=lr, eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        sum_of_squares: running sum of squared gradients (zeros before the first step).
        lr: learning rate (float).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_sum_of_squares)``: two tensors of the parameter's shape and dtype.
    """
    new_param = param - lr * grad / (sum_of_squares.sqrt() + eps)
    new_sum = sum_of_squares + grad * grad
    return new_param, new_sum
''',
        },
        {
            "bug": "adds the step instead of subtracting it",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign",),
            "witness": (
                'differs("adagrad_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.2, 0.1]), 0.1, 0.1)"
            ),
            "source": '''\
def adagrad_step(param, grad, sum_of_squares, lr, eps):
    """One step of AdaGrad, as torch.optim.Adagrad(..., lr=lr, eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        sum_of_squares: running sum of squared gradients (zeros before the first step).
        lr: learning rate (float).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_sum_of_squares)``: two tensors of the parameter's shape and dtype.
    """
    new_sum = sum_of_squares + grad * grad
    new_param = param + lr * grad / (new_sum.sqrt() + eps)
    return new_param, new_sum
''',
        },
    ],
    "ex_rmsprop_step": [
        {
            "bug": "alpha and 1 - alpha swapped: the new squared gradient gets weight alpha",
            "bug_class": "swapped weights",
            "mistakes": (),
            "names": ("1 - alpha", "swapped"),
            "witness": (
                'differs("rmsprop_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.2, 0.1]), 0.01, 0.9, 1e-8)"
            ),
            "source": '''\
def rmsprop_step(param, grad, square_avg, lr, alpha, eps):
    """One step of RMSProp, as torch.optim.RMSprop(..., lr=lr, alpha=alpha, eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        square_avg: running average of squared gradients (zeros before the first step).
        lr: learning rate (float).
        alpha: smoothing constant in [0, 1): the weight the old average keeps (float).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_square_avg)``: two tensors of the parameter's shape and dtype.
    """
    new_square_avg = (1 - alpha) * square_avg + alpha * grad * grad
    new_param = param - lr * grad / (new_square_avg.sqrt() + eps)
    return new_param, new_square_avg
''',
        },
        {
            "bug": "averages the gradient instead of its square",
            "bug_class": "wrong formula (missing square)",
            "mistakes": (),
            "names": ("grad * grad", "grad ** 2", "squared gradient", "square of the gradient"),
            "witness": (
                'differs("rmsprop_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.2, 0.1]), 0.01, 0.9, 1e-8)"
            ),
            "source": '''\
def rmsprop_step(param, grad, square_avg, lr, alpha, eps):
    """One step of RMSProp, as torch.optim.RMSprop(..., lr=lr, alpha=alpha, eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        square_avg: running average of squared gradients (zeros before the first step).
        lr: learning rate (float).
        alpha: smoothing constant in [0, 1): the weight the old average keeps (float).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_square_avg)``: two tensors of the parameter's shape and dtype.
    """
    new_square_avg = alpha * square_avg + (1 - alpha) * grad
    new_param = param - lr * grad / (new_square_avg.sqrt() + eps)
    return new_param, new_square_avg
''',
        },
        {
            "bug": "updates square_avg in place, like torch's own implementation",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": (
                'differs("rmsprop_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.2, 0.1]), 0.01, 0.9, 1e-8)"
            ),
            "source": '''\
def rmsprop_step(param, grad, square_avg, lr, alpha, eps):
    """One step of RMSProp, as torch.optim.RMSprop(..., lr=lr, alpha=alpha, eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        square_avg: running average of squared gradients (zeros before the first step).
        lr: learning rate (float).
        alpha: smoothing constant in [0, 1): the weight the old average keeps (float).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_square_avg)``: two tensors of the parameter's shape and dtype.
    """
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    new_param = param - lr * grad / (square_avg.sqrt() + eps)
    return new_param, square_avg
''',
        },
    ],
    "ex_adam_step": [
        {
            "bug": "bias correction with step + 1",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "step + 1", "beta1 ** step"),
            "witness": (
                'differs("adam_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.1, 0.0]), torch.tensor([0.01, 0.02]), 2, 0.01, 0.9, 0.999, "
                "1e-8)"
            ),
            "source": '''\
def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps):
    """One step of Adam, as torch.optim.Adam(..., lr=lr, betas=(beta1, beta2), eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        exp_avg: EWA of the gradients, m (zeros before the first step).
        exp_avg_sq: EWA of the squared gradients, v (zeros before the first step).
        step: the number of this step, t = 1, 2, ... (int).
        lr: learning rate (float).
        beta1, beta2: EWA weights of m and v, in [0, 1) (floats).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_exp_avg, new_exp_avg_sq)``: three tensors of the parameter's shape and
        dtype; the returned averages are the uncorrected m and v.
    """
    new_exp_avg = beta1 * exp_avg + (1 - beta1) * grad
    new_exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    corrected_avg = new_exp_avg / (1 - beta1 ** (step + 1))
    corrected_avg_sq = new_exp_avg_sq / (1 - beta2 ** (step + 1))
    new_param = param - lr * corrected_avg / (corrected_avg_sq.sqrt() + eps)
    return new_param, new_exp_avg, new_exp_avg_sq
''',
        },
        {
            "bug": "returns the bias-corrected averages instead of the raw m and v",
            "bug_class": "returns the wrong state",
            "mistakes": (),
            "names": ("uncorrected", "raw m", "bias-corrected averages"),
            "witness": (
                'differs("adam_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.1, 0.0]), torch.tensor([0.01, 0.02]), 2, 0.01, 0.9, 0.999, "
                "1e-8)"
            ),
            "source": '''\
def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps):
    """One step of Adam, as torch.optim.Adam(..., lr=lr, betas=(beta1, beta2), eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        exp_avg: EWA of the gradients, m (zeros before the first step).
        exp_avg_sq: EWA of the squared gradients, v (zeros before the first step).
        step: the number of this step, t = 1, 2, ... (int).
        lr: learning rate (float).
        beta1, beta2: EWA weights of m and v, in [0, 1) (floats).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_exp_avg, new_exp_avg_sq)``: three tensors of the parameter's shape and
        dtype; the returned averages are the uncorrected m and v.
    """
    new_exp_avg = beta1 * exp_avg + (1 - beta1) * grad
    new_exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    corrected_avg = new_exp_avg / (1 - beta1 ** step)
    corrected_avg_sq = new_exp_avg_sq / (1 - beta2 ** step)
    new_param = param - lr * corrected_avg / (corrected_avg_sq.sqrt() + eps)
    return new_param, corrected_avg, corrected_avg_sq
''',
        },
        {
            "bug": "divides by v instead of its square root",
            "bug_class": "wrong formula (missing square root)",
            "mistakes": (),
            "names": ("sqrt", "square root"),
            "witness": (
                'differs("adam_step", torch.tensor([1.0, -2.0]), torch.tensor([0.5, -0.3]), '
                "torch.tensor([0.1, 0.0]), torch.tensor([0.01, 0.02]), 2, 0.01, 0.9, 0.999, "
                "1e-8)"
            ),
            "source": '''\
def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, eps):
    """One step of Adam, as torch.optim.Adam(..., lr=lr, betas=(beta1, beta2), eps=eps) computes it.

    Args:
        param: the parameter, float tensor of any shape.
        grad: its gradient, same shape and dtype.
        exp_avg: EWA of the gradients, m (zeros before the first step).
        exp_avg_sq: EWA of the squared gradients, v (zeros before the first step).
        step: the number of this step, t = 1, 2, ... (int).
        lr: learning rate (float).
        beta1, beta2: EWA weights of m and v, in [0, 1) (floats).
        eps: small constant added to the denominator, outside the square root (float).

    Returns:
        ``(new_param, new_exp_avg, new_exp_avg_sq)``: three tensors of the parameter's shape and
        dtype; the returned averages are the uncorrected m and v.
    """
    new_exp_avg = beta1 * exp_avg + (1 - beta1) * grad
    new_exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    corrected_avg = new_exp_avg / (1 - beta1 ** step)
    corrected_avg_sq = new_exp_avg_sq / (1 - beta2 ** step)
    new_param = param - lr * corrected_avg / (corrected_avg_sq + eps)
    return new_param, new_exp_avg, new_exp_avg_sq
''',
        },
    ],
    "ex_step_lr": [
        {
            "bug": "multiplies gamma by the number of decays instead of raising it to that power",
            "bug_class": "product instead of power",
            "mistakes": (),
            "names": ("power", "**"),
            "witness": 'differs("step_lr", 0.1, 3, 0.5, 7)',
            "source": '''\
def step_lr(initial_lr, step_size, gamma, epoch):
    """Learning rate of StepLR(optimizer, step_size, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        step_size: decay every ``step_size`` epochs (int >= 1).
        gamma: multiplicative decay factor (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    decays = epoch // step_size
    return float(initial_lr * gamma * decays) if decays else float(initial_lr)
''',
        },
        {
            "bug": "true division epoch / step_size: the rate decays a little every epoch",
            "bug_class": "true instead of floor division",
            "mistakes": (),
            "names": ("//", "floor", "integer division"),
            "witness": 'differs("step_lr", 0.1, 3, 0.5, 7)',
            "source": '''\
def step_lr(initial_lr, step_size, gamma, epoch):
    """Learning rate of StepLR(optimizer, step_size, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        step_size: decay every ``step_size`` epochs (int >= 1).
        gamma: multiplicative decay factor (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    return float(initial_lr * gamma ** (epoch / step_size))
''',
        },
        {
            "bug": "computes the power with torch: returns a 0-dim tensor",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "dtype"),
            "names": ("Python float", "got Tensor"),
            "witness": 'differs("step_lr", 0.1, 3, 0.5, 7)',
            "source": '''\
def step_lr(initial_lr, step_size, gamma, epoch):
    """Learning rate of StepLR(optimizer, step_size, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        step_size: decay every ``step_size`` epochs (int >= 1).
        gamma: multiplicative decay factor (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    return initial_lr * torch.tensor(gamma) ** (epoch // step_size)
''',
        },
    ],
    "ex_multistep_lr": [
        {
            "bug": "counts the passed milestones with a tensor: returns a 0-dim tensor",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "dtype"),
            "names": ("Python float", "got Tensor"),
            "witness": 'differs("multistep_lr", 0.1, [2, 5], 0.5, 6)',
            "source": '''\
def multistep_lr(initial_lr, milestones, gamma, epoch):
    """Learning rate of MultiStepLR(optimizer, milestones, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        milestones: increasing list of epochs (ints) at which the rate is multiplied by gamma.
        gamma: multiplicative decay factor (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    passed = (torch.tensor(milestones) <= epoch).sum()
    return initial_lr * gamma ** passed
''',
        },
        {
            "bug": "decays once when any milestone has passed, not once per milestone",
            "bug_class": "only right for one milestone",
            "mistakes": (),
            "names": ("every milestone", "each milestone", "milestones passed"),
            "witness": 'differs("multistep_lr", 0.1, [2, 5], 0.5, 6)',
            "source": '''\
def multistep_lr(initial_lr, milestones, gamma, epoch):
    """Learning rate of MultiStepLR(optimizer, milestones, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        milestones: increasing list of epochs (ints) at which the rate is multiplied by gamma.
        gamma: multiplicative decay factor (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    if any(milestone <= epoch for milestone in milestones):
        return float(initial_lr * gamma)
    return float(initial_lr)
''',
        },
        {
            "bug": "appends an infinite sentinel to the caller's milestones list on every call",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input", "second_call"),
            "names": ("modified its input", "milestones changed", "changed milestones", "appended"),
            "witness": 'differs("multistep_lr", 0.1, [2, 5], 0.5, 6)',
            "source": '''\
def multistep_lr(initial_lr, milestones, gamma, epoch):
    """Learning rate of MultiStepLR(optimizer, milestones, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        milestones: increasing list of epochs (ints) at which the rate is multiplied by gamma.
        gamma: multiplicative decay factor (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    milestones.append(float("inf"))
    passed = 0
    while milestones[passed] <= epoch:
        passed += 1
    return float(initial_lr * gamma ** passed)
''',
        },
    ],
    "ex_exponential_lr": [
        {
            "bug": "continuous decay initial_lr * exp(-gamma * epoch)",
            "bug_class": "wrong formula (exp)",
            "mistakes": (),
            "names": ("gamma ** epoch", "math.exp", "exp(-gamma"),
            "witness": 'differs("exponential_lr", 0.1, 0.9, 3)',
            "source": '''\
def exponential_lr(initial_lr, gamma, epoch):
    """Learning rate of ExponentialLR(optimizer, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        gamma: multiplicative decay factor per epoch (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    import math

    return float(initial_lr * math.exp(-gamma * epoch))
''',
        },
        {
            "bug": "reads gamma as the decay rate: (1 - gamma) ** epoch",
            "bug_class": "complement (1 - gamma)",
            "mistakes": (),
            "names": ("1 - gamma",),
            "witness": 'differs("exponential_lr", 0.1, 0.9, 3)',
            "source": '''\
def exponential_lr(initial_lr, gamma, epoch):
    """Learning rate of ExponentialLR(optimizer, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        gamma: multiplicative decay factor per epoch (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    return float(initial_lr * (1 - gamma) ** epoch)
''',
        },
        {
            "bug": "rounds the rate to 4 decimals 'to keep the printout tidy'",
            "bug_class": "rounding",
            "mistakes": (),
            "names": ("rounded", "round(", "decimals"),
            "witness": 'differs("exponential_lr", 0.1, 0.9, 5)',
            "source": '''\
def exponential_lr(initial_lr, gamma, epoch):
    """Learning rate of ExponentialLR(optimizer, gamma) during epoch ``epoch``.

    Args:
        initial_lr: the optimizer's learning rate before scheduling (float).
        gamma: multiplicative decay factor per epoch (float).
        epoch: the epoch, counting from 0 (int >= 0).

    Returns:
        A Python float.
    """
    return round(initial_lr * gamma ** epoch, 4)
''',
        },
    ],
    "ex_train_with_scheduler": [
        {
            "bug": "records the learning rate after scheduler.step(): the next epoch's rate",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": (
                "off by one",
                "one epoch late",
                "before scheduler.step",
                "after scheduler.step",
            ),
            "witness": (
                "differs_call(lambda ns: (lambda model: (lambda optimizer: "
                "ns.train_with_scheduler(model, optimizer, StepLR(optimizer, 1, 0.5), "
                "torch.ones(4, 2), torch.zeros(4, 1), 3))(torch.optim.SGD(model.parameters(), "
                "lr=0.1)))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def train_with_scheduler(model, optimizer, scheduler, features, targets, num_epochs):
    """Full-batch training: per epoch one optimizer update on all the data, then one scheduler step.

    Args:
        model: an nn.Module mapping features ``(N, in_features)`` to predictions ``(N, 1)``.
        optimizer: a torch.optim optimizer over ``model.parameters()``.
        scheduler: a learning-rate scheduler attached to ``optimizer``.
        features: float tensor of shape ``(N, in_features)``.
        targets: float tensor of shape ``(N, 1)``.
        num_epochs: number of epochs (int >= 0).

    Returns:
        ``(losses, learning_rates)``: two lists of ``num_epochs`` Python floats: the MSE loss
        (``nn.MSELoss()``) of each epoch's forward pass, computed before that epoch's update, and
        the learning rate that epoch's update used.
    """
    loss_function = nn.MSELoss()
    losses, learning_rates = [], []
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        loss.backward()
        optimizer.step()
        scheduler.step()
        learning_rates.append(float(optimizer.param_groups[0]["lr"]))
        losses.append(loss.item())
    return losses, learning_rates
''',
        },
        {
            "bug": "keeps the loss tensors (with their graphs) instead of Python floats",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "graph"),
            "names": ("Python float", "item()"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (lambda optimizer: "
                "ns.train_with_scheduler(model, optimizer, StepLR(optimizer, 1, 0.5), "
                "torch.ones(4, 2), torch.zeros(4, 1), 3))(torch.optim.SGD(model.parameters(), "
                "lr=0.1)))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def train_with_scheduler(model, optimizer, scheduler, features, targets, num_epochs):
    """Full-batch training: per epoch one optimizer update on all the data, then one scheduler step.

    Args:
        model: an nn.Module mapping features ``(N, in_features)`` to predictions ``(N, 1)``.
        optimizer: a torch.optim optimizer over ``model.parameters()``.
        scheduler: a learning-rate scheduler attached to ``optimizer``.
        features: float tensor of shape ``(N, in_features)``.
        targets: float tensor of shape ``(N, 1)``.
        num_epochs: number of epochs (int >= 0).

    Returns:
        ``(losses, learning_rates)``: two lists of ``num_epochs`` Python floats: the MSE loss
        (``nn.MSELoss()``) of each epoch's forward pass, computed before that epoch's update, and
        the learning rate that epoch's update used.
    """
    loss_function = nn.MSELoss()
    losses, learning_rates = [], []
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        loss.backward()
        learning_rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
        losses.append(loss)
    return losses, learning_rates
''',
        },
        {
            "bug": "steps the scheduler before the optimizer: every update uses the next rate",
            "bug_class": "wrong order",
            "mistakes": ("off_by_one",),
            "names": (
                "before optimizer.step",
                "after optimizer.step",
                "wrong order",
                "scheduler.step() before",
            ),
            "witness": (
                "differs_call(lambda ns: (lambda model: (lambda optimizer: "
                "ns.train_with_scheduler(model, optimizer, StepLR(optimizer, 1, 0.5), "
                "torch.ones(4, 2), torch.zeros(4, 1), 3))(torch.optim.SGD(model.parameters(), "
                "lr=0.1)))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def train_with_scheduler(model, optimizer, scheduler, features, targets, num_epochs):
    """Full-batch training: per epoch one optimizer update on all the data, then one scheduler step.

    Args:
        model: an nn.Module mapping features ``(N, in_features)`` to predictions ``(N, 1)``.
        optimizer: a torch.optim optimizer over ``model.parameters()``.
        scheduler: a learning-rate scheduler attached to ``optimizer``.
        features: float tensor of shape ``(N, in_features)``.
        targets: float tensor of shape ``(N, 1)``.
        num_epochs: number of epochs (int >= 0).

    Returns:
        ``(losses, learning_rates)``: two lists of ``num_epochs`` Python floats: the MSE loss
        (``nn.MSELoss()``) of each epoch's forward pass, computed before that epoch's update, and
        the learning rate that epoch's update used.
    """
    loss_function = nn.MSELoss()
    losses, learning_rates = [], []
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        loss.backward()
        scheduler.step()
        learning_rates.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        losses.append(loss.item())
    return losses, learning_rates
''',
        },
    ],
    "ex_lr_range_test": [
        {
            "bug": "sets the rate in the first parameter group only",
            "bug_class": "only right with one parameter group",
            "mistakes": (),
            "names": ("parameter group", "param_groups", "every group", "each group"),
            "witness": (
                "differs_call(lambda ns: (lambda model: ns.lr_range_test(model, "
                'torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias]}], lr=1.0),'
                " nn.MSELoss(), [(torch.randn(8, 2), torch.randn(8, 1))], 1e-3, 0.1, "
                "4))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def lr_range_test(model, optimizer, loss_function, batches, min_lr, max_lr, num_steps,
                  stop_factor=4.0):
    """The learning-rate range test: train with a learning rate that grows every iteration.

    Iteration k = 0, 1, ..., num_steps - 1 uses the rate
    ``min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))`` (just ``min_lr`` when
    ``num_steps == 1``), set in EVERY parameter group of the optimizer, and the batch
    ``batches[k % len(batches)]``. It zeroes the gradients, computes
    ``loss_function(model(features), targets)``, and records the rate and ``loss.item()``. If
    that loss is not finite, or larger than ``stop_factor`` times the smallest loss recorded so
    far, the test stops there, without an update; otherwise it calls ``backward()`` and
    ``optimizer.step()``.

    Args:
        model: an nn.Module; it is trained in place (pass a fresh one).
        optimizer: a torch.optim optimizer over the model's parameters, of any kind and with
            any number of parameter groups; its own learning rate is ignored.
        loss_function: maps ``(model(features), targets)`` to a 0-dim loss tensor.
        batches: a non-empty list of ``(features, targets)`` pairs, used in order and then
            again from the start.
        min_lr, max_lr: the first and the last learning rate (floats, 0 < min_lr <= max_lr).
        num_steps: the most iterations to run (int >= 1).
        stop_factor: how much larger than the best loss a loss may be before the test stops
            (float > 1).

    Returns:
        ``(learning_rates, losses)``: two lists of Python floats, one entry per iteration
        run, at most ``num_steps``; the last entry is the iteration that stopped the test, if
        one did.
    """
    learning_rates, losses = [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1)) if num_steps > 1 else min_lr
        optimizer.param_groups[0]["lr"] = rate
        features, targets = batches[k % len(batches)]
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        learning_rates.append(rate)
        losses.append(loss.item())
        if not math.isfinite(loss.item()) or loss.item() > stop_factor * min(losses):
            break
        loss.backward()
        optimizer.step()
    return learning_rates, losses
''',
        },
        {
            "bug": (
                "grows the rate by (max_lr / min_lr) ** (k / num_steps): the last rate stays "
                "below max_lr"
            ),
            "bug_class": "off by one in the schedule",
            "mistakes": ("off_by_one",),
            "names": (
                "off by one",
                "off-by-one",
                "num_steps - 1",
                "last rate",
                "reach max_lr",
                "ends at max_lr",
            ),
            "witness": (
                "differs_call(lambda ns: ns.lr_range_test(nn.Linear(2, 1), "
                "torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=1.0), nn.MSELoss(), "
                "[(torch.randn(8, 2), torch.randn(8, 1))], 1e-3, 0.1, 4)[0])"
            ),
            "source": '''\
def lr_range_test(model, optimizer, loss_function, batches, min_lr, max_lr, num_steps,
                  stop_factor=4.0):
    """The learning-rate range test: train with a learning rate that grows every iteration.

    Iteration k = 0, 1, ..., num_steps - 1 uses the rate
    ``min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))`` (just ``min_lr`` when
    ``num_steps == 1``), set in EVERY parameter group of the optimizer, and the batch
    ``batches[k % len(batches)]``. It zeroes the gradients, computes
    ``loss_function(model(features), targets)``, and records the rate and ``loss.item()``. If
    that loss is not finite, or larger than ``stop_factor`` times the smallest loss recorded so
    far, the test stops there, without an update; otherwise it calls ``backward()`` and
    ``optimizer.step()``.

    Args:
        model: an nn.Module; it is trained in place (pass a fresh one).
        optimizer: a torch.optim optimizer over the model's parameters, of any kind and with
            any number of parameter groups; its own learning rate is ignored.
        loss_function: maps ``(model(features), targets)`` to a 0-dim loss tensor.
        batches: a non-empty list of ``(features, targets)`` pairs, used in order and then
            again from the start.
        min_lr, max_lr: the first and the last learning rate (floats, 0 < min_lr <= max_lr).
        num_steps: the most iterations to run (int >= 1).
        stop_factor: how much larger than the best loss a loss may be before the test stops
            (float > 1).

    Returns:
        ``(learning_rates, losses)``: two lists of Python floats, one entry per iteration
        run, at most ``num_steps``; the last entry is the iteration that stopped the test, if
        one did.
    """
    learning_rates, losses = [], []
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / num_steps)
        for group in optimizer.param_groups:
            group["lr"] = rate
        features, targets = batches[k % len(batches)]
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        learning_rates.append(rate)
        losses.append(loss.item())
        if not math.isfinite(loss.item()) or loss.item() > stop_factor * min(losses):
            break
        loss.backward()
        optimizer.step()
    return learning_rates, losses
''',
        },
        {
            "bug": (
                "records the loss tensors themselves instead of loss.item(): a list of 0-dim "
                "tensors that keep their graphs"
            ),
            "bug_class": "tensor where a Python float is asked",
            "mistakes": ("number_type", "return_type", "graph"),
            "names": ("python float", ".item()", "float("),
            "witness": (
                "differs_call(lambda ns: (lambda model: ns.lr_range_test(model, "
                "torch.optim.SGD(model.parameters(), lr=1.0), nn.MSELoss(), [(torch.randn(8, 2), "
                "torch.randn(8, 1))], 1e-3, 0.1, 4))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def lr_range_test(model, optimizer, loss_function, batches, min_lr, max_lr, num_steps,
                  stop_factor=4.0):
    """The learning-rate range test: train with a learning rate that grows every iteration.

    Iteration k = 0, 1, ..., num_steps - 1 uses the rate
    ``min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))`` (just ``min_lr`` when
    ``num_steps == 1``), set in EVERY parameter group of the optimizer, and the batch
    ``batches[k % len(batches)]``. It zeroes the gradients, computes
    ``loss_function(model(features), targets)``, and records the rate and ``loss.item()``. If
    that loss is not finite, or larger than ``stop_factor`` times the smallest loss recorded so
    far, the test stops there, without an update; otherwise it calls ``backward()`` and
    ``optimizer.step()``.

    Args:
        model: an nn.Module; it is trained in place (pass a fresh one).
        optimizer: a torch.optim optimizer over the model's parameters, of any kind and with
            any number of parameter groups; its own learning rate is ignored.
        loss_function: maps ``(model(features), targets)`` to a 0-dim loss tensor.
        batches: a non-empty list of ``(features, targets)`` pairs, used in order and then
            again from the start.
        min_lr, max_lr: the first and the last learning rate (floats, 0 < min_lr <= max_lr).
        num_steps: the most iterations to run (int >= 1).
        stop_factor: how much larger than the best loss a loss may be before the test stops
            (float > 1).

    Returns:
        ``(learning_rates, losses)``: two lists of Python floats, one entry per iteration
        run, at most ``num_steps``; the last entry is the iteration that stopped the test, if
        one did.
    """
    learning_rates, losses = [], []
    best = math.inf
    for k in range(num_steps):
        rate = min_lr * (max_lr / min_lr) ** (k / (num_steps - 1)) if num_steps > 1 else min_lr
        for group in optimizer.param_groups:
            group["lr"] = rate
        features, targets = batches[k % len(batches)]
        optimizer.zero_grad()
        loss = loss_function(model(features), targets)
        learning_rates.append(rate)
        losses.append(loss)
        if not torch.isfinite(loss) or loss > stop_factor * best:
            break
        best = min(best, loss.item())
        loss.backward()
        optimizer.step()
    return learning_rates, losses
''',
        },
    ],
    "ex_warmup_cosine_lr": [
        {
            "bug": "the warm-up starts from 0 instead of start_factor * peak_lr",
            "bug_class": "wrong starting point of the warm-up",
            "mistakes": (),
            "names": (
                "starts at start_factor",
                "start_factor * peak_lr",
                "not at 0",
                "starts from 0",
            ),
            "witness": 'differs("warmup_cosine_lr", 2, 0.1, 5, 20)',
            "source": '''\
def warmup_cosine_lr(step, peak_lr, warmup_steps, total_steps, start_factor=0.1, min_lr=0.0):
    """Learning rate of iteration ``step`` under linear warm-up, then cosine decay.

    It equals what ``network_training.warmup_cosine(optimizer, warmup_steps, total_steps,
    start_factor, min_lr)`` gives when stepped once per iteration (``LinearLR`` then
    ``CosineAnnealingLR`` in a ``SequentialLR``), for an optimizer whose lr is ``peak_lr``.

    Args:
        step: the iteration, counting from 0 (int, 0 <= step <= total_steps).
        peak_lr: the rate at the end of the warm-up (float > 0).
        warmup_steps: iterations of warm-up (int >= 1).
        total_steps: iterations of the whole run (int > warmup_steps).
        start_factor: the rate of iteration 0 as a fraction of peak_lr (float in (0, 1]).
        min_lr: the rate at iteration total_steps (float, 0 <= min_lr <= peak_lr).

    Returns:
        A Python float.
    """
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (peak_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2
''',
        },
        {
            "bug": "the cosine decays from peak_lr to 0 and ignores min_lr",
            "bug_class": "term left out (min_lr)",
            "mistakes": (),
            "names": (
                "ends at min_lr",
                "min_lr +",
                "decays to min_lr",
                "down to min_lr",
                "ignores min_lr",
            ),
            "witness": 'differs("warmup_cosine_lr", 15, 0.1, 5, 20, 0.1, 0.01)',
            "source": '''\
def warmup_cosine_lr(step, peak_lr, warmup_steps, total_steps, start_factor=0.1, min_lr=0.0):
    """Learning rate of iteration ``step`` under linear warm-up, then cosine decay.

    It equals what ``network_training.warmup_cosine(optimizer, warmup_steps, total_steps,
    start_factor, min_lr)`` gives when stepped once per iteration (``LinearLR`` then
    ``CosineAnnealingLR`` in a ``SequentialLR``), for an optimizer whose lr is ``peak_lr``.

    Args:
        step: the iteration, counting from 0 (int, 0 <= step <= total_steps).
        peak_lr: the rate at the end of the warm-up (float > 0).
        warmup_steps: iterations of warm-up (int >= 1).
        total_steps: iterations of the whole run (int > warmup_steps).
        start_factor: the rate of iteration 0 as a fraction of peak_lr (float in (0, 1]).
        min_lr: the rate at iteration total_steps (float, 0 <= min_lr <= peak_lr).

    Returns:
        A Python float.
    """
    if step < warmup_steps:
        return peak_lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)
    return peak_lr * (1 + math.cos(math.pi * progress)) / 2
''',
        },
        {
            "bug": (
                "computes the cosine with torch.cos on a tensor: returns a 0-dim float32 tensor"
            ),
            "bug_class": "tensor where a Python float is asked",
            "mistakes": ("number_type", "return_type", "dtype"),
            "names": ("python float", ".item()", "float("),
            "witness": 'differs("warmup_cosine_lr", 10, 0.1, 5, 20)',
            "source": '''\
def warmup_cosine_lr(step, peak_lr, warmup_steps, total_steps, start_factor=0.1, min_lr=0.0):
    """Learning rate of iteration ``step`` under linear warm-up, then cosine decay.

    It equals what ``network_training.warmup_cosine(optimizer, warmup_steps, total_steps,
    start_factor, min_lr)`` gives when stepped once per iteration (``LinearLR`` then
    ``CosineAnnealingLR`` in a ``SequentialLR``), for an optimizer whose lr is ``peak_lr``.

    Args:
        step: the iteration, counting from 0 (int, 0 <= step <= total_steps).
        peak_lr: the rate at the end of the warm-up (float > 0).
        warmup_steps: iterations of warm-up (int >= 1).
        total_steps: iterations of the whole run (int > warmup_steps).
        start_factor: the rate of iteration 0 as a fraction of peak_lr (float in (0, 1]).
        min_lr: the rate at iteration total_steps (float, 0 <= min_lr <= peak_lr).

    Returns:
        A Python float.
    """
    if step < warmup_steps:
        return peak_lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    progress = torch.tensor((step - warmup_steps) / (total_steps - warmup_steps))
    return min_lr + (peak_lr - min_lr) * (1 + torch.cos(math.pi * progress)) / 2
''',
        },
    ],
}
