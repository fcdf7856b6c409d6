"""Self-checks of the design exercises of notebooks 04 and 05: the learner SETS weights and biases of a
hand-wired cell (:mod:`lstm_helpers.lessons.context_gates`) so that it behaves as asked; the check runs
sentences through the cell with those weights and names the first word where it does not.

    period_eraser(W_f, b_f, units, columns) -> (W_f, b_f)                        notebook 04, the eraser cell
        W_f (H, H + D) = (3, 11), b_f (H,) = (3,): set the cat unit's row (units.index('cat')) so that the cat
        note loses at most 10 % over 100 words that are not '.', and at most 5 % of it is kept at '.'.
    cat_sleep_slot(W_i, b_i, W_C, b_C, units, columns) -> (W_i, b_i, W_C, b_C)   notebook 05, the slot cell
        W_i, W_C (H, H + D) = (4, 11), b_i, b_C (H,) = (4,): set the cat_sleeps row so that the pen writes
        at least +0.8 at the cat's 'sleeping', at most −0.8 at the cat's 'awake', and at most 0.05 in size
        at every other word (the dog's news, 'the', 'was', '.', ...).

``units`` lists the units in row order (['cat', 'dog', 'ended']), ``columns`` the labels of the columns of
every W (['h[cat]', ..., 'x[.]']): ``units.index('cat')`` is the cat unit's row, ``columns.index('x[.]')``
the column of the word '.'. Only the learner's row is read: the rest of the cell is the grader's own.

Two layers, used by the notebook's self-check and by the grader's isolated re-check
(grading/recheck_items.py) alike: ``*_verdict(arrays..., sentences)`` judges a design on given sentences
(a dict with 'passed', 'failures' and the numbers), ``*_secret(rng)`` draws the re-check's secret sentences.
The diagnoses (keys of :data:`DESIGN_MISTAKES`) are added to the shared :data:`~.runner.MISTAKES`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..lessons import context_gates as cg
from .runner import MISTAKES, CheckResult, Raised, as_arrays, call, exception_result, require_callable, result

DESIGN_MISTAKES = {
    # notebook 04: the eraser
    "loss_per_step": "the resting gate keeps 90 % or more per word, but the 10 % budget is for all 100 words "
                     f"together: f^100 ≥ 0.9 needs f ≥ 0.9^(1/100) = {0.9 ** 0.01:.5f}, so "
                     f"b_f ≥ logit(0.9^(1/100)) = {np.log(0.9 ** 0.01 / (1 - 0.9 ** 0.01)):.2f}",
    "erases_wrong_word": "the gate erases at a word that is not '.': the negative weight is in the column of "
                         "another word (columns.index('x[.]') is the column of '.')",
    "rests_at_erase": "the gate rests near erase at every word: b_f must be large and positive (σ(b_f) close to 1)",
    "period_not_erased": "the weight from x['.'] is too weak: at '.' the gate must drop to 0.05, "
                         "so σ(b_f + w) ≤ 0.05, i.e. w ≤ logit(0.05) − b_f",
    "period_weight_positive": "the weight from x['.'] pushes the gate towards keep: it must be negative",
    "erases_one_step_late": "the gate reads h_{t-1}[ended], which turns on only after '.' has been read: "
                            "it erases one word too late; use the input x_t['.'] itself",
    # notebook 05: the cat's slot
    "free_slot": "the pen reads only the word: the dog's news is written into the cat's slot too; "
                 "it must also need h_{t-1}[cat]",
    "wrong_subject_column": "the pen reads h_{t-1}[dog] instead of h_{t-1}[cat]: it writes the dog's news "
                            "into the cat's slot",
    "pen_leaks": "the pen opens too far on the word alone: the bias b_i is not negative enough for an AND "
                 "of the word and h_{t-1}[cat]",
    "awake_sign": "'awake' writes a positive note: the candidate must be negative at 'awake' (C̃_t < 0)",
    "awake_missing": "nothing is written at the cat's 'awake': the pen must go down there too, "
                     "with a negative candidate",
    "candidate_not_wired": "the candidate row is not wired: C̃_t = tanh(0) = 0, so the pen writes nothing",
    "pen_too_weak": "the pen is not pressed down far enough at the cat's news: i_t ⊙ C̃_t stays below 0.8 in size",
}
for _key, _text in DESIGN_MISTAKES.items():
    MISTAKES.setdefault(_key, _text)

# ----------------------------------------------------------------------------- notebook 04: the eraser
FILLERS = ("was", "hungry", "sleeping", "saw", "the")     # words that are not '.' and no subject
KEEP_WORDS, KEEP_SHARE, ERASE_SHARE = 100, 0.90, 0.05
ROUNDING = 1e-9          # a design exactly on a limit passes (its last digits may fall either side)


def period_eraser_inputs() -> tuple[np.ndarray, np.ndarray, list, list]:
    """What ``period_eraser`` is called with: W_f (3, 11) and b_f (3,) of :func:`~lstm_helpers.lessons.
    context_gates.eraser_cell` with the cat unit's row and bias set to 0, the ``units`` and the ``columns``."""
    cell = cg.eraser_cell()
    p, cat = cell.params(), cell.row("cat")
    p["W_f"][cat], p["b_f"][cat] = 0.0, 0.0
    return p["W_f"], p["b_f"], list(cell.units), list(cell.columns)


def period_eraser_sentences() -> list[tuple[str, ...]]:
    """The exercise's two sentences: 'The cat' + 100 × 'was' + '.', and 'The cat' + 100 words cycling
    through :data:`FILLERS` + '.'."""
    mixed = tuple(FILLERS[k % len(FILLERS)] for k in range(KEEP_WORDS))
    return [("The", "cat") + ("was",) * KEEP_WORDS + (".",), ("The", "cat") + mixed + (".",)]


def period_eraser_secret(rng: np.random.Generator) -> list[tuple[str, ...]]:
    """Three secret sentences: an optional first sentence about the dog, then 'The cat', 100 (the first) or
    20–100 random words of :data:`FILLERS`, and '.'."""
    out = []
    for k in range(3):
        n = KEEP_WORDS if k == 0 else int(rng.integers(20, KEEP_WORDS, endpoint=True))
        before = ("The", "dog", "was", str(rng.choice(["hungry", "sleeping"])), ".") if rng.random() < 0.5 else ()
        out.append(before + ("The", "cat") + tuple(str(w) for w in rng.choice(FILLERS, size=n)) + (".",))
    return out


def _first_failure(verdict: dict, kind: str) -> str:
    """The first failure text of ``kind`` (the one the diagnosis is about), else the first one."""
    for k, text in zip(verdict["failure_kinds"], verdict["failures"]):
        if k == kind:
            return text
    return verdict["failures"][0]


def _short(words) -> str:
    """'The cat was was … was .' for a long sentence."""
    return " ".join(words) if len(words) <= 12 else " ".join(words[:6]) + " … " + " ".join(words[-3:])


def period_eraser_verdict(W_f, b_f, sentences) -> dict:
    """Run ``sentences`` (lists of words, each: …, 'cat', non-subject words, '.') through the eraser cell with
    the cat unit's row of ``W_f`` (H, H + D) and ``b_f`` (H,); the rest of the cell is :func:`eraser_cell`'s.

    Returns dict 'passed', 'failures' (texts naming the sentence, the word and the number), 'failure_kinds'
    ('keep' or 'erase' for each), 'f_fillers' (the gate at every filler word, all sentences), 'kept_min' (the smallest
    kept share of the cat note over the fillers), 'f_period' (the gate at each '.').
    """
    cell = cg.eraser_cell()
    p, cat = cell.params(), cell.row("cat")
    p["W_f"][cat], p["b_f"][cat] = np.asarray(W_f, dtype=np.float64)[cat], float(np.asarray(b_f)[cat])
    failures, f_fill, kept_min, f_period = [], [], np.inf, []
    for words in sentences:
        tr = cell.run(words, p)
        t_cat = max(k for k, w in enumerate(words) if w.lower() == "cat")
        T = len(words)
        C, f = tr["C_t"][:, cat], tr["f_t"][:, cat]
        kept = C[t_cat + 1:T - 1] / C[t_cat]
        f_fill += list(f[t_cat + 1:T - 1])
        kept_min = min(kept_min, float(kept.min()))
        f_period.append(float(f[T - 1]))
        name = _short(words)
        bad = np.flatnonzero(kept < KEEP_SHARE - ROUNDING)
        if bad.size:
            t = t_cat + 1 + int(bad[0])
            failures.append(("keep", f"In '{name}', at '{words[t]}' (word {t - t_cat} after 'cat') the kept share of "
                                     f"the cat note is {kept[bad[0]]:.3f}; it must be at least {KEEP_SHARE:.2f} for "
                                     f"{KEEP_WORDS} words."))
        if f[T - 1] > ERASE_SHARE + ROUNDING:
            failures.append(("erase", f"In '{name}', at '.' the gate keeps {f[T - 1]:.3f} of the cat note; it must "
                                      f"keep at most {ERASE_SHARE:.2f}."))
    return {"passed": not failures, "failures": [text for _, text in failures],
            "failure_kinds": [kind for kind, _ in failures], "f_fillers": np.array(f_fill), "kept_min": kept_min,
            "f_period": np.array(f_period)}


def _eraser_mistake(W_f, b_f, v: dict, units: list, columns: list) -> str:
    cat = units.index("cat")
    f_fill = v["f_fillers"]
    if float(b_f[cat]) == 0.0 and np.all(np.abs(f_fill - 0.5) < 0.2):
        return "bias_missing"
    if f_fill.min() < 0.5:
        return "erases_wrong_word" if f_fill.max() >= 0.9 else "rests_at_erase"
    if v["kept_min"] < KEEP_SHARE - ROUNDING:
        return "loss_per_step"
    if np.any(v["f_period"] > ERASE_SHARE + ROUNDING):
        if W_f[cat, columns.index("h[ended]")] < 0:
            return "erases_one_step_late"
        return "period_weight_positive" if W_f[cat, columns.index("x[.]")] >= 0 else "period_not_erased"
    return "unknown"  # pragma: no cover - every failure above has a diagnosis


def check_period_eraser(period_eraser: Callable) -> CheckResult:
    """Check notebook 04's design ``period_eraser(W_f, b_f, units, columns) -> (W_f, b_f)`` on the exercise's two
    sentences (:func:`period_eraser_sentences`); the message names the first word where it fails."""
    item = "period_eraser"
    require_callable(period_eraser, item)
    W_f, b_f, units, columns = period_eraser_inputs()
    try:
        out = call(period_eraser, W_f, b_f, list(units), list(columns))
    except Raised as r:
        return exception_result(item, r.exc)
    arrays = as_arrays(out, ("W_f", "b_f"))
    if isinstance(arrays, str):
        return result(item, "wrong_type", arrays + " Return (W_f, b_f).")
    for name, want in (("W_f", W_f.shape), ("b_f", b_f.shape)):
        if arrays[name].shape != want:
            return result(item, "wrong_shape", f"{name} has shape {arrays[name].shape}, expected {want}.")
        if not np.all(np.isfinite(arrays[name])):
            return result(item, "not_finite")
    v = period_eraser_verdict(arrays["W_f"], arrays["b_f"], period_eraser_sentences())
    if v["passed"]:
        return result(item, None, f"The cat note keeps at least {v['kept_min']:.3f} over {KEEP_WORDS} words and at "
                                  f"most {v['f_period'].max():.3f} of it is kept at '.'.", **v)
    mistake = _eraser_mistake(arrays["W_f"], arrays["b_f"], v, units, columns)
    return result(item, mistake, _first_failure(v, "erase" if mistake.startswith(("period", "erases_one")) else "keep"),
                  **v)


# ----------------------------------------------------------------------------- notebook 05: the cat's slot
STATE_WORDS = {"sleeping": +1.0, "awake": -1.0}
WRITE_AT_LEAST, LEAK_AT_MOST = 0.8, 0.05


def cat_sleep_slot_inputs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list, list]:
    """What ``cat_sleep_slot`` is called with: W_i, b_i, W_C, b_C of :func:`~lstm_helpers.lessons.
    context_gates.slot_cell` (the cat_sleeps row is zero there), the ``units`` and the ``columns``."""
    cell = cg.slot_cell()
    p = cell.params()
    return p["W_i"], p["b_i"], p["W_C"], p["b_C"], list(cell.units), list(cell.columns)


def cat_sleep_slot_sentences() -> list[tuple[str, ...]]:
    """The exercise's sentences: each subject with each state, then a story of three sentences."""
    single = [("The", s, "was", w, ".") for s in ("cat", "dog") for w in STATE_WORDS]
    story = tuple("The cat was sleeping . The dog was awake . The cat was awake .".split())
    return single + [story]


def cat_sleep_slot_secret(rng: np.random.Generator) -> list[tuple[str, ...]]:
    """Three secret stories of 2–6 sentences 'The {cat|dog} was {sleeping|awake} .', drawn at random."""
    out = []
    for _ in range(3):
        words: tuple[str, ...] = ()
        for _ in range(int(rng.integers(2, 6, endpoint=True))):
            words += ("The", str(rng.choice(["cat", "dog"])), "was", str(rng.choice(list(STATE_WORDS))), ".")
        out.append(words)
    return out


def cat_sleep_slot_verdict(W_i, b_i, W_C, b_C, sentences) -> dict:
    """Run ``sentences`` (lists of words: sentences 'The <subject> was <state> .') through the slot cell with
    the cat_sleeps rows of ``W_i``, ``W_C`` (H, H + D) and ``b_i``, ``b_C`` (H,); the rest is :func:`slot_cell`'s.

    Returns dict 'passed', 'failures' (texts naming the sentence, the word and what was written),
    'failure_kinds' ('write' at the cat's news, 'leak' elsewhere, for each), and the
    written amount i_t ⊙ C̃_t[cat_sleeps] at 'cat_sleeping', 'cat_awake' (the cat's news, arrays over all
    its occurrences) and at 'dog_news' and 'other' words (arrays).
    """
    cell = cg.slot_cell()
    p, u = cell.params(), cell.row("cat_sleeps")
    for name, value in (("W_i", W_i), ("W_C", W_C)):
        p[name][u] = np.asarray(value, dtype=np.float64)[u]
    for name, value in (("b_i", b_i), ("b_C", b_C)):
        p[name][u] = float(np.asarray(value)[u])
    failures = []
    found = {"cat_sleeping": [], "cat_awake": [], "dog_news": [], "other": []}
    for words in sentences:
        written = cell.run(words, p)["written"][:, u]
        name, subject = _short(words), None
        for t, w in enumerate(words):
            lw = w.lower()
            if lw in ("cat", "dog"):
                subject = lw
            value = float(written[t])
            if lw in STATE_WORDS and subject == "cat":
                found[f"cat_{lw}"].append(value)
                sign = STATE_WORDS[lw]
                if sign * value < WRITE_AT_LEAST - ROUNDING:
                    need = f"at least +{WRITE_AT_LEAST}" if sign > 0 else f"at most −{WRITE_AT_LEAST}"
                    failures.append(("write", f"In '{name}', at '{w}' (word {t + 1}) the pen writes {value:+.3f} "
                                              f"into cat_sleeps; it must write {need}."))
            else:
                found["dog_news" if lw in STATE_WORDS else "other"].append(value)
                if abs(value) > LEAK_AT_MOST + ROUNDING:
                    failures.append(("leak", f"In '{name}', at '{w}' (word {t + 1}) the pen writes {value:+.3f} "
                                             f"into cat_sleeps; it must write at most {LEAK_AT_MOST} in size there."))
    return {"passed": not failures, "failures": [text for _, text in failures],
            "failure_kinds": [kind for kind, _ in failures], **{k: np.array(v) for k, v in found.items()}}


def _slot_mistake(W_i, b_i, W_C, b_C, v: dict, units: list, columns: list) -> str:
    u = units.index("cat_sleeps")
    if not np.any(W_C[u]) and b_C[u] == 0:
        return "candidate_not_wired"
    if np.any(np.abs(v["dog_news"]) > LEAK_AT_MOST + ROUNDING):
        on_cat, on_dog = W_i[u, columns.index("h[cat]")], W_i[u, columns.index("h[dog]")]
        if on_cat <= 0 < on_dog:
            return "wrong_subject_column"
        return "free_slot" if on_cat <= 0 and on_dog <= 0 else "pen_leaks"
    if np.any(v["cat_awake"] > LEAK_AT_MOST + ROUNDING):
        return "awake_sign"
    if np.any(np.abs(v["cat_awake"]) <= LEAK_AT_MOST):
        return "awake_missing"
    if np.any(v["cat_sleeping"] < WRITE_AT_LEAST - ROUNDING) or np.any(v["cat_awake"] > ROUNDING - WRITE_AT_LEAST):
        return "pen_too_weak"
    return "pen_leaks"        # something written at 'the', 'was', '.' or a subject word


def check_cat_sleep_slot(cat_sleep_slot: Callable) -> CheckResult:
    """Check notebook 05's design ``cat_sleep_slot(W_i, b_i, W_C, b_C, units, columns) -> (W_i, b_i, W_C, b_C)`` on
    the exercise's sentences (:func:`cat_sleep_slot_sentences`); the message names the first word where it fails."""
    item = "cat_sleep_slot"
    require_callable(cat_sleep_slot, item)
    names = ("W_i", "b_i", "W_C", "b_C")
    *given, units, columns = cat_sleep_slot_inputs()
    try:
        out = call(cat_sleep_slot, *given, list(units), list(columns))
    except Raised as r:
        return exception_result(item, r.exc)
    arrays = as_arrays(out, names)
    if isinstance(arrays, str):
        return result(item, "wrong_type", arrays + " Return (W_i, b_i, W_C, b_C).")
    for name, want in zip(names, given):
        if arrays[name].shape != want.shape:
            return result(item, "wrong_shape", f"{name} has shape {arrays[name].shape}, expected {want.shape}.")
        if not np.all(np.isfinite(arrays[name])):
            return result(item, "not_finite")
    v = cat_sleep_slot_verdict(*(arrays[n] for n in names), cat_sleep_slot_sentences())
    if v["passed"]:
        return result(item, None, f"At the cat's news the pen writes {v['cat_sleeping'].min():+.3f} ('sleeping') and "
                                  f"{v['cat_awake'].max():+.3f} ('awake'); elsewhere at most "
                                  f"{np.abs(np.concatenate([v['dog_news'], v['other']])).max():.3f} in size.", **v)
    mistake = _slot_mistake(*(arrays[n] for n in names), v, units, columns)
    leaking = mistake in ("free_slot", "wrong_subject_column", "pen_leaks")
    return result(item, mistake, _first_failure(v, "leak" if leaking else "write"), **v)
