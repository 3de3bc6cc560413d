"""Helper package for the deep-learning fundamentals course.

Importing it has no side effects: nothing is seeded, nothing is downloaded.
"""

from course.device import get_device, set_seed

__all__ = ["get_device", "set_seed"]
__version__ = "0.1.0"
