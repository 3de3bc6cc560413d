"""The most common wrong answer to each exercise of ch07_regularization (one per solution grade_id).

tests/grade/test_chapters.py puts all of them in one submission at once and requires every test cell
to score 0.
"""

WRONG_ANSWERS: dict[str, str] = {
    # the share of wrong EXAMPLES (1 - accuracy) given as the wrong predictions' share of the loss
    "ex_loss_by_correctness": '''\
def loss_by_correctness(logits, targets):
    """Accuracy and binary cross entropy of a classifier, and the wrong predictions' part of it."""
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits > 0).float() != targets
    num_wrong = int(wrong.sum())
    return {
        "accuracy": 1.0 - num_wrong / logits.numel(),
        "loss": losses.mean().item(),
        "wrong_share": num_wrong / logits.numel(),
        "mean_loss_wrong": losses[wrong].mean().item() if num_wrong else float("nan"),
    }
''',
    # survivors divided by p instead of 1 - p (identical only when p = 0.5)
    "ex_inverted_dropout": '''\
def inverted_dropout(x, p, training=True, generator=None):
    """Inverted dropout, written from scratch."""
    if not x.is_floating_point():
        raise TypeError(f"dropout needs a floating-point tensor, got {x.dtype}")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / p
''',
    # the original, non-inverted dropout: no scaling in training, scaled by (1 - p) at eval time
    "ex_dropout_module": '''\
class InvertedDropout(nn.Module):
    """Inverted dropout as a layer: active after .train(), the identity after .eval()."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x * (1 - self.p)
        keep = torch.rand(x.shape) >= self.p
        return x * keep
''',
    # model.eval() forgotten: dropout stays active while the loss is measured
    "ex_evaluate_loss": '''\
def evaluate_loss(model, inputs, targets, loss_fn):
    """Loss of a model on (inputs, targets), measured in evaluation mode."""
    with torch.no_grad():
        return loss_fn(model(inputs), targets).item()
''',
    # the biased variance (divide by N) also used for the running estimate
    "ex_batch_norm_train": '''\
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    """Training-mode batch normalisation from scratch."""
    mean = x.mean(dim=0)
    var = x.var(dim=0, unbiased=False)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    new_running_mean = (1 - momentum) * running_mean + momentum * mean
    new_running_var = (1 - momentum) * running_var + momentum * var
    return out, new_running_mean, new_running_var
''',
    # evaluation mode still normalises with the batch statistics
    "ex_batch_norm_eval": '''\
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    """Evaluation-mode batch normalisation from scratch."""
    mean = x.mean(dim=0)
    var = x.var(dim=0, unbiased=False)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
''',
    # batch norm placed after the activation, and the Linear keeps its (useless) bias
    "ex_block": '''\
def make_block(in_features, out_features, dropout_p):
    """A hidden block: Linear (no bias) -> BatchNorm1d -> ReLU -> Dropout."""
    return nn.Sequential(
        nn.Linear(in_features, out_features),
        nn.ReLU(),
        nn.BatchNorm1d(out_features),
        nn.Dropout(dropout_p),
    )
''',
    # the 1/2 is missing: the gradient becomes 2 * lambda * w, twice what weight_decay adds
    "ex_l2_penalty": '''\
def l2_penalty(parameters, weight_decay):
    """The L2 penalty whose gradient with respect to each parameter w is weight_decay * w."""
    return weight_decay * sum((parameter ** 2).sum() for parameter in parameters)
''',
    # decay applied twice: the explicit penalty AND SGD's weight_decay
    "ex_explicit_l2": '''\
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    """Full-batch SGD on MSE plus an explicit L2 penalty, matching SGD's weight_decay."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, weight_decay=weight_decay)
    losses = []
    for _ in range(num_steps):
        data_loss = F.mse_loss(model(inputs), targets)
        penalty = weight_decay / 2 * sum((p ** 2).sum() for p in model.parameters())
        optimizer.zero_grad()
        (data_loss + penalty).backward()
        optimizer.step()
        losses.append(data_loss.item())
    return losses
''',
    # state_dict() saved without a copy: the "best" weights follow training to the last epoch
    "ex_early_stopping": '''\
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    """Train until the validation loss stops improving, then restore the best weights."""
    best_loss, best_epoch, best_state = float("inf"), 0, model.state_dict()
    val_losses, epochs_without_improvement = [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = model.state_dict()
            epochs_without_improvement = 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
''',
}
