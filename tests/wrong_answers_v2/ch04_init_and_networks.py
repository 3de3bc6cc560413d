"""Wrong answers to every exercise of ch04_init_and_networks, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_linear_forward": [
        {
            "bug": "calls F.linear, the built-in the exercise asks to write by hand",
            "bug_class": "forbidden built-in",
            "mistakes": ("forbidden",),
            "names": ("must not call", "linear"),
            "witness": (
                'differs_call(lambda ns: forbidden(torch.nn.functional, "linear", lambda: '
                "ns.linear_forward(torch.ones(2, 3), torch.ones(4, 3), torch.ones(4))))"
            ),
            "source": '''\
def linear_forward(inputs, weight, bias):
    """Compute the output of a linear layer by hand.

    Args:
        inputs: float tensor of shape (batch, in_features).
        weight: float tensor of shape (out_features, in_features), laid out like nn.Linear.weight.
        bias: float tensor of shape (out_features,).

    Returns:
        Float tensor of shape (batch, out_features), equal to nn.Linear's output.
    """
    return torch.nn.functional.linear(inputs, weight, bias)
''',
        },
        {
            "bug": "forgets to add the bias",
            "bug_class": "missing term",
            "mistakes": (),
            "names": (
                "bias is missing",
                "forgot the bias",
                "add the bias",
                "without the bias",
                "missing bias",
            ),
            "witness": (
                'differs("linear_forward", torch.randn(2, 3), torch.randn(4, 3), '
                "torch.randn(4))"
            ),
            "source": '''\
def linear_forward(inputs, weight, bias):
    """Compute the output of a linear layer by hand.

    Args:
        inputs: float tensor of shape (batch, in_features).
        weight: float tensor of shape (out_features, in_features), laid out like nn.Linear.weight.
        bias: float tensor of shape (out_features,).

    Returns:
        Float tensor of shape (batch, out_features), equal to nn.Linear's output.
    """
    return inputs @ weight.T
''',
        },
        {
            "bug": "weight @ inputs.T: one column per example, (out_features, batch)",
            "bug_class": "transpose",
            "mistakes": ("transpose", "shape"),
            "names": ("transpose",),
            "witness": (
                'differs("linear_forward", torch.randn(2, 3), torch.randn(4, 3), '
                "torch.randn(4))"
            ),
            "source": '''\
def linear_forward(inputs, weight, bias):
    """Compute the output of a linear layer by hand.

    Args:
        inputs: float tensor of shape (batch, in_features).
        weight: float tensor of shape (out_features, in_features), laid out like nn.Linear.weight.
        bias: float tensor of shape (out_features,).

    Returns:
        Float tensor of shape (batch, out_features), equal to nn.Linear's output.
    """
    return weight @ inputs.T + bias[:, None]
''',
        },
    ],
    "ex_two_layer_net": [
        {
            "bug": "a ReLU after the output layer too: the network can never output a negative",
            "bug_class": "extra operation (activation on the output)",
            "mistakes": (),
            "names": ("ReLU to the output", "relu on the output", "negative", "after the output"),
            "witness": "differs_call(lambda ns: ns.TwoLayerNet(3, 4, 2)(torch.randn(5, 3)))",
            "source": '''\
class TwoLayerNet(nn.Module):
    """Linear -> ReLU -> Linear.

    Args (of __init__):
        in_features, hidden_features, out_features: the layer sizes (ints).

    Attributes to create:
        self.hidden: nn.Linear(in_features, hidden_features)
        self.output: nn.Linear(hidden_features, out_features)

    forward(inputs) takes a float tensor (batch, in_features) and returns the float tensor
    (batch, out_features) = output(relu(hidden(inputs))).
    """

    def __init__(self, in_features, hidden_features, out_features):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden_features)
        self.output = nn.Linear(hidden_features, out_features)

    def forward(self, inputs):
        return torch.relu(self.output(torch.relu(self.hidden(inputs))))
''',
        },
        {
            "bug": "names the layers fc1 and fc2 instead of hidden and output",
            "bug_class": "contract: attribute names",
            "mistakes": (),
            "names": ("self.hidden", "attribute"),
            "witness": (
                "differs_call(lambda ns: [name for name, _ in ns.TwoLayerNet(3, 4, "
                "2).named_children()])"
            ),
            "source": '''\
class TwoLayerNet(nn.Module):
    """Linear -> ReLU -> Linear.

    Args (of __init__):
        in_features, hidden_features, out_features: the layer sizes (ints).

    Attributes to create:
        self.hidden: nn.Linear(in_features, hidden_features)
        self.output: nn.Linear(hidden_features, out_features)

    forward(inputs) takes a float tensor (batch, in_features) and returns the float tensor
    (batch, out_features) = output(relu(hidden(inputs))).
    """

    def __init__(self, in_features, hidden_features, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.fc2 = nn.Linear(hidden_features, out_features)

    def forward(self, inputs):
        return self.fc2(torch.relu(self.fc1(inputs)))
''',
        },
        {
            "bug": "creates the Linear layers inside forward: new random weights on every call",
            "bug_class": "state: result changes on a second call",
            "mistakes": ("second_call",),
            "names": ("second call", "__init__"),
            "witness": (
                "differs_call(lambda ns: (lambda net, x: (net(x), net(x)))(ns.TwoLayerNet(3, "
                "4, 2), torch.ones(2, 3)))"
            ),
            "source": '''\
class TwoLayerNet(nn.Module):
    """Linear -> ReLU -> Linear.

    Args (of __init__):
        in_features, hidden_features, out_features: the layer sizes (ints).

    Attributes to create:
        self.hidden: nn.Linear(in_features, hidden_features)
        self.output: nn.Linear(hidden_features, out_features)

    forward(inputs) takes a float tensor (batch, in_features) and returns the float tensor
    (batch, out_features) = output(relu(hidden(inputs))).
    """

    def __init__(self, in_features, hidden_features, out_features):
        super().__init__()
        self.sizes = (in_features, hidden_features, out_features)

    def forward(self, inputs):
        in_features, hidden_features, out_features = self.sizes
        hidden = nn.Linear(in_features, hidden_features)
        output = nn.Linear(hidden_features, out_features)
        return output(torch.relu(hidden(inputs)))
''',
        },
    ],
    "ex_make_mlp": [
        {
            "bug": "creates one activation module and puts the same instance in every gap",
            "bug_class": "shared instance",
            "mistakes": (),
            "names": ("same instance", "new instance", "shared"),
            "witness": "differs_call(lambda ns: len(list(ns.make_mlp([3, 4, 5, 2]).children())))",
            "source": '''\
def make_mlp(layer_sizes, activation=nn.ReLU):
    """Build a multilayer perceptron as an nn.Sequential.

    Args:
        layer_sizes: list of ints [in_features, hidden_1, ..., out_features], length >= 2.
        activation: a module class such as nn.ReLU or nn.Tanh; call it to get a new instance
            for each gap between two Linear layers.

    Returns:
        nn.Sequential alternating nn.Linear and activation modules, starting and ending with an
        nn.Linear (so 2 * (len(layer_sizes) - 1) - 1 children).
    """
    shared_activation = activation()
    layers = []
    for index in range(len(layer_sizes) - 1):
        if index > 0:
            layers.append(shared_activation)
        layers.append(nn.Linear(layer_sizes[index], layer_sizes[index + 1]))
    return nn.Sequential(*layers)
''',
        },
        {
            "bug": "range(len(layer_sizes) - 2): the last Linear layer is missing",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "last Linear", "last layer", "children"),
            "witness": 'differs("make_mlp", [3, 4, 5, 2])',
            "source": '''\
def make_mlp(layer_sizes, activation=nn.ReLU):
    """Build a multilayer perceptron as an nn.Sequential.

    Args:
        layer_sizes: list of ints [in_features, hidden_1, ..., out_features], length >= 2.
        activation: a module class such as nn.ReLU or nn.Tanh; call it to get a new instance
            for each gap between two Linear layers.

    Returns:
        nn.Sequential alternating nn.Linear and activation modules, starting and ending with an
        nn.Linear (so 2 * (len(layer_sizes) - 1) - 1 children).
    """
    layers = []
    for index in range(len(layer_sizes) - 2):
        if index > 0:
            layers.append(activation())
        layers.append(nn.Linear(layer_sizes[index], layer_sizes[index + 1]))
    return nn.Sequential(*layers)
''',
        },
        {
            "bug": "appends the activation class itself instead of an instance: Sequential raises",
            "bug_class": "raises (class instead of instance)",
            "mistakes": ("raised",),
            "names": ("activation()", "an instance", "instance of"),
            "witness": 'differs("make_mlp", [3, 4, 5, 2])',
            "source": '''\
def make_mlp(layer_sizes, activation=nn.ReLU):
    """Build a multilayer perceptron as an nn.Sequential.

    Args:
        layer_sizes: list of ints [in_features, hidden_1, ..., out_features], length >= 2.
        activation: a module class such as nn.ReLU or nn.Tanh; call it to get a new instance
            for each gap between two Linear layers.

    Returns:
        nn.Sequential alternating nn.Linear and activation modules, starting and ending with an
        nn.Linear (so 2 * (len(layer_sizes) - 1) - 1 children).
    """
    layers = [nn.Linear(layer_sizes[0], layer_sizes[1])]
    for size_in, size_out in zip(layer_sizes[1:-1], layer_sizes[2:]):
        layers += [activation, nn.Linear(size_in, size_out)]
    return nn.Sequential(*layers)
''',
        },
    ],
    "ex_count_parameters": [
        {
            "bug": "accumulates into 0.0: the count comes back as a float",
            "bug_class": "float where an int is asked",
            "mistakes": ("number_type",),
            "names": ("Python int", "got float"),
            "witness": 'differs("count_mlp_parameters", [3, 4, 2])',
            "source": '''\
def count_mlp_parameters(layer_sizes):
    """Number of trainable parameters of the MLP with these layer sizes.

    Args:
        layer_sizes: list of ints [in_features, hidden_1, ..., out_features]; every pair of
            neighbours is one nn.Linear with a bias (activations have no parameters).

    Returns:
        The count as a Python int.
    """
    total = 0.0
    for size_in, size_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total += size_in * size_out + size_out
    return total
''',
        },
        {
            "bug": "counts size_in biases per layer instead of size_out",
            "bug_class": "wrong term",
            "mistakes": (),
            "names": ("out biases", "one bias per output", "bias count"),
            "witness": 'differs("count_mlp_parameters", [3, 4, 2])',
            "source": '''\
def count_mlp_parameters(layer_sizes):
    """Number of trainable parameters of the MLP with these layer sizes.

    Args:
        layer_sizes: list of ints [in_features, hidden_1, ..., out_features]; every pair of
            neighbours is one nn.Linear with a bias (activations have no parameters).

    Returns:
        The count as a Python int.
    """
    total = 0
    for size_in, size_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total += size_in * size_out + size_in
    return total
''',
        },
        {
            "bug": "range(len(layer_sizes) - 2): the last layer is not counted",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "last layer"),
            "witness": 'differs("count_mlp_parameters", [3, 4, 2])',
            "source": '''\
def count_mlp_parameters(layer_sizes):
    """Number of trainable parameters of the MLP with these layer sizes.

    Args:
        layer_sizes: list of ints [in_features, hidden_1, ..., out_features]; every pair of
            neighbours is one nn.Linear with a bias (activations have no parameters).

    Returns:
        The count as a Python int.
    """
    total = 0
    for index in range(len(layer_sizes) - 2):
        size_in, size_out = layer_sizes[index], layer_sizes[index + 1]
        total += size_in * size_out + size_out
    return total
''',
        },
    ],
    "ex_identity_mlp": [
        {
            "bug": "[linear, nn.ReLU()] * depth: every block shares one Linear layer",
            "bug_class": "shared instance",
            "mistakes": (),
            "names": ("shared", "same Linear", "new Linear", "same module", "same instance"),
            "witness": (
                "differs_call(lambda ns: len(list(ns.make_identity_mlp(3, 2).parameters())))"
            ),
            "source": '''\
def make_identity_mlp(num_features, depth):
    """A deep ReLU network initialised so that it starts as relu(x).

    Args:
        num_features: width n of every layer (int).
        depth: number of Linear(n, n) -> ReLU blocks (int >= 1).

    Returns:
        nn.Sequential with 2 * depth children: Linear, ReLU, Linear, ReLU, ...; every Linear has
        an identity weight (nn.init.eye_) and a zero bias.
    """
    linear = nn.Linear(num_features, num_features)
    nn.init.eye_(linear.weight)
    nn.init.zeros_(linear.bias)
    return nn.Sequential(*([linear, nn.ReLU()] * depth))
''',
        },
        {
            "bug": "range(depth - 1): one block too few",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "depth", "children"),
            "witness": 'differs("make_identity_mlp", 3, 2)',
            "source": '''\
def make_identity_mlp(num_features, depth):
    """A deep ReLU network initialised so that it starts as relu(x).

    Args:
        num_features: width n of every layer (int).
        depth: number of Linear(n, n) -> ReLU blocks (int >= 1).

    Returns:
        nn.Sequential with 2 * depth children: Linear, ReLU, Linear, ReLU, ...; every Linear has
        an identity weight (nn.init.eye_) and a zero bias.
    """
    layers = []
    for _ in range(depth - 1):
        linear = nn.Linear(num_features, num_features)
        nn.init.eye_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()]
    return nn.Sequential(*layers)
''',
        },
        {
            "bug": "puts the ReLU before the Linear in each block",
            "bug_class": "wrong order",
            "mistakes": (),
            "names": ("Linear, ReLU", "ReLU before", "wrong order", "order of"),
            "witness": 'differs("make_identity_mlp", 3, 2)',
            "source": '''\
def make_identity_mlp(num_features, depth):
    """A deep ReLU network initialised so that it starts as relu(x).

    Args:
        num_features: width n of every layer (int).
        depth: number of Linear(n, n) -> ReLU blocks (int >= 1).

    Returns:
        nn.Sequential with 2 * depth children: Linear, ReLU, Linear, ReLU, ...; every Linear has
        an identity weight (nn.init.eye_) and a zero bias.
    """
    layers = []
    for _ in range(depth):
        linear = nn.Linear(num_features, num_features)
        nn.init.eye_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [nn.ReLU(), linear]
    return nn.Sequential(*layers)
''',
        },
    ],
    "ex_xavier_uniform_bound": [
        {
            "bug": "sqrt(2 / (fan_in + fan_out)): the std of Xavier NORMAL, not the uniform bound",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor", "sqrt(3)", "sqrt(6", "not the bound"),
            "witness": 'differs("xavier_uniform_bound", (4, 2), 1.5)',
            "source": '''\
def xavier_uniform_bound(weight_shape, gain=1.0):
    """Bound b such that nn.init.xavier_uniform_(w, gain) draws from U(-b, b).

    Args:
        weight_shape: tuple (out_features, in_features) of a Linear weight.
        gain: float, e.g. nn.init.calculate_gain("tanh").

    Returns:
        b as a Python float.
    """
    fan_out, fan_in = weight_shape
    return gain * math.sqrt(2.0 / (fan_in + fan_out))
''',
        },
        {
            "bug": "computes the square root with torch: returns a 0-dim tensor",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type",),
            "names": ("Python float", "got Tensor"),
            "witness": 'differs("xavier_uniform_bound", (4, 2), 1.5)',
            "source": '''\
def xavier_uniform_bound(weight_shape, gain=1.0):
    """Bound b such that nn.init.xavier_uniform_(w, gain) draws from U(-b, b).

    Args:
        weight_shape: tuple (out_features, in_features) of a Linear weight.
        gain: float, e.g. nn.init.calculate_gain("tanh").

    Returns:
        b as a Python float.
    """
    fan_out, fan_in = weight_shape
    return gain * torch.sqrt(torch.tensor(6.0 / (fan_in + fan_out)))
''',
        },
        {
            "bug": "sqrt(3 / fan_in) (LeCun uniform): equal to Xavier only for square weights",
            "bug_class": "only right on square inputs",
            "mistakes": (),
            "names": ("fan_out", "fan_in + fan_out"),
            "witness": 'differs("xavier_uniform_bound", (4, 2), 1.5)',
            "source": '''\
def xavier_uniform_bound(weight_shape, gain=1.0):
    """Bound b such that nn.init.xavier_uniform_(w, gain) draws from U(-b, b).

    Args:
        weight_shape: tuple (out_features, in_features) of a Linear weight.
        gain: float, e.g. nn.init.calculate_gain("tanh").

    Returns:
        b as a Python float.
    """
    fan_in = weight_shape[1]
    return gain * math.sqrt(3.0 / fan_in)
''',
        },
    ],
    "ex_kaiming_normal_std": [
        {
            "bug": "always uses ReLU's gain sqrt(2), whatever nonlinearity says",
            "bug_class": "ignores a hyper-parameter",
            "mistakes": (),
            "names": ("calculate_gain", "ignores nonlinearity", "gain of"),
            "witness": 'differs("kaiming_normal_std", (4, 9), "tanh")',
            "source": '''\
def kaiming_normal_std(weight_shape, nonlinearity="relu"):
    """Std of nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity=nonlinearity).

    Args:
        weight_shape: tuple (out_features, in_features) of a Linear weight.
        nonlinearity: a name accepted by nn.init.calculate_gain ("relu", "tanh", "linear", ...).

    Returns:
        The standard deviation as a Python float.
    """
    return math.sqrt(2.0 / weight_shape[1])
''',
        },
        {
            "bug": "divides the gain by fan_in instead of by its square root",
            "bug_class": "wrong formula (missing square root)",
            "mistakes": (),
            "names": ("sqrt", "square root"),
            "witness": 'differs("kaiming_normal_std", (4, 9), "tanh")',
            "source": '''\
def kaiming_normal_std(weight_shape, nonlinearity="relu"):
    """Std of nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity=nonlinearity).

    Args:
        weight_shape: tuple (out_features, in_features) of a Linear weight.
        nonlinearity: a name accepted by nn.init.calculate_gain ("relu", "tanh", "linear", ...).

    Returns:
        The standard deviation as a Python float.
    """
    return nn.init.calculate_gain(nonlinearity) / weight_shape[1]
''',
        },
        {
            "bug": "takes the square root with torch: returns a float32 0-dim tensor",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "dtype"),
            "names": ("Python float", "got Tensor"),
            "witness": 'differs("kaiming_normal_std", (4, 9), "tanh")',
            "source": '''\
def kaiming_normal_std(weight_shape, nonlinearity="relu"):
    """Std of nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity=nonlinearity).

    Args:
        weight_shape: tuple (out_features, in_features) of a Linear weight.
        nonlinearity: a name accepted by nn.init.calculate_gain ("relu", "tanh", "linear", ...).

    Returns:
        The standard deviation as a Python float.
    """
    fan_in = torch.tensor(float(weight_shape[1]))
    return nn.init.calculate_gain(nonlinearity) / torch.sqrt(fan_in)
''',
        },
    ],
    "ex_default_linear_std": [
        {
            "bug": "assumes PyTorch uses Kaiming's sqrt(2 / fan_in) for the default init",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor", "sqrt(5)", "uniform"),
            "witness": 'differs("default_linear_weight_std", 9)',
            "source": '''\
def default_linear_weight_std(in_features):
    """Std of the weights of a freshly created nn.Linear(in_features, any_out_features).

    Args:
        in_features: int, the layer's fan-in.

    Returns:
        The standard deviation as a Python float.
    """
    return math.sqrt(2.0 / in_features)
''',
        },
        {
            "bug": "measures the std of a random layer: an estimate that changes with every call",
            "bug_class": "state: random estimate instead of the exact value",
            "mistakes": ("second_call",),
            "names": ("second call", "changes from call to call", "not exact", "estimate"),
            "witness": 'differs("default_linear_weight_std", 9)',
            "source": '''\
def default_linear_weight_std(in_features):
    """Std of the weights of a freshly created nn.Linear(in_features, any_out_features).

    Args:
        in_features: int, the layer's fan-in.

    Returns:
        The standard deviation as a Python float.
    """
    return nn.Linear(in_features, 1000).weight.std().item()
''',
        },
        {
            "bug": "returns the variance b^2 / 3 instead of the std b / sqrt(3)",
            "bug_class": "variance instead of std",
            "mistakes": (),
            "names": ("variance", "square root"),
            "witness": 'differs("default_linear_weight_std", 9)',
            "source": '''\
def default_linear_weight_std(in_features):
    """Std of the weights of a freshly created nn.Linear(in_features, any_out_features).

    Args:
        in_features: int, the layer's fan-in.

    Returns:
        The standard deviation as a Python float.
    """
    bound = 1.0 / math.sqrt(in_features)
    return bound ** 2 / 3.0
''',
        },
    ],
    "ex_init_for_relu": [
        {
            "bug": "zeroes module.bias without checking for None: raises on a Linear without bias",
            "bug_class": "raises on a valid input (bias=False)",
            "mistakes": ("raised",),
            "names": ("AttributeError", "bias=False", "None"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (model.apply(ns.init_for_relu), "
                "model.state_dict())[1])(nn.Sequential(nn.Linear(3, 5), nn.ReLU(), "
                "nn.Linear(5, 2, bias=False))))"
            ),
            "source": '''\
def init_for_relu(module):
    """Initialise one module in place; meant to be used as model.apply(init_for_relu).

    Args:
        module: any nn.Module. If it is an nn.Linear, fill its weight with
            nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu") and its bias with zeros
            (when it has one: nn.Linear(..., bias=False) has module.bias None); any other module
            is left unchanged.

    Returns:
        None.
    """
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
        nn.init.zeros_(module.bias)
''',
        },
        {
            "bug": "mode='fan_out': the same as fan_in only for square weights",
            "bug_class": "only right on square inputs",
            "mistakes": (),
            "names": ("fan_out", "mode='fan_in'", 'mode="fan_in"'),
            "witness": (
                "differs_call(lambda ns: (lambda model: (model.apply(ns.init_for_relu), "
                "model.state_dict())[1])(nn.Sequential(nn.Linear(3, 5), nn.ReLU(), "
                "nn.Linear(5, 2, bias=False))))"
            ),
            "source": '''\
def init_for_relu(module):
    """Initialise one module in place; meant to be used as model.apply(init_for_relu).

    Args:
        module: any nn.Module. If it is an nn.Linear, fill its weight with
            nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu") and its bias with zeros
            (when it has one: nn.Linear(..., bias=False) has module.bias None); any other module
            is left unchanged.

    Returns:
        None.
    """
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        if module.bias is not None:
            nn.init.zeros_(module.bias)
''',
        },
        {
            "bug": "a small positive bias 0.01 'so that no ReLU starts dead' instead of zeros",
            "bug_class": "wrong constant",
            "mistakes": (),
            "names": ("bias is not zero", "zeros_", "zero bias", "bias should be 0"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (model.apply(ns.init_for_relu), "
                "model.state_dict())[1])(nn.Sequential(nn.Linear(3, 5), nn.ReLU(), "
                "nn.Linear(5, 2, bias=False))))"
            ),
            "source": '''\
def init_for_relu(module):
    """Initialise one module in place; meant to be used as model.apply(init_for_relu).

    Args:
        module: any nn.Module. If it is an nn.Linear, fill its weight with
            nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu") and its bias with zeros
            (when it has one: nn.Linear(..., bias=False) has module.bias None); any other module
            is left unchanged.

    Returns:
        None.
    """
    if isinstance(module, nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
        if module.bias is not None:
            nn.init.constant_(module.bias, 0.01)
''',
        },
    ],
    "ex_count_distinct_units": [
        {
            "bug": "compares the weight rows only: units that differ only in their bias merge",
            "bug_class": "missing term",
            "mistakes": (),
            "names": ("bias",),
            "witness": (
                'differs("count_distinct_units", linear([[1.0, 2.0], [1.0, 2.0]], [0.0, 1.0]))'
            ),
            "source": '''\
def count_distinct_units(layer, atol=1e-6):
    """Number of distinct units of a linear layer.

    Args:
        layer: nn.Linear with weight (out_features, in_features) and a bias (out_features,).
        atol: two units are equal when all their numbers differ by at most atol.

    Returns:
        The number of distinct (weight row, bias) pairs, as a Python int between 1 and
        out_features.
    """
    with torch.no_grad():
        rows = layer.weight.clone()
    distinct = []
    for row in rows:
        if all((row - seen).abs().max() > atol for seen in distinct):
            distinct.append(row)
    return len(distinct)
''',
        },
        {
            "bug": "torch.unique compares exactly: units closer than atol count as different",
            "bug_class": "ignores the tolerance",
            "mistakes": (),
            "names": ("atol", "tolerance"),
            "witness": (
                'differs("count_distinct_units", linear([[1.0, 2.0], [1.0, 2.0000005]], [0.0, '
                "0.0]))"
            ),
            "source": '''\
def count_distinct_units(layer, atol=1e-6):
    """Number of distinct units of a linear layer.

    Args:
        layer: nn.Linear with weight (out_features, in_features) and a bias (out_features,).
        atol: two units are equal when all their numbers differ by at most atol.

    Returns:
        The number of distinct (weight row, bias) pairs, as a Python int between 1 and
        out_features.
    """
    with torch.no_grad():
        units = torch.cat([layer.weight, layer.bias[:, None]], dim=1)
    return len(torch.unique(units, dim=0))
''',
        },
        {
            "bug": (
                "torch.allclose adds its default relative tolerance: large units that differ "
                "by more than atol merge"
            ),
            "bug_class": "wrong tolerance (relative)",
            "mistakes": (),
            "names": ("rtol", "relative"),
            "witness": (
                'differs("count_distinct_units", linear([[100.0, 0.0], [100.0005, 0.0]], [0.0, '
                "0.0]))"
            ),
            "source": '''\
def count_distinct_units(layer, atol=1e-6):
    """Number of distinct units of a linear layer.

    Args:
        layer: nn.Linear with weight (out_features, in_features) and a bias (out_features,).
        atol: two units are equal when all their numbers differ by at most atol.

    Returns:
        The number of distinct (weight row, bias) pairs, as a Python int between 1 and
        out_features.
    """
    with torch.no_grad():
        units = torch.cat([layer.weight, layer.bias[:, None]], dim=1)
    distinct = []
    for unit in units:
        if not any(torch.allclose(unit, seen, atol=atol) for seen in distinct):
            distinct.append(unit)
    return len(distinct)
''',
        },
    ],
    "ex_activation_stds": [
        {
            "bug": (
                "records into a list defined outside the function: every call adds to the "
                "previous calls' values"
            ),
            "bug_class": "state leaks between calls",
            "mistakes": ("second_call",),
            "names": ("second call",),
            "witness": (
                "differs_call(lambda ns: (lambda model, x: (ns.activation_stds(model, x), "
                "ns.activation_stds(model, x)))(nn.Sequential(nn.Linear(3, 4), nn.Tanh(), "
                "nn.Linear(4, 2), nn.Tanh()), torch.randn(8, 3)))"
            ),
            "source": '''\
recorded_stds = []


def record_std(module, module_inputs, output):
    recorded_stds.append(output.detach().std())


def activation_stds(model, inputs, layer_type=nn.Tanh):
    """Std of the output of each `layer_type` module of `model`, collected with forward hooks.

    Args:
        model: an nn.Module, e.g. an nn.Sequential of Linear and activation layers.
        inputs: float tensor (batch, in_features) to run through the model once.
        layer_type: the module class to watch (nn.Tanh, nn.ReLU, nn.Linear, ...).

    Returns:
        Float tensor of shape (number of watched modules,), in forward order, that does not
        require grad. Every hook is removed before returning.
    """
    handles = [module.register_forward_hook(record_std)
               for module in model.modules() if isinstance(module, layer_type)]
    with torch.no_grad():
        model(inputs)
    for handle in handles:
        handle.remove()
    return torch.stack(recorded_stds)
''',
        },
        {
            "bug": "hooks only model.children(): layers inside a nested Sequential are missed",
            "bug_class": "nested modules",
            "mistakes": ("shape",),
            "names": ("nested", "modules()", "children"),
            "witness": (
                'differs("activation_stds", nn.Sequential(nn.Linear(3, 4), nn.Tanh(), '
                "nn.Sequential(nn.Linear(4, 4), nn.Tanh())), torch.randn(8, 3))"
            ),
            "source": '''\
def activation_stds(model, inputs, layer_type=nn.Tanh):
    """Std of the output of each `layer_type` module of `model`, collected with forward hooks.

    Args:
        model: an nn.Module, e.g. an nn.Sequential of Linear and activation layers.
        inputs: float tensor (batch, in_features) to run through the model once.
        layer_type: the module class to watch (nn.Tanh, nn.ReLU, nn.Linear, ...).

    Returns:
        Float tensor of shape (number of watched modules,), in forward order, that does not
        require grad. Every hook is removed before returning.
    """
    stds = []

    def record(module, module_inputs, output):
        stds.append(output.detach().std())

    handles = [module.register_forward_hook(record)
               for module in model.children() if isinstance(module, layer_type)]
    with torch.no_grad():
        model(inputs)
    for handle in handles:
        handle.remove()
    return torch.stack(stds)
''',
        },
        {
            "bug": "neither no_grad nor detach: the returned stds are part of a graph",
            "bug_class": "result still in a graph",
            "mistakes": ("graph", "gradient"),
            "names": ("graph", "requires_grad", "require grad", "detach"),
            "witness": (
                'differs("activation_stds", nn.Sequential(nn.Linear(3, 4), nn.Tanh(), '
                "nn.Linear(4, 2), nn.Tanh()), torch.randn(8, 3))"
            ),
            "source": '''\
def activation_stds(model, inputs, layer_type=nn.Tanh):
    """Std of the output of each `layer_type` module of `model`, collected with forward hooks.

    Args:
        model: an nn.Module, e.g. an nn.Sequential of Linear and activation layers.
        inputs: float tensor (batch, in_features) to run through the model once.
        layer_type: the module class to watch (nn.Tanh, nn.ReLU, nn.Linear, ...).

    Returns:
        Float tensor of shape (number of watched modules,), in forward order, that does not
        require grad. Every hook is removed before returning.
    """
    stds = []

    def record(module, module_inputs, output):
        stds.append(output.std())

    handles = [module.register_forward_hook(record)
               for module in model.modules() if isinstance(module, layer_type)]
    model(inputs)
    for handle in handles:
        handle.remove()
    return torch.stack(stds)
''',
        },
    ],
    "ex_kaiming_from_scratch": [
        {
            "bug": (
                "copies into the weight without torch.no_grad(): an nn.Parameter refuses the in-"
                "place write"
            ),
            "bug_class": "autograd: in-place write to a leaf that requires grad",
            "mistakes": ("raised",),
            "names": ("no_grad", "requires grad", "requires_grad"),
            "witness": (
                "differs_call(lambda ns: "
                'ns.kaiming_normal_from_scratch_(nn.Parameter(torch.empty(3, 4)), "relu", '
                "torch.Generator().manual_seed(1)))"
            ),
            "source": '''\
def kaiming_normal_from_scratch_(weight, nonlinearity="relu", generator=None):
    """Fill ``weight`` in place like nn.init.kaiming_normal_(weight, mode="fan_in", ...).

    Args:
        weight: 2-D float tensor or nn.Parameter of shape (out_features, in_features); it may
            require grad. Its shape, dtype and device stay the same.
        nonlinearity: a name accepted by nn.init.calculate_gain ("relu", "tanh", "linear", ...).
        generator: optional torch.Generator to draw from (None: the global generator).

    Returns:
        ``weight`` itself (the same object), now holding N(0, std**2) draws with
        std = calculate_gain(nonlinearity) / sqrt(in_features); no autograd graph is recorded.
        Use torch.randn (or Tensor.normal_); do not call nn.init.kaiming_normal_,
        nn.init.kaiming_uniform_ or nn.init.normal_.
    """
    std = nn.init.calculate_gain(nonlinearity) / math.sqrt(weight.shape[1])
    weight.copy_(torch.randn(weight.shape, generator=generator) * std)
    return weight
''',
        },
        {
            "bug": "returns a new tensor of draws and leaves the weight as it was",
            "bug_class": "not in place (returns a copy)",
            "mistakes": (),
            "names": ("in place", "same object", "weight itself", "not filled", "unchanged"),
            "witness": (
                'differs("kaiming_normal_from_scratch_", torch.zeros(3, 4), "relu", '
                "torch.Generator().manual_seed(1))"
            ),
            "source": '''\
def kaiming_normal_from_scratch_(weight, nonlinearity="relu", generator=None):
    """Fill ``weight`` in place like nn.init.kaiming_normal_(weight, mode="fan_in", ...).

    Args:
        weight: 2-D float tensor or nn.Parameter of shape (out_features, in_features); it may
            require grad. Its shape, dtype and device stay the same.
        nonlinearity: a name accepted by nn.init.calculate_gain ("relu", "tanh", "linear", ...).
        generator: optional torch.Generator to draw from (None: the global generator).

    Returns:
        ``weight`` itself (the same object), now holding N(0, std**2) draws with
        std = calculate_gain(nonlinearity) / sqrt(in_features); no autograd graph is recorded.
        Use torch.randn (or Tensor.normal_); do not call nn.init.kaiming_normal_,
        nn.init.kaiming_uniform_ or nn.init.normal_.
    """
    std = nn.init.calculate_gain(nonlinearity) / math.sqrt(weight.shape[1])
    with torch.no_grad():
        return torch.randn(weight.shape, generator=generator) * std
''',
        },
        {
            "bug": (
                "draws from the global generator and ignores the generator it is given"
            ),
            "bug_class": "state: ignores the generator (not reproducible)",
            "mistakes": ("second_call",),
            "names": ("generator",),
            "witness": (
                'differs("kaiming_normal_from_scratch_", torch.zeros(3, 4), "relu", '
                "torch.Generator().manual_seed(1))"
            ),
            "source": '''\
def kaiming_normal_from_scratch_(weight, nonlinearity="relu", generator=None):
    """Fill ``weight`` in place like nn.init.kaiming_normal_(weight, mode="fan_in", ...).

    Args:
        weight: 2-D float tensor or nn.Parameter of shape (out_features, in_features); it may
            require grad. Its shape, dtype and device stay the same.
        nonlinearity: a name accepted by nn.init.calculate_gain ("relu", "tanh", "linear", ...).
        generator: optional torch.Generator to draw from (None: the global generator).

    Returns:
        ``weight`` itself (the same object), now holding N(0, std**2) draws with
        std = calculate_gain(nonlinearity) / sqrt(in_features); no autograd graph is recorded.
        Use torch.randn (or Tensor.normal_); do not call nn.init.kaiming_normal_,
        nn.init.kaiming_uniform_ or nn.init.normal_.
    """
    std = nn.init.calculate_gain(nonlinearity) / math.sqrt(weight.shape[1])
    with torch.no_grad():
        weight.copy_(torch.randn(weight.shape) * std)
    return weight
''',
        },
    ],
    "ex_tanh_relu_net": [
        {
            "bug": (
                "Kaiming for hidden2 with mode='fan_out': the std follows hidden2's output size"
            ),
            "bug_class": "wrong fan (constant factor)",
            "mistakes": ("factor",),
            "names": ("fan_out", "fan-out", "fan_in", "fan-in"),
            "witness": (
                "differs_call(lambda ns: abs(ns.TanhReluNet(10, 400, 100, "
                "3).hidden2.weight.std().item() / math.sqrt(2 / 400) - 1) < 0.1)"
            ),
            "source": '''\
class TanhReluNet(nn.Module):
    """Linear -> tanh -> Linear -> ReLU -> Linear, each hidden layer initialised for its activation.

    Args (of __init__):
        in_features, hidden1_features, hidden2_features, out_features: layer sizes (ints).

    Attributes to create, in this order:
        self.hidden1: nn.Linear(in_features, hidden1_features); weight from
            nn.init.xavier_normal_ with gain nn.init.calculate_gain("tanh"); bias zero.
        self.hidden2: nn.Linear(hidden1_features, hidden2_features); weight from
            nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu"); bias zero.
        self.output: nn.Linear(hidden2_features, out_features) with PyTorch's default init.

    forward(inputs) takes a float tensor (batch, in_features) and returns the float tensor
    (batch, out_features) = output(relu(hidden2(tanh(hidden1(inputs))))): raw scores, no
    activation after the output layer.
    """

    def __init__(self, in_features, hidden1_features, hidden2_features, out_features):
        super().__init__()
        self.hidden1 = nn.Linear(in_features, hidden1_features)
        nn.init.xavier_normal_(self.hidden1.weight, gain=nn.init.calculate_gain("tanh"))
        nn.init.zeros_(self.hidden1.bias)
        self.hidden2 = nn.Linear(hidden1_features, hidden2_features)
        nn.init.kaiming_normal_(self.hidden2.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(self.hidden2.bias)
        self.output = nn.Linear(hidden2_features, out_features)

    def forward(self, inputs):
        hidden = torch.tanh(self.hidden1(inputs))  # (batch, hidden1_features)
        hidden = torch.relu(self.hidden2(hidden))  # (batch, hidden2_features)
        return self.output(hidden)  # (batch, out_features)
''',
        },
        {
            "bug": (
                "initialises the weights but leaves the hidden biases at PyTorch's default"
            ),
            "bug_class": "part of the spec left out (biases)",
            "mistakes": (),
            "names": ("bias is not zero", "zero bias", "zeros_"),
            "witness": (
                "differs_call(lambda ns: (lambda net: bool((net.hidden1.bias == 0).all() and "
                "(net.hidden2.bias == 0).all()))(ns.TanhReluNet(4, 6, 5, 3)))"
            ),
            "source": '''\
class TanhReluNet(nn.Module):
    """Linear -> tanh -> Linear -> ReLU -> Linear, each hidden layer initialised for its activation.

    Args (of __init__):
        in_features, hidden1_features, hidden2_features, out_features: layer sizes (ints).

    Attributes to create, in this order:
        self.hidden1: nn.Linear(in_features, hidden1_features); weight from
            nn.init.xavier_normal_ with gain nn.init.calculate_gain("tanh"); bias zero.
        self.hidden2: nn.Linear(hidden1_features, hidden2_features); weight from
            nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu"); bias zero.
        self.output: nn.Linear(hidden2_features, out_features) with PyTorch's default init.

    forward(inputs) takes a float tensor (batch, in_features) and returns the float tensor
    (batch, out_features) = output(relu(hidden2(tanh(hidden1(inputs))))): raw scores, no
    activation after the output layer.
    """

    def __init__(self, in_features, hidden1_features, hidden2_features, out_features):
        super().__init__()
        self.hidden1 = nn.Linear(in_features, hidden1_features)
        nn.init.xavier_normal_(self.hidden1.weight, gain=nn.init.calculate_gain("tanh"))
        self.hidden2 = nn.Linear(hidden1_features, hidden2_features)
        nn.init.kaiming_normal_(self.hidden2.weight, mode="fan_in", nonlinearity="relu")
        self.output = nn.Linear(hidden2_features, out_features)

    def forward(self, inputs):
        hidden = torch.tanh(self.hidden1(inputs))  # (batch, hidden1_features)
        hidden = torch.relu(self.hidden2(hidden))  # (batch, hidden2_features)
        return self.output(hidden)  # (batch, out_features)
''',
        },
        {
            "bug": (
                "puts a ReLU after the output layer too: the scores can no longer be negative"
            ),
            "bug_class": "activation after the output layer",
            "mistakes": (),
            "names": ("raw scores", "output layer", "no activation after"),
            "witness": (
                "differs_call(lambda ns: bool((ns.TanhReluNet(4, 6, 5, 3)(torch.randn(8, 4)) < "
                "0).any()))"
            ),
            "source": '''\
class TanhReluNet(nn.Module):
    """Linear -> tanh -> Linear -> ReLU -> Linear, each hidden layer initialised for its activation.

    Args (of __init__):
        in_features, hidden1_features, hidden2_features, out_features: layer sizes (ints).

    Attributes to create, in this order:
        self.hidden1: nn.Linear(in_features, hidden1_features); weight from
            nn.init.xavier_normal_ with gain nn.init.calculate_gain("tanh"); bias zero.
        self.hidden2: nn.Linear(hidden1_features, hidden2_features); weight from
            nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu"); bias zero.
        self.output: nn.Linear(hidden2_features, out_features) with PyTorch's default init.

    forward(inputs) takes a float tensor (batch, in_features) and returns the float tensor
    (batch, out_features) = output(relu(hidden2(tanh(hidden1(inputs))))): raw scores, no
    activation after the output layer.
    """

    def __init__(self, in_features, hidden1_features, hidden2_features, out_features):
        super().__init__()
        self.hidden1 = nn.Linear(in_features, hidden1_features)
        nn.init.xavier_normal_(self.hidden1.weight, gain=nn.init.calculate_gain("tanh"))
        nn.init.zeros_(self.hidden1.bias)
        self.hidden2 = nn.Linear(hidden1_features, hidden2_features)
        nn.init.kaiming_normal_(self.hidden2.weight, mode="fan_in", nonlinearity="relu")
        nn.init.zeros_(self.hidden2.bias)
        self.output = nn.Linear(hidden2_features, out_features)

    def forward(self, inputs):
        hidden = torch.tanh(self.hidden1(inputs))  # (batch, hidden1_features)
        hidden = torch.relu(self.hidden2(hidden))  # (batch, hidden2_features)
        return torch.relu(self.output(hidden))  # (batch, out_features)
''',
        },
    ],
}
