"""Backpropagation through time for the LSTM, one step at a time, in the slides' notation.

The engine's :func:`lstm_helpers.lstm.lstm_backward` is arranged for speed (all four gates in
one matrix, chunks of steps at once). This module computes the same gradients slowly and
readably, one time step per call, with the per-gate weights of :meth:`LSTM.gate_weights`
(W_f, W_i, W_C, W_o, each (H, H + D), acting on [h_{t-1}, x_t]) and the gate functions of
:mod:`lstm_helpers.gates`. It exists to be read next to the formulas, and it is tested to give
the engine's gradients to machine precision.

Gradients reach step t along two paths (a_t are the pre-activations, ' the derivatives)::

    cell path     dC_t = dh_t ⊙ o_t ⊙ (1 − tanh² C_t)  +  dC_{t+1} ⊙ f_{t+1}
    gates         da_f = dC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t)      da_i = dC_t ⊙ C̃_t ⊙ i_t(1 − i_t)
                  da_C = dC_t ⊙ i_t ⊙ (1 − C̃_t²)            da_o = dh_t ⊙ tanh C_t ⊙ o_t(1 − o_t)
    hidden path   d[h_{t-1}, x_t] = W_fᵀ da_f + W_iᵀ da_i + W_Cᵀ da_C + W_oᵀ da_o
                  (its first H entries are dh_{t-1}: W_hhᵀ da_t in PyTorch's layout; the last D are dx_t)
    weights       dW_g += da_g [h_{t-1}, x_t]ᵀ,  db_g += da_g      for g = f, i, C, o

Also here: :func:`slide_gradients` (the engine's gradients regrouped per gate),
:func:`input_gradient_norms` (‖∂L/∂x_t‖ for every step of a sequence model, the measured
gradient flow), :func:`input_gradient_paths` (the same with the gradient allowed to cross steps
along the cell path only, or the hidden path only: which path carries it) and
:func:`plot_weight_layout` (where the slides' W_f sits in PyTorch's matrices).
:func:`forward_nudged` and :func:`node_gradient` change one value inside the computation (a pre-activation,
a gate, C_t or h_t of one step) and measure the loss's derivative with respect to it by finite differences:
notebook 07 checks each line of its hand derivation of BPTT with them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import gates
from ..support.checks import check_array, check_same_shape
from ..engine.lstm import LSTM, gate_slice
from ..engine.losses import softmax_cross_entropy
from ..engine.models import SequenceModel
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle
from ..support.checks import check_choice
from ..support.plots import OKABE_ITO, label_axes
from ..engine.activations import sigmoid_unchecked

SLIDE_GATES = (("f", "f"), ("i", "i"), ("C", "g"), ("o", "o"))  # (slide letter, PyTorch block)


@dataclass
class StepCache:
    """What one forward step keeps for its backward step. Every field is (B, H), except x_t (B, D).

    h_prev, C_prev: h_{t-1}, C_{t-1}.  x_t: the input.  f_t, i_t, C_tilde_t, o_t: gate values.
    C_t: the new cell state.
    """

    h_prev: np.ndarray
    C_prev: np.ndarray
    x_t: np.ndarray
    f_t: np.ndarray
    i_t: np.ndarray
    C_tilde_t: np.ndarray
    o_t: np.ndarray
    C_t: np.ndarray


def _check_params(params, where: str) -> dict:
    if not hasattr(params, "keys"):
        raise TypeError(f"{where}: argument 'params' must be a dict of {', '.join(gates.GATE_PARAMS)} "
                        f"(as lstm.gate_weights() returns), but it is {type(params).__name__}.")
    missing = [k for k in gates.GATE_PARAMS if k not in params]
    if missing:
        raise ValueError(f"{where}: argument 'params' lacks {', '.join(missing)}; "
                         f"it needs {', '.join(gates.GATE_PARAMS)} (use lstm.gate_weights()).")
    return params


def step_forward(h_prev, C_prev, x_t, params):
    """One LSTM step with :func:`gates.lstm_step`, keeping what the backward step needs.

    Args:
        h_prev, C_prev: (B, H).  x_t: (B, D).  params: W_f, b_f, W_i, b_i, W_C, b_C, W_o, b_o.

    Returns:
        (h_t, C_t, cache): h_t and C_t (B, H) and a :class:`StepCache`.
    """
    where = "step_forward()"
    params = _check_params(params, where)
    h_prev = check_array(h_prev, "h_prev", where, shape=(None, None), dims=("B", "H"))
    out = gates.lstm_step(h_prev, C_prev, x_t, params)
    cache = StepCache(h_prev, np.asarray(C_prev), np.asarray(x_t), out["f_t"], out["i_t"], out["C_tilde_t"],
                      out["o_t"], out["C_t"])
    return out["h_t"], out["C_t"], cache


def step_backward(dh_t, dC_from_next, cache: StepCache, params) -> dict[str, np.ndarray]:
    """Backward through one LSTM step, line by line as in the module docstring.

    Args:
        dh_t: ∂L/∂h_t, everything that reaches h_t (its own loss + what step t+1 sent back), (B, H).
        dC_from_next: dC_{t+1} ⊙ f_{t+1}, what step t+1 sent back along the cell path (B, H);
            at the last step it is ∂L/∂C_T (zeros when the loss does not read C_T).
        cache: from :func:`step_forward`.  params: the per-gate weights used forward.

    Returns:
        dict with 'dC_t' (B, H), 'dh_prev' and 'dC_prev' (B, H) for step t−1, 'dx_t' (B, D), and
        this step's share of every parameter gradient: 'dW_f' (H, H + D), 'db_f' (H,), ... 'db_o'.
    """
    where = "step_backward()"
    if not isinstance(cache, StepCache):
        raise TypeError(f"{where}: argument 'cache' must be the StepCache returned by step_forward(), "
                        f"but it is {type(cache).__name__}.")
    params = _check_params(params, where)
    c = cache
    dh_t = check_array(dh_t, "dh_t", where, dtype=c.C_t.dtype)
    dC_from_next = check_array(dC_from_next, "dC_from_next", where, dtype=c.C_t.dtype)
    check_same_shape(dh_t, c.C_t, "dh_t", "C_t (of the cache)", where)
    check_same_shape(dC_from_next, c.C_t, "dC_from_next", "C_t (of the cache)", where)
    H = c.C_t.shape[-1]

    tanh_C_t = np.tanh(c.C_t)
    # cell path, where the two paths meet:  dC_t = dh_t ⊙ o_t ⊙ (1 − tanh² C_t) + dC_{t+1} ⊙ f_{t+1}
    dC_t = dh_t * c.o_t * (1 - tanh_C_t**2) + dC_from_next
    # gate pre-activation gradients (σ' = σ(1 − σ), tanh' = 1 − tanh²)
    da_f = dC_t * c.C_prev * c.f_t * (1 - c.f_t)                # C_t = f_t ⊙ C_{t-1} + ...
    da_i = dC_t * c.C_tilde_t * c.i_t * (1 - c.i_t)             # ... + i_t ⊙ C̃_t
    da_C = dC_t * c.i_t * (1 - c.C_tilde_t**2)
    da_o = dh_t * tanh_C_t * c.o_t * (1 - c.o_t)                # h_t = o_t ⊙ tanh(C_t)
    # back through W · [h_{t-1}, x_t] + b: the hidden path and the input
    hx = np.concatenate([c.h_prev, c.x_t], axis=-1)             # [h_{t-1}, x_t]
    d_hx = da_f @ params["W_f"] + da_i @ params["W_i"] + da_C @ params["W_C"] + da_o @ params["W_o"]
    grads = {"dC_t": dC_t,
             "dh_prev": d_hx[..., :H],                          # dh_{t-1} = W_hhᵀ da_t
             "dx_t": d_hx[..., H:],
             "dC_prev": dC_t * c.f_t}                           # cell path to step t−1: ∂C_t/∂C_{t-1} = f_t
    for g, da in (("f", da_f), ("i", da_i), ("C", da_C), ("o", da_o)):
        grads[f"dW_{g}"] = da.reshape(-1, H).T @ hx.reshape(-1, hx.shape[-1])   # da_g [h_{t-1}, x_t]ᵀ
        grads[f"db_{g}"] = da.reshape(-1, H).sum(axis=0)
    return grads


def forward_steps(x, params, h0=None, C0=None):
    """Unroll :func:`step_forward` over a sequence.

    Args:
        x: inputs (T, B, D).  params: W_f, b_f, ... (as :meth:`LSTM.gate_weights` returns).
        h0, C0: initial state (B, H); zeros if None.

    Returns:
        (outputs, C, caches): h_1 … h_T (T, B, H), C_1 … C_T (T, B, H) and a list of T :class:`StepCache`.
    """
    where = "forward_steps()"
    params = _check_params(params, where)
    W_f = check_array(params["W_f"], "params['W_f']", where, shape=(None, None), dims=("H", "H+D"))
    H = W_f.shape[0]
    D = W_f.shape[1] - H
    x = check_array(x, "x", where, shape=(None, None, D), dims=("T", "B", "D"), dtype=W_f.dtype,
                    hint="Inputs are shaped (time steps, batch, features).")
    T, B, _ = x.shape
    h = np.zeros((B, H), x.dtype) if h0 is None else check_array(h0, "h0", where, shape=(B, H), dims=("B", "H"),
                                                                   dtype=x.dtype)
    C = np.zeros((B, H), x.dtype) if C0 is None else check_array(C0, "C0", where, shape=(B, H), dims=("B", "H"),
                                                                   dtype=x.dtype)
    outputs, cells, caches = np.empty((T, B, H), x.dtype), np.empty((T, B, H), x.dtype), []
    for t in range(T):
        h, C, cache = step_forward(h, C, x[t], params)
        outputs[t], cells[t] = h, C
        caches.append(cache)
    return outputs, cells, caches


def backward_steps(d_out, caches, params, dh_T=None, dC_T=None, *, keep_cell_path: bool = True
                   ) -> dict[str, np.ndarray]:
    """BPTT: :func:`step_backward` from the last step to the first, summing the weight gradients.

    Args:
        d_out: ∂L/∂h_t from the loss at every step (T, B, H) (zeros where the loss does not read h_t).
        caches: from :func:`forward_steps`.  params: the per-gate weights used forward.
        dh_T, dC_T: ∂L/∂(final h_T, C_T) (B, H), or None for none.
        keep_cell_path: False drops the term dC_{t+1} ⊙ f_{t+1} (gradient then crosses steps only along
            the hidden path). That is a wrong gradient, for showing what a failing gradient check looks
            like and how much the cell path carries.

    Returns:
        dict with 'dW_f' … 'db_o' (summed over steps), 'x' (T, B, D), 'h0', 'C0' (B, H), and the totals
        'h' and 'C' (T, B, H): ∂L/∂h_t and ∂L/∂C_t for every step.
    """
    where = "backward_steps()"
    params = _check_params(params, where)
    if not isinstance(keep_cell_path, bool):
        raise TypeError(f"{where}: argument 'keep_cell_path' must be True or False, but it is {keep_cell_path!r}.")
    if not isinstance(caches, (list, tuple)) or not caches or not all(isinstance(c, StepCache) for c in caches):
        raise TypeError(f"{where}: argument 'caches' must be the list of StepCache returned by forward_steps().")
    T = len(caches)
    B, H = caches[0].C_t.shape
    dt = caches[0].C_t.dtype
    d_out = check_array(d_out, "d_out", where, shape=(T, B, H), dims=("T", "B", "H"), dtype=dt)
    dh_next = np.zeros((B, H), dt) if dh_T is None else check_array(dh_T, "dh_T", where, shape=(B, H),
                                                                     dims=("B", "H"), dtype=dt)
    dC_next = np.zeros((B, H), dt) if dC_T is None else check_array(dC_T, "dC_T", where, shape=(B, H),
                                                                     dims=("B", "H"), dtype=dt)
    grads = {k: np.zeros_like(params[k.removeprefix("d")]) for k in
             ("dW_f", "db_f", "dW_i", "db_i", "dW_C", "db_C", "dW_o", "db_o")}
    dx = np.empty((T, B, caches[0].x_t.shape[-1]), dt)
    dh_all, dC_all = np.empty((T, B, H), dt), np.empty((T, B, H), dt)
    for t in range(T - 1, -1, -1):
        dh_t = d_out[t] + dh_next                     # the loss at t + the hidden path from t+1
        s = step_backward(dh_t, dC_next, caches[t], params)
        for k in grads:
            grads[k] += s[k]
        dx[t], dh_all[t], dC_all[t] = s["dx_t"], dh_t, s["dC_t"]
        dh_next, dC_next = s["dh_prev"], s["dC_prev"] if keep_cell_path else np.zeros((B, H), dt)
    grads.update(x=dx, h0=dh_next, C0=dC_next, h=dh_all, C=dC_all)
    return grads


def slide_gradients(lstm: LSTM) -> dict[str, np.ndarray]:
    """The gradients of ``lstm`` (filled by :meth:`LSTM.backward`) regrouped per gate, as the slides write them.

    Returns dW_f, db_f, dW_i, db_i, dW_C, db_C, dW_o, db_o: each dW (H, H + D) = [rows of weight_hh | rows of
    weight_ih] of that gate, each db (H,) the gradient of b = bias_ih + bias_hh (equal to either bias's gradient).
    """
    where = "slide_gradients()"
    if not isinstance(lstm, LSTM):
        raise TypeError(f"{where}: argument 'lstm' must be an LSTM, but it is {type(lstm).__name__}.")
    if not lstm.grads:
        raise ValueError(f"{where}: the LSTM has no gradients yet; "
                         f"call lstm.forward(...) and lstm.backward(...) first.")
    H, g = lstm.hidden_size, lstm.grads
    out = {}
    for sym, block in SLIDE_GATES:
        s = gate_slice(block, H)
        out[f"dW_{sym}"] = np.hstack([g["weight_hh"][s], g["weight_ih"][s]])
        out[f"db_{sym}"] = g["bias_ih"][s].copy()
    return out


def input_gradient_norms(model: SequenceModel, x, targets) -> np.ndarray:
    """Measured gradient flow: ‖∂L_b/∂x_t‖ for every step t, averaged over the examples b of the batch.

    L_b is example b's cross-entropy of the read-out of the last step (a model with readout='last'),
    so ∂L_b/∂x_t says how much the input at step t can still change the prediction made at the end.

    Args:
        model: a :class:`SequenceModel` with readout 'last'.  x: inputs (T, B, D).  targets: (B,) ints.

    Returns:
        (T,) array: entry t is the mean over b of the L2 norm of ∂L_b/∂x_t (a D-vector).
    """
    where = "input_gradient_norms()"
    if not isinstance(model, SequenceModel):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    if model.readout != "last":
        raise ValueError(f"{where}: argument 'model' must have readout='last' (one loss at the last step), "
                         f"but it has readout={model.readout!r}.")
    x = check_array(x, "x", where, shape=(None, None, model.cell.input_size), dims=("T", "B", "D"), dtype=model.dtype)
    _, d_logits = softmax_cross_entropy(model.forward(x), targets)
    B = x.shape[1]
    dx = model.backward(d_logits * B)   # the loss is a mean over B examples; ×B gives each example's own ∂L_b
    return np.linalg.norm(dx, axis=2).mean(axis=1)


def plot_weight_layout(lstm: LSTM, ax=None, *, gate: str = "f"):
    """Heatmap of [weight_hh | weight_ih] (4H, H + D) with PyTorch's row blocks i, f, g, o marked,
    and the block that is the slides' W_gate (gate 'f', 'i', 'C' or 'o') outlined. Returns the axes."""



    where = "plot_weight_layout()"
    if not isinstance(lstm, LSTM):
        raise TypeError(f"{where}: argument 'lstm' must be an LSTM, but it is {type(lstm).__name__}.")
    check_choice(gate, "gate", where, ("f", "i", "C", "o"))
    H, D = lstm.hidden_size, lstm.input_size
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 5.0))
    M = np.hstack([lstm.weight_hh, lstm.weight_ih])
    im = ax.imshow(M, cmap="cividis", aspect="auto", interpolation="nearest",
                   extent=(-0.5, H + D - 0.5, 4 * H - 0.5, -0.5))
    ax.figure.colorbar(im, ax=ax, label="weight value")
    for k in range(1, 4):
        ax.axhline(k * H - 0.5, color="white", lw=1.5)
    ax.axvline(H - 0.5, color="white", lw=1.5, ls="--")
    names = {"i": "i  ($i_t$)", "f": "f  ($f_t$)", "g": "g  ($\\tilde C_t$)", "o": "o  ($o_t$)"}
    ax.set_yticks([(k + 0.5) * H - 0.5 for k in range(4)], [names[b] for b in ("i", "f", "g", "o")])
    ax.set_xticks([(H - 1) / 2, H + (D - 1) / 2], ["weight_hh\n(acts on $h_{t-1}$)", "weight_ih\n(acts on $x_t$)"])
    block = dict(SLIDE_GATES)[gate]
    s = gate_slice(block, H)
    ax.add_patch(Rectangle((-0.5, s.start - 0.5), H + D, H, fill=False, lw=3, ec=OKABE_ITO["vermillion"],
                           label=f"$W_{gate}$ of the slides  ({H}×{H + D})"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
    label_axes(ax, f"PyTorch's layout: 4H = {4 * H} rows in the order i, f, g, o",
               "column ($h_{t-1}$ first, then $x_t$)", "row block (gate)")
    ax.grid(False)
    return ax


# The routes by which :func:`input_gradient_paths` lets the gradient cross from step t back to step t−1.
PATHS = ("all paths", "cell path only", "hidden path only")


def input_gradient_paths(model: SequenceModel, x, targets) -> dict[str, np.ndarray]:
    """Which path carries the gradient to early inputs: ‖∂L_b/∂x_t‖ (batch mean) per route in :data:`PATHS`.

    BPTT sends two things from step t back to step t−1 (module docstring): dC_t ⊙ f_t along the cell path
    and dh_{t-1} = W_hhᵀ da_t through the four gates. Here the same backward pass (:func:`step_backward`,
    slide notation) keeps both ('all paths': equals :func:`input_gradient_norms`), keeps only the cell path
    ('cell path only': dh_{t-1} dropped, so gradient crosses steps only as dC_t ⊙ f_t), or keeps only the
    hidden path ('hidden path only': dC_t ⊙ f_t dropped). Within a step nothing is dropped: the loss still
    reaches h_T and C_T, and x_t still receives what reaches its own step's gates.

    Args:
        model: a :class:`SequenceModel` with a full LSTM cell (no removed gate) and readout 'last'.
        x: inputs (T, B, D).  targets: (B,) ints.

    Returns:
        dict: for each name in :data:`PATHS`, a (T,) array, entry t the mean over b of ‖∂L_b/∂x_t‖
        (L_b: example b's cross-entropy of the last step's read-out, as :func:`input_gradient_norms`).
    """
    where = "input_gradient_paths()"
    if not isinstance(model, SequenceModel):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    if not isinstance(model.cell, LSTM) or model.cell.config.removed_gates() or not model.cell.config.output_activation:
        raise ValueError(f"{where}: argument 'model' must have a full LSTM cell (cell='lstm', no gate removed), "
                         f"but it has {model.cell!r}.")
    if model.readout != "last":
        raise ValueError(f"{where}: argument 'model' must have readout='last' (one loss at the last step), "
                         f"but it has readout={model.readout!r}.")
    x = check_array(x, "x", where, shape=(None, None, model.cell.input_size), dims=("T", "B", "D"), dtype=model.dtype)
    T, B, _ = x.shape
    H = model.cell.hidden_size
    _, d_logits = softmax_cross_entropy(model.forward(x), targets)
    dh_T = (d_logits * B) @ model.head.weight          # each example's own ∂L_b/∂h_T (the loss is a mean over B)
    params = model.cell.gate_weights()
    _, _, caches = forward_steps(x, params)
    zeros = np.zeros((B, H), x.dtype)
    out = {}
    for name in PATHS:
        dh_next, dC_next = dh_T, zeros
        dx = np.empty(x.shape, x.dtype)
        for t in range(T - 1, -1, -1):
            s = step_backward(dh_next, dC_next, caches[t], params)
            dx[t] = s["dx_t"]
            dh_next = zeros if name == "cell path only" else s["dh_prev"]
            dC_next = zeros if name == "hidden path only" else s["dC_prev"]
        out[name] = np.linalg.norm(dx, axis=2).mean(axis=1)
    return out


# ----------------------------------------------------------------------------- finite differences inside the graph
# The values of one step that :func:`forward_nudged` can change: the pre-activations a^g_t = W_g [h_{t-1}, x_t] + b_g,
# the gate and candidate values, and the two states.
NODES = ("a_f", "a_i", "a_C", "a_o", "f_t", "i_t", "C_tilde_t", "o_t", "C_t", "h_t")
_NODE_GATES = (("f", "f_t", "sigmoid"), ("i", "i_t", "sigmoid"), ("C", "C_tilde_t", "tanh"), ("o", "o_t", "sigmoid"))


def forward_nudged(x, params, h0=None, C0=None, *, node: str, t: int, nudge) -> tuple[np.ndarray, np.ndarray]:
    """:func:`forward_steps` with one value inside the computation changed, to measure a derivative with respect to it.

    ``nudge`` is added to ``node`` of step ``t`` right after that value is computed; everything computed later (the
    rest of the step and the later steps) uses the changed value. With ``nudge`` = 0 this is :func:`forward_steps`.

    Args:
        x: inputs (T, B, D).  params: W_f, b_f, … W_o, b_o (as :meth:`LSTM.gate_weights` returns).
        h0, C0: initial state (B, H); zeros if None.
        node: one of :data:`NODES`: a pre-activation 'a_f', 'a_i', 'a_C', 'a_o', a gate or candidate value
            'f_t', 'i_t', 'C_tilde_t', 'o_t', or a state 'C_t', 'h_t'.
        t: the step, 0 … T−1 (step t of the code is the slides' step t + 1).
        nudge: what is added, (B, H) (or a number, added to every entry).

    Returns:
        (outputs, C): h_1 … h_T and C_1 … C_T, each (T, B, H).
    """
    where = "forward_nudged()"
    params = _check_params(params, where)
    check_choice(node, "node", where, NODES)
    x = check_array(x, "x", where, shape=(None, None, None), dims=("T", "B", "D"))
    T, B, _ = x.shape
    H = np.shape(params["W_f"])[0]
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 0 <= t < T:
        raise ValueError(f"{where}: argument 't' must be a step 0 … T−1 = {T - 1}, but it is {t!r}.")
    nudge = np.broadcast_to(check_array(np.asarray(nudge, dtype=x.dtype), "nudge", where), (B, H))
    h = np.zeros((B, H), x.dtype) if h0 is None else check_array(h0, "h0", where, shape=(B, H), dims=("B", "H"))
    C = np.zeros((B, H), x.dtype) if C0 is None else check_array(C0, "C0", where, shape=(B, H), dims=("B", "H"))
    outputs, cells = np.empty((T, B, H), x.dtype), np.empty((T, B, H), x.dtype)
    for s in range(T):
        here = {} if s != t else {node: nudge}
        v = {}
        for g, name, act in _NODE_GATES:
            a = gates.gate_steps(h, x[s], params[f"W_{g}"], params[f"b_{g}"], act)["z"] + here.get(f"a_{g}", 0.0)
            v[name] = (np.tanh(a) if act == "tanh" else sigmoid_unchecked(a)) + here.get(name, 0.0)
        C = v["f_t"] * C + v["i_t"] * v["C_tilde_t"] + here.get("C_t", 0.0)
        h = v["o_t"] * np.tanh(C) + here.get("h_t", 0.0)
        outputs[s], cells[s] = h, C
    return outputs, cells


def node_gradient(loss, x, params, node: str, t: int, h0=None, C0=None, *, eps: float = 1e-6) -> np.ndarray:
    """The derivative of a loss with respect to one value inside the computation, by central differences.

    For every entry (b, j) of ``node`` at step ``t``: (L(+ε) − L(−ε)) / 2ε, where L(±ε) = ``loss(outputs, C)``
    after :func:`forward_nudged` added ±ε to that entry only. This is the total derivative: the change travels
    along every path from that value to the loss.

    Args:
        loss: a function of (outputs (T, B, H), C (T, B, H)) returning a number.
        x, params, h0, C0, node, t: as for :func:`forward_nudged`.  eps: the step ε (> 0).

    Returns:
        (B, H) array: ∂L/∂node_t.
    """
    where = "node_gradient()"
    if not callable(loss):
        raise TypeError(f"{where}: argument 'loss' must be a function of (outputs, C), but it is {type(loss).__name__}.")
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not eps > 0:
        raise ValueError(f"{where}: argument 'eps' must be a positive number, but it is {eps!r}.")
    params = _check_params(params, where)
    x = check_array(x, "x", where, shape=(None, None, None), dims=("T", "B", "D"))
    B, H = x.shape[1], np.shape(params["W_f"])[0]
    grad = np.empty((B, H))
    for b in range(B):
        for j in range(H):
            e = np.zeros((B, H))
            e[b, j] = eps
            up = loss(*forward_nudged(x, params, h0, C0, node=node, t=t, nudge=e))
            down = loss(*forward_nudged(x, params, h0, C0, node=node, t=t, nudge=-e))
            grad[b, j] = (up - down) / (2 * eps)
    return grad
