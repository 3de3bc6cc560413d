"""tests/claims.py: a claim's anchor names one cell, and a drifted number fails."""

import pytest

from tests import claims


def test_markdown_finds_the_one_cell_with_the_anchor():
    text = claims.markdown("ch01_tensors", "# Chapter 1 — Tensors")
    assert text.startswith("# Chapter 1")


def test_an_anchor_in_no_cell_fails():
    with pytest.raises(AssertionError, match="0 markdown cells"):
        claims.markdown("ch01_tensors", "no cell says this 8c1f0e")


def test_assert_quotes_passes_on_the_number_and_fails_on_a_drift():
    claims.assert_quotes("the loss stays at 9.0 for ever", 9.0, ".1f")
    with pytest.raises(AssertionError, match="9.1"):
        claims.assert_quotes("the loss stays at 9.0 for ever", 9.14, ".1f")
