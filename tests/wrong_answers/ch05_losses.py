"""The most common wrong answer to each exercise of ch05_losses
(used by tests/grade/test_chapters.py).

Every entry is a complete solution cell as a student might type it: the grading test puts all of
them into one submission at once and requires every test cell to score 0.
"""

WRONG_ANSWERS: dict[str, str] = {
    # 'mean' divided by the batch size instead of the number of elements.
    "ex_mse_loss": '''def mse_loss(prediction, target, reduction="mean"):
    """Mean squared error."""
    squared_error = (prediction - target) ** 2
    if reduction == "none":
        return squared_error
    if reduction == "sum":
        return squared_error.sum()
    if reduction == "mean":
        return squared_error.sum() / prediction.shape[0]
    raise ValueError(f"unknown reduction {reduction!r}")
''',
    # SmoothL1's formula (divided by delta) written under the Huber name.
    "ex_huber_loss": '''def huber_loss(prediction, target, delta=1.0, reduction="mean"):
    """Huber loss."""
    abs_error = (prediction - target).abs()
    per_element = torch.where(abs_error < delta, 0.5 * abs_error ** 2 / delta,
                              abs_error - 0.5 * delta)
    if reduction == "none":
        return per_element
    if reduction == "sum":
        return per_element.sum()
    return per_element.mean()
''',
    # Forgot zero_grad(): gradients accumulate over the steps.
    "ex_fit_constant": '''def fit_constant(values, loss_function, num_steps=100, learning_rate=0.1):
    """Fit one number to values by gradient descent."""
    constant = torch.zeros(1, dtype=values.dtype, requires_grad=True)
    optimizer = torch.optim.SGD([constant], lr=learning_rate)
    for _ in range(num_steps):
        loss = loss_function(constant.expand_as(values), values)
        loss.backward()
        optimizer.step()
    return constant.item()
''',
    # log of 0 without a clamp: inf / nan for probabilities of exactly 0 or 1.
    "ex_binary_cross_entropy": '''def binary_cross_entropy(probabilities, targets):
    """Binary cross entropy on probabilities."""
    return -(targets * torch.log(probabilities)
             + (1 - targets) * torch.log(1 - probabilities)).mean()
''',
    # Sigmoid first, then the log: sigmoid(100) == 1.0, log(0) = -inf.
    "ex_bce_with_logits": '''def bce_with_logits(logits, targets):
    """Binary cross entropy on logits."""
    probabilities = torch.sigmoid(logits)
    return -(targets * torch.log(probabilities)
             + (1 - targets) * torch.log(1 - probabilities)).mean()
''',
    # Softmax before cross entropy: the double-softmax bug.
    "ex_cross_entropy": '''def cross_entropy(logits, targets):
    """Cross entropy with class-index targets."""
    probabilities = torch.softmax(logits, dim=1)
    log_normaliser = torch.logsumexp(probabilities, dim=1)
    true_class = probabilities[torch.arange(logits.shape[0]), targets]
    return (log_normaliser - true_class).mean()
''',
    # Probability targets turned into class indices (one-hot vs index confusion).
    "ex_soft_cross_entropy": '''def soft_cross_entropy(logits, target_probabilities):
    """Cross entropy with probability targets."""
    targets = target_probabilities.argmax(dim=1)
    log_probabilities = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probabilities[torch.arange(logits.shape[0]), targets].mean()
''',
    # Forgot the 1/N of the mean reduction.
    "ex_cross_entropy_gradient": '''def cross_entropy_gradient(logits, targets):
    """Gradient of CrossEntropyLoss with respect to the logits."""
    one_hot = torch.nn.functional.one_hot(targets, logits.shape[1]).to(logits.dtype)
    return torch.softmax(logits, dim=1) - one_hot
''',
    # Forgot the factor 2 from the derivative of the square.
    "ex_linear_mse_gradients": '''def linear_mse_gradients(inputs, targets, weight, bias):
    """Gradients of MSE for a linear layer."""
    errors = inputs @ weight.T + bias - targets
    grad_predictions = errors / errors.numel()
    return grad_predictions.T @ inputs, grad_predictions.sum(dim=0)
''',
    # Sign error in the update: gradient ascent.
    "ex_manual_sgd_step": '''def manual_sgd_step(model, inputs, targets, learning_rate):
    """One SGD step by hand."""
    model.zero_grad()
    loss = nn.MSELoss()(model(inputs), targets)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter += learning_rate * parameter.grad
    return loss.item()
''',
    # Regression labels left as (N,): MSE broadcasts the (N, 1) outputs against them to (N, N).
    "ex_task_loss": '''def task_loss(task, outputs, labels):
    """The training loss of a model's raw outputs for one of five kinds of task."""
    if task == "regression":
        return nn.MSELoss()(outputs, labels.to(outputs.dtype))
    if task == "robust_regression":
        return nn.HuberLoss(delta=1.0)(outputs, labels.to(outputs.dtype).reshape(outputs.shape))
    if task in ("binary", "multilabel"):
        return nn.BCEWithLogitsLoss()(outputs, labels.to(outputs.dtype).reshape(outputs.shape))
    if task == "multiclass":
        return nn.CrossEntropyLoss()(outputs, labels.reshape(-1).long())
    raise ValueError(f"unknown task {task!r}")
''',
}
