"""Chapter 3: every exercise-specific explanation fires on its mistake and not on another one.

Each row: the explanation, a wrong answer it must name (on at least one visible case, and in the
message the student sees), and another wrong answer of the same exercise on which it must stay
silent for every case. The answers are written here for the test only.
"""

from course.exercises.ch03_activations import functions as f
from course.exercises.ch03_activations import networks as n
from tests.exercises import explaining

SIGNATURES = {"collapse_linear": "weight1, bias1, weight2, bias2", "sigmoid": "x", "tanh": "x",
              "leaky_relu": "x, negative_slope=0.01", "softmax": "logits, dim=-1",
              "two_class_probability": "logits", "sigmoid_derivative": "x",
              "saturated_share": "pre_activations, activation, threshold=0.01",
              "gradient_through_stack": "x, depth, activation", "dead_unit_share": "layer, inputs",
              "build_mlp": "task, in_features, hidden_features, num_outputs"}
SHIFTED = "e = torch.exp(logits - logits.max(dim={}, keepdim=True).values)\n    "
STACK = ("leaf = x.detach().clone().requires_grad_(True)\n    out = leaf\n"
         "    for _ in range({}):\n        out = activation(out)\n    out.{}().backward()\n"
         "    return leaf.grad")
SLOPES = ("s = torch.sigmoid(pre_activations)\n    slope, peak = (s * (1 - s), 0.25) if activation"
          " == 'sigmoid' else (1 - torch.tanh(pre_activations) ** 2, 1.0)\n    ")
RELU = "a = torch.relu(layer(inputs))  # (batch, units)\n    return "
OUTPUTS = ("outputs = {{'binary': nn.{}(), 'multiclass': nn.Softmax(dim={}), "
           "'regression': nn.{}()}}\n    return nn.Sequential(nn.Linear(in_features, "
           "hidden_features), nn.ReLU(), nn.Linear(hidden_features, {}), outputs[task])")
ROWS = [
    (f.reversed_product, "collapse_linear", "return weight1 @ weight2, weight2 @ bias1 + bias2",
     "return weight2 @ weight1, bias1 + bias2", "reverse order"),
    (f.bias_skips_layer, "collapse_linear", "return weight2 @ weight1, bias1 + bias2",
     "return weight1 @ weight2, weight2 @ bias1 + bias2", "bias1 + bias2"),
    (f.overflowed, "sigmoid", "return torch.exp(x) / (1 + torch.exp(x))",
     "return 1 / (1 + torch.exp(x))", "overflowed"),
    (f.negated_input, "sigmoid", "return 1 / (1 + torch.exp(x))",
     "return torch.exp(x) / (1 + torch.exp(x))", "sign"),
    (f.lost_sign, "tanh", "d = torch.exp(-2 * x.abs())\n    return (1 - d) / (1 + d)",
     "return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))", "sign"),
    (f.overflowed, "tanh",
     "return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))",
     "d = torch.exp(-2 * x.abs())\n    return (1 - d) / (1 + d)", "overflowed"),
    (f.slope_on_positives, "leaky_relu", "return torch.where(x > 0, negative_slope * x, x)",
     "return torch.where(x > 0, x, 0.01 * x)", "negative inputs only"),
    (f.other_slope, "leaky_relu", "return torch.where(x > 0, x, 0.01 * x)",
     "return torch.where(x > 0, negative_slope * x, x)", "negative_slope ="),
    (f.sums_along_other_dim, "softmax",
     SHIFTED.format(-1) + "return e / e.sum(dim=-1, keepdim=True)",
     SHIFTED.format("None") + "return e / e.sum(dim=dim, keepdim=True)", "wrong dim"),
    (f.underflowed_rows, "softmax",
     "e = torch.exp(logits - logits.max())\n    return e / e.sum(dim=dim, keepdim=True)",
     "e = torch.exp(logits)\n    return e / e.sum(dim=dim, keepdim=True)", "own maximum"),
    (f.overflowed, "softmax", "e = torch.exp(logits)\n    return e / e.sum(dim=dim, keepdim=True)",
     SHIFTED.format(-1) + "return e / e.sum(dim=-1, keepdim=True)", "overflowed"),
    (f.class_one_logit_only, "two_class_probability", "return torch.sigmoid(logits[:, 1])",
     "return torch.sigmoid(logits[:, 1:] - logits[:, :1])", "column 1"),
    (f.class_zero, "two_class_probability",
     "return torch.sigmoid(logits[:, 0] - logits[:, 1])",
     "return torch.sigmoid(logits[:, 1] - logits[:, 0]).double()", "class 0"),
    (f.both_columns, "two_class_probability",
     "return torch.sigmoid(torch.stack([logits[:, 0] - logits[:, 1], logits[:, 1] - logits[:, "
     "0]], dim=1))", "return torch.sigmoid(logits[:, 1:] - logits[:, :1])", "both columns"),
    (f.sigmoid_itself, "sigmoid_derivative", "return torch.sigmoid(x)",
     "s = torch.sigmoid(x)\n    return s * (1 - s) * 4", "itself"),
    (f.sigmoid_itself, "sigmoid_derivative", "return 1 - torch.sigmoid(x)",
     "return torch.sigmoid(x) ** 2", "one factor"),
    (n.too_many_saturated, "saturated_share",
     SLOPES + "return (slope < threshold).float().mean().item()",
     SLOPES + "return (slope < 0.01 * peak).float().mean().item()", "steepest slope"),
    (n.one_layer_too_many, "gradient_through_stack", STACK.format("depth + 1", "sum"),
     STACK.format("depth", "mean"), "off by one"),
    (n.entries_counted, "dead_unit_share", RELU + "(a == 0).float().mean().item()",
     RELU + "(a == 0).all(dim=0).float().mean()", "not a whole number"),
    (n.dead_count, "dead_unit_share", RELU + "(a == 0).any(dim=0).float().mean().item()",
     RELU + "(a == 0).all(dim=0).float().mean()", "EVERY input"),
    (n.active_counted, "dead_unit_share", RELU + "(a > 0).any(dim=0).float().mean().item()",
     RELU + "(a == 0).all(dim=0).float().mean()", "active"),
    (n.dead_count, "dead_unit_share", RELU + "(a == 0).all(dim=1).float().mean().item()",
     RELU + "(a == 0).all(dim=0).float().mean()", "fewer"),
    (n.binary_not_probabilities, "build_mlp", OUTPUTS.format("Tanh", 1, "Identity", "num_outputs"),
     OUTPUTS.format("Sigmoid", 1, "ReLU", "num_outputs"), "probabilities lie in"),
    (n.rows_not_distributions, "build_mlp", OUTPUTS.format("Sigmoid", 0, "Identity", "num_outputs"),
     OUTPUTS.format("Sigmoid", 1, "ReLU", "num_outputs"), "wrong dim"),
    (n.clipped_regression, "build_mlp", OUTPUTS.format("Sigmoid", 1, "ReLU", "num_outputs"),
     OUTPUTS.format("Sigmoid", 1, "Identity", "hidden_features"), "never negative"),
    (n.other_output_size, "build_mlp", OUTPUTS.format("Sigmoid", 1, "Identity",
                                                      "hidden_features"),
     OUTPUTS.format("Tanh", 1, "Identity", "num_outputs"), "numbers per example"),
    (n.accepts_unknown_task, "build_mlp",
     OUTPUTS.format("Sigmoid", 1, "Identity", "num_outputs").replace(
         "outputs[task]", "outputs.get(task, nn.Identity())"),
     OUTPUTS.format("Tanh", 1, "Identity", "num_outputs"), "must raise"),
]

test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    ROWS, ids=[f"{row[0].__name__}-{row[4]}" for row in ROWS],
    source=lambda name, body: explaining.define(name, SIGNATURES[name], body))
