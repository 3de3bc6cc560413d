"""Prose numbers of ch08_capstone, recomputed: one test per claim a markdown cell makes.

The tuning section's numbers come from the notebook's own code: the fixture below runs the
source notebook's setup, split, scaling, exercise solutions and search cells (found by a phrase
they contain) in one namespace, exactly as the chapter runs them, and the tests read the results.
"""

import math
import re

import nbformat
import pytest
import torch

from course import phones
from tests import claims
from tests.conftest import ROOT

CHAPTER = "ch08_capstone"

# The code cells the tuning section needs, each found by a phrase only it contains, in order.
CELLS = ("import pickle", "features, labels = phones.make_phones(num_samples=2000",
         "def split_indices(", "train_idx, val_idx, test_idx = split_indices(",
         "def scale_splits(", "train_scaled, val_scaled, test_scaled, train_mean",
         "def make_model(", "def predict(model, features)", "def evaluate(", "def fit(model,",
         "def run_config(", "configs.update(", "def confused_pairs(",
         "chosen_model = results[chosen][0]")


def _code_cell(cells: list, phrase: str) -> str:
    found = [c.source for c in cells if c.cell_type == "code" and phrase in c.source]
    assert len(found) == 1, f"{len(found)} code cells of {CHAPTER} contain {phrase!r}"
    return "\n".join(line for line in found[0].splitlines() if not line.startswith("%"))


@pytest.fixture(scope="module")
def chapter():
    """The namespace of the chapter after its tuning section ran (plots are not drawn)."""
    nb = nbformat.read(ROOT / "source" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    namespace: dict = {}
    threads = torch.get_num_threads()
    try:
        for phrase in CELLS:
            source = _code_cell(nb.cells, phrase)
            source = re.sub(r"^plot_loss_and_accuracy\(.*", "", source, flags=re.S | re.M)
            exec(compile(source, phrase, "exec"), namespace)
    finally:
        torch.set_num_threads(threads)
    return namespace


def _best(history: dict, key: str) -> float:
    return history[key][history["best_epoch"] - 1]


def standard_error(p: float, n: int = 300) -> float:
    return math.sqrt(p * (1 - p) / n)


def test_the_untuned_settings_are_those_of_section_5():
    text = claims.markdown(CHAPTER, "So far every setting came from a docstring")
    nb = nbformat.read(ROOT / "source" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    run = _code_cell(nb.cells, "losses = train_model(model, train_scaled")
    assert "hidden_size=32" in run and "dropout=0.3" in run
    assert "num_epochs=20" in run and "learning_rate=0.01" in run
    assert "32 hidden units, dropout 0.3, Adam at 0.01, 20" in text


def test_the_search_has_four_configurations_of_at_most_60_epochs(chapter):
    claims.markdown(CHAPTER, "four configurations, each trained for at most 60")
    assert len(chapter["configs"]) == 4
    assert chapter["run_config"].__defaults__[0] == 60
    assert all(len(history["val_loss"]) <= 60 for _, history in chapter["results"].values())


def test_cosine_has_brought_the_rate_to_about_a_third_when_fit_stops(chapter):
    claims.markdown(CHAPTER, "down to about a\nthird of its start")
    lr = chapter["results"]["section 5's model"][1]["lr"]
    assert 0.25 < lr[-1] / lr[0] < 0.42, lr[-1] / lr[0]


def test_standard_error_of_a_300_phone_accuracy_is_about_two_points(chapter):
    text = claims.markdown(CHAPTER, "so it has a **standard error**")
    accuracy = _best(chapter["results"]["section 5's model"][1], "val_accuracy")
    claims.assert_quotes(text, accuracy, ".2f")
    assert round(100 * standard_error(accuracy)) == 2 and "about\ntwo points" in text


def test_the_linear_model_is_many_standard_errors_behind(chapter):
    claims.markdown(CHAPTER, "Even at convergence the linear model is far behind")
    ns = chapter
    torch.manual_seed(0)
    linear = torch.nn.Linear(phones.NUM_FEATURES, phones.NUM_CLASSES)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(ns["train_scaled"], ns["train_y"]), batch_size=64,
        shuffle=True, generator=torch.Generator().manual_seed(0))
    history = ns["fit"](linear, torch.optim.AdamW(linear.parameters(), lr=0.05, weight_decay=0.0),
                        loader, ns["val_scaled"], ns["val_y"], max_epochs=200, patience=10)
    assert len(history["val_loss"]) < 200, "it converged: early stopping ended it"
    network = _best(ns["results"]["section 5's model"][1], "val_accuracy")
    gap = network - _best(history, "val_accuracy")
    assert gap > 4 * standard_error(network), gap


def test_the_hidden_score_multiplies_features():
    claims.markdown(CHAPTER, "a `ram × battery_power` interaction")
    phone, _ = phones.make_phones(1, seed=0)
    ram, battery = phones.FEATURE_NAMES.index("ram"), phones.FEATURE_NAMES.index("battery_power")

    def score(ram_mb: float, battery_mah: float) -> float:
        changed = phone.clone()
        changed[0, ram], changed[0, battery] = ram_mb, battery_mah
        return phones.price_score(changed).item()

    gain_when_rich = score(3800, 1900) - score(3800, 600)
    gain_when_poor = score(400, 1900) - score(400, 600)
    assert gain_when_rich > gain_when_poor + 1.0, "a large battery adds more with a lot of RAM"


def test_no_configuration_is_a_clear_win_and_accuracies_lie_within_one_standard_error(chapter):
    claims.markdown(CHAPTER, "None of the changes is a clear win")
    accuracies = {name: _best(history, "val_accuracy")
                  for name, (_, history) in chapter["results"].items()}
    start = accuracies["section 5's model"]
    se = standard_error(start)
    assert max(accuracies.values()) - min(accuracies.values()) < 1.5 * se, accuracies
    assert all(a <= start + se for a in accuracies.values()), accuracies


def test_every_mistake_is_between_neighbouring_ranges_middle_ones_both_ways(chapter):
    claims.markdown(CHAPTER, "Every mistake is between **neighbouring** price ranges")
    pairs = chapter["confused_pairs"](chapter["chosen_confusion"])
    assert all(abs(true - predicted) == 1 for true, predicted, _ in pairs), pairs
    found = {(true, predicted) for true, predicted, _ in pairs}
    assert {(1, 0), (1, 2), (2, 1), (2, 3)} <= found, found
    per_class = chapter["chosen_per_class"]
    assert max(per_class[1], per_class[2]) < max(per_class[0], per_class[3]), per_class


def test_the_wrong_phones_are_the_ambiguous_ones_and_some_are_unavoidable(chapter):
    claims.markdown(CHAPTER, "The phones the\nmodel gets wrong are exactly the ambiguous ones")
    best_possible = chapter["best_possible"]
    wrong = chapter["wrong"]
    assert best_possible[~wrong].mean() - best_possible[wrong].mean() > 0.1
    assert int((wrong & chapter["ideal_wrong"]).sum()) > 0, "part of the mistakes unavoidable"
    assert len(chapter["train_y"]) == 1400


def test_test_accuracy_is_within_two_standard_errors_of_validation_and_below_the_ceiling(chapter):
    claims.markdown(CHAPTER, "The test accuracy lands within a standard error or two")
    ns = chapter
    model = ns["chosen_model"]
    test_accuracy = (ns["predict"](model, ns["test_scaled"]) == ns["test_y"]).float().mean().item()
    validation = _best(ns["results"][ns["chosen"]][1], "val_accuracy")
    assert abs(test_accuracy - validation) <= 2 * standard_error(validation)
    ideal = phones.class_probabilities(ns["test_x"])
    ceiling = (ideal.argmax(dim=1) == ns["test_y"]).double().mean().item()
    assert 0.02 < ceiling - test_accuracy < 0.10, (ceiling, test_accuracy)


def test_four_times_the_training_phones_close_most_of_the_gap_to_the_ceiling(chapter):
    claims.markdown(CHAPTER, "four\ntimes as many phones closes most of it")
    ns = chapter
    extra_x, extra_y = phones.make_phones(3 * 1400, seed=77)  # phones no split contains
    raw_x = torch.cat([ns["train_x"], extra_x])
    more_y = torch.cat([ns["train_y"], extra_y])
    mean, std = raw_x.mean(dim=0), raw_x.std(dim=0, correction=0)
    torch.manual_seed(0)
    model = ns["make_model"](phones.NUM_FEATURES, 32, phones.NUM_CLASSES, 0.3)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset((raw_x - mean) / std, more_y), batch_size=64,
        shuffle=True, generator=torch.Generator().manual_seed(0))
    history = ns["fit"](model, optimizer, loader, (ns["val_x"] - mean) / std, ns["val_y"],
                        max_epochs=60, patience=10,
                        scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, 60))
    ceiling = phones.class_probabilities(ns["val_x"]).max(dim=1).values.mean().item()
    before = ceiling - _best(ns["results"]["section 5's model"][1], "val_accuracy")
    after = ceiling - _best(history, "val_accuracy")
    assert after < 0.5 * before, (before, after)
