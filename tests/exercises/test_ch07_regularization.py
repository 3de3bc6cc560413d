"""ch07_regularization: every exercise-specific explanation fires on its mistake and not on an
unrelated mistake, and the student sees it.

Each row: the explanation, a wrong answer it must name (on at least one visible case, and in the
message the student sees when the phrase is given), and another wrong answer of the same
exercise on which it must stay silent on every visible case. The answers are written here for
the test only.
"""

import pytest

from course.check import references, runner
from course.check.probe import probe
from course.exercises import find
from course.exercises.ch07_regularization import (
    batch_norm,
    correctness,
    decay,
    dropout,
    evaluation,
    stopping,
)
from tests.exercises.solutions import function_from

CHAPTER = "ch07_regularization"
ANSWERS = {
    "block-bias": ("make_block", """
def make_block(in_features, out_features, dropout_p):
    return nn.Sequential(nn.Linear(in_features, out_features), nn.BatchNorm1d(out_features),
                         nn.ReLU(), nn.Dropout(dropout_p))
"""),
    "block-bnin": ("make_block", """
def make_block(in_features, out_features, dropout_p):
    return nn.Sequential(nn.Linear(in_features, out_features, bias=False),
                         nn.BatchNorm1d(in_features),
                         nn.ReLU(), nn.Dropout(dropout_p))
"""),
    "block-order": ("make_block", """
def make_block(in_features, out_features, dropout_p):
    return nn.Sequential(nn.Linear(in_features, out_features, bias=False), nn.ReLU(),
                         nn.BatchNorm1d(out_features), nn.Dropout(dropout_p))
"""),
    "bn-biasedrun": ("batch_norm_train", """
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    mean = x.mean(dim=0)
    var = x.var(dim=0, correction=0)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    return (out, (1 - momentum) * running_mean + momentum * mean,
            (1 - momentum) * running_var + momentum * var)
"""),
    "bn-dim1": ("batch_norm_train", """
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    mean = x.mean(dim=1, keepdim=True)
    var = x.var(dim=1, correction=0, keepdim=True)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    return (out, (1 - momentum) * running_mean + momentum * x.mean(0),
            (1 - momentum) * running_var + momentum * x.var(dim=0))
"""),
    "bn-momentum": ("batch_norm_train", """
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    mean = x.mean(dim=0)
    var = x.var(dim=0, correction=0)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    return (out, momentum * running_mean + (1 - momentum) * mean,
            momentum * running_var + (1 - momentum) * x.var(dim=0))
"""),
    "bn-unbiased": ("batch_norm_train", """
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    mean = x.mean(dim=0)
    var = x.var(dim=0)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    return (out, (1 - momentum) * running_mean + momentum * mean,
            (1 - momentum) * running_var + momentum * var)
"""),
    "bne-batch": ("batch_norm_eval", """
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    return (x - x.mean(0)) / torch.sqrt(x.var(0, correction=0) + eps) * weight + bias
"""),
    "bne-std": ("batch_norm_eval", """
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    return (x - running_mean) / (running_var + eps) * weight + bias
"""),
    "bne-noeps": ("batch_norm_eval", """
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    return (x - running_mean) / torch.sqrt(running_var) * weight + bias
"""),
    "drop-inplace": ("inverted_dropout", """
def inverted_dropout(x, p, training=True, generator=None):
    if not x.is_floating_point():
        raise TypeError("no")
    if not training or p == 0:
        return x
    if p == 1:
        return x.zero_()
    keep = torch.rand(x.shape, generator=generator) >= p
    return x.mul_(keep).div_(1 - p)
"""),
    "drop-lt": ("inverted_dropout", """
def inverted_dropout(x, p, training=True, generator=None):
    if not x.is_floating_point():
        raise TypeError("no")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) < 1 - p
    return x * keep / (1 - p)
"""),
    "drop-nan": ("inverted_dropout", """
def inverted_dropout(x, p, training=True, generator=None):
    if not x.is_floating_point():
        raise TypeError("no")
    if not training:
        return x
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / (1 - p)
"""),
    "drop-notype": ("inverted_dropout", """
def inverted_dropout(x, p, training=True, generator=None):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / (1 - p)
"""),
    "drop-p": ("inverted_dropout", """
def inverted_dropout(x, p, training=True, generator=None):
    if not x.is_floating_point():
        raise TypeError("no")
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand(x.shape, generator=generator) >= p
    return x * keep / p
"""),
    "es-last": ("train_with_early_stopping", """
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    best_loss, best_epoch, best_state = float("inf"), 0, model.state_dict()
    val_losses, bad = [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch, best_state, bad = loss, epoch, model.state_dict(), 0
        else:
            bad += 1
            if bad >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
"""),
    "es-le": ("train_with_early_stopping", """
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    val_losses, bad = [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss <= best_loss:
            best_loss, best_epoch, bad = loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
"""),
    "es-patience": ("train_with_early_stopping", """
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    val_losses, bad = [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch, bad = loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad > patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
"""),
    "es-zero": ("train_with_early_stopping", """
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    val_losses, bad = [], 0
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch, bad = loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
"""),
    "eval-alwaystrain": ("evaluate_loss", """
def evaluate_loss(model, inputs, targets, loss_fn):
    model.eval()
    with torch.no_grad():
        loss = loss_fn(model(inputs), targets).item()
    model.train()
    return loss
"""),
    "eval-graph": ("evaluate_loss", """
def evaluate_loss(model, inputs, targets, loss_fn):
    was = model.training
    model.eval()
    loss = loss_fn(model(inputs), targets).item()
    model.train(was)
    return loss
"""),
    "eval-noeval": ("evaluate_loss", """
def evaluate_loss(model, inputs, targets, loss_fn):
    with torch.no_grad():
        return loss_fn(model(inputs), targets).item()
"""),
    "eval-norestore": ("evaluate_loss", """
def evaluate_loss(model, inputs, targets, loss_fn):
    model.eval()
    with torch.no_grad():
        return loss_fn(model(inputs), targets).item()
"""),
    "exp-nodecay": ("train_with_explicit_l2", """
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        data_loss = F.mse_loss(model(inputs), targets)
        opt.zero_grad()
        data_loss.backward()
        opt.step()
        losses.append(data_loss.item())
    return losses
"""),
    "exp-nohalf": ("train_with_explicit_l2", """
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        data_loss = F.mse_loss(model(inputs), targets)
        pen = weight_decay * sum((p ** 2).sum() for p in model.parameters())
        opt.zero_grad()
        (data_loss + pen).backward()
        opt.step()
        losses.append(data_loss.item())
    return losses
"""),
    "exp-weightsonly": ("train_with_explicit_l2", """
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        data_loss = F.mse_loss(model(inputs), targets)
        pen = weight_decay / 2 * sum((p ** 2).sum() for n, p in model.named_parameters()
                                     if "weight" in n)
        opt.zero_grad()
        (data_loss + pen).backward()
        opt.step()
        losses.append(data_loss.item())
    return losses
"""),
    "exp-withpen": ("train_with_explicit_l2", """
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        loss = F.mse_loss(model(inputs), targets) + weight_decay / 2 * sum(
            (p ** 2).sum() for p in model.parameters())
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
"""),
    "l2-half": ("l2_penalty", """
def l2_penalty(parameters, weight_decay):
    return weight_decay * sum((p ** 2).sum() for p in parameters)
"""),
    "l2-item": ("l2_penalty", """
def l2_penalty(parameters, weight_decay):
    return weight_decay / 2 * sum((p ** 2).sum().item() for p in parameters)
"""),
    "l2-norm": ("l2_penalty", """
def l2_penalty(parameters, weight_decay):
    return weight_decay / 2 * torch.sqrt(sum((p ** 2).sum() for p in parameters))
"""),
    "l2-twice": ("l2_penalty", """
def l2_penalty(parameters, weight_decay):
    n = sum(1 for _ in parameters)
    return weight_decay / 2 * sum((p ** 2).sum() for p in parameters) + 0 * n
"""),
    "layer-eval": ("InvertedDropout", """
class InvertedDropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p
    def forward(self, x):
        if not self.training:
            return x * (1 - self.p)
        keep = torch.rand(x.shape) >= self.p
        return x * keep
"""),
    "layer-flag": ("InvertedDropout", """
class InvertedDropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p
        self.active = True
    def eval(self):
        self.active = False
        return self
    def forward(self, x):
        if not self.active or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        keep = torch.rand(x.shape) >= self.p
        return x * keep / (1 - self.p)
"""),
    "layer-nan": ("InvertedDropout", """
class InvertedDropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p
    def forward(self, x):
        if not self.training:
            return x
        keep = torch.rand(x.shape) >= self.p
        return x * keep / (1 - self.p)
"""),
    "layer-rate": ("InvertedDropout", """
class InvertedDropout(nn.Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.rate = p
    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        if self.rate == 1:
            return torch.zeros_like(x)
        keep = torch.rand(x.shape) >= self.rate
        return x * keep / (1 - self.rate)
"""),
    "lbc-all": ("loss_by_correctness", """
def loss_by_correctness(logits, targets):
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits > 0).float() != targets
    n = int(wrong.sum())
    w = losses[wrong].sum()
    return {"accuracy": 1.0 - n / logits.numel(), "loss": losses.mean().item(),
            "wrong_share": (w / losses.sum()).item() if n else 0.0,
            "mean_loss_wrong": (w / logits.numel()).item() if n else float("nan")}
"""),
    "lbc-capped": ("loss_by_correctness", """
def loss_by_correctness(logits, targets):
    losses = F.binary_cross_entropy(torch.sigmoid(logits), targets, reduction="none")
    wrong = (logits > 0).float() != targets
    n = int(wrong.sum())
    w = losses[wrong].sum()
    return {"accuracy": 1.0 - n / logits.numel(), "loss": losses.mean().item(),
            "wrong_share": (w / losses.sum()).item() if n else 0.0,
            "mean_loss_wrong": (w / n).item() if n else float("nan")}
"""),
    "lbc-ge": ("loss_by_correctness", """
def loss_by_correctness(logits, targets):
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits >= 0).float() != targets
    n = int(wrong.sum())
    w = losses[wrong].sum()
    return {"accuracy": 1.0 - n / logits.numel(), "loss": losses.mean().item(),
            "wrong_share": (w / losses.sum()).item() if n else 0.0,
            "mean_loss_wrong": (w / n).item() if n else float("nan")}
"""),
    "lbc-share": ("loss_by_correctness", """
def loss_by_correctness(logits, targets):
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits > 0).float() != targets
    n = int(wrong.sum())
    return {"accuracy": 1.0 - n / logits.numel(), "loss": losses.mean().item(),
            "wrong_share": n / logits.numel(),
            "mean_loss_wrong": losses[wrong].mean().item() if n else float("nan")}
"""),
    "lbc-sigmoid": ("loss_by_correctness", """
def loss_by_correctness(logits, targets):
    q = torch.sigmoid(logits)
    losses = -(targets * torch.log(q) + (1 - targets) * torch.log(1 - q))
    wrong = (logits > 0).float() != targets
    n = int(wrong.sum())
    w = losses[wrong].sum()
    return {"accuracy": 1.0 - n / logits.numel(), "loss": losses.mean().item(),
            "wrong_share": (w / losses.sum()).item() if n else 0.0,
            "mean_loss_wrong": (w / n).item() if n else float("nan")}
"""),
    "lbc-zero": ("loss_by_correctness", """
def loss_by_correctness(logits, targets):
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits > 0).float() != targets
    n = int(wrong.sum())
    w = losses[wrong].sum()
    return {"accuracy": 1.0 - n / logits.numel(), "loss": losses.mean().item(),
            "wrong_share": (w / losses.sum()).item() if n else 0.0,
            "mean_loss_wrong": (w / n).item() if n else 0.0}
"""),
}
ROWS = [
    (correctness.infinite_loss, 'lbc-sigmoid', 'lbc-share', 'binary_cross_entropy_with_logits'),
    (correctness.capped_at_100, 'lbc-capped', 'lbc-share', 'clamps'),
    (correctness.nothing_wrong, 'lbc-zero', 'lbc-share', 'nan'),
    (correctness.zero_logit_as_class_one, 'lbc-ge', 'lbc-share', 'logits > 0'),
    (correctness.share_of_examples, 'lbc-share', 'lbc-ge', 'share of wrong EXAMPLES'),
    (correctness.divided_by_all, 'lbc-all', 'lbc-share', 'number of wrong ones'),
    (dropout.dropout_output, 'drop-p', 'drop-notype', 'not by p'),
    (dropout.dropout_output, 'drop-lt', 'drop-inplace', '>= p'),
    (dropout.dropout_output, 'drop-nan', 'drop-notype', 'nan'),
    (dropout.layer_output, 'layer-eval', 'layer-rate', 'is not x'),
    (dropout.layer_output, 'layer-flag', 'layer-rate', 'self.training'),
    (dropout.layer_output, 'layer-nan', 'layer-rate', '0 / 0'),
    (evaluation.mode_not_restored, 'eval-norestore', 'eval-graph', 'put it back'),
    (evaluation.mode_not_restored, 'eval-alwaystrain', 'eval-graph', 'evaluation mode before'),
    (evaluation.side_effects, 'eval-graph', 'eval-norestore', 'no_grad'),
    (evaluation.in_training_mode, 'eval-noeval', 'eval-norestore', None),
    (batch_norm.wrong_dim, 'bn-dim1', 'bn-momentum', 'wrong dim'),
    (batch_norm.unbiased_normalisation, 'bn-unbiased', 'bn-momentum', 'unbiased variance'),
    (batch_norm.running_estimates, 'bn-momentum', 'bn-dim1', 'NEW batch value'),
    (batch_norm.running_estimates, 'bn-biasedrun', 'bn-dim1', 'biased batch variance'),
    (batch_norm.batch_statistics, 'bne-batch', 'bne-noeps', "batch's"),
    (batch_norm.eps_ignored, 'bne-noeps', 'bne-batch', 'eps'),
    (batch_norm.variance_not_std, 'bne-std', 'bne-noeps', 'square root'),
    (batch_norm.layer_order, 'block-order', 'block-bnin', 'pre-activations'),
    (batch_norm.layer_order, 'block-bias', 'block-bnin', 'bias=False'),
    (decay.half_missing, 'l2-half', 'l2-norm', '1/2'),
    (decay.iterated_twice, 'l2-twice', 'l2-half', 'only once'),
    (decay.detached, 'l2-item', 'l2-half', 'autograd graph'),
    (decay.norm_not_squares, 'l2-norm', 'l2-half', 'norm'),
    (decay.penalty_in_losses, 'exp-withpen', 'exp-nohalf', 'includes the penalty'),
    (decay.decay_strength, 'exp-nohalf', 'exp-withpen', 'twice'),
    (decay.decay_strength, 'exp-weightsonly', 'exp-withpen', 'biases'),
    (decay.decay_strength, 'exp-nodecay', 'exp-withpen', 'without any decay'),
    (stopping.equal_counts, 'es-le', 'es-last', 'strictly lower'),
    (stopping.counted_from_zero, 'es-zero', 'es-last', 'count from 1'),
    (stopping.patience_off_by_one, 'es-patience', 'es-last', 'one epoch more'),
    (stopping.last_weights, 'es-last', 'es-zero', 'deepcopy'),
]


def answer(key: str):
    name, source = ANSWERS[key]
    return find(name), function_from(source, name, CHAPTER)


def findings(explanation, exercise, function) -> list:
    found = []
    for case, reference in references.visible(exercise):
        observation = probe(exercise, function, case).observation
        found.append(explanation(case, observation, reference)
                     if observation.get("outcome") == "returned" else None)
    return found


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("explanation, mistake, unrelated, phrase", ROWS,
                         ids=[f"{row[0].__name__}-{row[1]}" for row in ROWS])
def test_explanation_names_its_mistake_and_only_its_mistake(explanation, mistake, unrelated,
                                                            phrase):
    exercise, wrong = answer(mistake)
    assert any(findings(explanation, exercise, wrong)), "never fires on its own mistake"
    report = runner.check(exercise, wrong)
    assert report.status == "failed"
    if phrase:
        assert phrase in report.line
    _, other = answer(unrelated)
    assert not any(findings(explanation, exercise, other)), "fires on another mistake"


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_every_wrong_answer_fails_a_visible_check(key):
    exercise, wrong = answer(key)
    assert runner.check(exercise, wrong).status == "failed"
