"""The output layer: an affine map from hidden states to class scores (``torch.nn.Linear``)."""
from __future__ import annotations

import numpy as np

from ..support.checks import as_array, check_array, check_dtype, check_size


class Linear:
    """y = h · Wᵀ + b, applied to the last axis.

    Args: in_features, out_features; dtype; seed (weights ~ U(−1/√in, 1/√in) as in PyTorch).
    Attributes: weight (out, in), bias (out,); grads with the same keys after :meth:`backward`.
    """

    param_names = ("weight", "bias")

    def __init__(self, in_features, out_features, *, dtype=np.float64, seed=0):
        where = "Linear()"
        self.in_features = check_size(in_features, "in_features", where)
        self.out_features = check_size(out_features, "out_features", where)
        self.dtype = check_dtype(dtype, where)
        rng = np.random.default_rng(check_size(seed, "seed", where, minimum=0))
        k = 1.0 / np.sqrt(self.in_features)
        self.weight = rng.uniform(-k, k, (self.out_features, self.in_features)).astype(self.dtype)
        self.bias = rng.uniform(-k, k, self.out_features).astype(self.dtype)
        self.grads: dict[str, np.ndarray] = {}
        self._h = None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, dtype={self.dtype.name})"

    def parameters(self) -> dict[str, np.ndarray]:
        return {"weight": self.weight, "bias": self.bias}

    def num_parameters(self) -> int:
        return self.weight.size + self.bias.size

    def forward(self, h):
        """h (..., in_features) -> scores (..., out_features)."""
        n = self.in_features
        dims = ("...", "in_features")
        h = as_array(h, "h", "Linear.forward()")
        shape = (None,) * (max(h.ndim, 1) - 1) + (n,)
        h = check_array(h, "h", "Linear.forward()", shape=shape, dims=("...",) * (len(shape) - 1) + dims[1:],
                        dtype=self.dtype)
        self._h = h
        return h @ self.weight.T + self.bias

    __call__ = forward

    def backward(self, d_scores):
        """∂L/∂scores (..., out_features) -> ∂L/∂h (..., in_features); fills ``grads``."""
        where = "Linear.backward()"
        if self._h is None:
            raise ValueError(f"{where}: call forward() first.")
        shape = self._h.shape[:-1] + (self.out_features,)
        d = check_array(d_scores, "d_scores", where, shape=shape, dtype=self.dtype,
                        hint="It must match the scores of the last forward() call.")
        h2 = self._h.reshape(-1, self.in_features)
        d2 = d.reshape(-1, self.out_features)
        self.grads = {"weight": d2.T @ h2, "bias": d2.sum(axis=0)}
        return d @ self.weight
