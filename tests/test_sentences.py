"""The machinery notebooks 08 and 09 share (lessons/sentences): vocabulary and encoding, the word
model's batches and grouped evaluation, gate traces and probes, comparing runs."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.lessons import sentences as sn

WORDS = ("The", "cat", "dog", "was", "hungry", ".")


@pytest.fixture
def vocab():
    return sn.Vocabulary(WORDS)


# ----------------------------------------------------------------------------- words
def test_tokenize_spelling_lower_and_drop():
    keep_case = sn.Vocabulary(WORDS)
    assert keep_case.tokenize("the CAT, was Zebra!") == ["The", "cat", ",", "was", "Zebra", "!"]
    lower = sn.Vocabulary(("the", "cat", "."), lower=True, drop=",!")
    assert lower.tokenize("The CAT, Zebra! ok.") == ["the", "cat", "zebra", "ok", "."]
    assert keep_case.tokenize("") == []
    with pytest.raises(TypeError, match="'text'"):
        keep_case.tokenize(["The"])
    with pytest.raises(ValueError, match="distinct"):
        sn.Vocabulary(("a", "a"))
    assert len(keep_case) == 6 and "6 words" in repr(keep_case)


def test_word_checks_name_the_argument(vocab):
    assert vocab.unknown_words(["The", "zebra", "cat", "zebra", "!"]) == ["zebra", "!"]
    assert vocab.check_words(("The", "cat"), "f()") == ["The", "cat"]
    with pytest.raises(TypeError, match="f\\(\\): argument 'w'"):
        vocab.check_words("The cat", "f()", "w")
    with pytest.raises(ValueError, match="'w' must be a non-empty"):
        vocab.check_words([], "f()", "w")
    with pytest.raises(ValueError, match="unknown word\\(s\\) 'zebra' in 'w'; the vocabulary is The, cat, dog"):
        vocab.check_words(["The", "zebra"], "f()", "w")
    with pytest.raises(TypeError, match="'lists'"):
        vocab.check_word_lists([], "f()", "lists")
    with pytest.raises(ValueError, match="'lists\\[1\\]'"):
        vocab.check_word_lists([["The"], ["zebra"]], "f()", "lists")


def test_encode_pads_with_zero_vectors(vocab):
    x = vocab.encode([["The", "cat", "was"], ["dog"]], np.float32, length=4)
    assert x.shape == (4, 2, 6) and x.dtype == np.float32
    np.testing.assert_array_equal(x[:3, 0].argmax(-1), [0, 1, 3])
    np.testing.assert_array_equal(x.sum(-1), [[1, 1], [1, 0], [1, 0], [0, 0]])
    assert vocab.encode([["dog"], ["The", "cat"]]).shape == (2, 2, 6)
    with pytest.raises(ValueError, match="'length'.*at least the longest text \\(3 words\\)"):
        vocab.encode([["The", "cat", "was"]], length=2)
    groups = sn.group_by_length([["a"] * 3, ["a"], ["a"] * 3])
    assert list(groups) == [1, 3] and groups[3].tolist() == [0, 2]


# ----------------------------------------------------------------------------- training
LISTS = [["The", "cat"], ["The", "dog", "was"], ["The", "dog"], ["dog"], ["The", "cat", "was", "hungry"]]
LABELS = [0, 1, 1, 0, 0]


def test_same_length_sampler_draws_one_length_per_batch(vocab):
    make_batch = sn.same_length_sampler(vocab, LISTS, LABELS, 8, np.float32, where="f()", name="lists")
    by_words = {tuple(w): y for w, y in zip(LISTS, LABELS)}
    lengths = set()
    for seed in range(60):
        x, y = make_batch(np.random.default_rng(seed))
        assert x.shape[1:] == (8, 6) and x.dtype == np.float32 and y.dtype == np.int64
        np.testing.assert_array_equal(x.sum(-1), 1.0)                 # no padding
        for b in range(8):
            assert by_words[tuple(vocab.words[k] for k in x[:, b].argmax(-1))] == y[b]
        x2, y2 = make_batch(np.random.default_rng(seed))
        np.testing.assert_array_equal(x, x2)
        lengths.add(x.shape[0])
    assert lengths == {1, 2, 3, 4}
    with pytest.raises(ValueError, match="'batch_size'"):
        sn.same_length_sampler(vocab, LISTS, LABELS, 0, where="f()", name="lists")


def test_grouped_batch_and_accuracy_score_every_list_from_zero_state(vocab):
    model = sn.make_word_model(vocab, "lstm", 5, 2, readout="last", seed=2)
    xs, y = sn.grouped_batch(vocab, LISTS, LABELS)
    assert [x.shape[:2] for x in xs] == [(1, 1), (2, 2), (3, 1), (4, 1)]
    np.testing.assert_array_equal(y, [0, 0, 1, 1, 0])                  # lengths 1, 2, 2, 3, 4
    one_by_one = np.array([model.logits(vocab.encode([w]))[0] for w in LISTS])
    right = one_by_one.argmax(-1) == np.array(LABELS)
    assert sn.grouped_accuracy(model, (xs, y)) == pytest.approx(right.mean())


def test_check_word_model(vocab):
    good = sn.make_word_model(vocab, "rnn", 4, 2, readout="last")
    kw = dict(output_size=2, readout="last", cells=("lstm", "rnn"), maker="make_model()")
    assert sn.check_word_model(good, vocab, "f()", **kw) is good
    for bad in (sn.make_word_model(vocab, "rnn", 4, 3, readout="last"), sn.make_word_model(vocab, "rnn", 4, 2,
                readout="all"), lh.SequenceModel("lstm", 7, 4, 2), None):
        with pytest.raises(TypeError, match="f\\(\\): argument 'model' must be the word model.*make_model\\(\\)"):
            sn.check_word_model(bad, vocab, "f()", **kw)


# ----------------------------------------------------------------------------- probes
def test_gate_traces_leave_out_the_padding(vocab):
    model = sn.make_word_model(vocab, "lstm", 3, 6, readout="all", seed=1)
    tr = sn.gate_traces(model, vocab, LISTS[:2])
    assert tr["C_t"].shape == (5, 3) and tr["word"].tolist() == [0, 1, 0, 2, 3]
    assert tr["text"].tolist() == [0, 0, 1, 1, 1] and tr["pos"].tolist() == [0, 1, 0, 1, 2]
    one = sn.gate_traces(model, vocab, [LISTS[1]])
    for key in ("f_t", "i_t", "C_tilde_t", "o_t", "C_t", "h_t", "C_prev"):
        np.testing.assert_allclose(tr[key][2:], one[key], atol=1e-12)
    np.testing.assert_array_equal(one["C_prev"][1:], one["C_t"][:-1])
    assert np.all(one["C_prev"][0] == 0)
    np.testing.assert_allclose(sn.gate_means(one)[:, 0], one["f_t"].mean(axis=1))


def test_selectivity_signal_and_probe_of_a_coded_label():
    rng = np.random.default_rng(0)
    labels = rng.permutation(np.repeat([0, 1], 150))
    C = rng.standard_normal((300, 4)) * 0.1
    C[:, 2] = 2.0 * labels - 1.0                                      # unit 2 is the label
    eta = sn.selectivity(C, labels, 2)
    assert eta[2] == pytest.approx(1.0) and eta[[0, 1, 3]].max() < 0.1
    assert sn.top_units(C, np.where(np.arange(300) < 5, -1, labels), 2, k=1).tolist() == [2]
    S = np.repeat((2.0 * labels - 1.0)[:, None, None], 3, axis=2)      # (n, P = 1, H = 3), ±1 per label, mean 0
    assert sn.label_signal(S, labels) == pytest.approx([1.0])
    assert sn.label_signal(S, rng.permutation(np.repeat([0, 1], 150)))[0] < 0.15
    probe = sn.fit_probe(C[:200], labels[:200], ("no", "yes"))
    assert (probe.probabilities(C[200:]).argmax(1) == labels[200:]).mean() > 0.95
    assert [name for name, _ in probe.readout(C[200:203])] == [("no", "yes")[k] for k in labels[200:203]]
    with pytest.raises(ValueError, match="two different classes"):
        sn.selectivity(C, np.zeros(300, dtype=np.int64), 2, name="classes")
    with pytest.raises(ValueError, match="'labels'"):
        sn.fit_probe(C, labels + 1, ("no", "yes"))


# ----------------------------------------------------------------------------- runs
def test_seed_summary_covers_every_table():
    r1 = {"overall": 0.5, "a": sn.error_table([True, False], [0, 1]), "b": {"x": (2, 0.5)}}
    r2 = {"overall": 0.0, "a": sn.error_table([False, False], [0, 1]), "b": {"x": (2, 0.0)}}
    s = sn.seed_summary([r1, r2])
    np.testing.assert_array_equal(s["overall"], [0.5, 0.0])
    assert s["a"] == {0: (1, 0.5, 0.0, 1.0), 1: (1, 0.0, 0.0, 0.0)} and s["b"] == {"x": (2, 0.25, 0.0, 0.5)}
    assert sn.pooled_error(r1, "a", [0, 1, 7]) == (2, 0.5)
    with pytest.raises(ValueError, match="bins differ"):
        sn.seed_summary([r1, {**r2, "b": {"y": (2, 0.0)}}])
