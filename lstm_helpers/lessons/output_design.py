"""Notebook 06's design exercise: set the output gate (W_o, b_o) of the hand-wired cat/dog cell so that each
note is shown only where it is asked for.

The cell is :func:`lstm_helpers.lessons.toy_sentences.slide_weights` with its output gate replaced: the
forget gate, input gate and candidate stay as notebooks 04 and 05 wired them (so C_t is written and erased
as there). Only W_o (H, H + D) = (4, 12), columns [h_{t-1}, x_t] (:data:`~lstm_helpers.lessons.toy_sentences.COLUMNS`),
and b_o (H,) = (4,) change.

The language
    texts of 1 … :data:`MAX_SENTENCES` sentences "The S was A ." (S a subject: cat or dog; A a state:
    hungry or sleeping); the last sentence ends in "and" instead of "." (like the slides' sentence):
    4 + 16 + 64 = 84 texts (:func:`texts`).

The rules (:func:`rules`), for unit u at word t, on |h_t[u]|
    shown  (|h_t| ≥ :data:`SHOWN`):   at "was", the unit of that sentence's subject (the verb needs its subject);
                                       at "and", the units of that sentence's subject and of its state (what
                                       the next word depends on: notebook 06's read-out, snoring = dog + sleeping).
    hidden (|h_t| < :data:`HIDDEN`):  every unit at every other word; the state units at "was".
    free (no rule):                    the other subject's unit at "was" and at "and", the other state's unit at
                                       "and": old notes that the forget gate has already shrunk, and that a gate
                                       reading only the word cannot tell from the current ones.

:func:`run_texts` runs texts through the cell (all texts of one length as a batch, with
:func:`lstm_helpers.slides.gates.lstm_step`); :func:`find_violations` lists the rules a design breaks,
first word first. The self-check (:mod:`lstm_helpers.selfcheck.output_design`) and the grader use these.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..slides.gates import lstm_step
from ..support.checks import check_array, check_choice, check_size
from . import toy_sentences as ts

MAX_SENTENCES = 3
SHOWN, HIDDEN = 0.5, 0.1          # |h_t| of a shown unit is at least SHOWN, of a hidden unit below HIDDEN
VERB, ASK = "was", "and"          # the words where something is shown
RULES = ("shown", "hidden")


def sentence(subject: str, state: str, last: bool = False) -> tuple[str, ...]:
    """One sentence of the language: ('The', subject, 'was', state, '.'), ending in 'and' if ``last``."""
    check_choice(subject, "subject", "sentence()", ts.SUBJECT_UNITS)
    check_choice(state, "state", "sentence()", ts.STATE_UNITS)
    return ("The", subject, VERB, state, ASK if last else ".")


def texts(max_sentences: int = MAX_SENTENCES) -> list[tuple[str, ...]]:
    """Every text of the language with 1 … ``max_sentences`` sentences (4, 20, 84, … texts), shortest first;
    each a tuple of words (5 per sentence), the last word 'and'."""
    n = check_size(max_sentences, "max_sentences", "texts()", minimum=1)
    pairs = list(itertools.product(ts.SUBJECT_UNITS, ts.STATE_UNITS))
    out = []
    for k in range(1, n + 1):
        for combo in itertools.product(pairs, repeat=k):
            words: tuple[str, ...] = ()
            for j, (subject, state) in enumerate(combo):
                words += sentence(subject, state, last=j == k - 1)
            out.append(words)
    return out


def _check_texts(text_list, where: str) -> list[tuple[str, ...]]:
    """``text_list`` as a list of checked texts; :func:`texts` (the whole language) if None."""
    if text_list is None:
        return texts()
    if isinstance(text_list, str) or not isinstance(text_list, Sequence) or len(text_list) == 0:
        raise TypeError(f"{where}: argument 'text_list' must be a non-empty list of texts (tuples of words, as "
                        f"texts() returns) or None for the whole language, but it is {text_list!r:.80}.")
    return [_check_words(w, where) for w in text_list]


def _check_words(words, where: str) -> tuple[str, ...]:
    if isinstance(words, str) or not isinstance(words, Sequence) or len(words) == 0 or len(words) % 5:
        raise ValueError(f"{where}: argument 'words' must be a text of the language (a tuple of 5 words per "
                         f"sentence, as texts() returns), but it is {words!r}.")
    for w in words:
        check_choice(w, "a word of 'words'", where, ts.VOCAB)
    return tuple(words)


def rules(words) -> tuple[np.ndarray, np.ndarray]:
    """The rules of one text: (shown, hidden), each a bool array (T, H) over the words × :data:`toy_sentences.UNITS`.

    shown[t, u]: |h_t[u]| must be at least :data:`SHOWN`; hidden[t, u]: below :data:`HIDDEN`; neither: free.
    """
    words = _check_words(words, "rules()")
    T = len(words)
    shown, hidden = np.zeros((T, ts.H), bool), np.ones((T, ts.H), bool)
    subjects = [ts.unit_index(u) for u in ts.SUBJECT_UNITS]
    states = [ts.unit_index(u) for u in ts.STATE_UNITS]
    for start in range(0, T, 5):
        subject, state = ts.unit_index(words[start + 1]), ts.unit_index(words[start + 3])
        verb, end = start + 2, start + 4
        hidden[verb, subjects] = False                  # the other subject is free at the verb
        shown[verb, subject] = True
        if words[end] == ASK:
            hidden[end, subjects + states] = False      # the other subject and state are free at 'and'
            shown[end, [subject, state]] = True
    return shown, hidden


def _as_float(a):
    """Whole numbers are fine in a design (b_o = -4): an integer array (or list) as float64, anything else as it is."""
    arr = np.asarray(a) if isinstance(a, (list, tuple, np.ndarray)) else a
    return arr.astype(np.float64) if isinstance(arr, np.ndarray) and arr.dtype.kind in "iu" else arr


def design_params(W_o, b_o) -> dict[str, np.ndarray]:
    """The hand-wired cell's parameters with its output gate replaced: dict W_f … b_o (as slide_weights()).

    W_o: (H, H + D) = (4, 12), columns [h_{t-1}, x_t]; b_o: (H,) = (4,). Whole numbers are taken as floats.
    """
    where = "design_params()"
    params = ts.slide_weights()
    W_o, b_o = _as_float(W_o), _as_float(b_o)
    params["W_o"] = check_array(W_o, "W_o", where, shape=(ts.H, ts.H + ts.D), dims=("H", "H+D"),
                                hint="Rows are the units cat, dog, hungry, sleeping; columns [h_{t-1}, x_t].")
    params["b_o"] = check_array(b_o, "b_o", where, shape=(ts.H,), dims=("H",))
    return params


def run_texts(W_o, b_o, text_list=None) -> list[dict[str, np.ndarray]]:
    """Run each text through the cell of :func:`design_params` from a zero state.

    Args:
        W_o (H, H + D), b_o (H,): the output gate.  text_list: texts (default :func:`texts`).

    Returns:
        one dict per text, in order: 'f_t', 'i_t', 'C_tilde_t', 'C_t', 'o_t', 'h_t', each (T, H).
    """
    params = design_params(W_o, b_o)
    text_list = _check_texts(text_list, "run_texts()")
    out: list = [None] * len(text_list)
    for T in sorted({len(w) for w in text_list}):
        idx = [k for k, w in enumerate(text_list) if len(w) == T]
        X = np.stack([ts.encode(text_list[k]) for k in idx], axis=1)      # (T, B, D)
        h, C = np.zeros((len(idx), ts.H)), np.zeros((len(idx), ts.H))
        steps = []
        for t in range(T):
            s = lstm_step(h, C, X[t], params)
            h, C = s["h_t"], s["C_t"]
            steps.append(s)
        for j, k in enumerate(idx):
            out[k] = {key: np.stack([s[key][j] for s in steps]) for key in steps[0]}
    return out


@dataclass(frozen=True)
class Violation:
    """One broken rule: in text ``words``, at word ``t`` (0-based), unit ``unit`` shows ``h`` (= h_t[unit]);
    ``rule`` is 'shown' (|h| had to be ≥ SHOWN) or 'hidden' (|h| had to be < HIDDEN)."""

    words: tuple[str, ...]
    t: int
    unit: str
    h: float
    rule: str


def text_violations(words, h) -> list[Violation]:
    """The rules of text ``words`` that ``h`` (T, H), the h_t of every word, breaks: word by word, unit by unit."""
    words = _check_words(words, "text_violations()")
    h = check_array(h, "h", "text_violations()", shape=(len(words), ts.H), dims=("T", "H"))
    shown, hidden = rules(words)
    bad = (shown & (np.abs(h) < SHOWN)) | (hidden & ~(np.abs(h) < HIDDEN))
    return [Violation(words, int(t), ts.UNITS[u], float(h[t, u]), "shown" if shown[t, u] else "hidden")
            for t, u in zip(*np.nonzero(bad))]


def find_violations(W_o, b_o, text_list=None, *, h_key: str = "h_t") -> list[Violation]:
    """Every rule the design (W_o, b_o) breaks on ``text_list`` (default: the whole language), text by text.

    ``h_key``: 'h_t' (the cell's output, the rules' subject) or 'o_t*C_t' (what h_t would be without the tanh,
    o_t ⊙ C_t: a design made for that mistaken cell passes it).
    """
    check_choice(h_key, "h_key", "find_violations()", ("h_t", "o_t*C_t"))
    text_list = _check_texts(text_list, "find_violations()")
    found = []
    for words, tr in zip(text_list, run_texts(W_o, b_o, text_list)):
        h = tr["h_t"] if h_key == "h_t" else tr["o_t"] * tr["C_t"]
        found += text_violations(words, h)
    return found
