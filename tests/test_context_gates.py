"""lstm_helpers.lessons.context_gates: hand-wired cells whose gates read h_{t-1} (notebooks 04 and 05)."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.lessons import context_gates as cg


def test_encoding_ignores_capitals_and_names_unknown_words():
    cell = cg.eraser_cell()
    X = cell.encode("The cat saw the dog .")
    assert X.shape == (6, cell.D)
    np.testing.assert_array_equal(X.sum(axis=1), 1.0)
    np.testing.assert_array_equal(X[0], X[3])                       # "The" and "the" are one word
    np.testing.assert_array_equal(cell.encode(["The", "cat"]), X[:2])
    assert cell.split("The cat .") == ("The", "cat", ".")
    with pytest.raises(ValueError, match="'word'.*'bird'"):
        cell.encode("The bird")
    with pytest.raises(ValueError, match="no words"):
        cell.encode("   ")
    with pytest.raises(TypeError, match="'sentence'"):
        cell.encode(3)


def test_rows_and_columns_follow_h_then_x():
    cell = cg.eraser_cell()
    assert cell.columns[:cell.H] == ("h[cat]", "h[dog]", "h[ended]")
    assert cell.column(h_unit="ended") == 2
    assert cell.column(".") == cell.columns.index("x[.]") == cell.H + cell.D - 1
    assert cell.column("The") == cell.column("the")
    assert cell.row("cat") == 0
    rows, cols = cell.indices()
    assert rows == {"cat": 0, "dog": 1, "ended": 2} and cols["x[dog]"] == cell.column("dog")
    with pytest.raises(TypeError):
        cell.column("dog", h_unit="cat")
    with pytest.raises(ValueError, match="'unit'"):
        cell.row("bird")


def test_run_is_the_slide_equations_step_by_step():
    """Every step of ContextCell.run equals lh.gates.lstm_step on the state the run carried in."""
    for cell, sentence in ((cg.eraser_cell(), cg.ERASER_STORY), (cg.slot_cell(), "The dog was sleeping .")):
        p, X = cell.params(), cell.encode(sentence)
        tr = cell.run(sentence)
        h, C = np.zeros(cell.H), np.zeros(cell.H)
        for t in range(X.shape[0]):
            np.testing.assert_array_equal(tr["h_prev"][t], h)
            out = lh.gates.lstm_step(h, C, X[t], p)
            for k in ("f_t", "i_t", "C_tilde_t", "C_t", "o_t", "h_t"):
                np.testing.assert_allclose(tr[k][t], out[k], rtol=0, atol=1e-12)
            h, C = out["h_t"], out["C_t"]
        np.testing.assert_allclose(tr["C_t"], tr["kept"] + tr["written"], rtol=0, atol=1e-12)


def test_the_same_word_dog_gets_two_decisions():
    d = cg.eraser_decisions()
    obj, new = cg.T_OBJECT_DOG, cg.T_SUBJECT_DOG
    assert cg.ERASER_STORY[obj] == cg.ERASER_STORY[new] == "dog"
    assert d["x_part"][obj] == d["x_part"][new] == cg.NEW_SUBJECT_WEIGHT      # the word is the same
    assert d["h_ended"][obj] < 0.05 < 0.5 < d["h_ended"][new]                 # the context is not
    assert d["f_t"][obj] > 0.9 and d["f_t"][new] < 0.1
    np.testing.assert_allclose(d["z"], d["x_part"] + d["h_part"] + d["b"])
    np.testing.assert_allclose(d["f_t"], lh.sigmoid(d["z"]), rtol=0, atol=1e-12)
    # the cat note survives the object and is erased by the new subject
    assert d["C_cat"][new - 1] > 0.8 and d["C_cat"][new] < 0.1


def test_without_the_context_weight_both_dogs_are_treated_alike():
    d = cg.eraser_decisions(cg.eraser_cell(w_h=0.0))
    assert d["f_t"][cg.T_OBJECT_DOG] == pytest.approx(d["f_t"][cg.T_SUBJECT_DOG], abs=1e-12)
    word_only = cg.eraser_decisions(cg.eraser_cell(w_h=0.0, w_x=-12.0))  # a word look-up strong enough to erase
    assert word_only["f_t"][cg.T_OBJECT_DOG] < 0.1                        # erases the cat at the object too


def test_ended_unit_is_written_at_the_period_and_cleared_by_the_next_subject():
    cell = cg.eraser_cell()
    tr = cell.run("The cat was hungry . The dog")
    e = cell.row("ended")
    assert tr["C_t"][3, e] == 0 and tr["C_t"][4, e] > 0.9 and tr["C_t"][5, e] > 0.85 and tr["C_t"][6, e] < 0.1


def test_the_pen_writes_sleeping_where_the_dog_is():
    dog_sentence, cat_sentence = cg.slot_decisions()
    t = cg.T_SLEEPING
    assert dog_sentence["written"][t] > 0.9 and cat_sentence["written"][t] < 0.05
    assert np.all(np.abs(dog_sentence["written"][:t]) < 1e-12)
    np.testing.assert_allclose(dog_sentence["i_t"], lh.sigmoid(dog_sentence["z"]), rtol=0, atol=1e-12)
    # a pen that reads only the word writes into the dog's slot whoever sleeps
    free = cg.slot_decisions(cg.free_slot_cell())
    assert free[0]["written"][t] > 0.9 and free[1]["written"][t] > 0.9
    # a cross weight from h[cat] lets the cat's sleep into the dog's slot
    cross = cg.slot_decisions(cg.slot_cell(w_cross=cg.SLOT_PEN_SUBJECT))
    assert cross[1]["written"][t] > 0.9


def test_the_cat_slot_is_left_for_the_exercise():
    cell = cg.slot_cell()
    u = cell.row("cat_sleeps")
    p = cell.params()
    assert not p["W_i"][u].any() and not p["W_C"][u].any() and p["b_i"][u] == 0 and p["b_C"][u] == 0
    tr = cell.run("The cat was sleeping . The cat was awake .")
    assert np.all(tr["written"][:, u] == 0)


def test_weights_table_lists_the_nonzero_entries():
    table = cg.eraser_cell().weights_table("W_f", rows=["cat"])
    assert table == [("cat", "h[ended]", cg.ENDED_WEIGHT), ("cat", "x[dog]", cg.NEW_SUBJECT_WEIGHT)]
    assert cg.eraser_cell().weights_table("b_f", rows=["cat"]) == [("cat", "bias", cg.SUBJECT_KEEP_BIAS)]


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="'w_h'"):
        cg.eraser_cell(w_h="big")
    with pytest.raises(ValueError, match="'b'"):
        cg.slot_cell(b=np.inf)
    with pytest.raises(TypeError, match="'cell'"):
        cg.eraser_decisions(cg.slot_cell())
    with pytest.raises(TypeError, match="'cell'"):
        cg.slot_decisions(cg.eraser_cell())
    cell = cg.eraser_cell()
    with pytest.raises(ValueError, match="lacks W_o"):
        cell.run("The cat", {k: v for k, v in cell.params().items() if k != "W_o"})
    with pytest.raises(ValueError, match=r"params\['W_f'\]"):
        cell.run("The cat", {**cell.params(), "W_f": np.zeros((3, 3))})


def test_one_colour_per_unit():
    assert len(set(cg.UNIT_COLORS.values())) == len(cg.UNIT_COLORS)
    assert set(cg.ERASER_UNITS) | set(cg.SLOT_UNITS) | set(lh.toy_sentences.UNITS) <= set(cg.UNIT_COLORS)
