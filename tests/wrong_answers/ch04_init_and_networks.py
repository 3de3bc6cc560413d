"""The most common wrong answer to every exercise of ch04_init_and_networks.

Each value is the full source a student might type into the solution cell; every test cell must
score 0 when all of them are submitted together.
"""

WRONG_ANSWERS: dict[str, str] = {
    # the weight used as if it were stored (in_features, out_features)
    "ex_linear_forward": '''\
def linear_forward(inputs, weight, bias):
    """Compute the output of a linear layer by hand."""
    return inputs @ weight + bias
''',
    # super().__init__() forgotten: the first layer assignment raises AttributeError
    "ex_two_layer_net": '''\
class TwoLayerNet(nn.Module):
    """Linear -> ReLU -> Linear."""

    def __init__(self, in_features, hidden_features, out_features):
        self.hidden = nn.Linear(in_features, hidden_features)
        self.output = nn.Linear(hidden_features, out_features)

    def forward(self, inputs):
        return self.output(torch.relu(self.hidden(inputs)))
''',
    # an activation after every Linear, the output layer included
    "ex_make_mlp": '''\
def make_mlp(layer_sizes, activation=nn.ReLU):
    """Build a multilayer perceptron as an nn.Sequential."""
    layers = []
    for index in range(len(layer_sizes) - 1):
        layers.append(nn.Linear(layer_sizes[index], layer_sizes[index + 1]))
        layers.append(activation())
    return nn.Sequential(*layers)
''',
    # the biases are not counted
    "ex_count_parameters": '''\
def count_mlp_parameters(layer_sizes):
    """Number of trainable parameters of the MLP with these layer sizes."""
    total = 0
    for index in range(len(layer_sizes) - 1):
        total += layer_sizes[index] * layer_sizes[index + 1]
    return total
''',
    # eye_ on the weights, but the biases keep their random default values
    "ex_identity_mlp": '''\
def make_identity_mlp(num_features, depth):
    """A deep ReLU network initialised so that it starts as relu(x)."""
    layers = []
    for _ in range(depth):
        linear = nn.Linear(num_features, num_features)
        nn.init.eye_(linear.weight)
        layers += [linear, nn.ReLU()]
    return nn.Sequential(*layers)
''',
    # the gain is ignored
    "ex_xavier_uniform_bound": '''\
def xavier_uniform_bound(weight_shape, gain=1.0):
    """Bound b such that nn.init.xavier_uniform_(w, gain) draws from U(-b, b)."""
    fan_out, fan_in = weight_shape
    return math.sqrt(6.0 / (fan_in + fan_out))
''',
    # fan_in read from shape[0], which is the fan-out of an (out, in) weight
    "ex_kaiming_normal_std": '''\
def kaiming_normal_std(weight_shape, nonlinearity="relu"):
    """Std of nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity=nonlinearity)."""
    fan_in = weight_shape[0]
    return nn.init.calculate_gain(nonlinearity) / math.sqrt(fan_in)
''',
    # the bound of U(-b, b) returned instead of its std b / sqrt(3)
    "ex_default_linear_std": '''\
def default_linear_weight_std(in_features):
    """Std of the weights of a freshly created nn.Linear(in_features, any_out_features)."""
    return 1.0 / math.sqrt(in_features)
''',
    # no isinstance check: apply also passes nn.ReLU and nn.Sequential, which have no weight
    "ex_init_for_relu": '''\
def init_for_relu(module):
    """Initialise one module in place; meant to be used as model.apply(init_for_relu)."""
    nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
    nn.init.zeros_(module.bias)
''',
    # the fan-in taken from shape[0] (the number of outputs)
    "ex_kaiming_from_scratch": '''\
def kaiming_normal_from_scratch_(weight, nonlinearity="relu", generator=None):
    """Fill weight in place like nn.init.kaiming_normal_."""
    std = nn.init.calculate_gain(nonlinearity) / math.sqrt(weight.shape[0])
    with torch.no_grad():
        weight.copy_(torch.randn(weight.shape, generator=generator) * std)
    return weight
''',
    # Xavier for the tanh layer without the tanh gain (xavier_normal_'s default gain is 1)
    "ex_tanh_relu_net": '''\
class TanhReluNet(nn.Module):
    """Linear -> tanh -> Linear -> ReLU -> Linear."""

    def __init__(self, in_features, hidden1_features, hidden2_features, out_features):
        super().__init__()
        self.hidden1 = nn.Linear(in_features, hidden1_features)
        nn.init.xavier_normal_(self.hidden1.weight)
        nn.init.zeros_(self.hidden1.bias)
        self.hidden2 = nn.Linear(hidden1_features, hidden2_features)
        nn.init.kaiming_normal_(self.hidden2.weight, nonlinearity="relu")
        nn.init.zeros_(self.hidden2.bias)
        self.output = nn.Linear(hidden2_features, out_features)

    def forward(self, inputs):
        return self.output(torch.relu(self.hidden2(torch.tanh(self.hidden1(inputs)))))
''',
    # columns (inputs) compared instead of rows (units)
    "ex_count_distinct_units": '''\
def count_distinct_units(layer, atol=1e-6):
    """Number of distinct units of a linear layer."""
    with torch.no_grad():
        columns = layer.weight.T
    distinct = []
    for column in columns:
        if all((column - seen).abs().max() > atol for seen in distinct):
            distinct.append(column)
    return len(distinct)
''',
    # the hook records the module's input instead of its output
    "ex_activation_stds": '''\
def activation_stds(model, inputs, layer_type=nn.Tanh):
    """Std of the output of each layer_type module of model, collected with forward hooks."""
    stds = []

    def record(module, module_inputs, output):
        stds.append(module_inputs[0].detach().std())

    handles = [module.register_forward_hook(record)
               for module in model.modules() if isinstance(module, layer_type)]
    with torch.no_grad():
        model(inputs)
    for handle in handles:
        handle.remove()
    return torch.stack(stds)
''',
}
