"""Numerical gradient checking with centered differences.

    ∂L/∂θ_j ≈ (L(θ + h·e_j) − L(θ − h·e_j)) / 2h

and the relative error ‖a − n‖ / (‖a‖ + ‖n‖) between an analytic gradient a and a numerical
one n. In float64 a correct backward pass gives about 1e-10; a bug gives 1e-2 or worse.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..support.checks import check_array, check_number, check_size
from .losses import softmax_cross_entropy
from .lstm import LSTM
from .models import SequenceModel
from .rnn import RNN


def rel_error(analytic, numeric) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖); 0.0 when both are exactly zero."""
    a = check_array(analytic, "analytic", "rel_error()")
    n = check_array(numeric, "numeric", "rel_error()")
    if a.shape != n.shape:
        raise ValueError(f"rel_error(): 'analytic' has shape {a.shape} but 'numeric' has shape {n.shape}.")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def _check_step(h, where: str) -> float:
    h = check_number(h, "h", where, low=0)
    if h == 0:
        raise ValueError(f"{where}: argument 'h' (the finite-difference step) must be > 0, e.g. 1e-6.")
    return h


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centered-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place (and restored), so ``f`` must read it, e.g. a model's weight.
    """
    if not callable(f):
        raise TypeError("numerical_gradient(): argument 'f' must be a function of no arguments returning a number.")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("numerical_gradient(): argument 'x' must be a float numpy array that f() reads.")
    h = _check_step(h, "numerical_gradient()")

    def value() -> float:
        v = f()
        try:
            return float(v)
        except (TypeError, ValueError):
            raise TypeError(f"numerical_gradient(): argument 'f' must return a number (the loss), "
                            f"but it returned {type(v).__name__}.") from None

    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = x[idx]
        x[idx] = old + h
        fp = value()
        x[idx] = old - h
        fm = value()
        x[idx] = old
        grad[idx] = (fp - fm) / (2 * h)
    return grad


def check_layer_gradients(layer, x, state=None, *, seed: int = 0, h: float = 1e-6) -> dict[str, float]:
    """Relative error of ``layer.backward`` for every parameter, the input and the initial state.

    ``layer`` is an :class:`LSTM` or :class:`RNN` in float64. The loss is a fixed random
    projection of all outputs and the final state, so every gradient path is exercised.
    Returns e.g. ``{'weight_ih': 3e-11, ..., 'x': 2e-11, 'h0': 1e-11, 'C0': 1e-11}``
    ('h0', 'C0': the initial state h_0, C_0; an RNN has only 'h0').
    """
    where = "check_layer_gradients()"
    if not isinstance(layer, (LSTM, RNN)):
        raise TypeError(f"{where}: argument 'layer' must be an LSTM or RNN, but it is {type(layer).__name__}.")
    if layer.dtype != np.float64:
        raise TypeError(f"{where}: argument 'layer' computes in {layer.dtype}, but gradient checks need float64; "
                        f"build the layer with dtype=np.float64.")
    h = _check_step(h, where)
    is_lstm = isinstance(layer, LSTM)
    x = np.array(check_array(x, "x", where, shape=(None, None, layer.input_size), dims=("T", "B", "D"),
                             dtype=layer.dtype))
    T, B, _ = x.shape
    H = layer.hidden_size
    rng = np.random.default_rng(check_size(seed, "seed", where, minimum=0))
    if state is None:
        state = (rng.standard_normal((B, H)), rng.standard_normal((B, H))) if is_lstm else rng.standard_normal((B, H))
    elif is_lstm:
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(f"{where}: argument 'state' must be a pair (h_0, C_0) or None, "
                            f"but it is {type(state).__name__}.")
        state = tuple(check_array(s, f"state[{k}] ({n})", where, shape=(B, H), dims=("B", "H"), dtype=layer.dtype)
                      for k, (s, n) in enumerate(zip(state, ("h_0", "C_0"))))
    else:
        state = check_array(state, "state (h_0)", where, shape=(B, H), dims=("B", "H"), dtype=layer.dtype)
    state = tuple(np.array(s) for s in state) if is_lstm else np.array(state)
    r_out = rng.standard_normal((T, B, H))
    r_h = rng.standard_normal((B, H))
    r_C = rng.standard_normal((B, H))

    def loss() -> float:
        out, fin = layer.forward(x, state)
        if is_lstm:
            return float(np.sum(out * r_out) + np.sum(fin[0] * r_h) + np.sum(fin[1] * r_C))
        return float(np.sum(out * r_out) + np.sum(fin * r_h))

    loss()
    dx = layer.backward(r_out, (r_h, r_C) if is_lstm else r_h)
    analytic = dict(layer.grads)
    analytic["x"] = dx
    targets = dict(layer.parameters())
    targets["x"] = x
    if is_lstm:
        analytic["h0"], analytic["C0"] = layer.grad_state
        targets["h0"], targets["C0"] = state
    else:
        analytic["h0"] = layer.grad_state
        targets["h0"] = state
    return {k: rel_error(analytic[k], numerical_gradient(loss, targets[k], h)) for k in targets}


def check_model_gradients(model, x, targets, *, h: float = 1e-6) -> dict[str, float]:
    """Relative error of every parameter gradient of a :class:`~lstm_helpers.models.SequenceModel`
    under softmax cross-entropy against integer ``targets``."""
    where = "check_model_gradients()"
    if not isinstance(model, SequenceModel):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    if model.dtype != np.float64:
        raise TypeError(f"{where}: argument 'model' computes in {model.dtype}, but gradient checks need float64; "
                        f"build the model with dtype=np.float64.")
    h = _check_step(h, where)

    def loss() -> float:
        return softmax_cross_entropy(model.forward(x), targets)[0]

    _, d = softmax_cross_entropy(model.forward(x), targets)
    model.backward(d)
    analytic = dict(model.grads)
    return {k: rel_error(analytic[k], numerical_gradient(loss, p, h)) for k, p in model.parameters().items()}
