"""Tests of course.phones: the synthetic phone data of ch08 and its plots."""

import pytest
import torch
from matplotlib.figure import Figure

from course import phones


def column(features: torch.Tensor, name: str) -> torch.Tensor:
    return features[:, phones.FEATURE_NAMES.index(name)]


def test_names_match_the_classic_layout():
    assert phones.FEATURE_NAMES == (
        "battery_power", "blue", "clock_speed", "dual_sim", "fc", "four_g", "int_memory",
        "m_dep", "mobile_wt", "n_cores", "pc", "px_height", "px_width", "ram", "sc_h", "sc_w",
        "talk_time", "three_g", "touch_screen", "wifi")
    assert phones.NUM_FEATURES == 20
    assert phones.NUM_CLASSES == len(phones.CLASS_NAMES) == 4


def test_shapes_and_dtypes():
    features, labels = phones.make_phones(123, seed=4)
    assert features.shape == (123, 20) and features.dtype == torch.float32
    assert labels.shape == (123,) and labels.dtype == torch.int64
    assert set(labels.tolist()) <= {0, 1, 2, 3}


def test_same_seed_same_data_other_seed_other_data():
    first = phones.make_phones(300, seed=5)
    again = phones.make_phones(300, seed=5)
    other = phones.make_phones(300, seed=6)
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert not torch.equal(first[0], other[0])


def test_default_table_is_pinned():
    """The chapter's printed numbers depend on these exact values."""
    features, labels = phones.make_phones()
    assert features.shape == (2000, 20)
    assert torch.bincount(labels).tolist() == [486, 495, 519, 500]
    assert features[0].tolist() == pytest.approx(
        [589, 1, 1.8, 1, 3, 1, 34, 0.9, 81, 2, 13, 127, 928, 3529, 17, 12, 14, 1, 0, 1])
    assert labels[:10].tolist() == [1, 2, 0, 0, 3, 2, 2, 2, 0, 0]
    assert column(features, "ram").double().sum().item() == 4_256_385


def test_global_random_state_is_untouched():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    phones.make_phones(50, seed=0)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10"])
def test_bad_sizes_raise(bad):
    with pytest.raises(ValueError, match="num_samples"):
        phones.make_phones(bad)


def test_ranges_and_consistency_of_features():
    features, _ = phones.make_phones(5000, seed=1)
    ranges = {"battery_power": (501, 1998), "clock_speed": (0.5, 3.0), "fc": (0, 19),
              "int_memory": (2, 64), "m_dep": (0.1, 1.0), "mobile_wt": (80, 200),
              "n_cores": (1, 8), "pc": (0, 20), "px_height": (0, 1960), "px_width": (500, 1998),
              "ram": (256, 3998), "sc_h": (5, 19), "sc_w": (0, 18), "talk_time": (2, 20)}
    for name, (low, high) in ranges.items():
        values = column(features, name)
        assert values.min() >= low - 1e-6 and values.max() <= high + 1e-6, name
    for name in ("blue", "dual_sim", "four_g", "three_g", "touch_screen", "wifi"):
        assert set(column(features, name).tolist()) == {0.0, 1.0}, name
    assert (column(features, "pc") >= column(features, "fc")).all()
    assert (column(features, "sc_w") < column(features, "sc_h")).all()
    assert (column(features, "px_height") < column(features, "px_width")).all()
    assert (column(features, "three_g") >= column(features, "four_g")).all()


def test_classes_are_balanced_and_ram_drives_the_price():
    features, labels = phones.make_phones(20000, seed=2)
    shares = torch.bincount(labels, minlength=4).double() / len(labels)
    assert ((shares - 0.25).abs() < 0.02).all(), shares
    correlation = {name: torch.corrcoef(torch.stack([column(features, name).double(),
                                                     labels.double()]))[0, 1].item()
                   for name in phones.FEATURE_NAMES}
    ranked = sorted(correlation, key=lambda name: -abs(correlation[name]))
    assert ranked[0] == "ram"
    assert set(ranked[1:4]) == {"battery_power", "px_height", "px_width"}
    assert all(abs(correlation[name]) < 0.05 for name in ranked[4:])


def test_noise_caps_the_best_possible_accuracy():
    """The noise-free score, cut at the thresholds, is the best any model can do: about 92 %."""
    features, labels = phones.make_phones(20000, seed=3)
    thresholds = torch.tensor(phones._THRESHOLDS, dtype=torch.float64)
    best = torch.bucketize(phones.price_score(features), thresholds)
    accuracy = (best == labels).double().mean().item()
    assert 0.88 < accuracy < 0.96


def test_class_probabilities_are_distributions_peaked_on_the_noise_free_range():
    features, _ = phones.make_phones(500, seed=4)
    probabilities = phones.class_probabilities(features)
    assert probabilities.shape == (500, phones.NUM_CLASSES)
    assert probabilities.dtype == torch.float64
    assert bool((probabilities >= 0).all())
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(500, dtype=torch.float64))
    thresholds = torch.tensor(phones._THRESHOLDS, dtype=torch.float64)
    noise_free = torch.bucketize(phones.price_score(features), thresholds)
    assert torch.equal(probabilities.argmax(dim=1), noise_free)


def test_class_probabilities_match_the_generators_label_frequencies():
    """Mean probability per class = class share, and the mean row maximum = the best accuracy."""
    features, labels = phones.make_phones(50_000, seed=5)
    probabilities = phones.class_probabilities(features)
    shares = torch.bincount(labels, minlength=phones.NUM_CLASSES).double() / len(labels)
    assert torch.allclose(probabilities.mean(dim=0), shares, atol=0.005)
    expected_best = probabilities.max(dim=1).values.mean().item()
    realised_best = (probabilities.argmax(dim=1) == labels).double().mean().item()
    assert abs(expected_best - realised_best) < 0.005
    assert 0.91 < expected_best < 0.93


def test_class_probabilities_of_a_phone_on_a_threshold_split_evenly():
    """A phone whose noise-free score sits exactly on a cut is a coin flip between two ranges."""
    features, _ = phones.make_phones(1, seed=0)
    ram = phones.FEATURE_NAMES.index("ram")
    target = phones._THRESHOLDS[1]
    low, high = 256.0, 3998.0  # the score rises with ram: bisect ram to put the score on the cut
    for _ in range(60):
        features[0, ram] = (low + high) / 2
        if phones.price_score(features.double()).item() < target:
            low = features[0, ram].item()
        else:
            high = features[0, ram].item()
    probabilities = phones.class_probabilities(features.double())[0]
    assert abs(probabilities[1].item() - probabilities[2].item()) < 1e-3
    assert probabilities[1].item() + probabilities[2].item() > 0.99


def test_a_small_mlp_beats_a_linear_model():
    torch.manual_seed(0)
    train_x, train_y = phones.make_phones(1400, seed=10)
    test_x, test_y = phones.make_phones(2000, seed=11)
    mean, std = train_x.mean(0), train_x.std(0)
    train_x, test_x = (train_x - mean) / std, (test_x - mean) / std

    def fit(model, epochs, learning_rate):
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
        generator = torch.Generator().manual_seed(0)
        for _ in range(epochs):
            model.train()
            for batch in torch.randperm(len(train_x), generator=generator).split(128):
                optimizer.zero_grad()
                torch.nn.functional.cross_entropy(model(train_x[batch]), train_y[batch]).backward()
                optimizer.step()
        model.eval()
        with torch.no_grad():
            return (model(test_x).argmax(1) == test_y).double().mean().item()

    linear = fit(torch.nn.Linear(20, 4), 60, 0.05)
    mlp = fit(torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                                  torch.nn.Linear(32, 32), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                                  torch.nn.Linear(32, 4)), 30, 0.01)
    assert 0.84 < mlp < 0.95
    assert 0.70 < linear < mlp - 0.02


def test_plot_confusion_draws_every_count():
    confusion = torch.tensor([[5, 1, 0, 0], [2, 6, 1, 0], [0, 1, 7, 2], [0, 0, 1, 9]])
    fig = phones.plot_confusion(confusion, title="Check")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    texts = [text.get_text() for text in ax.texts]
    assert texts == [str(v) for v in confusion.reshape(-1).tolist()]
    assert "accuracy 0.771" in ax.get_title()
    assert ax.get_xlabel() == "predicted price range" and ax.get_ylabel() == "true price range"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(phones.CLASS_NAMES)


def test_plot_confusion_rejects_bad_shapes():
    with pytest.raises(ValueError, match="square"):
        phones.plot_confusion(torch.zeros(3, 4, dtype=torch.int64))
    with pytest.raises(ValueError, match="class names"):
        phones.plot_confusion(torch.zeros(3, 3, dtype=torch.int64))
    fig = phones.plot_confusion(torch.zeros(2, 2, dtype=torch.int64), class_names=("a", "b"))
    assert "nan" in fig.axes[0].get_title()


def test_plot_features():
    features, labels = phones.make_phones(200, seed=0)
    fig = phones.plot_features(features, labels, "ram", "px_height")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "ram" and ax.get_ylabel() == "px_height"
    assert sum(len(collection.get_offsets()) for collection in ax.collections) == 200
    with pytest.raises(ValueError, match="unknown feature"):
        phones.plot_features(features, labels, "price")


def test_docstrings_quote_the_code_and_the_ceiling():
    """The weights in price_score's docstring are the code's, and the 92 % is recomputed."""
    doc = " ".join(phones.price_score.__doc__.split())
    weights = (phones._RAM_WEIGHT, phones._BATTERY_WEIGHT, phones._PIXEL_WEIGHT,
               phones._RAM_BATTERY_WEIGHT)
    assert ("{:.1f} * ram_term + {:.1f} * battery_term + {:.1f} * pixel_term + {:.1f} * "
            "ram_term * battery_term".format(*weights)) in doc
    features, labels = phones.make_phones(50000, seed=0)
    thresholds = torch.tensor(phones._THRESHOLDS, dtype=torch.float64)
    best = (torch.bucketize(phones.price_score(features), thresholds) == labels).double().mean()
    module_doc = " ".join(phones.__doc__.split())
    assert f"labels {best.item():.0%} of 50 000 generated phones".replace("%", " %") in module_doc
    assert f"near {best.item():.0%}".replace("%", " %") in module_doc
