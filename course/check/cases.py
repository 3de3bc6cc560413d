"""Seeded case generators' building blocks, and the order cases run in (smallest first)."""

import numpy as np
import torch

from course.check.spec import Case


def generator(seed: int) -> torch.Generator:
    """A CPU ``torch.Generator`` seeded with ``seed`` (never the global one)."""
    return torch.Generator().manual_seed(int(seed))


def normal(gen: torch.Generator, *shape: int, dtype=torch.float32) -> torch.Tensor:
    """Standard-normal values of ``shape``, rounded to 3 decimals so messages stay short."""
    values = torch.randn(*shape, generator=gen, dtype=torch.float64)
    return (values * 1000).round().div(1000).to(dtype)


def integers(gen: torch.Generator, low: int, high: int, *shape: int,
             dtype=torch.int64) -> torch.Tensor:
    """Integers in ``[low, high)`` of ``shape`` (few distinct values, so ties happen)."""
    return torch.randint(low, high, shape, generator=gen).to(dtype)


def size(value) -> int:
    """How big an input is: elements of tensors and arrays, items of lists; 1 for a number."""
    if isinstance(value, torch.Tensor):
        return value.numel()
    if isinstance(value, np.ndarray):
        return int(value.size)
    if isinstance(value, (list, tuple)):
        return sum(size(item) for item in value) + len(value)
    return 1


def ordered(cases: list[Case]) -> list[Case]:
    """``cases`` smallest first (stable), so the first failure shows on the smallest input."""
    return sorted(cases, key=lambda case: size(case.args))
