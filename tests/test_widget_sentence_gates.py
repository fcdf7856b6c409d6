"""The widget of notebook 08: per-unit heatmaps of f_t, i_t, o_t and tanh(C_t) for any sentence."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import sentence_corpus as sc
from lstm_helpers.widgets.sentence_gates import (EXAMPLES, MAX_WORDS, PANELS, SentenceGatesView, bench_cases,
                                                 sentence_gates_widget, word_label)
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
        assert data.shape == (MAX_WORDS, H)                            # row = word, column = unit
        values = np.tanh(ref["C_t"]) if key == "tanh_C_t" else ref[key]
        np.testing.assert_allclose(data[:T], values[:, order], atol=1e-12)
        assert np.all(data[T:] == v.pad[key])                          # padding, below the colour range
        assert np.all(data[T:] < v.images[key].norm.vmin)
        assert tuple(v.images[key].cmap.get_under()) != tuple(v.images[key].cmap(0.0))   # grey, not a data colour
    shown = [word_label(w) for w in words]
    assert shown[4] == '"."' and shown[0] == "The"
    assert v.word_labels == [shown] * len(PANELS)                      # the words beside every panel
    labels = [t.get_text() for t in v.axes[0].get_xticklabels()]
    assert labels[:2] == ["u4 subj", "u1 subj"] and labels[2] == "u0"


def _visible_rows(view, ax, key):
    """The data rows of ``key``'s mesh whose centres fall inside the axes (the words shown)."""
    im = view.images[key]
    centres = np.c_[np.zeros(MAX_WORDS), np.arange(MAX_WORDS)]
    y = (im.get_transform() - ax.transData).transform(centres)[:, 1]   # in the axes' data coordinates
    low, high = sorted(ax.get_ylim())
    return np.flatnonzero((y > low) & (y < high))


def test_only_real_words_fill_the_panels_and_the_axes_never_change(model):
    """No padding rows in view: the T rows of the words are stretched over the panel, and a new sentence is a
    blit (the axes' limits and ticks stay as they are)."""
    v = SentenceGatesView(model)
    v.render()
    limits = [(ax.get_xlim(), ax.get_ylim()) for ax in v.axes]
    for text in (sc.SLIDE_TEXT, "The cat was hungry.", "the"):
        v.update(sentence=text)
        T = len(v.words)
        for ax, (key, _) in zip(v.axes, PANELS):
            assert list(_visible_rows(v, ax, key)) == list(range(T)), text
        heights = sorted({round(t.get_position()[1], 9) for texts in v.word_texts for t in texts[:T]})
        np.testing.assert_allclose(heights, sorted(1 - (np.arange(T) + 0.5) / T))
        assert v._background is not None, "a new sentence must not force a full redraw"
        v.render()
    assert [(ax.get_xlim(), ax.get_ylim()) for ax in v.axes] == limits


def test_labels_are_readable_and_math_is_rendered(model):
    v = SentenceGatesView(model, units=[0])
    for ax in v.axes:
        assert all(t.get_fontsize() >= 8 for t in ax.get_xticklabels())
        assert "$" in ax.get_title()                                   # mathtext, not raw f_t
    assert all(t.get_fontsize() >= 8 for texts in v.word_texts for t in texts)
    assert len(v.alt) >= 30 and "different words" in v.alt


def test_a_new_sentence_changes_size_and_words(model):
    v = SentenceGatesView(model)
    v.update(sentence="the DOG was tired and barking.")
    assert v.words == ["The", "dog", "was", "tired", "and", "barking", "."]
    data = np.asarray(v.images["f_t"].get_array())
    np.testing.assert_allclose(data[:7], sc.trace(model, v.words)["f_t"], atol=1e-12)
    assert np.all(data[7:] == v.pad["f_t"])
    assert v.word_labels[3] == ["The", "dog", "was", "tired", "and", "barking", '"."']


def test_unknown_words_give_a_clear_message_and_an_empty_picture(model):
    v = SentenceGatesView(model)
    v.update(sentence="The unicorn was hungry, really.")
    assert v.trace is None and v.words == [] and v.word_labels == [[]] * len(PANELS)
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
                               sc.trace(model, v.words)["o_t"], atol=1e-12)


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
