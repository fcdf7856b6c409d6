"""Self-checks of notebook 07 (the full LSTM): one step forward and one step backward.

    lstm_step_forward(x_t, h_prev, C_prev, p) -> (h_t, C_t)
                        x_t (B, D), h_prev and C_prev (B, H); p: W_f, b_f, … W_o, b_o (W (H, H + D), b (H,))
    lstm_step_backward(dh_t, dC_next, cache, p) -> dict of GRAD_NAMES
                        dh_t, dC_next (B, H); cache: lh.bptt.step_forward's StepCache; as lh.bptt.step_backward

The backward check is a numerical gradient check; a failing answer is also compared with the known
mistakes of the backward pass to name one.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine.activations import sigmoid_unchecked
from ..engine.gradcheck import numerical_gradient, rel_error
from ..slides import bptt, gates
from .runner import (CheckResult, Raised, as_arrays, call, compare, exception_result, matches, require_callable,
                     result, uses)


# ----------------------------------------------------------------------------- forward
def _fwd_ref(gate_act=sigmoid_unchecked, cand_act=np.tanh, reverse=False, bias=True, swap_fi=False, h_from="C_t",
             input_gate=True):
    def step(x_t, h_prev, C_prev, p):
        hx = np.concatenate([x_t, h_prev] if reverse else [h_prev, x_t], axis=-1)

        def pre(g):
            return hx @ p[f"W_{g}"].T + (p[f"b_{g}"] if bias else 0.0)
        f_t = gate_act(pre("i" if swap_fi else "f"))
        i_t = gate_act(pre("f" if swap_fi else "i"))
        C_tilde_t = cand_act(pre("C"))
        o_t = gate_act(pre("o"))
        C_t = f_t * C_prev + (i_t if input_gate else 1.0) * C_tilde_t
        if h_from == "C_t":
            h_t = o_t * np.tanh(C_t)
        elif h_from == "C_prev":
            h_t = o_t * np.tanh(C_prev)
        elif h_from == "no_tanh":
            h_t = o_t * C_t
        else:
            h_t = np.tanh(o_t * C_t)
        return h_t, C_t
    return step


def lstm_step_forward_reference(x_t, h_prev, C_prev, p):
    """One LSTM step with :func:`lstm_helpers.gates.lstm_step`: x_t (B, D), h_prev, C_prev (B, H),
    p = W_f, b_f, … W_o, b_o (W (H, H + D), b (H,)). Returns (h_t, C_t), each (B, H)."""
    out = gates.lstm_step(h_prev, C_prev, x_t, p)
    return out["h_t"], out["C_t"]


def _lstm_probe(rng, B, H, D, scale=1.0):
    p = {}
    for g in ("f", "i", "C", "o"):
        p[f"W_{g}"] = scale * rng.standard_normal((H, H + D))
        p[f"b_{g}"] = rng.standard_normal(H)
    return rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H)), p


def _lstm_probes():
    rng = np.random.default_rng(707)
    return [_lstm_probe(rng, B, H, D, 0.7) for B, H, D in ((2, 3, 2), (3, 4, 3))]


def check_lstm_step_forward(lstm_step_forward: Callable) -> CheckResult:
    """Check ``lstm_step_forward(x_t, h_prev, C_prev, p) -> (h_t, C_t)`` (see :func:`lstm_step_forward_reference`)."""
    item = "lstm_step_forward"
    require_callable(lstm_step_forward, item)
    if uses(lstm_step_forward, ("lstm_step", "step_forward", "step", "lstm_forward", "forward_steps")):
        return result(item, "uses_engine", "Write the six equations yourself (lh.gates.lstm_step and "
                                           "lh.bptt.step_forward are the answers to compare with).")
    variants = {
        "sigmoid_tanh_swapped": _fwd_ref(gate_act=np.tanh, cand_act=sigmoid_unchecked),
        "sigmoid_instead_of_tanh": _fwd_ref(cand_act=sigmoid_unchecked),
        "concat_reversed": _fwd_ref(reverse=True),
        "bias_missing": _fwd_ref(bias=False),
        "gates_swapped": _fwd_ref(swap_fi=True),
        "C_prev_for_C_t": _fwd_ref(h_from="C_prev"),
        "no_output_tanh": _fwd_ref(h_from="no_tanh"),
        "tanh_outside": _fwd_ref(h_from="tanh_outside"),
        "input_gate_missing": _fwd_ref(input_gate=False),
    }
    return compare(item, lstm_step_forward, _lstm_probes(), lstm_step_forward_reference, variants, ("h_t", "C_t"))


# ----------------------------------------------------------------------------- backward
GRAD_NAMES = ("dh_prev", "dC_prev", "dx_t", "dW_f", "db_f", "dW_i", "db_i", "dW_C", "db_C", "dW_o", "db_o")


def _bwd_ref(mistake: str | None = None):
    """lh.bptt.step_backward, or the same with one known mistake."""
    def backward(dh_t, dC_next, cache, p):
        c = cache
        H = c.C_t.shape[-1]
        tanh_C = np.tanh(c.C_t)
        dC_t = dh_t * c.o_t * (1 - tanh_C ** 2)
        if mistake == "tanh_grad_missing":
            dC_t = dh_t * c.o_t
        if mistake != "cell_path_missing":
            dC_t = dC_t + dC_next
        sg = (lambda s: s) if mistake == "sigmoid_grad_wrong" else (lambda s: s * (1 - s))
        C_for_f = c.C_t if mistake == "C_t_for_C_prev_in_df" else c.C_prev
        da_f = dC_t * C_for_f * sg(c.f_t)
        da_i = dC_t * c.C_tilde_t * sg(c.i_t)
        cand = (1 - c.C_tilde_t) if mistake == "candidate_grad_wrong" else (1 - c.C_tilde_t ** 2)
        da_C = dC_t * c.i_t * cand
        da_o = dh_t * (c.C_t if mistake == "C_t_for_tanh_in_do" else tanh_C) * sg(c.o_t)
        hx = np.concatenate([c.h_prev, c.x_t], axis=-1)
        d_hx = da_f @ p["W_f"] + da_i @ p["W_i"] + da_C @ p["W_C"] + da_o @ p["W_o"]
        D = c.x_t.shape[-1]
        if mistake == "split_reversed":
            g = {"dx_t": d_hx[..., :D], "dh_prev": d_hx[..., D:]}
        else:
            g = {"dh_prev": d_hx[..., :H], "dx_t": d_hx[..., H:]}
        g["dC_prev"] = dC_t if mistake == "forget_not_applied_to_dC" else dC_t * c.f_t
        for k, da in (("f", da_f), ("i", da_i), ("C", da_C), ("o", da_o)):
            g[f"dW_{k}"] = da.T @ hx
            g[f"db_{k}"] = da.sum(axis=0)
        return g
    return backward


def _numerical_step_grads(x_t, h_prev, C_prev, p, r_h, r_C, eps=1e-6):
    """Centered differences of L = Σ r_h ⊙ h_t + Σ r_C ⊙ C_t through :func:`gates.lstm_step`."""

    x_t, h_prev, C_prev = x_t.copy(), h_prev.copy(), C_prev.copy()
    p = {k: v.copy() for k, v in p.items()}

    def loss():
        out = gates.lstm_step(h_prev, C_prev, x_t, p)
        return float(np.sum(out["h_t"] * r_h) + np.sum(out["C_t"] * r_C))

    num = {"dx_t": numerical_gradient(loss, x_t, eps), "dh_prev": numerical_gradient(loss, h_prev, eps)}
    num["dC_prev"] = numerical_gradient(loss, C_prev, eps)
    for g in ("f", "i", "C", "o"):
        num[f"dW_{g}"] = numerical_gradient(loss, p[f"W_{g}"], eps)
        num[f"db_{g}"] = numerical_gradient(loss, p[f"b_{g}"], eps)
    return num


def check_lstm_step_backward(lstm_step_backward: Callable, *, tolerance: float = 1e-6) -> CheckResult:
    """Check ``lstm_step_backward(dh_t, dC_next, cache, p) -> dict`` of :data:`GRAD_NAMES`.

    ``cache`` is the :class:`~lstm_helpers.bptt.StepCache` of ``lh.bptt.step_forward``. Graded by a
    numerical gradient check: with dh_t = r_h and dC_next = r_C, the gradients must be those of
    L = Σ r_h ⊙ h_t + Σ r_C ⊙ C_t (relative error below ``tolerance`` for every array), on two probes.
    """

    item = "lstm_step_backward"
    require_callable(lstm_step_backward, item)
    if uses(lstm_step_backward, ("step_backward", "lstm_backward", "backward_steps", "backward")):
        return result(item, "uses_engine", "Write the backward step yourself (lh.bptt.step_backward is the "
                                           "answer to compare with).")
    rng = np.random.default_rng(708)
    probes, numeric = [], []
    for B, H, D in ((2, 3, 2), (1, 4, 3)):
        x_t, h_prev, C_prev, p = _lstm_probe(rng, B, H, D, 0.7)
        r_h, r_C = rng.standard_normal((B, H)), rng.standard_normal((B, H))
        _, _, cache = bptt.step_forward(h_prev, C_prev, x_t, p)
        probes.append((r_h, r_C, cache, p))
        numeric.append(_numerical_step_grads(x_t, h_prev, C_prev, p, r_h, r_C))
    got = []
    for args in probes:
        try:
            out = call(lstm_step_backward, *args)
        except Raised as r:
            return exception_result(item, r.exc)
        if not isinstance(out, dict):
            return result(item, "wrong_type", f"Return a dict with {', '.join(GRAD_NAMES)}; got {type(out).__name__}.")
        arr = as_arrays(out, GRAD_NAMES)
        if isinstance(arr, str):
            return result(item, "wrong_type", arr + ".")
        got.append(arr)
    for g, n in zip(got, numeric):
        for k in GRAD_NAMES:
            if g[k].shape != n[k].shape:
                if g[k].shape == n[k].shape[::-1] and k.startswith("dW"):
                    return result(item, "dW_transposed", f"{k} has shape {g[k].shape}, expected {n[k].shape}.")
                if k.startswith("db") and g[k].ndim == 2:
                    return result(item, "db_not_summed", f"{k} has shape {g[k].shape}, expected {n[k].shape}.")
                return result(item, "wrong_shape", f"{k} has shape {g[k].shape}, expected {n[k].shape}.")
    errors = {k: max(rel_error(g[k], n[k]) for g, n in zip(got, numeric)) for k in GRAD_NAMES}
    if all(e < tolerance for e in errors.values()):
        return result(item, None, f"Numerical gradient check: all {len(GRAD_NAMES)} gradients agree "
                                  f"(relative error < {tolerance:.0e}) on {len(probes)} probes.", errors=errors)
    if not all(np.all(np.isfinite(g[k])) for g in got for k in GRAD_NAMES):
        return result(item, "not_finite", errors=errors)
    bad = [k for k in GRAD_NAMES if errors[k] >= tolerance]
    extra = ("Numerical gradient check fails for " + ", ".join(f"{k} (rel. error {errors[k]:.1e})" for k in bad) + ".")
    mistakes = ("forget_not_applied_to_dC", "cell_path_missing", "tanh_grad_missing", "sigmoid_grad_wrong",
                "C_t_for_C_prev_in_df", "C_t_for_tanh_in_do", "candidate_grad_wrong", "split_reversed")
    for key in mistakes:
        variant = _bwd_ref(key)
        if all(matches(g, variant(*args)) for g, args in zip(got, probes)):
            return result(item, key, extra, errors=errors)
    return result(item, "unknown", extra, errors=errors)

