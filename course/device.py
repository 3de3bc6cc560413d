"""Explicit device choice and seeding (never done at import time)."""

import random

import numpy as np
import torch


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the device the notebooks compute on.

    Args:
        prefer: "cpu" or "cuda" to force one; None picks CUDA when it is available, else CPU.

    Returns:
        The chosen ``torch.device``.

    Raises:
        ValueError: when ``prefer`` is "cuda" but no CUDA device is available, or is unknown.
    """
    if prefer is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if prefer not in ("cpu", "cuda"):
        raise ValueError(f"prefer must be 'cpu', 'cuda' or None, got {prefer!r}")
    if prefer == "cuda" and not torch.cuda.is_available():
        raise ValueError("prefer='cuda' but torch.cuda.is_available() is False on this machine")
    return torch.device(prefer)


def set_seed(seed: int) -> torch.Generator:
    """Seed Python, NumPy and PyTorch (CPU and CUDA) so a run repeats exactly.

    Args:
        seed: any non-negative integer.

    Returns:
        A fresh CPU ``torch.Generator`` seeded with ``seed``, for code that takes ``generator=``.
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)
