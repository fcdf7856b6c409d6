"""Activation functions: sigmoid σ, tanh, their derivatives, and softmax.

All are numerically stable for any finite input: σ(±1e4) is exactly 1 or 0 with no overflow
warning, because σ(x) = ½(1 + tanh(x/2)) never evaluates exp of a large number.
Each function keeps the dtype of its input (float32 stays float32).

The public functions check their argument; the underscored versions are the unchecked fast
paths used inside the RNN/LSTM loops.
"""
from __future__ import annotations

import numpy as np

from ..support.checks import as_array, check_array, check_choice


def sigmoid_unchecked(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)) for a float array, written as 0.5·tanh(x/2) + 0.5 (stable for any x),
    into ``out`` if given. No argument checks: for engine code whose inputs are already checked."""
    if out is None:
        return 0.5 * np.tanh(0.5 * x) + 0.5
    np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def softmax_unchecked(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax along ``axis`` of a float array (the maximum is subtracted first, so no overflow).
    No argument checks: for engine code whose inputs are already checked."""
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _as_float(x, name: str, where: str) -> np.ndarray:
    arr = as_array(x, name, where)
    if arr.dtype.kind in "iub":  # friendly: sigmoid(0) and sigmoid([1, 2]) just work
        arr = arr.astype(np.float64)
    return check_array(arr, name, where)


def sigmoid(x) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)), elementwise; output in [0, 1] (0 … forget, 1 … keep)."""
    return sigmoid_unchecked(_as_float(x, "x", "sigmoid()"))


def tanh(x) -> np.ndarray:
    """tanh(x), elementwise; output in [−1, 1] (used for the candidate C̃_t and for h_t)."""
    return np.tanh(_as_float(x, "x", "tanh()"))


def sigmoid_grad(x) -> np.ndarray:
    """dσ/dx = σ(x)(1 − σ(x)); at most 1/4 (at x = 0)."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh_grad(x) -> np.ndarray:
    """d tanh/dx = 1 − tanh²(x); at most 1 (at x = 0)."""
    t = tanh(x)
    return 1 - t * t


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``, shifted by the maximum so that exp never overflows."""
    z = _as_float(z, "z", "softmax()")
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"softmax(): argument 'axis' must be an int, but it is {type(axis).__name__} {axis!r}.")
    if not -max(z.ndim, 1) <= axis < max(z.ndim, 1):
        raise ValueError(f"softmax(): argument 'axis' is {axis}, but 'z' has shape {z.shape} "
                         f"({z.ndim} axes); use an axis in [{-z.ndim}, {z.ndim - 1}].")
    return softmax_unchecked(z, axis=axis)


# name -> (f(a), f'(a) expressed through y = f(a)); used by the RNN's nonlinearity option.
NONLINEARITIES = {
    "tanh": (np.tanh, lambda y: 1 - y * y),
    "sigmoid": (sigmoid_unchecked, lambda y: y * (1 - y)),
    "relu": (lambda a: np.maximum(a, 0), lambda y: (y > 0).astype(y.dtype)),
    "linear": (lambda a: a.copy(), lambda y: np.ones_like(y)),
}


def nonlinearity(name: str):
    """Return ``(f, f_prime_from_output)`` for 'tanh', 'sigmoid', 'relu' or 'linear'."""
    check_choice(name, "nonlinearity", "nonlinearity()", tuple(NONLINEARITIES))
    return NONLINEARITIES[name]
