"""The most common wrong answer to each exercise of ch02_autograd (one per solution grade_id).

tests/grade/test_chapters.py puts all of them in one submission at once and requires every test cell
to score 0.
"""

WRONG_ANSWERS: dict[str, str] = {
    # backward on the mean instead of the sum: every derivative is divided by N
    "ex_pointwise_derivative": '''\
def pointwise_derivative(function, points):
    """Derivative of an element-wise function at many points."""
    tracked = points.detach().clone().requires_grad_(True)
    function(tracked).mean().backward()
    return tracked.grad
''',
    # the stale gradient is never zeroed: backward adds the new gradient to it
    "ex_fresh_gradient": '''\
def fresh_gradient(parameter, loss_function):
    """Gradient of one loss with respect to parameter."""
    loss_function(parameter).backward()
    return parameter.grad.clone()
''',
    # the sigmoid's slope p(1 - p) is left out of the chain
    "ex_neuron_gradients": '''\
def neuron_gradients(inputs, targets, weight, bias):
    """Gradient of the mean squared error of a sigmoid neuron, by hand."""
    prediction = torch.sigmoid(weight * inputs + bias)
    dloss_dz = 2 * (prediction - targets) / inputs.numel()
    return torch.stack([(dloss_dz * inputs).sum(), dloss_dz.sum()])
''',
    # the one-sided difference (f(x + eps) - f(x)) / eps: its error is of the order of eps
    "ex_numerical_gradient": '''\
def numerical_gradient(function, point, eps=1e-6):
    """Finite-difference estimate of the gradient of a scalar function."""
    nudged = point.detach().clone().reshape(-1)
    gradient = torch.zeros_like(nudged)
    base = function(point)
    for i in range(nudged.numel()):
        original = nudged[i].item()
        nudged[i] = original + eps
        gradient[i] = (function(nudged.reshape(point.shape)) - base) / eps
        nudged[i] = original
    return gradient.reshape(point.shape)
''',
    # wrong sign in the update: the point climbs the loss instead of descending it
    "ex_gradient_descent": '''\
def gradient_descent(loss_function, start, learning_rate, num_steps):
    """Minimise loss_function by gradient descent."""
    parameter = start.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(num_steps):
        loss = loss_function(parameter)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            parameter += learning_rate * parameter.grad
        parameter.grad.zero_()
    return parameter.detach(), losses
''',
    # the targets keep their (N,) shape, so MSELoss would broadcast against (N, 1) predictions
    "ex_to_training_tensors": '''\
def to_training_tensors(features, targets):
    """Convert raw NumPy data into tensors."""
    features_tensor = torch.from_numpy(features).float().reshape(-1, 1)
    targets_tensor = torch.from_numpy(targets).float()
    return features_tensor, targets_tensor
''',
    # shuffled by the global random generator: the order is not reproducible from the seed
    "ex_make_loader": '''\
def make_loader(features, targets, batch_size, seed):
    """A shuffling DataLoader."""
    dataset = TensorDataset(features, targets)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True)
''',
    # optimizer.zero_grad() is missing: gradients pile up across steps
    "ex_train_model": '''\
def train_model(model, loader, num_epochs, learning_rate):
    """Train model with mean squared error and SGD."""
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    epoch_losses = []
    for _ in range(num_epochs):
        batch_losses = []
        for features_batch, targets_batch in loader:
            loss = criterion(model(features_batch), targets_batch)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses
''',
    # the (N,) targets are compared with (N, 1) predictions: the loss broadcasts to (N, N)
    "ex_evaluate": '''\
def evaluate(model, features, targets):
    """Mean squared error and predictions of model."""
    with torch.no_grad():
        predictions = model(features)
        mse = nn.functional.mse_loss(predictions, targets)
    return mse.item(), predictions.reshape(-1).numpy()
''',
}
