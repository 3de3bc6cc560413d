"""Tests of course.tensor_tools (chapter 1 helpers)."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from course.tensor_tools import describe, histograms, shares_memory


def test_describe_plain_tensor():
    assert describe(torch.zeros(2, 3)) == "shape=(2, 3) dtype=torch.float32 device=cpu"


def test_describe_name_scalar_and_int():
    assert describe(torch.tensor(7), "count") == "count: shape=() dtype=torch.int64 device=cpu"


def test_describe_flags_non_contiguous_and_requires_grad():
    transposed = torch.zeros(2, 3).t()
    assert describe(transposed).endswith(" non-contiguous")
    weights = torch.zeros(3, requires_grad=True)
    assert describe(weights) == "shape=(3,) dtype=torch.float32 device=cpu requires_grad"


def test_describe_rejects_non_tensors():
    with pytest.raises(TypeError, match="torch.Tensor"):
        describe(np.zeros(3))


def test_from_numpy_and_numpy_share_tensor_copies():
    array = np.arange(4.0)
    assert shares_memory(torch.from_numpy(array), array)
    assert not shares_memory(torch.tensor(array), array)
    tensor = torch.arange(3.0)
    assert shares_memory(tensor.numpy(), tensor)
    assert not shares_memory(tensor.numpy().copy(), tensor)


def test_views_share_clone_and_contiguous_copy_do_not():
    matrix = torch.arange(6.0).reshape(2, 3)
    assert shares_memory(matrix.view(3, 2), matrix)
    assert shares_memory(matrix.t(), matrix)
    assert shares_memory(matrix[:, 1], matrix)
    assert not shares_memory(matrix.clone(), matrix)
    assert not shares_memory(matrix.t().contiguous(), matrix)


def test_numpy_slices_and_unrelated_arrays():
    array = np.arange(10)
    assert shares_memory(array[2:5], array)
    assert not shares_memory(np.arange(10), array)


def test_empty_tensors_share_nothing():
    assert not shares_memory(torch.zeros(0), torch.zeros(0))


def test_shares_memory_rejects_other_types():
    with pytest.raises(TypeError, match="numpy.ndarray"):
        shares_memory([1, 2], torch.zeros(2))


def test_histograms_one_panel_per_tensor_and_integer_bars():
    generator = torch.Generator().manual_seed(0)
    fig = histograms({"rand": torch.rand(200, generator=generator),
                      "randint": torch.randint(1, 7, (200,), generator=generator)})
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_title() == "rand"
    assert len(fig.axes[1].patches) == 6  # one bar per face 1..6


def test_histograms_rejects_empty_input():
    with pytest.raises(ValueError):
        histograms({})
    with pytest.raises(ValueError, match="empty"):
        histograms({"nothing": torch.zeros(0)})
