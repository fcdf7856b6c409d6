"""The design exercises of notebooks 04 and 05 (lstm_helpers.selfcheck.gate_designs): the learner sets weights,
the check runs sentences through the cell and names the first word where it misbehaves; the grader's re-check
(grading/recheck_items.py) runs the design through its own cell on secret sentences too.

The notebook answers and their mutants (tests/mutants/period_eraser, tests/mutants/cat_sleep_slot) are run by
tests/test_selfcheck.py and tests/test_grading_isolation.py; here the checks are tested on designs written
out below."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from grading_helpers import GRADING
from lstm_helpers import selfcheck
from lstm_helpers.lessons import context_gates as cg
from lstm_helpers.selfcheck import gate_designs as gd

sys.path.insert(0, str(GRADING))
import recheck_items  # noqa: E402


def eraser(b: float, w_period: float, extra: dict | None = None):
    """A period_eraser answer: the cat unit's bias ``b``, weight ``w_period`` from x['.'], and ``extra``
    {column label: weight}."""
    def period_eraser(W_f, b_f, units, columns):
        cat = units.index("cat")
        b_f[cat] = b
        W_f[cat, columns.index("x[.]")] = w_period
        for label, w in (extra or {}).items():
            W_f[cat, columns.index(label)] = w
        return W_f, b_f
    return period_eraser


def slot(b: float = -12.0, w_word: float = 8.0, w_cat: float = 10.0, awake: float = -3.0):
    """A cat_sleep_slot answer with the pen's bias, word weight and h[cat] weight, and the candidate at 'awake'."""
    def cat_sleep_slot(W_i, b_i, W_C, b_C, units, columns):
        u = units.index("cat_sleeps")
        b_i[u] = b
        W_i[u, columns.index("x[sleeping]")] = W_i[u, columns.index("x[awake]")] = w_word
        W_i[u, columns.index("h[cat]")] = w_cat
        W_C[u, columns.index("x[sleeping]")], W_C[u, columns.index("x[awake]")] = 3.0, awake
        return W_i, b_i, W_C, b_C
    return cat_sleep_slot


def test_the_checks_are_registered_with_their_diagnoses():
    assert selfcheck.CHECKS["period_eraser"] is gd.check_period_eraser
    assert selfcheck.CHECKS["cat_sleep_slot"] is gd.check_cat_sleep_slot
    assert set(gd.DESIGN_MISTAKES) <= set(selfcheck.MISTAKES)


def test_a_good_eraser_passes_and_the_limits_are_the_exercise():
    res = gd.check_period_eraser(eraser(8.0, -12.0))
    assert res.passed, res.message
    assert res.details["kept_min"] == pytest.approx(float(1 / (1 + np.exp(-8.0))) ** 100, rel=1e-9)
    # on the limits: f^100 = 0.9 exactly at rest, σ(b + w) = 0.05 exactly at '.'
    f = 0.9 ** (1 / gd.KEEP_WORDS)
    b = float(np.log(f / (1 - f)))
    assert gd.check_period_eraser(eraser(b, float(np.log(0.05 / 0.95)) - b)).passed
    assert not gd.check_period_eraser(eraser(b - 0.01, -20.0)).passed
    assert not gd.check_period_eraser(eraser(8.0, float(np.log(0.05 / 0.95)) - 8.0 + 0.01)).passed


@pytest.mark.parametrize("design,mistake,word", [
    (eraser(0.0, -12.0), "bias_missing", "'was'"),
    (eraser(np.log(9.0), -8.0), "loss_per_step", "'was'"),
    (eraser(3.0, -8.0), "loss_per_step", "'was'"),                           # the slides' σ(3): 95 % a word
    (eraser(8.0, 0.0, {"x[the]": -12.0}), "erases_wrong_word", "'the'"),
    (eraser(-2.0, -12.0), "rests_at_erase", "'was'"),
    (eraser(8.0, -6.0), "period_not_erased", "'.'"),
    (eraser(8.0, 12.0), "period_weight_positive", "'.'"),
    (eraser(8.0, 0.0, {"h[ended]": -16.0}), "erases_one_step_late", "'.'"),
])
def test_eraser_mistakes_are_named_with_the_failing_word(design, mistake, word):
    res = gd.check_period_eraser(design)
    assert not res.passed and res.mistake == mistake, res.message
    assert f"at {word}" in res.message and selfcheck.MISTAKES[mistake] in res.message


def test_a_good_slot_passes_and_each_mistake_is_named():
    res = gd.check_cat_sleep_slot(slot())
    assert res.passed, res.message
    assert res.details["cat_sleeping"].min() >= 0.8 and res.details["cat_awake"].max() <= -0.8
    cases = [(slot(b=-4.0, w_cat=0.0), "free_slot", "'The dog was sleeping .'"),
             (slot(b=-7.0), "pen_leaks", "'The dog was sleeping .'"),
             (slot(awake=3.0), "awake_sign", "'The cat was awake .'"),
             (slot(awake=0.0), "awake_missing", "'The cat was awake .'"),
             (slot(w_cat=4.0), "pen_too_weak", "'The cat was sleeping .'")]
    for design, mistake, sentence in cases:
        res = gd.check_cat_sleep_slot(design)
        assert not res.passed and res.mistake == mistake, (mistake, res.message)
        assert f"In {sentence}" in res.message


def test_wrong_returns_are_named():
    assert gd.check_period_eraser(lambda W_f, b_f, units, columns: W_f).mistake == "wrong_type"
    assert gd.check_period_eraser(lambda W_f, b_f, units, columns: (W_f.T, b_f)).mistake == "wrong_shape"
    assert gd.check_period_eraser(lambda W_f, b_f, units, columns: (W_f * np.nan, b_f)).mistake == "not_finite"
    assert gd.check_cat_sleep_slot(lambda *a: a[:3]).mistake == "wrong_type"

    def stub(*args):
        raise NotImplementedError()
    assert gd.check_period_eraser(stub).mistake == "not_implemented"
    assert gd.check_cat_sleep_slot(stub).mistake == "not_implemented"
    with pytest.raises(TypeError, match="period_eraser"):
        gd.check_period_eraser(3.0)


def test_the_design_gets_copies_and_only_its_row_counts():
    W_f, b_f, units, columns = gd.period_eraser_inputs()
    assert W_f.shape == (3, 11) and units == list(cg.ERASER_UNITS) and columns == list(cg.eraser_cell().columns)
    assert not W_f[units.index("cat")].any() and b_f[units.index("cat")] == 0

    def also_other_rows(W_f, b_f, units, columns):
        W_f, b_f = eraser(8.0, -12.0)(W_f, b_f, units, columns)
        W_f[units.index("ended")] = 50.0                   # not the cat's row: the grader's cell ignores it
        return W_f, b_f
    assert gd.check_period_eraser(also_other_rows).passed


def test_secret_sentences_vary_and_have_the_exercise_form():
    a, b = gd.period_eraser_secret(np.random.default_rng(1)), gd.period_eraser_secret(np.random.default_rng(2))
    assert a != b
    for words in a + b:
        t_cat = max(k for k, w in enumerate(words) if w == "cat")
        assert words[-1] == "." and 20 <= len(words) - t_cat - 2 <= gd.KEEP_WORDS
        assert set(words[t_cat + 1:-1]) <= set(gd.FILLERS)
    stories = gd.cat_sleep_slot_secret(np.random.default_rng(3))
    assert stories != gd.cat_sleep_slot_secret(np.random.default_rng(4))
    for words in stories:
        assert len(words) % 5 == 0 and 2 <= len(words) // 5 <= 6
        for k in range(0, len(words), 5):
            assert words[k] == "The" and words[k + 1] in ("cat", "dog") and words[k + 3] in gd.STATE_WORDS


def test_secret_sentences_catch_a_design_that_only_fits_the_shown_ones():
    """Erasing 0.4 % at 'saw' passes the two shown sentences (20 'saw's in the mixed one) but not a sentence
    with more 'saw's: the grader's secret sentences are drawn from all the filler words."""
    design = eraser(9.0, -14.0, {"x[saw]": -3.45})
    assert gd.check_period_eraser(design).passed
    many = [("The", "cat") + ("saw",) * 60 + (".",)]
    W_f, b_f = design(*gd.period_eraser_inputs())
    v = gd.period_eraser_verdict(W_f, b_f, many)
    assert not v["passed"] and "at 'saw'" in v["failures"][0]


def _judge(item, design, seed=0):
    spec = recheck_items.ITEMS[item]
    probes = spec.probes(np.random.default_rng(seed))
    out = design(*probes[0])
    arrays = {f"p0_{n}": np.asarray(v, dtype=float) for n, v in zip(spec.outputs["names"], out)}
    return recheck_items.compare_function(spec, probes, arrays)


def test_the_grader_judges_on_its_own_cell_and_secret_sentences():
    for seed in range(20):
        ok, why = _judge("period_eraser", eraser(8.0, -12.0), seed)
        assert ok and "right on 3 secret sentences" in why, why
        ok, why = _judge("cat_sleep_slot", slot(), seed)
        assert ok and "right on 3 secret sentences" in why, why
    ok, why = _judge("period_eraser", eraser(8.0, -6.0))
    assert not ok and "grader's own cell on the exercise's sentences" in why and "at '.'" in why
    spec = recheck_items.ITEMS["period_eraser"]
    probes = spec.probes(np.random.default_rng(0))
    probes.secret = [("The", "cat") + ("saw",) * 60 + (".",)]
    W_f, b_f = eraser(9.0, -14.0, {"x[saw]": -3.45})(*probes[0])
    ok, why = spec.extra["judge"](probes, {"p0_W_f": W_f, "p0_b_f": b_f})
    assert not ok and "on a secret sentence" in why
    ok, why = spec.extra["judge"](probes, {"p0_W_f": W_f[:2], "p0_b_f": b_f})
    assert not ok and "W_f has shape (2, 11)" in why
