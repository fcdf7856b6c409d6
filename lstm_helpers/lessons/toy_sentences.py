"""The slides' running example, "The cat was hungry. The dog was sleeping and …", as a tiny
HAND-WIRED LSTM: every weight is chosen and explained here, nothing is trained.

Words and inputs
    A vocabulary of D = 8 words (:data:`VOCAB`); the input x_t of a word is its one-hot vector,
    so column ``x[word]`` of a weight matrix says what seeing that word does.

Memory units
    H = 4 hidden units (:data:`UNITS`), one "slot" of the notebook each: ``cat``, ``dog``
    (subjects) and ``hungry``, ``sleeping`` (states). C_t[u] ≈ 1 means "the notebook holds u".

The hand-wired gates (every gate reads only the current word: the h_{t-1} columns of all four
W are zero, so each decision can be read off one column of a matrix)
    forget gate  b_f = +3 for every unit: σ(3) ≈ 0.95, keep by default (the eraser rests).
                 A subject word (cat or dog) erases the other subject and both states: the
                 weight is chosen so that the gate takes the slides' illustrative values,
                 σ(w + b_f) = 0.10 for the old subject ("cat info 10 %") and 0.20 for a state
                 ("hungry info 20 %"), i.e. w = logit(p) − b_f.
    input gate   b_i = −4 (pen up: σ(−4) ≈ 0.02); a unit's own word adds +8 (σ(4) ≈ 0.98).
    candidate    b_C = 0; a unit's own word adds +3, so C̃_t ≈ tanh(3) ≈ +1 ("write: yes").
                 For every other word C̃_t = tanh(0) = 0: nothing leaks into the note.
    output gate  b_o = 0 (half of each unit shown by default); at "and" the highlighter takes
                 the slides' illustrative values, dog 90 %, sleeping 70 %, old context (cat,
                 hungry) 10 %: w = logit(p) − b_o in the ``x[and]`` column. This column is
                 wired for this one sentence; a trained LSTM computes such decisions from
                 h_{t-1} and x_t together.

The widgets' experiments (notebooks 04–06; the widgets only draw what these return)
    :func:`forget_trace` (04: one weight and bias of the cat unit's eraser, and how much "dog"
    the input carries), :func:`input_trace` (05: i_t and C̃_t set by hand at one step and unit),
    :func:`output_trace` (06: o_t set by hand at "and", with or without the erasing at "dog").
    :func:`random_params` and :func:`hiding_effect` (06: a cell of the same shapes with seeded random
    weights, whose gates read h_{t-1}: does hiding a note change a later C_t?).

Next-word read-out (notebook 06)
    scores = V · h_t + c over :data:`NEXT_WORDS`, softmax → probabilities. Each row of V lists
    the units that speak for (+) or against (−) a word: "snoring" = dog + sleeping,
    "barking" = dog − sleeping, "purring" = cat + sleeping, "eating" = hungry − sleeping.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..engine.activations import sigmoid_unchecked, softmax_unchecked
from ..support.checks import check_array, check_choice, check_number, check_size
from ..slides.gates import candidate, check_gate_params, cell_update, forget_gate, hidden_output, input_gate, logit, output_gate
from ..engine.lstm import LSTM

VOCAB = ("The", "cat", "dog", "was", "hungry", "sleeping", ".", "and")
UNITS = ("cat", "dog", "hungry", "sleeping")
SUBJECT_UNITS = ("cat", "dog")
STATE_UNITS = ("hungry", "sleeping")
OLD_CONTEXT_UNITS = ("cat", "hungry")  # what the second sentence has made old
SENTENCE = ("The", "cat", "was", "hungry", ".", "The", "dog", "was", "sleeping", "and")
T_DOG, T_AND = SENTENCE.index("dog"), SENTENCE.index("and")   # the steps notebooks 04 and 06 look at
SAME_SUBJECT_SENTENCE = ("The", "cat", "was", "hungry", ".", "The", "cat", "was", "sleeping", "and")
NEXT_WORDS = ("snoring", "barking", "purring", "eating")
D, H = len(VOCAB), len(UNITS)
# Labels of the H + D columns of every W, in the order of [h_{t-1}, x_t].
COLUMNS = tuple(f"h[{u}]" for u in UNITS) + tuple(f"x[{w}]" for w in VOCAB)
GATES = ("f_t", "i_t", "C_tilde_t", "o_t")
TRACE_KEYS = ("f_t", "i_t", "C_tilde_t", "C_t", "o_t", "h_t", "C_prev", "h_prev")

# The design choices (see the module docstring).
KEEP_BIAS = 3.0          # b_f: the eraser rests, σ(3) ≈ 0.95 of every note is kept per step
PEN_BIAS = -4.0          # b_i: the pen is up, σ(−4) ≈ 0.02
PEN_WEIGHT = 8.0         # W_i[u, x[u]]: a unit's own word puts the pen down, σ(−4 + 8) ≈ 0.98
CANDIDATE_WEIGHT = 3.0   # W_C[u, x[u]]: the pen writes tanh(3) ≈ +1 for a unit's own word
OUTPUT_BIAS = 0.0        # b_o: the highlighter shows σ(0) = 50 % of every unit by default
READOUT_SCALE = 4.0      # size of the ±1 entries of the next-word read-out V
# The slides' illustrative numbers, which the weights above reproduce exactly.
SLIDE_FORGET_AT_NEW_SUBJECT = {"subject": 0.10, "state": 0.20}  # "cat" info 10 %, "hungry" info 20 %
SLIDE_OUTPUT_AT_AND = {"dog": 0.90, "sleeping": 0.70, "cat": 0.10, "hungry": 0.10}  # old context 10 %
READOUT_ROWS = {  # next word -> {unit: sign}
    "snoring": {"dog": +1, "sleeping": +1},
    "barking": {"dog": +1, "sleeping": -1},
    "purring": {"cat": +1, "sleeping": +1},
    "eating": {"hungry": +1, "sleeping": -1},
}


# ----------------------------------------------------------------------------- words and columns
def word_vector(word: str) -> np.ndarray:
    """The input x_t of one word: its one-hot vector over :data:`VOCAB`, shape (D,) = (8,)."""
    check_choice(word, "word", "word_vector()", VOCAB)
    x = np.zeros(D)
    x[VOCAB.index(word)] = 1.0
    return x


def encode(words: Sequence[str]) -> np.ndarray:
    """Inputs of a word sequence, shape (T, D): row t is the one-hot vector of ``words[t]``."""
    if isinstance(words, str) or not isinstance(words, Sequence) or len(words) == 0:
        raise TypeError(f"encode(): argument 'words' must be a non-empty list of words from {VOCAB}, "
                        f"but it is {words!r}.")
    return np.stack([word_vector(w) for w in words])


def unit_index(unit) -> int:
    """Row of a memory unit: a name from :data:`UNITS` or an index 0 … H−1."""
    if isinstance(unit, (int, np.integer)) and not isinstance(unit, bool):
        if not 0 <= unit < H:
            raise ValueError(f"unit_index(): argument 'unit' must be in 0 … {H - 1}, but it is {unit}.")
        return int(unit)
    check_choice(unit, "unit", "unit_index()", UNITS)
    return UNITS.index(unit)


def column(word: str | None = None, *, h_unit: str | None = None) -> int:
    """Column of [h_{t-1}, x_t] (and of every W) that belongs to input ``word`` or to ``h_unit`` of h_{t-1}."""
    if (word is None) == (h_unit is None):
        raise TypeError("column(): give exactly one of 'word' (an input word) or 'h_unit' (a unit of h_{t-1}).")
    if h_unit is not None:
        check_choice(h_unit, "h_unit", "column()", UNITS)
        return UNITS.index(h_unit)
    check_choice(word, "word", "column()", VOCAB)
    return H + VOCAB.index(word)


# ----------------------------------------------------------------------------- the hand-wired weights
def slide_weights() -> dict[str, np.ndarray]:
    """The hand-wired parameters in the slides' notation (fresh copies, safe to modify).

    Returns:
        dict W_f, W_i, W_C, W_o of shape (H, H + D) = (4, 12), columns :data:`COLUMNS`,
        and b_f, b_i, b_C, b_o of shape (H,) = (4,). See the module docstring for the why.
    """
    zeros = lambda: np.zeros((H, H + D))  # noqa: E731
    W_f, W_i, W_C, W_o = zeros(), zeros(), zeros(), zeros()
    b_f = np.full(H, KEEP_BIAS)
    b_i = np.full(H, PEN_BIAS)
    b_C = np.zeros(H)
    b_o = np.full(H, OUTPUT_BIAS)
    erase = {"subject": float(logit(SLIDE_FORGET_AT_NEW_SUBJECT["subject"])) - KEEP_BIAS,
             "state": float(logit(SLIDE_FORGET_AT_NEW_SUBJECT["state"])) - KEEP_BIAS}
    for subject in SUBJECT_UNITS:
        col = column(subject)
        for other in SUBJECT_UNITS:
            if other != subject:
                W_f[unit_index(other), col] = erase["subject"]
        for state in STATE_UNITS:
            W_f[unit_index(state), col] = erase["state"]
    for u in UNITS:
        W_i[unit_index(u), column(u)] = PEN_WEIGHT
        W_C[unit_index(u), column(u)] = CANDIDATE_WEIGHT
    for u, p in SLIDE_OUTPUT_AT_AND.items():
        W_o[unit_index(u), column("and")] = float(logit(p)) - OUTPUT_BIAS
    return {"W_f": W_f, "b_f": b_f, "W_i": W_i, "b_i": b_i, "W_C": W_C, "b_C": b_C, "W_o": W_o, "b_o": b_o}


def _check_params(params, where: str) -> dict[str, np.ndarray]:
    return slide_weights() if params is None else check_gate_params(params, where, H, D)


def hand_wired_lstm(params=None) -> LSTM:
    """An :class:`LSTM` (D = 8 inputs, H = 4 units, float64) carrying ``params`` (default :func:`slide_weights`).

    The weights are written with ``LSTM.set_gate_weights`` in the slides' notation.
    """
    params = _check_params(params, "hand_wired_lstm()")
    lstm = LSTM(D, H, seed=0)
    lstm.set_gate_weights(**params)
    return lstm


def lstm_trace(lstm: LSTM, x) -> dict[str, np.ndarray]:
    """Run an :class:`LSTM` over one sequence x (T, D) from zero state; gate values in slide notation.

    Returns dict with 'f_t', 'i_t', 'C_tilde_t', 'C_t', 'o_t', 'h_t', each (T, H).
    """
    if not isinstance(lstm, LSTM):
        raise TypeError(f"lstm_trace(): argument 'lstm' must be an LSTM, but it is {type(lstm).__name__}.")
    x = check_array(x, "x", "lstm_trace()", shape=(None, lstm.input_size), dims=("T", "D"), dtype=lstm.dtype,
                    hint="Use encode(words) for a list of words.")
    lstm.forward(x[:, None, :])
    return {k: v[:, 0, :] for k, v in lstm.last_gates().items()}


# ----------------------------------------------------------------------------- stepping with gate overrides
def _check_overrides(overrides, T: int, where: str) -> dict[str, dict[tuple[int, int], float]]:
    out: dict[str, dict[tuple[int, int], float]] = {g: {} for g in GATES}
    if overrides is None:
        return out
    if not isinstance(overrides, Mapping):
        raise TypeError(f"{where}: argument 'overrides' must be a dict like {{'o_t': {{(9, 'dog'): 0.9}}}}, "
                        f"but it is {type(overrides).__name__}.")
    for gate, entries in overrides.items():
        check_choice(gate, "overrides key", where, GATES)
        if not isinstance(entries, Mapping):
            raise TypeError(f"{where}: overrides['{gate}'] must map (t, unit) to a value.")
        low, high = (-1.0, 1.0) if gate == "C_tilde_t" else (0.0, 1.0)
        for key, value in entries.items():
            if not isinstance(key, tuple) or len(key) != 2:
                raise TypeError(f"{where}: keys of overrides['{gate}'] must be pairs (t, unit), but one is {key!r}.")
            t, unit = key
            if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not -T <= t < T:
                raise ValueError(f"{where}: time step {t!r} in overrides['{gate}'] is not in 0 … {T - 1}.")
            out[gate][(int(t) % T, unit_index(unit))] = check_number(
                value, f"overrides['{gate}'][{key!r}]", where, low=low, high=high)
    return out


def run(x, params=None, *, overrides=None, C_0=None, h_0=None) -> dict[str, np.ndarray]:
    """Step the cell through x (T, D) with the functions of :mod:`lstm_helpers.gates`.

    Unlike :class:`LSTM`, any gate value can be set by hand at any step (the widgets do this):
    ``overrides={'o_t': {(9, 'dog'): 0.9}, 'i_t': {(8, 'sleeping'): 0.0}}`` replaces the computed
    value of that gate, step and unit (gates in 0 … 1, C̃_t in −1 … 1) before it is used.

    Args:
        x: inputs (T, D).  params: dict of W_*, b_* (default :func:`slide_weights`).
        C_0, h_0: the state before step 0, each (H,); zeros if None.

    Returns:
        dict with 'f_t', 'i_t', 'C_tilde_t', 'C_t', 'o_t', 'h_t' and the states entering each
        step, 'C_prev' (C_{t-1}) and 'h_prev' (h_{t-1}); each (T, H).
    """
    where = "run()"
    x = check_array(x, "x", where, shape=(None, D), dims=("T", "D"), hint="Use encode(words) for a list of words.")
    T = x.shape[0]
    p = _check_params(params, where)
    ov = _check_overrides(overrides, T, where)
    C = np.zeros(H) if C_0 is None else check_array(C_0, "C_0", where, shape=(H,), dims=("H",)).copy()
    h = np.zeros(H) if h_0 is None else check_array(h_0, "h_0", where, shape=(H,), dims=("H",)).copy()
    out = {k: np.empty((T, H)) for k in TRACE_KEYS}
    for t in range(T):
        out["C_prev"][t], out["h_prev"][t] = C, h
        g = {"f_t": forget_gate(h, x[t], p["W_f"], p["b_f"]),
             "i_t": input_gate(h, x[t], p["W_i"], p["b_i"]),
             "C_tilde_t": candidate(h, x[t], p["W_C"], p["b_C"]),
             "o_t": output_gate(h, x[t], p["W_o"], p["b_o"])}
        for gate, entries in ov.items():
            for (tt, u), value in entries.items():
                if tt == t:
                    g[gate][u] = value
        C = cell_update(g["f_t"], C, g["i_t"], g["C_tilde_t"])
        h = hidden_output(g["o_t"], C)
        for k in GATES:
            out[k][t] = g[k]
        out["C_t"][t], out["h_t"][t] = C, h
    return out


# ----------------------------------------------------------------------------- the widgets' experiments
def forget_trace(w: float, b: float, x: float) -> dict[str, np.ndarray]:
    """The example sentence with one row of the eraser changed (notebook 04's widget).

    Args:
        w: the weight W_f[cat, x[dog]] (how strongly seeing "dog" closes the cat unit's gate), a number.
        b: the bias b_f[cat] (the cat unit's resting gate is σ(b) at every word), a number.
        x: how much "dog" the word at step :data:`T_DOG` carries, x_t[dog] in [0, 1] (1 = the word "dog").

    At "dog" the cat unit's gate is f_t = σ(w·x + b): its h_{t-1} columns are zero in this cell.

    Returns:
        :func:`run`'s dict: 'f_t', 'i_t', 'C_tilde_t', 'C_t', 'o_t', 'h_t', 'C_prev', 'h_prev',
        each (T, H) = (10, 4).
    """
    where = "forget_trace()"
    w = check_number(w, "w", where)
    b = check_number(b, "b", where)
    x = check_number(x, "x", where, low=0.0, high=1.0)
    params = slide_weights()
    params["W_f"][unit_index("cat"), column("dog")] = w
    params["b_f"][unit_index("cat")] = b
    X = encode(SENTENCE)
    X[T_DOG] *= x
    return run(X, params)


def input_trace(t: int, unit: str, i_t: float, C_tilde_t: float) -> dict[str, np.ndarray]:
    """The example sentence with i_t and C̃_t of one unit at one step set by hand (notebook 05's widget).

    Args:
        t: the step, a whole number 0 … T−1 (T = 10 words of :data:`SENTENCE`).
        unit: a name from :data:`UNITS`.
        i_t: the input gate there, in [0, 1] (pen up … pen down).
        C_tilde_t: the candidate C̃_t there, in [−1, 1] (what the pen would write).

    Returns:
        :func:`run`'s dict, each value (T, H) = (10, 4); C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t does the rest.
        Also the update's two parts, 'kept' = f_t ⊙ C_{t-1} and 'written' = i_t ⊙ C̃_t, each (T, H).
    """
    where = "input_trace()"
    T = len(SENTENCE)
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)):
        raise TypeError(f"{where}: argument 't' must be a whole number 0 … {T - 1}, "
                        f"but it is {type(t).__name__} {t!r}.")
    if not 0 <= t < T:
        raise ValueError(f"{where}: argument 't' must be a step 0 … {T - 1}, but it is {t}.")
    check_choice(unit, "unit", where, UNITS)
    i_t = check_number(i_t, "i_t", where, low=0.0, high=1.0)
    C_tilde_t = check_number(C_tilde_t, "C_tilde_t", where, low=-1.0, high=1.0)
    key = (int(t), unit)
    out = run(encode(SENTENCE), overrides={"i_t": {key: i_t}, "C_tilde_t": {key: C_tilde_t}})
    out["kept"] = out["f_t"] * out["C_prev"]
    out["written"] = out["i_t"] * out["C_tilde_t"]
    return out


def output_trace(o_dog: float, o_sleeping: float, o_old: float, erased: bool = True) -> dict[str, np.ndarray]:
    """The example sentence with the highlighter o_t at "and" set by hand (notebook 06's widget and analysis).

    Args:
        o_dog, o_sleeping: o_t of the dog and sleeping units at step :data:`T_AND`, each in [0, 1].
        o_old: o_t of the old context (:data:`OLD_CONTEXT_UNITS`, cat and hungry) there, in [0, 1].
        erased: True (the hand-wired cell) or False: the eraser rests at "dog" for the old context
            too, f_t = σ(b_f), so cat and hungry stay large in C_t.

    Returns:
        :func:`run`'s dict, each value (T, H) = (10, 4).
    """
    where = "output_trace()"
    o_dog = check_number(o_dog, "o_dog", where, low=0.0, high=1.0)
    o_sleeping = check_number(o_sleeping, "o_sleeping", where, low=0.0, high=1.0)
    o_old = check_number(o_old, "o_old", where, low=0.0, high=1.0)
    if not isinstance(erased, (bool, np.bool_)):
        raise TypeError(f"{where}: argument 'erased' must be True or False, but it is {erased!r}.")
    o = {(T_AND, "dog"): o_dog, (T_AND, "sleeping"): o_sleeping}
    o.update({(T_AND, u): o_old for u in OLD_CONTEXT_UNITS})
    overrides = {"o_t": o}
    if not erased:
        keep = float(sigmoid_unchecked(np.float64(KEEP_BIAS)))
        overrides["f_t"] = {(T_DOG, u): keep for u in OLD_CONTEXT_UNITS}
    return run(encode(SENTENCE), overrides=overrides)


# ----------------------------------------------------------------------------- next-word read-out
def random_params(seed: int) -> dict[str, np.ndarray]:
    """Seeded random weights with the shapes of :func:`slide_weights` (each entry N(0, 1), drawn in its key order):
    a cell of the same size whose gates *do* read h_{t-1}, for :func:`run` and :func:`hiding_effect`."""
    rng = np.random.default_rng(check_size(seed, "seed", "random_params()", minimum=0))
    return {k: rng.normal(0.0, 1.0, v.shape) for k, v in slide_weights().items()}


def hiding_effect(x, params, step: int, unit: str) -> dict[str, float | bool]:
    """Close the output gate of ``unit`` at ``step`` (o_t = 0) and compare the run with the one that does not.

    Args: x (T, D) inputs (:func:`encode`); params as for :func:`run`; step in 0 … T−1; unit one of :data:`UNITS`.
    Returns: {'same_up_to_step': True if every C_t up to and including ``step`` is identical (the output gate
    is not in C_t's equation), 'change_up_to_step': the largest |ΔC_t| up to and including ``step``,
    'later_change': the largest |ΔC_t| at a later step (0.0 if ``step`` is the last)}.
    """
    where = "hiding_effect()"
    x = check_array(x, "x", where, shape=(None, D), dims=("T", "D"), hint="Use encode(words) for a list of words.")
    T = x.shape[0]
    step = check_size(step, "step", where, minimum=0)
    if step > T - 1:
        raise ValueError(f"{where}: argument 'step' must be at most T − 1 = {T - 1}, but it is {step}.")
    unit_index(unit)                                              # checks the name
    base = run(x, params)
    hidden = run(x, params, overrides={"o_t": {(step, unit): 0.0}})
    later = np.abs(hidden["C_t"][step + 1:] - base["C_t"][step + 1:])
    up_to = np.abs(hidden["C_t"][:step + 1] - base["C_t"][:step + 1])
    return {"same_up_to_step": bool(np.array_equal(hidden["C_t"][:step + 1], base["C_t"][:step + 1])),
            "change_up_to_step": float(up_to.max()),
            "later_change": float(later.max()) if later.size else 0.0}


def readout_weights() -> tuple[np.ndarray, np.ndarray]:
    """The hand-wired next-word read-out: V (K, H) = (4, 4) over :data:`NEXT_WORDS` × :data:`UNITS`, c (K,)."""
    V = np.zeros((len(NEXT_WORDS), H))
    for k, word in enumerate(NEXT_WORDS):
        for unit, sign in READOUT_ROWS[word].items():
            V[k, unit_index(unit)] = sign * READOUT_SCALE
    return V, np.zeros(len(NEXT_WORDS))


def next_word_probabilities(h_t, V=None, c=None) -> np.ndarray:
    """softmax(V · h_t + c): probabilities of :data:`NEXT_WORDS`. h_t (..., H) -> (..., K); sums to 1.

    V (K, H) and c (K,) default to :func:`readout_weights`.
    """
    where = "next_word_probabilities()"
    h_t = np.asarray(h_t, dtype=np.float64) if not isinstance(h_t, np.ndarray) else h_t
    h_t = check_array(h_t, "h_t", where, shape=(None,) * (max(h_t.ndim, 1) - 1) + (H,),
                      dims=("...",) * (max(h_t.ndim, 1) - 1) + ("H",))
    V_default, c_default = readout_weights()     # c is the read-out's bias, not a cell state
    K = len(NEXT_WORDS)
    V = V_default if V is None else check_array(V, "V", where, shape=(K, H), dims=("K", "H"))
    c = c_default if c is None else check_array(c, "c", where, shape=(K,), dims=("K",))
    return softmax_unchecked(h_t @ V.T + c)


# ----------------------------------------------------------------------------- display
def format_table(M, row_labels: Sequence[str], col_labels: Sequence[str], fmt: str = "{:+.2f}",
                 *, width: int = 7) -> str:
    """A matrix M (R, K) as aligned text with row and column labels (no prose; for printing)."""
    M = check_array(M, "M", "format_table()", shape=(len(row_labels), len(col_labels)), dims=("R", "K"))
    w0 = max(len(r) for r in row_labels)
    w = max(width, *(len(c) for c in col_labels))
    lines = [" " * w0 + " " + " ".join(f"{c:>{w}s}" for c in col_labels)]
    for r, row in zip(row_labels, M):
        lines.append(f"{r:>{w0}s} " + " ".join(f"{fmt.format(v):>{w}s}" for v in row))
    return "\n".join(lines)
