"""Chapter 4: every exercise-specific explanation fires on its mistake and not on another one.

Each row: the explanation, a wrong answer it must name (on at least one visible case, and in the
message the student sees), and another wrong answer of the same exercise on which it must stay
silent for every case. The answers are written here for the test only.
"""

from course.exercises.ch04_init_and_networks import init as i
from course.exercises.ch04_init_and_networks import modules as m
from course.exercises.ch04_init_and_networks import networks as n
from tests.exercises import explaining

SIGNATURES = {"linear_forward": "inputs, weight, bias",
              "make_mlp": "layer_sizes, activation=nn.ReLU",
              "count_mlp_parameters": "layer_sizes", "make_identity_mlp": "num_features, depth",
              "xavier_uniform_bound": "weight_shape, gain=1.0",
              "kaiming_normal_std": "weight_shape, nonlinearity='relu'",
              "default_linear_weight_std": "in_features",
              "kaiming_normal_from_scratch_": "weight, nonlinearity='relu', generator=None",
              "init_for_relu": "module", "count_distinct_units": "layer, atol=1e-6",
              "activation_stds": "model, inputs, layer_type=nn.Tanh"}
TWO_LAYER = """class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden_features, out_features):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden_features)
        self.output = nn.Linear(hidden_features, out_features)

    def forward(self, inputs):
        return {}
"""
UNREGISTERED = """class TwoLayerNet(nn.Module):
    def __init__(self, in_features, hidden_features, out_features):
        super().__init__()
        self.layers = [nn.Linear(in_features, hidden_features),
                       nn.Linear(hidden_features, out_features)]

    def forward(self, inputs):
        return self.layers[1](torch.relu(self.layers[0](inputs)))
"""
TANH_RELU = """class TanhReluNet(nn.Module):
    def __init__(self, in_features, hidden1_features, hidden2_features, out_features):
        super().__init__()
        self.hidden1 = nn.Linear(in_features, hidden1_features)
        {}
        nn.init.zeros_(self.hidden1.bias)
        self.hidden2 = nn.Linear(hidden1_features, hidden2_features)
        {}
        nn.init.zeros_(self.hidden2.bias)
        self.output = nn.Linear(hidden2_features, out_features)

    def forward(self, inputs):
        return {}
"""
XAVIER = "nn.init.xavier_normal_(self.hidden1.weight, gain=nn.init.calculate_gain('tanh'))"
KAIMING = "nn.init.kaiming_normal_(self.hidden2.weight, nonlinearity='relu')"
FORWARD = "self.output(torch.relu(self.hidden2(torch.tanh(self.hidden1(inputs)))))"
GAPS = ("layers = []\n    for i in range(len(layer_sizes) - 1):\n        {}\n"
        "        layers.append(nn.Linear(layer_sizes[i], layer_sizes[i + 1]))\n"
        "{}    return nn.Sequential(*layers)")
BLOCKS = ("layers = []\n    {}\n    for _ in range(depth):\n        {}\n        nn.init.eye_("
          "layer.weight)\n        {}\n        layers += [layer, nn.ReLU()]\n"
          "    return nn.Sequential(*layers)")
NEW = "layer = nn.Linear(num_features, num_features)"
SCRATCH = ("std = nn.init.calculate_gain(nonlinearity) / math.sqrt(weight.shape[{}])\n"
           "    with torch.no_grad():\n        weight.copy_(torch.randn(weight.shape, "
           "generator=generator, dtype=weight.dtype) * std{})\n    return weight")
APPLY = ("if isinstance(module, nn.Linear):\n        nn.init.kaiming_normal_(module.weight, "
         "{})\n        {}")
ZERO = "if module.bias is not None:\n            nn.init.zeros_(module.bias)"
UNITS = ("units = {}\n    seen = []\n    for unit in units:\n"
         "        if all((unit - s).abs().max() > atol for s in seen):\n"
         "            seen.append(unit)\n    return len(seen)")
HOOKS = ("stds = []\n    handles = [module.register_forward_hook(lambda mod, i, o: stds.append("
         "o.detach().std())) for module in model.{}() if isinstance(module, layer_type)]\n"
         "    with torch.no_grad():\n        model(inputs)\n{}    return torch.stack(stds)")
REMOVE = "    for handle in handles:\n        handle.remove()\n"
ROWS = [
    (m.weight_as_in_out, "linear_forward", "return inputs @ weight + bias",
     "return inputs @ weight.T", "(in, out)"),
    (m.bias_missing, "linear_forward", "return inputs @ weight.T",
     "return inputs @ weight + bias", "lacks the bias"),
    (m.unregistered, "TwoLayerNet", UNREGISTERED,
     TWO_LAYER.format("torch.relu(self.output(torch.relu(self.hidden(inputs))))"),
     "registered"),
    (m.relu_on_output, "TwoLayerNet",
     TWO_LAYER.format("torch.relu(self.output(torch.relu(self.hidden(inputs))))"),
     TWO_LAYER.format("self.output(self.hidden(inputs))"), "never negative"),
    (m.activation_at_the_end, "make_mlp", GAPS.format("pass", "        layers.append("
                                                      "activation())\n"),
     GAPS.format("if i: layers.append(nn.ReLU())", ""), "ends with an activation"),
    (m.shared_activation, "make_mlp",
     "act = activation()\n    " + GAPS.format("if i: layers.append(act)", ""),
     GAPS.format("if i: layers.append(nn.ReLU())", ""), "new instance"),
    (m.biases_missing, "count_mlp_parameters",
     "return sum(a * b for a, b in zip(layer_sizes, layer_sizes[1:]))",
     "return sum(a * b + a for a, b in zip(layer_sizes, layer_sizes[1:]))", "biases"),
    (m.shared_linear, "make_identity_mlp", BLOCKS.format(NEW, "pass", "nn.init.zeros_("
                                                         "layer.bias)"),
     BLOCKS.format("pass", NEW, "pass"), "several blocks"),
    (m.biases_not_zero, "make_identity_mlp", BLOCKS.format("pass", NEW, "pass"),
     BLOCKS.format(NEW, "pass", "nn.init.zeros_(layer.bias)"), "not zero"),
    (i.gain_missing, "xavier_uniform_bound",
     "return math.sqrt(6 / (weight_shape[0] + weight_shape[1]))",
     "return gain * math.sqrt(2 / (weight_shape[0] + weight_shape[1]))", "lacks the gain"),
    (i.std_not_bound, "xavier_uniform_bound",
     "return gain * math.sqrt(2 / (weight_shape[0] + weight_shape[1]))",
     "return math.sqrt(6 / (weight_shape[0] + weight_shape[1]))", "√3"),
    (i.ignored_fan, "xavier_uniform_bound", "return gain * math.sqrt(6 / weight_shape[1])",
     "return math.sqrt(6 / (weight_shape[0] + weight_shape[1]))", "fan_out doubles"),
    (i.ignored_fan, "kaiming_normal_std",
     "return nn.init.calculate_gain(nonlinearity) / math.sqrt(weight_shape[0])",
     "return 1 / math.sqrt(weight_shape[1])", "must not depend on fan_out"),
    (i.gain_missing, "kaiming_normal_std", "return 1 / math.sqrt(weight_shape[1])",
     "return nn.init.calculate_gain(nonlinearity) / math.sqrt(weight_shape[0])", "gain"),
    (i.std_not_bound, "default_linear_weight_std", "return 1 / math.sqrt(in_features)",
     "return math.sqrt(2 / in_features)", "bound"),
    (i.kaiming_instead, "default_linear_weight_std", "return math.sqrt(2 / in_features)",
     "return 1 / math.sqrt(in_features)", "√6"),
    (i.scaled_by, "kaiming_normal_from_scratch_", SCRATCH.format(0, ""),
     SCRATCH.format(1, " * 2"), "fan-out"),
    (n.other_module_changed, "init_for_relu",
     "if hasattr(module, 'weight') and module.weight.dim() == 2:\n        "
     "nn.init.kaiming_normal_(module.weight, nonlinearity='relu')\n        " + ZERO + "\n"
     "    elif hasattr(module, 'weight'):\n        nn.init.zeros_(module.weight)",
     APPLY.format("mode='fan_out', nonlinearity='relu'", ZERO), "LayerNorm"),
    (n.relu_std_off, "init_for_relu", APPLY.format("mode='fan_out', nonlinearity='relu'", ZERO),
     APPLY.format("nonlinearity='relu'", "pass"), "fan_out"),
    (n.softmax_at_the_end, "TanhReluNet",
     TANH_RELU.format(XAVIER, KAIMING, f"torch.softmax({FORWARD}, dim=1)"),
     TANH_RELU.format("nn.init.xavier_normal_(self.hidden1.weight)", KAIMING, FORWARD), "raw"),
    (n.hidden_std_off, "TanhReluNet",
     TANH_RELU.format("nn.init.xavier_normal_(self.hidden1.weight)", KAIMING, FORWARD),
     TANH_RELU.format(XAVIER, KAIMING, f"torch.softmax({FORWARD}, dim=1)"), "tanh gain"),
    (n.distinct_mistake, "count_distinct_units", UNITS.format("layer.weight.detach().T"),
     UNITS.format("torch.cat([layer.weight, layer.bias[:, None]], dim=1).detach()").replace(
         "len(seen)", "torch.tensor(len(seen))"), "ROW"),
    (n.hooks_remain, "activation_stds", HOOKS.format("modules", ""),
     HOOKS.format("children", REMOVE), "handle.remove()"),
    (n.nested_missed, "activation_stds", HOOKS.format("children", REMOVE),
     HOOKS.format("modules", ""), "nested"),
]


test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    ROWS, ids=[f"{row[0].__name__}-{row[4]}" for row in ROWS],
    source=lambda name, body: (body if body.startswith("class")
                               else explaining.define(name, SIGNATURES[name], body)))
