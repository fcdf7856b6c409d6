"""The hand-wired LSTM of the slides' example "The cat was hungry. The dog was sleeping and …"."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import toy_sentences as ts

T_DOG = ts.SENTENCE.index("dog")
T_AND = ts.SENTENCE.index("and")
T_SLEEPING = ts.SENTENCE.index("sleeping")
U = {u: ts.unit_index(u) for u in ts.UNITS}


@pytest.fixture
def trace():
    return ts.lstm_trace(ts.hand_wired_lstm(), ts.encode(ts.SENTENCE))


def test_inputs_are_one_hot_words():
    X = ts.encode(ts.SENTENCE)
    assert X.shape == (len(ts.SENTENCE), ts.D)
    np.testing.assert_array_equal(X.sum(axis=1), 1.0)
    for t, w in enumerate(ts.SENTENCE):
        assert X[t, ts.VOCAB.index(w)] == 1.0
        np.testing.assert_array_equal(ts.word_vector(w), X[t])
    with pytest.raises(ValueError, match="'word'.*'bird'"):
        ts.word_vector("bird")
    with pytest.raises(TypeError, match="'words'"):
        ts.encode("The cat")


def test_columns_follow_the_order_h_then_x():
    assert ts.column(h_unit="cat") == 0
    assert ts.column("The") == ts.H
    assert ts.COLUMNS[ts.column("dog")] == "x[dog]"
    assert ts.COLUMNS[ts.column(h_unit="sleeping")] == "h[sleeping]"
    with pytest.raises(TypeError):
        ts.column("dog", h_unit="cat")


def test_hand_wired_lstm_carries_the_slide_weights():
    p = ts.slide_weights()
    got = ts.hand_wired_lstm().gate_weights()
    for k, v in p.items():
        np.testing.assert_array_equal(got[k], v, err_msg=k)
        assert v.shape == ((ts.H, ts.H + ts.D) if k[0] == "W" else (ts.H,))
    # every gate reads only the current word: the h_{t-1} columns are zero
    for k in ("W_f", "W_i", "W_C", "W_o"):
        np.testing.assert_array_equal(p[k][:, :ts.H], 0.0)
    # slide_weights() returns fresh copies
    p["W_f"][:] = 1.0
    assert not np.any(ts.slide_weights()["W_f"] == 1.0)


def test_forget_gate_takes_the_slides_illustrative_values_at_dog(trace):
    f = trace["f_t"][T_DOG]
    assert f[U["cat"]] == pytest.approx(ts.SLIDE_FORGET_AT_NEW_SUBJECT["subject"], abs=1e-12)
    assert f[U["hungry"]] == pytest.approx(ts.SLIDE_FORGET_AT_NEW_SUBJECT["state"], abs=1e-12)
    assert f[U["dog"]] == pytest.approx(float(lh.sigmoid(np.array(ts.KEEP_BIAS))), abs=1e-12)


def test_output_gate_takes_the_slides_illustrative_values_at_and(trace):
    o = trace["o_t"][T_AND]
    for unit, p in ts.SLIDE_OUTPUT_AT_AND.items():
        assert o[U[unit]] == pytest.approx(p, abs=1e-12), unit


def test_the_cat_is_erased_when_a_new_subject_arrives(trace):
    C = trace["C_t"][:, U["cat"]]
    assert C[T_DOG - 1] > 0.5, "the cat is in the notebook before 'dog'"
    assert C[T_DOG] / C[T_DOG - 1] == pytest.approx(ts.SLIDE_FORGET_AT_NEW_SUBJECT["subject"], rel=1e-9)
    assert trace["C_t"][T_DOG, U["dog"]] > 0.9
    # same subject again: nothing is erased, the cat note stays large
    same = ts.lstm_trace(ts.hand_wired_lstm(), ts.encode(ts.SAME_SUBJECT_SENTENCE))
    assert same["C_t"][T_DOG, U["cat"]] > 0.9
    assert same["f_t"][T_DOG, U["cat"]] > 0.9


def test_each_unit_is_written_only_by_its_own_word(trace):
    written = trace["i_t"] * trace["C_tilde_t"]
    for t, w in enumerate(ts.SENTENCE):
        for u in ts.UNITS:
            if w == u:
                assert written[t, U[u]] > 0.9
            else:
                assert abs(written[t, U[u]]) < 1e-12


def test_run_with_the_gate_functions_equals_the_engine(trace):
    out = ts.run(ts.encode(ts.SENTENCE))
    for k in ("f_t", "i_t", "C_tilde_t", "C_t", "o_t", "h_t"):
        np.testing.assert_allclose(out[k], trace[k], rtol=1e-12, atol=1e-15, err_msg=k)
    np.testing.assert_array_equal(out["C_prev"][1:], out["C_t"][:-1])
    np.testing.assert_array_equal(out["h_prev"][0], 0.0)


def test_output_override_changes_h_but_never_c():
    X = ts.encode(ts.SENTENCE)
    base = ts.run(X)
    hidden = ts.run(X, overrides={"o_t": {(T_SLEEPING, "sleeping"): 0.0, (T_AND, "dog"): 0.0}})
    np.testing.assert_array_equal(hidden["C_t"], base["C_t"])
    assert hidden["h_t"][T_SLEEPING, U["sleeping"]] == 0.0
    assert hidden["h_t"][T_AND, U["dog"]] == 0.0
    assert base["h_t"][T_AND, U["dog"]] > 0.5
    # the hidden 'sleeping' is still in the cell and shows again at 'and'
    np.testing.assert_allclose(hidden["h_t"][T_AND, U["sleeping"]], base["h_t"][T_AND, U["sleeping"]])


def test_input_override_controls_what_is_written():
    X = ts.encode(ts.SENTENCE)
    closed = ts.run(X, overrides={"i_t": {(T_SLEEPING, "sleeping"): 0.0}})
    np.testing.assert_array_equal(closed["C_t"][:, U["sleeping"]], 0.0)
    minus = ts.run(X, overrides={"C_tilde_t": {(T_SLEEPING, "sleeping"): -1.0}})
    assert minus["C_t"][T_SLEEPING, U["sleeping"]] < -0.9
    with pytest.raises(ValueError, match="<= 1"):
        ts.run(X, overrides={"i_t": {(0, "cat"): 1.5}})
    with pytest.raises(ValueError, match="'overrides key'"):
        ts.run(X, overrides={"C_t": {(0, "cat"): 0.5}})
    with pytest.raises(ValueError, match="time step"):
        ts.run(X, overrides={"o_t": {(len(ts.SENTENCE), "cat"): 0.5}})
    with pytest.raises(ValueError, match="'unit'"):
        ts.run(X, overrides={"o_t": {(0, "bird"): 0.5}})


def test_next_word_prediction_follows_what_h_shows(trace):
    h = trace["h_t"][T_AND]
    p = ts.next_word_probabilities(h)
    assert p.shape == (len(ts.NEXT_WORDS),)
    assert p.sum() == pytest.approx(1.0)
    assert ts.NEXT_WORDS[int(np.argmax(p))] == "snoring"
    # nothing shown -> no preference
    np.testing.assert_allclose(ts.next_word_probabilities(np.zeros(ts.H)), 1 / len(ts.NEXT_WORDS))
    # 'sleeping' hidden -> snoring and barking cannot be told apart
    h2 = h.copy()
    h2[U["sleeping"]] = 0.0
    q = ts.next_word_probabilities(h2)
    assert q[ts.NEXT_WORDS.index("snoring")] == pytest.approx(q[ts.NEXT_WORDS.index("barking")])
    # batched, and saturated inputs stay finite
    P = ts.next_word_probabilities(np.full((3, ts.H), 1e3))
    assert P.shape == (3, 4) and np.all(np.isfinite(P))
    with pytest.raises(ValueError, match="'h_t'"):
        ts.next_word_probabilities(np.zeros(3))


def test_readout_rows_are_the_documented_evidence():
    V, c = ts.readout_weights()
    assert V.shape == (len(ts.NEXT_WORDS), ts.H) and c.shape == (len(ts.NEXT_WORDS),)
    for k, word in enumerate(ts.NEXT_WORDS):
        nonzero = {ts.UNITS[j]: np.sign(V[k, j]) for j in np.flatnonzero(V[k])}
        assert nonzero == ts.READOUT_ROWS[word]


def test_params_are_checked():
    p = ts.slide_weights()
    p["W_o"] = p["W_o"][:, :5]
    with pytest.raises(ValueError, match=r"params\['W_o'\]"):
        ts.hand_wired_lstm(p)
    with pytest.raises(ValueError, match="lacks b_C"):
        ts.run(ts.encode(ts.SENTENCE), {k: v for k, v in ts.slide_weights().items() if k != "b_C"})


def test_format_table_aligns_labels():
    text = ts.format_table(np.eye(2), ["a", "bb"], ["x", "y"], "{:.1f}")
    lines = text.splitlines()
    assert len(lines) == 3 and "x" in lines[0] and lines[2].startswith("bb")
    assert len({len(line) for line in lines}) == 1


# ----------------------------------------------------------------------------- the widgets' experiments
def test_forget_trace_changes_only_the_cat_units_eraser(trace):
    default = ts.forget_trace(float(ts.slide_weights()["W_f"][U["cat"], ts.column("dog")]), ts.KEEP_BIAS, 1.0)
    for k in ("f_t", "C_t", "h_t"):
        np.testing.assert_allclose(default[k], trace[k], rtol=1e-12, atol=1e-15, err_msg=k)
    tr = ts.forget_trace(-2.0, 1.5, 0.4)
    z = -2.0 * 0.4 + 1.5                                   # the h_{t-1} columns of W_f are zero
    assert tr["f_t"][T_DOG, U["cat"]] == pytest.approx(float(lh.sigmoid(np.array(z))), abs=1e-12)
    assert tr["f_t"][0, U["cat"]] == pytest.approx(float(lh.sigmoid(np.array(1.5))), abs=1e-12)  # b at every word
    X = ts.encode(ts.SENTENCE)
    X[T_DOG] *= 0.4
    others = [U["dog"], U["hungry"], U["sleeping"]]          # the other rows keep the slide weights
    np.testing.assert_array_equal(tr["f_t"][:, others], ts.run(X)["f_t"][:, others])
    # x = 0: no 'dog' in the input, the eraser rests at σ(b) and the dog unit is barely written
    rest = ts.forget_trace(-10.0, 3.0, 0.0)
    assert rest["f_t"][T_DOG, U["cat"]] == pytest.approx(float(lh.sigmoid(np.array(3.0))), abs=1e-12)
    assert rest["C_t"][T_DOG, U["dog"]] < 0.05 < trace["C_t"][T_DOG, U["dog"]]


def test_input_trace_writes_the_chosen_pen_and_candidate(trace):
    t, u = T_SLEEPING, U["hungry"]
    tr = ts.input_trace(t, "hungry", 0.3, -1.0)
    assert tr["i_t"][t, u] == 0.3 and tr["C_tilde_t"][t, u] == -1.0
    assert tr["C_t"][t, u] == pytest.approx(tr["f_t"][t, u] * tr["C_prev"][t, u] + 0.3 * -1.0, abs=1e-15)
    assert tr["written"][t, u] == -0.3 and tr["kept"][t, u] == tr["f_t"][t, u] * tr["C_prev"][t, u]
    np.testing.assert_allclose(tr["kept"] + tr["written"], tr["C_t"], rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(tr["C_t"][:t], trace["C_t"][:t], rtol=1e-12, atol=1e-15)   # the past is untouched
    others = [k for k in range(ts.H) if k != u]
    np.testing.assert_allclose(tr["C_t"][:, others], trace["C_t"][:, others], rtol=1e-12, atol=1e-15)
    closed = ts.input_trace(T_SLEEPING, "sleeping", 0.0, 1.0)
    np.testing.assert_array_equal(closed["C_t"][:, U["sleeping"]], 0.0)   # its own word is the only writer


def test_output_trace_sets_the_highlighter_at_and_and_never_the_cell(trace):
    tr = ts.output_trace(0.2, 0.9, 0.6)
    np.testing.assert_allclose(tr["o_t"][T_AND], [0.6, 0.2, 0.6, 0.9])          # cat, dog, hungry, sleeping
    np.testing.assert_allclose(tr["C_t"], trace["C_t"], rtol=1e-12, atol=1e-15)   # o_t never changes C_t
    np.testing.assert_allclose(tr["h_t"][T_AND], tr["o_t"][T_AND] * np.tanh(tr["C_t"][T_AND]), rtol=1e-15)
    slides = ts.SLIDE_OUTPUT_AT_AND
    np.testing.assert_allclose(ts.output_trace(slides["dog"], slides["sleeping"], slides["cat"])["h_t"],
                               trace["h_t"], rtol=1e-12, atol=1e-15)
    kept = ts.output_trace(0.9, 0.7, 0.1, erased=False)
    keep = float(lh.sigmoid(np.array(ts.KEEP_BIAS)))
    for unit in ts.OLD_CONTEXT_UNITS:
        assert kept["f_t"][T_DOG, U[unit]] == pytest.approx(keep, abs=1e-15)
        # nothing is written to them after "dog" (C̃_t = 0 there), so C_t scales with that one gate
        ratio = keep / trace["f_t"][T_DOG, U[unit]]
        assert kept["C_t"][T_AND, U[unit]] == pytest.approx(ratio * trace["C_t"][T_AND, U[unit]], rel=1e-12)
        assert ratio > 4


@pytest.mark.parametrize("call,exc,name", [
    (lambda: ts.forget_trace("big", 0.0, 1.0), TypeError, "w"),
    (lambda: ts.forget_trace(0.0, np.nan, 1.0), ValueError, "b"),
    (lambda: ts.forget_trace(0.0, 0.0, 1.5), ValueError, "x"),
    (lambda: ts.input_trace(len(ts.SENTENCE), "cat", 0.5, 0.5), ValueError, "t"),
    (lambda: ts.input_trace(True, "cat", 0.5, 0.5), TypeError, "t"),
    (lambda: ts.input_trace(2.0, "cat", 0.5, 0.5), TypeError, "t"),
    (lambda: ts.input_trace(2, "bird", 0.5, 0.5), ValueError, "unit"),
    (lambda: ts.input_trace(2, "cat", 1.2, 0.5), ValueError, "i_t"),
    (lambda: ts.input_trace(2, "cat", 0.5, -1.5), ValueError, "C_tilde_t"),
    (lambda: ts.output_trace(-0.1, 0.5, 0.5), ValueError, "o_dog"),
    (lambda: ts.output_trace(0.5, None, 0.5), TypeError, "o_sleeping"),
    (lambda: ts.output_trace(0.5, 0.5, 2.0), ValueError, "o_old"),
    (lambda: ts.output_trace(0.5, 0.5, 0.5, "yes"), TypeError, "erased"),
])
def test_widget_experiments_check_their_arguments(call, exc, name):
    with pytest.raises(exc, match=rf"_trace\(\): argument '{name}'"):
        call()


def test_random_params_have_the_hand_wired_shapes_and_read_h():
    p, q = ts.random_params(1), ts.random_params(1)
    assert p.keys() == ts.slide_weights().keys()
    assert all(p[k].shape == ts.slide_weights()[k].shape and np.array_equal(p[k], q[k]) for k in p)
    assert not np.array_equal(p["W_f"], ts.random_params(2)["W_f"])
    assert np.abs(p["W_f"][:, :ts.H]).min() > 0                   # the h_{t-1} columns are not zero
    with pytest.raises(ValueError, match="'seed'"):
        ts.random_params(-1)


def test_hiding_effect_never_changes_the_notes_up_to_the_hidden_step():
    X = ts.encode(ts.SENTENCE)
    t = ts.SENTENCE.index("sleeping")
    wired = ts.hiding_effect(X, None, t, "sleeping")                # gates read only the word: nothing changes later
    assert wired == {"same_up_to_step": True, "change_up_to_step": 0.0, "later_change": 0.0}
    for seed in range(4):
        effect = ts.hiding_effect(X, ts.random_params(seed), t, "sleeping")
        assert effect["same_up_to_step"] is True
        base = ts.run(X, ts.random_params(seed))
        hidden = ts.run(X, ts.random_params(seed), overrides={"o_t": {(t, "sleeping"): 0.0}})
        assert effect["later_change"] == np.abs(hidden["C_t"][t + 1:] - base["C_t"][t + 1:]).max() > 0
    assert ts.hiding_effect(X, ts.random_params(0), len(ts.SENTENCE) - 1, "dog")["later_change"] == 0.0
    effect = ts.hiding_effect(X, ts.random_params(0), t, "sleeping")
    assert effect["change_up_to_step"] == 0.0 and effect["later_change"] > 0.0
    with pytest.raises(ValueError, match="'step'"):
        ts.hiding_effect(X, None, len(ts.SENTENCE), "dog")
    with pytest.raises(ValueError, match="'unit'"):
        ts.hiding_effect(X, None, 2, "bird")
    with pytest.raises(ValueError, match="'x'"):
        ts.hiding_effect(X[:, :3], None, 2, "dog")
