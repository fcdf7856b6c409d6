"""The vanilla RNN over a seed axis: S independent RNNs, h_t = φ(W_hh · h_{t-1} + W_xh · x_t + b), in one pass.

Shapes carry the seed axis first: weights (S, H, D), inputs (S, T, B, D), states (S, T, B, H). Seed s
computes exactly what :func:`lstm_helpers.rnn.rnn_forward` / :func:`~lstm_helpers.rnn.rnn_backward`
compute for it (same matrix product per seed and step, same elementwise operations in the same
order, tanh through ``exp`` from B·H ≥ 512 in float64 as there), so the results agree bit for bit.
∂L/∂x and ∂L/∂h_0 are not computed (training needs neither). Seeds whose sequences differ in length
(``lengths``) run in one pass as in :mod:`.lstm`: longest first, each step only the seeds still running.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lstm import Workspace, active_segments, load_inputs, seeded_parameter_grads

EXP_TANH_FROM = 512   # B·H from which the one-seed engine computes a float64 tanh with exp (the same rounding)


@dataclass
class SeededRNNState:
    """Values kept for backward: x (S, T, B, D) the inputs (a view into Z); Z (S, T + 1, B, H + D + 1) the stacked
    [h_{t-1}, x_t, 1] of every seed; weight_hh (S, H, H); nonlinearity; lengths: None or the (S,) steps T_s
    of each seed, non-increasing."""

    x: np.ndarray
    Z: np.ndarray
    weight_hh: np.ndarray
    nonlinearity: str
    lengths: np.ndarray | None = None

    def hidden(self) -> np.ndarray:
        """h_0 … h_T (S, T + 1, B, H), a view into Z (h_0 = 0)."""
        return self.Z[..., :self.weight_hh.shape[-1]]


def seeded_rnn_forward(x, weight_ih, weight_hh, bias, nonlinearity: str = "tanh", work: Workspace | None = None,
                       lengths=None):
    """Run S RNNs from h_0 = 0, one per seed (no argument checks).

    Args: x (S, T, B, D), or (T, B, D) shared by all seeds; weight_ih (S, H, D), weight_hh (S, H, H),
    bias (S, H) = bias_ih + bias_hh; nonlinearity 'tanh', 'sigmoid', 'relu' or 'linear'; work: a
    :class:`~lstm_helpers.engine.seeded.lstm.Workspace` whose buffers are reused (default: fresh arrays);
    lengths: None, or the (S,) steps T_s ≤ T of each seed, non-increasing (seed s reads x[s, :T_s] only).
    Returns: a :class:`SeededRNNState`; its ``hidden()`` is h_0 … h_T (S, T + 1, B, H).
    """
    S, H, D = weight_ih.shape
    listed = isinstance(x, (list, tuple))
    T = max(len(xj) for xj in x) if listed else x.shape[-3]
    B = x[0].shape[1] if listed else x.shape[-2]
    K = H + D + 1
    dt = weight_ih.dtype
    exp_tanh = nonlinearity == "tanh" and dt == np.float64 and B * H >= EXP_TANH_FROM
    work = Workspace() if work is None else work
    W = work.get("W", (S, K, H), dt)
    W[:, :H] = weight_hh.transpose(0, 2, 1)
    W[:, H:H + D] = weight_ih.transpose(0, 2, 1)
    W[:, H + D] = bias
    if nonlinearity == "sigmoid":
        W *= 0.5                                       # σ(a) = ½·tanh(a/2) + ½
    elif exp_tanh:
        W *= -2.0
    Z = work.inputs(S, T, B, H, D, dt)                 # z_t of every seed; the loop writes h_t into z_{t+1}
    load_inputs(Z, x, H, D)
    a_all = work.get("a", (S, B, H), dt)               # this step's pre-activations (contiguous)
    one, two, half = (np.array(v, dtype=dt) for v in (1.0, 2.0, 0.5))   # 0-d: cheaper per call than Python floats
    matmul, exp, tanh, add, sub, mul, div = np.matmul, np.exp, np.tanh, np.add, np.subtract, np.multiply, np.divide
    kind = "exp" if exp_tanh else nonlinearity
    with np.errstate(over="ignore"):                   # e^(−2a) = inf gives tanh(a) = −1: exact
        for t0, t1, n in active_segments(lengths, S, T):   # one run of steps for the seeds [:n]
            Wn, a = W[:n], a_all[:n]
            for z, h in zip(Z[:n, t0:t1].swapaxes(0, 1), Z[:n, t0 + 1:t1 + 1, :, :H].swapaxes(0, 1)):
                if kind == "linear":
                    matmul(z, Wn, h)
                    continue
                matmul(z, Wn, a)
                if kind == "tanh":
                    tanh(a, h)
                elif kind == "exp":                    # tanh(a) = 2 / (1 + e^(−2a)) − 1
                    exp(a, a)
                    add(a, one, a)
                    div(two, a, a)
                    sub(a, one, h)
                elif kind == "sigmoid":                # σ(a) = ½·tanh(a/2) + ½
                    tanh(a, a)
                    mul(a, half, a)
                    add(a, half, h)
                else:                                  # relu
                    np.maximum(a, 0.0, out=h)
    return SeededRNNState(Z[:, :T, :, H:H + D], Z, weight_hh, nonlinearity,
                          None if lengths is None else np.asarray(lengths))


def derivative_from_output(h, nonlinearity: str, out: np.ndarray) -> np.ndarray:
    """φ'(a_t) from y = h_t = φ(a_t) into ``out`` (same shape), by the formulas of
    ``lstm_helpers.activations.NONLINEARITIES``: 1 − y·y (tanh), y·(1 − y) (sigmoid), [y > 0] (relu), 1 (linear)."""
    if nonlinearity == "tanh":
        np.multiply(h, h, out=out)
        np.subtract(1, out, out=out)
    elif nonlinearity == "sigmoid":
        np.subtract(1, h, out=out)
        np.multiply(h, out, out=out)
    elif nonlinearity == "relu":
        np.greater(h, 0, out=out)
    else:
        out.fill(1)
    return out


def seeded_rnn_backward(dh_T, d_out, state: SeededRNNState, h_prev=None, work: Workspace | None = None):
    """BPTT for :func:`seeded_rnn_forward`: ∂h_t = ∂L/∂h_t + W_hhᵀ ∂a_{t+1}, ∂a_t = ∂h_t ⊙ φ'(a_t).

    Args: dh_T ∂L/∂h_T (S, B, H) or None (with ``state.lengths``: seed s's ∂L/∂h_{T_s}, and d_out must be None);
    d_out ∂L/∂h_t time-major (T, S, B, H) or None (zero); h_prev: h_0 … h_{T-1} (S, T, B, H) (default: from
    the state); work: a Workspace for scratch arrays.
    Returns: dict with 'weight_ih' (S, H, D), 'weight_hh' (S, H, H), 'bias' (S, H).
    """
    Z = state.Z
    S, T1, B, K = Z.shape
    T = T1 - 1
    H = state.weight_hh.shape[1]
    dt = Z.dtype
    work = Workspace() if work is None else work
    lengths = state.lengths
    if lengths is not None and d_out is not None:
        raise ValueError("seeded_rnn_backward(): sequences of different lengths need d_out None "
                         "(a read-out of each seed's last step only).")
    segments = active_segments(lengths, S, T)
    fprime = work.get("fprime", (T, S, B, H), dt)       # φ'(a_t), time-major (T, S, B, H)
    for t0, t1, n in segments:
        derivative_from_output(Z[:n, t0 + 1:t1 + 1, :, :H].swapaxes(0, 1), state.nonlinearity, fprime[t0:t1, :n])
    da = work.get("da", (S, T, B, H), dt)               # seed-major: one (T·B, H) block per seed
    dh_all = work.get("dh", (S, B, H), dt)
    dh_next = work.zeros("dh_next", (S, B, H), dt)
    if dh_T is not None:
        dh_next[...] = dh_T     # seed s's row is first read at its last step T_s − 1 (no step after it writes it)
    # with ∂L/∂h_t only at T (d_out None), ∂h_t = W_hhᵀ ∂a_{t+1} itself (the one-seed adds 0); ∂h_{-1} is not needed
    add, mul, matmul = np.add, np.multiply, np.matmul
    for t0, t1, n in segments[::-1]:
        dh, dh_n, W_hh = dh_all[:n], dh_next[:n], state.weight_hh[:n]
        d_o = [None] * (t1 - t0) if d_out is None else d_out[t0:t1, :n]
        for t, do, fp, dat in zip(range(t1 - 1, t0 - 1, -1), d_o[::-1], fprime[t0:t1, :n][::-1],
                                  da[:n, t0:t1].swapaxes(0, 1)[::-1]):
            if do is None:
                mul(dh_n, fp, dat)                     # ∂a_t = ∂h_t ⊙ φ'(a_t)
            else:
                add(do, dh_n, dh)                      # ∂h_t
                mul(dh, fp, dat)
            if t:
                matmul(dat, W_hh, dh_n)                # ∂h_{t-1} = W_hhᵀ ∂a_t
    if h_prev is None:
        h_prev = state.hidden()[:, :T]
    return seeded_parameter_grads(da, state.x, h_prev, K - H - 1, lengths=lengths)
