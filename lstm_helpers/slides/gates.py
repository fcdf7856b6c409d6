"""Each LSTM equation as its own small function, in the slides' notation.

One time step of the LSTM, written the way the slides write it (⊙ is the elementwise
product, [h_{t-1}, x_t] stacks the previous output on top of the current input)::

    f_t  = σ(W_f · [h_{t-1}, x_t] + b_f)        forget_gate    (eraser)
    i_t  = σ(W_i · [h_{t-1}, x_t] + b_i)        input_gate     (pen)
    C̃_t  = tanh(W_C · [h_{t-1}, x_t] + b_C)     candidate      (what the pen would write)
    C_t  = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t            cell_update    (the notebook)
    o_t  = σ(W_o · [h_{t-1}, x_t] + b_o)        output_gate    (highlighter)
    h_t  = o_t ⊙ tanh(C_t)                      hidden_output

Shapes: one example has h_{t-1}, C_{t-1} of shape (H,) and x_t of shape (D,); a batch has
(B, H) and (B, D). Every W has shape (H, H + D) (its first H columns act on h_{t-1}, the last
D on x_t) and every b has shape (H,). These are the matrices of :meth:`LSTM.gate_weights`,
so composing the functions gives exactly :meth:`LSTM.step` (tested).

Also here: :func:`gate_value` (one gate unit with one input, σ(w·x + b): notebook 00's widget),
:func:`gate_steps` (the four lines of a gate, for printing them one by one),
:func:`logit` (the inverse of σ, to choose a weight that gives a wanted gate value),
:func:`retention` and :func:`half_life_steps` (how long a constant forget gate keeps a note)
and :func:`cell_trajectory` (the cell-state recurrence for given gate values).
"""
from __future__ import annotations

import numpy as np

from ..engine.activations import sigmoid_unchecked
from ..support.checks import as_array, check_array, check_choice, check_number, check_same_shape, check_size

GATE_PARAMS = ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")
_ACTIVATIONS = {"sigmoid": sigmoid_unchecked, "tanh": np.tanh}


# ----------------------------------------------------------------------------- argument checks
def _check_state_and_input(h_prev, x_t, where: str):
    h_prev = check_array(h_prev, "h_prev", where, hint="h_{t-1} is (H,) for one example or (B, H) for a batch.")
    x_t = check_array(x_t, "x_t", where, hint="x_t is (D,) for one example or (B, D) for a batch.")
    if h_prev.ndim not in (1, 2):
        raise ValueError(f"{where}: argument 'h_prev' must have shape (H,) or (B, H), but it has shape {h_prev.shape}.")
    if x_t.ndim != h_prev.ndim:
        want = "(D,)" if h_prev.ndim == 1 else f"(B, D) = ({h_prev.shape[0]}, any)"
        raise ValueError(f"{where}: argument 'x_t' must have shape {want} to go with h_prev of shape "
                         f"{h_prev.shape}, but it has shape {x_t.shape}.")
    if h_prev.ndim == 2 and x_t.shape[0] != h_prev.shape[0]:
        raise ValueError(f"{where}: argument 'x_t' holds {x_t.shape[0]} examples but 'h_prev' holds "
                         f"{h_prev.shape[0]}; the batch sizes B must match.")
    if x_t.dtype != h_prev.dtype:
        raise TypeError(f"{where}: argument 'x_t' has dtype {x_t.dtype} but 'h_prev' has dtype {h_prev.dtype}; "
                        f"use one float dtype for both.")
    return h_prev, x_t


def _check_weights(W, b, H: int, D: int, w_name: str, b_name: str, where: str, dtype):
    W = check_array(W, w_name, where, shape=(H, H + D), dims=("H", "H+D"), dtype=dtype,
                    hint="Columns act on [h_{t-1}, x_t]: the first H on h_{t-1}, the last D on x_t.")
    b = check_array(b, b_name, where, shape=(H,), dims=("H",), dtype=dtype)
    return W, b


def _check_like(value, name: str, where: str, ref: np.ndarray, ref_name: str) -> np.ndarray:
    arr = check_array(value, name, where, dtype=ref.dtype)
    check_same_shape(arr, ref, name, ref_name, where)
    return arr


# ----------------------------------------------------------------------------- the equations
def concat(h_prev, x_t) -> np.ndarray:
    """The stacked vector [h_{t-1}, x_t]: (H,) and (D,) -> (H + D,); (B, H) and (B, D) -> (B, H + D)."""
    h_prev, x_t = _check_state_and_input(h_prev, x_t, "concat()")
    return np.concatenate([h_prev, x_t], axis=-1)


def gate_steps(h_prev, x_t, W, b, activation: str = "sigmoid") -> dict[str, np.ndarray]:
    """One gate computed in four visible lines, for printing them one by one.

    Args:
        h_prev: h_{t-1}, (H,) or (B, H).  x_t: (D,) or (B, D).
        W: (H, H + D).  b: (H,).  activation: 'sigmoid' (gates) or 'tanh' (candidate C̃_t).

    Returns:
        dict with, in order of computation,
        'hx'    = [h_{t-1}, x_t]            (H + D,) or (B, H + D)   1. concatenate
        'W_hx'  = W · [h_{t-1}, x_t]        (H,) or (B, H)           2. multiply
        'z'     = W · [h_{t-1}, x_t] + b    (H,) or (B, H)           3. add the bias
        'value' = σ(z) or tanh(z)           (H,) or (B, H)           4. squash
    """
    where = "gate_steps()"
    h_prev, x_t = _check_state_and_input(h_prev, x_t, where)
    check_choice(activation, "activation", where, tuple(_ACTIVATIONS))
    H, D = h_prev.shape[-1], x_t.shape[-1]
    W, b = _check_weights(W, b, H, D, "W", "b", where, h_prev.dtype)
    hx = np.concatenate([h_prev, x_t], axis=-1)
    W_hx = hx @ W.T
    z = W_hx + b
    return {"hx": hx, "W_hx": W_hx, "z": z, "value": _ACTIVATIONS[activation](z)}


def _gate(h_prev, x_t, W, b, w_name, b_name, where, activation):
    h_prev, x_t = _check_state_and_input(h_prev, x_t, where)
    H, D = h_prev.shape[-1], x_t.shape[-1]
    W, b = _check_weights(W, b, H, D, w_name, b_name, where, h_prev.dtype)
    z = np.concatenate([h_prev, x_t], axis=-1) @ W.T + b
    return _ACTIVATIONS[activation](z)


def forget_gate(h_prev, x_t, W_f, b_f) -> np.ndarray:
    """f_t = σ(W_f · [h_{t-1}, x_t] + b_f): how much of each unit of C_{t-1} is kept (0 erase … 1 keep).

    Shapes: h_prev (H,) or (B, H); x_t (D,) or (B, D); W_f (H, H + D); b_f (H,). Returns (H,) or (B, H).
    """
    return _gate(h_prev, x_t, W_f, b_f, "W_f", "b_f", "forget_gate()", "sigmoid")


def input_gate(h_prev, x_t, W_i, b_i) -> np.ndarray:
    """i_t = σ(W_i · [h_{t-1}, x_t] + b_i): how much of the candidate is written (0 nothing … 1 all).

    Shapes: h_prev (H,) or (B, H); x_t (D,) or (B, D); W_i (H, H + D); b_i (H,). Returns (H,) or (B, H).
    """
    return _gate(h_prev, x_t, W_i, b_i, "W_i", "b_i", "input_gate()", "sigmoid")


def candidate(h_prev, x_t, W_C, b_C) -> np.ndarray:
    """C̃_t = tanh(W_C · [h_{t-1}, x_t] + b_C): the values the pen would write, each in −1 … 1.

    Shapes: h_prev (H,) or (B, H); x_t (D,) or (B, D); W_C (H, H + D); b_C (H,). Returns (H,) or (B, H).
    """
    return _gate(h_prev, x_t, W_C, b_C, "W_C", "b_C", "candidate()", "tanh")


def cell_update(f_t, C_prev, i_t, C_tilde_t) -> np.ndarray:
    """C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t: keep part of the old note, add part of the candidate.

    All four arguments have the same shape, (H,) or (B, H); so has the result.
    """
    where = "cell_update()"
    C_prev = check_array(C_prev, "C_prev", where, hint="C_{t-1} is (H,) or (B, H).")
    f_t = _check_like(f_t, "f_t", where, C_prev, "C_prev")
    i_t = _check_like(i_t, "i_t", where, C_prev, "C_prev")
    C_tilde_t = _check_like(C_tilde_t, "C_tilde_t", where, C_prev, "C_prev")
    return f_t * C_prev + i_t * C_tilde_t


def output_gate(h_prev, x_t, W_o, b_o) -> np.ndarray:
    """o_t = σ(W_o · [h_{t-1}, x_t] + b_o): how much of each unit is shown in h_t (0 hide … 1 show).

    Shapes: h_prev (H,) or (B, H); x_t (D,) or (B, D); W_o (H, H + D); b_o (H,). Returns (H,) or (B, H).
    """
    return _gate(h_prev, x_t, W_o, b_o, "W_o", "b_o", "output_gate()", "sigmoid")


def hidden_output(o_t, C_t) -> np.ndarray:
    """h_t = o_t ⊙ tanh(C_t): the highlighted part of the notebook. o_t and C_t: (H,) or (B, H)."""
    where = "hidden_output()"
    C_t = check_array(C_t, "C_t", where)
    o_t = _check_like(o_t, "o_t", where, C_t, "C_t")
    return o_t * np.tanh(C_t)


def lstm_step(h_prev, C_prev, x_t, params) -> dict[str, np.ndarray]:
    """One LSTM step composed from the six functions above.

    Args:
        h_prev, C_prev: (H,) or (B, H).  x_t: (D,) or (B, D).
        params: dict with W_f, b_f, W_i, b_i, W_C, b_C, W_o, b_o (as :meth:`LSTM.gate_weights` returns).

    Returns:
        dict 'f_t', 'i_t', 'C_tilde_t', 'C_t', 'o_t', 'h_t', each (H,) or (B, H).
    """
    where = "lstm_step()"
    check_gate_params(params, where)
    h_prev, x_t = _check_state_and_input(h_prev, x_t, where)
    C_prev = _check_like(C_prev, "C_prev", where, h_prev, "h_prev")
    p = params
    f_t = forget_gate(h_prev, x_t, p["W_f"], p["b_f"])
    i_t = input_gate(h_prev, x_t, p["W_i"], p["b_i"])
    C_tilde_t = candidate(h_prev, x_t, p["W_C"], p["b_C"])
    C_t = cell_update(f_t, C_prev, i_t, C_tilde_t)
    o_t = output_gate(h_prev, x_t, p["W_o"], p["b_o"])
    h_t = hidden_output(o_t, C_t)
    return {"f_t": f_t, "i_t": i_t, "C_tilde_t": C_tilde_t, "C_t": C_t, "o_t": o_t, "h_t": h_t}


def check_gate_params(params, where: str, H: int | None = None, D: int | None = None, *,
                      to_float64: bool = False) -> dict[str, np.ndarray]:
    """``params`` checked as an LSTM's gate parameters: a dict holding every name of :data:`GATE_PARAMS`.

    With ``H`` and ``D`` each W_* must be (H, H + D) and each b_* (H,) floats, and a new dict of the checked
    arrays is returned; ``to_float64`` also accepts whole numbers and returns float64 copies (what a student's
    hand-set weights need). Without ``H`` the dict is returned as it is. Errors name ``where`` and the entry.
    """
    if not hasattr(params, "keys"):
        raise TypeError(f"{where}: argument 'params' must be a dict of {', '.join(GATE_PARAMS)}, "
                        f"but it is {type(params).__name__}.")
    missing = [k for k in GATE_PARAMS if k not in params]
    if missing:
        raise ValueError(f"{where}: argument 'params' lacks {', '.join(missing)}; it needs {', '.join(GATE_PARAMS)}.")
    if H is None:
        return params
    out = {}
    for k in GATE_PARAMS:
        name = f"params['{k}']"
        shape, dims = ((H, H + D), ("H", "H+D")) if k[0] == "W" else ((H,), ("H",))
        value = params[k]
        if to_float64:
            value = as_array(value, name, where)
            value = value.astype(np.float64) if value.dtype.kind in "iub" else value
        value = check_array(value, name, where, shape=shape, dims=dims)
        out[k] = value.astype(np.float64, copy=True) if to_float64 else value
    return out


# ----------------------------------------------------------------------------- helpers around the gates
def gate_value(w: float, b: float, x):
    """One gate unit with one input: σ(w·x + b), the smallest case of f_t = σ(W_f · [h_{t-1}, x_t] + b_f).

    Args:
        w: the weight, b: the bias (numbers).
        x: the input, a number, or a float array of inputs of any shape (e.g. a grid, for the curve).

    Returns:
        a float in [0, 1] for a number x; for an array x, an array of x's shape.
    """
    where = "gate_value()"
    w = check_number(w, "w", where)
    b = check_number(b, "b", where)
    if isinstance(x, np.ndarray):
        x = check_array(x, "x", where)
        return sigmoid_unchecked(w * x + b)
    x = check_number(x, "x", where)
    return float(sigmoid_unchecked(np.float64(w * x + b)))


def logit(p) -> np.ndarray:
    """The inverse of σ: logit(p) = ln(p / (1 − p)), so σ(logit(p)) = p. p: any shape, each in (0, 1).

    Used to choose a weight by hand: σ(w + b) = p  ⇔  w = logit(p) − b.
    """
    arr = np.asarray(p, dtype=np.float64) if not isinstance(p, np.ndarray) or p.dtype.kind in "iub" else p
    p = check_array(arr, "p", "logit()")
    if np.any((p <= 0) | (p >= 1)):
        bad = p[(p <= 0) | (p >= 1)].ravel()[0]
        raise ValueError(f"logit(): argument 'p' must lie strictly between 0 and 1 (σ never reaches 0 or 1), "
                         f"but it holds {bad}.")
    return np.log(p) - np.log1p(-p)


def _check_fraction(f, where: str, *, allow_one: bool) -> np.ndarray:
    arr = np.asarray(f, dtype=np.float64) if not isinstance(f, np.ndarray) or f.dtype.kind in "iub" else f
    f = check_array(arr, "f", where)
    bad = (f <= 0) | (f > 1) if allow_one else (f <= 0) | (f >= 1)
    if np.any(bad):
        rng = "0 < f <= 1" if allow_one else "0 < f < 1"
        raise ValueError(f"{where}: argument 'f' (a forget-gate value) must satisfy {rng}, "
                         f"but it holds {f[bad].ravel()[0]}.")
    return f


def retention(f, k) -> np.ndarray:
    """Fraction of a note left after k steps under a constant forget gate f (and no writing): f^k.

    f: forget-gate value(s) in (0, 1]; k: number(s) of steps ≥ 0. Broadcasts: f (F,) with k (K, 1) -> (K, F).
    """
    f = _check_fraction(f, "retention()", allow_one=True)
    k_arr = np.asarray(k)
    if k_arr.dtype.kind not in "iuf" or np.any(k_arr < 0) or not np.all(np.isfinite(k_arr)):
        raise ValueError(f"retention(): argument 'k' must hold step counts >= 0, but it is {k!r}.")
    return f ** k_arr


def half_life_steps(f) -> np.ndarray:
    """Steps after which a constant forget gate f has halved a note: k_1/2 = ln 0.5 / ln f.

    f: any shape, each in (0, 1). Returns the same shape (a real number of steps; f^k_1/2 = 0.5).
    """
    f = _check_fraction(f, "half_life_steps()", allow_one=False)
    return np.log(0.5) / np.log(f)


def cell_trajectory(f_t, i_t, C_tilde_t, C_0=None) -> np.ndarray:
    """Run C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t over T steps for given gate values.

    Args:
        f_t, i_t, C_tilde_t: (T, ...) arrays of the same shape (… is e.g. H or (B, H)).
        C_0: the note before step 1, shape (...); zeros if None.

    Returns:
        C_1 … C_T, shape (T, ...).
    """
    where = "cell_trajectory()"
    C_tilde_t = check_array(C_tilde_t, "C_tilde_t", where, hint="Time runs along the first axis: (T, ...).")
    f_t = _check_like(f_t, "f_t", where, C_tilde_t, "C_tilde_t")
    i_t = _check_like(i_t, "i_t", where, C_tilde_t, "C_tilde_t")
    T = check_size(C_tilde_t.shape[0], "C_tilde_t.shape[0] (T)", where)
    if C_0 is None:
        C = np.zeros(C_tilde_t.shape[1:], dtype=C_tilde_t.dtype)
    else:
        C_0 = np.asarray(C_0, dtype=C_tilde_t.dtype) if not isinstance(C_0, np.ndarray) else C_0
        C = check_array(C_0, "C_0", where, shape=C_tilde_t.shape[1:], dtype=C_tilde_t.dtype).copy()
    out = np.empty_like(C_tilde_t)
    written = i_t * C_tilde_t
    for t in range(T):
        C = f_t[t] * C + written[t]
        out[t] = C
    return out
