"""Prose numbers are computed: helpers for tests that recompute a number a markdown cell quotes.

A claim test finds the markdown cell by a short anchor (text unique to that cell), recomputes the
quantity with the course's helpers or torch, and asserts that the cell quotes it as printed::

    def test_ch02_eta_one_oscillates():
        text = claims.markdown("ch02_autograd", "oscillates for ever")
        loss = ...  # recompute
        claims.assert_quotes(text, loss, ".1f")

One test per claim, named after what the claim says, so a prose edit that drifts from the
numbers fails with the cell's anchor in the message.
"""

import nbformat

from tests.conftest import ROOT


def markdown(chapter: str, anchor: str) -> str:
    """The text of the one markdown cell of ``source/<chapter>`` that contains ``anchor``.

    Args:
        chapter: e.g. ``"ch02_autograd"``.
        anchor: a phrase that occurs in exactly one markdown cell of the chapter.

    Returns:
        The cell's source.
    """
    nb = nbformat.read(ROOT / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    found = [cell.source for cell in nb.cells
             if cell.cell_type == "markdown" and anchor in cell.source]
    assert len(found) == 1, (f"{chapter}: {len(found)} markdown cells contain {anchor!r}; "
                             f"a claim's anchor must name exactly one")
    return found[0]


def assert_quotes(text: str, value: float, spec: str) -> None:
    """Fail unless ``text`` contains ``value`` formatted with ``spec`` (e.g. ``".2f"``)."""
    shown = format(value, spec)
    assert shown in text, f"the prose should quote {shown} (recomputed), but says: {text[:300]!r}"
