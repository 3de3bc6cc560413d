"""Deterministic synthetic data sets (generated, never downloaded)."""

import torch


def make_linear_data(num_samples: int = 100, true_weight: float = 2.5, true_bias: float = -1.0,
                     noise_std: float = 0.5, seed: int = 0,
                     dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Points on the line ``y = true_weight * x + true_bias`` plus Gaussian noise.

    Args:
        num_samples: number of points.
        true_weight, true_bias: the line the data comes from.
        noise_std: standard deviation of the noise added to ``y``.
        seed: seed of the private generator; the same seed always gives the same data.
        dtype: dtype of both tensors.

    Returns:
        ``(x, y)``, both of shape ``(num_samples, 1)``; ``x`` lies in [-3, 3).
    """
    if num_samples < 1:
        raise ValueError(f"num_samples must be at least 1, got {num_samples}")
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(num_samples, 1, generator=generator, dtype=torch.float64) * 6 - 3  # (N, 1)
    noise = torch.randn(num_samples, 1, generator=generator, dtype=torch.float64) * noise_std
    y = true_weight * x + true_bias + noise  # (N, 1)
    return x.to(dtype), y.to(dtype)
