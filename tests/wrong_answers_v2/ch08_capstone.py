"""Wrong answers to every exercise of ch08_capstone, for measuring feedback (issue 15).

Written from the exercises' docstrings alone, three per exercise, each a different bug class and
none the one in tests/wrong_answers/. benchmarks/feedback_answers.py describes the keys.
"""

WRONG_ANSWERS: dict[str, list[dict]] = {
    "ex_split_indices": [
        {
            "bug": "cuts the validation rows first and the test rows after them",
            "bug_class": "wrong order",
            "mistakes": (),
            "names": ("first num_test", "test rows first", "wrong order"),
            "witness": 'differs("split_indices", 10, 0.2, 0.3, 0)',
            "source": '''\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    """Shuffle the row numbers 0 .. num_samples-1 and cut them into train, validation and test.

    Args:
        num_samples: number of rows (int).
        val_fraction, test_fraction: shares of the rows for validation and for test (floats).
        seed: seed of the generator that shuffles (int).

    Returns:
        (train_idx, val_idx, test_idx): int64 tensors of row numbers. Recipe:
        - shuffled = torch.randperm(num_samples, generator=torch.Generator().manual_seed(seed))
        - num_test = int(num_samples * test_fraction), num_val = int(num_samples * val_fraction)
        - test_idx is the first num_test entries of shuffled, val_idx the next num_val entries,
          train_idx all the remaining ones.
    """
    generator = torch.Generator().manual_seed(seed)
    shuffled = torch.randperm(num_samples, generator=generator)
    num_test = int(num_samples * test_fraction)
    num_val = int(num_samples * val_fraction)
    val_idx = shuffled[:num_val]
    test_idx = shuffled[num_val:num_val + num_test]
    train_idx = shuffled[num_val + num_test:]
    return train_idx, val_idx, test_idx
''',
        },
        {
            "bug": "round() instead of int(): 2.7 rows become 3",
            "bug_class": "rounding",
            "mistakes": (),
            "names": ("int(", "round"),
            "witness": 'differs("split_indices", 10, 0.27, 0.3, 0)',
            "source": '''\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    """Shuffle the row numbers 0 .. num_samples-1 and cut them into train, validation and test.

    Args:
        num_samples: number of rows (int).
        val_fraction, test_fraction: shares of the rows for validation and for test (floats).
        seed: seed of the generator that shuffles (int).

    Returns:
        (train_idx, val_idx, test_idx): int64 tensors of row numbers. Recipe:
        - shuffled = torch.randperm(num_samples, generator=torch.Generator().manual_seed(seed))
        - num_test = int(num_samples * test_fraction), num_val = int(num_samples * val_fraction)
        - test_idx is the first num_test entries of shuffled, val_idx the next num_val entries,
          train_idx all the remaining ones.
    """
    generator = torch.Generator().manual_seed(seed)
    shuffled = torch.randperm(num_samples, generator=generator)
    num_test = round(num_samples * test_fraction)
    num_val = round(num_samples * val_fraction)
    test_idx = shuffled[:num_test]
    val_idx = shuffled[num_test:num_test + num_val]
    train_idx = shuffled[num_test + num_val:]
    return train_idx, val_idx, test_idx
''',
        },
        {
            "bug": "shuffled[num_test:num_val]: the end of the validation slice forgets the offset",
            "bug_class": "slice bounds",
            "mistakes": ("shape",),
            "names": ("num_test + num_val", "slice", "empty"),
            "witness": 'differs("split_indices", 10, 0.2, 0.3, 0)',
            "source": '''\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    """Shuffle the row numbers 0 .. num_samples-1 and cut them into train, validation and test.

    Args:
        num_samples: number of rows (int).
        val_fraction, test_fraction: shares of the rows for validation and for test (floats).
        seed: seed of the generator that shuffles (int).

    Returns:
        (train_idx, val_idx, test_idx): int64 tensors of row numbers. Recipe:
        - shuffled = torch.randperm(num_samples, generator=torch.Generator().manual_seed(seed))
        - num_test = int(num_samples * test_fraction), num_val = int(num_samples * val_fraction)
        - test_idx is the first num_test entries of shuffled, val_idx the next num_val entries,
          train_idx all the remaining ones.
    """
    generator = torch.Generator().manual_seed(seed)
    shuffled = torch.randperm(num_samples, generator=generator)
    num_test = int(num_samples * test_fraction)
    num_val = int(num_samples * val_fraction)
    test_idx = shuffled[:num_test]
    val_idx = shuffled[num_test:num_val]
    train_idx = shuffled[num_test + num_val:]
    return train_idx, val_idx, test_idx
''',
        },
    ],
    "ex_scale_splits": [
        {
            "bug": "std with its default correction (sample std) instead of the population std",
            "bug_class": "wrong std (correction)",
            "mistakes": (),
            "names": ("correction", "population"),
            "witness": (
                'differs("scale_splits", torch.tensor([[1.0, 5.0], [3.0, 5.0], [8.0, 5.0]]), '
                "torch.tensor([[2.0, 5.0]]), torch.tensor([[0.0, 4.0]]))"
            ),
            "source": '''\
def scale_splits(train_features, val_features, test_features):
    """Standardise three splits with the mean and std of the TRAINING split only.

    Args:
        train_features: float tensor (train_rows, features).
        val_features: float tensor (val_rows, features).
        test_features: float tensor (test_rows, features).

    Returns:
        (train_scaled, val_scaled, test_scaled, mean, std): each split as (x - mean) / std, same
        shape and dtype as its input; mean and std have shape (features,) and are the per-feature
        mean and population std (correction=0) of train_features, with a std of 0 replaced by 1.
    """
    mean = train_features.mean(dim=0)
    std = train_features.std(dim=0)
    std = torch.where(std == 0, torch.ones_like(std), std)
    return ((train_features - mean) / std, (val_features - mean) / std,
            (test_features - mean) / std, mean, std)
''',
        },
        {
            "bug": "a constant feature's std of 0 is kept: division by zero gives nan and inf",
            "bug_class": "edge case (constant feature)",
            "mistakes": (),
            "names": (
                "std of 0",
                "constant feature",
                "division by zero",
                "divide by zero",
                "nan at",
                "gives nan",
            ),
            "witness": (
                'differs("scale_splits", torch.tensor([[1.0, 5.0], [3.0, 5.0], [8.0, 5.0]]), '
                "torch.tensor([[2.0, 5.0]]), torch.tensor([[0.0, 4.0]]))"
            ),
            "source": '''\
def scale_splits(train_features, val_features, test_features):
    """Standardise three splits with the mean and std of the TRAINING split only.

    Args:
        train_features: float tensor (train_rows, features).
        val_features: float tensor (val_rows, features).
        test_features: float tensor (test_rows, features).

    Returns:
        (train_scaled, val_scaled, test_scaled, mean, std): each split as (x - mean) / std, same
        shape and dtype as its input; mean and std have shape (features,) and are the per-feature
        mean and population std (correction=0) of train_features, with a std of 0 replaced by 1.
    """
    mean = train_features.mean(dim=0)
    std = train_features.std(dim=0, correction=0)
    return ((train_features - mean) / std, (val_features - mean) / std,
            (test_features - mean) / std, mean, std)
''',
        },
        {
            "bug": "one mean and std over the whole training tensor instead of per feature",
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim", "shape"),
            "names": ("wrong dim", "per feature", "dim=0"),
            "witness": (
                'differs("scale_splits", torch.tensor([[1.0, 5.0], [3.0, 5.0], [8.0, 5.0]]), '
                "torch.tensor([[2.0, 5.0]]), torch.tensor([[0.0, 4.0]]))"
            ),
            "source": '''\
def scale_splits(train_features, val_features, test_features):
    """Standardise three splits with the mean and std of the TRAINING split only.

    Args:
        train_features: float tensor (train_rows, features).
        val_features: float tensor (val_rows, features).
        test_features: float tensor (test_rows, features).

    Returns:
        (train_scaled, val_scaled, test_scaled, mean, std): each split as (x - mean) / std, same
        shape and dtype as its input; mean and std have shape (features,) and are the per-feature
        mean and population std (correction=0) of train_features, with a std of 0 replaced by 1.
    """
    mean = train_features.mean()
    std = train_features.std(correction=0)
    if std == 0:
        std = torch.ones_like(std)
    return ((train_features - mean) / std, (val_features - mean) / std,
            (test_features - mean) / std, mean, std)
''',
        },
    ],
    "ex_make_model": [
        {
            "bug": "the first layer hard-codes the 20 phone features instead of num_features",
            "bug_class": "ignores a hyper-parameter",
            "mistakes": ("shape",),
            "names": ("ignores num_features", "hard-coded 20", "in_features"),
            "witness": 'differs("make_model", 5, 8, 3, 0.3)',
            "source": '''\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    """A two-hidden-layer MLP for classification that outputs logits.

    Args:
        num_features: inputs per row.
        hidden_size: units in each of the two hidden layers.
        num_classes: outputs per row (one logit per class).
        dropout: probability p of the two nn.Dropout layers.

    Returns:
        An nn.Module (nn.Sequential is fine) mapping (batch, num_features) float32 to
        (batch, num_classes) logits: Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear.
        No softmax at the end.
    """
    return nn.Sequential(
        nn.Linear(20, hidden_size), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden_size, num_classes),
    )
''',
        },
        {
            "bug": "nn.Dropout() without the probability: always p = 0.5",
            "bug_class": "ignores a hyper-parameter (dropout)",
            "mistakes": (),
            "names": ("dropout probability", "Dropout(dropout)", "found p"),
            "witness": 'differs("make_model", 20, 32, 4, 0.3)',
            "source": '''\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    """A two-hidden-layer MLP for classification that outputs logits.

    Args:
        num_features: inputs per row.
        hidden_size: units in each of the two hidden layers.
        num_classes: outputs per row (one logit per class).
        dropout: probability p of the two nn.Dropout layers.

    Returns:
        An nn.Module (nn.Sequential is fine) mapping (batch, num_features) float32 to
        (batch, num_classes) logits: Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear.
        No softmax at the end.
    """
    return nn.Sequential(
        nn.Linear(num_features, hidden_size), nn.ReLU(), nn.Dropout(),
        nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Dropout(),
        nn.Linear(hidden_size, num_classes),
    )
''',
        },
        {
            "bug": "a ReLU after the last Linear: the logits can never be negative",
            "bug_class": "extra operation (activation on the output)",
            "mistakes": (),
            "names": ("ReLU after the last", "negative", "no activation after"),
            "witness": 'differs("make_model", 20, 32, 4, 0.3)',
            "source": '''\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    """A two-hidden-layer MLP for classification that outputs logits.

    Args:
        num_features: inputs per row.
        hidden_size: units in each of the two hidden layers.
        num_classes: outputs per row (one logit per class).
        dropout: probability p of the two nn.Dropout layers.

    Returns:
        An nn.Module (nn.Sequential is fine) mapping (batch, num_features) float32 to
        (batch, num_classes) logits: Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear.
        No softmax at the end.
    """
    return nn.Sequential(
        nn.Linear(num_features, hidden_size), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden_size, num_classes), nn.ReLU(),
    )
''',
        },
    ],
    "ex_train_model": [
        {
            "bug": "averages the batch losses without weighting them by the batch sizes",
            "bug_class": "unweighted mean",
            "mistakes": (),
            "names": ("weighted", "number of rows", "batch size"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_model(model, torch.randn(10, "
                "4), torch.randint(0, 3, (10,)), 2, 4, 0.01, 0), "
                "model.state_dict()))(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), "
                "nn.Dropout(0.3), nn.Linear(8, 3))))"
            ),
            "source": '''\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    """Train a classifier with mini-batches and return the mean training loss of each epoch.

    Args:
        model: an nn.Module mapping (batch, features) float32 to (batch, classes) logits.
        features: float32 tensor (rows, features), already standardised.
        labels: int64 tensor (rows,) of class indices.
        num_epochs, batch_size: ints.
        learning_rate: float, for torch.optim.Adam.
        seed: seed of the torch.Generator given to the DataLoader (shuffle=True).

    Returns:
        A list of num_epochs Python floats: for each epoch, the mean loss over all rows (each
        batch's loss.item() weighted by its number of rows, divided by the number of rows).

    Use TensorDataset + DataLoader(..., batch_size=batch_size, shuffle=True, generator=...),
    torch.optim.Adam(model.parameters(), lr=learning_rate), nn.CrossEntropyLoss(), call
    model.train() before training and show a tqdm progress bar over the epochs.
    """
    dataset = TensorDataset(features, labels)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()

    model.train()
    epoch_losses = []
    for _epoch in tqdm(range(num_epochs), desc="epochs"):
        batch_losses = []
        for batch_x, batch_y in loader:
            optimizer.zero_grad()
            loss = loss_function(model(batch_x), batch_y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses
''',
        },
        {
            "bug": (
                "never calls model.train(): a model that arrives in eval mode trains without "
                "dropout"
            ),
            "bug_class": "ignores the mode",
            "mistakes": (),
            "names": ("model.train()", "train()", "training mode"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_model(model, torch.randn(10, "
                "4), torch.randint(0, 3, (10,)), 2, 4, 0.01, 0), "
                "model.state_dict()))(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), "
                "nn.Dropout(0.3), nn.Linear(8, 3)).eval()))"
            ),
            "source": '''\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    """Train a classifier with mini-batches and return the mean training loss of each epoch.

    Args:
        model: an nn.Module mapping (batch, features) float32 to (batch, classes) logits.
        features: float32 tensor (rows, features), already standardised.
        labels: int64 tensor (rows,) of class indices.
        num_epochs, batch_size: ints.
        learning_rate: float, for torch.optim.Adam.
        seed: seed of the torch.Generator given to the DataLoader (shuffle=True).

    Returns:
        A list of num_epochs Python floats: for each epoch, the mean loss over all rows (each
        batch's loss.item() weighted by its number of rows, divided by the number of rows).

    Use TensorDataset + DataLoader(..., batch_size=batch_size, shuffle=True, generator=...),
    torch.optim.Adam(model.parameters(), lr=learning_rate), nn.CrossEntropyLoss(), call
    model.train() before training and show a tqdm progress bar over the epochs.
    """
    dataset = TensorDataset(features, labels)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()

    epoch_losses = []
    for _epoch in tqdm(range(num_epochs), desc="epochs"):
        total_loss = 0.0
        for batch_x, batch_y in loader:
            optimizer.zero_grad()
            loss = loss_function(model(batch_x), batch_y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch_y)
        epoch_losses.append(total_loss / len(dataset))
    return epoch_losses
''',
        },
        {
            "bug": "shuffle=True without the seeded generator: the run is not reproducible",
            "bug_class": "ignores the seed",
            "mistakes": ("second_call",),
            "names": ("generator", "second call", "not reproducible"),
            "witness": (
                "differs_call(lambda ns: (lambda model: (ns.train_model(model, torch.randn(10, "
                "4), torch.randint(0, 3, (10,)), 2, 4, 0.01, 0), "
                "model.state_dict()))(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), "
                "nn.Dropout(0.3), nn.Linear(8, 3))))"
            ),
            "source": '''\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    """Train a classifier with mini-batches and return the mean training loss of each epoch.

    Args:
        model: an nn.Module mapping (batch, features) float32 to (batch, classes) logits.
        features: float32 tensor (rows, features), already standardised.
        labels: int64 tensor (rows,) of class indices.
        num_epochs, batch_size: ints.
        learning_rate: float, for torch.optim.Adam.
        seed: seed of the torch.Generator given to the DataLoader (shuffle=True).

    Returns:
        A list of num_epochs Python floats: for each epoch, the mean loss over all rows (each
        batch's loss.item() weighted by its number of rows, divided by the number of rows).

    Use TensorDataset + DataLoader(..., batch_size=batch_size, shuffle=True, generator=...),
    torch.optim.Adam(model.parameters(), lr=learning_rate), nn.CrossEntropyLoss(), call
    model.train() before training and show a tqdm progress bar over the epochs.
    """
    dataset = TensorDataset(features, labels)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    model.train()
    epoch_losses = []
    for _epoch in tqdm(range(num_epochs), desc="epochs"):
        total_loss = 0.0
        for batch_x, batch_y in loader:
            optimizer.zero_grad()
            loss = loss_function(model(batch_x), batch_y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch_y)
        epoch_losses.append(total_loss / len(dataset))
    return epoch_losses
''',
        },
    ],
    "ex_predict": [
        {
            "bug": (
                "argmax(dim=0): the best row of each class instead of the best class of each "
                "row"
            ),
            "bug_class": "reduction over the wrong dim",
            "mistakes": ("wrong_dim", "shape"),
            "names": ("wrong dim", "dim=1"),
            "witness": 'differs("predict", nn.Sequential(nn.Linear(4, 3)), torch.randn(5, 4))',
            "source": '''\
def predict(model, features):
    """Predicted class of each row, with the model in evaluation mode and without autograd.

    Args:
        model: an nn.Module mapping (rows, features) to (rows, classes) logits.
        features: float32 tensor (rows, features), already standardised.

    Returns:
        int64 tensor (rows,): the index of the largest logit of each row. The model is left in
        evaluation mode.
    """
    model.eval()
    with torch.no_grad():
        logits = model(features)
    return logits.argmax(dim=0)
''',
        },
        {
            "bug": "no torch.no_grad(): the forward pass builds a graph",
            "bug_class": "graph built during evaluation",
            "mistakes": ("graph",),
            "names": ("graph", "no_grad", "autograd"),
            "witness": (
                "differs_call(lambda ns: (lambda spy: (ns.predict(spy, torch.randn(5, 4)), "
                "spy.grad_enabled))(GradModeSpy(nn.Linear(4, 3))))"
            ),
            "source": '''\
def predict(model, features):
    """Predicted class of each row, with the model in evaluation mode and without autograd.

    Args:
        model: an nn.Module mapping (rows, features) to (rows, classes) logits.
        features: float32 tensor (rows, features), already standardised.

    Returns:
        int64 tensor (rows,): the index of the largest logit of each row. The model is left in
        evaluation mode.
    """
    model.eval()
    return model(features).argmax(dim=1)
''',
        },
        {
            "bug": "returns max(dim=1): the (values, indices) pair",
            "bug_class": "wrong return type (tuple)",
            "mistakes": ("return_type",),
            "names": ("should return", "indices", "tuple"),
            "witness": 'differs("predict", nn.Sequential(nn.Linear(4, 3)), torch.randn(5, 4))',
            "source": '''\
def predict(model, features):
    """Predicted class of each row, with the model in evaluation mode and without autograd.

    Args:
        model: an nn.Module mapping (rows, features) to (rows, classes) logits.
        features: float32 tensor (rows, features), already standardised.

    Returns:
        int64 tensor (rows,): the index of the largest logit of each row. The model is left in
        evaluation mode.
    """
    model.eval()
    with torch.no_grad():
        logits = model(features)
    return logits.max(dim=1)
''',
        },
    ],
    "ex_evaluate": [
        {
            "bug": (
                "confusion[labels, predictions] += 1: repeated (label, prediction) pairs are "
                "counted once"
            ),
            "bug_class": "duplicates not accumulated",
            "mistakes": (),
            "names": ("accumulate", "index_put_", "repeated", "duplicate"),
            "witness": (
                'differs("evaluate", torch.tensor([0, 1, 1, 2, 0, 0]), torch.tensor([0, 1, 0, '
                "2, 0, 0]), 4)"
            ),
            "source": '''\
def evaluate(labels, predictions, num_classes):
    """Accuracy, per-class accuracy and confusion matrix of some predictions.

    Args:
        labels: int64 tensor (rows,) of true classes.
        predictions: int64 tensor (rows,) of predicted classes.
        num_classes: number of classes C.

    Returns:
        (accuracy, per_class_accuracy, confusion):
        - accuracy: Python float, the share of rows where prediction == label;
        - per_class_accuracy: float32 tensor (C,), for each true class the share of its rows
          predicted correctly (confusion diagonal / row sums), nan for a class with no rows;
        - confusion: int64 tensor (C, C), confusion[t, p] = number of rows of true class t
          predicted as class p.
    """
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    confusion[labels, predictions] += 1
    accuracy = (predictions == labels).float().mean().item()
    per_class_accuracy = confusion.diagonal().float() / confusion.sum(dim=1).float()
    return accuracy, per_class_accuracy, confusion
''',
        },
        {
            "bug": "returns the accuracy as a 0-dim tensor instead of a Python float",
            "bug_class": "tensor where a float is asked",
            "mistakes": ("number_type",),
            "names": ("Python float", "item()"),
            "witness": (
                'differs("evaluate", torch.tensor([0, 1, 1, 2, 0, 0]), torch.tensor([0, 1, 0, '
                "2, 0, 0]), 4)"
            ),
            "source": '''\
def evaluate(labels, predictions, num_classes):
    """Accuracy, per-class accuracy and confusion matrix of some predictions.

    Args:
        labels: int64 tensor (rows,) of true classes.
        predictions: int64 tensor (rows,) of predicted classes.
        num_classes: number of classes C.

    Returns:
        (accuracy, per_class_accuracy, confusion):
        - accuracy: Python float, the share of rows where prediction == label;
        - per_class_accuracy: float32 tensor (C,), for each true class the share of its rows
          predicted correctly (confusion diagonal / row sums), nan for a class with no rows;
        - confusion: int64 tensor (C, C), confusion[t, p] = number of rows of true class t
          predicted as class p.
    """
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    confusion.index_put_((labels, predictions), torch.ones_like(labels), accumulate=True)
    accuracy = (predictions == labels).float().mean()
    per_class_accuracy = confusion.diagonal().float() / confusion.sum(dim=1).float()
    return accuracy, per_class_accuracy, confusion
''',
        },
        {
            "bug": (
                "clamps the class counts at 1 to avoid 0 / 0: a class without rows gets 0, not "
                "nan"
            ),
            "bug_class": "edge case (empty class)",
            "mistakes": (),
            "names": ("no rows", "should be nan", "nan for"),
            "witness": (
                'differs("evaluate", torch.tensor([0, 1, 1, 2, 0, 0]), torch.tensor([0, 1, 0, '
                "2, 0, 0]), 4)"
            ),
            "source": '''\
def evaluate(labels, predictions, num_classes):
    """Accuracy, per-class accuracy and confusion matrix of some predictions.

    Args:
        labels: int64 tensor (rows,) of true classes.
        predictions: int64 tensor (rows,) of predicted classes.
        num_classes: number of classes C.

    Returns:
        (accuracy, per_class_accuracy, confusion):
        - accuracy: Python float, the share of rows where prediction == label;
        - per_class_accuracy: float32 tensor (C,), for each true class the share of its rows
          predicted correctly (confusion diagonal / row sums), nan for a class with no rows;
        - confusion: int64 tensor (C, C), confusion[t, p] = number of rows of true class t
          predicted as class p.
    """
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    confusion.index_put_((labels, predictions), torch.ones_like(labels), accumulate=True)
    accuracy = (predictions == labels).float().mean().item()
    counts = confusion.sum(dim=1).clamp(min=1).float()
    return accuracy, confusion.diagonal().float() / counts, confusion
''',
        },
    ],
    "ex_save_and_reload": [
        {
            "bug": "forgets fresh_model.eval()",
            "bug_class": "ignores the mode",
            "mistakes": (),
            "names": ("eval", "evaluation mode"),
            "witness": (
                "differs_call(lambda ns: (lambda fresh: (ns.save_and_reload(nn.Linear(2, 2), "
                'fresh, "witness_weights.pt") is fresh, fresh.training, '
                "fresh.state_dict()))(nn.Linear(2, 2)))"
            ),
            "source": '''\
def save_and_reload(model, fresh_model, path):
    """Save model's weights to a file and load them into fresh_model.

    Args:
        model: a trained nn.Module.
        fresh_model: an nn.Module with the same architecture (other, untrained weights).
        path: str or pathlib.Path of the file to write.

    Returns:
        fresh_model itself, holding the saved weights and switched to evaluation mode.

    Save model.state_dict() with torch.save, load the file with torch.load(path,
    weights_only=True) and put it into fresh_model with load_state_dict.
    """
    torch.save(model.state_dict(), path)
    fresh_model.load_state_dict(torch.load(path, weights_only=True))
    return fresh_model
''',
        },
        {
            "bug": "returns what load_state_dict returns (the key report) instead of the model",
            "bug_class": "wrong return type",
            "mistakes": ("return_type",),
            "names": ("should return", "fresh_model itself", "not another object"),
            "witness": (
                "differs_call(lambda ns: (lambda fresh: (ns.save_and_reload(nn.Linear(2, 2), "
                'fresh, "witness_weights.pt") is fresh, fresh.training, '
                "fresh.state_dict()))(nn.Linear(2, 2)))"
            ),
            "source": '''\
def save_and_reload(model, fresh_model, path):
    """Save model's weights to a file and load them into fresh_model.

    Args:
        model: a trained nn.Module.
        fresh_model: an nn.Module with the same architecture (other, untrained weights).
        path: str or pathlib.Path of the file to write.

    Returns:
        fresh_model itself, holding the saved weights and switched to evaluation mode.

    Save model.state_dict() with torch.save, load the file with torch.load(path,
    weights_only=True) and put it into fresh_model with load_state_dict.
    """
    torch.save(model.state_dict(), path)
    fresh_model.eval()
    return fresh_model.load_state_dict(torch.load(path, weights_only=True))
''',
        },
        {
            "bug": "loads the file back into model and returns model: fresh_model is untouched",
            "bug_class": "wrong object",
            "mistakes": (),
            "names": ("fresh_model itself", "same object", "another object"),
            "witness": (
                "differs_call(lambda ns: (lambda fresh: (ns.save_and_reload(nn.Linear(2, 2), "
                'fresh, "witness_weights.pt") is fresh, fresh.training, '
                "fresh.state_dict()))(nn.Linear(2, 2)))"
            ),
            "source": '''\
def save_and_reload(model, fresh_model, path):
    """Save model's weights to a file and load them into fresh_model.

    Args:
        model: a trained nn.Module.
        fresh_model: an nn.Module with the same architecture (other, untrained weights).
        path: str or pathlib.Path of the file to write.

    Returns:
        fresh_model itself, holding the saved weights and switched to evaluation mode.

    Save model.state_dict() with torch.save, load the file with torch.load(path,
    weights_only=True) and put it into fresh_model with load_state_dict.
    """
    torch.save(model.state_dict(), path)
    model.load_state_dict(torch.load(path, weights_only=True))
    model.eval()
    return model
''',
        },
    ],
    "ex_phone_classifier": [
        {
            "bug": "the sample std (default correction) instead of the population std",
            "bug_class": "wrong std (correction)",
            "mistakes": (),
            "names": ("correction", "population"),
            "witness": (
                "differs_call(lambda ns: (lambda classifier: (classifier.mean, classifier.std, "
                "classifier.model.state_dict(), classifier.predict(torch.ones(3, "
                "5))))(ns.PhoneClassifier(hidden_size=8, num_epochs=2, batch_size=8, "
                "seed=1).fit(torch.randn(20, 5) * 10 + 3, torch.randint(0, 4, (20,)))))"
            ),
            "source": '''\
class PhoneClassifier:
    """Standardisation + MLP + training, for raw phone features (columns of FEATURE_NAMES).

    Usage: classifier = PhoneClassifier(seed=0).fit(train_features, train_labels)
           classes = classifier.predict(new_features)
    """

    def __init__(self, hidden_size=32, dropout=0.3, num_epochs=20, batch_size=128,
                 learning_rate=0.01, num_classes=4, seed=0):
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.num_classes = num_classes
        self.seed = seed
        self.mean = None   # (features,), set by fit
        self.std = None    # (features,), set by fit
        self.model = None  # the trained network, set by fit

    def fit(self, features, labels):
        """Learn the scaling statistics and the network from raw training data.

        Args:
            features: float32 tensor (rows, features) of raw training features.
            labels: int64 tensor (rows,) of price ranges.

        Steps: store the per-feature mean and population std (correction=0; a std of 0 becomes
        1) of features in self.mean and self.std; call torch.manual_seed(self.seed) and build
        self.model with make_model(features.shape[1], self.hidden_size, self.num_classes,
        self.dropout); train it with train_model on the standardised features, with this
        object's epochs, batch size, learning rate and seed.

        Returns:
            self (so that PhoneClassifier().fit(x, y).predict(z) works).
        """
        self.mean = features.mean(dim=0)
        std = features.std(dim=0)
        self.std = torch.where(std == 0, torch.ones_like(std), std)
        torch.manual_seed(self.seed)
        self.model = make_model(features.shape[1], self.hidden_size, self.num_classes,
                                self.dropout)
        train_model(self.model, (features - self.mean) / self.std, labels, self.num_epochs,
                    self.batch_size, self.learning_rate, seed=self.seed)
        return self

    def predict(self, features):
        """Price ranges (int64 tensor (rows,)) of raw phones (float32 (rows, features)).

        Standardise with the TRAINING statistics stored by fit, then predict in evaluation mode.
        """
        scaled = (features - self.mean) / self.std
        return predict(self.model, scaled)
''',
        },
        {
            "bug": "never calls torch.manual_seed(self.seed): the network's start differs per fit",
            "bug_class": "ignores the seed",
            "mistakes": ("second_call",),
            "names": ("manual_seed", "second call", "not reproducible"),
            "witness": (
                "differs_call(lambda ns: (lambda classifier: (classifier.mean, classifier.std, "
                "classifier.model.state_dict(), classifier.predict(torch.ones(3, "
                "5))))(ns.PhoneClassifier(hidden_size=8, num_epochs=2, batch_size=8, "
                "seed=1).fit(torch.randn(20, 5) * 10 + 3, torch.randint(0, 4, (20,)))))"
            ),
            "source": '''\
class PhoneClassifier:
    """Standardisation + MLP + training, for raw phone features (columns of FEATURE_NAMES).

    Usage: classifier = PhoneClassifier(seed=0).fit(train_features, train_labels)
           classes = classifier.predict(new_features)
    """

    def __init__(self, hidden_size=32, dropout=0.3, num_epochs=20, batch_size=128,
                 learning_rate=0.01, num_classes=4, seed=0):
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.num_classes = num_classes
        self.seed = seed
        self.mean = None   # (features,), set by fit
        self.std = None    # (features,), set by fit
        self.model = None  # the trained network, set by fit

    def fit(self, features, labels):
        """Learn the scaling statistics and the network from raw training data.

        Args:
            features: float32 tensor (rows, features) of raw training features.
            labels: int64 tensor (rows,) of price ranges.

        Steps: store the per-feature mean and population std (correction=0; a std of 0 becomes
        1) of features in self.mean and self.std; call torch.manual_seed(self.seed) and build
        self.model with make_model(features.shape[1], self.hidden_size, self.num_classes,
        self.dropout); train it with train_model on the standardised features, with this
        object's epochs, batch size, learning rate and seed.

        Returns:
            self (so that PhoneClassifier().fit(x, y).predict(z) works).
        """
        self.mean = features.mean(dim=0)
        std = features.std(dim=0, correction=0)
        self.std = torch.where(std == 0, torch.ones_like(std), std)
        self.model = make_model(features.shape[1], self.hidden_size, self.num_classes,
                                self.dropout)
        train_model(self.model, (features - self.mean) / self.std, labels, self.num_epochs,
                    self.batch_size, self.learning_rate, seed=self.seed)
        return self

    def predict(self, features):
        """Price ranges (int64 tensor (rows,)) of raw phones (float32 (rows, features)).

        Standardise with the TRAINING statistics stored by fit, then predict in evaluation mode.
        """
        scaled = (features - self.mean) / self.std
        return predict(self.model, scaled)
''',
        },
        {
            "bug": "trains on the raw features although predict standardises",
            "bug_class": "train/predict preprocessing mismatch",
            "mistakes": (),
            "names": ("standardi", "scaled", "training features"),
            "witness": (
                "differs_call(lambda ns: (lambda classifier: (classifier.mean, classifier.std, "
                "classifier.model.state_dict(), classifier.predict(torch.ones(3, "
                "5))))(ns.PhoneClassifier(hidden_size=8, num_epochs=2, batch_size=8, "
                "seed=1).fit(torch.randn(20, 5) * 10 + 3, torch.randint(0, 4, (20,)))))"
            ),
            "source": '''\
class PhoneClassifier:
    """Standardisation + MLP + training, for raw phone features (columns of FEATURE_NAMES).

    Usage: classifier = PhoneClassifier(seed=0).fit(train_features, train_labels)
           classes = classifier.predict(new_features)
    """

    def __init__(self, hidden_size=32, dropout=0.3, num_epochs=20, batch_size=128,
                 learning_rate=0.01, num_classes=4, seed=0):
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.num_classes = num_classes
        self.seed = seed
        self.mean = None   # (features,), set by fit
        self.std = None    # (features,), set by fit
        self.model = None  # the trained network, set by fit

    def fit(self, features, labels):
        """Learn the scaling statistics and the network from raw training data.

        Args:
            features: float32 tensor (rows, features) of raw training features.
            labels: int64 tensor (rows,) of price ranges.

        Steps: store the per-feature mean and population std (correction=0; a std of 0 becomes
        1) of features in self.mean and self.std; call torch.manual_seed(self.seed) and build
        self.model with make_model(features.shape[1], self.hidden_size, self.num_classes,
        self.dropout); train it with train_model on the standardised features, with this
        object's epochs, batch size, learning rate and seed.

        Returns:
            self (so that PhoneClassifier().fit(x, y).predict(z) works).
        """
        self.mean = features.mean(dim=0)
        std = features.std(dim=0, correction=0)
        self.std = torch.where(std == 0, torch.ones_like(std), std)
        torch.manual_seed(self.seed)
        self.model = make_model(features.shape[1], self.hidden_size, self.num_classes,
                                self.dropout)
        train_model(self.model, features, labels, self.num_epochs, self.batch_size,
                    self.learning_rate, seed=self.seed)
        return self

    def predict(self, features):
        """Price ranges (int64 tensor (rows,)) of raw phones (float32 (rows, features)).

        Standardise with the TRAINING statistics stored by fit, then predict in evaluation mode.
        """
        scaled = (features - self.mean) / self.std
        return predict(self.model, scaled)
''',
        },
    ],
    "ex_fit": [
        {
            "bug": "steps the scheduler after every batch instead of once per epoch",
            "bug_class": "scheduler stepped per iteration",
            "mistakes": (),
            "names": ("once per epoch", "per epoch", "every batch", "per batch"),
            "witness": (
                "differs_call(lambda ns: [(model := nn.Linear(4, 3)), (optimizer := "
                "torch.optim.SGD(model.parameters(), lr=0.1)), ns.fit(model, optimizer, "
                "[(torch.randn(6, 4), torch.randint(0, 3, (6,))), (torch.randn(4, 4), "
                "torch.randint(0, 3, (4,)))], torch.randn(5, 4), torch.randint(0, 3, (5,)), 3, 5,"
                ' torch.optim.lr_scheduler.StepLR(optimizer, 1, 0.5))["lr"]][-1])'
            ),
            "source": '''\
import copy


def fit(model, optimizer, train_loader, val_features, val_labels, max_epochs, patience,
        scheduler=None, device="cpu"):
    """Train with per-epoch validation, early stopping and an optional scheduler, on any device.

    Args:
        model: an nn.Module mapping (batch, features) float32 to (batch, classes) logits.
        optimizer: a torch.optim optimizer over model's parameters.
        train_loader: an iterable of (batch_x, batch_y) pairs such as a DataLoader: float32
            (batch, features) and int64 (batch,) class indices, on the CPU.
        val_features, val_labels: float32 (rows, features) and int64 (rows,), on the CPU.
        max_epochs: at most this many epochs run (an int >= 0).
        patience: stop after this many epochs in a row without a strictly lower validation
            loss than the best so far (an int >= 1).
        scheduler: None, or a learning-rate scheduler of optimizer whose step() takes no
            argument; call it once per epoch, after the epoch's last optimizer step.
        device: a torch.device or a string such as "cpu" or "cuda": call model.to(device) first
            and move every batch and the validation tensors there with .to(device).

    Returns:
        A dict. Four lists hold one Python float per epoch that ran:
        - "train_loss": the epoch's mean nn.CrossEntropyLoss over the training rows, measured
          on each batch in training mode (each batch's loss weighted by its number of rows);
        - "val_loss", "val_accuracy": on the validation rows after the epoch, in evaluation
          mode and without autograd;
        - "lr": optimizer.param_groups[0]["lr"] while the epoch trained.
        And "best_epoch": the 1-based epoch with the lowest validation loss (the first one on
        ties), 0 if no epoch ran. On return the model holds the weights of best_epoch (its
        initial weights if no epoch ran) and is in evaluation mode.
    """
    model.to(device)
    loss_function = nn.CrossEntropyLoss()
    val_x, val_y = val_features.to(device), val_labels.to(device)
    history = {"train_loss": [], "val_loss": [], "val_accuracy": [], "lr": []}
    best_loss, best_epoch, epochs_without_improvement = float("inf"), 0, 0
    best_state = copy.deepcopy(model.state_dict())
    for epoch in range(1, max_epochs + 1):
        history["lr"].append(optimizer.param_groups[0]["lr"])
        model.train()
        total_loss, total_rows = 0.0, 0
        for batch_x, batch_y in train_loader:
            batch_x, batch_y = batch_x.to(device), batch_y.to(device)
            optimizer.zero_grad()
            loss = loss_function(model(batch_x), batch_y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch_y)
            total_rows += len(batch_y)
            if scheduler is not None:
                scheduler.step()
        model.eval()
        with torch.no_grad():
            logits = model(val_x)  # (rows, classes)
            val_loss = loss_function(logits, val_y).item()
            val_accuracy = (logits.argmax(dim=1) == val_y).float().mean().item()
        history["train_loss"].append(total_loss / total_rows)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        if val_loss < best_loss:
            best_loss, best_epoch, epochs_without_improvement = val_loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    history["best_epoch"] = best_epoch
    return history
''',
        },
        {
            "bug": (
                "stops only when the epochs without improvement EXCEED patience: one epoch too "
                "many"
            ),
            "bug_class": "off by one (patience)",
            "mistakes": ("off_by_one",),
            "names": (
                "off by one",
                "off-by-one",
                "one epoch late",
                "one epoch too many",
                "reaches patience",
            ),
            "witness": (
                "differs_call(lambda ns: [(model := nn.Sequential(nn.Linear(4, 8), nn.ReLU(), "
                "nn.Dropout(0.5), nn.Linear(8, 3))), ns.fit(model, "
                "torch.optim.SGD(model.parameters(), lr=0.0), [(torch.randn(6, 4), "
                "torch.randint(0, 3, (6,))), (torch.randn(4, 4), torch.randint(0, 3, (4,)))], "
                "torch.randn(5, 4), torch.randint(0, 3, (5,)), 8, 2)][-1])"
            ),
            "source": '''\
import copy


def fit(model, optimizer, train_loader, val_features, val_labels, max_epochs, patience,
        scheduler=None, device="cpu"):
    """Train with per-epoch validation, early stopping and an optional scheduler, on any device.

    Args:
        model: an nn.Module mapping (batch, features) float32 to (batch, classes) logits.
        optimizer: a torch.optim optimizer over model's parameters.
        train_loader: an iterable of (batch_x, batch_y) pairs such as a DataLoader: float32
            (batch, features) and int64 (batch,) class indices, on the CPU.
        val_features, val_labels: float32 (rows, features) and int64 (rows,), on the CPU.
        max_epochs: at most this many epochs run (an int >= 0).
        patience: stop after this many epochs in a row without a strictly lower validation
            loss than the best so far (an int >= 1).
        scheduler: None, or a learning-rate scheduler of optimizer whose step() takes no
            argument; call it once per epoch, after the epoch's last optimizer step.
        device: a torch.device or a string such as "cpu" or "cuda": call model.to(device) first
            and move every batch and the validation tensors there with .to(device).

    Returns:
        A dict. Four lists hold one Python float per epoch that ran:
        - "train_loss": the epoch's mean nn.CrossEntropyLoss over the training rows, measured
          on each batch in training mode (each batch's loss weighted by its number of rows);
        - "val_loss", "val_accuracy": on the validation rows after the epoch, in evaluation
          mode and without autograd;
        - "lr": optimizer.param_groups[0]["lr"] while the epoch trained.
        And "best_epoch": the 1-based epoch with the lowest validation loss (the first one on
        ties), 0 if no epoch ran. On return the model holds the weights of best_epoch (its
        initial weights if no epoch ran) and is in evaluation mode.
    """
    model.to(device)
    loss_function = nn.CrossEntropyLoss()
    val_x, val_y = val_features.to(device), val_labels.to(device)
    history = {"train_loss": [], "val_loss": [], "val_accuracy": [], "lr": []}
    best_loss, best_epoch, epochs_without_improvement = float("inf"), 0, 0
    best_state = copy.deepcopy(model.state_dict())
    for epoch in range(1, max_epochs + 1):
        history["lr"].append(optimizer.param_groups[0]["lr"])
        model.train()
        total_loss, total_rows = 0.0, 0
        for batch_x, batch_y in train_loader:
            batch_x, batch_y = batch_x.to(device), batch_y.to(device)
            optimizer.zero_grad()
            loss = loss_function(model(batch_x), batch_y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch_y)
            total_rows += len(batch_y)
        if scheduler is not None:
            scheduler.step()
        model.eval()
        with torch.no_grad():
            logits = model(val_x)  # (rows, classes)
            val_loss = loss_function(logits, val_y).item()
            val_accuracy = (logits.argmax(dim=1) == val_y).float().mean().item()
        history["train_loss"].append(total_loss / total_rows)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        if val_loss < best_loss:
            best_loss, best_epoch, epochs_without_improvement = val_loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement > patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    history["best_epoch"] = best_epoch
    return history
''',
        },
        {
            "bug": (
                "validates in training mode (model.eval() only at the very end): dropout is still"
                " on when the validation loss is measured"
            ),
            "bug_class": "evaluation mode missing during validation",
            "mistakes": (),
            "names": ("evaluation mode", "eval mode", "model.eval()", "dropout"),
            "witness": (
                "differs_call(lambda ns: [(model := nn.Sequential(nn.Linear(4, 8), nn.ReLU(), "
                "nn.Dropout(0.5), nn.Linear(8, 3))), ns.fit(model, "
                "torch.optim.SGD(model.parameters(), lr=0.0), [(torch.randn(6, 4), "
                "torch.randint(0, 3, (6,))), (torch.randn(4, 4), torch.randint(0, 3, (4,)))], "
                "torch.randn(5, 4), torch.randint(0, 3, (5,)), 3, 5)][-1])"
            ),
            "source": '''\
import copy


def fit(model, optimizer, train_loader, val_features, val_labels, max_epochs, patience,
        scheduler=None, device="cpu"):
    """Train with per-epoch validation, early stopping and an optional scheduler, on any device.

    Args:
        model: an nn.Module mapping (batch, features) float32 to (batch, classes) logits.
        optimizer: a torch.optim optimizer over model's parameters.
        train_loader: an iterable of (batch_x, batch_y) pairs such as a DataLoader: float32
            (batch, features) and int64 (batch,) class indices, on the CPU.
        val_features, val_labels: float32 (rows, features) and int64 (rows,), on the CPU.
        max_epochs: at most this many epochs run (an int >= 0).
        patience: stop after this many epochs in a row without a strictly lower validation
            loss than the best so far (an int >= 1).
        scheduler: None, or a learning-rate scheduler of optimizer whose step() takes no
            argument; call it once per epoch, after the epoch's last optimizer step.
        device: a torch.device or a string such as "cpu" or "cuda": call model.to(device) first
            and move every batch and the validation tensors there with .to(device).

    Returns:
        A dict. Four lists hold one Python float per epoch that ran:
        - "train_loss": the epoch's mean nn.CrossEntropyLoss over the training rows, measured
          on each batch in training mode (each batch's loss weighted by its number of rows);
        - "val_loss", "val_accuracy": on the validation rows after the epoch, in evaluation
          mode and without autograd;
        - "lr": optimizer.param_groups[0]["lr"] while the epoch trained.
        And "best_epoch": the 1-based epoch with the lowest validation loss (the first one on
        ties), 0 if no epoch ran. On return the model holds the weights of best_epoch (its
        initial weights if no epoch ran) and is in evaluation mode.
    """
    model.to(device)
    loss_function = nn.CrossEntropyLoss()
    val_x, val_y = val_features.to(device), val_labels.to(device)
    history = {"train_loss": [], "val_loss": [], "val_accuracy": [], "lr": []}
    best_loss, best_epoch, epochs_without_improvement = float("inf"), 0, 0
    best_state = copy.deepcopy(model.state_dict())
    for epoch in range(1, max_epochs + 1):
        history["lr"].append(optimizer.param_groups[0]["lr"])
        model.train()
        total_loss, total_rows = 0.0, 0
        for batch_x, batch_y in train_loader:
            batch_x, batch_y = batch_x.to(device), batch_y.to(device)
            optimizer.zero_grad()
            loss = loss_function(model(batch_x), batch_y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch_y)
            total_rows += len(batch_y)
        if scheduler is not None:
            scheduler.step()
        with torch.no_grad():
            logits = model(val_x)  # (rows, classes)
            val_loss = loss_function(logits, val_y).item()
            val_accuracy = (logits.argmax(dim=1) == val_y).float().mean().item()
        history["train_loss"].append(total_loss / total_rows)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        if val_loss < best_loss:
            best_loss, best_epoch, epochs_without_improvement = val_loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    history["best_epoch"] = best_epoch
    return history
''',
        },
    ],
    "ex_confused_pairs": [
        {
            "bug": "keeps the diagonal: correct predictions are listed as confusions",
            "bug_class": "diagonal not excluded",
            "mistakes": (),
            "names": (
                "diagonal",
                "off the diagonal",
                "true_class != predicted",
                "correct predictions",
            ),
            "witness": (
                'differs("confused_pairs", torch.tensor([[3, 1, 2], [1, 0, 0], [0, 2, 4]]))'
            ),
            "source": '''\
def confused_pairs(confusion):
    """The off-diagonal cells of a confusion matrix, most frequent first.

    Args:
        confusion: int64 tensor (C, C) with C >= 1; confusion[t, p] counts the rows of true
            class t predicted as class p (as `evaluate` returns it).

    Returns:
        A list of (true_class, predicted_class, count) tuples of Python ints, one for every
        cell off the diagonal with a count above 0, the largest count first; equal counts are
        ordered by true class, then by predicted class. An empty list when there are no
        mistakes (a diagonal matrix, or C = 1).
    """
    pairs = []
    for true_class in range(confusion.shape[0]):
        for predicted in range(confusion.shape[1]):
            count = int(confusion[true_class, predicted])
            if count > 0:
                pairs.append((true_class, predicted, count))
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))
''',
        },
        {
            "bug": (
                "sorts the tuples by (count, true, predicted) with reverse=True: equal counts "
                "come out in descending class order"
            ),
            "bug_class": "ties ordered the wrong way",
            "mistakes": (),
            "names": ("equal counts", "ties", "true class, then"),
            "witness": (
                'differs("confused_pairs", torch.tensor([[3, 1, 2], [1, 0, 0], [0, 2, 4]]))'
            ),
            "source": '''\
def confused_pairs(confusion):
    """The off-diagonal cells of a confusion matrix, most frequent first.

    Args:
        confusion: int64 tensor (C, C) with C >= 1; confusion[t, p] counts the rows of true
            class t predicted as class p (as `evaluate` returns it).

    Returns:
        A list of (true_class, predicted_class, count) tuples of Python ints, one for every
        cell off the diagonal with a count above 0, the largest count first; equal counts are
        ordered by true class, then by predicted class. An empty list when there are no
        mistakes (a diagonal matrix, or C = 1).
    """
    pairs = []
    for true_class in range(confusion.shape[0]):
        for predicted in range(confusion.shape[1]):
            count = int(confusion[true_class, predicted])
            if true_class != predicted and count > 0:
                pairs.append((true_class, predicted, count))
    return sorted(pairs, key=lambda pair: (pair[2], pair[0], pair[1]), reverse=True)
''',
        },
        {
            "bug": (
                "keeps each count as a 0-dim tensor (confusion[t, p] without .item() or int())"
            ),
            "bug_class": "tensor where a Python int is asked",
            "mistakes": ("number_type", "return_type"),
            "names": ("python int", ".item()", "int("),
            "witness": (
                'differs("confused_pairs", torch.tensor([[3, 1, 2], [1, 0, 0], [0, 2, 4]]))'
            ),
            "source": '''\
def confused_pairs(confusion):
    """The off-diagonal cells of a confusion matrix, most frequent first.

    Args:
        confusion: int64 tensor (C, C) with C >= 1; confusion[t, p] counts the rows of true
            class t predicted as class p (as `evaluate` returns it).

    Returns:
        A list of (true_class, predicted_class, count) tuples of Python ints, one for every
        cell off the diagonal with a count above 0, the largest count first; equal counts are
        ordered by true class, then by predicted class. An empty list when there are no
        mistakes (a diagonal matrix, or C = 1).
    """
    pairs = []
    for true_class in range(confusion.shape[0]):
        for predicted in range(confusion.shape[1]):
            count = confusion[true_class, predicted]
            if true_class != predicted and count > 0:
                pairs.append((true_class, predicted, count))
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))
''',
        },
    ],
}
