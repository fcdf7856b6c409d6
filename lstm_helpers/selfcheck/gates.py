"""Self-checks of notebooks 04–06 (the forget, input and output gates): one gate, the cell update, h_t.

    forget_gate / input_gate / output_gate(h_prev, x_t, W, b) -> (B, H)
                                            h_prev (B, H), x_t (B, D), W (H, H + D), b (H,)
    cell_update(f_t, C_prev, i_t, C_tilde_t) -> C_t        all (B, H)
    hidden_output(o_t, C_t) -> h_t                         both (B, H)

An answer that calls the engine's own function (``lh.gates.forget_gate``, ...) is refused: those are
the answers the checks compare with.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine.activations import sigmoid_unchecked
from .runner import CheckResult, compare, require_callable, result, uses


# ----------------------------------------------------------------------------- notebooks 04, 05 and 06: one gate
def _gate_ref(act=sigmoid_unchecked, bias=True, reverse=False, transpose=False, complement=False):
    def gate(h_prev, x_t, W, b):
        hx = np.concatenate([x_t, h_prev] if reverse else [h_prev, x_t], axis=-1)
        z = (hx @ W if transpose else hx @ W.T) + (b if bias else 0.0)
        y = act(z)
        return 1 - y if complement else y
    return gate


def gate_reference(h_prev, x_t, W, b):
    """σ(W · [h_{t-1}, x_t] + b).  h_prev (B, H), x_t (B, D), W (H, H + D), b (H,) -> (B, H)."""
    return _gate_ref()(h_prev, x_t, W, b)


def _gate_probes():
    rng = np.random.default_rng(404)
    probes = []
    for B, H, D in ((2, 3, 2), (3, 4, 3), (1, 2, 5)):
        probes.append((rng.standard_normal((B, H)), rng.standard_normal((B, D)),
                       rng.standard_normal((H, H + D)), rng.standard_normal(H)))
    # H + D = H is impossible, so a transposed W only runs for a square (H, H + D) view: probe with W of an
    # (H + D, H + D) layer is not a valid input; the 'raised' hint covers transposition instead.
    return probes


# engine functions an answer must not call (they are the answers the tests compare with)
_ENGINE_GATES = ("forget_gate", "input_gate", "output_gate", "candidate", "gate_steps", "_gate", "lstm_step")


def _engine_result(item: str, fn: Callable, names: tuple[str, ...]) -> CheckResult | None:
    if uses(fn, names):
        return result(item, "uses_engine", f"Write it yourself with numpy (lh.gates.{item} is the answer to "
                                           "compare with).")
    return None


def _check_gate(fn, item, name):
    require_callable(fn, item)
    refused = _engine_result(item, fn, _ENGINE_GATES)
    if refused is not None:
        return refused
    variants = {
        "tanh_instead_of_sigmoid": _gate_ref(act=np.tanh),
        "no_activation": _gate_ref(act=lambda z: z),
        "bias_missing": _gate_ref(bias=False),
        "concat_reversed": _gate_ref(reverse=True),
        "complement_gate": _gate_ref(complement=True),
    }
    return compare(item, fn, _gate_probes(), gate_reference, variants, (name,))


def check_forget_gate(forget_gate: Callable) -> CheckResult:
    """Check ``forget_gate(h_prev, x_t, W_f, b_f) -> f_t`` (batch shapes, see :func:`gate_reference`)."""
    return _check_gate(forget_gate, "forget_gate", "f_t")


def check_input_gate(input_gate: Callable) -> CheckResult:
    """Check ``input_gate(h_prev, x_t, W_i, b_i) -> i_t`` (batch shapes, see :func:`gate_reference`)."""
    return _check_gate(input_gate, "input_gate", "i_t")


def check_output_gate(output_gate: Callable) -> CheckResult:
    """Check ``output_gate(h_prev, x_t, W_o, b_o) -> o_t`` (batch shapes, see :func:`gate_reference`)."""
    return _check_gate(output_gate, "output_gate", "o_t")


# ----------------------------------------------------------------------------- notebook 05: the cell update
def cell_update_reference(f_t, C_prev, i_t, C_tilde_t):
    """C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t; all (B, H)."""
    return f_t * C_prev + i_t * C_tilde_t


def _cell_probes():
    rng = np.random.default_rng(505)
    probes = []
    for B, H in ((2, 3), (3, 4)):
        probes.append((sigmoid_unchecked(rng.standard_normal((B, H))), rng.standard_normal((B, H)),
                       sigmoid_unchecked(rng.standard_normal((B, H))), np.tanh(rng.standard_normal((B, H)))))
    return probes


def check_cell_update(cell_update: Callable) -> CheckResult:
    """Check ``cell_update(f_t, C_prev, i_t, C_tilde_t) -> C_t`` (all (B, H))."""
    item = "cell_update"
    require_callable(cell_update, item)
    refused = _engine_result(item, cell_update, ("cell_update", "cell_trajectory", "lstm_step"))
    if refused is not None:
        return refused
    variants = {
        "input_gate_missing": lambda f, C, i, Ct: f * C + Ct,
        "forget_gate_missing": lambda f, C, i, Ct: C + i * Ct,
        "f_i_swapped": lambda f, C, i, Ct: i * C + f * Ct,
        "product_for_sum": lambda f, C, i, Ct: (f * C) * (i * Ct),
        "tanh_on_cell": lambda f, C, i, Ct: np.tanh(f * C + i * Ct),
        "candidate_missing": lambda f, C, i, Ct: f * C + i,
        "complement_gate": lambda f, C, i, Ct: (1 - f) * C + i * Ct,
    }
    return compare(item, cell_update, _cell_probes(), cell_update_reference, variants, ("C_t",))


# ----------------------------------------------------------------------------- notebook 06: h_t
def hidden_output_reference(o_t, C_t):
    """h_t = o_t ⊙ tanh(C_t); both (B, H)."""
    return o_t * np.tanh(C_t)


def check_hidden_output(hidden_output: Callable) -> CheckResult:
    """Check ``hidden_output(o_t, C_t) -> h_t`` (both (B, H))."""
    item = "hidden_output"
    require_callable(hidden_output, item)
    refused = _engine_result(item, hidden_output, ("hidden_output", "lstm_step"))
    if refused is not None:
        return refused
    rng = np.random.default_rng(606)
    probes = [(sigmoid_unchecked(rng.standard_normal((B, H))), 2 * rng.standard_normal((B, H))) for B, H in ((2, 3), (3, 4))]
    variants = {
        "no_output_tanh": lambda o, C: o * C,
        "tanh_outside": lambda o, C: np.tanh(o * C),
        "sigmoid_for_output": lambda o, C: o * sigmoid_unchecked(C),
        "output_gate_missing": lambda o, C: np.tanh(C),
        "sum_for_product": lambda o, C: o + np.tanh(C),
        "complement_gate": lambda o, C: (1 - o) * np.tanh(C),
    }
    return compare(item, hidden_output, probes, hidden_output_reference, variants, ("h_t",))

