"""Gradient-flow measurements: how ∂(last state)/∂(earlier state) shrinks or grows with the lag.

For a tanh RNN, h_t = tanh(W_hh h_{t-1} + W_xh x_t + b), the chain rule gives

    ∂h_T/∂h_{T-k} = ∏_{t=T-k+1}^{T} diag(1 − h_t²) · W_hh        (k Jacobians multiplied)

whose norm decays like ρ(W_hh)^k when the spectral radius ρ < 1 (vanishing) and can grow
when ρ > 1 (exploding). Along the LSTM cell state, C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t, the direct
path is a product of forget gates, ∂C_T/∂C_{T-k} ⊇ ∏ diag(f_t): an addition, not a squashing
matrix product. All functions return arrays indexed by the lag k = 0 … T−1 (k = 0 gives 1).
"""
from __future__ import annotations

import numpy as np

from .activations import NONLINEARITIES
from ..support.checks import check_array, check_number
from .lstm import LSTM, lstm_backward, lstm_forward
from .rnn import RNN, rnn_forward


def spectral_radius(W) -> float:
    """Largest |eigenvalue| of a square matrix."""
    W = check_array(W, "W", "spectral_radius()")
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"spectral_radius(): argument 'W' must be a square matrix (H, H), but it has shape {W.shape}.")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def scale_to_spectral_radius(W, rho: float) -> np.ndarray:
    """Return ``W`` rescaled so that its spectral radius is ``rho`` (same dtype)."""
    rho = check_number(rho, "rho", "scale_to_spectral_radius()", low=0)
    r = spectral_radius(W)
    if r == 0:
        raise ValueError("scale_to_spectral_radius(): 'W' has spectral radius 0 and cannot be rescaled.")
    return (np.asarray(W) * (rho / r)).astype(np.asarray(W).dtype)


def _spectral_norms(J: np.ndarray) -> np.ndarray:
    """‖J_b‖₂ for a stack of matrices (B, H, H) -> (B,)."""
    return np.linalg.norm(J, ord=2, axis=(-2, -1))


def rnn_jacobian_norms(rnn: RNN, x, state=None) -> np.ndarray:
    """‖∂h_T/∂h_{T-k}‖₂ for k = 0 … T−1, averaged over the batch, from the explicit Jacobian product."""
    where = "rnn_jacobian_norms()"
    if not isinstance(rnn, RNN):
        raise TypeError(f"{where}: argument 'rnn' must be an RNN, but it is {type(rnn).__name__}.")
    x = check_array(x, "x", where, shape=(None, None, rnn.input_size), dims=("T", "B", "D"), dtype=rnn.dtype)
    T, B, _ = x.shape
    H = rnn.hidden_size
    h0 = np.zeros((B, H), rnn.dtype) if state is None else check_array(
        state, "state", where, shape=(B, H), dims=("B", "H"), dtype=rnn.dtype)
    out, _, _ = rnn_forward(x, h0, rnn.weight_ih, rnn.weight_hh, rnn.bias_ih + rnn.bias_hh, rnn.nonlinearity)
    fprime = NONLINEARITIES[rnn.nonlinearity][1]
    J = np.broadcast_to(np.eye(H, dtype=rnn.dtype), (B, H, H)).copy()
    norms = np.empty(T)
    norms[0] = 1.0
    for k in range(1, T):
        t = T - k  # multiply by ∂h_t/∂h_{t-1} = diag(φ'(a_t)) W_hh
        J = (J * fprime(out[t])[:, None, :]) @ rnn.weight_hh
        norms[k] = _spectral_norms(J).mean()
    return norms


def _lstm_state_jacobian_norms(lstm: LSTM, x, which: str) -> np.ndarray:
    where = f"lstm_{which}_jacobian_norms()"
    if not isinstance(lstm, LSTM):
        raise TypeError(f"{where}: argument 'lstm' must be an LSTM, but it is {type(lstm).__name__}.")
    x = check_array(x, "x", where, shape=(None, None, lstm.input_size), dims=("T", "B", "D"), dtype=lstm.dtype)
    T, B, D = x.shape
    H = lstm.hidden_size
    # Backprop is linear in the upstream gradient: seeding H copies of each sequence with the
    # rows of the identity gives every row of the Jacobian in one backward pass.
    xr = np.repeat(x, H, axis=1)
    zeros = np.zeros((B * H, H), lstm.dtype)
    _, _, _, cache = lstm_forward(xr, zeros, zeros, lstm.weight_ih, lstm.weight_hh,
                                  lstm.bias_ih + lstm.bias_hh, lstm.config)
    seed = np.tile(np.eye(H, dtype=lstm.dtype), (B, 1))
    g = lstm_backward(np.zeros((T, B * H, H), lstm.dtype), seed if which == "hidden" else None,
                      seed if which == "cell" else None, cache, keep_state_grads=True)
    key = "C" if which == "cell" else "h"
    J = g[key].reshape(T, B, H, H)              # J[t, b] = ∂(state_T)/∂(state_t)
    norms = _spectral_norms(J.reshape(T * B, H, H)).reshape(T, B).mean(axis=1)
    return norms[::-1].copy()


def lstm_cell_jacobian_norms(lstm: LSTM, x) -> np.ndarray:
    """‖∂C_T/∂C_{T-k}‖₂ for k = 0 … T−1 (all paths, through h_t too), averaged over the batch."""
    return _lstm_state_jacobian_norms(lstm, x, "cell")


def lstm_hidden_jacobian_norms(lstm: LSTM, x) -> np.ndarray:
    """‖∂h_T/∂h_{T-k}‖₂ for k = 0 … T−1 of an LSTM (all paths), averaged over the batch."""
    return _lstm_state_jacobian_norms(lstm, x, "hidden")


def forget_path_norms(f) -> np.ndarray:
    """The cell-state highway alone: ‖∏_{t=T-k+1}^{T} diag(f_t)‖₂ = max over units, mean over batch.

    Args: f: forget-gate values (T, B, H) in [0, 1], e.g. ``lstm.last_gates()['f_t']``, or (T,) for one unit.
    """
    where = "forget_path_norms()"
    f = check_array(f, "f", where)
    if f.ndim == 1:
        f = f[:, None, None]
    if f.ndim != 3:
        raise ValueError(f"{where}: argument 'f' must have shape (T, B, H) or (T,), but it has shape {f.shape}.")
    if f.min() < 0 or f.max() > 1:
        raise ValueError(f"{where}: argument 'f' holds gate values outside [0, 1] (min {f.min():.3g}, max {f.max():.3g}).")
    T = f.shape[0]
    prods = np.ones((T,) + f.shape[1:])
    for k in range(1, T):
        prods[k] = prods[k - 1] * f[T - k]
    return prods.max(axis=2).mean(axis=1)


def lag_below(norms, fraction: float = 0.01):
    """First lag k at which ``norms[k] < fraction * norms[0]``; None if it never happens."""
    norms = check_array(norms, "norms", "lag_below()", shape=(None,), dims=("lag",))
    fraction = check_number(fraction, "fraction", "lag_below()", low=0)
    below = np.nonzero(norms < fraction * norms[0])[0]
    return int(below[0]) if below.size else None
