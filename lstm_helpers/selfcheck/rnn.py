"""Self-checks of notebook 01 (RNN gradient decay): the RNN step, the Jacobian norms, the measured lag.

    rnn_step(x_t, h_prev, W_xh, W_hh, b) -> h_t      x_t (D,), h_prev (H,), W_xh (H, D), W_hh (H, H), b (H,)
    jacobian_norms(W_hh, h) -> (T,)                  W_hh (H, H), h = h_1 … h_T (T, H)
    decay lag: an int (or a function rho -> int)     the first lag k with ‖∂h_T/∂h_{T-k}‖₂ < 1 %
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine.activations import sigmoid_unchecked
from ..engine.gradflow import lag_below
from ..lessons.vanishing import DecayExperiment
from .runner import CheckResult, Raised, call, compare, exception_result, require_callable, result


# ----------------------------------------------------------------------------- the RNN step
def _rnn_ref(act=np.tanh, bias=True, Whh_T=False, rec=True, swap=False, split=False):
    def step(x_t, h_prev, W_xh, W_hh, b):
        Whh = W_hh.T if Whh_T else W_hh
        if swap:
            W_xh, Whh = Whh, W_xh
        a_h = Whh @ h_prev if rec else 0.0
        if split:
            return np.tanh(a_h) + W_xh @ x_t + b
        return act(a_h + W_xh @ x_t + (b if bias else 0.0))
    return step


def rnn_step_reference(x_t, h_prev, W_xh, W_hh, b):
    """h_t = tanh(W_hh · h_{t-1} + W_xh · x_t + b).  x_t (D,), h_prev (H,), W_xh (H, D), W_hh (H, H), b (H,) -> (H,)."""
    return _rnn_ref()(x_t, h_prev, W_xh, W_hh, b)


def _rnn_probes(square: bool = False):
    rng = np.random.default_rng(101)
    probes = []
    for H, D in ((4, 3), (5, 2), (3, 3) if square else (6, 4)):
        probes.append((rng.standard_normal(D), rng.standard_normal(H), rng.standard_normal((H, D)),
                       rng.standard_normal((H, H)), rng.standard_normal(H)))
    return probes


def check_rnn_step(rnn_step: Callable) -> CheckResult:
    """Check ``rnn_step(x_t, h_prev, W_xh, W_hh, b) -> h_t`` (shapes as :func:`rnn_step_reference`)."""
    item = "rnn_step"
    require_callable(rnn_step, item)
    variants = {
        "sigmoid_instead_of_tanh": _rnn_ref(act=sigmoid_unchecked),
        "relu_instead_of_tanh": _rnn_ref(act=lambda a: np.maximum(a, 0.0)),
        "no_activation": _rnn_ref(act=lambda a: a),
        "bias_missing": _rnn_ref(bias=False),
        "weights_transposed": _rnn_ref(Whh_T=True),
        "no_recurrence": _rnn_ref(rec=False),
        "activation_misplaced": _rnn_ref(split=True),
    }
    res = compare(item, rnn_step, _rnn_probes(), rnn_step_reference, variants, ("h_t",))
    if res.mistake in ("raised", "unknown"):     # W_xh and W_hh swapped only runs when H = D
        sq = compare(item, rnn_step, _rnn_probes(square=True)[2:], rnn_step_reference,
                     {"weights_swapped": _rnn_ref(swap=True)}, ("h_t",))
        if sq.mistake == "weights_swapped":
            return sq
    return res


# ----------------------------------------------------------------------------- gradient decay
def _jac_ref(deriv="ok", order="ok", norm=2, offset=False):
    def norms(W_hh, h):
        T, H = h.shape
        M = np.eye(H)
        out = [np.linalg.norm(M, norm)]
        for k in range(1, T + 1 if offset else T):
            s = T - k                           # index of h_{T-k+1} in h (0-based: h[T-1] is h_T)
            if deriv == "ok":
                d = 1 - h[s] ** 2
            elif deriv == "missing":
                d = np.ones(H)
            elif deriv == "one_minus_h":
                d = 1 - h[s]
            else:                               # wrong step: h_{s-1}
                d = 1 - (h[s - 1] ** 2 if s >= 1 else np.zeros(H))
            J = W_hh * d[None, :] if order == "side" else d[:, None] * W_hh
            M = J @ M if order == "reversed" else M @ J
            out.append(np.linalg.norm(M, norm))
        return np.array(out[1:] if offset else out)
    return norms


def jacobian_norms_reference(W_hh, h):
    """‖∂h_T/∂h_{T-k}‖₂ for k = 0 … T−1 of a tanh RNN, from its states.

    W_hh (H, H); h = h_1 … h_T (T, H). ∂h_T/∂h_{T-k} = J_T ⋯ J_{T-k+1} with J_s = diag(1 − h_s²) · W_hh.
    Returns (T,); entry 0 is 1 (the identity).
    """
    return _jac_ref()(np.asarray(W_hh, dtype=np.float64), np.asarray(h, dtype=np.float64))


def _jac_probes():
    rng = np.random.default_rng(202)
    probes = []
    for T, H in ((6, 3), (8, 4)):
        W = rng.standard_normal((H, H)) * 0.9
        h = np.tanh(rng.standard_normal((T, H)))
        probes.append((W, h))
    return probes


def check_jacobian_norms(jacobian_norms: Callable) -> CheckResult:
    """Check ``jacobian_norms(W_hh, h) -> (T,)`` (see :func:`jacobian_norms_reference`)."""
    item = "jacobian_norms"
    require_callable(jacobian_norms, item)
    variants = {
        "derivative_missing": _jac_ref(deriv="missing"),
        "derivative_one_minus_h": _jac_ref(deriv="one_minus_h"),
        "derivative_wrong_step": _jac_ref(deriv="wrong_step"),
        "derivative_wrong_side": _jac_ref(order="side"),
        "product_order": _jac_ref(order="reversed"),
        "frobenius_norm": _jac_ref(norm=None),
        "lag_offset": _jac_ref(offset=True),
    }
    return compare(item, jacobian_norms, _jac_probes(), jacobian_norms_reference, variants, ("norms",))


def decay_lag_reference(rho: float, *, experiment=None, sequence: int = 0, fraction: float = 0.01) -> int | None:
    """The measured lag: first k with ‖∂h_T/∂h_{T-k}‖₂ < fraction (of the value 1 at k = 0) for one sequence
    of ``experiment`` (a :class:`~lstm_helpers.vanishing.DecayExperiment`, by default the one of the
    exercise: H = 32, D = 8, T = 100, batch 4, seed 0) with W_hh scaled to spectral radius ρ; None if never."""

    ex = experiment if experiment is not None else DecayExperiment(hidden_size=32, input_size=8, T=100, batch=4, seed=0)
    rnn = ex.rnn(rho)
    out, _ = rnn(ex.inputs(1.0))
    norms = jacobian_norms_reference(rnn.weight_hh, out[:, sequence])
    below = np.nonzero(norms < fraction * norms[0])[0]
    return int(below[0]) if below.size else None


def check_decay_lag(value, rho: float = 1.2, *, experiment=None) -> CheckResult:
    """Check a measured lag (an int; the lag of sequence 0 of :func:`decay_lag_reference`'s experiment) for
    spectral radius ``rho``, or a function ``f(rho) -> lag``."""

    item = f"decay lag for ρ = {rho:g}"
    if callable(value):
        try:
            value = call(value, rho)
        except Raised as r:
            return exception_result(item, r.exc)
    if value is None and rho >= 1:
        return result(item, "lag_rho_power", f"ρ^k = {rho:g}^k never falls below 1 %, but the measured norm does.")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        return result(item, "wrong_type", f"The lag is a whole number of steps (int), but it is {type(value).__name__} {value!r}.")
    value = int(value)
    ex = experiment if experiment is not None else DecayExperiment(hidden_size=32, input_size=8, T=100, batch=4, seed=0)
    want = decay_lag_reference(rho, experiment=ex)
    if value == want:
        return result(item, None, f"The gradient falls below 1 % at lag {want}.")
    rnn = ex.rnn(rho)
    out, _ = rnn(ex.inputs(1.0))
    norms = jacobian_norms_reference(rnn.weight_hh, out[:, 0])
    candidates = {
        "lag_rho_power": int(np.ceil(np.log(0.01) / np.log(rho))) if 0 < rho < 1 else None,
        "lag_off_by_one_late": want + 1 if want is not None else None,
        "lag_off_by_one_early": want - 1 if want is not None else None,
        "lag_threshold": lag_below(norms, 0.1),
        "lag_batch_mean": lag_below(ex.norms(rho)),
        "lag_other_rho": decay_lag_reference(0.9, experiment=ex) if rho != 0.9 else None,
    }
    for key, cand in candidates.items():
        if cand is not None and cand == value and cand != want:
            return result(item, key)
    return result(item, "unknown", f"{value} is not the measured lag.")

