"""Progress bars switched off while the self-checks run a student's code.

A test cell shows only the checks' lines: the ``tqdm`` bar that ``train_model`` draws over its
epochs (chapter 8 asks for one) would otherwise appear once per checked case, as a widget in
JupyterLab, or on stderr with ``from tqdm import tqdm``, which nbgrader scores as a failed cell.
Demo cells that call the same function keep their bar.
"""

import contextlib
from collections.abc import Iterator

from tqdm import std


@contextlib.contextmanager
def no_progress_bars() -> Iterator[None]:
    """Inside the block every ``tqdm`` bar is created disabled: it iterates and draws nothing.

    Every tqdm class (``tqdm.auto``'s notebook widget included) initialises through
    ``tqdm.std.tqdm.__init__``, so the switch sits there; the original is restored on exit, also
    when the block raises.

    Yields:
        None.
    """
    saved = std.tqdm.__dict__["__init__"]
    original = std.tqdm.__init__

    def disabled(self, *args, **kwargs):
        kwargs["disable"] = True
        original(self, *args, **kwargs)

    std.tqdm.__init__ = disabled
    try:
        yield
    finally:
        std.tqdm.__init__ = saved
