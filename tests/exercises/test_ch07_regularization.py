"""ch07_regularization: every exercise-specific explanation fires on its mistake and not on an
unrelated mistake, and the student sees it.

Each row: the explanation, a wrong answer it must name (on at least one visible case, and in the
message the student sees when the phrase is given), and another wrong answer of the same
exercise on which it must stay silent on every visible case. The answers are written here for
the test only, most of them as the source notebook's solution with a change (``edited``).
"""

import pytest

from course.check import runner
from course.exercises.ch07_regularization import (
    batch_norm,
    correctness,
    decay,
    dropout,
    evaluation,
    stopping,
)
from tests.exercises import explaining
from tests.exercises.solutions import solution_source

CHAPTER = "ch07_regularization"
BN_TRAIN = solution_source(CHAPTER, "ex_batch_norm_train")
DROPOUT = solution_source(CHAPTER, "ex_inverted_dropout")
STOPPING = solution_source(CHAPTER, "ex_early_stopping")
EXPLICIT = solution_source(CHAPTER, "ex_explicit_l2")
LAYER = solution_source(CHAPTER, "ex_dropout_module")
CORRECTNESS = solution_source(CHAPTER, "ex_loss_by_correctness")


def edited(source: str, *changes: tuple[str, str]) -> str:
    """``source`` with each ``(old, new)`` change made; every ``old`` must occur in it."""
    for old, new in changes:
        assert old in source, old
        source = source.replace(old, new)
    return source


ANSWERS = {  # key: (exercise, source of the wrong answer)
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
    "bn-biasedrun": ("batch_norm_train", edited(BN_TRAIN, ("momentum * unbiased_var",
                                                           "momentum * biased_var"))),
    "bn-dim1": ("batch_norm_train", edited(BN_TRAIN, (
        "out = (x - mean) / torch.sqrt(biased_var + eps)",
        "out = (x - x.mean(dim=1, keepdim=True)) / torch.sqrt(x.var(dim=1, correction=0, "
        "keepdim=True) + eps)"))),
    "bn-momentum": ("batch_norm_train", edited(
        BN_TRAIN, ("(1 - momentum) * running_mean + momentum * mean",
                   "momentum * running_mean + (1 - momentum) * mean"),
        ("(1 - momentum) * running_var + momentum * unbiased_var",
         "momentum * running_var + (1 - momentum) * unbiased_var"))),
    "bn-unbiased": ("batch_norm_train", edited(BN_TRAIN, ("torch.sqrt(biased_var + eps)",
                                                          "torch.sqrt(unbiased_var + eps)"))),
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
    "drop-inplace": ("inverted_dropout", edited(
        DROPOUT, ("torch.zeros_like(x)", "x.zero_()"), ("x * keep / (1 - p)",
                                                        "x.mul_(keep).div_(1 - p)"))),
    "drop-lt": ("inverted_dropout", edited(DROPOUT, (">= p)", "< 1 - p)"))),
    "drop-nan": ("inverted_dropout", edited(
        DROPOUT, ("training or p == 0", "training"),
        ("    if p == 1:\n        return torch.zeros_like(x)\n", ""))),
    "drop-notype": ("inverted_dropout", edited(DROPOUT, ("if not x.is_floating_point():",
                                                         "if False:"))),
    "drop-p": ("inverted_dropout", edited(DROPOUT, ("x * keep / (1 - p)", "x * keep / p"))),
    "es-last": ("train_with_early_stopping", edited(
        STOPPING, ("copy.deepcopy(model.state_dict())", "model.state_dict()"))),
    "es-le": ("train_with_early_stopping", edited(STOPPING, ("loss < best_loss",
                                                             "loss <= best_loss"))),
    "es-patience": ("train_with_early_stopping", edited(STOPPING, (">= patience",
                                                                   "> patience"))),
    "es-zero": ("train_with_early_stopping", edited(STOPPING, ("range(1, max_epochs + 1)",
                                                               "range(max_epochs)"))),
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
    "exp-nodecay": ("train_with_explicit_l2", edited(
        EXPLICIT, ("(data_loss + penalty).backward()", "data_loss.backward()"))),
    "exp-nohalf": ("train_with_explicit_l2", edited(EXPLICIT, ("weight_decay / 2",
                                                               "weight_decay"))),
    "exp-weightsonly": ("train_with_explicit_l2", edited(
        EXPLICIT, ("for p in model.parameters())",
                   'for n, p in model.named_parameters() if "weight" in n)'))),
    "exp-withpen": ("train_with_explicit_l2", edited(
        EXPLICIT, ("losses.append(data_loss.item())",
                   "losses.append((data_loss + penalty).item())"))),
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
    "layer-eval": ("InvertedDropout", edited(
        LAYER, ("if not self.training or self.p == 0:\n            return x\n",
                "if not self.training:\n            return x * (1 - self.p)\n"),
        ("x * keep / (1 - self.p)", "x * keep"))),
    "layer-flag": ("InvertedDropout", edited(
        LAYER, ("        self.p = p\n", "        self.p = p\n        self.active = True\n\n"
                "    def eval(self):\n        self.active = False\n        return self\n"),
        ("not self.training", "not self.active"))),
    "layer-nan": ("InvertedDropout", edited(
        LAYER, ("training or self.p == 0", "training"),
        ("        if self.p == 1:\n            return torch.zeros_like(x)\n", ""))),
    "layer-rate": ("InvertedDropout", edited(LAYER, ("self.p", "self.rate"))),
    "lbc-all": ("loss_by_correctness", edited(CORRECTNESS, ("(wrong_loss / num_wrong)",
                                                            "(wrong_loss / logits.numel())"))),
    "lbc-capped": ("loss_by_correctness", edited(
        CORRECTNESS, ("_with_logits(logits,", "(torch.sigmoid(logits),"))),
    "lbc-ge": ("loss_by_correctness", edited(CORRECTNESS, ("(logits > 0)", "(logits >= 0)"))),
    "lbc-share": ("loss_by_correctness", edited(
        CORRECTNESS, ("(wrong_loss / losses.sum()).item() if num_wrong else 0.0",
                      "num_wrong / logits.numel()"))),
    "lbc-sigmoid": ("loss_by_correctness", edited(
        CORRECTNESS, ('losses = F.binary_cross_entropy_with_logits(logits, targets, '
                      'reduction="none")', "q = torch.sigmoid(logits)\n    losses = -(targets "
                      "* torch.log(q) + (1 - targets) * torch.log(1 - q))"))),
    "lbc-zero": ("loss_by_correctness", edited(CORRECTNESS, ('else float("nan")', "else 0.0"))),
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


test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    [(explanation, ANSWERS[mistake][0], mistake, unrelated, phrase)
     for explanation, mistake, unrelated, phrase in ROWS],
    ids=[f"{row[0].__name__}-{row[1]}" for row in ROWS],
    source=lambda name, key: ANSWERS[key][1], must_fail=True)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("key", sorted(ANSWERS))
def test_every_wrong_answer_fails_a_visible_check(key):
    exercise, wrong = explaining.answer(*ANSWERS[key], CHAPTER)
    assert runner.check(exercise, wrong).status == "failed"
