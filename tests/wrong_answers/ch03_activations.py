"""Realistic wrong answers for chapter 3: each one must score 0 on its test cell."""

WRONG_ANSWERS: dict[str, str] = {
    # The bias of the first layer is added without passing through the second layer.
    "ex_collapse_linear": '''\
def collapse_linear(weight1, bias1, weight2, bias2):
    """Fold two stacked linear layers into one."""
    weight = weight2 @ weight1
    bias = bias1 + bias2
    return weight, bias
''',
    # Sign error: this is sigmoid(-x).
    "ex_sigmoid": '''\
def sigmoid(x):
    """Logistic sigmoid."""
    return 1 / (1 + torch.exp(x))
''',
    # The textbook formula: inf / inf = nan once |x| passes about 89.
    "ex_tanh": '''\
def tanh(x):
    """Hyperbolic tangent."""
    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))
''',
    # The slope is applied to the positive side instead of the negative one.
    "ex_leaky_relu": '''\
def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU."""
    return torch.where(x > 0, negative_slope * x, x)
''',
    # No max subtraction: exp(1000) overflows to inf and the result is nan.
    "ex_softmax": '''\
def softmax(logits, dim=-1):
    """Softmax along dim."""
    exponentials = torch.exp(logits)
    return exponentials / exponentials.sum(dim=dim, keepdim=True)
''',
    # sigmoid of class 1's logit alone: the probability depends on the difference z1 - z0.
    "ex_two_class_probability": '''\
def two_class_probability(logits):
    """Probability of class 1 under a two-class softmax."""
    return torch.sigmoid(logits[:, 1])
''',
    # The derivative written as the function itself.
    "ex_sigmoid_derivative": '''\
def sigmoid_derivative(x):
    """Derivative of the sigmoid."""
    return torch.sigmoid(x)
''',
    # The slope is compared with 0.01 itself, not 1 % of the sigmoid's peak slope 0.25.
    "ex_saturated_share": '''\
def saturated_share(pre_activations, activation, threshold=0.01):
    """Share of saturated inputs."""
    if activation == "sigmoid":
        s = torch.sigmoid(pre_activations)
        slope = s * (1 - s)
    else:
        slope = 1 - torch.tanh(pre_activations) ** 2
    return (slope < threshold).float().mean().item()
''',
    # .mean() before backward divides every gradient entry by the number of elements.
    "ex_gradient_through_stack": '''\
def gradient_through_stack(x, depth, activation):
    """Gradient through a stack of activations."""
    leaf = x.detach().clone().requires_grad_(True)
    output = leaf
    for _ in range(depth):
        output = activation(output)
    output.mean().backward()
    return leaf.grad
''',
    # Counts zero entries instead of units that are zero for every input.
    "ex_dead_unit_share": '''\
def dead_unit_share(layer, inputs):
    """Share of dead ReLU units."""
    with torch.no_grad():
        activations = torch.relu(layer(inputs))
    return (activations == 0).float().mean().item()
''',
    # The seed's advice: tanh as a binary output, ReLU as a regression output.
    "ex_build_mlp": '''\
def build_mlp(task, in_features, hidden_features, num_outputs):
    """A small MLP for the task."""
    outputs = {"binary": nn.Tanh(), "multiclass": nn.Softmax(dim=1), "regression": nn.ReLU()}
    return nn.Sequential(nn.Linear(in_features, hidden_features), nn.ReLU(),
                         nn.Linear(hidden_features, num_outputs), outputs[task])
''',
}
