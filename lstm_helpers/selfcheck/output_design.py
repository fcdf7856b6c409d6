"""Self-check of notebook 06's design exercise: the learner sets the output gate of the hand-wired cell.

    output_gate_design() -> (W_o, b_o)        W_o (H, H + D) = (4, 12), columns [h_{t-1}, x_t]; b_o (H,) = (4,)

The design is judged by what it does, not by its numbers: the grader runs it through the cell of
:mod:`lstm_helpers.lessons.output_design` on every text of the language (84 texts of 1 to 3 sentences)
and checks the rules there (shown: |h_t| ≥ 0.5, hidden: |h_t| < 0.1). A failing design is named by its
first broken rule (text, word, unit, h_t, and the o_t and tanh(C_t) behind it) and, where it fits, by the
mistaken picture of the cell under which it *would* pass:

    bias_missing        b_o left at 0: σ(0) = 0.5 shows half of every note at every word
    complement_gate     designed as if o_t = 1 − σ(…): the design of (−W_o, −b_o) passes
    concat_reversed     columns placed as if the input were [x_t, h_{t-1}]: the reordered W_o passes
    no_output_tanh      designed for h_t = o_t ⊙ C_t: the same gate passes when h_t is o_t ⊙ C_t
    weights_transposed  W_o of shape (H + D, H)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..lessons import output_design as od
from ..lessons import toy_sentences as ts
from .runner import CheckResult, Raised, as_arrays, call, exception_result, require_callable, result, uses

ITEM = "output_gate_design"
NAMES = ("W_o", "b_o")
REFERENCE_NAMES = ("output_gate_design_reference",)


def output_gate_design_reference() -> tuple[np.ndarray, np.ndarray]:
    """A design that meets every rule of :mod:`lstm_helpers.lessons.output_design`: (W_o (4, 12), b_o (4,))."""
    W_o = np.zeros((ts.H, ts.H + ts.D))
    b_o = np.full(ts.H, -4.0)                                     # hidden by default: σ(−4) ≈ 0.018
    for unit in ts.SUBJECT_UNITS:
        W_o[ts.unit_index(unit), ts.column(od.VERB)] = 8.0        # the subject at the verb: σ(4) ≈ 0.98
    W_o[:, ts.column(od.ASK)] = 8.0                               # every note at 'and' (old ones are small)
    return W_o, b_o


def _quote(words) -> str:
    return "'" + " ".join(words) + "'"


def describe(v: od.Violation, W_o, b_o) -> str:
    """One broken rule of the design (W_o, b_o) in words: the text, the word, the unit, h_t and the o_t and
    tanh(C_t) that made it."""
    (tr,) = od.run_texts(W_o, b_o, [v.words])
    u = ts.unit_index(v.unit)
    where = f"In {_quote(v.words)}, at '{v.words[v.t]}' (word {v.t + 1} of {len(v.words)})"
    need = f"at least {od.SHOWN} (shown)" if v.rule == "shown" else f"below {od.HIDDEN} (hidden)"
    return (f"{where}: |h_t[{v.unit}]| = {abs(v.h):.3f}, it must be {need}. There o_t[{v.unit}] = "
            f"{tr['o_t'][v.t, u]:.3f} and tanh(C_t[{v.unit}]) = {np.tanh(tr['C_t'][v.t, u]):.3f}.")


HINTS = {
    "bias_missing": "With b_o = 0 a unit shows σ(0) = 0.5 of tanh(C_t) at every word: make the bias negative "
                    "so that a unit is hidden unless a word opens its gate.",
    "complement_gate": "Your design would pass if o_t were 1 − σ(…). It is σ(…): a large positive pre-activation "
                       "opens the gate (σ(4) ≈ 0.98), a negative one closes it.",
    "concat_reversed": "Your design would pass if the gate read [x_t, h_{t-1}]. The columns are [h_{t-1}, x_t]: "
                       "columns 0–3 act on h_{t-1}, columns 4–11 on the words (lh.toy_sentences.COLUMNS).",
    "no_output_tanh": "Your design would pass if h_t were o_t ⊙ C_t. But h_t = o_t ⊙ tanh(C_t), and "
                      "|tanh(C)| < |C|: the gate must open further to show 0.5.",
}


def _diagnose(W_o, b_o) -> str:
    """The mistake key for a design that breaks a rule (see the module docstring), or 'unknown'."""
    H, D = ts.H, ts.D
    if np.all(b_o == 0):
        return "bias_missing"
    if not od.find_violations(-W_o, -b_o):
        return "complement_gate"
    reordered = np.concatenate([W_o[:, D:], W_o[:, :D]], axis=1)   # student's [x_t (D), h_{t-1} (H)] -> [h, x]
    if reordered.shape == (H, H + D) and not od.find_violations(reordered, b_o):
        return "concat_reversed"
    if not od.find_violations(W_o, b_o, h_key="o_t*C_t"):
        return "no_output_tanh"
    return "unknown"


def check_output_gate_design(output_gate_design: Callable) -> CheckResult:
    """Check ``output_gate_design() -> (W_o, b_o)`` on every text of the language (module docstring)."""
    require_callable(output_gate_design, ITEM)
    if uses(output_gate_design, REFERENCE_NAMES):
        return result(ITEM, "uses_engine", "Set the weights yourself (output_gate_design_reference is the answer "
                                           "the check compares with).")
    try:
        out = call(output_gate_design)
    except Raised as r:
        return exception_result(ITEM, r.exc)
    arr = as_arrays(out, NAMES)
    if isinstance(arr, str):
        return result(ITEM, "wrong_type", arr + ". Return the pair (W_o, b_o).")
    W_o, b_o = arr["W_o"], arr["b_o"]
    if W_o.shape == (ts.H + ts.D, ts.H):
        return result(ITEM, "weights_transposed", f"W_o has shape {W_o.shape}: its rows are the H = {ts.H} units, "
                                                  f"its columns the H + D = {ts.H + ts.D} entries of [h_{{t-1}}, x_t].")
    if W_o.shape != (ts.H, ts.H + ts.D) or b_o.shape != (ts.H,):
        return result(ITEM, "wrong_shape", f"W_o has shape {W_o.shape} and b_o {b_o.shape}; they must be "
                                           f"({ts.H}, {ts.H + ts.D}) and ({ts.H},).")
    if not (np.all(np.isfinite(W_o)) and np.all(np.isfinite(b_o))):
        return result(ITEM, "not_finite")
    found = od.find_violations(W_o, b_o)
    n_texts = len(od.texts())
    if not found:
        return result(ITEM, None, f"Every rule holds on all {n_texts} texts of the language (1 to "
                                  f"{od.MAX_SENTENCES} sentences).", texts=n_texts)
    first = describe(found[0], W_o, b_o)
    bad_texts = len({v.words for v in found})
    mistake = _diagnose(W_o, b_o)
    extra = f"{first}\n  {len(found)} rules broken in {bad_texts} of {n_texts} texts."
    if mistake in HINTS:
        extra += f"\n  {HINTS[mistake]}"
    return result(ITEM, mistake, extra, violations=len(found), texts=bad_texts)


def output_gate_design_verdict(W_o, b_o) -> tuple[bool, str]:
    """The grader's verdict on a design returned by the learner (plain arrays): (passed, what was checked / why not).

    The design runs through the grader's own cell on every text of the language.
    """
    for name, a in (("W_o", W_o), ("b_o", b_o)):
        if a is None:
            return False, f"no result {name}"
    W_o, b_o = np.asarray(W_o, dtype=np.float64), np.asarray(b_o, dtype=np.float64)
    if W_o.shape != (ts.H, ts.H + ts.D) or b_o.shape != (ts.H,):
        return False, (f"W_o has shape {W_o.shape} and b_o {b_o.shape}; they must be ({ts.H}, {ts.H + ts.D}) "
                       f"and ({ts.H},)")
    if not (np.all(np.isfinite(W_o)) and np.all(np.isfinite(b_o))):
        return False, "W_o or b_o holds NaN or inf"
    found = od.find_violations(W_o, b_o)
    n_texts = len(od.texts())
    if found:
        v = found[0]
        need = f"at least {od.SHOWN} (shown)" if v.rule == "shown" else f"below {od.HIDDEN} (hidden)"
        return False, (f"run through the grader's cell, in {_quote(v.words)} at '{v.words[v.t]}' (word {v.t + 1}) "
                       f"|h_t[{v.unit}]| is {abs(v.h):.4g}, it must be {need}; {len(found)} rules broken in "
                       f"{len({x.words for x in found})} of {n_texts} texts")
    return True, f"right on all {n_texts} texts of the language, run through the grader's cell"
