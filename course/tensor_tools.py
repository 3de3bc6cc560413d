"""Helpers for chapter 1 (tensors): describe a tensor, tell whether two share memory, plot values.

Nothing here prints addresses or other values that change between runs, so notebook outputs
that use these helpers stay identical from run to run.
"""

import numpy as np
import torch
from matplotlib.figure import Figure

try:  # NumPy >= 2.0
    from numpy.lib.array_utils import byte_bounds
except ImportError:  # NumPy 1.x
    from numpy import byte_bounds


def describe(tensor: torch.Tensor, name: str | None = None) -> str:
    """One line with what usually matters about a tensor: shape, dtype, device, layout.

    Args:
        tensor: any tensor.
        name: optional label put in front, e.g. ``"weights"``.

    Returns:
        A string such as ``"weights: shape=(2, 3) dtype=torch.float32 device=cpu"``, followed by
        ``" non-contiguous"`` when the elements are not laid out row by row in memory and by
        ``" requires_grad"`` when autograd tracks the tensor.

    Raises:
        TypeError: when ``tensor`` is not a ``torch.Tensor``.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"describe() needs a torch.Tensor, got {type(tensor).__name__}")
    text = f"shape={tuple(tensor.shape)} dtype={tensor.dtype} device={tensor.device.type}"
    if not tensor.is_contiguous():
        text += " non-contiguous"
    if tensor.requires_grad:
        text += " requires_grad"
    return f"{name}: {text}" if name else text


def _memory_block(value) -> tuple[str, int, int]:
    """(device type, first byte, one past the last byte) of the memory ``value`` can reach."""
    if isinstance(value, torch.Tensor):
        storage = value.untyped_storage()
        start = storage.data_ptr()
        return value.device.type, start, start + storage.nbytes()
    if isinstance(value, np.ndarray):
        low, high = byte_bounds(value)
        return "cpu", low, high
    raise TypeError(f"expected a torch.Tensor or a numpy.ndarray, got {type(value).__name__}")


def shares_memory(first, second) -> bool:
    """Whether writing into one of two tensors / NumPy arrays can change the other.

    A tensor is compared through its whole storage, so two slices of the same tensor count as
    sharing even when the slices do not overlap: what matters here is "one block of memory or
    two", the question behind ``torch.from_numpy`` (shares) vs ``torch.tensor`` (copies).

    Args:
        first, second: each a ``torch.Tensor`` or a ``numpy.ndarray``.

    Returns:
        True when both live on the same device and their memory blocks overlap.

    Raises:
        TypeError: when an argument is neither a tensor nor an array.
    """
    device_a, start_a, end_a = _memory_block(first)
    device_b, start_b, end_b = _memory_block(second)
    if device_a != device_b or start_a == end_a or start_b == end_b:
        return False
    return start_a < end_b and start_b < end_a


def histograms(named_samples: dict[str, torch.Tensor], bins: int = 30) -> Figure:
    """Histograms of several tensors side by side, e.g. ``torch.rand`` vs ``torch.randn``.

    Args:
        named_samples: maps a panel title to a tensor of samples (any shape: it is flattened).
            Integer tensors get one bar per integer value.
        bins: number of bars for floating-point tensors.

    Returns:
        The Figure (displayed when it is a cell's last expression).

    Raises:
        ValueError: when ``named_samples`` is empty or one of its tensors is.
    """
    if not named_samples:
        raise ValueError("histograms() needs at least one named tensor")
    fig = Figure(figsize=(3.4 * len(named_samples), 2.8), layout="constrained")
    axes = fig.subplots(1, len(named_samples), squeeze=False)[0]
    for index, (ax, (title, samples)) in enumerate(zip(axes, named_samples.items(), strict=True)):
        if samples.numel() == 0:
            raise ValueError(f"histograms(): the tensor for {title!r} is empty")
        values = samples.detach().cpu().reshape(-1)
        if values.is_floating_point():
            edges = bins
        else:
            low, high = int(values.min()), int(values.max())
            edges = np.arange(low - 0.5, high + 1.5)
        ax.hist(values.double().numpy(), bins=edges, color=f"C{index}", edgecolor="white")
        ax.set(title=title, xlabel="value", ylabel="count")
        ax.grid(alpha=0.3)
    return fig
