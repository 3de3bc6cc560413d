"""Tests of course/quiet.py: tqdm bars drawn inside ``no_progress_bars`` show nothing, and tqdm
is itself again afterwards, also after an error."""

import io

import pytest
from tqdm import std, tqdm
from tqdm.auto import tqdm as auto_tqdm

from course.quiet import no_progress_bars


def drawn(make_bar) -> str:
    """What a bar over three items writes to its file."""
    out = io.StringIO()
    assert list(make_bar(range(3), desc="epochs", file=out)) == [0, 1, 2]
    return out.getvalue()


def test_a_bar_inside_draws_nothing_and_still_iterates():
    with no_progress_bars():
        assert drawn(tqdm) == ""
        assert drawn(std.tqdm) == ""


def test_tqdm_draws_again_after_the_block_and_after_an_error():
    init = std.tqdm.__dict__["__init__"]
    with no_progress_bars():
        pass
    assert "epochs" in drawn(tqdm)
    with pytest.raises(ValueError), no_progress_bars():
        raise ValueError
    assert std.tqdm.__dict__["__init__"] is init
    assert "epochs" in drawn(tqdm)


def test_the_auto_bar_is_created_disabled():
    with no_progress_bars():
        bar = auto_tqdm(range(3))
    assert bar.disable
    assert list(bar) == [0, 1, 2]
