"""Chapter 3, sections 1-2: collapsing linear layers and the activations from scratch.

Cases are plain tensors and numbers. Explanations state a property of the student's output
(where it is nan, along which dim it sums to 1), never the answer.
"""

import torch

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise

CHAPTER = "ch03_activations"
EXTREMES = torch.tensor([-1000.0, -89.0, -20.0, 0.0, 20.0, 89.0, 1000.0])


def _pair(observation, reference):
    """(got, want) when both results are float tensors of one shape, else (None, None)."""
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape and got.is_floating_point():
        return got, want
    return None, None


def _scaled(gen, dtype, scale, *shape):
    """Normal values times ``scale`` in ``dtype``; ``shape`` () gives a 0-d tensor."""
    return (normal(gen, *(shape or (1,)), dtype=torch.float64) * scale).to(dtype).reshape(shape)


def elementwise_cases(seed: int, hidden: bool) -> list[Case]:
    """Random tensors of several shapes and both float dtypes, then extreme inputs."""
    gen = generator(seed)
    shapes = ((9,), (2, 5, 3), (4, 1), ()) if hidden else ((1,), (3, 4), (2, 3, 2))
    cases = [Case((_scaled(gen, torch.float64 if i % 2 else torch.float32, 4.0, *shape),))
             for i, shape in enumerate(shapes)]
    extremes = EXTREMES if not hidden else torch.tensor([-1e4, -88.0, -1e-7, 1e-7, 88.0, 1e4])
    return cases + [Case((extremes,), "extreme inputs"),
                    Case((extremes.double(),), "extreme float64 inputs")]


def overflowed(case, observation, reference):
    """nan or inf where the expected values are finite: an exponential overflowed."""
    got, want = _pair(observation, reference)
    if got is None:
        return None
    bad = ~torch.isfinite(got) & torch.isfinite(want)
    if not bad.any():
        return None
    where = case.args[0].reshape(-1)[bad.reshape(-1).nonzero()[0]].item() \
        if case.args[0].shape == got.shape else None
    at = f" at x = {where:g}" if where is not None else ""
    return (f"your result is nan or inf{at} where a finite value is expected: an exponential "
            "overflowed (exp(1000) = inf, and inf / inf = nan); use a form whose exponentials "
            "cannot overflow")


# ------------------------------------------------------------------ collapse_linear

def collapse_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    sizes = ((5, 7, 2), (1, 4, 6), (8, 8, 8), (3, 1, 2)) if hidden else (
        (1, 1, 1), (3, 3, 3), (2, 4, 3), (4, 2, 5))
    cases = []
    for index, (inputs, hidden_size, outputs) in enumerate(sizes):
        dtype = torch.float64 if index % 2 else torch.float32
        cases.append(Case((normal(gen, hidden_size, inputs, dtype=dtype),
                           normal(gen, hidden_size, dtype=dtype),
                           normal(gen, outputs, hidden_size, dtype=dtype),
                           normal(gen, outputs, dtype=dtype))))
    return cases


def reversed_product(case, observation, reference):
    weight1, _, weight2, _ = case.args
    got = observation.get("value")
    if isinstance(got, tuple) and got and isinstance(got[0], torch.Tensor) \
            and weight1.shape == weight2.shape and got[0].shape == weight1.shape \
            and torch.allclose(got[0], weight1 @ weight2, atol=1e-5) \
            and not torch.allclose(weight1 @ weight2, weight2 @ weight1, atol=1e-5):
        return ("your weight is weight1 @ weight2: the layers are multiplied in the reverse "
                "order (x meets the first layer first)")
    return None


def bias_skips_layer(case, observation, reference):
    _, bias1, _, bias2 = case.args
    got = observation.get("value")
    if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], torch.Tensor) \
            and got[1].shape == bias2.shape and bias1.shape == bias2.shape \
            and torch.allclose(got[1], bias1 + bias2, atol=1e-5):
        return ("your bias is bias1 + bias2: bias1 did not pass through the second layer's "
                "weight")
    return None


COLLAPSE_LINEAR = Exercise(
    "collapse_linear", CHAPTER, 2, collapse_cases,
    Contract(params=("weight1", "bias1", "weight2", "bias2"), returns=("weight", "bias"),
             atol=1e-5, explanations=(reversed_product, bias_skips_layer)))


# ------------------------------------------------------------------ sigmoid, tanh

def negated_input(case, observation, reference):
    """sigmoid(-x) = 1 - sigmoid(x): the sign inside the exponential flipped."""
    got, want = _pair(observation, reference)
    if got is None or not torch.isfinite(got).all():
        return None
    if bool((want - 0.5).abs().gt(1e-3).any()) and torch.allclose(got, 1 - want, atol=1e-6):
        return ("your values are sigmoid(-x), 1 minus the expected ones: the sign inside the "
                "exponential is flipped")
    return None


SIGMOID = Exercise(
    "sigmoid", CHAPTER, 1, elementwise_cases,
    Contract(params=("x",), forbidden=("torch.sigmoid", "torch.Tensor.sigmoid",
                                       "torch.special.expit", "torch.nn.functional.sigmoid"),
             explanations=(overflowed, negated_input)))

def lost_sign(case, observation, reference):
    got, want = _pair(observation, reference)
    if got is not None and bool((want < -1e-3).any()) and torch.allclose(got, want.abs(),
                                                                          atol=1e-6):
        return ("your values are never negative: negative inputs lost their sign (tanh is odd, "
                "tanh(-x) = -tanh(x))")
    return None


TANH = Exercise(
    "tanh", CHAPTER, 2, elementwise_cases,
    Contract(params=("x",), forbidden=("torch.tanh", "torch.Tensor.tanh", "torch.sigmoid",
                                       "torch.Tensor.sigmoid", "torch.nn.functional.tanh",
                                       "torch.nn.functional.sigmoid"),
             explanations=(overflowed, lost_sign)))


# ------------------------------------------------------------------ leaky_relu

def leaky_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = (((10,), 0.01), ((2, 3, 4), 0.3), ((5, 1), 0.0), ((6,), None), ((3, 2), 3.0)) \
        if hidden else (((1,), 0.1), ((6,), None), ((4, 6), 0.1), ((2, 5), 0.0), ((3, 3), 0.25),
                        ((2, 4), 1.5))  # a slope above 1 is allowed too
    cases = []
    for index, (shape, slope) in enumerate(plans):
        x = _scaled(gen, torch.float64 if index % 2 else torch.float32, 3.0, *shape)
        cases.append(Case((x,) if slope is None else (x, slope),
                          "the default slope" if slope is None else ""))
    extremes = torch.tensor([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    return cases + [Case((extremes, 0.05), "extreme inputs")]


def slope_on_positives(case, observation, reference):
    got, want = _pair(observation, reference)
    x = case.args[0]
    if got is None or not bool((x > 0).any()):
        return None
    positive = x > 0
    if not torch.allclose(got[positive], x[positive]):
        return ("positive inputs did not pass through unchanged: the slope belongs to the "
                "negative inputs only")
    return None


def other_slope(case, observation, reference):
    got, want = _pair(observation, reference)
    x = case.args[0]
    slope = case.args[1] if len(case.args) > 1 else 0.01
    negative = x < -1e-3
    if got is None or not bool(negative.any()) or not torch.allclose(got[x > 0], x[x > 0]):
        return None
    ratios = got[negative] / x[negative]
    if torch.allclose(ratios, ratios[0].expand_as(ratios), atol=1e-5) \
            and abs(float(ratios[0]) - slope) > 1e-4:
        return (f"negative inputs were multiplied by {float(ratios[0]):.4g}, not by "
                f"negative_slope = {slope}")
    return None


LEAKY_RELU = Exercise(
    "leaky_relu", CHAPTER, 1, leaky_cases,
    Contract(params=("x", "negative_slope"), explanations=(slope_on_positives, other_slope)))


# ------------------------------------------------------------------ softmax

def softmax_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = (((5, 7), 0), ((5, 7), -1), ((2, 3, 4), 1), ((2, 3, 4), 0), ((6,), None)) if hidden \
        else (((1, 3), 1), ((4, 3), 1), ((3, 5), 0), ((2, 3, 4), 1), ((2, 2, 3), None))
    cases = []
    for index, (shape, dim) in enumerate(plans):
        logits = _scaled(gen, torch.float64 if index % 2 else torch.float32, 4.0, *shape)
        cases.append(Case((logits,) if dim is None else (logits, dim),
                          "the default dim" if dim is None else ""))
    huge = torch.tensor([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0]])
    far_apart = torch.tensor([[1000.0, 999.0], [-1000.0, -999.0]])
    return cases + [Case((huge, 1), "logits of ±1000"),
                    Case((far_apart, 1), "two rows 2000 apart")]


def sums_along_other_dim(case, observation, reference):
    got, want = _pair(observation, reference)
    logits = case.args[0]
    dim = case.args[1] if len(case.args) > 1 else -1
    if got is None or logits.ndim < 2 or not torch.isfinite(got).all():
        return None
    dim = dim % logits.ndim
    for other in range(logits.ndim):
        if other != dim and torch.allclose(got.sum(dim=other), torch.ones(()).to(got),
                                           atol=1e-5) and logits.shape[other] > 1:
            return (f"your values sum to 1 along dim {other}, not along dim {dim}: normalise "
                    "along the `dim` argument (the wrong dim)")
    return None


def underflowed_rows(case, observation, reference):
    got, want = _pair(observation, reference)
    logits = case.args[0]
    dim = case.args[1] if len(case.args) > 1 else -1
    if got is None or logits.ndim < 2:
        return None
    bad = (~torch.isfinite(got) & torch.isfinite(want)).any(dim=dim)
    if bad.any() and bool((logits.amax(dim=dim)[bad] < logits.max() - 100).all()):
        return ("nan in the slices whose logits are far below the largest logit of the whole "
                "tensor: every exp there underflowed to 0 (0 / 0); shift each slice by its own "
                "maximum (keepdim=True), not by one maximum for the whole tensor")
    return None


SOFTMAX = Exercise(
    "softmax", CHAPTER, 3, softmax_cases,
    Contract(params=("logits", "dim"), atol=1e-6,
             forbidden=("torch.softmax", "torch.Tensor.softmax", "torch.nn.functional.softmax",
                        "torch.special.softmax"),
             explanations=(underflowed_rows, overflowed, sums_along_other_dim)))


# ------------------------------------------------------------------ two_class_probability

def two_class_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    plans = ((9, torch.float32), (1, torch.float32), (5, torch.float64)) if hidden else (
        (1, torch.float32), (6, torch.float32), (4, torch.float64))
    cases = [Case((_scaled(gen, dtype, 3.0, batch, 2),), "a batch of one" if batch == 1 else "")
             for batch, dtype in plans]
    extreme = torch.tensor([[1000.0, -1000.0], [-1000.0, 1000.0], [5.0, 5.0]])
    return cases + [Case((torch.zeros(0, 2),), "an empty batch"),
                    Case((extreme,), "logits of ±1000")]


def class_one_logit_only(case, observation, reference):
    got, want = _pair(observation, reference)
    logits = case.args[0]
    if got is None or got.numel() == 0 or not bool(logits[:, 0].abs().gt(1e-3).any()):
        return None
    if got.dtype == logits.dtype and torch.allclose(got, torch.sigmoid(logits[:, 1]), atol=1e-6):
        return ("your probabilities depend only on column 1: class 0's logit counts too (only "
                "the difference of the two logits matters)")
    return None


def class_zero(case, observation, reference):
    got, want = _pair(observation, reference)
    if got is not None and got.dtype == want.dtype and bool((want - 0.5).abs().gt(1e-3).any()) \
            and torch.allclose(got, 1 - want, atol=1e-6):
        return "your values are 1 minus the expected ones: the probability of class 0"
    return None


def both_columns(case, observation, reference):
    got = observation.get("value")
    logits = case.args[0]
    if isinstance(got, torch.Tensor) and got.shape == logits.shape and logits.shape[0] != 2:
        return ("you returned both columns, shape (batch, 2): only class 1's probability is "
                "asked, shape (batch,)")
    return None


TWO_CLASS_PROBABILITY = Exercise(
    "two_class_probability", CHAPTER, 1, two_class_cases,
    Contract(params=("logits",), forbidden=("torch.softmax", "torch.Tensor.softmax",
                                            "torch.nn.functional.softmax", "torch.exp",
                                            "torch.Tensor.exp"),
             explanations=(overflowed, both_columns, class_one_logit_only, class_zero)))


# ------------------------------------------------------------------ sigmoid_derivative

def sigmoid_itself(case, observation, reference):
    got, want = _pair(observation, reference)
    if got is None:
        return None
    s = torch.sigmoid(case.args[0])
    if got.dtype == s.dtype and torch.allclose(got, s, atol=1e-6):
        return "your values are sigmoid(x) itself, not its slope (at most 0.25)"
    if got.dtype == s.dtype and torch.allclose(got, 1 - s, atol=1e-6):
        return "your values are 1 - sigmoid(x): only one factor of the slope"
    return None


SIGMOID_DERIVATIVE = Exercise(
    "sigmoid_derivative", CHAPTER, 1, elementwise_cases,
    Contract(params=("x",), explanations=(overflowed, sigmoid_itself)))
