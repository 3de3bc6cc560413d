"""Wrong answers to every exercise of ch07_regularization, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_inverted_dropout": [
        {
            "bug": "no special case for p = 1: 0 / (1 - 1) gives nan instead of zeros",
            "bug_class": "edge case (p = 1)",
            "mistakes": (),
            "names": ("p = 1", "p=1", "nan at", "returned nan", "gives nan"),
            "witness": 'differs("inverted_dropout", torch.ones(2, 3), 1.0)',
            "source": '''\
def inverted_dropout(x, p, training=True, generator=None):
    """Inverted dropout, written from scratch.

    Args:
        x: floating-point tensor of any shape, e.g. (batch, features).
        p: probability of zeroing each element, a float with 0 <= p <= 1.
        training: True applies dropout; False (evaluation) returns x unchanged.
        generator: optional torch.Generator passed to torch.rand (None: the global one).

    Returns:
        A tensor with the shape and dtype of x. In training each element is 0 with
        probability p and x / (1 - p) otherwise; p = 0 returns x unchanged and p = 1 returns
        all zeros (not nan). In evaluation x is returned unchanged.

    Raises:
        TypeError: if x is not a floating-point tensor.
    """
    if not x.is_floating_point():
        raise TypeError(f"dropout needs a floating-point tensor, got {x.dtype}")
    if not training or p == 0:
        return x

    keep = (torch.rand(x.shape, generator=generator) >= p).to(x.device)
    return x * keep / (1 - p)
''',
        },
        {
            "bug": "ignores the generator argument: the mask comes from the global generator",
            "bug_class": "ignores an argument (generator)",
            "mistakes": ("second_call",),
            "names": ("generator",),
            "witness": (
                "differs_call(lambda ns: ns.inverted_dropout(torch.ones(4, 5), 0.5, True, "
                "torch.Generator().manual_seed(3)))"
            ),
            "source": '''\
def inverted_dropout(x, p, training=True, generator=None):
    """Inverted dropout, written from scratch.

    Args:
        x: floating-point tensor of any shape, e.g. (batch, features).
        p: probability of zeroing each element, a float with 0 <= p <= 1.
        training: True applies dropout; False (evaluation) returns x unchanged.
        generator: optional torch.Generator passed to torch.rand (None: the global one).

    Returns:
        A tensor with the shape and dtype of x. In training each element is 0 with
        probability p and x / (1 - p) otherwise; p = 0 returns x unchanged and p = 1 returns
        all zeros (not nan). In evaluation x is returned unchanged.

    Raises:
        TypeError: if x is not a floating-point tensor.
    """
    if not x.is_floating_point():
        raise TypeError(f"dropout needs a floating-point tensor, got {x.dtype}")
    if not training or p == 0:
        return x

    if p == 1:
        return torch.zeros_like(x)
    keep = (torch.rand(x.shape) >= p).to(x.device)
    return x * keep / (1 - p)
''',
        },
        {
            "bug": "applies the mask with mul_ / div_: the caller's x is overwritten",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": 'differs("inverted_dropout", torch.ones(2, 3), 0.5)',
            "source": '''\
def inverted_dropout(x, p, training=True, generator=None):
    """Inverted dropout, written from scratch.

    Args:
        x: floating-point tensor of any shape, e.g. (batch, features).
        p: probability of zeroing each element, a float with 0 <= p <= 1.
        training: True applies dropout; False (evaluation) returns x unchanged.
        generator: optional torch.Generator passed to torch.rand (None: the global one).

    Returns:
        A tensor with the shape and dtype of x. In training each element is 0 with
        probability p and x / (1 - p) otherwise; p = 0 returns x unchanged and p = 1 returns
        all zeros (not nan). In evaluation x is returned unchanged.

    Raises:
        TypeError: if x is not a floating-point tensor.
    """
    if not x.is_floating_point():
        raise TypeError(f"dropout needs a floating-point tensor, got {x.dtype}")
    if not training or p == 0:
        return x

    if p == 1:
        return torch.zeros_like(x)
    keep = (torch.rand(x.shape, generator=generator) >= p).to(x.device)
    return x.mul_(keep).div_(1 - p)
''',
        },
    ],
    "ex_dropout_module": [
        {
            "bug": "never looks at self.training: dropout stays on after .eval()",
            "bug_class": "ignores the mode",
            "mistakes": (),
            "names": ("evaluation mode", "after .eval()", "self.training", "eval mode"),
            "witness": "differs_call(lambda ns: ns.InvertedDropout(0.5).eval()(torch.ones(2, 3)))",
            "source": '''\
class InvertedDropout(nn.Module):
    """Inverted dropout as a layer: active after .train(), the identity after .eval().

    Constructor:
        p: probability of zeroing each element, 0 <= p <= 1 (stored as self.p).

    forward(x):
        x: floating-point tensor of any shape.
        Returns a tensor of the same shape and dtype: in training mode each element is 0 with
        probability p and x / (1 - p) otherwise (p = 1 gives zeros); in evaluation mode, x.
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.p == 1:
            return torch.zeros_like(x)
        keep = torch.rand(x.shape, device=x.device) >= self.p
        return x * keep / (1 - self.p)
''',
        },
        {
            "bug": "keeps an element with probability p instead of 1 - p",
            "bug_class": "complement (p vs 1 - p)",
            "mistakes": (),
            "names": ("1 - p", "keep probability", "kept with probability", "share of zeros"),
            "witness": "differs_call(lambda ns: ns.InvertedDropout(0.2)(torch.ones(4, 5)))",
            "source": '''\
class InvertedDropout(nn.Module):
    """Inverted dropout as a layer: active after .train(), the identity after .eval().

    Constructor:
        p: probability of zeroing each element, 0 <= p <= 1 (stored as self.p).

    forward(x):
        x: floating-point tensor of any shape.
        Returns a tensor of the same shape and dtype: in training mode each element is 0 with
        probability p and x / (1 - p) otherwise (p = 1 gives zeros); in evaluation mode, x.
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        keep = torch.rand(x.shape, device=x.device) < self.p
        return x * keep / (1 - self.p)
''',
        },
        {
            "bug": "a float32 mask: half-precision inputs come back as float32",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float16"),
            "witness": (
                "differs_call(lambda ns: ns.InvertedDropout(0.5)(torch.ones(2, 3, "
                "dtype=torch.float16)))"
            ),
            "source": '''\
class InvertedDropout(nn.Module):
    """Inverted dropout as a layer: active after .train(), the identity after .eval().

    Constructor:
        p: probability of zeroing each element, 0 <= p <= 1 (stored as self.p).

    forward(x):
        x: floating-point tensor of any shape.
        Returns a tensor of the same shape and dtype: in training mode each element is 0 with
        probability p and x / (1 - p) otherwise (p = 1 gives zeros); in evaluation mode, x.
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        mask = (torch.rand(x.shape, device=x.device) >= self.p).float()
        return x * mask / (1 - self.p)
''',
        },
    ],
    "ex_evaluate_loss": [
        {
            "bug": "switches to eval() and leaves the model there",
            "bug_class": "state: mode not restored",
            "mistakes": (),
            "names": ("training mode", "mode it was in", "restore the mode", "train("),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.evaluate_loss(model, torch.ones(4, "
                "3), torch.zeros(4, 2), nn.MSELoss()), "
                "model.training))(nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5))))"
            ),
            "source": '''\
def evaluate_loss(model, inputs, targets, loss_fn):
    """Loss of a model on (inputs, targets), measured in evaluation mode.

    Args:
        model: an nn.Module, possibly holding nn.Dropout or nn.BatchNorm1d layers.
        inputs: float tensor of shape (batch, in_features).
        targets: what loss_fn expects as its second argument, e.g. (batch, 1).
        loss_fn: a loss module such as nn.BCEWithLogitsLoss().

    Returns:
        The loss as a Python float. The model is left in the mode (training or evaluation) it
        was in before the call, and no graph is built.
    """
    model.eval()
    with torch.no_grad():
        return loss_fn(model(inputs), targets).item()
''',
        },
        {
            "bug": "returns the 0-dim loss tensor instead of a Python float",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type",),
            "names": ("Python float", "item()"),
            "witness": (
                'differs("evaluate_loss", nn.Linear(3, 2), torch.ones(4, 3), torch.zeros(4, '
                "2), nn.MSELoss())"
            ),
            "source": '''\
def evaluate_loss(model, inputs, targets, loss_fn):
    """Loss of a model on (inputs, targets), measured in evaluation mode.

    Args:
        model: an nn.Module, possibly holding nn.Dropout or nn.BatchNorm1d layers.
        inputs: float tensor of shape (batch, in_features).
        targets: what loss_fn expects as its second argument, e.g. (batch, 1).
        loss_fn: a loss module such as nn.BCEWithLogitsLoss().

    Returns:
        The loss as a Python float. The model is left in the mode (training or evaluation) it
        was in before the call, and no graph is built.
    """
    was_training = model.training
    model.eval()
    with torch.no_grad():
        loss = loss_fn(model(inputs), targets)
    model.train(was_training)
    return loss
''',
        },
        {
            "bug": "no torch.no_grad(): the evaluation builds a graph",
            "bug_class": "graph built during evaluation",
            "mistakes": ("graph",),
            "names": ("graph", "no_grad"),
            "witness": (
                "differs_call(lambda ns: (lambda spy: (ns.evaluate_loss(spy, torch.ones(4, 3), "
                "torch.zeros(4, 2), nn.MSELoss()), spy.grad_enabled))(GradModeSpy(nn.Linear(3, "
                "2))))"
            ),
            "source": '''\
def evaluate_loss(model, inputs, targets, loss_fn):
    """Loss of a model on (inputs, targets), measured in evaluation mode.

    Args:
        model: an nn.Module, possibly holding nn.Dropout or nn.BatchNorm1d layers.
        inputs: float tensor of shape (batch, in_features).
        targets: what loss_fn expects as its second argument, e.g. (batch, 1).
        loss_fn: a loss module such as nn.BCEWithLogitsLoss().

    Returns:
        The loss as a Python float. The model is left in the mode (training or evaluation) it
        was in before the call, and no graph is built.
    """
    was_training = model.training
    model.eval()
    loss = loss_fn(model(inputs), targets).item()
    model.train(was_training)
    return loss
''',
        },
    ],
    "ex_batch_norm_train": [
        {
            "bug": "normalises with the unbiased variance (x.var's default)",
            "bug_class": "wrong variance (biased vs unbiased)",
            "mistakes": (),
            "names": ("biased", "unbiased=False", "correction"),
            "witness": (
                'differs("batch_norm_train", torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, '
                "1.0]]), torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.5]), torch.zeros(2), "
                "torch.ones(2))"
            ),
            "source": '''\
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    """Training-mode batch normalisation from scratch, as nn.BatchNorm1d computes it.

    Args:
        x: float tensor of shape (batch, features), batch >= 2.
        weight, bias: learned scale (gamma) and shift (beta), each of shape (features,).
        running_mean, running_var: current running estimates, shape (features,); not modified.
        momentum: weight of the new batch statistics in the running estimates.
        eps: added to the variance before the square root.

    Returns:
        (out, new_running_mean, new_running_var): out has the shape of x, the other two
        (features,). out is normalised with the batch mean and the biased batch variance; the
        running variance is updated with the unbiased batch variance.
    """
    mean = x.mean(dim=0)
    var = x.var(dim=0)
    out = (x - mean) / torch.sqrt(var + eps) * weight + bias
    new_running_mean = (1 - momentum) * running_mean + momentum * mean
    new_running_var = (1 - momentum) * running_var + momentum * var
    return out, new_running_mean, new_running_var
''',
        },
        {
            "bug": "updates the running estimates in place (as nn.BatchNorm1d does internally)",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": (
                'differs("batch_norm_train", torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, '
                "1.0]]), torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.5]), torch.zeros(2), "
                "torch.ones(2))"
            ),
            "source": '''\
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    """Training-mode batch normalisation from scratch, as nn.BatchNorm1d computes it.

    Args:
        x: float tensor of shape (batch, features), batch >= 2.
        weight, bias: learned scale (gamma) and shift (beta), each of shape (features,).
        running_mean, running_var: current running estimates, shape (features,); not modified.
        momentum: weight of the new batch statistics in the running estimates.
        eps: added to the variance before the square root.

    Returns:
        (out, new_running_mean, new_running_var): out has the shape of x, the other two
        (features,). out is normalised with the batch mean and the biased batch variance; the
        running variance is updated with the unbiased batch variance.
    """
    mean = x.mean(dim=0)
    biased_var = x.var(dim=0, unbiased=False)
    out = (x - mean) / torch.sqrt(biased_var + eps) * weight + bias
    running_mean.mul_(1 - momentum).add_(momentum * mean)
    running_var.mul_(1 - momentum).add_(momentum * x.var(dim=0, unbiased=True))
    return out, running_mean, running_var
''',
        },
        {
            "bug": "statistics over dim=1 with keepdim: normalises each example (layer norm)",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim", "shape"),
            "names": ("wrong dim", "dim=0"),
            "witness": (
                'differs("batch_norm_train", torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, '
                "1.0]]), torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.5]), torch.zeros(2), "
                "torch.ones(2))"
            ),
            "source": '''\
def batch_norm_train(x, weight, bias, running_mean, running_var, momentum=0.1, eps=1e-5):
    """Training-mode batch normalisation from scratch, as nn.BatchNorm1d computes it.

    Args:
        x: float tensor of shape (batch, features), batch >= 2.
        weight, bias: learned scale (gamma) and shift (beta), each of shape (features,).
        running_mean, running_var: current running estimates, shape (features,); not modified.
        momentum: weight of the new batch statistics in the running estimates.
        eps: added to the variance before the square root.

    Returns:
        (out, new_running_mean, new_running_var): out has the shape of x, the other two
        (features,). out is normalised with the batch mean and the biased batch variance; the
        running variance is updated with the unbiased batch variance.
    """
    mean = x.mean(dim=1, keepdim=True)
    biased_var = x.var(dim=1, unbiased=False, keepdim=True)
    unbiased_var = x.var(dim=1, unbiased=True, keepdim=True)
    out = (x - mean) / torch.sqrt(biased_var + eps) * weight + bias
    new_running_mean = (1 - momentum) * running_mean + momentum * mean
    new_running_var = (1 - momentum) * running_var + momentum * unbiased_var
    return out, new_running_mean, new_running_var
''',
        },
    ],
    "ex_batch_norm_eval": [
        {
            "bug": "forgets the learned scale and shift",
            "bug_class": "missing term",
            "mistakes": (),
            "names": ("weight and bias", "scale and shift", "affine", "gamma"),
            "witness": (
                'differs("batch_norm_eval", torch.tensor([[1.0, 2.0], [3.0, 0.0]]), '
                "torch.tensor([2.0, 0.5]), torch.tensor([0.1, -0.2]), torch.tensor([1.0, "
                "0.5]), torch.tensor([4.0, 0.25]))"
            ),
            "source": '''\
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    """Evaluation-mode batch normalisation from scratch, as nn.BatchNorm1d computes it.

    Args:
        x: float tensor of shape (batch, features); batch may be 1.
        weight, bias: learned scale and shift, each of shape (features,).
        running_mean, running_var: the running estimates, shape (features,).
        eps: added to the variance before the square root.

    Returns:
        out, with the shape of x, normalised with the running estimates (not the batch's).
    """
    return (x - running_mean) / torch.sqrt(running_var + eps)
''',
        },
        {
            "bug": "divides by the variance instead of the standard deviation",
            "bug_class": "wrong formula (missing square root)",
            "mistakes": (),
            "names": ("sqrt", "square root", "standard deviation"),
            "witness": (
                'differs("batch_norm_eval", torch.tensor([[1.0, 2.0], [3.0, 0.0]]), '
                "torch.tensor([2.0, 0.5]), torch.tensor([0.1, -0.2]), torch.tensor([1.0, "
                "0.5]), torch.tensor([4.0, 0.25]))"
            ),
            "source": '''\
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    """Evaluation-mode batch normalisation from scratch, as nn.BatchNorm1d computes it.

    Args:
        x: float tensor of shape (batch, features); batch may be 1.
        weight, bias: learned scale and shift, each of shape (features,).
        running_mean, running_var: the running estimates, shape (features,).
        eps: added to the variance before the square root.

    Returns:
        out, with the shape of x, normalised with the running estimates (not the batch's).
    """
    return (x - running_mean) / (running_var + eps) * weight + bias
''',
        },
        {
            "bug": "normalises x in place with -= and /=",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": (
                'differs("batch_norm_eval", torch.tensor([[1.0, 2.0], [3.0, 0.0]]), '
                "torch.tensor([2.0, 0.5]), torch.tensor([0.1, -0.2]), torch.tensor([1.0, "
                "0.5]), torch.tensor([4.0, 0.25]))"
            ),
            "source": '''\
def batch_norm_eval(x, weight, bias, running_mean, running_var, eps=1e-5):
    """Evaluation-mode batch normalisation from scratch, as nn.BatchNorm1d computes it.

    Args:
        x: float tensor of shape (batch, features); batch may be 1.
        weight, bias: learned scale and shift, each of shape (features,).
        running_mean, running_var: the running estimates, shape (features,).
        eps: added to the variance before the square root.

    Returns:
        out, with the shape of x, normalised with the running estimates (not the batch's).
    """
    x -= running_mean
    x /= torch.sqrt(running_var + eps)
    return x * weight + bias
''',
        },
    ],
    "ex_block": [
        {
            "bug": "the Linear keeps its bias (bias=False forgotten)",
            "bug_class": "missing argument",
            "mistakes": (),
            "names": ("bias=False", "has a bias", "useless bias"),
            "witness": 'differs("make_block", 3, 5, 0.2)',
            "source": '''\
def make_block(in_features, out_features, dropout_p):
    """A hidden block: Linear (no bias) -> BatchNorm1d -> ReLU -> Dropout.

    Args:
        in_features, out_features: sizes of the Linear layer.
        dropout_p: the dropout probability.

    Returns:
        An nn.Sequential of exactly these four layers, in this order: nn.Linear with
        bias=False, nn.BatchNorm1d(out_features), nn.ReLU(), nn.Dropout(dropout_p).
    """
    return nn.Sequential(nn.Linear(in_features, out_features), nn.BatchNorm1d(out_features),
                         nn.ReLU(), nn.Dropout(dropout_p))
''',
        },
        {
            "bug": "BatchNorm1d(in_features): only works when in_features == out_features",
            "bug_class": "only right on square inputs",
            "mistakes": (),
            "names": ("BatchNorm1d(out_features)", "BatchNorm1d(in_features)", "should normalise"),
            "witness": 'differs("make_block", 3, 5, 0.2)',
            "source": '''\
def make_block(in_features, out_features, dropout_p):
    """A hidden block: Linear (no bias) -> BatchNorm1d -> ReLU -> Dropout.

    Args:
        in_features, out_features: sizes of the Linear layer.
        dropout_p: the dropout probability.

    Returns:
        An nn.Sequential of exactly these four layers, in this order: nn.Linear with
        bias=False, nn.BatchNorm1d(out_features), nn.ReLU(), nn.Dropout(dropout_p).
    """
    return nn.Sequential(nn.Linear(in_features, out_features, bias=False),
                         nn.BatchNorm1d(in_features), nn.ReLU(), nn.Dropout(dropout_p))
''',
        },
        {
            "bug": "returns the four layers as a list instead of an nn.Sequential",
            "bug_class": "wrong return type",
            "mistakes": ("return_type",),
            "names": ("should return", "Sequential"),
            "witness": 'differs("make_block", 3, 5, 0.2)',
            "source": '''\
def make_block(in_features, out_features, dropout_p):
    """A hidden block: Linear (no bias) -> BatchNorm1d -> ReLU -> Dropout.

    Args:
        in_features, out_features: sizes of the Linear layer.
        dropout_p: the dropout probability.

    Returns:
        An nn.Sequential of exactly these four layers, in this order: nn.Linear with
        bias=False, nn.BatchNorm1d(out_features), nn.ReLU(), nn.Dropout(dropout_p).
    """
    return [nn.Linear(in_features, out_features, bias=False),
            nn.BatchNorm1d(out_features), nn.ReLU(), nn.Dropout(dropout_p)]
''',
        },
    ],
    "ex_l2_penalty": [
        {
            "bug": "returns .item(): a float outside the graph, so the penalty has no gradient",
            "bug_class": "Python float where a graph tensor is asked",
            "mistakes": ("number_type", "graph"),
            "names": ("graph", "item()", "0-dim tensor", "got float"),
            "witness": (
                "differs_call(lambda ns: ns.l2_penalty(iter([torch.tensor([1.0, -2.0], "
                "requires_grad=True), torch.tensor([[0.5]], requires_grad=True)]), 0.1))"
            ),
            "source": '''\
def l2_penalty(parameters, weight_decay):
    """The L2 penalty whose gradient with respect to each parameter w is weight_decay * w.

    Args:
        parameters: an iterable of tensors, e.g. model.parameters() (a generator: iterate once).
        weight_decay: the float lambda that SGD's weight_decay argument would get.

    Returns:
        A 0-dim tensor, part of the autograd graph (do not call .item() or use no_grad):
        (weight_decay / 2) times the sum of the squares of all elements of all parameters.
    """
    total = sum((parameter ** 2).sum() for parameter in parameters)
    return (weight_decay / 2 * total).item()
''',
        },
        {
            "bug": "sums the norms instead of the squared norms",
            "bug_class": "wrong formula (norm, not squared)",
            "mistakes": (),
            "names": ("squared", "norm()", "square of the norm", "squares"),
            "witness": (
                "differs_call(lambda ns: ns.l2_penalty(iter([torch.tensor([1.0, -2.0], "
                "requires_grad=True), torch.tensor([[0.5]], requires_grad=True)]), 0.1))"
            ),
            "source": '''\
def l2_penalty(parameters, weight_decay):
    """The L2 penalty whose gradient with respect to each parameter w is weight_decay * w.

    Args:
        parameters: an iterable of tensors, e.g. model.parameters() (a generator: iterate once).
        weight_decay: the float lambda that SGD's weight_decay argument would get.

    Returns:
        A 0-dim tensor, part of the autograd graph (do not call .item() or use no_grad):
        (weight_decay / 2) times the sum of the squares of all elements of all parameters.
    """
    return weight_decay / 2 * sum(parameter.norm() for parameter in parameters)
''',
        },
        {
            "bug": "averages the squares of each parameter instead of summing them",
            "bug_class": "mean instead of sum",
            "mistakes": ("mean_sum", "factor"),
            "names": ("mean instead of sum", "sum of the squares"),
            "witness": (
                "differs_call(lambda ns: ns.l2_penalty(iter([torch.tensor([1.0, -2.0], "
                "requires_grad=True), torch.tensor([[0.5]], requires_grad=True)]), 0.1))"
            ),
            "source": '''\
def l2_penalty(parameters, weight_decay):
    """The L2 penalty whose gradient with respect to each parameter w is weight_decay * w.

    Args:
        parameters: an iterable of tensors, e.g. model.parameters() (a generator: iterate once).
        weight_decay: the float lambda that SGD's weight_decay argument would get.

    Returns:
        A 0-dim tensor, part of the autograd graph (do not call .item() or use no_grad):
        (weight_decay / 2) times the sum of the squares of all elements of all parameters.
    """
    total = sum((parameter ** 2).mean() for parameter in parameters)
    return weight_decay / 2 * total
''',
        },
    ],
    "ex_explicit_l2": [
        {
            "bug": "records the loss with the penalty added",
            "bug_class": "reports the wrong quantity",
            "mistakes": (),
            "names": ("without the penalty", "includes the penalty", "penalty included"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_with_explicit_l2(model, "
                "torch.ones(4, 2), torch.zeros(4, 1), 0.1, 0.5, 3), "
                "model.state_dict()))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    """Full-batch SGD on MSE plus an explicit L2 penalty, matching SGD's weight_decay.

    Args:
        model: an nn.Module, trained in place.
        inputs: float tensor (batch, in_features); targets: float tensor (batch, out_features).
        lr: learning rate of torch.optim.SGD(model.parameters(), lr=lr) (no weight_decay
            argument, no momentum).
        weight_decay: lambda; the penalty covers every parameter of the model.
        num_steps: number of optimizer steps.

    Returns:
        A list of num_steps Python floats: the MSE loss (without the penalty) computed before
        each step.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        penalty = weight_decay / 2 * sum((p ** 2).sum() for p in model.parameters())
        loss = F.mse_loss(model(inputs), targets) + penalty
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
''',
        },
        {
            "bug": (
                "builds the penalty from p.data: it is outside the graph and never decays "
                "anything"
            ),
            "bug_class": "penalty outside the graph",
            "mistakes": ("graph",),
            "names": ("graph", ".data", "detach", "no gradient"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_with_explicit_l2(model, "
                "torch.ones(4, 2), torch.zeros(4, 1), 0.1, 0.5, 3), "
                "model.state_dict()))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    """Full-batch SGD on MSE plus an explicit L2 penalty, matching SGD's weight_decay.

    Args:
        model: an nn.Module, trained in place.
        inputs: float tensor (batch, in_features); targets: float tensor (batch, out_features).
        lr: learning rate of torch.optim.SGD(model.parameters(), lr=lr) (no weight_decay
            argument, no momentum).
        weight_decay: lambda; the penalty covers every parameter of the model.
        num_steps: number of optimizer steps.

    Returns:
        A list of num_steps Python floats: the MSE loss (without the penalty) computed before
        each step.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        data_loss = F.mse_loss(model(inputs), targets)
        penalty = weight_decay / 2 * sum((p.data ** 2).sum() for p in model.parameters())
        optimizer.zero_grad()
        (data_loss + penalty).backward()
        optimizer.step()
        losses.append(data_loss.item())
    return losses
''',
        },
        {
            "bug": "penalises the weights only, not the biases",
            "bug_class": "misses some parameters",
            "mistakes": (),
            "names": ("every parameter", "biases too", "the biases", "all parameters"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_with_explicit_l2(model, "
                "torch.ones(4, 2), torch.zeros(4, 1), 0.1, 0.5, 3), "
                "model.state_dict()))(nn.Linear(2, 1)))"
            ),
            "source": '''\
def train_with_explicit_l2(model, inputs, targets, lr, weight_decay, num_steps):
    """Full-batch SGD on MSE plus an explicit L2 penalty, matching SGD's weight_decay.

    Args:
        model: an nn.Module, trained in place.
        inputs: float tensor (batch, in_features); targets: float tensor (batch, out_features).
        lr: learning rate of torch.optim.SGD(model.parameters(), lr=lr) (no weight_decay
            argument, no momentum).
        weight_decay: lambda; the penalty covers every parameter of the model.
        num_steps: number of optimizer steps.

    Returns:
        A list of num_steps Python floats: the MSE loss (without the penalty) computed before
        each step.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(num_steps):
        data_loss = F.mse_loss(model(inputs), targets)
        penalty = weight_decay / 2 * sum((p ** 2).sum() for name, p
                                         in model.named_parameters() if "weight" in name)
        optimizer.zero_grad()
        (data_loss + penalty).backward()
        optimizer.step()
        losses.append(data_loss.item())
    return losses
''',
        },
    ],
    "ex_early_stopping": [
        {
            "bug": (
                "<= counts an equal loss as an improvement: the last of tied epochs wins and "
                "patience restarts"
            ),
            "bug_class": "ties (strict improvement)",
            "mistakes": (),
            "names": ("strict", "tie", "first epoch with", "first one"),
            "witness": (
                "differs_call(lambda ns: (lambda model, losses: "
                "(ns.train_with_early_stopping(model, lambda m: m.weight.data.add_(1.0), "
                "lambda m: losses.pop(0), 6, 2), model.state_dict()))(nn.Linear(1, 1), [3.0, "
                "2.0, 2.0, 2.5, 1.0, 0.5]))"
            ),
            "source": '''\
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    """Train until the validation loss stops improving, then restore the best weights.

    Args:
        model: an nn.Module; train_one_epoch updates its weights in place.
        train_one_epoch: function(model) -> None, one epoch of training.
        validation_loss: function(model) -> float, the validation loss of the current weights.
        max_epochs: at most this many epochs run.
        patience: stop after this many consecutive epochs without a strict improvement.

    Returns:
        (best_epoch, val_losses): best_epoch is the 1-based epoch with the lowest validation
        loss (the first one on ties); val_losses lists the validation loss of every epoch that
        ran, in order. Before returning, the model holds the weights of best_epoch.
    """
    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    val_losses, waited = [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss <= best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
            waited = 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
''',
        },
        {
            "bug": "counts epochs from 0: best_epoch is one too small",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "1-based"),
            "witness": (
                "differs_call(lambda ns: (lambda model, losses: "
                "(ns.train_with_early_stopping(model, lambda m: m.weight.data.add_(1.0), "
                "lambda m: losses.pop(0), 6, 2), model.state_dict()))(nn.Linear(1, 1), [3.0, "
                "2.0, 2.0, 2.5, 1.0, 0.5]))"
            ),
            "source": '''\
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    """Train until the validation loss stops improving, then restore the best weights.

    Args:
        model: an nn.Module; train_one_epoch updates its weights in place.
        train_one_epoch: function(model) -> None, one epoch of training.
        validation_loss: function(model) -> float, the validation loss of the current weights.
        max_epochs: at most this many epochs run.
        patience: stop after this many consecutive epochs without a strict improvement.

    Returns:
        (best_epoch, val_losses): best_epoch is the 1-based epoch with the lowest validation
        loss (the first one on ties); val_losses lists the validation loss of every epoch that
        ran, in order. Before returning, the model holds the weights of best_epoch.
    """
    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    val_losses, waited = [], 0
    for epoch in range(max_epochs):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
            waited = 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return best_epoch, val_losses
''',
        },
        {
            "bug": "remembers the best weights but never loads them back",
            "bug_class": "state: best weights not restored",
            "mistakes": (),
            "names": ("best weights", "restore", "load_state_dict", "last epoch"),
            "witness": (
                "differs_call(lambda ns: (lambda model, losses: "
                "(ns.train_with_early_stopping(model, lambda m: m.weight.data.add_(1.0), "
                "lambda m: losses.pop(0), 6, 2), model.state_dict()))(nn.Linear(1, 1), [3.0, "
                "2.0, 2.0, 2.5, 1.0, 0.5]))"
            ),
            "source": '''\
def train_with_early_stopping(model, train_one_epoch, validation_loss, max_epochs, patience):
    """Train until the validation loss stops improving, then restore the best weights.

    Args:
        model: an nn.Module; train_one_epoch updates its weights in place.
        train_one_epoch: function(model) -> None, one epoch of training.
        validation_loss: function(model) -> float, the validation loss of the current weights.
        max_epochs: at most this many epochs run.
        patience: stop after this many consecutive epochs without a strict improvement.

    Returns:
        (best_epoch, val_losses): best_epoch is the 1-based epoch with the lowest validation
        loss (the first one on ties); val_losses lists the validation loss of every epoch that
        ran, in order. Before returning, the model holds the weights of best_epoch.
    """
    best_loss, best_epoch, best_state = float("inf"), 0, copy.deepcopy(model.state_dict())
    val_losses, waited = [], 0
    for epoch in range(1, max_epochs + 1):
        train_one_epoch(model)
        loss = validation_loss(model)
        val_losses.append(loss)
        if loss < best_loss:
            best_loss, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
            waited = 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best_epoch, val_losses
''',
        },
    ],
    "ex_loss_by_correctness": [
        {
            "bug": (
                "predicts class 1 for a logit >= 0: a logit of exactly 0 counts as class 1"
            ),
            "bug_class": "boundary (>= instead of >)",
            "mistakes": (),
            "names": ("exactly 0", "logit of 0", "> 0", ">= 0"),
            "witness": (
                'differs("loss_by_correctness", torch.tensor([0.0, 2.0, -1.0]), '
                "torch.tensor([0.0, 1.0, 1.0]))"
            ),
            "source": '''\
def loss_by_correctness(logits, targets):
    """Accuracy and binary cross entropy of a classifier, and the wrong predictions' part of it.

    Args:
        logits: float tensor of shape (N,) or (N, 1), one logit per example, N >= 1.
        targets: float tensor of the same shape holding 0.0 or 1.0.

    A prediction is class 1 when its logit is > 0 and class 0 otherwise (a logit of exactly 0
    predicts class 0). Per-example losses come from F.binary_cross_entropy_with_logits with
    reduction="none" (not torch.sigmoid followed by a log, which overflows).

    Returns:
        A dict of four Python floats:
        - "accuracy": the share of examples predicted correctly;
        - "loss": the mean binary cross entropy over all N examples;
        - "wrong_share": the wrong predictions' share of the summed loss (0.0 if none is wrong);
        - "mean_loss_wrong": the mean loss of the wrong predictions (nan if none is wrong).
    """
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits >= 0).to(targets.dtype) != targets
    wrong_total = losses[wrong].sum().item()
    return {
        "accuracy": 1.0 - wrong.float().mean().item(),
        "loss": losses.mean().item(),
        "wrong_share": wrong_total / losses.sum().item() if wrong.any() else 0.0,
        "mean_loss_wrong": losses[wrong].mean().item(),
    }
''',
        },
        {
            "bug": (
                "computes the losses as -log(sigmoid) by hand: a logit of -90 gives log(0) = -inf"
            ),
            "bug_class": "forbidden built-in / overflow (sigmoid then log)",
            "mistakes": ("forbidden",),
            "names": (
                "must not call",
                "torch.sigmoid",
                "binary_cross_entropy_with_logits",
                "inf",
                "overflow",
            ),
            "witness": (
                'differs("loss_by_correctness", torch.tensor([-90.0, 2.0]), torch.tensor([1.0, '
                "1.0]))"
            ),
            "source": '''\
def loss_by_correctness(logits, targets):
    """Accuracy and binary cross entropy of a classifier, and the wrong predictions' part of it.

    Args:
        logits: float tensor of shape (N,) or (N, 1), one logit per example, N >= 1.
        targets: float tensor of the same shape holding 0.0 or 1.0.

    A prediction is class 1 when its logit is > 0 and class 0 otherwise (a logit of exactly 0
    predicts class 0). Per-example losses come from F.binary_cross_entropy_with_logits with
    reduction="none" (not torch.sigmoid followed by a log, which overflows).

    Returns:
        A dict of four Python floats:
        - "accuracy": the share of examples predicted correctly;
        - "loss": the mean binary cross entropy over all N examples;
        - "wrong_share": the wrong predictions' share of the summed loss (0.0 if none is wrong);
        - "mean_loss_wrong": the mean loss of the wrong predictions (nan if none is wrong).
    """
    probabilities = torch.sigmoid(logits)
    losses = -(targets * torch.log(probabilities) + (1 - targets) * torch.log(1 - probabilities))
    wrong = (logits > 0).to(targets.dtype) != targets
    wrong_total = losses[wrong].sum().item()
    return {
        "accuracy": 1.0 - wrong.float().mean().item(),
        "loss": losses.mean().item(),
        "wrong_share": wrong_total / losses.sum().item() if wrong.any() else 0.0,
        "mean_loss_wrong": losses[wrong].mean().item(),
    }
''',
        },
        {
            "bug": (
                "wrong_share divides the wrong predictions' MEAN loss by the mean loss"
            ),
            "bug_class": "mean instead of sum",
            "mistakes": ("mean_sum", "factor"),
            "names": ("mean instead of sum", "summed loss", "share of the summed", "sum"),
            "witness": (
                'differs("loss_by_correctness", torch.tensor([-1.0, 2.0, 3.0]), '
                "torch.tensor([1.0, 1.0, 1.0]))"
            ),
            "source": '''\
def loss_by_correctness(logits, targets):
    """Accuracy and binary cross entropy of a classifier, and the wrong predictions' part of it.

    Args:
        logits: float tensor of shape (N,) or (N, 1), one logit per example, N >= 1.
        targets: float tensor of the same shape holding 0.0 or 1.0.

    A prediction is class 1 when its logit is > 0 and class 0 otherwise (a logit of exactly 0
    predicts class 0). Per-example losses come from F.binary_cross_entropy_with_logits with
    reduction="none" (not torch.sigmoid followed by a log, which overflows).

    Returns:
        A dict of four Python floats:
        - "accuracy": the share of examples predicted correctly;
        - "loss": the mean binary cross entropy over all N examples;
        - "wrong_share": the wrong predictions' share of the summed loss (0.0 if none is wrong);
        - "mean_loss_wrong": the mean loss of the wrong predictions (nan if none is wrong).
    """
    losses = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    wrong = (logits > 0).to(targets.dtype) != targets
    return {
        "accuracy": 1.0 - wrong.float().mean().item(),
        "loss": losses.mean().item(),
        "wrong_share": (losses[wrong].mean() / losses.mean()).item() if wrong.any() else 0.0,
        "mean_loss_wrong": losses[wrong].mean().item(),
    }
''',
        },
    ],
}
