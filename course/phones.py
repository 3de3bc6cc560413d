"""Synthetic mobile-phone price data for the capstone chapter (generated, never downloaded).

The table imitates the layout of the well-known "mobile price classification" data set: 20
features per phone and a price range from 0 (low cost) to 3 (very high cost). The numbers are
NOT real phones: :func:`make_phones` draws every feature from a simple distribution with a
realistic range, then sets a hidden price score that depends mostly on ``ram``, then on
``battery_power`` and on the screen resolution ``px_height * px_width``, plus noise (a big battery
adds more to the price of a phone that also has a lot of RAM, so the score is not linear in the
features). The price range is that score cut at three fixed thresholds, so the four classes come
out roughly balanced and no model can be perfect: the noise puts the best possible accuracy near
92 % (the noise-free score, cut at the same thresholds, labels 92 % of 50 000 generated phones
correctly). Chapter 8 measures how close a linear model and an MLP get.

The same ``seed`` always gives the same table, on every machine, and different seeds give
independent phones from the same distribution (use another seed for data a model never saw).
"""

import torch
from matplotlib.figure import Figure

FEATURE_NAMES: tuple[str, ...] = (
    "battery_power",  # battery capacity in mAh, 501 to 1998
    "blue",           # has Bluetooth (0 or 1)
    "clock_speed",    # processor clock in GHz, 0.5 to 3.0 in steps of 0.1
    "dual_sim",       # takes two SIM cards (0 or 1)
    "fc",             # front camera in megapixels, 0 to 19
    "four_g",         # has 4G (0 or 1)
    "int_memory",     # internal memory in GB, 2 to 64
    "m_dep",          # thickness in cm, 0.1 to 1.0
    "mobile_wt",      # weight in grams, 80 to 200
    "n_cores",        # processor cores, 1 to 8
    "pc",             # primary (back) camera in megapixels, never below fc, up to 20
    "px_height",      # screen height in pixels, 0 to 1960
    "px_width",       # screen width in pixels, 500 to 1998
    "ram",            # memory in MB, 256 to 3998
    "sc_h",           # screen height in cm, 5 to 19
    "sc_w",           # screen width in cm, 0 to 18 (below sc_h)
    "talk_time",      # hours of talk on one charge, 2 to 20
    "three_g",        # has 3G (0 or 1); every 4G phone has 3G
    "touch_screen",   # has a touch screen (0 or 1)
    "wifi",           # has Wi-Fi (0 or 1)
)
CLASS_NAMES: tuple[str, ...] = ("low cost", "medium cost", "high cost", "very high cost")
NUM_FEATURES = len(FEATURE_NAMES)
NUM_CLASSES = len(CLASS_NAMES)

# Weights of the hidden price score (each term is roughly standardised) and the noise level.
_RAM_WEIGHT, _BATTERY_WEIGHT, _PIXEL_WEIGHT, _RAM_BATTERY_WEIGHT = 2.0, 0.6, 1.2, 0.8
_NOISE_STD = 0.25
# Cut points of the score between the four price ranges (roughly its quartiles).
_THRESHOLDS = (-1.9, -0.27, 1.66)


def _uniform_int(low: int, high: int, size: int, generator: torch.Generator) -> torch.Tensor:
    """Integers in [low, high] inclusive, as float64."""
    return torch.randint(low, high + 1, (size,), generator=generator).to(torch.float64)


def _bernoulli(probability: float, size: int, generator: torch.Generator) -> torch.Tensor:
    return (torch.rand(size, generator=generator, dtype=torch.float64) < probability).double()


def price_score(features: torch.Tensor) -> torch.Tensor:
    """The noise-free hidden price score of each phone (higher means more expensive).

    Args:
        features: raw (unscaled) features, shape ``(N, 20)``, columns in ``FEATURE_NAMES`` order.

    Returns:
        Float64 tensor of shape ``(N,)``: ``2.0 * ram_term + 0.6 * battery_term +
        1.2 * pixel_term + 0.8 * ram_term * battery_term``, where ``ram_term``,
        ``battery_term`` and ``pixel_term`` (the screen's megapixels,
        ``px_height * px_width / 1e6``) are each rescaled to mean about 0 and spread about 1.
    """
    x = features.to(torch.float64)
    column = {name: x[:, i] for i, name in enumerate(FEATURE_NAMES)}
    ram_term = (column["ram"] - 2127.0) / 1080.0
    battery_term = (column["battery_power"] - 1249.5) / 432.0
    megapixels = column["px_height"] * column["px_width"] / 1e6
    pixel_term = (megapixels - 0.87) / 0.81
    return (_RAM_WEIGHT * ram_term + _BATTERY_WEIGHT * battery_term + _PIXEL_WEIGHT * pixel_term
            + _RAM_BATTERY_WEIGHT * ram_term * battery_term)


def make_phones(num_samples: int = 2000, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Generate a synthetic phone table and its price ranges, deterministically.

    Args:
        num_samples: number of phones (rows).
        seed: seed of a private ``torch.Generator``; the global random state is not touched.

    Returns:
        ``(features, labels)``: ``features`` is float32 of shape ``(num_samples, 20)`` with the
        columns of ``FEATURE_NAMES`` in raw units (mAh, MB, pixels, ...); ``labels`` is int64 of
        shape ``(num_samples,)`` with values 0 (low cost) to 3 (very high cost).
    """
    if not isinstance(num_samples, int) or num_samples < 1:
        raise ValueError(f"num_samples must be a positive int, got {num_samples!r}")
    g = torch.Generator().manual_seed(seed)
    n = num_samples
    rand = lambda: torch.rand(n, generator=g, dtype=torch.float64)  # noqa: E731
    battery_power = _uniform_int(501, 1998, n, g)
    blue = _bernoulli(0.5, n, g)
    clock_speed = _uniform_int(5, 30, n, g) / 10
    dual_sim = _bernoulli(0.5, n, g)
    fc = torch.floor(-3.5 * torch.log1p(-rand())).clamp(max=19)  # many phones have 0-4 MP
    four_g = _bernoulli(0.52, n, g)
    int_memory = _uniform_int(2, 64, n, g)
    m_dep = _uniform_int(1, 10, n, g) / 10
    mobile_wt = _uniform_int(80, 200, n, g)
    n_cores = _uniform_int(1, 8, n, g)
    pc = fc + torch.floor(rand() * (21 - fc))  # fc <= pc <= 20
    px_width = _uniform_int(500, 1998, n, g)
    px_height = torch.floor(rand() * px_width).clamp(max=1960)  # height below width
    ram = _uniform_int(256, 3998, n, g)
    sc_h = _uniform_int(5, 19, n, g)
    sc_w = torch.floor(rand() * sc_h)
    talk_time = _uniform_int(2, 20, n, g)
    three_g = torch.maximum(four_g, _bernoulli(0.5, n, g))
    touch_screen = _bernoulli(0.5, n, g)
    wifi = _bernoulli(0.5, n, g)
    columns = dict(battery_power=battery_power, blue=blue, clock_speed=clock_speed,
                   dual_sim=dual_sim, fc=fc, four_g=four_g, int_memory=int_memory, m_dep=m_dep,
                   mobile_wt=mobile_wt, n_cores=n_cores, pc=pc, px_height=px_height,
                   px_width=px_width, ram=ram, sc_h=sc_h, sc_w=sc_w, talk_time=talk_time,
                   three_g=three_g, touch_screen=touch_screen, wifi=wifi)
    features = torch.stack([columns[name] for name in FEATURE_NAMES], dim=1)  # (N, 20)
    noise = torch.randn(n, generator=g, dtype=torch.float64) * _NOISE_STD
    score = price_score(features) + noise  # (N,)
    labels = torch.bucketize(score, torch.tensor(_THRESHOLDS, dtype=torch.float64))  # (N,)
    return features.to(torch.float32), labels.to(torch.int64)


def plot_confusion(confusion: torch.Tensor, class_names: tuple[str, ...] = CLASS_NAMES,
                   title: str = "Confusion matrix") -> Figure:
    """Draw a confusion matrix with the count written in every cell.

    Args:
        confusion: integer tensor of shape ``(C, C)``; ``confusion[t, p]`` counts the rows of
            true class ``t`` predicted as class ``p`` (rows: truth, columns: prediction).
        class_names: ``C`` names for the axis ticks.
        title: axes title; the overall accuracy is appended to it.

    Returns:
        The Figure (displayed when it is a cell's last expression).
    """
    counts = torch.as_tensor(confusion).detach().cpu().to(torch.int64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"confusion must be a square (C, C) tensor, got shape "
                         f"{tuple(counts.shape)}")
    if len(class_names) != counts.shape[0]:
        raise ValueError(f"{counts.shape[0]} classes but {len(class_names)} class names")
    total = int(counts.sum())
    accuracy = counts.diagonal().sum().item() / total if total else float("nan")
    fig = Figure(figsize=(5.2, 4.4), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(counts.numpy(), cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, label="phones")
    threshold = counts.max().item() / 2
    for true_class in range(counts.shape[0]):
        for predicted in range(counts.shape[1]):
            value = counts[true_class, predicted].item()
            ax.text(predicted, true_class, str(value), ha="center", va="center",
                    color="white" if value > threshold else "black")
    ticks = range(len(class_names))
    ax.set_xticks(ticks, class_names, rotation=30, ha="right")
    ax.set_yticks(ticks, class_names)
    ax.set(xlabel="predicted price range", ylabel="true price range",
           title=f"{title} (accuracy {accuracy:.3f})")
    return fig


def plot_features(features: torch.Tensor, labels: torch.Tensor, x_feature: str = "ram",
                  y_feature: str = "battery_power") -> Figure:
    """Scatter two raw features of the phones, coloured by price range.

    Args:
        features: raw features of shape ``(N, 20)`` (columns in ``FEATURE_NAMES`` order).
        labels: price ranges of shape ``(N,)``, values 0 to 3.
        x_feature, y_feature: names from ``FEATURE_NAMES``.

    Returns:
        The Figure.
    """
    for name in (x_feature, y_feature):
        if name not in FEATURE_NAMES:
            raise ValueError(f"unknown feature {name!r}; choose from {', '.join(FEATURE_NAMES)}")
    x = features[:, FEATURE_NAMES.index(x_feature)].detach().cpu()
    y = features[:, FEATURE_NAMES.index(y_feature)].detach().cpu()
    classes = labels.detach().cpu()
    fig = Figure(figsize=(6.8, 4), layout="constrained")
    ax = fig.add_subplot()
    for index, name in enumerate(CLASS_NAMES):
        chosen = classes == index
        ax.scatter(x[chosen], y[chosen], s=8, alpha=0.6, color=f"C{index}",
                   label=f"{index}: {name}")
    ax.set(xlabel=x_feature, ylabel=y_feature, title=f"{y_feature} vs {x_feature} by price range")
    ax.legend(fontsize="small", markerscale=2, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def class_probabilities(features: torch.Tensor) -> torch.Tensor:
    """The probability of each price range given a phone's features, under the generator's noise.

    :func:`make_phones` labels a phone by where its noisy score ``price_score + noise`` falls
    between the thresholds; the noise is Gaussian with a known standard deviation, so for known
    features the probability of range ``k`` is the Gaussian mass between its two thresholds.
    No model can do better than predicting the most probable range: the mean of the row maxima
    is the best accuracy any classifier can expect on these phones (the data's ceiling).

    Args:
        features: raw (unscaled) features, shape ``(N, 20)``, columns in ``FEATURE_NAMES`` order.

    Returns:
        Float64 tensor of shape ``(N, NUM_CLASSES)`` whose rows sum to 1.
    """
    score = price_score(features)  # (N,)
    cuts = torch.tensor(_THRESHOLDS, dtype=torch.float64)  # (NUM_CLASSES - 1,)
    below = torch.special.ndtr((cuts[None, :] - score[:, None]) / _NOISE_STD)  # (N, C - 1)
    zeros, ones = torch.zeros_like(score[:, None]), torch.ones_like(score[:, None])
    cumulative = torch.cat([zeros, below, ones], dim=1)  # (N, C + 1): P(noisy score < cut)
    return cumulative[:, 1:] - cumulative[:, :-1]
