"""Wrong answers to every exercise of ch05_losses, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_mse_loss": [
        {
            "bug": "calls nn.functional.mse_loss, the built-in the exercise re-implements",
            "bug_class": "forbidden built-in",
            "mistakes": ("forbidden",),
            "names": ("must not call", "mse_loss"),
            "witness": (
                'differs_call(lambda ns: forbidden(torch.nn.functional, "mse_loss", lambda: '
                "ns.mse_loss(torch.ones(2), torch.zeros(2))))"
            ),
            "source": '''\
def mse_loss(prediction, target, reduction="mean"):
    """Mean squared error, written without nn.MSELoss.

    Args:
        prediction: float tensor of any shape, e.g. (batch, outputs).
        target: float tensor of the same shape and dtype as `prediction`.
        reduction: "mean" (average over ALL elements), "sum", or "none".

    Returns:
        For "mean" and "sum": a 0-dim tensor. For "none": the squared error of every element,
        a tensor with the shape of `prediction`. The dtype is the dtype of `prediction`.

    Raises:
        ValueError: for any other `reduction`.
    """
    return nn.functional.mse_loss(prediction, target, reduction=reduction)
''',
        },
        {
            "bug": "any reduction other than 'none' and 'sum' silently means 'mean': no ValueError",
            "bug_class": "no error for invalid input",
            "mistakes": (),
            "names": ("ValueError",),
            "witness": 'differs("mse_loss", torch.ones(2), torch.zeros(2), reduction="median")',
            "source": '''\
def mse_loss(prediction, target, reduction="mean"):
    """Mean squared error, written without nn.MSELoss.

    Args:
        prediction: float tensor of any shape, e.g. (batch, outputs).
        target: float tensor of the same shape and dtype as `prediction`.
        reduction: "mean" (average over ALL elements), "sum", or "none".

    Returns:
        For "mean" and "sum": a 0-dim tensor. For "none": the squared error of every element,
        a tensor with the shape of `prediction`. The dtype is the dtype of `prediction`.

    Raises:
        ValueError: for any other `reduction`.
    """
    squared_error = (prediction - target) ** 2
    if reduction == "none":
        return squared_error
    if reduction == "sum":
        return squared_error.sum()
    return squared_error.mean()
''',
        },
        {
            "bug": "returns .item() of the reduced loss: a Python float, not a 0-dim tensor",
            "bug_class": "Python float where a tensor is asked",
            "mistakes": ("number_type", "graph"),
            "names": ("0-dim", "got float", "should be a tensor", "not a Python float"),
            "witness": (
                'differs("mse_loss", torch.tensor([[1.0, 2.0], [3.0, 4.0]]), '
                "torch.tensor([[0.5, 2.0], [1.0, 4.5]]))"
            ),
            "source": '''\
def mse_loss(prediction, target, reduction="mean"):
    """Mean squared error, written without nn.MSELoss.

    Args:
        prediction: float tensor of any shape, e.g. (batch, outputs).
        target: float tensor of the same shape and dtype as `prediction`.
        reduction: "mean" (average over ALL elements), "sum", or "none".

    Returns:
        For "mean" and "sum": a 0-dim tensor. For "none": the squared error of every element,
        a tensor with the shape of `prediction`. The dtype is the dtype of `prediction`.

    Raises:
        ValueError: for any other `reduction`.
    """
    squared_error = (prediction - target) ** 2
    if reduction == "none":
        return squared_error
    if reduction == "sum":
        return squared_error.sum().item()
    if reduction == "mean":
        return squared_error.mean().item()
    raise ValueError(f"unknown reduction {reduction!r}")
''',
        },
    ],
    "ex_huber_loss": [
        {
            "bug": "linear part |e| - 0.5: delta left out, right only for delta = 1",
            "bug_class": "ignores a hyper-parameter",
            "mistakes": (),
            "names": ("linear part", "linear branch", "ignores delta", "delta * ("),
            "witness": (
                'differs("huber_loss", torch.tensor([0.0, 1.0, 4.0]), torch.tensor([0.5, -2.0, '
                "0.0]), delta=2.0)"
            ),
            "source": '''\
def huber_loss(prediction, target, delta=1.0, reduction="mean"):
    """Huber loss, written without nn.HuberLoss / nn.SmoothL1Loss.

    Per element, with error e = prediction - target:
        0.5 * e**2                      where |e| <= delta
        delta * (|e| - 0.5 * delta)     elsewhere

    Args:
        prediction: float tensor of any shape.
        target: float tensor of the same shape and dtype.
        delta: positive float, where the loss switches from quadratic to linear.
        reduction: "mean" (average over all elements), "sum" or "none".

    Returns:
        A 0-dim tensor for "mean" and "sum", a tensor shaped like `prediction` for "none".
    """
    abs_error = (prediction - target).abs()
    per_element = torch.where(abs_error <= delta, 0.5 * abs_error ** 2, abs_error - 0.5)

    if reduction == "none":
        return per_element
    if reduction == "sum":
        return per_element.sum()
    if reduction == "mean":
        return per_element.mean()
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
''',
        },
        {
            "bug": "quadratic part e^2 without the 0.5: twice too large near zero",
            "bug_class": "constant factor (one branch)",
            "mistakes": ("factor",),
            "names": ("factor", "0.5"),
            "witness": (
                'differs("huber_loss", torch.tensor([0.0, 1.0, 4.0]), torch.tensor([0.5, -2.0, '
                "0.0]), delta=2.0)"
            ),
            "source": '''\
def huber_loss(prediction, target, delta=1.0, reduction="mean"):
    """Huber loss, written without nn.HuberLoss / nn.SmoothL1Loss.

    Per element, with error e = prediction - target:
        0.5 * e**2                      where |e| <= delta
        delta * (|e| - 0.5 * delta)     elsewhere

    Args:
        prediction: float tensor of any shape.
        target: float tensor of the same shape and dtype.
        delta: positive float, where the loss switches from quadratic to linear.
        reduction: "mean" (average over all elements), "sum" or "none".

    Returns:
        A 0-dim tensor for "mean" and "sum", a tensor shaped like `prediction` for "none".
    """
    abs_error = (prediction - target).abs()
    per_element = torch.where(abs_error <= delta, abs_error ** 2,
                              delta * (abs_error - 0.5 * delta))

    if reduction == "none":
        return per_element
    if reduction == "sum":
        return per_element.sum()
    if reduction == "mean":
        return per_element.mean()
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
''',
        },
        {
            "bug": "always returns the mean: the reduction argument is ignored",
            "bug_class": "ignores an argument (reduction)",
            "mistakes": ("mean_sum",),
            "names": (
                "reduction argument",
                "reduction is ignored",
                "ignores reduction",
                "mean instead of sum",
            ),
            "witness": (
                'differs("huber_loss", torch.tensor([0.0, 1.0, 4.0]), torch.tensor([0.5, -2.0, '
                '0.0]), delta=2.0, reduction="sum")'
            ),
            "source": '''\
def huber_loss(prediction, target, delta=1.0, reduction="mean"):
    """Huber loss, written without nn.HuberLoss / nn.SmoothL1Loss.

    Per element, with error e = prediction - target:
        0.5 * e**2                      where |e| <= delta
        delta * (|e| - 0.5 * delta)     elsewhere

    Args:
        prediction: float tensor of any shape.
        target: float tensor of the same shape and dtype.
        delta: positive float, where the loss switches from quadratic to linear.
        reduction: "mean" (average over all elements), "sum" or "none".

    Returns:
        A 0-dim tensor for "mean" and "sum", a tensor shaped like `prediction` for "none".
    """
    abs_error = (prediction - target).abs()
    per_element = torch.where(abs_error <= delta, 0.5 * abs_error ** 2,
                              delta * (abs_error - 0.5 * delta))
    return per_element.mean()
''',
        },
    ],
    "ex_fit_constant": [
        {
            "bug": "returns the parameter tensor c instead of a Python float",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "graph", "gradient"),
            "names": ("Python float", "item()"),
            "witness": (
                'differs("fit_constant", torch.tensor([1.0, 2.0, 6.0]), nn.MSELoss(), 5, 0.05)'
            ),
            "source": '''\
def fit_constant(values, loss_function, num_steps=100, learning_rate=0.1):
    """Fit one number c to `values` by gradient descent on loss_function(prediction, values).

    Start from c = 0 (a tensor of shape (1,), dtype of `values`, requires_grad=True) and use
    torch.optim.SGD([c], lr=learning_rate). Each of the `num_steps` steps: clear the gradient,
    compute loss_function(prediction, values) where prediction is c repeated to the shape of
    `values` (c.expand_as(values)), call backward, and take the optimizer step.

    Args:
        values: float tensor of shape (N,).
        loss_function: a loss such as nn.MSELoss() or nn.L1Loss() (mean reduction).
        num_steps: number of gradient-descent steps.
        learning_rate: SGD step size.

    Returns:
        The fitted constant as a Python float.
    """
    constant = torch.zeros(1, dtype=values.dtype, requires_grad=True)
    optimizer = torch.optim.SGD([constant], lr=learning_rate)
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_function(constant.expand_as(values), values)
        loss.backward()
        optimizer.step()
    return constant
''',
        },
        {
            "bug": "torch.zeros(1, requires_grad=True): c is float32 whatever the values' dtype",
            "bug_class": "dtype policy",
            "mistakes": ("dtype", "raised"),
            "names": ("dtype", "float64"),
            "witness": (
                "differs_call(lambda ns: (lambda seen: (ns.fit_constant(torch.tensor([1.0, "
                "2.0], dtype=torch.float64), lambda p, v: (seen.append(p.dtype), ((p - v) ** "
                "2).mean())[1], 1, 0.1), seen))([]))"
            ),
            "source": '''\
def fit_constant(values, loss_function, num_steps=100, learning_rate=0.1):
    """Fit one number c to `values` by gradient descent on loss_function(prediction, values).

    Start from c = 0 (a tensor of shape (1,), dtype of `values`, requires_grad=True) and use
    torch.optim.SGD([c], lr=learning_rate). Each of the `num_steps` steps: clear the gradient,
    compute loss_function(prediction, values) where prediction is c repeated to the shape of
    `values` (c.expand_as(values)), call backward, and take the optimizer step.

    Args:
        values: float tensor of shape (N,).
        loss_function: a loss such as nn.MSELoss() or nn.L1Loss() (mean reduction).
        num_steps: number of gradient-descent steps.
        learning_rate: SGD step size.

    Returns:
        The fitted constant as a Python float.
    """
    constant = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([constant], lr=learning_rate)
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_function(constant.expand_as(values), values)
        loss.backward()
        optimizer.step()
    return constant.item()
''',
        },
        {
            "bug": "hard-codes lr=0.1 and ignores learning_rate",
            "bug_class": "ignores a hyper-parameter",
            "mistakes": (),
            "names": ("ignores learning_rate", "lr=0.1", "hard-coded"),
            "witness": (
                'differs("fit_constant", torch.tensor([1.0, 2.0, 6.0]), nn.MSELoss(), 5, 0.05)'
            ),
            "source": '''\
def fit_constant(values, loss_function, num_steps=100, learning_rate=0.1):
    """Fit one number c to `values` by gradient descent on loss_function(prediction, values).

    Start from c = 0 (a tensor of shape (1,), dtype of `values`, requires_grad=True) and use
    torch.optim.SGD([c], lr=learning_rate). Each of the `num_steps` steps: clear the gradient,
    compute loss_function(prediction, values) where prediction is c repeated to the shape of
    `values` (c.expand_as(values)), call backward, and take the optimizer step.

    Args:
        values: float tensor of shape (N,).
        loss_function: a loss such as nn.MSELoss() or nn.L1Loss() (mean reduction).
        num_steps: number of gradient-descent steps.
        learning_rate: SGD step size.

    Returns:
        The fitted constant as a Python float.
    """
    constant = torch.zeros(1, dtype=values.dtype, requires_grad=True)
    optimizer = torch.optim.SGD([constant], lr=0.1)
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = loss_function(constant.expand_as(values), values)
        loss.backward()
        optimizer.step()
    return constant.item()
''',
        },
    ],
    "ex_binary_cross_entropy": [
        {
            "bug": "clamps the probabilities to [1e-7, 1 - 1e-7] instead of the logs at -100",
            "bug_class": "wrong clamp",
            "mistakes": (),
            "names": ("-100", "clamp"),
            "witness": (
                'differs("binary_cross_entropy", torch.tensor([0.0, 0.3, 0.9, 1.0]), '
                "torch.tensor([0.0, 1.0, 1.0, 0.0]))"
            ),
            "source": '''\
def binary_cross_entropy(probabilities, targets):
    """Binary cross entropy on probabilities, written without nn.BCELoss.

    Both log terms, log(p) and log(1 - p), are clamped at -100 (as nn.BCELoss does) so that
    p = 0 or p = 1 gives a finite loss, never inf or nan.

    Args:
        probabilities: float tensor of any shape, values in [0, 1] (predicted P(class 1)).
        targets: float tensor of the same shape, values 0.0 or 1.0 (or in between).

    Returns:
        A 0-dim tensor: the mean over all elements.
    """
    p = probabilities.clamp(1e-7, 1 - 1e-7)
    return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()
''',
        },
        {
            "bug": "sums over the elements instead of averaging",
            "bug_class": "sum instead of mean",
            "mistakes": ("mean_sum", "factor"),
            "names": (
                "sum instead of mean",
                "factor",
                "1/N",
                "divide by N",
                "instead of averaging",
            ),
            "witness": (
                'differs("binary_cross_entropy", torch.tensor([0.0, 0.3, 0.9, 1.0]), '
                "torch.tensor([0.0, 1.0, 1.0, 0.0]))"
            ),
            "source": '''\
def binary_cross_entropy(probabilities, targets):
    """Binary cross entropy on probabilities, written without nn.BCELoss.

    Both log terms, log(p) and log(1 - p), are clamped at -100 (as nn.BCELoss does) so that
    p = 0 or p = 1 gives a finite loss, never inf or nan.

    Args:
        probabilities: float tensor of any shape, values in [0, 1] (predicted P(class 1)).
        targets: float tensor of the same shape, values 0.0 or 1.0 (or in between).

    Returns:
        A 0-dim tensor: the mean over all elements.
    """
    log_p = torch.log(probabilities).clamp(min=-100)
    log_not_p = torch.log(1 - probabilities).clamp(min=-100)
    return -(targets * log_p + (1 - targets) * log_not_p).sum()
''',
        },
        {
            "bug": "forgets the minus sign: the loss is negative",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign",),
            "witness": (
                'differs("binary_cross_entropy", torch.tensor([0.0, 0.3, 0.9, 1.0]), '
                "torch.tensor([0.0, 1.0, 1.0, 0.0]))"
            ),
            "source": '''\
def binary_cross_entropy(probabilities, targets):
    """Binary cross entropy on probabilities, written without nn.BCELoss.

    Both log terms, log(p) and log(1 - p), are clamped at -100 (as nn.BCELoss does) so that
    p = 0 or p = 1 gives a finite loss, never inf or nan.

    Args:
        probabilities: float tensor of any shape, values in [0, 1] (predicted P(class 1)).
        targets: float tensor of the same shape, values 0.0 or 1.0 (or in between).

    Returns:
        A 0-dim tensor: the mean over all elements.
    """
    log_p = torch.log(probabilities).clamp(min=-100)
    log_not_p = torch.log(1 - probabilities).clamp(min=-100)
    return (targets * log_p + (1 - targets) * log_not_p).mean()
''',
        },
    ],
    "ex_bce_with_logits": [
        {
            "bug": (
                "log(1 + exp(-x)) without the absolute value: wrong for negative logits and "
                "inf for very negative ones"
            ),
            "bug_class": "overflow (not finite for large inputs)",
            "mistakes": (),
            "names": ("overflow", "finite", "-|x|", "abs()", "absolute value"),
            "witness": (
                'differs("bce_with_logits", torch.tensor([-1000.0, -2.0, 0.5, 3.0]), '
                "torch.tensor([0.0, 1.0, 0.0, 1.0]))"
            ),
            "source": '''\
def bce_with_logits(logits, targets):
    """Binary cross entropy on logits, numerically stable, written without torch's BCE losses.

    Per element: max(x, 0) - x * y + log(1 + exp(-|x|)), with x the logit and y the target.

    Args:
        logits: float tensor of any shape, any real values (the raw outputs, no sigmoid).
        targets: float tensor of the same shape, values in [0, 1].

    Returns:
        A 0-dim tensor: the mean over all elements. Finite for every finite logit.
    """
    per_element = logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits))
    return per_element.mean()
''',
        },
        {
            "bug": "clamp(max=0) instead of clamp(min=0): min(x, 0) instead of max(x, 0)",
            "bug_class": "wrong clamp",
            "mistakes": (),
            "names": ("max(x, 0)", "clamp(min=0)"),
            "witness": (
                'differs("bce_with_logits", torch.tensor([-1000.0, -2.0, 0.5, 3.0]), '
                "torch.tensor([0.0, 1.0, 0.0, 1.0]))"
            ),
            "source": '''\
def bce_with_logits(logits, targets):
    """Binary cross entropy on logits, numerically stable, written without torch's BCE losses.

    Per element: max(x, 0) - x * y + log(1 + exp(-|x|)), with x the logit and y the target.

    Args:
        logits: float tensor of any shape, any real values (the raw outputs, no sigmoid).
        targets: float tensor of the same shape, values in [0, 1].

    Returns:
        A 0-dim tensor: the mean over all elements. Finite for every finite logit.
    """
    per_element = (logits.clamp(max=0) - logits * targets
                   + torch.log1p(torch.exp(-logits.abs())))
    return per_element.mean()
''',
        },
        {
            "bug": "sums over the elements instead of averaging",
            "bug_class": "sum instead of mean",
            "mistakes": ("mean_sum", "factor"),
            "names": (
                "sum instead of mean",
                "factor",
                "1/N",
                "divide by N",
                "instead of averaging",
            ),
            "witness": (
                'differs("bce_with_logits", torch.tensor([-1000.0, -2.0, 0.5, 3.0]), '
                "torch.tensor([0.0, 1.0, 0.0, 1.0]))"
            ),
            "source": '''\
def bce_with_logits(logits, targets):
    """Binary cross entropy on logits, numerically stable, written without torch's BCE losses.

    Per element: max(x, 0) - x * y + log(1 + exp(-|x|)), with x the logit and y the target.

    Args:
        logits: float tensor of any shape, any real values (the raw outputs, no sigmoid).
        targets: float tensor of the same shape, values in [0, 1].

    Returns:
        A 0-dim tensor: the mean over all elements. Finite for every finite logit.
    """
    per_element = (logits.clamp(min=0) - logits * targets
                   + torch.log1p(torch.exp(-logits.abs())))
    return per_element.sum()
''',
        },
    ],
    "ex_cross_entropy": [
        {
            "bug": (
                "logits[:, targets] picks a (batch, batch) block instead of one logit per row: "
                "right only for a batch of one"
            ),
            "bug_class": "batch of one (indexing)",
            "mistakes": (),
            "names": ("arange", "each row", "one logit per row"),
            "witness": (
                'differs("cross_entropy", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], '
                "[1.0, 1.0, 0.0]]), torch.tensor([0, 2, 1]))"
            ),
            "source": '''\
def cross_entropy(logits, targets):
    """Cross entropy with class-index targets, written without torch's loss functions.

    Args:
        logits: float tensor (batch, classes): raw scores, NOT probabilities.
        targets: int64 tensor (batch,) of class indices in [0, classes).

    Returns:
        A 0-dim tensor: the mean over the batch of logsumexp(logits[i]) - logits[i, targets[i]].
    """
    log_normaliser = torch.logsumexp(logits, dim=1)
    true_class_logit = logits[:, targets]
    return (log_normaliser - true_class_logit).mean()
''',
        },
        {
            "bug": "logsumexp over dim=0 (the batch) instead of the classes",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "dim=1"),
            "witness": (
                'differs("cross_entropy", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], '
                "[1.0, 1.0, 0.0]]), torch.tensor([0, 2, 1]))"
            ),
            "source": '''\
def cross_entropy(logits, targets):
    """Cross entropy with class-index targets, written without torch's loss functions.

    Args:
        logits: float tensor (batch, classes): raw scores, NOT probabilities.
        targets: int64 tensor (batch,) of class indices in [0, classes).

    Returns:
        A 0-dim tensor: the mean over the batch of logsumexp(logits[i]) - logits[i, targets[i]].
    """
    log_normaliser = torch.logsumexp(logits, dim=0)
    true_class_logit = logits[torch.arange(logits.shape[0]), targets]
    return (log_normaliser - true_class_logit).mean()
''',
        },
        {
            "bug": "calls nn.functional.cross_entropy, the loss the exercise re-implements",
            "bug_class": "forbidden built-in",
            "mistakes": ("forbidden",),
            "names": ("must not call", "cross_entropy"),
            "witness": (
                'differs_call(lambda ns: forbidden(torch.nn.functional, "cross_entropy", '
                "lambda: ns.cross_entropy(torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0], "
                "[1.0, 1.0, 0.0]]), torch.tensor([0, 2, 1]))))"
            ),
            "source": '''\
def cross_entropy(logits, targets):
    """Cross entropy with class-index targets, written without torch's loss functions.

    Args:
        logits: float tensor (batch, classes): raw scores, NOT probabilities.
        targets: int64 tensor (batch,) of class indices in [0, classes).

    Returns:
        A 0-dim tensor: the mean over the batch of logsumexp(logits[i]) - logits[i, targets[i]].
    """
    return nn.functional.cross_entropy(logits, targets)
''',
        },
    ],
    "ex_soft_cross_entropy": [
        {
            "bug": "sums over the batch too instead of averaging over it",
            "bug_class": "sum instead of mean",
            "mistakes": ("mean_sum", "factor"),
            "names": (
                "sum instead of mean",
                "factor",
                "1/N",
                "divide by N",
                "instead of averaging",
            ),
            "witness": (
                'differs("soft_cross_entropy", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0]]), torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.0, 1.0]]))"
            ),
            "source": '''\
def soft_cross_entropy(logits, target_probabilities):
    """Cross entropy with probability targets, written without torch's loss functions.

    Args:
        logits: float tensor (batch, classes), raw scores.
        target_probabilities: float tensor (batch, classes), each row >= 0 and summing to 1
            (one-hot rows included).

    Returns:
        A 0-dim tensor: mean over the batch of -sum_k target[i, k] * log_softmax(logits)[i, k].
    """
    log_probabilities = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -(target_probabilities * log_probabilities).sum()
''',
        },
        {
            "bug": "weights the probabilities instead of the log-probabilities",
            "bug_class": "wrong formula (missing log)",
            "mistakes": (),
            "names": (
                "log_softmax",
                "log-probabilities",
                "log probabilities",
                "forgot the log",
                "missing log",
            ),
            "witness": (
                'differs("soft_cross_entropy", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0]]), torch.tensor([[0.7, 0.2, 0.1], [0.0, 0.0, 1.0]]))"
            ),
            "source": '''\
def soft_cross_entropy(logits, target_probabilities):
    """Cross entropy with probability targets, written without torch's loss functions.

    Args:
        logits: float tensor (batch, classes), raw scores.
        target_probabilities: float tensor (batch, classes), each row >= 0 and summing to 1
            (one-hot rows included).

    Returns:
        A 0-dim tensor: mean over the batch of -sum_k target[i, k] * log_softmax(logits)[i, k].
    """
    probabilities = torch.softmax(logits, dim=1)
    return -(target_probabilities * probabilities).sum(dim=1).mean()
''',
        },
        {
            "bug": "log(softmax(x)): -inf for a tiny probability, and 0 * -inf = nan",
            "bug_class": "overflow (not finite for large inputs)",
            "mistakes": (),
            "names": ("finite", "logsumexp", "log_softmax", "nan at", "returned nan", "gives nan"),
            "witness": (
                'differs("soft_cross_entropy", torch.tensor([[1000.0, 0.0, -1000.0]]), '
                "torch.tensor([[1.0, 0.0, 0.0]]))"
            ),
            "source": '''\
def soft_cross_entropy(logits, target_probabilities):
    """Cross entropy with probability targets, written without torch's loss functions.

    Args:
        logits: float tensor (batch, classes), raw scores.
        target_probabilities: float tensor (batch, classes), each row >= 0 and summing to 1
            (one-hot rows included).

    Returns:
        A 0-dim tensor: mean over the batch of -sum_k target[i, k] * log_softmax(logits)[i, k].
    """
    log_probabilities = torch.log(torch.softmax(logits, dim=1))
    return -(target_probabilities * log_probabilities).sum(dim=1).mean()
''',
        },
    ],
    "ex_cross_entropy_gradient": [
        {
            "bug": "one_hot - softmax: the gradient of the negative loss",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign",),
            "witness": (
                'differs("cross_entropy_gradient", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0], [1.0, 1.0, 0.0]]), torch.tensor([0, 2, 1]))"
            ),
            "source": '''\
def cross_entropy_gradient(logits, targets):
    """Gradient of nn.CrossEntropyLoss() (mean) with respect to the logits, by formula.

    Args:
        logits: float tensor (batch, classes).
        targets: int64 tensor (batch,) of class indices.

    Returns:
        A float tensor (batch, classes), dtype of `logits`: (softmax(logits) - one_hot) / batch.
    """
    probabilities = torch.softmax(logits, dim=1)
    one_hot = nn.functional.one_hot(targets, logits.shape[1]).to(logits.dtype)
    return (one_hot - probabilities) / logits.shape[0]
''',
        },
        {
            "bug": "softmax over dim=0 (the batch) instead of the classes",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "dim=1"),
            "witness": (
                'differs("cross_entropy_gradient", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0], [1.0, 1.0, 0.0]]), torch.tensor([0, 2, 1]))"
            ),
            "source": '''\
def cross_entropy_gradient(logits, targets):
    """Gradient of nn.CrossEntropyLoss() (mean) with respect to the logits, by formula.

    Args:
        logits: float tensor (batch, classes).
        targets: int64 tensor (batch,) of class indices.

    Returns:
        A float tensor (batch, classes), dtype of `logits`: (softmax(logits) - one_hot) / batch.
    """
    probabilities = torch.softmax(logits, dim=0)
    one_hot = nn.functional.one_hot(targets, logits.shape[1]).to(logits.dtype)
    return (probabilities - one_hot) / logits.shape[0]
''',
        },
        {
            "bug": "asks autograd on the caller's logits: they now require grad and hold a .grad",
            "bug_class": "gradient left on the caller's tensor",
            "mistakes": ("gradient", "modified_input", "forbidden"),
            "names": ("requires_grad", "gradient", "modified its input"),
            "witness": (
                'differs("cross_entropy_gradient", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0], [1.0, 1.0, 0.0]]), torch.tensor([0, 2, 1]))"
            ),
            "source": '''\
def cross_entropy_gradient(logits, targets):
    """Gradient of nn.CrossEntropyLoss() (mean) with respect to the logits, by formula.

    Args:
        logits: float tensor (batch, classes).
        targets: int64 tensor (batch,) of class indices.

    Returns:
        A float tensor (batch, classes), dtype of `logits`: (softmax(logits) - one_hot) / batch.
    """
    logits.requires_grad_(True)
    nn.functional.cross_entropy(logits, targets).backward()
    return logits.grad
''',
        },
    ],
    "ex_linear_mse_gradients": [
        {
            "bug": "divides by N instead of N * out_features: right only for one output",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor", "N * out", "numel"),
            "witness": (
                'differs("linear_mse_gradients", torch.randn(5, 3), torch.randn(5, 2), '
                "torch.randn(2, 3), torch.randn(2))"
            ),
            "source": '''\
def linear_mse_gradients(inputs, targets, weight, bias):
    """Gradients of nn.MSELoss()(inputs @ weight.T + bias, targets), by formula (no autograd).

    Args:
        inputs: float tensor (N, in_features).
        targets: float tensor (N, out_features).
        weight: float tensor (out_features, in_features).
        bias: float tensor (out_features,).

    Returns:
        (grad_weight, grad_bias): tensors shaped like `weight` (out_features, in_features) and
        `bias` (out_features,), with the dtype of the inputs. The mean runs over all
        N * out_features elements.
    """
    predictions = inputs @ weight.T + bias
    grad_predictions = 2 * (predictions - targets) / inputs.shape[0]
    return grad_predictions.T @ inputs, grad_predictions.sum(dim=0)
''',
        },
        {
            "bug": "inputs.T @ grad: the weight gradient comes out (in_features, out_features)",
            "bug_class": "transpose",
            "mistakes": ("transpose", "shape"),
            "names": ("transpose",),
            "witness": (
                'differs("linear_mse_gradients", torch.randn(5, 3), torch.randn(5, 2), '
                "torch.randn(2, 3), torch.randn(2))"
            ),
            "source": '''\
def linear_mse_gradients(inputs, targets, weight, bias):
    """Gradients of nn.MSELoss()(inputs @ weight.T + bias, targets), by formula (no autograd).

    Args:
        inputs: float tensor (N, in_features).
        targets: float tensor (N, out_features).
        weight: float tensor (out_features, in_features).
        bias: float tensor (out_features,).

    Returns:
        (grad_weight, grad_bias): tensors shaped like `weight` (out_features, in_features) and
        `bias` (out_features,), with the dtype of the inputs. The mean runs over all
        N * out_features elements.
    """
    predictions = inputs @ weight.T + bias
    grad_predictions = 2 * (predictions - targets) / predictions.numel()
    return inputs.T @ grad_predictions, grad_predictions.sum(dim=0)
''',
        },
        {
            "bug": (
                "sums the bias gradient over everything: a 0-dim tensor instead of "
                "(out_features,)"
            ),
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim", "shape"),
            "names": ("wrong dim", "dim=0", "shape"),
            "witness": (
                'differs("linear_mse_gradients", torch.randn(5, 3), torch.randn(5, 2), '
                "torch.randn(2, 3), torch.randn(2))"
            ),
            "source": '''\
def linear_mse_gradients(inputs, targets, weight, bias):
    """Gradients of nn.MSELoss()(inputs @ weight.T + bias, targets), by formula (no autograd).

    Args:
        inputs: float tensor (N, in_features).
        targets: float tensor (N, out_features).
        weight: float tensor (out_features, in_features).
        bias: float tensor (out_features,).

    Returns:
        (grad_weight, grad_bias): tensors shaped like `weight` (out_features, in_features) and
        `bias` (out_features,), with the dtype of the inputs. The mean runs over all
        N * out_features elements.
    """
    predictions = inputs @ weight.T + bias
    grad_predictions = 2 * (predictions - targets) / predictions.numel()
    return grad_predictions.T @ inputs, grad_predictions.sum()
''',
        },
    ],
    "ex_manual_sgd_step": [
        {
            "bug": "never clears the old gradients: the second call steps with their sum",
            "bug_class": "state: result changes on a second call",
            "mistakes": ("second_call",),
            "names": ("second call", "zero", "clear"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.manual_sgd_step(model, "
                "torch.ones(4, 2), torch.zeros(4, 1), 0.1), ns.manual_sgd_step(model, "
                "torch.ones(4, 2), torch.zeros(4, 1), 0.1), model.state_dict()))(nn.Linear(2, "
                "1)))"
            ),
            "source": '''\
def manual_sgd_step(model, inputs, targets, learning_rate):
    """One gradient-descent step on nn.MSELoss()(model(inputs), targets), without torch.optim.

    The model's parameters may hold gradients from earlier calls: clear them first (set each
    p.grad to None, or zero it). Then forward, loss, backward, and update every parameter in
    place: p -= learning_rate * p.grad (inside torch.no_grad()).

    Args:
        model: an nn.Module, e.g. nn.Linear(in_features, out_features).
        inputs: float tensor (N, in_features).
        targets: float tensor (N, out_features).
        learning_rate: float step size.

    Returns:
        The loss computed BEFORE the update, as a Python float.
    """
    loss = nn.MSELoss()(model(inputs), targets)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= learning_rate * parameter.grad
    return loss.item()
''',
        },
        {
            "bug": "returns the loss tensor instead of a Python float",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "graph"),
            "names": ("Python float", "item()"),
            "witness": (
                'differs("manual_sgd_step", nn.Linear(2, 1), torch.tensor([[1.0, 2.0], [0.0, '
                "-1.0]]), torch.tensor([[1.0], [0.5]]), 0.1)"
            ),
            "source": '''\
def manual_sgd_step(model, inputs, targets, learning_rate):
    """One gradient-descent step on nn.MSELoss()(model(inputs), targets), without torch.optim.

    The model's parameters may hold gradients from earlier calls: clear them first (set each
    p.grad to None, or zero it). Then forward, loss, backward, and update every parameter in
    place: p -= learning_rate * p.grad (inside torch.no_grad()).

    Args:
        model: an nn.Module, e.g. nn.Linear(in_features, out_features).
        inputs: float tensor (N, in_features).
        targets: float tensor (N, out_features).
        learning_rate: float step size.

    Returns:
        The loss computed BEFORE the update, as a Python float.
    """
    for parameter in model.parameters():
        parameter.grad = None
    loss = nn.MSELoss()(model(inputs), targets)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= learning_rate * parameter.grad
    return loss
''',
        },
        {
            "bug": "parameter = parameter - lr * grad rebinds the loop variable: nothing changes",
            "bug_class": "no update (rebinding instead of in place)",
            "mistakes": (),
            "names": ("unchanged", "did not change", "in place"),
            "witness": (
                'differs("manual_sgd_step", nn.Linear(2, 1), torch.tensor([[1.0, 2.0], [0.0, '
                "-1.0]]), torch.tensor([[1.0], [0.5]]), 0.1)"
            ),
            "source": '''\
def manual_sgd_step(model, inputs, targets, learning_rate):
    """One gradient-descent step on nn.MSELoss()(model(inputs), targets), without torch.optim.

    The model's parameters may hold gradients from earlier calls: clear them first (set each
    p.grad to None, or zero it). Then forward, loss, backward, and update every parameter in
    place: p -= learning_rate * p.grad (inside torch.no_grad()).

    Args:
        model: an nn.Module, e.g. nn.Linear(in_features, out_features).
        inputs: float tensor (N, in_features).
        targets: float tensor (N, out_features).
        learning_rate: float step size.

    Returns:
        The loss computed BEFORE the update, as a Python float.
    """
    for parameter in model.parameters():
        parameter.grad = None
    loss = nn.MSELoss()(model(inputs), targets)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter = parameter - learning_rate * parameter.grad
    return loss.item()
''',
        },
    ],
    "ex_task_loss": [
        {
            "bug": (
                "passes (N, 1) class labels to CrossEntropyLoss without flattening them"
            ),
            "bug_class": "label shape (N, 1) for multi-class",
            "mistakes": ("raised", "shape"),
            "names": ("(N, 1)", "(N,)", "flatten", "view(-1)", "reshape(-1)", "squeeze"),
            "witness": (
                'differs("task_loss", "multiclass", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0]]), torch.tensor([[0], [2]]))"
            ),
            "source": '''\
def task_loss(task, outputs, labels):
    """The training loss of a model's raw outputs for one of five kinds of task (mean reduction).

    Args:
        task: one of
            "regression": one real number per sample; outputs (N, 1), labels (N,) or (N, 1);
            "robust_regression": the same, but the targets contain outliers: use Huber with
                delta=1.0;
            "binary": a yes/no answer per sample; outputs (N, 1) logits of "yes", labels (N,)
                or (N, 1) holding 0 and 1 (bool, integer or float dtype);
            "multiclass": one of C classes per sample; outputs (N, C) logits, labels (N,) or
                (N, 1) holding whole class numbers 0..C-1 (integer or float dtype);
            "multilabel": any of C yes/no answers per sample; outputs (N, C) logits, labels
                (N, C) holding 0 and 1 (bool, integer or float dtype).
        outputs: float tensor (float32 or float64) of raw scores, no activation applied;
            N >= 1.
        labels: tensor as described for the task; it is not modified.

    Returns:
        A 0-dim tensor of the dtype of ``outputs``, computed from ``outputs`` so that
        ``backward()`` reaches them. Do not apply softmax or sigmoid to ``outputs`` yourself:
        the losses of the table do it, stably.

    Raises:
        ValueError: for any other ``task``.
    """
    if task == "regression":
        return nn.MSELoss()(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task == "robust_regression":
        return nn.HuberLoss(delta=1.0)(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task in ("binary", "multilabel"):
        return nn.BCEWithLogitsLoss()(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task == "multiclass":
        return nn.CrossEntropyLoss()(outputs, labels.long())
    raise ValueError(f"unknown task {task!r}")
''',
        },
        {
            "bug": (
                "reshapes binary and multi-label targets but keeps their integer or bool dtype"
            ),
            "bug_class": "dtype of the targets",
            "mistakes": ("dtype",),
            "names": ("dtype", ".float()", "to(outputs.dtype)", "float labels", "float targets"),
            "witness": (
                'differs("task_loss", "binary", torch.tensor([[2.0], [-1.0]]), torch.tensor([1, '
                "0]))"
            ),
            "source": '''\
def task_loss(task, outputs, labels):
    """The training loss of a model's raw outputs for one of five kinds of task (mean reduction).

    Args:
        task: one of
            "regression": one real number per sample; outputs (N, 1), labels (N,) or (N, 1);
            "robust_regression": the same, but the targets contain outliers: use Huber with
                delta=1.0;
            "binary": a yes/no answer per sample; outputs (N, 1) logits of "yes", labels (N,)
                or (N, 1) holding 0 and 1 (bool, integer or float dtype);
            "multiclass": one of C classes per sample; outputs (N, C) logits, labels (N,) or
                (N, 1) holding whole class numbers 0..C-1 (integer or float dtype);
            "multilabel": any of C yes/no answers per sample; outputs (N, C) logits, labels
                (N, C) holding 0 and 1 (bool, integer or float dtype).
        outputs: float tensor (float32 or float64) of raw scores, no activation applied;
            N >= 1.
        labels: tensor as described for the task; it is not modified.

    Returns:
        A 0-dim tensor of the dtype of ``outputs``, computed from ``outputs`` so that
        ``backward()`` reaches them. Do not apply softmax or sigmoid to ``outputs`` yourself:
        the losses of the table do it, stably.

    Raises:
        ValueError: for any other ``task``.
    """
    if task == "regression":
        return nn.MSELoss()(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task == "robust_regression":
        return nn.HuberLoss(delta=1.0)(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task in ("binary", "multilabel"):
        return nn.BCEWithLogitsLoss()(outputs, labels.reshape(outputs.shape))
    if task == "multiclass":
        return nn.CrossEntropyLoss()(outputs, labels.reshape(-1).long())
    raise ValueError(f"unknown task {task!r}")
''',
        },
        {
            "bug": (
                "treats multi-label like multi-class: CrossEntropyLoss with 0/1 rows as soft "
                "targets (one softmax over the labels, not one sigmoid each)"
            ),
            "bug_class": "wrong loss for the task (softmax where sigmoids belong)",
            "mistakes": (),
            "names": (
                "multilabel",
                "multi-label",
                "BCEWithLogitsLoss",
                "one sigmoid",
                "independent",
            ),
            "witness": (
                'differs("task_loss", "multilabel", torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, '
                "3.0]]), torch.tensor([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))"
            ),
            "source": '''\
def task_loss(task, outputs, labels):
    """The training loss of a model's raw outputs for one of five kinds of task (mean reduction).

    Args:
        task: one of
            "regression": one real number per sample; outputs (N, 1), labels (N,) or (N, 1);
            "robust_regression": the same, but the targets contain outliers: use Huber with
                delta=1.0;
            "binary": a yes/no answer per sample; outputs (N, 1) logits of "yes", labels (N,)
                or (N, 1) holding 0 and 1 (bool, integer or float dtype);
            "multiclass": one of C classes per sample; outputs (N, C) logits, labels (N,) or
                (N, 1) holding whole class numbers 0..C-1 (integer or float dtype);
            "multilabel": any of C yes/no answers per sample; outputs (N, C) logits, labels
                (N, C) holding 0 and 1 (bool, integer or float dtype).
        outputs: float tensor (float32 or float64) of raw scores, no activation applied;
            N >= 1.
        labels: tensor as described for the task; it is not modified.

    Returns:
        A 0-dim tensor of the dtype of ``outputs``, computed from ``outputs`` so that
        ``backward()`` reaches them. Do not apply softmax or sigmoid to ``outputs`` yourself:
        the losses of the table do it, stably.

    Raises:
        ValueError: for any other ``task``.
    """
    if task == "regression":
        return nn.MSELoss()(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task == "robust_regression":
        return nn.HuberLoss(delta=1.0)(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task == "binary":
        return nn.BCEWithLogitsLoss()(outputs, labels.reshape(outputs.shape).to(outputs.dtype))
    if task in ("multiclass", "multilabel"):
        if task == "multiclass":
            labels = labels.reshape(-1).long()
        else:
            labels = labels.to(outputs.dtype)
        return nn.CrossEntropyLoss()(outputs, labels)
    raise ValueError(f"unknown task {task!r}")
''',
        },
    ],
}
