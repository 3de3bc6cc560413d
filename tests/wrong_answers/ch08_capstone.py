"""The most common wrong answer to each exercise of ch08_capstone (one per solution grade_id).

tests/grade/test_chapters.py puts all of them in one submission at once and requires every test cell
to score 0.
"""

WRONG_ANSWERS: dict[str, str] = {
    # no shuffle: the splits are cut from the rows in file order
    "ex_split_indices": '''\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    """Cut the rows into train, validation and test."""
    order = torch.arange(num_samples)
    num_test = int(num_samples * test_fraction)
    num_val = int(num_samples * val_fraction)
    return order[num_test + num_val:], order[num_test:num_test + num_val], order[:num_test]
''',
    # the leak: the scaler is fitted on all the data, validation and test rows included
    "ex_scale_splits": '''\
def scale_splits(train_features, val_features, test_features):
    """Standardise three splits."""
    every_row = torch.cat([train_features, val_features, test_features])
    mean = every_row.mean(dim=0)
    std = every_row.std(dim=0, correction=0)
    std = torch.where(std == 0, torch.ones_like(std), std)
    return ((train_features - mean) / std, (val_features - mean) / std,
            (test_features - mean) / std, mean, std)
''',
    # a softmax at the end: CrossEntropyLoss would then apply softmax twice
    "ex_make_model": '''\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    """A two-hidden-layer MLP."""
    return nn.Sequential(
        nn.Linear(num_features, hidden_size), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden_size, hidden_size), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden_size, num_classes), nn.Softmax(dim=1),
    )
''',
    # labels converted to float out of habit from regression: CrossEntropyLoss raises
    "ex_train_model": '''\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    """Train a classifier and return the mean loss of each epoch."""
    dataset = TensorDataset(features, labels.float())
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
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
    # model.eval() forgotten: dropout stays active, predictions change from call to call
    "ex_predict": '''\
def predict(model, features):
    """Predicted class of each row."""
    with torch.no_grad():
        logits = model(features)
    return logits.argmax(dim=1)
''',
    # the confusion matrix is transposed (rows = predictions), so the "per-class accuracy"
    # divides by the predicted counts: that is the precision
    "ex_evaluate": '''\
def evaluate(labels, predictions, num_classes):
    """Accuracy, per-class accuracy and confusion matrix."""
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    for true_class, predicted_class in zip(labels.tolist(), predictions.tolist()):
        confusion[predicted_class, true_class] += 1
    accuracy = (predictions == labels).float().mean().item()
    per_class_accuracy = confusion.diagonal().float() / confusion.sum(dim=1).float()
    return accuracy, per_class_accuracy, confusion
''',
    # the whole model object is pickled instead of its state_dict and loaded back unsafely
    "ex_save_and_reload": '''\
def save_and_reload(model, fresh_model, path):
    """Save the model and load it back."""
    torch.save(model, path)
    reloaded = torch.load(path, weights_only=False)
    reloaded.eval()
    return reloaded
''',
    # predict standardises each batch with its own statistics (the test statistics)
    "ex_phone_classifier": '''\
class PhoneClassifier:
    """Standardisation + MLP + training, for raw phone features."""

    def __init__(self, hidden_size=32, dropout=0.3, num_epochs=20, batch_size=128,
                 learning_rate=0.01, num_classes=4, seed=0):
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.num_classes = num_classes
        self.seed = seed
        self.mean = None
        self.std = None
        self.model = None

    def fit(self, features, labels):
        """Learn the scaling statistics and the network."""
        self.mean = features.mean(dim=0)
        self.std = features.std(dim=0, correction=0)
        torch.manual_seed(self.seed)
        self.model = nn.Sequential(
            nn.Linear(features.shape[1], self.hidden_size), nn.ReLU(), nn.Dropout(self.dropout),
            nn.Linear(self.hidden_size, self.hidden_size), nn.ReLU(), nn.Dropout(self.dropout),
            nn.Linear(self.hidden_size, self.num_classes))
        loader = DataLoader(TensorDataset((features - self.mean) / self.std, labels),
                            batch_size=self.batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(self.seed))
        optimizer = torch.optim.Adam(self.model.parameters(), lr=self.learning_rate)
        self.model.train()
        for _epoch in range(self.num_epochs):
            for batch_x, batch_y in loader:
                optimizer.zero_grad()
                nn.functional.cross_entropy(self.model(batch_x), batch_y).backward()
                optimizer.step()
        return self

    def predict(self, features):
        """Price ranges of raw phones."""
        scaled = (features - features.mean(dim=0)) / features.std(dim=0, correction=0)
        self.model.eval()
        with torch.no_grad():
            return self.model(scaled).argmax(dim=1)
''',
    # state_dict() kept without a copy: the "best" weights follow training to the last epoch
    "ex_fit": '''\
import copy


def fit(model, optimizer, train_loader, val_features, val_labels, max_epochs, patience,
        scheduler=None, device="cpu"):
    """Train with per-epoch validation, early stopping and an optional scheduler."""
    model.to(device)
    loss_function = nn.CrossEntropyLoss()
    val_x, val_y = val_features.to(device), val_labels.to(device)
    history = {"train_loss": [], "val_loss": [], "val_accuracy": [], "lr": [], "best_epoch": 0}
    best_loss, best_state, epochs_without_improvement = float("inf"), model.state_dict(), 0
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
            logits = model(val_x)
            val_loss = loss_function(logits, val_y).item()
            val_accuracy = (logits.argmax(dim=1) == val_y).float().mean().item()
        history["train_loss"].append(total_loss / total_rows)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        if val_loss < best_loss:
            best_loss, history["best_epoch"], epochs_without_improvement = val_loss, epoch, 0
            best_state = model.state_dict()
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    return history
''',
    # confusion[p, t] read as (true, predicted): the classes of every pair are swapped
    "ex_confused_pairs": '''\
def confused_pairs(confusion):
    """The off-diagonal cells of a confusion matrix, most frequent first."""
    pairs = [(predicted, true_class, int(confusion[true_class, predicted]))
             for true_class in range(confusion.shape[0])
             for predicted in range(confusion.shape[1])
             if true_class != predicted and confusion[true_class, predicted] > 0]
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))
''',
}
