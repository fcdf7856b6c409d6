"""The animal-sentence language of notebook 08, its LSTM language model and the gate measurements."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import sentence_corpus as sc
from lstm_helpers.engine.losses import IGNORE
from lstm_helpers.lessons.sentences import draws, same_length_sampler

SLIDE_WORDS = ["The", "cat", "was", "hungry", ".", "The", "dog", "was", "sleeping", "."]


@pytest.fixture(scope="module")
def trained():
    """A small model trained as in the notebook (early stop on the sound after 'and')."""
    model = sc.make_model(16, seed=0)
    history = sc.train_model(model, steps=600, seed=0, progress=False)
    return model, history


# ----------------------------------------------------------------------------- words
def test_tokenize_splits_full_stops_and_ignores_case():
    assert sc.tokenize(sc.SLIDE_TEXT) == SLIDE_WORDS
    assert sc.tokenize("the CAT was Hungry.") == ["The", "cat", "was", "hungry", "."]
    assert sc.tokenize("The unicorn, was!") == ["The", "unicorn", ",", "was", "!"]
    assert sc.tokenize("") == []
    with pytest.raises(TypeError, match="'text'"):
        sc.tokenize(["The"])


def test_unknown_words_in_order_without_repeats():
    assert sc.unknown_words(["The", "unicorn", "was", "unicorn", ",", "cat"]) == ["unicorn", ","]
    assert sc.unknown_words(SLIDE_WORDS) == []
    with pytest.raises(TypeError, match="'words'"):
        sc.unknown_words("The cat")


def test_sentences_follow_the_grammar_and_the_sound_belongs_to_the_subject():
    rng = np.random.default_rng(5)
    lengths = set()
    for _ in range(300):
        w = sc.make_sentence(rng)
        lengths.add(len(w))
        assert w[0] == "The" and w[1] in sc.ANIMALS and w[2] == "was" and w[3] in sc.STATES and w[-1] == "."
        if len(w) == 7:
            assert w[4] == "and" and w[5] == sc.SOUND_OF[w[1]]
    assert lengths == {5, 7}
    assert len(sc.make_sentence(rng, p_and=0.0)) == 5
    assert len(sc.make_sentence(rng, p_and=1.0)) == 7
    with pytest.raises(TypeError, match="'rng'"):
        sc.make_sentence(0)


def test_every_animal_state_pair_occurs_so_the_state_does_not_reveal_the_subject():
    rng = np.random.default_rng(6)
    pairs = {(s[1], s[3]) for s in (sc.make_sentence(rng) for _ in range(500))}
    assert pairs == {(a, st) for a in sc.ANIMALS for st in sc.STATES}


def test_make_text_and_corpus_are_seeded():
    assert sc.corpus(3, 5) == sc.corpus(3, 5)
    assert sc.corpus(3, 5) != sc.corpus(4, 5)
    text = sc.make_text(np.random.default_rng(0), 4)
    assert text.count(".") == 4 and text.count("The") == 4


def test_subject_labels_and_roles_of_the_slide_sentence():
    cat, dog = sc.ANIMALS.index("cat"), sc.ANIMALS.index("dog")
    np.testing.assert_array_equal(sc.subject_labels(SLIDE_WORDS), [-1, cat, cat, cat, -1, -1, dog, dog, dog, -1])
    assert sc.roles(SLIDE_WORDS) == ["article", "subject", "verb", "state", "stop"] * 2
    assert sc.roles(["and", "purring"]) == ["and", "sound"]


def test_next_word_targets():
    y = sc.next_word_targets(SLIDE_WORDS)
    assert y[-1] == IGNORE
    assert [sc.VOCAB[k] for k in y[:-1]] == SLIDE_WORDS[1:]


def test_encode_batch_pads_with_zeros_and_ignored_targets():
    texts = [SLIDE_WORDS, ["The", "bird", "was", "tired", "and", "singing", "."]]
    x, y = sc.encode_batch(texts, length=12)
    assert x.shape == (12, 2, sc.D) and y.shape == (12, 2)
    np.testing.assert_array_equal(x[:10, 0], sc.encode(SLIDE_WORDS))
    assert np.all(x[10:, 0] == 0) and np.all(x[7:, 1] == 0)
    np.testing.assert_array_equal(y[:10, 0], sc.next_word_targets(SLIDE_WORDS))
    assert np.all(y[10:, 0] == IGNORE) and np.all(y[6:, 1] == IGNORE)
    np.testing.assert_array_equal(x.sum(-1)[:7, 1], 1.0)
    with pytest.raises(ValueError, match="'length'"):
        sc.encode_batch(texts, length=8)


def test_sound_only_keeps_the_word_after_and():
    x, y = sc.encode_batch([["The", "dog", "was", "happy", "and", "barking", "."]])
    kept = sc.sound_only(y, x)
    assert (kept != IGNORE).sum() == 1
    assert sc.VOCAB[kept[4, 0]] == "barking"


def test_word_errors_name_the_argument_and_the_word():
    with pytest.raises(ValueError, match="'unicorn'"):
        sc.encode(["The", "unicorn"])
    with pytest.raises(TypeError, match="'words'"):
        sc.encode("The cat")
    with pytest.raises(ValueError, match="'words' must be a non-empty"):
        sc.subject_labels([])
    with pytest.raises(TypeError, match="'texts'"):
        sc.encode_batch("The cat")


def test_batch_sampler_shapes():
    x, y = sc.batch_sampler(8, 2)(np.random.default_rng(0))
    assert x.shape == (14, 8, sc.D) and y.shape == (14, 8)


def word_by_word(rng, batch_size, n_sentences, dtype=np.float64):
    """What batch_sampler promises to return: the texts drawn one call at a time, then encoded."""
    return sc.encode_batch([sc.make_text(rng, n_sentences) for _ in range(batch_size)], length=7 * n_sentences,
                           dtype=dtype)


@pytest.mark.parametrize("batch_size, n_sentences, dtype", [(32, 3, np.float64), (8, 2, np.float32), (1, 1, np.float64),
                                                            (5, 4, np.float64)])
def test_batch_sampler_draws_what_make_text_draws_and_leaves_the_same_generator_state(batch_size, n_sentences, dtype):
    """The array version (draws.choice_rounds) is an exact replacement: same batches, same generator state after."""
    sample = sc.batch_sampler(batch_size, n_sentences, dtype)
    for seed in range(40):
        fast, slow = np.random.default_rng(seed), np.random.default_rng(seed)
        for _ in range(3):
            (x, y), (x1, y1) = sample(fast), word_by_word(slow, batch_size, n_sentences, dtype)
            assert x.dtype == x1.dtype and y.dtype == y1.dtype
            np.testing.assert_array_equal(x, x1)
            np.testing.assert_array_equal(y, y1)
            assert fast.bit_generator.state == slow.bit_generator.state
    assert draws.rounds_match_scalar_draws()                                  # so the fast path was the one taken
    assert draws.choice_rounds(np.random.default_rng(0), 3, (4, 4)) is not None


def test_batch_sampler_falls_back_to_word_by_word_where_the_array_draws_would_differ():
    half_used = np.random.default_rng(5)
    half_used.integers(4)                                        # numpy now holds half of a 64-bit output
    other = np.random.Generator(np.random.MT19937(5))            # another bit generator
    for rng, twin in ((half_used, np.random.default_rng(5)), (other, np.random.Generator(np.random.MT19937(5)))):
        if rng is half_used:
            twin.integers(4)
        assert draws.choice_rounds(rng, 2, (4, 4)) is None       # untouched ...
        x, y = sc.batch_sampler(6, 2)(rng)                       # ... and the batch drawn word by word
        x1, y1 = word_by_word(twin, 6, 2)
        np.testing.assert_array_equal(x, x1)
        np.testing.assert_array_equal(y, y1)
        np.testing.assert_array_equal(rng.integers(4, size=9), twin.integers(4, size=9))   # the same state after
    assert draws.choice_rounds(np.random.default_rng(0), 2, (4, 3)) is None   # 3 choices: Lemire may reject
    with pytest.raises(TypeError, match="'rng' must be a np.random.Generator"):
        sc.batch_sampler(4, 1)(0)


def test_choice_rounds_and_id_batch_match_scalar_draws_and_encode():
    many, one = np.random.default_rng(11), np.random.default_rng(11)
    first, second, u = draws.choice_rounds(many, 200, (2, 16))
    expected = [(int(one.integers(2)), int(one.integers(16)), one.random()) for _ in range(200)]
    assert list(zip(first.tolist(), second.tolist(), u.tolist())) == expected
    texts = [["The", "cat", "was", "hungry", "."], ["The", "dog", "was", "tired", "and", "barking", "."]]
    ids = np.zeros((2, 9), dtype=np.int64)
    kept = np.zeros((2, 9), dtype=bool)
    for b, (words, slots) in enumerate(zip(texts, ([0, 2, 3, 5, 8], [0, 1, 2, 3, 4, 6, 7]))):
        ids[b, slots], kept[b, slots] = [sc.WORD_INDEX[w] for w in words], True
    x, y = draws.id_batch(ids, kept, sc.D, np.float32)
    x1, y1 = sc.encode_batch(texts, length=9, dtype=np.float32)
    np.testing.assert_array_equal(x, x1)
    np.testing.assert_array_equal(y, y1)


def test_same_length_sampler_writes_the_rows_of_the_identity_matrix_it_replaced():
    """sentences.same_length_sampler (notebook 09's batches) writes one-hot rows in place; the batches and the
    generator's draws are those of the former ``np.eye(D)[ids[T][pick].T]``."""
    texts = sc.corpus(3, 40, n_sentences=1) + sc.corpus(4, 25, n_sentences=2)
    labels = np.arange(len(texts)) % 3
    for dtype in (np.float32, np.float64):
        sample = same_length_sampler(sc.WORDS, texts, labels, 7, dtype, where="test", name="texts")
        rng, twin = np.random.default_rng(8), np.random.default_rng(8)
        lengths = np.array([len(t) for t in texts])
        for _ in range(20):
            x, y = sample(rng)
            T = int(lengths[twin.integers(len(texts))])
            group = np.flatnonzero(lengths == T)
            pick = group[twin.integers(len(group), size=7)]
            ids = np.array([sc.WORDS.ids(texts[i]) for i in pick])
            assert x.dtype == dtype
            np.testing.assert_array_equal(x, np.eye(sc.D, dtype=dtype)[ids.T])
            np.testing.assert_array_equal(y, labels[pick])


# ----------------------------------------------------------------------------- model, training, evaluation
def test_evaluate_floor_is_the_entropy_of_the_language():
    model = sc.make_model(8, seed=0)
    out = sc.evaluate(model, [["The", "cat", "was", "hungry", "."]])
    # after The: 4 animals; after cat: 'was'; after was: 4 states; after hungry: '.' or 'and'
    assert out["floor"] == pytest.approx((np.log(4) + 0 + np.log(4) + np.log(2)) / 4)
    assert out["chance_sound"] == pytest.approx(0.25)
    assert np.isnan(out["sound_accuracy"])   # no "and": nothing to score


def test_training_learns_the_sound_and_approaches_the_floor(trained):
    model, history = trained
    assert history.reached_target
    scores = sc.evaluate(model, sc.corpus(77, 100))
    assert scores["sound_accuracy"] > 0.95
    assert scores["loss"] < scores["floor"] + 0.1
    untrained = sc.evaluate(sc.make_model(16, seed=0), sc.corpus(77, 100))
    assert untrained["sound_accuracy"] < 0.6 and untrained["loss"] > scores["loss"] + 1.0


def test_trained_model_predicts_the_current_subjects_sound(trained):
    model, _ = trained
    words = sc.tokenize("The cat was hungry. The dog was tired and")
    p = sc.next_word_probabilities(model, words)
    assert p.shape == (len(words), sc.D)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert sc.VOCAB[int(p[-1].argmax())] == "barking"


def test_model_errors():
    with pytest.raises(TypeError, match="'model'"):
        sc.trace(lh.SequenceModel("lstm", sc.D, 4, sc.D, readout="last"), SLIDE_WORDS)
    with pytest.raises(TypeError, match="'model'"):
        sc.evaluate(lh.SequenceModel("rnn", sc.D, 4, sc.D, readout="all"), [SLIDE_WORDS])
    with pytest.raises(TypeError, match="'model'"):
        sc.train_model("model", steps=1)


# ----------------------------------------------------------------------------- traces
def test_trace_is_the_lstm_recurrence_in_slide_notation():
    assert sc.make_model(6, seed=3).dtype == np.float32          # the course's model; float64 checks the maths
    model = sc.make_model(6, seed=3, dtype=np.float64)
    tr = sc.trace(model, SLIDE_WORDS)
    T, H = len(SLIDE_WORDS), 6
    for k in ("f_t", "i_t", "C_tilde_t", "o_t", "C_t", "h_t", "C_prev"):
        assert tr[k].shape == (T, H)
    p = model.cell.gate_weights()
    x = sc.encode(SLIDE_WORDS)
    h, C = np.zeros(H), np.zeros(H)
    for t in range(T):
        z = np.concatenate([h, x[t]])
        f = lh.sigmoid(p["W_f"] @ z + p["b_f"])
        i = lh.sigmoid(p["W_i"] @ z + p["b_i"])
        g = np.tanh(p["W_C"] @ z + p["b_C"])
        o = lh.sigmoid(p["W_o"] @ z + p["b_o"])
        np.testing.assert_allclose(tr["C_prev"][t], C, atol=1e-12)
        C = f * C + i * g
        h = o * np.tanh(C)
        for key, val in (("f_t", f), ("i_t", i), ("C_tilde_t", g), ("o_t", o), ("C_t", C), ("h_t", h)):
            np.testing.assert_allclose(tr[key][t], val, atol=1e-12, err_msg=f"{key} at t={t}")


@pytest.mark.parametrize("dtype, atol", [(np.float64, 1e-12),
                                         # the course's float32: the padded batch and a single text are products
                                         # of other shapes, which BLAS may round differently (7th digit)
                                         (np.float32, 1e-6)])
def test_corpus_traces_match_single_traces_despite_padding(dtype, atol):
    model = sc.make_model(5, seed=1, dtype=dtype)
    texts = sc.corpus(9, 4)
    ct = sc.corpus_traces(model, texts)
    assert ct["C_t"].shape == (sum(map(len, texts)), 5)
    start = 0
    for b, t in enumerate(texts):
        one = sc.trace(model, t)
        sl = slice(start, start + len(t))
        for key in ("f_t", "i_t", "o_t", "C_t", "C_prev"):
            np.testing.assert_allclose(ct[key][sl], one[key], rtol=0, atol=atol)
        np.testing.assert_array_equal(ct["subject"][sl], sc.subject_labels(t))
        assert [sc.VOCAB[k] for k in ct["word"][sl]] == t
        assert np.all(ct["text"][sl] == b) and list(ct["pos"][sl]) == list(range(len(t)))
        start += len(t)


def test_gate_means_over_all_units_and_a_subset():
    tr = {"f_t": np.array([[0.0, 1.0, 0.5]]), "i_t": np.array([[0.2, 0.2, 0.8]]), "o_t": np.array([[1.0, 0.0, 0.0]])}
    np.testing.assert_allclose(sc.gate_means(tr), [[0.5, 0.4, 1 / 3]])
    np.testing.assert_allclose(sc.gate_means(tr, [0, 2]), [[0.25, 0.5, 0.5]])
    with pytest.raises(ValueError, match="'units'"):
        sc.gate_means(tr, [3])
    with pytest.raises(TypeError, match="'tr'"):
        sc.gate_means({"f_t": tr["f_t"]})


# ----------------------------------------------------------------------------- subject units and probe
def test_subject_selectivity_finds_the_unit_that_codes_the_subject(rng):
    s = rng.integers(0, 4, 400)
    C = np.stack([s + 0.01 * rng.standard_normal(400), rng.standard_normal(400),
                  0.5 * s + rng.standard_normal(400)], axis=1)
    labels = s.copy()
    labels[:50] = -1
    C[:50, 1] = 1e6                       # left-out positions must not count
    eta = sc.subject_selectivity(C, labels)
    assert eta.shape == (3,) and np.all((0 <= eta) & (eta <= 1))
    assert eta[0] > 0.99 and eta[1] < 0.05 and eta[1] < eta[2] < eta[0]
    np.testing.assert_array_equal(sc.subject_units(C, labels, k=2), [0, 2])
    with pytest.raises(ValueError, match="two different subjects"):
        sc.subject_selectivity(C, np.zeros(400, dtype=np.int64))
    with pytest.raises(ValueError, match="'k'"):
        sc.subject_units(C, labels, k=4)


def test_probe_reads_a_linearly_coded_subject(rng):
    s = rng.integers(0, 4, 600)
    centres = 3 * rng.standard_normal((4, 5))
    C = centres[s] + 0.3 * rng.standard_normal((600, 5))
    probe = sc.fit_probe(C[:400], s[:400])
    P = probe.probabilities(C[400:])
    assert P.shape == (200, 4)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert (P.argmax(axis=1) == s[400:]).mean() > 0.95
    top = sc.probe_readout(probe, C[400:403])
    assert [name for name, _ in top] == [sc.ANIMALS[k] for k in P[:3].argmax(axis=1)]
    assert [p for _, p in top] == pytest.approx(P[:3].max(axis=1))
    with pytest.raises(ValueError, match="'C'"):
        probe.probabilities(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="nothing to fit"):
        sc.fit_probe(C, np.full(600, -1))


def test_probe_is_deterministic(rng):
    s = rng.integers(0, 4, 100)
    C = rng.standard_normal((100, 3)) + s[:, None]
    a, b = sc.fit_probe(C, s), sc.fit_probe(C, s)
    np.testing.assert_array_equal(a.W, b.W)


# ----------------------------------------------------------------------------- the sentence boundary
def test_boundary_profile_shapes_and_ranges(trained):
    model, _ = trained
    texts = sc.corpus(11, 40)
    ct = sc.corpus_traces(model, texts)
    units = sc.subject_units(ct["C_t"], ct["subject"])
    probe = sc.fit_probe(ct["C_t"], ct["subject"])
    prof = sc.boundary_profile(model, texts, probe, units)
    assert prof["n"] == 2 * len(texts)        # 3 sentences per text: 2 boundaries each
    for key in ("f_all", "i_all", "o_all", "f_sub", "i_sub", "o_sub", "p_old", "p_new"):
        assert prof[key].shape == (len(sc.BOUNDARY),)
        assert np.all((0 <= prof[key]) & (prof[key] <= 1)), key
    # inside sentence k the probe reads sentence k's subject, inside sentence k+1 the new one
    assert prof["p_old"][0] > 0.8 and prof["p_new"][-1] > 0.8
    assert prof["p_old"][-1] < 0.2 and prof["p_new"][0] < 0.2
    with pytest.raises(TypeError, match="'probe'"):
        sc.boundary_profile(model, texts, None, units)


def test_new_subject_leaves_no_trace_before_it_is_read(trained):
    model, _ = trained
    sig = sc.subject_signal(model, sc.corpus(12, 150))
    before, after = sig["new"][:3], sig["new"][3:]          # last word, '.', 'The'  vs  subject, 'was'
    assert after.min() > 10 * before.max()
    assert sig["old"][0] > 4 * sig["new"][0]
    with pytest.raises(ValueError, match="two sentences"):
        sc.subject_signal(model, sc.corpus(12, 5, n_sentences=1))


def test_old_subject_decodability_is_an_accuracy(trained):
    model, _ = trained
    acc = sc.old_subject_decodability(model, sc.corpus(13, 60), sc.corpus(14, 60))
    assert acc.shape == (len(sc.BOUNDARY),)
    assert np.all((0 <= acc) & (acc <= 1))
    assert acc[0] > 0.9                       # inside the old sentence the subject is readable


def test_format_gate_table_puts_slide_values_beside_measured():
    T = len(SLIDE_WORDS)
    measured = np.linspace(0, 1, 3 * T).reshape(T, 3)
    text = sc.format_gate_table(SLIDE_WORDS, measured, 1 - measured, [("cat", 0.5)] * T)
    lines = text.splitlines()
    assert len(lines) == T + 3
    row_dot = lines[3 + 4]
    assert " . " in row_dot and "0.3" in row_dot and "[sentence end]" in row_dot
    assert f"{measured[4, 0]:.2f}" in row_dot and f"{1 - measured[4, 0]:.2f}" in row_dot
    assert "—" in lines[3 + 8] and "—" not in lines[3 + 7]
    with pytest.raises(ValueError, match="'readout'"):
        sc.format_gate_table(SLIDE_WORDS, measured, measured, [("cat", 0.5)])
    with pytest.raises(ValueError, match="'measured'"):
        sc.format_gate_table(SLIDE_WORDS, measured[:3], measured, [("cat", 0.5)] * T)


def test_format_boundary_rows():
    text = sc.format_boundary({"a": np.arange(5) / 10, "long label": np.ones(5)})
    lines = text.splitlines()
    assert len(lines) == 3 and all(b in lines[0] for b in sc.BOUNDARY)
    assert lines[1].split()[1:] == ["0.00", "0.10", "0.20", "0.30", "0.40"]
    with pytest.raises(ValueError, match="rows"):
        sc.format_boundary({"a": np.ones(3)})


def test_slide_table_matches_the_slide_sentence():
    assert [row[0] for row in sc.SLIDE_TABLE] == SLIDE_WORDS[:8]
    assert all(0 <= v <= 1 for row in sc.SLIDE_TABLE for v in row[1:4])


def test_plots_draw_without_error(trained):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model, _ = trained
    tr = sc.trace(model, SLIDE_WORDS)
    fig, axes = plt.subplots(1, 3)
    sc.plot_slide_comparison(axes, SLIDE_WORDS, sc.gate_means(tr), sc.gate_means(tr, [0, 1]))
    assert len(axes[0].get_lines()) == 3 and axes[0].get_legend() is not None
    texts = sc.corpus(15, 20)
    ct = sc.corpus_traces(model, texts)
    prof = sc.boundary_profile(model, texts, sc.fit_probe(ct["C_t"], ct["subject"]), [0, 1])
    fig2, axes2 = plt.subplots(1, 3)
    sc.plot_boundary(axes2, prof, sc.subject_signal(model, texts))
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in axes2)
    plt.close(fig)
    plt.close(fig2)
