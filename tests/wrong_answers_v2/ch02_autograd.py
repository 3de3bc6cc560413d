"""Wrong answers to every exercise of ch02_autograd, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_pointwise_derivative": [
        {
            "bug": "turns on requires_grad of the caller's points and returns their .grad",
            "bug_class": "gradient left on the caller's tensor",
            "mistakes": ("gradient", "modified_input"),
            "names": ("requires_grad", "gradient", "modified its input"),
            "witness": 'differs("pointwise_derivative", torch.sin, torch.tensor([0.0, 1.0]))',
            "source": '''\
def pointwise_derivative(function, points):
    """Derivative of an element-wise function at many points, computed with autograd.

    Args:
        function: a callable that maps a tensor to a tensor of the same shape, element by
            element (for example ``torch.sin`` or ``lambda t: t ** 3``).
        points: float tensor of any shape and dtype, with ``requires_grad`` False.

    Returns:
        A tensor with the same shape and dtype as ``points`` holding f'(x) at every point, with
        ``requires_grad`` False. ``points`` itself is left unchanged (it still does not require
        grad).
    """
    points.requires_grad_(True)
    function(points).sum().backward()
    return points.grad
''',
        },
        {
            "bug": (
                "torch.autograd.grad with create_graph=True: the result is part of a graph and "
                "requires grad"
            ),
            "bug_class": "result still in a graph",
            "mistakes": ("graph", "gradient"),
            "names": ("requires_grad", "require grad", "graph", "detach"),
            "witness": 'differs("pointwise_derivative", torch.sin, torch.tensor([0.0, 1.0]))',
            "source": '''\
def pointwise_derivative(function, points):
    """Derivative of an element-wise function at many points, computed with autograd.

    Args:
        function: a callable that maps a tensor to a tensor of the same shape, element by
            element (for example ``torch.sin`` or ``lambda t: t ** 3``).
        points: float tensor of any shape and dtype, with ``requires_grad`` False.

    Returns:
        A tensor with the same shape and dtype as ``points`` holding f'(x) at every point, with
        ``requires_grad`` False. ``points`` itself is left unchanged (it still does not require
        grad).
    """
    tracked = points.detach().clone().requires_grad_(True)
    (derivative,) = torch.autograd.grad(function(tracked).sum(), tracked,
                                        create_graph=True)
    return derivative
''',
        },
        {
            "bug": "calls .float() on the copy: float64 points give float32 derivatives",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float64"),
            "witness": (
                'differs("pointwise_derivative", torch.sin, torch.tensor([0.5, 1.0], '
                "dtype=torch.float64))"
            ),
            "source": '''\
def pointwise_derivative(function, points):
    """Derivative of an element-wise function at many points, computed with autograd.

    Args:
        function: a callable that maps a tensor to a tensor of the same shape, element by
            element (for example ``torch.sin`` or ``lambda t: t ** 3``).
        points: float tensor of any shape and dtype, with ``requires_grad`` False.

    Returns:
        A tensor with the same shape and dtype as ``points`` holding f'(x) at every point, with
        ``requires_grad`` False. ``points`` itself is left unchanged (it still does not require
        grad).
    """
    tracked = points.detach().float().requires_grad_(True)
    function(tracked).sum().backward()
    return tracked.grad
''',
        },
    ],
    "ex_fresh_gradient": [
        {
            "bug": (
                "returns parameter.grad itself: the next call zeroes and overwrites the "
                "gradient this call returned"
            ),
            "bug_class": "state: returned tensor changes on a second call",
            "mistakes": ("second_call",),
            "names": ("second call", "clone", "copy"),
            "witness": (
                "differs_call(lambda ns: (lambda p: (ns.fresh_gradient(p, lambda q: (q ** "
                "2).sum()), ns.fresh_gradient(p, lambda q: (3 * "
                "q).sum()))[0])(torch.tensor([1.0, 2.0], requires_grad=True)))"
            ),
            "source": '''\
def fresh_gradient(parameter, loss_function):
    """Gradient of one loss with respect to ``parameter``, without any stale contribution.

    Args:
        parameter: a leaf tensor with ``requires_grad=True``; its ``.grad`` is either ``None`` or
            holds a gradient left over from an earlier ``backward`` call.
        loss_function: a callable mapping ``parameter`` to a scalar (0-dim) tensor.

    Returns:
        A new tensor, same shape and dtype as ``parameter``: the gradient of
        ``loss_function(parameter)``. Afterwards ``parameter.grad`` holds the same values.
    """
    if parameter.grad is not None:
        parameter.grad.zero_()
    loss_function(parameter).backward()
    return parameter.grad
''',
        },
        {
            "bug": (
                "torch.autograd.grad returns the right gradient but parameter.grad is never "
                "updated (it keeps the stale one)"
            ),
            "bug_class": "contract: .grad not stored",
            "mistakes": ("gradient",),
            "names": ("parameter.grad",),
            "witness": (
                "differs_call(lambda ns: (lambda p: (ns.fresh_gradient(p, lambda q: (q ** "
                "2).sum()), p.grad))(torch.tensor([1.0, 2.0], requires_grad=True)))"
            ),
            "source": '''\
def fresh_gradient(parameter, loss_function):
    """Gradient of one loss with respect to ``parameter``, without any stale contribution.

    Args:
        parameter: a leaf tensor with ``requires_grad=True``; its ``.grad`` is either ``None`` or
            holds a gradient left over from an earlier ``backward`` call.
        loss_function: a callable mapping ``parameter`` to a scalar (0-dim) tensor.

    Returns:
        A new tensor, same shape and dtype as ``parameter``: the gradient of
        ``loss_function(parameter)``. Afterwards ``parameter.grad`` holds the same values.
    """
    return torch.autograd.grad(loss_function(parameter), parameter)[0]
''',
        },
        {
            "bug": "zeroes the gradient without checking for None: raises on a fresh parameter",
            "bug_class": "raises when .grad is None",
            "mistakes": ("raised",),
            "names": ("AttributeError", "grad is None"),
            "witness": (
                'differs("fresh_gradient", torch.tensor([1.0, 2.0], requires_grad=True), '
                "lambda q: (q ** 2).sum())"
            ),
            "source": '''\
def fresh_gradient(parameter, loss_function):
    """Gradient of one loss with respect to ``parameter``, without any stale contribution.

    Args:
        parameter: a leaf tensor with ``requires_grad=True``; its ``.grad`` is either ``None`` or
            holds a gradient left over from an earlier ``backward`` call.
        loss_function: a callable mapping ``parameter`` to a scalar (0-dim) tensor.

    Returns:
        A new tensor, same shape and dtype as ``parameter``: the gradient of
        ``loss_function(parameter)``. Afterwards ``parameter.grad`` holds the same values.
    """
    parameter.grad.zero_()
    loss_function(parameter).backward()
    return parameter.grad.clone()
''',
        },
    ],
    "ex_neuron_gradients": [
        {
            "bug": "sums the per-example gradients instead of averaging them (no 1/N)",
            "bug_class": "sum instead of mean",
            "mistakes": ("mean_sum", "factor"),
            "names": (
                "sum instead of mean",
                "factor",
                "1/N",
                "divide by N",
                "instead of averaging",
            ),
            "witness": (
                'differs("neuron_gradients", torch.tensor([0.5, -1.0, 2.0], '
                "dtype=torch.float64), torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64), "
                "0.3, -0.2)"
            ),
            "source": '''\
def neuron_gradients(inputs, targets, weight, bias):
    """Gradient of the mean squared error of a sigmoid neuron, by the chain rule (no autograd).

    Args:
        inputs: tensor of shape ``(N,)``, float64, the x_i.
        targets: tensor of shape ``(N,)``, float64, the t_i (between 0 and 1).
        weight: Python float, w.
        bias: Python float, b.

    Returns:
        float64 tensor of shape ``(2,)``: ``[dL/dw, dL/db]`` for
        L = mean((sigmoid(w * x + b) - t) ** 2).
    """
    prediction = torch.sigmoid(weight * inputs + bias)
    dloss_dz = 2 * (prediction - targets) * prediction * (1 - prediction)
    return torch.stack([(dloss_dz * inputs).sum(), dloss_dz.sum()])
''',
        },
        {
            "bug": "differentiates (t - p)^2 as 2 (t - p): the gradient points the wrong way",
            "bug_class": "sign",
            "mistakes": ("sign",),
            "names": ("sign",),
            "witness": (
                'differs("neuron_gradients", torch.tensor([0.5, -1.0, 2.0], '
                "dtype=torch.float64), torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64), "
                "0.3, -0.2)"
            ),
            "source": '''\
def neuron_gradients(inputs, targets, weight, bias):
    """Gradient of the mean squared error of a sigmoid neuron, by the chain rule (no autograd).

    Args:
        inputs: tensor of shape ``(N,)``, float64, the x_i.
        targets: tensor of shape ``(N,)``, float64, the t_i (between 0 and 1).
        weight: Python float, w.
        bias: Python float, b.

    Returns:
        float64 tensor of shape ``(2,)``: ``[dL/dw, dL/db]`` for
        L = mean((sigmoid(w * x + b) - t) ** 2).
    """
    prediction = torch.sigmoid(weight * inputs + bias)
    dloss_dprediction = 2 * (targets - prediction) / inputs.numel()
    dloss_dz = dloss_dprediction * prediction * (1 - prediction)
    return torch.stack([(dloss_dz * inputs).sum(), dloss_dz.sum()])
''',
        },
        {
            "bug": "returns the two derivatives as a tuple of Python floats",
            "bug_class": "wrong return type (tuple of floats)",
            "mistakes": ("return_type", "number_type"),
            "names": ("should return", "tensor"),
            "witness": (
                'differs("neuron_gradients", torch.tensor([0.5, -1.0, 2.0], '
                "dtype=torch.float64), torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64), "
                "0.3, -0.2)"
            ),
            "source": '''\
def neuron_gradients(inputs, targets, weight, bias):
    """Gradient of the mean squared error of a sigmoid neuron, by the chain rule (no autograd).

    Args:
        inputs: tensor of shape ``(N,)``, float64, the x_i.
        targets: tensor of shape ``(N,)``, float64, the t_i (between 0 and 1).
        weight: Python float, w.
        bias: Python float, b.

    Returns:
        float64 tensor of shape ``(2,)``: ``[dL/dw, dL/db]`` for
        L = mean((sigmoid(w * x + b) - t) ** 2).
    """
    prediction = torch.sigmoid(weight * inputs + bias)
    dloss_dz = 2 * (prediction - targets) / inputs.numel() * prediction * (1 - prediction)
    return (dloss_dz * inputs).sum().item(), dloss_dz.sum().item()
''',
        },
    ],
    "ex_gradient_descent": [
        {
            "bug": "records each loss after its update instead of before it",
            "bug_class": "off by one",
            "mistakes": ("off_by_one",),
            "names": ("off by one", "after its update", "before the update", "before update"),
            "witness": (
                'differs("gradient_descent", lambda p: ((p - 3) ** 2).sum(), '
                "torch.tensor([0.0, 1.0]), 0.1, 3)"
            ),
            "source": '''\
def gradient_descent(loss_function, start, learning_rate, num_steps):
    """Minimise ``loss_function`` by plain gradient descent, written by hand.

    Args:
        loss_function: a callable mapping a parameter tensor (shape of ``start``) to a scalar
            tensor.
        start: float tensor of any shape, the starting point (``requires_grad`` False; leave it
            unchanged).
        learning_rate: Python float, the step size η.
        num_steps: int, the number of updates (0 is allowed).

    Returns:
        ``(final_point, losses)``: ``final_point`` is a tensor of the shape and dtype of
        ``start`` that does not require grad; ``losses`` is a list of ``num_steps`` Python floats,
        ``losses[k]`` being the loss just before update ``k``.
    """
    parameter = start.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(num_steps):
        loss_function(parameter).backward()
        with torch.no_grad():
            parameter -= learning_rate * parameter.grad
        parameter.grad.zero_()
        losses.append(loss_function(parameter).item())
    return parameter.detach(), losses
''',
        },
        {
            "bug": "optimises start itself: the caller's tensor is moved and left requiring grad",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input", "gradient"),
            "names": ("modified its input", "copy of start", "requires_grad"),
            "witness": (
                'differs("gradient_descent", lambda p: ((p - 3) ** 2).sum(), '
                "torch.tensor([0.0, 1.0]), 0.1, 3)"
            ),
            "source": '''\
def gradient_descent(loss_function, start, learning_rate, num_steps):
    """Minimise ``loss_function`` by plain gradient descent, written by hand.

    Args:
        loss_function: a callable mapping a parameter tensor (shape of ``start``) to a scalar
            tensor.
        start: float tensor of any shape, the starting point (``requires_grad`` False; leave it
            unchanged).
        learning_rate: Python float, the step size η.
        num_steps: int, the number of updates (0 is allowed).

    Returns:
        ``(final_point, losses)``: ``final_point`` is a tensor of the shape and dtype of
        ``start`` that does not require grad; ``losses`` is a list of ``num_steps`` Python floats,
        ``losses[k]`` being the loss just before update ``k``.
    """
    parameter = start.requires_grad_(True)
    losses = []
    for _ in range(num_steps):
        loss = loss_function(parameter)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            parameter -= learning_rate * parameter.grad
        parameter.grad.zero_()
    return parameter.detach(), losses
''',
        },
        {
            "bug": "keeps the loss tensors (with their graphs) instead of Python floats",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "graph"),
            "names": ("Python float", "item()"),
            "witness": (
                'differs("gradient_descent", lambda p: ((p - 3) ** 2).sum(), '
                "torch.tensor([0.0, 1.0]), 0.1, 3)"
            ),
            "source": '''\
def gradient_descent(loss_function, start, learning_rate, num_steps):
    """Minimise ``loss_function`` by plain gradient descent, written by hand.

    Args:
        loss_function: a callable mapping a parameter tensor (shape of ``start``) to a scalar
            tensor.
        start: float tensor of any shape, the starting point (``requires_grad`` False; leave it
            unchanged).
        learning_rate: Python float, the step size η.
        num_steps: int, the number of updates (0 is allowed).

    Returns:
        ``(final_point, losses)``: ``final_point`` is a tensor of the shape and dtype of
        ``start`` that does not require grad; ``losses`` is a list of ``num_steps`` Python floats,
        ``losses[k]`` being the loss just before update ``k``.
    """
    parameter = start.detach().clone().requires_grad_(True)
    losses = []
    for _ in range(num_steps):
        loss = loss_function(parameter)
        losses.append(loss)
        loss.backward()
        with torch.no_grad():
            parameter -= learning_rate * parameter.grad
        parameter.grad.zero_()
    return parameter.detach(), losses
''',
        },
    ],
    "ex_to_training_tensors": [
        {
            "bug": "torch.from_numpy keeps float64",
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float32"),
            "witness": (
                'differs("to_training_tensors", np.array([1.0, 2.0, 3.5]), np.array([0.5, '
                "0.25, 1.0]))"
            ),
            "source": '''\
def to_training_tensors(features, targets):
    """Convert raw NumPy data into tensors ready for ``nn.Linear(1, 1)`` and ``nn.MSELoss``.

    Args:
        features: NumPy array of shape ``(N,)``, dtype float64.
        targets: NumPy array of shape ``(N,)``, dtype float64.

    Returns:
        ``(features_tensor, targets_tensor)``: two float32 tensors of shape ``(N, 1)``, with the
        same values (rounded to float32).
    """
    return torch.from_numpy(features).reshape(-1, 1), torch.from_numpy(targets).reshape(-1, 1)
''',
        },
        {
            "bug": "unsqueeze(0): one row of N values, shape (1, N), instead of N rows",
            "bug_class": "transpose (row instead of column)",
            "mistakes": ("transpose", "shape", "size1"),
            "names": ("transpose", "shape"),
            "witness": (
                'differs("to_training_tensors", np.array([1.0, 2.0, 3.5]), np.array([0.5, '
                "0.25, 1.0]))"
            ),
            "source": '''\
def to_training_tensors(features, targets):
    """Convert raw NumPy data into tensors ready for ``nn.Linear(1, 1)`` and ``nn.MSELoss``.

    Args:
        features: NumPy array of shape ``(N,)``, dtype float64.
        targets: NumPy array of shape ``(N,)``, dtype float64.

    Returns:
        ``(features_tensor, targets_tensor)``: two float32 tensors of shape ``(N, 1)``, with the
        same values (rounded to float32).
    """
    features_tensor = torch.tensor(features, dtype=torch.float32).unsqueeze(0)
    targets_tensor = torch.tensor(targets, dtype=torch.float32).unsqueeze(0)
    return features_tensor, targets_tensor
''',
        },
        {
            "bug": "standardises the features 'to make them ready for training': other values",
            "bug_class": "extra operation (standardise)",
            "mistakes": (),
            "names": ("standardi", "normali", "same values"),
            "witness": (
                'differs("to_training_tensors", np.array([1.0, 2.0, 3.5]), np.array([0.5, '
                "0.25, 1.0]))"
            ),
            "source": '''\
def to_training_tensors(features, targets):
    """Convert raw NumPy data into tensors ready for ``nn.Linear(1, 1)`` and ``nn.MSELoss``.

    Args:
        features: NumPy array of shape ``(N,)``, dtype float64.
        targets: NumPy array of shape ``(N,)``, dtype float64.

    Returns:
        ``(features_tensor, targets_tensor)``: two float32 tensors of shape ``(N, 1)``, with the
        same values (rounded to float32).
    """
    features_tensor = torch.tensor(features, dtype=torch.float32).reshape(-1, 1)
    features_tensor = (features_tensor - features_tensor.mean()) / features_tensor.std()
    targets_tensor = torch.tensor(targets, dtype=torch.float32).reshape(-1, 1)
    return features_tensor, targets_tensor
''',
        },
    ],
    "ex_make_loader": [
        {
            "bug": "shuffle=False: the batches come in file order every epoch",
            "bug_class": "not shuffled",
            "mistakes": (),
            "names": ("shuffle",),
            "witness": (
                "differs_call(lambda ns: (lambda loader: [list(loader) for _ in "
                "range(2)])(ns.make_loader(torch.arange(10.0), torch.arange(10.0) * 2, 4, 0)))"
            ),
            "source": '''\
def make_loader(features, targets, batch_size, seed):
    """A shuffling DataLoader whose order depends only on ``seed``.

    Args:
        features: tensor of shape ``(N, ...)``.
        targets: tensor of shape ``(N, ...)`` (same N).
        batch_size: int, samples per batch (the last batch may be smaller).
        seed: int, seed of the loader's own ``torch.Generator``.

    Returns:
        A ``torch.utils.data.DataLoader`` yielding ``(features_batch, targets_batch)`` pairs,
        reshuffled every epoch.
    """
    dataset = TensorDataset(features, targets)
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=False, generator=generator)
''',
        },
        {
            "bug": "shuffles the data once: every epoch then repeats the same order",
            "bug_class": "state: same order every epoch",
            "mistakes": (),
            "names": ("every epoch", "second epoch", "reshuffle"),
            "witness": (
                "differs_call(lambda ns: (lambda loader: [list(loader) for _ in "
                "range(2)])(ns.make_loader(torch.arange(10.0), torch.arange(10.0) * 2, 4, 0)))"
            ),
            "source": '''\
def make_loader(features, targets, batch_size, seed):
    """A shuffling DataLoader whose order depends only on ``seed``.

    Args:
        features: tensor of shape ``(N, ...)``.
        targets: tensor of shape ``(N, ...)`` (same N).
        batch_size: int, samples per batch (the last batch may be smaller).
        seed: int, seed of the loader's own ``torch.Generator``.

    Returns:
        A ``torch.utils.data.DataLoader`` yielding ``(features_batch, targets_batch)`` pairs,
        reshuffled every epoch.
    """
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(features), generator=generator)
    return DataLoader(TensorDataset(features[order], targets[order]),
                      batch_size=batch_size)
''',
        },
        {
            "bug": "drop_last=True: the last, smaller batch is thrown away",
            "bug_class": "off by one (last batch dropped)",
            "mistakes": ("off_by_one",),
            "names": ("drop_last", "last batch"),
            "witness": (
                "differs_call(lambda ns: (lambda loader: [list(loader) for _ in "
                "range(2)])(ns.make_loader(torch.arange(10.0), torch.arange(10.0) * 2, 4, 0)))"
            ),
            "source": '''\
def make_loader(features, targets, batch_size, seed):
    """A shuffling DataLoader whose order depends only on ``seed``.

    Args:
        features: tensor of shape ``(N, ...)``.
        targets: tensor of shape ``(N, ...)`` (same N).
        batch_size: int, samples per batch (the last batch may be smaller).
        seed: int, seed of the loader's own ``torch.Generator``.

    Returns:
        A ``torch.utils.data.DataLoader`` yielding ``(features_batch, targets_batch)`` pairs,
        reshuffled every epoch.
    """
    dataset = TensorDataset(features, targets)
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=generator,
                      drop_last=True)
''',
        },
    ],
    "ex_train_model": [
        {
            "bug": "reports the last batch's loss of each epoch instead of the mean of its batches",
            "bug_class": "wrong reduction (last value instead of mean)",
            "mistakes": (),
            "names": ("last batch", "every batch", "mean of its batch", "average the batch losses"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_model(model, "
                "[(torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])), "
                "(torch.tensor([[3.0]]), torch.tensor([[6.5]]))], 3, 0.05), "
                "model.state_dict()))(nn.Linear(1, 1)))"
            ),
            "source": '''\
def train_model(model, loader, num_epochs, learning_rate):
    """Train ``model`` in place with mean squared error and plain SGD.

    Args:
        model: an ``nn.Module`` (for example ``nn.Linear(1, 1)``) mapping a features batch to
            predictions of the targets' shape.
        loader: iterable of ``(features_batch, targets_batch)`` pairs, float32, e.g. a
            ``DataLoader``; one pass over it is one epoch.
        num_epochs: int, the number of passes over ``loader``.
        learning_rate: float, the SGD learning rate.

    Returns:
        A list of ``num_epochs`` Python floats: for each epoch, the mean of its batch losses.
    """
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    epoch_losses = []
    for _ in range(num_epochs):
        for features_batch, targets_batch in loader:
            optimizer.zero_grad()
            loss = criterion(model(features_batch), targets_batch)
            loss.backward()
            optimizer.step()
        epoch_losses.append(loss.item())
    return epoch_losses
''',
        },
        {
            "bug": "averages the loss tensors themselves: the list holds tensors, not floats",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type", "graph"),
            "names": ("Python float", "item()"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_model(model, "
                "[(torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])), "
                "(torch.tensor([[3.0]]), torch.tensor([[6.5]]))], 3, 0.05), "
                "model.state_dict()))(nn.Linear(1, 1)))"
            ),
            "source": '''\
def train_model(model, loader, num_epochs, learning_rate):
    """Train ``model`` in place with mean squared error and plain SGD.

    Args:
        model: an ``nn.Module`` (for example ``nn.Linear(1, 1)``) mapping a features batch to
            predictions of the targets' shape.
        loader: iterable of ``(features_batch, targets_batch)`` pairs, float32, e.g. a
            ``DataLoader``; one pass over it is one epoch.
        num_epochs: int, the number of passes over ``loader``.
        learning_rate: float, the SGD learning rate.

    Returns:
        A list of ``num_epochs`` Python floats: for each epoch, the mean of its batch losses.
    """
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    epoch_losses = []
    for _ in range(num_epochs):
        batch_losses = []
        for features_batch, targets_batch in loader:
            optimizer.zero_grad()
            loss = criterion(model(features_batch), targets_batch)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss)
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses
''',
        },
        {
            "bug": "adds up the batch losses of an epoch instead of averaging them",
            "bug_class": "sum instead of mean",
            "mistakes": ("mean_sum", "factor"),
            "names": ("sum instead of mean", "factor", "average the batch losses"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_model(model, "
                "[(torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])), "
                "(torch.tensor([[3.0]]), torch.tensor([[6.5]]))], 3, 0.05), "
                "model.state_dict()))(nn.Linear(1, 1)))"
            ),
            "source": '''\
def train_model(model, loader, num_epochs, learning_rate):
    """Train ``model`` in place with mean squared error and plain SGD.

    Args:
        model: an ``nn.Module`` (for example ``nn.Linear(1, 1)``) mapping a features batch to
            predictions of the targets' shape.
        loader: iterable of ``(features_batch, targets_batch)`` pairs, float32, e.g. a
            ``DataLoader``; one pass over it is one epoch.
        num_epochs: int, the number of passes over ``loader``.
        learning_rate: float, the SGD learning rate.

    Returns:
        A list of ``num_epochs`` Python floats: for each epoch, the mean of its batch losses.
    """
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    epoch_losses = []
    for _ in range(num_epochs):
        total = 0.0
        for features_batch, targets_batch in loader:
            optimizer.zero_grad()
            loss = criterion(model(features_batch), targets_batch)
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_losses.append(total)
    return epoch_losses
''',
        },
    ],
    "ex_evaluate": [
        {
            "bug": "no torch.no_grad(): the forward pass builds a graph (detached only at the end)",
            "bug_class": "graph built during evaluation",
            "mistakes": ("graph",),
            "names": ("graph", "no_grad"),
            "witness": (
                "differs_call(lambda ns: (lambda spy: (ns.evaluate(spy, torch.ones(3, 2), "
                "torch.zeros(3)), spy.grad_enabled))(GradModeSpy(nn.Linear(2, 1))))"
            ),
            "source": '''\
def evaluate(model, features, targets):
    """Mean squared error and predictions of ``model``, without building a graph.

    Args:
        model: an ``nn.Module`` mapping ``(N, F)`` float32 features to ``(N, 1)`` predictions.
        features: float32 tensor of shape ``(N, F)``.
        targets: float32 tensor of shape ``(N,)``.

    Returns:
        ``(mse, predictions)``: ``mse`` is a Python float, the mean of (prediction_i - target_i)²;
        ``predictions`` is a NumPy float32 array of shape ``(N,)``. The model's parameters and
        their ``.grad`` are left unchanged.
    """
    predictions = model(features)
    mse = nn.functional.mse_loss(predictions, targets.view(-1, 1))
    return mse.item(), predictions.detach().reshape(-1).numpy()
''',
        },
        {
            "bug": "returns the mse as a 0-dim tensor instead of a Python float",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type",),
            "names": ("Python float", "item()"),
            "witness": 'differs("evaluate", nn.Linear(2, 1), torch.ones(3, 2), torch.zeros(3))',
            "source": '''\
def evaluate(model, features, targets):
    """Mean squared error and predictions of ``model``, without building a graph.

    Args:
        model: an ``nn.Module`` mapping ``(N, F)`` float32 features to ``(N, 1)`` predictions.
        features: float32 tensor of shape ``(N, F)``.
        targets: float32 tensor of shape ``(N,)``.

    Returns:
        ``(mse, predictions)``: ``mse`` is a Python float, the mean of (prediction_i - target_i)²;
        ``predictions`` is a NumPy float32 array of shape ``(N,)``. The model's parameters and
        their ``.grad`` are left unchanged.
    """
    with torch.no_grad():
        predictions = model(features)
        mse = nn.functional.mse_loss(predictions, targets.view(-1, 1))
    return mse, predictions.reshape(-1).numpy()
''',
        },
        {
            "bug": "returns the predictions as an (N, 1) array instead of (N,)",
            "bug_class": "extra size-1 dimension",
            "mistakes": ("size1", "shape"),
            "names": ("size-1 dimension", "shape"),
            "witness": 'differs("evaluate", nn.Linear(2, 1), torch.ones(3, 2), torch.zeros(3))',
            "source": '''\
def evaluate(model, features, targets):
    """Mean squared error and predictions of ``model``, without building a graph.

    Args:
        model: an ``nn.Module`` mapping ``(N, F)`` float32 features to ``(N, 1)`` predictions.
        features: float32 tensor of shape ``(N, F)``.
        targets: float32 tensor of shape ``(N,)``.

    Returns:
        ``(mse, predictions)``: ``mse`` is a Python float, the mean of (prediction_i - target_i)²;
        ``predictions`` is a NumPy float32 array of shape ``(N,)``. The model's parameters and
        their ``.grad`` are left unchanged.
    """
    with torch.no_grad():
        predictions = model(features)
        mse = nn.functional.mse_loss(predictions, targets.view(-1, 1))
    return mse.item(), predictions.numpy()
''',
        },
    ],
    "ex_numerical_gradient": [
        {
            "bug": "nudges point itself in place and never puts the element back",
            "bug_class": "modifies its input",
            "mistakes": ("modified_input",),
            "names": ("modified", "left unchanged", "unchanged", "copy", "clone"),
            "witness": (
                'differs("numerical_gradient", lambda x: (x ** 2).sum(), torch.tensor([1.0, '
                "-2.0], dtype=torch.float64), 0.1)"
            ),
            "source": '''\
def numerical_gradient(function, point, eps=1e-6):
    """Central-difference estimate of the gradient of a scalar function, without autograd.

    Args:
        function: a callable mapping a tensor shaped like ``point`` to a scalar (0-dim) tensor;
            it does not change its argument.
        point: float64 tensor of any shape, a 0-dim tensor included, with at least one element;
            ``requires_grad`` False. It must be left unchanged.
        eps: Python float > 0, the step ε.

    Returns:
        A float64 tensor shaped like ``point`` whose element i is
        (f(point + ε eᵢ) − f(point − ε eᵢ)) / (2ε), where eᵢ is 1 at element i and 0 elsewhere.
        No ``backward`` and no ``torch.autograd``: only evaluations of ``function``.
    """
    gradient = torch.zeros_like(point)
    flat_point, flat_gradient = point.view(-1), gradient.view(-1)
    for i in range(flat_point.numel()):
        flat_point[i] += eps
        above = function(point)
        flat_point[i] -= 2 * eps
        below = function(point)
        flat_gradient[i] = (above - below) / (2 * eps)
    return gradient
''',
        },
        {
            "bug": "divides the central difference by eps instead of 2 eps",
            "bug_class": "constant factor",
            "mistakes": ("factor",),
            "names": ("factor of 2", "2ε", "2 * eps", "2*eps", "2 eps"),
            "witness": (
                'differs("numerical_gradient", lambda x: (x ** 2).sum(), torch.tensor([1.0, '
                "-2.0], dtype=torch.float64))"
            ),
            "source": '''\
def numerical_gradient(function, point, eps=1e-6):
    """Central-difference estimate of the gradient of a scalar function, without autograd.

    Args:
        function: a callable mapping a tensor shaped like ``point`` to a scalar (0-dim) tensor;
            it does not change its argument.
        point: float64 tensor of any shape, a 0-dim tensor included, with at least one element;
            ``requires_grad`` False. It must be left unchanged.
        eps: Python float > 0, the step ε.

    Returns:
        A float64 tensor shaped like ``point`` whose element i is
        (f(point + ε eᵢ) − f(point − ε eᵢ)) / (2ε), where eᵢ is 1 at element i and 0 elsewhere.
        No ``backward`` and no ``torch.autograd``: only evaluations of ``function``.
    """
    gradient = torch.zeros_like(point)
    for i in range(point.numel()):
        step = torch.zeros_like(point)
        step.view(-1)[i] = eps
        gradient.view(-1)[i] = (function(point + step) - function(point - step)) / eps
    return gradient
''',
        },
        {
            "bug": (
                "torch.zeros(point.shape) for the result: the gradient comes back float32"
            ),
            "bug_class": "dtype policy",
            "mistakes": ("dtype",),
            "names": ("dtype", "float64"),
            "witness": (
                'differs("numerical_gradient", lambda x: (x ** 2).sum(), torch.tensor([1.0, '
                "-2.0], dtype=torch.float64))"
            ),
            "source": '''\
def numerical_gradient(function, point, eps=1e-6):
    """Central-difference estimate of the gradient of a scalar function, without autograd.

    Args:
        function: a callable mapping a tensor shaped like ``point`` to a scalar (0-dim) tensor;
            it does not change its argument.
        point: float64 tensor of any shape, a 0-dim tensor included, with at least one element;
            ``requires_grad`` False. It must be left unchanged.
        eps: Python float > 0, the step ε.

    Returns:
        A float64 tensor shaped like ``point`` whose element i is
        (f(point + ε eᵢ) − f(point − ε eᵢ)) / (2ε), where eᵢ is 1 at element i and 0 elsewhere.
        No ``backward`` and no ``torch.autograd``: only evaluations of ``function``.
    """
    gradient = torch.zeros(point.shape)
    for i in range(point.numel()):
        step = torch.zeros_like(point)
        step.view(-1)[i] = eps
        gradient.view(-1)[i] = (function(point + step) - function(point - step)) / (2 * eps)
    return gradient
''',
        },
    ],
}
