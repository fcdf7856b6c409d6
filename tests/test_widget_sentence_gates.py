"""The widget of notebook 08: per-unit heatmaps of f_t, i_t, o_t and tanh(C_t) for any sentence."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import sentence_corpus as sc
from lstm_helpers.widgets.sentence_gates import (EXAMPLES, MAX_WORDS, PANELS, SentenceGatesView, bench_cases,
                                                 sentence_gates_widget)
from widget_testing import assert_control_redraws, assert_view_contract, controls, image

H = 6


@pytest.fixture(scope="module")
def model():
    return sc.make_model(H, seed=2)


def _expected(view, key):
    return np.tanh(view.trace["C_t"]) if key == "tanh_C_t" else view.trace[key]


def test_view_follows_the_widget_contract(model):
    v = SentenceGatesView(model)
    assert_view_contract(v, {"sentence"})
    assert [ax.get_title() for ax in v.axes] == [title for _, title in PANELS]


def test_default_shows_the_slide_sentence_unit_by_unit(model):
    v = SentenceGatesView(model, units=[4, 1])
    words = sc.tokenize(sc.SLIDE_TEXT)
    assert v.words == words and v.message is None
    order = [4, 1, 0, 2, 3, 5]
    ref = sc.trace(model, words)
    T = len(words)
    for key, _ in PANELS:
        data = np.asarray(v.images[key].get_array())
        assert data.shape == (H, MAX_WORDS)
        values = np.tanh(ref["C_t"]) if key == "tanh_C_t" else ref[key]
        np.testing.assert_allclose(data[:, :T], values[:, order].T, atol=1e-12)
        assert np.all(data[:, T:] == v.pad[key])                       # padding, below the colour range
        assert np.all(data[:, T:] < v.images[key].norm.vmin)
        assert tuple(v.images[key].cmap.get_under()) != tuple(v.images[key].cmap(0.0))   # grey, not a data colour
    assert [t.get_text() for t in v.word_texts[:T]] == words
    assert all(t.get_text() == "" for t in v.word_texts[T:])
    labels = [t.get_text() for t in v.axes[0].get_yticklabels()]
    assert labels[:2] == ["u4 subj", "u1 subj"] and labels[2] == "u0"


def test_a_new_sentence_changes_size_and_words(model):
    v = SentenceGatesView(model)
    v.update(sentence="the DOG was tired and barking.")
    assert v.words == ["The", "dog", "was", "tired", "and", "barking", "."]
    data = np.asarray(v.images["f_t"].get_array())
    np.testing.assert_allclose(data[:, :7], sc.trace(model, v.words)["f_t"].T, atol=1e-12)
    assert np.all(data[:, 7:] == v.pad["f_t"])
    assert [t.get_text() for t in v.word_texts[:8]] == v.words + [""]


def test_unknown_words_give_a_clear_message_and_an_empty_picture(model):
    v = SentenceGatesView(model)
    v.update(sentence="The unicorn was hungry, really.")
    assert v.trace is None and v.words == []
    assert "'unicorn'" in v.message and "','" in v.message and "'really'" in v.message
    assert v.note.get_visible() and v.note.get_text() == v.message
    for key, _ in PANELS:
        assert np.all(np.asarray(v.images[key].get_array()) == v.pad[key])
    v.update(sentence=sc.SLIDE_TEXT)                                   # and back
    assert v.message is None and not v.note.get_visible()


def test_empty_text_asks_for_a_sentence(model):
    v = SentenceGatesView(model)
    v.update(sentence="   ")
    assert v.trace is None and "Type a sentence" in v.message


def test_long_text_shows_the_first_words_and_says_so(model):
    v = SentenceGatesView(model)
    text = " ".join(["The cat was hungry ."] * 5)                     # 25 words
    v.update(sentence=text)
    assert v.words == sc.tokenize(text)[:MAX_WORDS]
    assert v.message == f"Showing the first {MAX_WORDS} of 25 words." and v.note.get_visible()
    np.testing.assert_allclose(np.asarray(v.images["o_t"].get_array()),
                               sc.trace(model, v.words)["o_t"].T, atol=1e-12)


def test_bad_arguments(model):
    v = SentenceGatesView(model)
    with pytest.raises(TypeError, match="'words'"):
        v.update(words="The cat")
    with pytest.raises(TypeError, match="'sentence'"):
        v.update(sentence=3)
    with pytest.raises(TypeError, match="'model'"):
        SentenceGatesView("model")
    with pytest.raises(ValueError, match="'units'"):
        SentenceGatesView(model, units=[H])


def test_widget_redraws_when_the_sentence_changes(model):
    import ipywidgets as W

    box = sentence_gates_widget(model, units=[0])
    (combo,) = controls(box)
    image(box)                                   # exactly one image
    assert isinstance(combo, W.Combobox) and set(combo.options) == set(EXAMPLES) and not combo.ensure_option
    assert_control_redraws(box, combo, EXAMPLES[2], "sentence")
    combo.value = "The unicorn"
    assert "'unicorn'" in box.view.message


def test_examples_use_only_known_words():
    for text in EXAMPLES:
        assert sc.unknown_words(sc.tokenize(text)) == [], text
        assert len(sc.tokenize(text)) <= MAX_WORDS


def test_bench_cases_cover_examples_and_edge_cases():
    (_, view, sweep), = bench_cases()
    texts = [kw["sentence"] for kw in sweep]
    assert set(EXAMPLES) <= set(texts) and "" in texts
    assert any(sc.unknown_words(sc.tokenize(t)) for t in texts)
    assert any(len(sc.tokenize(t)) > MAX_WORDS for t in texts)
    assert any(len(sc.tokenize(t)) == MAX_WORDS for t in texts)
