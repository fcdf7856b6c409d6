"""Two hand-wired LSTM cells whose gates read the context h_{t-1}, not only the current word (notebooks 04, 05).

In :mod:`lstm_helpers.lessons.toy_sentences` every weight on h_{t-1} is zero, so each gate decides from the
current word alone, like a look-up table. The slides say a gate looks at [h_{t-1}, x_t]; the two cells here
show what that buys: **the same word gets two different decisions**, because h_{t-1} differs.

Words and units
    Inputs are one-hot words (capital letters are ignored: "The" is the word "the"). Sentences are given as
    a string of words separated by spaces ("The cat saw the dog .") or as a list of words. A memory unit is
    one slot of the notebook; C_t[u] ≈ 1 means "the notebook holds u". Every output gate is open
    (b_o = +4, o_t ≈ 0.98), so h_t ≈ tanh(C_t): the next step sees (almost) what the notebook holds.

The eraser cell, notebook 04 (:func:`eraser_cell`)
    words the, cat, dog, saw, was, hungry, sleeping, . (D = 8); units cat, dog, ended (H = 3).
    ``ended`` is the "a sentence has just ended" unit: the pen writes it at "." and the eraser clears it at
    the next subject word (cat, dog). The cat unit's forget gate is an AND of two cues,
        z = W_f[cat, x[dog]]·x_t[dog] + W_f[cat, h[ended]]·h_{t-1}[ended] + b_f[cat]
          = w_x·(the word is "dog") + w_h·(a sentence has just ended) + b,
    with b = +9 (rest: keep), w_x = −6, w_h = −8: one cue alone leaves z ≥ +3 (keep), both together bring z
    below −2 (erase). In "The cat saw the dog . The dog was sleeping" the first "dog" (an object, the
    sentence goes on) keeps the cat; the second "dog" (a new sentence, a new subject) erases it. The dog
    unit is wired the same way with the roles of cat and dog swapped.

The slot cell, notebook 05 (:func:`slot_cell`)
    words the, cat, dog, was, sleeping, awake, . (D = 7); units cat, dog, cat_sleeps, dog_sleeps (H = 4).
    ``dog_sleeps`` is the dog's slot for "is it sleeping?" (+1 yes, −1 no, 0 not known). Its pen (input
    gate) is an AND of the word and the subject held in h_{t-1}:
        z = W_i[dog_sleeps, x[sleeping]]·x_t[sleeping] + W_i[dog_sleeps, h[dog]]·h_{t-1}[dog] + b_i
    with w_x = +8, w_h = +10, b = −12: "sleeping" is written into the dog's slot only when the notebook holds
    the dog; the candidate writes tanh(3) ≈ +1 at "sleeping". The subjects are word look-ups as in
    toy_sentences (a subject word writes its unit and erases the other subject). The ``cat_sleeps`` row of
    the pen and of the candidate is left at zero: wiring it is notebook 05's exercise.

Colours
    :data:`UNIT_COLORS` gives every unit of notebooks 04 and 05 (these cells and toy_sentences) one
    Okabe–Ito colour, used by every figure and widget of both notebooks.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..slides.gates import (GATE_PARAMS, candidate, cell_update, check_gate_params, forget_gate, hidden_output,
                            input_gate, output_gate)
from ..support.checks import check_array, check_choice, check_number
from ..support.plots import OKABE_ITO

# One colour per unit across notebooks 04 and 05 (toy_sentences' units and the units of the cells here).
UNIT_COLORS = {
    "cat": OKABE_ITO["blue"], "dog": OKABE_ITO["vermillion"], "hungry": OKABE_ITO["bluish_green"],
    "sleeping": OKABE_ITO["orange"], "ended": OKABE_ITO["reddish_purple"], "cat_sleeps": OKABE_ITO["sky_blue"],
    "dog_sleeps": OKABE_ITO["black"],
}
GATE_COLOR = "0.35"          # gate traces (f_t, i_t) are grey dashed lines: a gate is not a unit
TRACE_KEYS = ("f_t", "i_t", "C_tilde_t", "C_t", "o_t", "h_t", "C_prev", "h_prev", "kept", "written")

# The design choices shared by both cells (see the module docstring).
PEN_BIAS, PEN_WEIGHT = -4.0, 8.0        # a unit's own word puts the pen down: σ(−4 + 8) ≈ 0.98
CANDIDATE_WEIGHT = 3.0                  # and writes tanh(3) ≈ +1
REST_BIAS = 3.0                         # b_f of a unit that only rests: σ(3) ≈ 0.95 kept per step
OUTPUT_BIAS = 4.0                       # b_o: every output gate open, σ(4) ≈ 0.98, so h_t ≈ tanh(C_t)

# The eraser cell (notebook 04).
ERASER_WORDS = ("the", "cat", "dog", "saw", "was", "hungry", "sleeping", ".")
ERASER_UNITS = ("cat", "dog", "ended")
ERASER_STORY = ("The", "cat", "saw", "the", "dog", ".", "The", "dog", "was", "sleeping")
T_OBJECT_DOG, T_SUBJECT_DOG = 4, 7      # the two "dog"s of the story: an object, then a new subject
SUBJECT_KEEP_BIAS = 9.0                 # b_f[cat]: the subject note rests, σ(9) ≈ 0.9999 kept per word
NEW_SUBJECT_WEIGHT = -6.0               # W_f[cat, x[dog]]: the word "dog" alone: z = 9 − 6 = +3, keep
ENDED_WEIGHT = -8.0                     # W_f[cat, h[ended]]: with h_{t-1}[ended] ≈ 0.72 as well: z < −2, erase
ENDED_CLEAR_WEIGHT = -6.0               # W_f[ended, x[subject]]: a subject word clears "ended", σ(3 − 6)

# The slot cell (notebook 05).
SLOT_WORDS = ("the", "cat", "dog", "was", "sleeping", "awake", ".")
SLOT_UNITS = ("cat", "dog", "cat_sleeps", "dog_sleeps")
SLOT_SENTENCES = ("The dog was sleeping", "The cat was sleeping")
T_SLEEPING = 3                          # "sleeping" in both sentences
SLOT_PEN_BIAS = -12.0                   # b_i[dog_sleeps]: pen up unless both cues are there
SLOT_PEN_WORD = 8.0                     # W_i[dog_sleeps, x[sleeping]]: the word alone: σ(−4), pen up
SLOT_PEN_SUBJECT = 10.0                 # W_i[dog_sleeps, h[dog]]: with h_{t-1}[dog] ≈ 0.72 too: σ(+3), pen down
SLOT_REST_BIAS = 4.0                    # b_f of a slot: the news is kept, σ(4) ≈ 0.98 per word
SUBJECT_ERASE_WEIGHT = -8.0             # W_f[cat, x[dog]] and W_f[dog, x[cat]] in the slot cell: σ(3 − 8)


# ----------------------------------------------------------------------------- a cell with named words and units
class ContextCell:
    """A hand-wired LSTM over a small vocabulary: named words (inputs) and named units (memory slots).

    ``params`` holds W_f, b_f, W_i, b_i, W_C, b_C, W_o, b_o in the slides' notation: every W has shape
    (H, H + D), its columns acting on [h_{t-1}, x_t] (:attr:`columns` names them 'h[unit]' then 'x[word]'),
    every b has shape (H,).
    """

    def __init__(self, words: Sequence[str], units: Sequence[str], params: Mapping[str, np.ndarray]):
        self.words, self.units = tuple(words), tuple(units)
        self.D, self.H = len(self.words), len(self.units)
        self.columns = tuple(f"h[{u}]" for u in self.units) + tuple(f"x[{w}]" for w in self.words)
        self._params = self.check_params(params, "ContextCell()")

    def __repr__(self) -> str:
        return f"ContextCell(D={self.D} words, H={self.H} units: {', '.join(self.units)})"

    # -- names and indices
    def row(self, unit: str) -> int:
        """Row of every W and b that belongs to memory unit ``unit`` (a name from :attr:`units`)."""
        check_choice(unit, "unit", "ContextCell.row()", self.units)
        return self.units.index(unit)

    def column(self, word: str | None = None, *, h_unit: str | None = None) -> int:
        """Column of every W acting on input ``word`` (x_t) or on unit ``h_unit`` of h_{t-1}; exactly one."""
        where = "ContextCell.column()"
        if (word is None) == (h_unit is None):
            raise TypeError(f"{where}: give exactly one of 'word' (an input word) or 'h_unit' (a unit of h_{{t-1}}).")
        if h_unit is not None:
            check_choice(h_unit, "h_unit", where, self.units)
            return self.units.index(h_unit)
        word = word.lower() if isinstance(word, str) else word
        check_choice(word, "word", where, self.words)
        return self.H + self.words.index(word)

    def indices(self) -> tuple[dict[str, int], dict[str, int]]:
        """({unit: row}, {column label: column}), e.g. ({'cat': 0, ...}, {'h[cat]': 0, ..., 'x[.]': 10})."""
        return {u: k for k, u in enumerate(self.units)}, {c: k for k, c in enumerate(self.columns)}

    # -- sentences
    def split(self, sentence) -> tuple[str, ...]:
        """The words of ``sentence`` (a string of words separated by spaces, or a list of words), as written."""
        where = "ContextCell.split()"
        if isinstance(sentence, str):
            words = tuple(sentence.split())
        elif isinstance(sentence, Sequence) and all(isinstance(w, str) for w in sentence):
            words = tuple(sentence)
        else:
            raise TypeError(f"{where}: argument 'sentence' must be a string of words or a list of words, "
                            f"but it is {type(sentence).__name__}.")
        if not words:
            raise ValueError(f"{where}: argument 'sentence' holds no words.")
        for w in words:
            check_choice(w.lower(), "word", where, self.words)
        return words

    def encode(self, sentence) -> np.ndarray:
        """One-hot inputs of ``sentence``, shape (T, D): row t is the word at step t (capitals ignored)."""
        words = self.split(sentence)
        X = np.zeros((len(words), self.D))
        X[np.arange(len(words)), [self.words.index(w.lower()) for w in words]] = 1.0
        return X

    # -- parameters
    def params(self) -> dict[str, np.ndarray]:
        """Fresh copies of the parameters: W_* (H, H + D) and b_* (H,)."""
        return {k: v.copy() for k, v in self._params.items()}

    def check_params(self, params, where: str) -> dict[str, np.ndarray]:
        """``params`` checked (every one of :data:`GATE_PARAMS`, shapes (H, H + D) and (H,)), as float64 copies."""
        return check_gate_params(params, where, self.H, self.D, to_float64=True)

    # -- running
    def run(self, sentence, params=None) -> dict[str, np.ndarray]:
        """Step the cell through ``sentence`` from zero state with the slides' equations (lh.gates).

        Args:
            sentence: a string of words or a list of words (or one-hot inputs X of shape (T, D)).
            params: the parameters to use instead of the cell's own (same keys and shapes), or None.

        Returns:
            dict 'f_t', 'i_t', 'C_tilde_t', 'C_t', 'o_t', 'h_t', the states entering each step 'C_prev'
            (C_{t-1}) and 'h_prev' (h_{t-1}), and the update's two parts 'kept' = f_t ⊙ C_{t-1} and
            'written' = i_t ⊙ C̃_t: each (T, H).
        """
        where = "ContextCell.run()"
        if isinstance(sentence, np.ndarray):
            X = check_array(sentence, "sentence", where, shape=(None, self.D), dims=("T", "D"))
        else:
            X = self.encode(sentence)
        p = self._params if params is None else self.check_params(params, where)
        T = X.shape[0]
        out = {k: np.empty((T, self.H)) for k in TRACE_KEYS}
        C, h = np.zeros(self.H), np.zeros(self.H)
        for t in range(T):
            out["C_prev"][t], out["h_prev"][t] = C, h
            f_t = forget_gate(h, X[t], p["W_f"], p["b_f"])
            i_t = input_gate(h, X[t], p["W_i"], p["b_i"])
            C_tilde_t = candidate(h, X[t], p["W_C"], p["b_C"])
            o_t = output_gate(h, X[t], p["W_o"], p["b_o"])
            C = cell_update(f_t, C, i_t, C_tilde_t)
            h = hidden_output(o_t, C)
            for k, v in (("f_t", f_t), ("i_t", i_t), ("C_tilde_t", C_tilde_t), ("o_t", o_t), ("C_t", C), ("h_t", h)):
                out[k][t] = v
        out["kept"] = out["f_t"] * out["C_prev"]
        out["written"] = out["i_t"] * out["C_tilde_t"]
        return out

    def weights_table(self, name: str, rows: Sequence[str] | None = None) -> list[tuple[str, str, float]]:
        """The nonzero entries of parameter ``name`` (e.g. 'W_f', 'b_i') as (unit, column label or 'bias', value),
        for the units ``rows`` (default: all), in row then column order."""
        check_choice(name, "name", "ContextCell.weights_table()", GATE_PARAMS)
        units = self.units if rows is None else [self.units[self.row(u)] for u in rows]
        value = self._params[name]
        out = []
        for u in units:
            r = self.units.index(u)
            if value.ndim == 1:
                if value[r] != 0:
                    out.append((u, "bias", float(value[r])))
            else:
                out += [(u, self.columns[c], float(value[r, c])) for c in np.flatnonzero(value[r])]
        return out


def _zeros(H: int, D: int) -> dict[str, np.ndarray]:
    return {k: np.zeros((H, H + D)) if k[0] == "W" else np.zeros(H) for k in GATE_PARAMS}


def _own_words(p, cell_units, cell_words, units):
    """Pen down and candidate +1 for each unit of ``units`` at its own word (toy_sentences' wiring)."""
    H = len(cell_units)
    for u in units:
        r, c = cell_units.index(u), H + cell_words.index(u)
        p["b_i"][r], p["W_i"][r, c], p["W_C"][r, c] = PEN_BIAS, PEN_WEIGHT, CANDIDATE_WEIGHT


# ----------------------------------------------------------------------------- notebook 04: the eraser cell
def eraser_cell(*, w_h: float = ENDED_WEIGHT, w_x: float = NEW_SUBJECT_WEIGHT,
                b: float = SUBJECT_KEEP_BIAS) -> ContextCell:
    """The eraser cell of notebook 04 (see the module docstring), with the cat unit's forget gate set by
    ``w_h`` = W_f[cat, h[ended]], ``w_x`` = W_f[cat, x[dog]] and ``b`` = b_f[cat] (numbers; the defaults are
    the hand-wired values). The dog unit keeps the default wiring (roles of cat and dog swapped)."""
    where = "eraser_cell()"
    w_h, w_x, b = check_number(w_h, "w_h", where), check_number(w_x, "w_x", where), check_number(b, "b", where)
    U, Wd = ERASER_UNITS, ERASER_WORDS
    H, D = len(U), len(Wd)
    p = _zeros(H, D)
    p["b_o"][:] = OUTPUT_BIAS
    _own_words(p, U, Wd, ("cat", "dog"))
    cat, dog, ended = (U.index(u) for u in U)
    col = {w: H + Wd.index(w) for w in Wd}
    for unit, other, (wh, wx, bb) in ((cat, "dog", (w_h, w_x, b)),
                                      (dog, "cat", (ENDED_WEIGHT, NEW_SUBJECT_WEIGHT, SUBJECT_KEEP_BIAS))):
        p["b_f"][unit], p["W_f"][unit, col[other]], p["W_f"][unit, ended] = bb, wx, wh
    # the "ended" unit: written at ".", kept through "the", cleared at the next subject word
    p["b_i"][ended], p["W_i"][ended, col["."]], p["W_C"][ended, col["."]] = PEN_BIAS, PEN_WEIGHT, CANDIDATE_WEIGHT
    p["b_f"][ended] = REST_BIAS
    p["W_f"][ended, col["cat"]] = p["W_f"][ended, col["dog"]] = ENDED_CLEAR_WEIGHT
    return ContextCell(Wd, U, p)


def eraser_decisions(cell: ContextCell | None = None, story=ERASER_STORY) -> dict[str, np.ndarray | float]:
    """The cat unit's forget gate over ``story`` (default :data:`ERASER_STORY`) in ``cell`` (default
    :func:`eraser_cell`), split into its three parts.

    Returns:
        dict 'x_part' = W_f[cat, x-columns] · x_t, 'h_part' = W_f[cat, h-columns] · h_{t-1}, 'b' (a float),
        'z' = x_part + h_part + b, 'f_t' = σ(z), and 'C_cat' = C_t[cat], 'h_ended' = h_{t-1}[ended]: each (T,);
        plus 'trace', the whole :meth:`ContextCell.run` dict.
    """
    cell = eraser_cell() if cell is None else cell
    if not isinstance(cell, ContextCell) or cell.units != ERASER_UNITS:
        raise TypeError("eraser_decisions(): argument 'cell' must be an eraser_cell(), "
                        f"but it is {type(cell).__name__}.")
    p, X = cell.params(), cell.encode(story)
    tr = cell.run(X)
    cat, H = cell.row("cat"), cell.H
    x_part = X @ p["W_f"][cat, H:]
    h_part = tr["h_prev"] @ p["W_f"][cat, :H]
    b = float(p["b_f"][cat])
    return {"x_part": x_part, "h_part": h_part, "b": b, "z": x_part + h_part + b, "f_t": tr["f_t"][:, cat],
            "C_cat": tr["C_t"][:, cat], "h_ended": tr["h_prev"][:, cell.row("ended")], "trace": tr}


# ----------------------------------------------------------------------------- notebook 05: the slot cell
def slot_cell(*, w_h: float = SLOT_PEN_SUBJECT, w_cross: float = 0.0, w_x: float = SLOT_PEN_WORD,
              b: float = SLOT_PEN_BIAS) -> ContextCell:
    """The slot cell of notebook 05 (see the module docstring), with the pen of the dog's slot set by
    ``w_h`` = W_i[dog_sleeps, h[dog]], ``w_cross`` = W_i[dog_sleeps, h[cat]] (0 by design: the cat is not
    the dog), ``w_x`` = W_i[dog_sleeps, x[sleeping]] and ``b`` = b_i[dog_sleeps] (numbers).
    The pen and candidate rows of ``cat_sleeps`` are zero (notebook 05's exercise wires them)."""
    where = "slot_cell()"
    w_h, w_cross = check_number(w_h, "w_h", where), check_number(w_cross, "w_cross", where)
    w_x, b = check_number(w_x, "w_x", where), check_number(b, "b", where)
    U, Wd = SLOT_UNITS, SLOT_WORDS
    H, D = len(U), len(Wd)
    p = _zeros(H, D)
    p["b_o"][:] = OUTPUT_BIAS
    _own_words(p, U, Wd, ("cat", "dog"))
    cat, dog, cat_sleeps, dog_sleeps = range(H)
    col = {w: H + Wd.index(w) for w in Wd}
    p["b_f"][[cat, dog]] = REST_BIAS
    p["W_f"][cat, col["dog"]] = p["W_f"][dog, col["cat"]] = SUBJECT_ERASE_WEIGHT
    p["b_f"][[cat_sleeps, dog_sleeps]] = SLOT_REST_BIAS
    p["b_i"][dog_sleeps], p["W_i"][dog_sleeps, col["sleeping"]] = b, w_x
    p["W_i"][dog_sleeps, dog], p["W_i"][dog_sleeps, cat] = w_h, w_cross
    p["W_C"][dog_sleeps, col["sleeping"]] = CANDIDATE_WEIGHT
    return ContextCell(Wd, U, p)


def free_slot_cell() -> ContextCell:
    """The slot cell with a pen that reads only the word (as in toy_sentences): W_i[dog_sleeps, x[sleeping]] = +8,
    b_i = −4, no h_{t-1} weight. It writes "sleeping" into the dog's slot whoever sleeps."""
    return slot_cell(w_h=0.0, w_cross=0.0, w_x=PEN_WEIGHT, b=PEN_BIAS)


def slot_decisions(cell: ContextCell | None = None, sentences=SLOT_SENTENCES) -> list[dict[str, np.ndarray]]:
    """For each sentence, the pen of the dog's slot in ``cell`` (default :func:`slot_cell`): dicts with
    'z' = W_i[dog_sleeps] · [h_{t-1}, x_t] + b_i[dog_sleeps], 'i_t' = i_t[dog_sleeps] = σ(z),
    'written' = i_t ⊙ C̃_t, 'C_t' = C_t[dog_sleeps], 'h_dog' = h_{t-1}[dog], 'h_cat' = h_{t-1}[cat],
    each (T,), and 'trace' (the whole :meth:`ContextCell.run` dict)."""
    cell = slot_cell() if cell is None else cell
    if not isinstance(cell, ContextCell) or cell.units != SLOT_UNITS:
        raise TypeError(f"slot_decisions(): argument 'cell' must be a slot_cell(), but it is {type(cell).__name__}.")
    ds, dog, cat, H = cell.row("dog_sleeps"), cell.row("dog"), cell.row("cat"), cell.H
    p = cell.params()
    out = []
    for s in sentences:
        X = cell.encode(s)
        tr = cell.run(X)
        z = X @ p["W_i"][ds, H:] + tr["h_prev"] @ p["W_i"][ds, :H] + p["b_i"][ds]
        out.append({"z": z, "i_t": tr["i_t"][:, ds], "written": tr["written"][:, ds], "C_t": tr["C_t"][:, ds],
                    "h_dog": tr["h_prev"][:, dog], "h_cat": tr["h_prev"][:, cat], "trace": tr})
    return out
