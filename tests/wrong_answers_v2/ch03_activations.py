"""Wrong answers to every exercise of ch03_activations, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_collapse_linear": [
        {
            "bug": (
                "multiplies the transposed weights in the x @ W.T order: the result is the "
                "(inputs, outputs) transpose of the folded weight"
            ),
            "bug_class": "transpose",
            "mistakes": ("transpose", "shape"),
            "names": ("transpose",),
            "witness": (
                'differs("collapse_linear", torch.randn(3, 2), torch.randn(3), torch.randn(4, '
                "3), torch.randn(4))"
            ),
            "source": '''\
def collapse_linear(weight1, bias1, weight2, bias2):
    """Fold two stacked linear layers into one.

    The stack computes ``(x @ weight1.T + bias1) @ weight2.T + bias2`` (nn.Linear's layout:
    a weight has shape (out_features, in_features)).

    Args:
        weight1: float tensor of shape (hidden, inputs), the first layer's weight.
        bias1: float tensor of shape (hidden,).
        weight2: float tensor of shape (outputs, hidden), the second layer's weight.
        bias2: float tensor of shape (outputs,).

    Returns:
        ``(weight, bias)`` with shapes (outputs, inputs) and (outputs,), same dtype as the
        inputs, such that ``x @ weight.T + bias`` equals the two-layer output for every x.
    """
    weight = weight1.T @ weight2.T
    bias = weight2 @ bias1 + bias2
    return weight, bias
''',
        },
        {
            "bug": "forgets the second layer's own bias",
            "bug_class": "missing term",
            "mistakes": (),
            "names": ("bias2", "second bias", "second layer's bias"),
            "witness": (
                'differs("collapse_linear", torch.randn(3, 2), torch.randn(3), torch.randn(4, '
                "3), torch.randn(4))"
            ),
            "source": '''\
def collapse_linear(weight1, bias1, weight2, bias2):
    """Fold two stacked linear layers into one.

    The stack computes ``(x @ weight1.T + bias1) @ weight2.T + bias2`` (nn.Linear's layout:
    a weight has shape (out_features, in_features)).

    Args:
        weight1: float tensor of shape (hidden, inputs), the first layer's weight.
        bias1: float tensor of shape (hidden,).
        weight2: float tensor of shape (outputs, hidden), the second layer's weight.
        bias2: float tensor of shape (outputs,).

    Returns:
        ``(weight, bias)`` with shapes (outputs, inputs) and (outputs,), same dtype as the
        inputs, such that ``x @ weight.T + bias`` equals the two-layer output for every x.
    """
    weight = weight2 @ weight1
    bias = weight2 @ bias1
    return weight, bias
''',
        },
        {
            "bug": (
                "pushes bias1 through weight2 as a column vector: (outputs, 1) + (outputs,) "
                "broadcasts to (outputs, outputs)"
            ),
            "bug_class": "extra size-1 dimension",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dimension", "shape"),
            "witness": (
                'differs("collapse_linear", torch.randn(3, 2), torch.randn(3), torch.randn(4, '
                "3), torch.randn(4))"
            ),
            "source": '''\
def collapse_linear(weight1, bias1, weight2, bias2):
    """Fold two stacked linear layers into one.

    The stack computes ``(x @ weight1.T + bias1) @ weight2.T + bias2`` (nn.Linear's layout:
    a weight has shape (out_features, in_features)).

    Args:
        weight1: float tensor of shape (hidden, inputs), the first layer's weight.
        bias1: float tensor of shape (hidden,).
        weight2: float tensor of shape (outputs, hidden), the second layer's weight.
        bias2: float tensor of shape (outputs,).

    Returns:
        ``(weight, bias)`` with shapes (outputs, inputs) and (outputs,), same dtype as the
        inputs, such that ``x @ weight.T + bias`` equals the two-layer output for every x.
    """
    weight = weight2 @ weight1
    bias = weight2 @ bias1.unsqueeze(1) + bias2
    return weight, bias
''',
        },
    ],
    "ex_sigmoid": [
        {
            "bug": "calls torch.sigmoid, which the exercise re-implements",
            "bug_class": "forbidden built-in",
            "mistakes": ("forbidden",),
            "names": ("must not call", "torch.sigmoid"),
            "witness": (
                'differs_call(lambda ns: forbidden(torch, "sigmoid", lambda: '
                "ns.sigmoid(torch.tensor([0.0, 1.0]))))"
            ),
            "source": '''\
def sigmoid(x):
    """Logistic sigmoid, elementwise, without calling torch.sigmoid.

    Args:
        x: float tensor of any shape (float32 or float64).

    Returns:
        Tensor of the same shape and dtype with values in [0, 1]; finite for every finite
        input, including +-1000.
    """
    return torch.sigmoid(x)
''',
        },
        {
            "bug": "e^x / (1 + e^x): inf / inf = nan for large inputs",
            "bug_class": "overflow (not finite for large inputs)",
            "mistakes": (),
            "names": ("overflow", "finite", "inf / inf", "nan at", "returned nan", "gives nan"),
            "witness": 'differs("sigmoid", torch.tensor([1000.0, -1000.0, 0.5]))',
            "source": '''\
def sigmoid(x):
    """Logistic sigmoid, elementwise, without calling torch.sigmoid.

    Args:
        x: float tensor of any shape (float32 or float64).

    Returns:
        Tensor of the same shape and dtype with values in [0, 1]; finite for every finite
        input, including +-1000.
    """
    return torch.exp(x) / (1 + torch.exp(x))
''',
        },
        {
            "bug": "chains in-place operations to save memory: the caller's x is overwritten",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": 'differs("sigmoid", torch.tensor([0.0, 1.0, -2.0]))',
            "source": '''\
def sigmoid(x):
    """Logistic sigmoid, elementwise, without calling torch.sigmoid.

    Args:
        x: float tensor of any shape (float32 or float64).

    Returns:
        Tensor of the same shape and dtype with values in [0, 1]; finite for every finite
        input, including +-1000.
    """
    return x.neg_().exp_().add_(1).reciprocal_()
''',
        },
    ],
    "ex_tanh": [
        {
            "bug": "2 * sigmoid(2x) - 1: calls torch.sigmoid, which the exercise rules out",
            "bug_class": "forbidden built-in",
            "mistakes": ("forbidden",),
            "names": ("must not call", "sigmoid"),
            "witness": (
                'differs_call(lambda ns: forbidden(torch, "sigmoid", lambda: '
                "ns.tanh(torch.tensor([-1.0, 0.5]))))"
            ),
            "source": '''\
def tanh(x):
    """Hyperbolic tangent, elementwise, numerically stable, without torch.tanh/torch.sigmoid.

    Args:
        x: float tensor of any shape (float32 or float64).

    Returns:
        Tensor of the same shape and dtype with values in [-1, 1]; finite for every finite
        input (tanh(1000) = 1, tanh(-1000) = -1).
    """
    return 2 * torch.sigmoid(2 * x) - 1
''',
        },
        {
            "bug": "the stable formula in |x| without putting the sign back: tanh(-x) = tanh(x)",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign",),
            "witness": 'differs("tanh", torch.tensor([-1.0, 0.5]))',
            "source": '''\
def tanh(x):
    """Hyperbolic tangent, elementwise, numerically stable, without torch.tanh/torch.sigmoid.

    Args:
        x: float tensor of any shape (float32 or float64).

    Returns:
        Tensor of the same shape and dtype with values in [-1, 1]; finite for every finite
        input (tanh(1000) = 1, tanh(-1000) = -1).
    """
    decay = torch.exp(-2 * x.abs())
    return (1 - decay) / (1 + decay)
''',
        },
        {
            "bug": "exp(-|x|) instead of exp(-2|x|): this is tanh(x / 2)",
            "bug_class": "constant factor (inside)",
            "mistakes": ("factor",),
            "names": ("factor", "exp(-2"),
            "witness": 'differs("tanh", torch.tensor([-1.0, 0.5]))',
            "source": '''\
def tanh(x):
    """Hyperbolic tangent, elementwise, numerically stable, without torch.tanh/torch.sigmoid.

    Args:
        x: float tensor of any shape (float32 or float64).

    Returns:
        Tensor of the same shape and dtype with values in [-1, 1]; finite for every finite
        input (tanh(1000) = 1, tanh(-1000) = -1).
    """
    decay = torch.exp(-x.abs())
    return torch.sign(x) * (1 - decay) / (1 + decay)
''',
        },
    ],
    "ex_leaky_relu": [
        {
            "bug": "scales the negative entries of x in place and returns x",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": 'differs("leaky_relu", torch.tensor([-2.0, 3.0]), 0.1)',
            "source": '''\
def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU, elementwise: x where x > 0, negative_slope * x elsewhere.

    Args:
        x: float tensor of any shape (float32 or float64). Not modified.
        negative_slope: a float >= 0, the slope for negative inputs (0 gives plain ReLU).

    Returns:
        A new tensor with the same shape and dtype as ``x``.
    """
    x[x < 0] *= negative_slope
    return x
''',
        },
        {
            "bug": "hard-codes the default slope 0.01 and ignores negative_slope",
            "bug_class": "ignores a hyper-parameter",
            "mistakes": (),
            "names": (
                "ignores negative_slope",
                "ignored negative_slope",
                "hard-coded",
                "hard-codes",
            ),
            "witness": 'differs("leaky_relu", torch.tensor([-2.0, 3.0]), 0.2)',
            "source": '''\
def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU, elementwise: x where x > 0, negative_slope * x elsewhere.

    Args:
        x: float tensor of any shape (float32 or float64). Not modified.
        negative_slope: a float >= 0, the slope for negative inputs (0 gives plain ReLU).

    Returns:
        A new tensor with the same shape and dtype as ``x``.
    """
    return torch.where(x > 0, x, 0.01 * x)
''',
        },
        {
            "bug": "max(x, slope * x): only right for slopes up to 1",
            "bug_class": "only right on part of the parameter range",
            "mistakes": (),
            "names": ("slope > 1", "slopes above 1", "greater than 1"),
            "witness": 'differs("leaky_relu", torch.tensor([-2.0, 3.0]), 2.0)',
            "source": '''\
def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU, elementwise: x where x > 0, negative_slope * x elsewhere.

    Args:
        x: float tensor of any shape (float32 or float64). Not modified.
        negative_slope: a float >= 0, the slope for negative inputs (0 gives plain ReLU).

    Returns:
        A new tensor with the same shape and dtype as ``x``.
    """
    return torch.maximum(x, negative_slope * x)
''',
        },
    ],
    "ex_softmax": [
        {
            "bug": "always normalises the last dimension and ignores dim",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "dim=0", "dim argument", "along dim"),
            "witness": 'differs("softmax", torch.tensor([[1.0, 2.0], [3.0, 5.0]]), dim=0)',
            "source": '''\
def softmax(logits, dim=-1):
    """Numerically stable softmax along ``dim``, without torch.softmax / F.softmax.

    Args:
        logits: float tensor of any shape, e.g. (batch, classes). Not modified.
        dim: the dimension whose entries form one probability distribution.

    Returns:
        Tensor of the same shape and dtype; entries in [0, 1] that sum to 1 along ``dim``.
        Finite even for logits of +-1000.
    """
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    exponentials = torch.exp(shifted)
    return exponentials / exponentials.sum(dim=-1, keepdim=True)
''',
        },
        {
            "bug": (
                "no keepdim: the (batch,) max and sum broadcast along the wrong axis (right "
                "only for one row, wrong or raising otherwise)"
            ),
            "bug_class": "missing size-1 dimension",
            "mistakes": ("size1", "raised"),
            "names": ("size-1 dimension", "keepdim"),
            "witness": 'differs("softmax", torch.tensor([[1.0, 2.0], [3.0, 5.0]]))',
            "source": '''\
def softmax(logits, dim=-1):
    """Numerically stable softmax along ``dim``, without torch.softmax / F.softmax.

    Args:
        logits: float tensor of any shape, e.g. (batch, classes). Not modified.
        dim: the dimension whose entries form one probability distribution.

    Returns:
        Tensor of the same shape and dtype; entries in [0, 1] that sum to 1 along ``dim``.
        Finite even for logits of +-1000.
    """
    shifted = logits - logits.max(dim=dim).values
    exponentials = torch.exp(shifted)
    return exponentials / exponentials.sum(dim=dim)
''',
        },
        {
            "bug": "subtracts the max in place: the caller's logits change",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified its input", "in place"),
            "witness": 'differs("softmax", torch.tensor([[1.0, 2.0], [3.0, 5.0]]))',
            "source": '''\
def softmax(logits, dim=-1):
    """Numerically stable softmax along ``dim``, without torch.softmax / F.softmax.

    Args:
        logits: float tensor of any shape, e.g. (batch, classes). Not modified.
        dim: the dimension whose entries form one probability distribution.

    Returns:
        Tensor of the same shape and dtype; entries in [0, 1] that sum to 1 along ``dim``.
        Finite even for logits of +-1000.
    """
    logits -= logits.max(dim=dim, keepdim=True).values
    exponentials = torch.exp(logits)
    return exponentials / exponentials.sum(dim=dim, keepdim=True)
''',
        },
    ],
    "ex_sigmoid_derivative": [
        {
            "bug": "e^-x / (1 + e^-x)^2: inf / inf = nan for large negative inputs",
            "bug_class": "overflow (not finite for large inputs)",
            "mistakes": (),
            "names": ("overflow", "finite", "inf / inf", "nan at", "returned nan", "gives nan"),
            "witness": 'differs("sigmoid_derivative", torch.tensor([-1000.0, 0.0]))',
            "source": '''\
def sigmoid_derivative(x):
    """Derivative of the logistic sigmoid, elementwise, from its closed form.

    Args:
        x: float tensor of any shape (float32 or float64); it does not require grad.

    Returns:
        Tensor of the same shape and dtype holding sigmoid'(x), finite for every finite input
        (x = +-1000 included). You may use torch.sigmoid.
    """
    return torch.exp(-x) / (1 + torch.exp(-x)) ** 2
''',
        },
        {
            "bug": "uses autograd on x itself: the caller's x now requires grad and holds a .grad",
            "bug_class": "gradient left on the caller's tensor",
            "mistakes": ("gradient", "modified_input"),
            "names": ("requires_grad", "gradient", "modified its input"),
            "witness": 'differs("sigmoid_derivative", torch.tensor([0.0, 1.0]))',
            "source": '''\
def sigmoid_derivative(x):
    """Derivative of the logistic sigmoid, elementwise, from its closed form.

    Args:
        x: float tensor of any shape (float32 or float64); it does not require grad.

    Returns:
        Tensor of the same shape and dtype holding sigmoid'(x), finite for every finite input
        (x = +-1000 included). You may use torch.sigmoid.
    """
    x.requires_grad_(True)
    torch.sigmoid(x).sum().backward()
    return x.grad
''',
        },
        {
            "bug": "s * (s - 1): the derivative comes out negative",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign",),
            "witness": 'differs("sigmoid_derivative", torch.tensor([0.0, 1.0]))',
            "source": '''\
def sigmoid_derivative(x):
    """Derivative of the logistic sigmoid, elementwise, from its closed form.

    Args:
        x: float tensor of any shape (float32 or float64); it does not require grad.

    Returns:
        Tensor of the same shape and dtype holding sigmoid'(x), finite for every finite input
        (x = +-1000 included). You may use torch.sigmoid.
    """
    s = torch.sigmoid(x)
    return s * (s - 1)
''',
        },
    ],
    "ex_saturated_share": [
        {
            "bug": "returns the 0-dim tensor from .mean() instead of a Python float",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type",),
            "names": ("Python float", "item()"),
            "witness": 'differs("saturated_share", torch.tensor([-10.0, 0.0, 1.0, 8.0]), "tanh")',
            "source": '''\
def saturated_share(pre_activations, activation, threshold=0.01):
    """Fraction of inputs where the activation's slope is below threshold * (its max slope).

    Args:
        pre_activations: float tensor of any shape, the inputs of the activation.
        activation: "sigmoid" (max slope 0.25) or "tanh" (max slope 1).
        threshold: relative slope below which an input counts as saturated (default 1 %).

    Returns:
        A Python float in [0, 1].
    """
    if activation == "sigmoid":
        s = torch.sigmoid(pre_activations)
        slope, peak = s * (1 - s), 0.25
    elif activation == "tanh":
        slope, peak = 1 - torch.tanh(pre_activations) ** 2, 1.0
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return (slope < threshold * peak).float().mean()
''',
        },
        {
            "bug": "tanh's slope written as 1 - tanh(x), without the square",
            "bug_class": "wrong formula (one branch)",
            "mistakes": (),
            "names": ("square", "** 2", "tanh(x)²"),
            "witness": 'differs("saturated_share", torch.tensor([-10.0, 0.0, 1.0, 8.0]), "tanh")',
            "source": '''\
def saturated_share(pre_activations, activation, threshold=0.01):
    """Fraction of inputs where the activation's slope is below threshold * (its max slope).

    Args:
        pre_activations: float tensor of any shape, the inputs of the activation.
        activation: "sigmoid" (max slope 0.25) or "tanh" (max slope 1).
        threshold: relative slope below which an input counts as saturated (default 1 %).

    Returns:
        A Python float in [0, 1].
    """
    if activation == "sigmoid":
        s = torch.sigmoid(pre_activations)
        slope, peak = s * (1 - s), 0.25
    elif activation == "tanh":
        slope, peak = 1 - torch.tanh(pre_activations), 1.0
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return (slope < threshold * peak).float().mean().item()
''',
        },
        {
            "bug": "returns a percentage (0 to 100) instead of a fraction",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor", "100", "percent"),
            "witness": 'differs("saturated_share", torch.tensor([-10.0, 0.0, 1.0, 8.0]), "tanh")',
            "source": '''\
def saturated_share(pre_activations, activation, threshold=0.01):
    """Fraction of inputs where the activation's slope is below threshold * (its max slope).

    Args:
        pre_activations: float tensor of any shape, the inputs of the activation.
        activation: "sigmoid" (max slope 0.25) or "tanh" (max slope 1).
        threshold: relative slope below which an input counts as saturated (default 1 %).

    Returns:
        A Python float in [0, 1].
    """
    if activation == "sigmoid":
        s = torch.sigmoid(pre_activations)
        slope, peak = s * (1 - s), 0.25
    elif activation == "tanh":
        slope, peak = 1 - torch.tanh(pre_activations) ** 2, 1.0
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return 100 * (slope < threshold * peak).float().mean().item()
''',
        },
    ],
    "ex_gradient_through_stack": [
        {
            "bug": "range(1, depth): the activation is applied one time too few",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "depth"),
            "witness": (
                'differs("gradient_through_stack", torch.tensor([0.5, -1.0]), 3, torch.sigmoid)'
            ),
            "source": '''\
def gradient_through_stack(x, depth, activation):
    """d f(f(...f(x)...)) / dx elementwise, with f applied ``depth`` times, via autograd.

    Args:
        x: float tensor of any shape; it does not require grad and must not be modified.
        depth: number of times to apply ``activation`` (0 means the identity).
        activation: an elementwise function such as torch.sigmoid or torch.tanh.

    Returns:
        Tensor of the same shape and dtype as ``x`` holding the derivative at every entry
        (a plain tensor, not part of any autograd graph).
    """
    leaf = x.detach().clone().requires_grad_(True)
    output = leaf
    for _ in range(1, depth):
        output = activation(output)
    output.sum().backward()
    return leaf.grad
''',
        },
        {
            "bug": "sets requires_grad on the caller's x and returns x.grad",
            "bug_class": "gradient left on the caller's tensor",
            "mistakes": ("gradient", "modified_input"),
            "names": ("requires_grad", "gradient", "modified its input"),
            "witness": (
                'differs("gradient_through_stack", torch.tensor([0.5, -1.0]), 3, torch.sigmoid)'
            ),
            "source": '''\
def gradient_through_stack(x, depth, activation):
    """d f(f(...f(x)...)) / dx elementwise, with f applied ``depth`` times, via autograd.

    Args:
        x: float tensor of any shape; it does not require grad and must not be modified.
        depth: number of times to apply ``activation`` (0 means the identity).
        activation: an elementwise function such as torch.sigmoid or torch.tanh.

    Returns:
        Tensor of the same shape and dtype as ``x`` holding the derivative at every entry
        (a plain tensor, not part of any autograd graph).
    """
    x.requires_grad_(True)
    output = x
    for _ in range(depth):
        output = activation(output)
    output.sum().backward()
    return x.grad
''',
        },
        {
            "bug": "torch.autograd.grad with create_graph=True: the result stays in a graph",
            "bug_class": "result still in a graph",
            "mistakes": ("graph", "gradient"),
            "names": ("graph", "requires_grad", "require grad", "detach"),
            "witness": (
                'differs("gradient_through_stack", torch.tensor([0.5, -1.0]), 3, torch.sigmoid)'
            ),
            "source": '''\
def gradient_through_stack(x, depth, activation):
    """d f(f(...f(x)...)) / dx elementwise, with f applied ``depth`` times, via autograd.

    Args:
        x: float tensor of any shape; it does not require grad and must not be modified.
        depth: number of times to apply ``activation`` (0 means the identity).
        activation: an elementwise function such as torch.sigmoid or torch.tanh.

    Returns:
        Tensor of the same shape and dtype as ``x`` holding the derivative at every entry
        (a plain tensor, not part of any autograd graph).
    """
    leaf = x.detach().clone().requires_grad_(True)
    output = leaf
    for _ in range(depth):
        output = activation(output)
    (derivative,) = torch.autograd.grad(output.sum(), leaf, create_graph=True)
    return derivative
''',
        },
    ],
    "ex_dead_unit_share": [
        {
            "bug": "counts a unit as dead when it is 0 for ANY input instead of for every input",
            "bug_class": "any instead of all",
            "mistakes": (),
            "names": ("every input", "all inputs", "some input", "any input"),
            "witness": (
                'differs("dead_unit_share", linear([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]], '
                "[0.0, 0.0, -1.0]), torch.tensor([[1.0, 0.0], [-1.0, 0.0], [2.0, 1.0]]))"
            ),
            "source": '''\
def dead_unit_share(layer, inputs):
    """Share of the layer's output units whose ReLU is 0 for EVERY input in the batch.

    Args:
        layer: an nn.Linear with ``out_features`` units.
        inputs: float tensor of shape (batch, in_features).

    Returns:
        A Python float in [0, 1]: (number of never-active units) / out_features.
    """
    with torch.no_grad():
        activations = torch.relu(layer(inputs))
    dead = (activations == 0).any(dim=0)
    return dead.float().mean().item()
''',
        },
        {
            "bug": "looks for activity along dim=1 (per example) instead of dim=0 (per unit)",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "dim=0"),
            "witness": (
                'differs("dead_unit_share", linear([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]], '
                "[0.0, 0.0, -1.0]), torch.tensor([[1.0, 0.0], [-1.0, 0.0], [2.0, 1.0]]))"
            ),
            "source": '''\
def dead_unit_share(layer, inputs):
    """Share of the layer's output units whose ReLU is 0 for EVERY input in the batch.

    Args:
        layer: an nn.Linear with ``out_features`` units.
        inputs: float tensor of shape (batch, in_features).

    Returns:
        A Python float in [0, 1]: (number of never-active units) / out_features.
    """
    with torch.no_grad():
        activations = torch.relu(layer(inputs))
    ever_active = (activations > 0).any(dim=1)
    return (~ever_active).float().mean().item()
''',
        },
        {
            "bug": "returns the number of dead units instead of their share",
            "bug_class": "count instead of share (int instead of float)",
            "mistakes": ("number_type", "factor"),
            "names": ("Python float", "count", "a fraction", "factor"),
            "witness": (
                'differs("dead_unit_share", linear([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]], '
                "[0.0, 0.0, -1.0]), torch.tensor([[1.0, 0.0], [-1.0, 0.0], [2.0, 1.0]]))"
            ),
            "source": '''\
def dead_unit_share(layer, inputs):
    """Share of the layer's output units whose ReLU is 0 for EVERY input in the batch.

    Args:
        layer: an nn.Linear with ``out_features`` units.
        inputs: float tensor of shape (batch, in_features).

    Returns:
        A Python float in [0, 1]: (number of never-active units) / out_features.
    """
    with torch.no_grad():
        activations = torch.relu(layer(inputs))
    ever_active = (activations > 0).any(dim=0)
    return int((~ever_active).sum())
''',
        },
    ],
    "ex_build_mlp": [
        {
            "bug": "nn.Softmax(dim=0): each class is normalised over the batch",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim",),
            "names": ("wrong dim", "dim=1", "dim=0"),
            "witness": 'differs("build_mlp", "multiclass", 3, 4, 2)',
            "source": '''\
def build_mlp(task, in_features, hidden_features, num_outputs):
    """A small MLP whose outputs are the predictions for ``task``.

    Layout: ``nn.Sequential(nn.Linear(in_features, hidden_features), <hidden activation>,
    nn.Linear(hidden_features, num_outputs), <output activation>)`` with ReLU as the hidden
    activation and the output activation chosen for the task:
    "binary" -> probabilities in (0, 1); "multiclass" -> one probability distribution per example
    over the ``num_outputs`` classes (inputs are (batch, in_features)); "regression" -> any real
    number (nn.Identity()).

    Args:
        task: "binary", "multiclass" or "regression"; anything else raises ValueError.
        in_features, hidden_features, num_outputs: layer sizes (ints).

    Returns:
        An nn.Sequential of exactly 4 modules.
    """
    if task == "binary":
        output = nn.Sigmoid()
    elif task == "multiclass":
        output = nn.Softmax(dim=0)
    elif task == "regression":
        output = nn.Identity()
    else:
        raise ValueError(f"unknown task {task!r}")
    return nn.Sequential(nn.Linear(in_features, hidden_features), nn.ReLU(),
                         nn.Linear(hidden_features, num_outputs), output)
''',
        },
        {
            "bug": "an unknown task silently becomes regression instead of raising ValueError",
            "bug_class": "no error for invalid input",
            "mistakes": (),
            "names": ("ValueError",),
            "witness": 'differs("build_mlp", "ranking", 3, 4, 2)',
            "source": '''\
def build_mlp(task, in_features, hidden_features, num_outputs):
    """A small MLP whose outputs are the predictions for ``task``.

    Layout: ``nn.Sequential(nn.Linear(in_features, hidden_features), <hidden activation>,
    nn.Linear(hidden_features, num_outputs), <output activation>)`` with ReLU as the hidden
    activation and the output activation chosen for the task:
    "binary" -> probabilities in (0, 1); "multiclass" -> one probability distribution per example
    over the ``num_outputs`` classes (inputs are (batch, in_features)); "regression" -> any real
    number (nn.Identity()).

    Args:
        task: "binary", "multiclass" or "regression"; anything else raises ValueError.
        in_features, hidden_features, num_outputs: layer sizes (ints).

    Returns:
        An nn.Sequential of exactly 4 modules.
    """
    if task == "binary":
        output = nn.Sigmoid()
    elif task == "multiclass":
        output = nn.Softmax(dim=1)
    else:
        output = nn.Identity()
    return nn.Sequential(nn.Linear(in_features, hidden_features), nn.ReLU(),
                         nn.Linear(hidden_features, num_outputs), output)
''',
        },
        {
            "bug": "softmax for the binary task too: with one output it always gives 1",
            "bug_class": "wrong output activation",
            "mistakes": (),
            "names": ("nn.Sigmoid", "sigmoid output"),
            "witness": 'differs("build_mlp", "binary", 3, 4, 1)',
            "source": '''\
def build_mlp(task, in_features, hidden_features, num_outputs):
    """A small MLP whose outputs are the predictions for ``task``.

    Layout: ``nn.Sequential(nn.Linear(in_features, hidden_features), <hidden activation>,
    nn.Linear(hidden_features, num_outputs), <output activation>)`` with ReLU as the hidden
    activation and the output activation chosen for the task:
    "binary" -> probabilities in (0, 1); "multiclass" -> one probability distribution per example
    over the ``num_outputs`` classes (inputs are (batch, in_features)); "regression" -> any real
    number (nn.Identity()).

    Args:
        task: "binary", "multiclass" or "regression"; anything else raises ValueError.
        in_features, hidden_features, num_outputs: layer sizes (ints).

    Returns:
        An nn.Sequential of exactly 4 modules.
    """
    if task in ("binary", "multiclass"):
        output = nn.Softmax(dim=1)
    elif task == "regression":
        output = nn.Identity()
    else:
        raise ValueError(f"unknown task {task!r}")
    return nn.Sequential(nn.Linear(in_features, hidden_features), nn.ReLU(),
                         nn.Linear(hidden_features, num_outputs), output)
''',
        },
    ],
    "ex_two_class_probability": [
        {
            "bug": "sigmoid of logit 0 minus logit 1: the probability of class 0",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign", "class 0", "logits[:, 1] - logits[:, 0]"),
            "witness": (
                'differs("two_class_probability", torch.tensor([[0.0, 2.0], [1.0, -1.0]]))'
            ),
            "source": '''\
def two_class_probability(logits):
    """Probability of class 1 under a two-class softmax, computed with torch.sigmoid.

    Args:
        logits: float tensor of shape (batch, 2), float32 or float64: column 0 holds the logit
            of class 0, column 1 that of class 1. batch may be 1 or 0. Not modified.

    Returns:
        Tensor of shape (batch,) and the dtype of ``logits``, equal to
        ``torch.softmax(logits, dim=1)[:, 1]`` and finite for every finite input (logits of
        +-1000 included). Do not call torch.softmax, F.softmax or torch.exp: use torch.sigmoid.
    """
    return torch.sigmoid(logits[:, 0] - logits[:, 1])
''',
        },
        {
            "bug": (
                "slices with 1: and :1, which keeps the class dimension: shape (batch, 1)"
            ),
            "bug_class": "extra size-1 dimension",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dim", "(batch, 1)", "(batch,)"),
            "witness": (
                'differs("two_class_probability", torch.tensor([[0.0, 2.0], [1.0, -1.0]]))'
            ),
            "source": '''\
def two_class_probability(logits):
    """Probability of class 1 under a two-class softmax, computed with torch.sigmoid.

    Args:
        logits: float tensor of shape (batch, 2), float32 or float64: column 0 holds the logit
            of class 0, column 1 that of class 1. batch may be 1 or 0. Not modified.

    Returns:
        Tensor of shape (batch,) and the dtype of ``logits``, equal to
        ``torch.softmax(logits, dim=1)[:, 1]`` and finite for every finite input (logits of
        +-1000 included). Do not call torch.softmax, F.softmax or torch.exp: use torch.sigmoid.
    """
    return torch.sigmoid(logits[:, 1:] - logits[:, :1])
''',
        },
        {
            "bug": (
                "writes the softmax out with torch.exp: exp(1000) overflows and the result is nan"
            ),
            "bug_class": "forbidden built-in / overflow",
            "mistakes": ("forbidden",),
            "names": ("must not call", "torch.exp", "overflow", "nan", "finite"),
            "witness": (
                'differs("two_class_probability", torch.tensor([[-1000.0, 1000.0], [0.0, 1.0]]))'
            ),
            "source": '''\
def two_class_probability(logits):
    """Probability of class 1 under a two-class softmax, computed with torch.sigmoid.

    Args:
        logits: float tensor of shape (batch, 2), float32 or float64: column 0 holds the logit
            of class 0, column 1 that of class 1. batch may be 1 or 0. Not modified.

    Returns:
        Tensor of shape (batch,) and the dtype of ``logits``, equal to
        ``torch.softmax(logits, dim=1)[:, 1]`` and finite for every finite input (logits of
        +-1000 included). Do not call torch.softmax, F.softmax or torch.exp: use torch.sigmoid.
    """
    exps = torch.exp(logits)  # (batch, 2)
    return exps[:, 1] / (exps[:, 0] + exps[:, 1])
''',
        },
    ],
}
