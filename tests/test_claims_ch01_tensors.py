"""Numbers the prose of ch01_tensors states, recomputed (one test per claim, named after it)."""

import warnings

import torch

from tests import claims

CHAPTER = "ch01_tensors"


def _text(anchor: str) -> str:
    """The markdown cell containing ``anchor``, with Unicode minus signs made ASCII."""
    return claims.markdown(CHAPTER, anchor).replace("−", "-")


def test_torch_Tensor_gives_the_default_float_dtype_float32():
    text = _text("always gives the **default floating-point dtype**")
    assert "`torch.get_default_dtype()` (`float32`" in text
    assert torch.Tensor([1, 2]).dtype == torch.get_default_dtype() == torch.float32


def test_rand_is_uniform_on_0_1_and_randn_has_mean_0_std_1():
    text = _text("draws uniformly from [0, 1)")
    assert "(mean 0, standard deviation 1)" in text
    generator = torch.Generator().manual_seed(0)
    uniform = torch.rand(200_000, generator=generator)
    normal = torch.randn(200_000, generator=generator, dtype=torch.float64)
    assert 0.0 <= uniform.min() and uniform.max() < 1.0
    assert abs(normal.mean().item()) < 0.01 and abs(normal.std().item() - 1.0) < 0.01


def test_float32_takes_half_the_memory_of_float64_and_16_bit_floats_halve_it_again():
    text = _text("halve the memory again")
    assert "half the memory of `float64`" in text
    size = {dtype: torch.empty(0, dtype=dtype).element_size()
            for dtype in (torch.float64, torch.float32, torch.float16, torch.bfloat16)}
    assert size[torch.float64] == 2 * size[torch.float32]
    assert size[torch.float32] == 2 * size[torch.float16] == 2 * size[torch.bfloat16]


def test_float16_overflows_above_65504_and_bfloat16_keeps_float32s_range():
    text = _text("overflows to `inf`")
    claims.assert_quotes(text, torch.finfo(torch.float16).max, ".0f")
    assert torch.tensor(65504.0).half().isfinite() and torch.tensor(70000.0).half().isinf()
    assert torch.finfo(torch.bfloat16).max > 0.99 * torch.finfo(torch.float32).max
    assert torch.finfo(torch.bfloat16).eps > torch.finfo(torch.float16).eps  # fewer digits


def test_uint8_holds_0_to_255_and_wraps_modulo_256():
    text = _text("wraps around modulo")
    wrapped = (torch.tensor([250], dtype=torch.uint8) + 10).item()
    claims.assert_quotes(text, 260 - wrapped, "d")
    assert torch.iinfo(torch.uint8).max == 255 and "0..255" in _text("holds raw image pixels")


def test_floor_division_of_minus_7_by_2_is_minus_4():
    text = _text("floor division")
    claims.assert_quotes(text, (torch.tensor(-7) // 2).item(), "d")
    assert "`-7 // 2` is `-4`" in text


def test_a_column_plus_a_row_broadcasts_to_a_table():
    text = _text("broadcasts to a whole table")
    assert "`(3, 1) + (1, 2) -> (3, 2)`" in text.replace("→", "->")
    assert tuple(torch.broadcast_shapes((3, 1), (1, 2))) == (3, 2)
    assert tuple(torch.broadcast_shapes((2, 3), (3,))) == (2, 3)


def test_var_and_std_divide_by_n_minus_1_by_default_and_by_n_with_correction_0():
    text = _text("Bessel's correction")
    assert "**N - 1**" in text and "`correction=1`" in text and "N / (N - 1)" in text
    sample = torch.tensor([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], dtype=torch.float64)
    squares = ((sample - sample.mean()) ** 2).sum()
    n = sample.numel()
    assert torch.isclose(sample.var(), squares / (n - 1))
    assert torch.isclose(sample.var(correction=0), squares / n)
    assert torch.isclose(sample.var() / sample.var(correction=0), torch.tensor(n / (n - 1),
                                                                                dtype=torch.float64))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert torch.tensor([3.0]).std().isnan()
    assert caught, "std of one element should warn"


def test_paired_index_lists_broadcast_a_length_1_list_and_reject_other_lengths():
    text = _text("Paired index lists must have the same length")
    assert "`IndexError`" in text
    numbers = torch.arange(20).reshape(4, 5)
    assert numbers[[1], [2, 3, 4]].tolist() == [7, 8, 9]
    try:
        numbers[[0, 1], [0, 2, 3]]
    except IndexError:
        pass
    else:
        raise AssertionError("index lists of lengths 2 and 3 should raise IndexError")
