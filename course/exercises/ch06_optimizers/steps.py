"""Chapter 6, counting and update rules: ``count_iterations``, ``exponential_moving_average``
and the one-step updates of SGD with momentum, AdaGrad, RMSProp and Adam."""

import torch

from course.check.cases import generator, normal
from course.check.spec import Case, Contract, Exercise
from course.exercises.ch06_optimizers import updates

CHAPTER = "ch06_optimizers"


def _first(observation, reference, index: int):
    """Item ``index`` of the returned and the expected tuple, when both are equal-shape tensors."""
    got, want = observation.get("value"), reference.get("value")
    try:
        got, want = got[index], want[index]
    except (TypeError, IndexError, KeyError):
        return None, None
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape:
        return got.double(), want.double()
    return None, None


def _close(got, want) -> bool:
    return got is not None and got.shape == want.shape and torch.allclose(got, want, atol=1e-7,
                                                                          rtol=1e-6)


# ------------------------------------------------------------------ count_iterations

def count_cases(seed: int, hidden: bool) -> list[Case]:
    if hidden:
        plans = ((1024, 64, 3, False), (5, 10, 4, True), (0, 8, 5, False), (1, 1, 7, True),
                 (999, 1000, 2, False), (1001, 1000, 2, True), (60000, 128, 12, False))
    else:
        plans = ((1000, 64, 10, False), (1000, 64, 10, True), (0, 8, 5, False), (7, 7, 0, False),
                 (5, 10, 4, False), (5, 10, 4, True), (1024, 64, 3, False))
    return [Case(plan[:3] if not plan[3] and i % 2 else plan,
                 "no samples" if plan[0] == 0 else "")
            for i, plan in enumerate(plans)]


def rounded_down(case, observation, reference):
    got, want = observation.get("value"), reference.get("value")
    samples, batch = case.args[0], case.args[1]
    drop = case.args[3] if len(case.args) > 3 else False
    if not drop and isinstance(got, tuple) and got and got[0] == samples // batch \
            and want[0] != got[0]:
        return (f"the last, incomplete batch of {samples % batch} samples is missing: with "
                "drop_last=False it is still a batch and an optimizer step (round up)")
    if drop and isinstance(got, tuple) and got and want[0] + 1 == got[0] and samples >= batch:
        return "drop_last=True throws the incomplete last batch away: round down"
    return None


def _counts(case, observation, reference):
    """(samples, batch, epochs, drop_last, got, want) when both returned a pair of ints."""
    got, want = observation.get("value"), reference.get("value")
    if not isinstance(got, tuple) or len(got) != 2 or not all(
            type(n) is int for n in got) or got == want:
        return None
    samples, batch, epochs = case.args[:3]
    return samples, batch, epochs, case.args[3] if len(case.args) > 3 else False, got, want


def smaller_than_a_batch(case, observation, reference):
    found = _counts(case, observation, reference)
    if found is None:
        return None
    samples, batch, _, drop, got, want = found
    if want[0] == 0 and got[0] > 0 and drop and 0 < samples < batch:
        return (f"{samples} samples are smaller than a batch of {batch}: with drop_last=True "
                "that one incomplete batch is dropped too, 0 batches")
    return None


def extra_batch_when_divisible(case, observation, reference):
    found = _counts(case, observation, reference)
    if found is None:
        return None
    samples, batch, _, drop, got, want = found
    if samples and not drop and samples % batch == 0 and got[0] == want[0] + 1:
        return (f"one batch too many: {samples} samples are divisible by batch_size={batch}, "
                "so no incomplete batch is left over (off by one)")
    return None


def epochs_merged(case, observation, reference):
    found = _counts(case, observation, reference)
    if found is None:
        return None
    samples, batch, epochs, drop, got, want = found
    if got[0] == want[0] and got[1] < want[1] and not drop \
            and got[1] == -(-samples * epochs // batch):
        return ("your total counts the batches of all epochs' samples put together: every "
                "epoch ends with its own partial batch (an incomplete batch in every epoch), "
                "so your total is too small")
    return None


COUNT_ITERATIONS = Exercise(
    "count_iterations", CHAPTER, 1, count_cases,
    Contract(params=("num_samples", "batch_size", "num_epochs", "drop_last"),
             returns=("batches_per_epoch", "total_iterations"),
             explanations=(smaller_than_a_batch, extra_batch_when_divisible, epochs_merged,
                           rounded_down)))


# ------------------------------------------------------------------ exponential_moving_average

UNCORRECTED = "with bias_correction=False"
SWAPPED = "with beta replaced by 1 - beta, bias_correction=False"


def average_cases(seed: int, hidden: bool) -> list[Case]:
    gen = generator(seed)
    tens = torch.full((5,), 10.0, dtype=torch.float64)
    if hidden:
        return [Case((normal(gen, length, dtype=torch.float64) + 3, beta, corrected))
                for length, beta, corrected in ((1, 0.9, True), (7, 0.5, False), (50, 0.9, True),
                                                (40, 0.99, False), (6, 0.0, True))]
    return [Case((tens, 0.9, False), "a constant series"), Case((tens, 0.9), "a constant series"),
            Case((torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), 0.5, False)),
            Case((torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), 0.5, True)),
            Case((normal(gen, 1) + 2, 0.9), "one value"),
            Case((normal(gen, 8) + 3, 0.75, True), "float32")]


def _average_extras(function, result, args, case) -> dict:
    values, beta = args[0], args[1]
    return {UNCORRECTED: function(values.clone(), beta, False),
            SWAPPED: function(values.clone(), 1 - beta, False)}


def _series(observation, reference):
    got, want = observation.get("value"), reference.get("value")
    if isinstance(got, torch.Tensor) and isinstance(want, torch.Tensor) \
            and got.shape == want.shape and not _close(got.double(), want.double()):
        return got.double()
    return None


def weights_swapped(case, observation, reference):
    got = _series(observation, reference)
    corrected = case.args[2] if len(case.args) > 2 else True
    if got is None or corrected or case.args[1] == 0.5:
        return None
    if _close(got, reference["extra"][SWAPPED].double()):
        return (f"your averages are those of beta = {1 - case.args[1]:g}: the weights are "
                "swapped; the OLD average keeps beta, the new value gets 1 - beta")
    return None


def correction_missing(case, observation, reference):
    got = _series(observation, reference)
    corrected = case.args[2] if len(case.args) > 2 else True
    if got is not None and corrected and _close(got, reference["extra"][UNCORRECTED].double()):
        return ("your corrected averages equal the uncorrected ones: with bias_correction "
                "divide v_t by (1 - beta**t), t counting from 1")
    return None


def first_correction_by_zero(case, observation, reference):
    got = _series(observation, reference)
    corrected = case.args[2] if len(case.args) > 2 else True
    if got is None or not corrected or not len(got) or bool(torch.isfinite(got[0])):
        return None
    plain, beta = reference["extra"][UNCORRECTED].double(), case.args[1]
    later = torch.arange(1, len(got), dtype=torch.float64)
    if len(got) > 1 and not _close(got[1:], plain[1:] / (1 - beta ** later)):
        return None
    return (f"your first average is {float(got[0])}: its bias correction divided by "
            "1 - beta**0 = 0; t counts from 1 for the first value (off by one)")


EXPONENTIAL_MOVING_AVERAGE = Exercise(
    "exponential_moving_average", CHAPTER, 2, average_cases,
    Contract(params=("values", "beta", "bias_correction"), atol=1e-6,
             explanations=(correction_missing, weights_swapped, first_correction_by_zero)),
    observe=_average_extras)


# ------------------------------------------------------------------ the update rules

def update_cases(extra_state: int, hyper):
    """Cases (param, grad, state..., *hyper-parameters) for an update rule: a first step from
    zero state, later steps from a non-zero one, a (1,) and a 0-d parameter, float32 and 64."""
    def cases(seed: int, hidden: bool) -> list[Case]:
        gen = generator(seed)
        shapes = ((3, 2), (1,), (5,), ()) if hidden else ((4,), (2, 3), (1,), ())
        found = []
        for index, shape in enumerate(shapes):
            dtype = torch.float64 if index % 2 else torch.float32
            size = shape or (1,)
            param = normal(gen, *size, dtype=dtype).reshape(shape)
            grad = normal(gen, *size, dtype=dtype).reshape(shape)
            first = index == 0
            state = [torch.zeros(shape, dtype=dtype) if first else
                     normal(gen, *size, dtype=dtype).reshape(shape).abs() for _ in
                     range(extra_state)]
            found.append(Case((param, grad, *state, *hyper(index, hidden)),
                              "the first step (zero state)" if first else ""))
        return found
    return cases


def _update(name, points, params, returns, hyper, states=1, explanations=()):
    return Exercise(name, CHAPTER, points, update_cases(states, hyper),
                    Contract(params=params, returns=returns, atol=1e-6,
                             explanations=explanations))


def lr_in_velocity(case, observation, reference):
    got, want = _first(observation, reference, 1)
    velocity, lr, momentum = case.args[2].double(), case.args[3], case.args[4]
    if got is None or _close(got, want):
        return None
    if _close(got, momentum * velocity + lr * (want - momentum * velocity)):
        return ("your new velocity holds learning_rate × the gradient: torch.optim.SGD adds the "
                "plain gradient to the velocity and applies lr only to the parameter")
    return None


SGD_MOMENTUM_STEP = _update(
    "sgd_momentum_step", 2, ("param", "grad", "velocity", "lr", "momentum"),
    ("new_param", "new_velocity"),
    lambda i, hidden: ((0.05, 0.9), (0.1, 0.5), (0.3, 0.0), (0.01, 0.99))[(i + hidden) % 4],
    explanations=(lr_in_velocity, updates.stale_velocity, updates.sgd_sign))


def eps_inside(case, observation, reference):
    """The update used sqrt(state + eps) instead of sqrt(state) + eps."""
    got, want = _first(observation, reference, 0)
    _, state = _first(observation, reference, 1)  # the expected new state
    if got is None or state is None or _close(got, want):
        return None
    param, grad = case.args[0].double(), case.args[1].double()
    lr, eps = case.args[-3] if len(case.args) == 6 else case.args[3], case.args[-1]
    if _close(got, param - lr * grad / (state + eps).sqrt()):
        return "eps went inside the square root: it is added to sqrt(state), outside the root"
    return None


ADAGRAD_STEP = _update(
    "adagrad_step", 2, ("param", "grad", "sum_of_squares", "lr", "eps"),
    ("new_param", "new_sum_of_squares"),
    lambda i, hidden: ((0.5, 0.1), (0.01, 1e-10), (0.1, 1e-3), (1.0, 0.05))[(i + hidden) % 4],
    explanations=(eps_inside, updates.stale_sum, updates.adagrad_sign))

RMSPROP_STEP = _update(
    "rmsprop_step", 2, ("param", "grad", "square_avg", "lr", "alpha", "eps"),
    ("new_param", "new_square_avg"),
    lambda i, hidden: ((0.01, 0.9, 0.1), (0.1, 0.99, 1e-8), (0.05, 0.5, 1e-3),
                       (0.2, 0.0, 0.05))[(i + hidden) % 4],
    explanations=(eps_inside, updates.alpha_swapped, updates.gradient_unsquared,
                  updates.rmsprop_sign))

ADAM_STEP = _update(
    "adam_step", 3, ("param", "grad", "exp_avg", "exp_avg_sq", "step", "lr", "beta1", "beta2",
                     "eps"),
    ("new_param", "new_exp_avg", "new_exp_avg_sq"),
    lambda i, hidden: ((1, 0.1, 0.9, 0.999, 1e-8), (3, 0.01, 0.9, 0.99, 1e-8),
                       (10, 0.05, 0.5, 0.9, 1e-3), (2, 0.2, 0.8, 0.95, 0.1))[(i + hidden) % 4],
    states=2, explanations=(updates.corrected_state, updates.correction_one_late,
                            updates.no_square_root, updates.adam_sign))
