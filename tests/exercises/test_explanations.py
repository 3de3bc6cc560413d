"""Every exercise-specific explanation fires on its mistake and not on an unrelated mistake.

Each row: the explanation, a wrong answer it must name (on at least one visible case, and in the
message the student sees), and another wrong answer of the same exercise on which it must stay
silent for every case. The answers are written here for the test only.
"""

from course.exercises import ch01_tensors as ch01
from course.exercises import ch02_autograd as ch02
from tests.exercises import explaining

DISTANCES = "d = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(dim=2)\n    "
ROWS = [
    (ch01.no_six, "dice_rolls", "torch.manual_seed(seed)\n    return torch.randint(1, 6, (n,))",
     "return torch.randint(1, 7, (n,))", "no roll is a 6"),
    (ch01.zero_rolls, "dice_rolls", "torch.manual_seed(seed)\n    return torch.randint(0, 6, (n,))",
     "torch.manual_seed(seed)\n    return torch.randint(1, 6, (n,))", "off by one"),
    (ch01.shared_memory, "snapshot", "return tensor.detach().numpy()",
     "return tensor.detach().numpy().astype('float64')", "shares memory"),
    (ch01.scaled_columns, "scale_rows_", "return matrix.mul_(factors)",
     "return matrix.mul_(factors.unsqueeze(1) * 2)", "not each row i by factors[i]"),
    (ch01.later_tie, "best_per_subject",
     "return scores.shape[0] - 1 - scores.flip(0).argmax(dim=0)",
     "return scores.argmin(dim=0)", "tie"),
    (ch01.means_along_columns, "center_rows", "return x - x.mean(dim=1)",
     "return x - x.mean(dim=1, keepdim=True) * 2", "wrong dim"),
    (ch01.means_along_columns, "center_rows", "return x - x.mean(dim=0, keepdim=True)",
     "return x - x.median(dim=1, keepdim=True).values", "column means"),
    (ch01.kept_equal_rows, "rows_where", "return data[data[:, column] >= threshold]",
     "return data[data[:, column] < threshold]", "equals the threshold"),
    (ch01.single_values, "rows_where", "return data[data > threshold]",
     "return data[data[:, column] >= threshold]", "1-D tensor"),
    (ch02.stale_gradient_added, "fresh_gradient",
     "loss_function(parameter).backward()\n    return parameter.grad.clone()",
     "if parameter.grad is not None:\n        parameter.grad.zero_()\n"
     "    loss_function(parameter).backward()\n    return parameter.grad",
     "stale gradient"),
    (ch02.gradients_pile_up, "fresh_gradient",
     "loss_function(parameter).backward()\n    return parameter.grad.clone()",
     "if parameter.grad is not None:\n        parameter.grad.zero_()\n"
     "    loss_function(parameter).backward()\n    return parameter.grad * 2", None),
    (ch02.returned_alias, "fresh_gradient",
     "if parameter.grad is not None:\n        parameter.grad.zero_()\n"
     "    loss_function(parameter).backward()\n    return parameter.grad",
     "loss_function(parameter).backward()\n    return parameter.grad.clone()", "a copy"),
    (ch02.climbing, "gradient_descent",
     "p = start.detach().clone().requires_grad_(True)\n    losses = []\n"
     "    for _ in range(num_steps):\n        loss = loss_function(p)\n"
     "        losses.append(loss.item())\n        loss.backward()\n"
     "        with torch.no_grad():\n            p += learning_rate * p.grad\n"
     "        p.grad.zero_()\n    return p.detach(), losses",
     "p = start.detach().clone().requires_grad_(True)\n    losses = []\n"
     "    for _ in range(num_steps):\n        loss = loss_function(p)\n"
     "        losses.append(loss.item())\n        loss.backward()\n"
     "        with torch.no_grad():\n            p -= learning_rate * p.grad\n"
     "    return p.detach(), losses", "sign"),
    (ch02.original_order, "make_loader",
     "return DataLoader(TensorDataset(features, targets), batch_size=batch_size)",
     "g = torch.Generator().manual_seed(seed)\n    return DataLoader(TensorDataset(features, "
     "targets), batch_size=batch_size, shuffle=True, generator=g, drop_last=True)",
     "original order"),
    (ch02.order_from_elsewhere, "make_loader",
     "torch.manual_seed(seed)\n    return DataLoader(TensorDataset(features, targets), "
     "batch_size=batch_size, shuffle=True)",
     "return DataLoader(TensorDataset(features, targets), batch_size=batch_size)",
     "global random generator"),
    (ch02.same_order_every_epoch, "make_loader",
     "class Reseeded(DataLoader):\n        def __iter__(self):\n"
     "            self.generator.manual_seed(seed)\n            return super().__iter__()\n"
     "    return Reseeded(TensorDataset(features, targets), batch_size=batch_size, "
     "shuffle=True, generator=torch.Generator())",
     "torch.manual_seed(seed)\n    return DataLoader(TensorDataset(features, targets), "
     "batch_size=batch_size, shuffle=True)", "same order"),
    (ch02.untrained, "train_model",
     "import copy\n    model = copy.deepcopy(model)\n"
     "    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)\n    losses = []\n"
     "    for _ in range(num_epochs):\n        batch = []\n        for x, y in loader:\n"
     "            optimizer.zero_grad()\n            loss = nn.functional.mse_loss(model(x), y)\n"
     "            loss.backward()\n            optimizer.step()\n"
     "            batch.append(loss.item())\n        losses.append(sum(batch) / len(batch))\n"
     "    return losses",
     "optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)\n    losses = []\n"
     "    for _ in range(num_epochs):\n        batch = []\n        for x, y in loader:\n"
     "            loss = nn.functional.mse_loss(model(x), y)\n"
     "            loss.backward()\n            optimizer.step()\n"
     "            batch.append(loss.item())\n        losses.append(sum(batch) / len(batch))\n"
     "    return losses", "did not change"),
    (ch02.built_graph, "evaluate",
     "p = model(features)\n    mse = nn.functional.mse_loss(p, targets.view(-1, 1))\n"
     "    return mse.item(), p.detach().reshape(-1).numpy()",
     "with torch.no_grad():\n        p = model(features)\n"
     "        mse = nn.functional.mse_loss(p, targets.view(-1, 1))\n"
     "    return mse.item() * 2, p.reshape(-1).numpy()", "graph"),
    (ch02.built_graph, "evaluate",
     "p = model(features)\n    mse = nn.functional.mse_loss(p, targets.view(-1, 1))\n"
     "    mse.backward()\n    return mse.item(), p.detach().reshape(-1).numpy()",
     "with torch.no_grad():\n        p = model(features)\n"
     "    return 0.0, p.reshape(-1).numpy()", "graph"),
    (ch02.every_pair, "evaluate",
     "with torch.no_grad():\n        p = model(features)\n"
     "        mse = nn.functional.mse_loss(p, targets)\n"
     "    return mse.item(), p.reshape(-1).numpy()",
     "with torch.no_grad():\n        p = model(features)\n"
     "        mse = nn.functional.l1_loss(p, targets.view(-1, 1))\n"
     "    return mse.item(), p.reshape(-1).numpy()", "size-1 dimension"),
    (ch01.farthest_centroid, "nearest_centroid",
     DISTANCES + "return d.argmax(dim=1)",
     DISTANCES + "return d.argmin(dim=0)", "FARTHEST"),
    (ch01.nearest_by_l1, "nearest_centroid",
     "return (points[:, None, :] - centroids[None, :, :]).abs().sum(dim=2).argmin(dim=1)",
     DISTANCES + "return d.argmax(dim=1)", "L1"),
    (ch01.later_equal_centroid, "nearest_centroid",
     DISTANCES + "return d.shape[1] - 1 - d.flip(1).argmin(dim=1)",
     DISTANCES + "return d.argmax(dim=1)", "tie"),
    (ch01.summed_over_centroids, "nearest_centroid",
     "return ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(dim=1).argmin(dim=1)",
     DISTANCES + "return d.argmax(dim=1)", "coordinates"),
    (ch01.one_per_centroid, "nearest_centroid",
     DISTANCES + "return d.argmin(dim=0)",
     DISTANCES + "return d.argmax(dim=1)", "wrong dim"),
    (ch01.rows_by_label, "label_scores", "return logits[labels]",
     "return logits.max(dim=1).values", "whole row"),
    (ch01.row_maxima, "label_scores", "return logits.max(dim=1).values",
     "return logits[labels]", "largest score"),
    (ch02.step_ignored, "numerical_gradient",
     "return numerical(function, point, 1e-6)",
     "return numerical(function, point, eps) * 2", "ignored"),
    (ch02.left_nudged, "numerical_gradient",
     "return left_nudged(function, point, eps)",
     "return one_sided(function, point, eps)", "left nudged"),
    (ch02.one_sided, "numerical_gradient",
     "return one_sided(function, point, eps)",
     "return numerical(function, point, 1e-6)", "one-sided"),
]
SIGNATURES = {"dice_rolls": "n, seed", "snapshot": "tensor", "scale_rows_": "matrix, factors",
              "best_per_subject": "scores", "center_rows": "x",
              "rows_where": "data, column, threshold",
              "fresh_gradient": "parameter, loss_function",
              "gradient_descent": "loss_function, start, learning_rate, num_steps",
              "make_loader": "features, targets, batch_size, seed",
              "train_model": "model, loader, num_epochs, learning_rate",
              "evaluate": "model, features, targets",
              "nearest_centroid": "points, centroids", "label_scores": "logits, labels",
              "numerical_gradient": "function, point, eps=1e-6"}
# Helpers the numerical_gradient answers call: a central and a one-sided difference.
HELPERS = {"numerical_gradient": """
def numerical(function, point, eps):
    flat = point.clone().reshape(-1)
    out = torch.zeros_like(flat)
    for i in range(flat.numel()):
        keep = flat[i].item()
        flat[i] = keep + eps
        above = function(flat.reshape(point.shape))
        flat[i] = keep - eps
        below = function(flat.reshape(point.shape))
        flat[i] = keep
        out[i] = (above - below) / (2 * eps)
    return out.reshape(point.shape)


def left_nudged(function, point, eps):
    flat = point.clone().reshape(-1)
    out = torch.zeros_like(flat)
    for i in range(flat.numel()):
        flat[i] += eps
        above = function(flat.reshape(point.shape))
        flat[i] -= 2 * eps
        out[i] = (above - function(flat.reshape(point.shape))) / (2 * eps)
    return out.reshape(point.shape)


def one_sided(function, point, eps):
    flat = point.clone().reshape(-1)
    out = torch.zeros_like(flat)
    base = function(point)
    for i in range(flat.numel()):
        keep = flat[i].item()
        flat[i] = keep + eps
        out[i] = (function(flat.reshape(point.shape)) - base) / eps
        flat[i] = keep
    return out.reshape(point.shape)
"""}



test_explanation_names_its_mistake_and_only_its_mistake = explaining.explanation_test(
    ROWS, ids=[f"{row[0].__name__}-{row[4]}" for row in ROWS],
    source=lambda name, body: (HELPERS.get(name, "") + "\n"
                               + explaining.define(name, SIGNATURES[name], body)))
