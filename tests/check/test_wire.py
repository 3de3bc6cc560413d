"""course/check/wire.py and values.py: plain data to JSON and back, exactly, deterministically."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course.check import wire
from course.check.values import Obj, kind, show, to_plain
from tests.check.strategies import SETTINGS

DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]


@SETTINGS
@given(st.sampled_from(DTYPES).flatmap(lambda name: hnp.arrays(
    np.dtype(name), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))))
def test_tensors_and_arrays_come_back_with_the_same_dtype_shape_and_bits(array):
    tensor = torch.from_numpy(array.copy())
    value = {"tensor": tensor, "array": array, "pair": (tensor, [array])}
    text = wire.dumps(value)
    back = wire.loads(text)
    assert back["tensor"].dtype == tensor.dtype and back["tensor"].shape == tensor.shape
    assert back["tensor"].numpy().tobytes() == tensor.numpy().tobytes()
    assert back["array"].dtype == array.dtype and back["array"].tobytes() == array.tobytes()
    assert isinstance(back["pair"], tuple) and isinstance(back["pair"][1], list)
    assert wire.dumps(back) == text  # deterministic: the same value, the same text


def test_numbers_strings_objects_and_special_floats_round_trip():
    value = [1, 2.5, True, None, "x", float("nan"), float("-inf"), Obj("DataLoader", {"n": 3}),
             {"__tuple__": 1}, torch.tensor([1.5], dtype=torch.bfloat16),
             torch.tensor([0.5, 1.0], requires_grad=True)]
    back = wire.loads(wire.dumps(value))
    assert back[:5] == value[:5] and type(back[1]) is float and type(back[0]) is int
    assert np.isnan(back[5]) and back[6] == float("-inf")
    assert back[7] == Obj("DataLoader", {"n": 3}) and back[8] == {"__tuple__": 1}
    assert back[9].dtype == torch.bfloat16 and back[9].item() == 1.5
    assert back[10].requires_grad and not wire.loads(wire.dumps(back[10].detach())).requires_grad


def test_anything_else_is_refused():
    with pytest.raises(TypeError, match="not plain data"):
        wire.encode(object())
    with pytest.raises(TypeError):
        wire.encode({1: "integer keys"})


def test_to_plain_copies_and_names_what_is_not_plain():
    tensor = torch.ones(2, requires_grad=True)
    plain = to_plain({"t": tensor, "n": np.float32(1.5), "m": torch.nn.Linear(1, 1)})
    assert not plain["t"].requires_grad and plain["t"] is not tensor
    assert plain["n"] == Obj("numpy.float32", {"value": 1.5})
    assert plain["m"] == Obj("torch.nn.modules.linear.Linear")
    assert to_plain(torch.return_types.max((torch.ones(1), torch.zeros(1)))).type.endswith(
        "max")
    wire.dumps(plain)  # every result of to_plain can be sent


def test_kind_and_show_read_well_in_a_message():
    assert kind(torch.ones(1)) == "a tensor" and kind(1.0) == "a Python float"
    assert kind(np.ones(1)) == "a NumPy array" and kind(Obj("DataLoader")) == "a DataLoader"
    assert show(torch.tensor([[1, 2]])) == "tensor([[1, 2]], int64)"
    assert show(torch.zeros(4, 5, 3, dtype=torch.uint8)) == "a (4, 5, 3) uint8 tensor"
    assert show([torch.zeros(2)] * 3) == "a list of 3 (2,) tensors"
    assert show(0.123456) == "0.1235"


def test_fingerprint_depends_on_the_values_only():
    a = (torch.arange(3), 2)
    assert wire.fingerprint(a) == wire.fingerprint((torch.arange(3), 2))
    assert wire.fingerprint(a) != wire.fingerprint((torch.arange(3).float(), 2))


def test_tensor_data_that_does_not_fit_its_shape_is_refused_before_any_allocation():
    for shape, data in (([10 ** 12], ""), ([2, 2], "AAAA"), ([-1], "")):
        spec = {"__tensor__": {"dtype": "float32", "shape": shape, "data": data}}
        with pytest.raises(ValueError, match="does not fit"):
            wire.decode(spec)
