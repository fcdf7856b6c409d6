"""Optimizers (SGD with momentum, Adam) and gradient clipping by global norm.

Optimizers take the dict of parameter arrays (``model.parameters()``) and update them in
place from a dict of gradients with the same keys (``model.grads``).
"""
from __future__ import annotations

import numpy as np

from .checks import check_number


def _check_grads(params: dict, grads: dict, where: str) -> None:
    if not isinstance(grads, dict):
        raise TypeError(f"{where}: argument 'grads' must be a dict like model.grads, but it is {type(grads).__name__}.")
    missing = sorted(set(params) - set(grads))
    if missing:
        raise ValueError(f"{where}: argument 'grads' has no gradient for {missing}; call model.backward() first.")
    for k, p in params.items():
        g = grads[k]
        if not isinstance(g, np.ndarray) or g.shape != p.shape:
            shape = getattr(g, "shape", type(g).__name__)
            raise ValueError(f"{where}: gradient '{k}' must have shape {p.shape} like the parameter, but it has {shape}.")
        if not np.isfinite(g).all():
            raise ValueError(f"{where}: gradient '{k}' contains NaN or inf; lower the learning rate or clip gradients.")


def global_norm(grads: dict) -> float:
    """√(Σ‖g‖²) over all gradient arrays (computed in float64)."""
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    """Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    Returns the global norm before clipping (as ``torch.nn.utils.clip_grad_norm_``).
    """
    max_norm = check_number(max_norm, "max_norm", "clip_grad_norm()", low=0)
    total = global_norm(grads)
    if total > max_norm > 0:
        scale = max_norm / (total + 1e-12)
        for g in grads.values():
            g *= scale
    return total


class SGD:
    """θ ← θ − lr · v,  v ← momentum · v + g."""

    def __init__(self, params: dict, lr: float = 0.1, momentum: float = 0.0):
        self.params = params
        self.lr = check_number(lr, "lr", "SGD()", low=0)
        self.momentum = check_number(momentum, "momentum", "SGD()", low=0, high=1)
        self._v = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads: dict) -> None:
        _check_grads(self.params, grads, "SGD.step()")
        for k, p in self.params.items():
            v = self._v[k]
            v *= self.momentum
            v += grads[k]
            p -= self.lr * v


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction."""

    def __init__(self, params: dict, lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        where = "Adam()"
        self.params = params
        self.lr = check_number(lr, "lr", where, low=0)
        self.b1 = check_number(betas[0], "betas[0]", where, low=0, high=0.999999)
        self.b2 = check_number(betas[1], "betas[1]", where, low=0, high=0.999999)
        self.eps = check_number(eps, "eps", where, low=0)
        self.t = 0
        self._m = {k: np.zeros_like(p) for k, p in params.items()}
        self._v = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads: dict) -> None:
        _check_grads(self.params, grads, "Adam.step()")
        self.t += 1
        c1 = 1 - self.b1 ** self.t
        c2 = 1 - self.b2 ** self.t
        for k, p in self.params.items():
            g, m, v = grads[k], self._m[k], self._v[k]
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)
