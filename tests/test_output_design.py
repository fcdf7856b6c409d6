"""Notebook 06's design exercise: the language and its rules (lstm_helpers.lessons.output_design), the self-check
(lstm_helpers.selfcheck.output_design) and the grader's verdict, also through the isolated re-check.

The mutants in tests/mutants/output_gate_design/ are run by tests/test_selfcheck.py (each is named by the
self-check and loses the points) and tests/test_grading_isolation.py (each fails the grader's comparison)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import lstm_helpers as lh
from grading_helpers import GRADING, NOTEBOOKS, ROOT, solution
from lstm_helpers import selfcheck
from lstm_helpers import toy_sentences as ts
from lstm_helpers.lessons import output_design as od

NB06 = NOTEBOOKS / "06_output_gate.ipynb"
U = {u: ts.unit_index(u) for u in ts.UNITS}


def _design(bias=-4.0, at_verb=8.0, at_and=8.0):
    """The reference's shape of design: hidden by default, 'was' opens the subjects, 'and' opens every unit."""
    W_o, b_o = np.zeros((ts.H, ts.H + ts.D)), np.full(ts.H, bias)
    for u in ts.SUBJECT_UNITS:
        W_o[U[u], ts.column("was")] = at_verb
    W_o[:, ts.column("and")] = at_and
    return W_o, b_o


# ----------------------------------------------------------------------------- the language and the rules
def test_the_language_has_84_texts_ending_in_and_and_holds_the_notebooks_sentence():
    texts = od.texts()
    assert len(texts) == 4 + 16 + 64 == len(set(texts))
    assert [len(od.texts(k)) for k in (1, 2)] == [4, 20]
    assert all(w[-1] == "and" and len(w) % 5 == 0 and w.count("and") == 1 for w in texts)
    assert ts.SENTENCE in texts
    with pytest.raises(ValueError, match="'max_sentences'"):
        od.texts(0)


def test_rules_of_the_notebooks_sentence():
    shown, hidden = od.rules(ts.SENTENCE)
    t_was1, t_was2, t_and = 2, 7, 9
    assert shown.shape == hidden.shape == (len(ts.SENTENCE), ts.H)
    assert not (shown & hidden).any()
    assert set(zip(*np.nonzero(shown))) == {(t_was1, U["cat"]), (t_was2, U["dog"]), (t_and, U["dog"]),
                                            (t_and, U["sleeping"])}
    free = ~shown & ~hidden
    assert set(zip(*np.nonzero(free))) == {(t_was1, U["dog"]), (t_was2, U["cat"]), (t_and, U["cat"]),
                                           (t_and, U["hungry"])}
    assert hidden[[0, 1, 3, 4, 5, 6, 8]].all()                         # every other word: every unit hidden
    assert hidden[t_was1, [U["hungry"], U["sleeping"]]].all()
    with pytest.raises(ValueError, match="'words'"):
        od.rules(("The", "cat", "was"))
    with pytest.raises(ValueError, match="'bird'"):
        od.rules(("The", "bird", "was", "hungry", "and"))


def test_run_texts_is_the_hand_wired_cell_with_the_output_gate_replaced():
    p = ts.slide_weights()
    texts = od.texts(2)
    for words, tr in zip(texts, od.run_texts(p["W_o"], p["b_o"], texts)):
        ref = ts.run(ts.encode(words))
        for k in ("f_t", "i_t", "C_tilde_t", "C_t", "o_t", "h_t"):
            np.testing.assert_allclose(tr[k], ref[k], rtol=0, atol=1e-12)
    W_o, b_o = _design()
    other = od.run_texts(W_o, b_o, [ts.SENTENCE])[0]
    np.testing.assert_array_equal(other["C_t"], ts.run(ts.encode(ts.SENTENCE))["C_t"])   # o_t never changes C_t
    np.testing.assert_allclose(other["h_t"], other["o_t"] * np.tanh(other["C_t"]), rtol=1e-12)


def test_the_reference_design_keeps_every_rule_with_margin_and_the_slides_gate_does_not():
    W_o, b_o = selfcheck.output_gate_design_reference()
    assert od.find_violations(W_o, b_o) == []
    for words, tr in zip(od.texts(), od.run_texts(W_o, b_o)):
        shown, hidden = od.rules(words)
        assert np.abs(tr["h_t"])[shown].min() > od.SHOWN + 0.1
        assert np.abs(tr["h_t"])[hidden].max() < od.HIDDEN / 2
    p = ts.slide_weights()
    broken = od.find_violations(p["W_o"], p["b_o"], [ts.SENTENCE])
    assert (broken[0].t, broken[0].unit, broken[0].rule) == (1, "cat", "hidden")    # σ(0) shows half of 'cat' at 'cat'


def test_violations_name_the_word_the_unit_and_the_rule():
    W_o, b_o = _design(at_verb=0.0)                                  # the verb no longer shows the subject
    found = od.find_violations(W_o, b_o, [ts.SENTENCE])
    assert [(v.t, v.unit, v.rule) for v in found] == [(2, "cat", "shown"), (7, "dog", "shown")]
    v = found[0]
    assert v.words == ts.SENTENCE and abs(v.h) < od.SHOWN
    assert od.text_violations(ts.SENTENCE, np.zeros((10, ts.H)))[0].rule == "shown"


def test_h_key_judges_the_design_as_if_h_were_o_times_C():
    W_o, b_o = _design(at_verb=4.4, at_and=4.4)                      # o_t ≈ 0.6: 0.6 × C ≥ 0.5, 0.6 × tanh(C) < 0.5
    assert od.find_violations(W_o, b_o)
    assert od.find_violations(W_o, b_o, h_key="o_t*C_t") == []
    with pytest.raises(ValueError, match="'h_key'"):
        od.find_violations(W_o, b_o, h_key="C_t")


def test_design_params_checks_shapes_and_takes_whole_numbers():
    W_o, b_o = _design()
    p = od.design_params(W_o.astype(int), [-4, -4, -4, -4])
    assert p["W_o"].dtype == np.float64 and p["b_o"].dtype == np.float64
    np.testing.assert_array_equal(p["W_o"], W_o)
    for k in ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C"):
        np.testing.assert_array_equal(p[k], ts.slide_weights()[k])
    with pytest.raises(ValueError, match="'W_o'"):
        od.design_params(W_o.T, b_o)
    with pytest.raises(ValueError, match="'b_o'"):
        od.design_params(W_o, b_o[:3])
    for bad in ("The cat was hungry and", 3, []):
        with pytest.raises(TypeError, match="'text_list'"):
            od.find_violations(W_o, b_o, bad)


# ----------------------------------------------------------------------------- the self-check and the verdict
def test_the_check_passes_a_design_written_differently():
    def output_gate_design():
        W_o, b_o = _design(bias=-3, at_verb=6, at_and=7)
        return W_o.astype(int), b_o.astype(int)
    check = selfcheck.check_output_gate_design(output_gate_design)
    assert check.passed and check.mistake is None, check.message
    assert "84 texts" in check.message


def test_a_failing_design_is_named_by_its_first_broken_word():
    check = selfcheck.check_output_gate_design(lambda: _design(at_verb=0.0))
    assert not check.passed and check.mistake == "unknown"
    assert "at 'was' (word 3 of 5)" in check.message and "|h_t[cat]|" in check.message
    assert "o_t[cat] = 0.018" in check.message and "must be at least 0.5 (shown)" in check.message
    check = selfcheck.check_output_gate_design(lambda: (np.zeros((4, 12)), np.zeros(4)))
    assert check.mistake == "bias_missing" and "must be below 0.1 (hidden)" in check.message
    assert selfcheck.check_output_gate_design(lambda: (np.zeros((4, 11)), np.zeros(4))).mistake == "wrong_shape"
    assert selfcheck.check_output_gate_design(lambda: np.zeros((4, 12))).mistake == "wrong_type"
    assert selfcheck.check_output_gate_design(lambda: (np.full((4, 12), np.nan), np.zeros(4))).mistake == "not_finite"


def test_the_verdict_judges_the_behaviour():
    ok, why = selfcheck.output_gate_design_verdict(*_design(bias=-5, at_verb=9, at_and=9))
    assert ok and "right on all 84 texts" in why
    ok, why = selfcheck.output_gate_design_verdict(*_design(at_and=0.0))
    assert not ok and "at 'and' (word 5)" in why and "at least 0.5 (shown)" in why
    assert not selfcheck.output_gate_design_verdict(np.zeros((12, 4)), np.zeros(4))[0]
    assert selfcheck.output_gate_design_verdict(None, np.zeros(4)) == (False, "no result W_o")


# ----------------------------------------------------------------------------- the isolated re-check (root)
sys.path.insert(0, str(GRADING))
import recheck_items  # noqa: E402
import sandbox  # noqa: E402


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    base = tmp_path_factory.mktemp("sandbox")
    os.chmod(base, 0o700)
    (base / "jail").mkdir()
    p = sandbox.ZygotePool(1, root=str(base / "jail"), data_dir=str(ROOT / "data"), ids=sandbox.sandbox_ids(2)[1:])
    yield p
    p.close()


@pytest.mark.skipif(sandbox.tier() != "root", reason="the sandbox isolates only when grading runs as root")
def test_the_recheck_runs_the_returned_design_through_the_graders_cell(pool):
    import nbformat
    import recheck

    spec, src_nb = recheck_items.ITEMS["output_gate_design"], nbformat.read(str(NB06), as_version=4)
    right = solution(NB06, "output_gate_design")
    lazy = right.replace("b_o[:] = -4.0", "b_o[:] = 0.0")
    cheat = "def output_gate_design():\n    return lh.selfcheck.output_gate_design_reference()\n"
    for src, want, says in ((right, True, "right on all 84 texts"), (lazy, False, "below 0.1 (hidden)"),
                            (cheat, False, "output_gate_design_reference")):
        job, probes, _ = recheck.IsolatedRecheck()._job(spec, "output_gate_design", src_nb,
                                                        {"output_gate_design": src}, "s", NB06.stem)
        passed, why = recheck.IsolatedRecheck()._verdict(spec, "output_gate_design", probes, None,
                                                         pool.run([job])[0])
        assert passed == want, why
        assert says in why, why
    assert lh.selfcheck.check_output_gate_design is selfcheck.CHECKS["output_gate_design"]
