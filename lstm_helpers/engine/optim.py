"""Optimizers (SGD with momentum, Adam) and gradient clipping by global norm.

Optimizers take the dict of parameter arrays (``model.parameters()``) and update them in
place from a dict of gradients with the same keys (``model.grads``).
"""
from __future__ import annotations

import numpy as np

from ..support.checks import check_array, check_number


def _check_array_dict(d, name: str, where: str, *, like: str) -> dict:
    """``d`` must be a non-empty dict of float arrays (finite, non-empty)."""
    if not isinstance(d, dict):
        raise TypeError(f"{where}: argument '{name}' must be a dict like {like}, but it is {type(d).__name__}.")
    if not d:
        raise ValueError(f"{where}: argument '{name}' is an empty dict; it needs at least one array.")
    for k, v in d.items():
        if not isinstance(v, np.ndarray):
            raise TypeError(f"{where}: argument '{name}' must map names to numpy arrays, "
                            f"but '{name}'[{k!r}] is {type(v).__name__}.")
        check_array(v, f"{name}[{k!r}]", where)
    return d


def _check_grads(params: dict, grads: dict, where: str) -> None:
    if not isinstance(grads, dict):
        raise TypeError(f"{where}: argument 'grads' must be a dict like model.grads, but it is {type(grads).__name__}.")
    missing = sorted(set(params) - set(grads))
    if missing:
        raise ValueError(f"{where}: argument 'grads' has no gradient for {missing}; call model.backward() first.")
    for k, p in params.items():
        g = grads[k]
        if not isinstance(g, np.ndarray):
            raise TypeError(f"{where}: argument 'grads' must map names to numpy arrays, "
                            f"but 'grads'[{k!r}] is {type(g).__name__}.")
        if g.shape != p.shape:
            raise ValueError(f"{where}: argument 'grads': gradient '{k}' must have shape {p.shape} like the "
                             f"parameter, but it has shape {g.shape}.")
        if g.dtype.kind != "f":
            raise TypeError(f"{where}: argument 'grads': gradient '{k}' must hold floats, but it has dtype {g.dtype}.")
        if not np.isfinite(g).all():
            raise ValueError(f"{where}: argument 'grads': gradient '{k}' contains NaN or inf; "
                             f"lower the learning rate or clip gradients.")


def _global_norm(grads: dict) -> float:
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def global_norm(grads: dict) -> float:
    """√(Σ‖g‖²) over all gradient arrays (computed in float64)."""
    _check_array_dict(grads, "grads", "global_norm()", like="model.grads")
    return _global_norm(grads)


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    """Scale all gradients together so that their global L2 norm is at most ``max_norm``.

    Returns the global norm before clipping (as ``torch.nn.utils.clip_grad_norm_``).
    """
    _check_array_dict(grads, "grads", "clip_grad_norm()", like="model.grads")
    max_norm = check_number(max_norm, "max_norm", "clip_grad_norm()", low=0)
    total = _global_norm(grads)
    if total > max_norm > 0:
        scale = max_norm / (total + 1e-12)
        for g in grads.values():
            g *= scale
    return total


class SGD:
    """θ ← θ − lr · v,  v ← momentum · v + g."""

    def __init__(self, params: dict, lr: float = 0.1, momentum: float = 0.0):
        self.params = _check_array_dict(params, "params", "SGD()", like="model.parameters()")
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


def check_adam_args(betas, eps, where: str) -> tuple[float, float, float]:
    """Adam's hyperparameters checked: returns (beta1, beta2, eps)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"{where}: argument 'betas' must be a pair (beta1, beta2), e.g. (0.9, 0.999), "
                        f"but it is {betas!r}.")
    return (check_number(betas[0], "betas[0]", where, low=0, high=0.999999),
            check_number(betas[1], "betas[1]", where, low=0, high=0.999999),
            check_number(eps, "eps", where, low=0))


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction."""

    def __init__(self, params: dict, lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        where = "Adam()"
        self.params = _check_array_dict(params, "params", where, like="model.parameters()")
        self.lr = check_number(lr, "lr", where, low=0)
        self.b1, self.b2, self.eps = check_adam_args(betas, eps, where)
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
