"""Chapter 5's own explanations fire on their mistake and not on an unrelated one.

Each row: the explanation, a wrong answer it must name (on a visible case, and in the message the
student sees, by ``phrase``), and another wrong answer on which it stays silent on every visible
case. The answers are written here for the test only, as edits of a correct body.
"""

from course.exercises.ch05_losses import classification as cls
from course.exercises.ch05_losses import regression as reg
from course.exercises.ch05_losses import training as train
from tests.exercises import explaining

SIGNATURES = {
    "mse_loss": 'prediction, target, reduction="mean"',
    "huber_loss": 'prediction, target, delta=1.0, reduction="mean"',
    "fit_constant": "values, loss_function, num_steps=100, learning_rate=0.1",
    "binary_cross_entropy": "probabilities, targets", "bce_with_logits": "logits, targets",
    "cross_entropy": "logits, targets", "soft_cross_entropy": "logits, target_probabilities",
    "cross_entropy_gradient": "logits, targets",
    "manual_sgd_step": "model, inputs, targets, learning_rate",
    "task_loss": "task, outputs, labels"}
MSE = """e = (prediction - target) ** 2
if reduction == "none":
    return e
if reduction == "sum":
    return e.sum()
if reduction == "mean":
    return e.mean()
raise ValueError(reduction)"""
HUBER = """e = (prediction - target).abs()
l = torch.where(e <= delta, 0.5 * e ** 2, delta * (e - 0.5 * delta))
return {"none": l, "sum": l.sum(), "mean": l.mean()}[reduction]"""
FIT = """c = torch.zeros(1, dtype=values.dtype, requires_grad=True)
opt = torch.optim.SGD([c], lr=learning_rate)
for _ in range(num_steps):
    opt.zero_grad()
    loss_function(c.expand_as(values), values).backward()
    opt.step()
return c.item()"""
BCE = ("return -(targets * torch.log(probabilities).clamp(min=-100) + (1 - targets) * "
       "torch.log(1 - probabilities).clamp(min=-100)).mean()")
LOGITS = ("return (logits.clamp(min=0) - logits * targets + "
          "torch.log1p(torch.exp(-logits.abs()))).mean()")
CE = "return (torch.logsumexp(logits, 1) - logits[torch.arange(len(logits)), targets]).mean()"
SOFT = "return -(target_probabilities * torch.log_softmax(logits, 1)).sum(1).mean()"
GRADIENT = ("return (torch.softmax(logits, 1) - nn.functional.one_hot(targets, logits.shape[1])"
            ".to(logits.dtype)) / len(logits)")
STEP = """for p in model.parameters():
    p.grad = None
loss = nn.MSELoss()(model(inputs), targets)
loss.backward()
with torch.no_grad():
    for p in model.parameters():
        p -= learning_rate * p.grad
return loss.item()"""
TASK = """if task in ("regression", "robust_regression"):
    t = labels.to(outputs.dtype).reshape(outputs.shape)
    return (nn.MSELoss() if task == "regression" else nn.HuberLoss())(outputs, t)
if task in ("binary", "multilabel"):
    return nn.BCEWithLogitsLoss()(outputs, labels.to(outputs.dtype).reshape(outputs.shape))
if task == "multiclass":
    return nn.CrossEntropyLoss()(outputs, labels.reshape(-1).long())
raise ValueError(task)"""
BINARY = "nn.BCEWithLogitsLoss()(outputs, labels.to(outputs.dtype).reshape(outputs.shape))"
ROWS = [
    (reg.no_value_error, "mse_loss", MSE.replace('if reduction == "mean":\n    ', ""),
     MSE.replace("e.sum()", "e.mean()"), "must raise ValueError"),
    (reg.per_batch_mean, "mse_loss", MSE.replace("e.mean()", "e.sum() / len(e)"),
     MSE.replace("e.mean()", "e.sum()"), "batch size"),
    (reg.divided_by_delta, "huber_loss", HUBER.replace("0.5 * e ** 2,", "0.5 * e ** 2 / delta,")
     .replace("delta * (e - 0.5 * delta)", "e - 0.5 * delta"), HUBER.replace("l.mean()", "l.sum()"),
     "SmoothL1Loss"),
    (reg.branches_apart, "huber_loss", HUBER.replace("(e - 0.5 * delta)", "e"),
     HUBER.replace("e <= delta", "e <= 1.0"), "meet"),
    (reg.branches_apart, "huber_loss", HUBER.replace("delta * (e - 0.5 * delta)", "0.5 * e ** 2"),
     HUBER.replace("l.mean()", "l.sum()"), "quadratic"),
    (reg.signed_error, "huber_loss",
     HUBER.replace(".abs()", "").replace("(e - 0.5", "(e.abs() - 0.5"),
     HUBER.replace("(e - 0.5 * delta)", "e"), "|error|"),
    (reg.never_moves, "fit_constant", FIT.replace("range(num_steps)", "range(num_steps - 1)"),
     FIT.replace("    opt.zero_grad()\n", ""), "off by one"),
    (reg.never_moves, "fit_constant", FIT.replace("    opt.step()", "    pass"),
     FIT.replace("    opt.zero_grad()\n", ""), "never moves"),
    (reg.float32_round_off, "fit_constant", FIT.replace("dtype=values.dtype", "dtype=torch.float32")
     .replace("(c.expand_as(values), values)", "(c.expand_as(values), values.float())"),
     FIT.replace("    opt.zero_grad()\n", ""), "float32"),
    (reg.gradients_pile_up, "fit_constant", FIT.replace("    opt.zero_grad()\n", ""),
     FIT.replace("range(num_steps)", "range(num_steps - 1)"), "c.grad"),
    (cls.unclamped_logs, "binary_cross_entropy", BCE.replace(".clamp(min=-100)", ""),
     BCE.replace(".mean()", ".sum()"), "clamp each log term"),
    (cls.overflow, "bce_with_logits",
     "p = torch.sigmoid(logits)\n"
     "return -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p)).mean()",
     LOGITS.replace(".mean()", ".sum()"), "exponent is never positive"),
    (cls.detached, "bce_with_logits", LOGITS.replace("return ", "return torch.tensor(")
     .replace(".mean()", ".mean().item(), dtype=logits.dtype)"),
     LOGITS.replace(".mean()", ".sum()"), "backward() does not reach"),
    (cls.softmax_first, "cross_entropy", "logits = torch.softmax(logits, 1)\n" + CE,
     CE.replace(".mean()", ".sum()"), "double softmax"),
    (cls.overflowed, "cross_entropy",
     CE.replace("torch.logsumexp(logits, 1)", "torch.log(torch.exp(logits).sum(1))"),
     CE.replace(".mean()", ".sum()"), "overflows"),
    (cls.normalised_over_batch, "cross_entropy",
     "return -torch.log_softmax(logits, 0)[torch.arange(len(logits)), targets].mean()",
     "logits = torch.softmax(logits, 1)\n" + CE, "wrong dim"),
    (cls.normalised_over_batch, "soft_cross_entropy", SOFT.replace("log_softmax(logits, 1)",
                                                                   "log_softmax(logits, 0)"),
     SOFT.replace(".sum(1).mean()", ".mean()"), "wrong dim"),
    (cls.targets_to_indices, "soft_cross_entropy",
     "i = target_probabilities.argmax(1)\n"
     "return (torch.logsumexp(logits, 1) - logits[torch.arange(len(logits)), i]).mean()",
     SOFT.replace(".sum(1).mean()", ".mean()"), "most likely class"),
    (cls.softmax_first, "soft_cross_entropy", "logits = torch.softmax(logits, 1)\n" + SOFT,
     SOFT.replace(".sum(1).mean()", ".sum()"), "double softmax"),
    (cls.softmax_over_batch, "cross_entropy_gradient", GRADIENT.replace("softmax(logits, 1)",
                                                                        "softmax(logits, 0)"),
     GRADIENT.replace(" / len(logits)", ""), "wrong dim"),
    (train.unchanged, "manual_sgd_step",
     STEP.replace("with torch.no_grad():\n    for p in model.parameters():\n"
                  "        p -= learning_rate * p.grad",
                  "for p in model.parameters():\n    p = p - learning_rate * p.grad"),
     STEP.replace("p -= learning_rate", "p += learning_rate"), "did not change"),
    (train.unchanged, "manual_sgd_step",
     STEP.replace("model.parameters():\n        p -=", "list(model.parameters())[:2]:\n"
                  "        p -="),
     STEP.replace("p -= learning_rate", "p += learning_rate"), "nested layers"),
    (train.climbed, "manual_sgd_step", STEP.replace("p -= learning_rate", "p += learning_rate"),
     STEP.replace("for p in model.parameters():\n    p.grad = None\n", ""), "flipped sign"),
    (train.stale_gradients_used, "manual_sgd_step",
     STEP.replace("for p in model.parameters():\n    p.grad = None\n", ""),
     STEP.replace("p -= learning_rate", "p += learning_rate"), "clear them"),
    (train.loss_after_update, "manual_sgd_step",
     STEP.replace("return loss.item()", "return nn.MSELoss()(model(inputs), targets).item()"),
     STEP.replace("p -= learning_rate", "p += learning_rate"), "after the update"),
    (train.every_pair, "task_loss", TASK.replace(".reshape(outputs.shape)\n    return (nn", "\n"
                                                 "    return (nn"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "size-1 dimension"),
    (train.plain_mse, "task_loss", TASK.replace("nn.HuberLoss()", "nn.MSELoss()"),
     TASK.replace(".reshape(outputs.shape)\n    return (nn", "\n    return (nn"), "HuberLoss"),
    (train.single_column_softmax, "task_loss",
     TASK.replace('task in ("binary", "multilabel")', 'task == "multilabel"')
     .replace('task == "multiclass"', 'task == "multiclass" or task == "binary"')
     .replace("labels.reshape(-1).long()", "labels.reshape(-1).long() * (outputs.shape[1] > 1)"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "BCEWithLogitsLoss"),
    (train.sigmoid_then_bce, "task_loss",
     TASK.replace(BINARY, "nn.BCELoss()(torch.sigmoid(outputs), "
                          "labels.to(outputs.dtype).reshape(outputs.shape))"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "capped"),
    (train.softmax_before, "task_loss",
     TASK.replace("nn.CrossEntropyLoss()(outputs,", "nn.CrossEntropyLoss()(outputs.softmax(1),"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "double softmax"),
    (train.one_class_per_row, "task_loss",
     TASK.replace('task in ("binary", "multilabel")', 'task == "binary"')
     .replace('task == "multiclass"', 'task == "multiclass" or task == "multilabel"')
     .replace("labels.reshape(-1).long())", "labels.reshape(-1).long() if task == 'multiclass' "
                                            "else labels.to(outputs.dtype))"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "independent yes/no"),
    (train.detached_task, "task_loss", TASK.replace(
        "return (nn.MSELoss() if task == \"regression\" else nn.HuberLoss())(outputs, t)",
        "return (nn.MSELoss() if task == \"regression\" else nn.HuberLoss())(outputs.detach(), t)"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "backward() does not reach"),
    (train.no_task_error, "task_loss", TASK.replace("raise ValueError(task)", "return None"),
     TASK.replace("nn.HuberLoss()", "nn.MSELoss()"), "must raise ValueError"),
]


test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    ROWS, ids=[f"{row[0].__name__}-{row[4]}" for row in ROWS],
    source=lambda name, body: explaining.define_block(name, SIGNATURES[name], body))


def test_every_explanation_of_the_chapter_has_a_row():
    assert explaining.declared_explanations("ch05_losses") == {row[0] for row in ROWS}
