"""Chapter 8's own explanations fire on their mistake and not on another mistake of the same
exercise: each wrong answer below gets a message with its phrase, and no other wrong answer
of that exercise gets that phrase (fit's wrong answers are the solution with one change)."""

import pytest

from course.check import runner
from tests.exercises import explaining
from tests.exercises.solutions import solution_source

CHAPTER = "ch08_capstone"
ANSWERS = {  # label: (exercise, source of the wrong answer, phrase)
    "split_global": ("split_indices", """\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    torch.manual_seed(seed)
    shuffled = torch.randperm(num_samples)
    num_test = int(num_samples * test_fraction)
    num_val = int(num_samples * val_fraction)
    return (
        shuffled[num_test + num_val :],
        shuffled[num_test : num_test + num_val],
        shuffled[:num_test],
    )
""", 'changed the global random state'),
    "split_round": ("split_indices", """\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    shuffled = torch.randperm(num_samples, generator=torch.Generator().manual_seed(seed))
    num_test = round(num_samples * test_fraction)
    num_val = round(num_samples * val_fraction)
    return (
        shuffled[num_test + num_val :],
        shuffled[num_test : num_test + num_val],
        shuffled[:num_test],
    )
""", 'int() rounds down'),
    "split_noshuffle": ("split_indices", """\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    shuffled = torch.arange(num_samples)
    num_test = int(num_samples * test_fraction)
    num_val = int(num_samples * val_fraction)
    return (
        shuffled[num_test + num_val :],
        shuffled[num_test : num_test + num_val],
        shuffled[:num_test],
    )
""", 'gave the same split'),
    "split_twice": ("split_indices", """\
def split_indices(num_samples, val_fraction, test_fraction, seed):
    g = torch.Generator().manual_seed(seed)
    num_test = int(num_samples * test_fraction)
    num_val = int(num_samples * val_fraction)
    a = torch.randperm(num_samples, generator=g)
    b = torch.randperm(num_samples, generator=g)
    return a[num_test + num_val :], b[num_test : num_test + num_val], a[:num_test]
""", 'every row exactly once'),
    "scale_all": ("scale_splits", """\
def scale_splits(train_features, val_features, test_features):
    every = torch.cat([train_features, val_features, test_features])
    mean = every.mean(dim=0)
    std = every.std(dim=0, correction=0)
    std = torch.where(std == 0, torch.ones_like(std), std)
    return (
        (train_features - mean) / std,
        (val_features - mean) / std,
        (test_features - mean) / std,
        mean,
        std,
    )
""", 'fitted on all the rows'),
    "scale_sample": ("scale_splits", """\
def scale_splits(train_features, val_features, test_features):
    mean = train_features.mean(dim=0)
    std = train_features.std(dim=0)
    std = torch.where(std == 0, torch.ones_like(std), std)
    return (
        (train_features - mean) / std,
        (val_features - mean) / std,
        (test_features - mean) / std,
        mean,
        std,
    )
""", 'correction=0'),
    "scale_own": ("scale_splits", """\
def scale_splits(train_features, val_features, test_features):
    def one(x):
        mean = x.mean(dim=0)
        std = x.std(dim=0, correction=0)
        std = torch.where(std == 0, torch.ones_like(std), std)
        return (x - mean) / std, mean, std

    a, mean, std = one(train_features)
    return a, one(val_features)[0], one(test_features)[0], mean, std
""", 'its own mean and std'),
    "scale_zero": ("scale_splits", """\
def scale_splits(train_features, val_features, test_features):
    mean = train_features.mean(dim=0)
    std = train_features.std(dim=0, correction=0)
    return (
        (train_features - mean) / std,
        (val_features - mean) / std,
        (test_features - mean) / std,
        mean,
        std,
    )
""", 'replace a std of 0 by 1'),
    "mm_softmax": ("make_model", """\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    return nn.Sequential(
        nn.Linear(num_features, hidden_size),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden_size, hidden_size),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden_size, num_classes),
        nn.Softmax(dim=1),
    )
""", 'remove the softmax'),
    "mm_order": ("make_model", """\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    last = nn.Linear(hidden_size, num_classes)
    return nn.Sequential(
        nn.Linear(num_features, hidden_size),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden_size, hidden_size),
        nn.ReLU(),
        nn.Dropout(dropout),
        last,
    )
""", 'in the order of the stack'),
    "mm_fixedp": ("make_model", """\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    return nn.Sequential(
        nn.Linear(num_features, hidden_size),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(hidden_size, hidden_size),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(hidden_size, num_classes),
    )
""", 'nn.Dropout(dropout)'),
    "mm_relu": ("make_model", """\
def make_model(num_features=20, hidden_size=32, num_classes=4, dropout=0.3):
    return nn.Sequential(
        nn.Linear(num_features, hidden_size),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden_size, hidden_size),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden_size, num_classes),
        nn.ReLU(),
    )
""", 'ends in a ReLU'),
    "tm_noeval": ("train_model", """\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    loader = DataLoader(
        TensorDataset(features, labels),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    out = []
    for _ in range(num_epochs):
        total = 0.0
        for bx, by in loader:
            optimizer.zero_grad()
            loss = loss_function(model(bx), by)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(by)
        out.append(total / len(labels))
    return out
""", 'model.train()'),
    "tm_unweighted": ("train_model", """\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    loader = DataLoader(
        TensorDataset(features, labels),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    model.train()
    out = []
    for _ in range(num_epochs):
        losses = []
        for bx, by in loader:
            optimizer.zero_grad()
            loss = loss_function(model(bx), by)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        out.append(sum(losses) / len(losses))
    return out
""", "weight each batch's loss.item()"),
    "tm_unseeded": ("train_model", """\
def train_model(model, features, labels, num_epochs, batch_size, learning_rate, seed=0):
    loader = DataLoader(TensorDataset(features, labels), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    model.train()
    out = []
    for _ in range(num_epochs):
        total = 0.0
        for bx, by in loader:
            optimizer.zero_grad()
            loss = loss_function(model(bx), by)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(by)
        out.append(total / len(labels))
    return out
""", 'global random state'),
    "pr_dim0": ("predict", """\
def predict(model, features):
    model.eval()
    with torch.no_grad():
        return model(features).argmax(dim=0)
""", 'dim=0'),
    "pr_noeval": ("predict", """\
def predict(model, features):
    with torch.no_grad():
        return model(features).argmax(dim=1)
""", 'model.eval()'),
    "pr_nograd": ("predict", """\
def predict(model, features):
    model.eval()
    return model(features).argmax(dim=1)
""", 'torch.no_grad()'),
    "ev_transposed": ("evaluate", """\
def evaluate(labels, predictions, num_classes):
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    confusion.index_put_((predictions, labels), torch.ones_like(labels), accumulate=True)
    accuracy = (predictions == labels).float().mean().item()
    return accuracy, confusion.diagonal().float() / confusion.sum(dim=0).float(), confusion
""", 'predictions in its rows'),
    "ev_precision": ("evaluate", """\
def evaluate(labels, predictions, num_classes):
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    confusion.index_put_((labels, predictions), torch.ones_like(labels), accumulate=True)
    accuracy = (predictions == labels).float().mean().item()
    return accuracy, confusion.diagonal().float() / confusion.sum(dim=0).float(), confusion
""", 'column sums'),
    "ev_zero": ("evaluate", """\
def evaluate(labels, predictions, num_classes):
    confusion = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    confusion.index_put_((labels, predictions), torch.ones_like(labels), accumulate=True)
    accuracy = (predictions == labels).float().mean().item()
    return (
        accuracy,
        confusion.diagonal().float() / confusion.sum(dim=1).clamp(min=1).float(),
        confusion,
    )
""", 'should get nan'),
    "cp_asc": ("confused_pairs", """\
def confused_pairs(confusion):
    pairs = [
        (t, p, int(confusion[t, p]))
        for t in range(confusion.shape[0])
        for p in range(confusion.shape[1])
        if t != p and confusion[t, p] > 0
    ]
    return sorted(pairs, key=lambda x: (x[2], x[0], x[1]))
""", 'ascending order'),
    "cp_ties": ("confused_pairs", """\
def confused_pairs(confusion):
    pairs = [
        (t, p, int(confusion[t, p]))
        for t in range(confusion.shape[0])
        for p in range(confusion.shape[1])
        if t != p and confusion[t, p] > 0
    ]
    return sorted(pairs, key=lambda x: (-x[2], x[1], x[0]))
""", 'ordered by true class'),
    "cp_tensor": ("confused_pairs", """\
def confused_pairs(confusion):
    pairs = [
        (t, p, confusion[t, p])
        for t in range(confusion.shape[0])
        for p in range(confusion.shape[1])
        if t != p and confusion[t, p] > 0
    ]
    return sorted(pairs, key=lambda x: (-int(x[2]), x[0], x[1]))
""", 'Python ints'),
    "cp_diag": ("confused_pairs", """\
def confused_pairs(confusion):
    pairs = [
        (t, p, int(confusion[t, p]))
        for t in range(confusion.shape[0])
        for p in range(confusion.shape[1])
        if confusion[t, p] > 0
    ]
    return sorted(pairs, key=lambda x: (-x[2], x[0], x[1]))
""", 'diagonal cells'),
}
FIT_CHANGES = {  # label: (a line of the solution, what the mistake makes of it, phrase)
    "fit_late": ('if epochs_without_improvement >= patience:',
                'if epochs_without_improvement > patience:',
                'one epoch late'),
    "fit_perbatch": ('            optimizer.step()\n',
                ('            optimizer.step()\n'
                 '            if scheduler is not None:\n                scheduler.step()\n'),
                'more than one scheduler step per epoch'),
    "fit_trainmode": ('        model.eval()\n        with torch.no_grad():\n            logits',
                '        with torch.no_grad():\n            logits',
                'evaluation mode (model.eval()) without autograd'),
    "fit_unweighted": ('total_loss += loss.item() * len(batch_y)',
                'total_loss += loss.item() * 64',
                'train_loss differs'),
    "fit_last": ('    model.load_state_dict(best_state)\n',
                '',
                'copy.deepcopy(model.state_dict())'),
    "fit_zero": ('epochs_without_improvement = val_loss, epoch, 0',
                'epochs_without_improvement = val_loss, epoch - 1, 0',
                '0-based'),
    "fit_nomove": ('    model.to(device)\n',
                '',
                'model.to(device)'),
}


def wrong_answer(label: str):
    if label in FIT_CHANGES:
        line, changed, phrase = FIT_CHANGES[label]
        source = solution_source(CHAPTER, "ex_fit")
        assert line in source, label
        return "fit", source.replace(line, changed), phrase
    return ANSWERS[label]


def line_of(label: str) -> str:
    name, source, _ = wrong_answer(label)
    report = runner.check(*explaining.answer(name, source, CHAPTER))
    assert report.status == "failed", label
    return report.line


@pytest.mark.parametrize("label", [*ANSWERS, *FIT_CHANGES])
def test_the_mistake_gets_its_phrase_and_other_mistakes_do_not(label):
    name, _, phrase = wrong_answer(label)
    assert phrase in line_of(label)
    for other in [*ANSWERS, *FIT_CHANGES]:
        if other != label and wrong_answer(other)[0] == name:
            assert phrase not in line_of(other), other
