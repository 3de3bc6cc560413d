"""Hypothesis strategies shared by the checker's unit tests: float64 arrays to diagnose."""

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

SETTINGS = settings(derandomize=True, max_examples=25, deadline=None)


def arrays(min_dims: int = 1, max_dims: int = 2, min_side: int = 2, max_side: int = 5,
           distinct: bool = True):
    """Float64 arrays of moderate, well-separated values (no ties unless asked for)."""
    shapes = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                              max_side=max_side)
    elements = st.integers(min_value=-500, max_value=500).filter(lambda v: v != 0).map(
        lambda v: v / 8)
    return hnp.arrays(np.float64, shapes, elements=elements, unique=distinct)


def square_arrays():
    """Non-symmetric square float64 matrices."""
    return st.integers(2, 5).flatmap(lambda n: hnp.arrays(
        np.float64, (n, n), elements=st.integers(-500, 500).filter(lambda v: v != 0).map(
            lambda v: v / 8), unique=True))
