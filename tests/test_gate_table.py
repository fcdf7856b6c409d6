"""Notebook 08 over seeds (lessons/gate_table.py): the seed models, the per-seed measurements, the leak after "and"."""
from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import sentence_corpus as sc
from lstm_helpers.lessons import gate_table as gt

SLIDE_WORDS = list(gt.SLIDE_WORDS)
P = len(sc.BOUNDARY)


@pytest.fixture(scope="module")
def two_seeds():
    """Seeds 0 and 1 trained together as in the notebook (early stop on the sound after 'and')."""
    return gt.train_seed_models((0, 1), progress=False)


@pytest.fixture(scope="module")
def measured(two_seeds):
    seeded, _ = two_seeds
    return gt.measure_seeds(gt.seed_models(seeded), seeded.seeds, sc.corpus(21, 60), sc.corpus(22, 60))


# ----------------------------------------------------------------------------- training
def test_seed_0_is_the_one_seed_run_of_sentence_corpus(two_seeds):
    seeded, histories = two_seeds
    one = sc.make_model(16, seed=0)
    history = sc.train_model(one, seed=0, progress=False)
    models = gt.seed_models(seeded)
    assert histories[0].steps_run == history.steps_run and histories[0].eval_accuracy == history.eval_accuracy
    for key, p in one.parameters().items():
        np.testing.assert_allclose(models[0].parameters()[key], p, rtol=0, atol=1e-10, err_msg=key)
    # seed 1 is another model: the seeds differ
    assert not np.allclose(models[1].parameters()["head.weight"], one.parameters()["head.weight"])
    assert histories.reached_target().all()


def test_seed_models_are_copies_of_the_rows(two_seeds):
    seeded, _ = two_seeds
    models = gt.seed_models(seeded)
    assert [m.cell_type for m in models] == ["lstm", "lstm"]
    for k, m in enumerate(models):
        for key, p in m.parameters().items():
            np.testing.assert_array_equal(p, seeded.parameters()[key][k])
    models[0].parameters()["head.bias"][...] += 1.0            # a copy: the seeded model is unchanged
    assert not np.array_equal(models[0].parameters()["head.bias"], seeded.parameters()["head.bias"][0])


def test_train_on_trains_every_seed_without_the_early_stop():
    seeded, _ = gt.train_seed_models((3, 4), steps=4, eval_every=2, progress=False)
    before = {k: v.copy() for k, v in seeded.parameters().items()}
    histories = gt.train_on(seeded, steps=3, progress=False)
    assert list(histories.steps_run()) == [3, 3] and not histories.reached_target().any()
    for key, p in seeded.parameters().items():
        assert not np.array_equal(p, before[key]), key
    # the batches of seed s come from default_rng(s + data_offset): one-seed lh.train from the same weights
    one = sc.make_model(16, seed=3)
    assert one.dtype == seeded.dtype == np.float32 == sc.DTYPE
    for key, p in one.parameters().items():
        p[...] = before[key][0]
    lh.train(one, sc.batch_sampler(32, 3, sc.DTYPE), steps=3, lr=2e-2, seed=3 + 1000, progress=False)
    for key, p in one.parameters().items():           # bit for bit (the seeded engine's promise)
        np.testing.assert_array_equal(seeded.parameters()[key][0], p, err_msg=key)


def test_training_arguments_are_checked():
    with pytest.raises(ValueError, match="'seeds'"):
        gt.train_seed_models([], progress=False)
    with pytest.raises(TypeError, match="'seeds'"):
        gt.train_seed_models([0, 1.5], progress=False)
    with pytest.raises(ValueError, match="'seeds'"):
        gt.train_seed_models(0, progress=False)
    with pytest.raises(TypeError, match="'seeded'"):
        gt.train_on(sc.make_model(4), steps=1)
    with pytest.raises(TypeError, match="'seeded'"):
        gt.seed_models([sc.make_model(4)])


# ----------------------------------------------------------------------------- measurements
def test_slide_correlation():
    slide = np.array([row[1:4] for row in sc.SLIDE_TABLE])
    np.testing.assert_allclose(gt.slide_correlation(slide), 1.0)
    measured = np.vstack([1 - 2 * slide, np.zeros((2, 3))])    # 10 words: only the slide's 8 count
    np.testing.assert_allclose(gt.slide_correlation(measured), -1.0)
    with pytest.raises(ValueError, match="'measured'"):
        gt.slide_correlation(slide[:5])
    with pytest.raises(ValueError, match="'measured'"):
        gt.slide_correlation(slide[:, :2])


def test_measure_seed_is_the_notebook_measurement(two_seeds):
    seeded, _ = two_seeds
    model = gt.seed_models(seeded)[1]
    fit, test = sc.corpus(21, 60), sc.corpus(22, 60)
    m = gt.measure_seed(model, fit, test)
    ct = sc.corpus_traces(model, fit)
    np.testing.assert_array_equal(m.units, sc.subject_units(ct["C_t"], ct["subject"], k=3))
    tr = sc.trace(model, SLIDE_WORDS)
    np.testing.assert_allclose(m.mean_sub, sc.gate_means(tr, m.units))
    np.testing.assert_allclose(m.r_all, gt.slide_correlation(sc.gate_means(tr)))
    np.testing.assert_array_equal(m.lowest_word, tr["f_t"].argmin(axis=0))
    np.testing.assert_allclose(m.signal["old"], sc.subject_signal(model, test)["old"])
    assert m.profile["f_sub"].shape == (P,) and 0.9 < m.probe_accuracy <= 1.0


def test_seed_measurements_stack_and_count(measured):
    assert measured.n == 2 and measured.mean_all.shape == (2, len(SLIDE_WORDS), 3)
    assert measured.r_all.shape == (2, 3) and measured.f_sub.shape == (2, P) and measured.signal_old.shape == (2, P)
    np.testing.assert_array_equal(measured.f_sub[1], measured.each[1].profile["f_sub"])
    np.testing.assert_array_equal(measured.cut(), measured.f_sub.argmin(axis=1))
    counts = measured.cut_counts()
    assert list(counts) == list(sc.BOUNDARY) and sum(counts.values()) == 2
    np.testing.assert_allclose(measured.kept()[:, 0], 1.0)
    np.testing.assert_allclose(measured.kept()[:, -1], measured.signal_old[:, -1] / measured.signal_old[:, 0])
    assert list(measured.words_of_lowest_forget()) == [len(set(r)) for r in measured.lowest_word]


def test_cut_counts_on_made_up_profiles(measured):
    each = []
    for f_sub in ([0.9, 0.5, 0.1, 0.3, 0.8], [0.9, 0.5, 0.4, 0.2, 0.8], [0.9, 0.5, 0.05, 0.3, 0.8]):
        m = measured.each[0]
        profile = dict(m.profile, f_sub=np.array(f_sub))
        each.append(gt.SeedMeasurement(m.units, m.eta, m.probe, m.probe_accuracy, m.mean_all, m.mean_sub, m.r_all,
                                       m.r_sub, np.array([0, 0, 4, 5]), profile, m.signal))
    made_up = gt.SeedMeasurements((0, 1, 2), each)
    assert made_up.cut_counts() == {"last word": 0, ".": 0, "The": 2, "new subject": 1, "was": 0}
    assert list(made_up.words_of_lowest_forget()) == [3, 3, 3]
    with pytest.raises(ValueError, match="'seeds'"):
        gt.SeedMeasurements((0, 0, 1), each)
    with pytest.raises(TypeError, match="'each'"):
        gt.SeedMeasurements((0, 1), each)
    with pytest.raises(ValueError, match="same length"):
        gt.measure_seeds([sc.make_model(4)], (0, 1), [SLIDE_WORDS], [SLIDE_WORDS])


# ----------------------------------------------------------------------------- the leak after "and"
def test_sound_probabilities_after_the_last_and(two_seeds):
    model = gt.seed_models(two_seeds[0])[0]
    words = sc.tokenize("The dog was tired and barking. The bird was happy and singing.")
    p = gt.sound_probabilities(model, words)
    full = sc.next_word_probabilities(model, words)
    np.testing.assert_allclose(p, full[11, [sc.WORD_INDEX[s] for s in sc.SOUNDS]])
    np.testing.assert_allclose(gt.sound_probabilities(model, words[:12]), p)     # the words after it do not matter
    assert p.shape == (4,) and p.sum() <= 1.0
    with pytest.raises(ValueError, match="'and'"):
        gt.sound_probabilities(model, SLIDE_WORDS)
    with pytest.raises(ValueError, match="'unicorn'"):
        gt.sound_probabilities(model, ["The", "unicorn", "and"])


def test_leak_profile_books_every_and(two_seeds):
    model = gt.seed_models(two_seeds[0])[1]
    texts = [sc.tokenize("The cat was happy and purring. The dog was tired and barking. "
                         "The dog was happy and barking."),
             sc.tokenize("The bird was tired. The mouse was happy and squeaking.")]
    out = gt.leak_profile(model, texts)
    assert (out["n_first"], out["n_later"], out["n_differ"]) == (1, 3, 2)
    idx = {s: sc.WORD_INDEX[s] for s in sc.SOUNDS}
    p0, p1 = sc.next_word_probabilities(model, texts[0]), sc.next_word_probabilities(model, texts[1])
    # The model is float32: leak_profile scores both texts in one padded batch, the reference one text at a time,
    # and BLAS may round the two shapes differently in the 7th digit (it does under OPENBLAS_CORETYPE=Prescott).
    # A bookkeeping error (a wrong "and", sound or text) moves these probabilities by 1e-2 or more.
    approx = functools.partial(pytest.approx, rel=1e-5)
    assert out["right_first"] == approx(p0[4, idx["purring"]])
    # "and" at words 4, 11, 18 of the first text (cat, dog, dog) and 9 of the second (bird, then mouse)
    assert out["right_later"] == approx(np.mean([p0[11, idx["barking"]], p0[18, idx["barking"]],
                                                 p1[9, idx["squeaking"]]]))
    assert out["old"] == approx(np.mean([p0[11, idx["purring"]], p1[9, idx["singing"]]]))
    assert out["other"] == approx(np.mean([(p0[11, idx["singing"]] + p0[11, idx["squeaking"]]) / 2,
                                           (p1[9, idx["purring"]] + p1[9, idx["barking"]]) / 2]))
    with pytest.raises(ValueError, match="later sentence"):
        gt.leak_profile(model, [sc.tokenize("The cat was happy and purring.")])
    with pytest.raises(TypeError, match="'model'"):
        gt.leak_profile(lh.SequenceModel("lstm", sc.D, 4, sc.D, readout="last"), texts)


# ----------------------------------------------------------------------------- display
def test_format_seed_table_medians_and_ranges():
    T = len(SLIDE_WORDS)
    mean_all = np.stack([np.full((T, 3), 0.2), np.full((T, 3), 0.4), np.full((T, 3), 0.9)])
    mean_sub = np.stack([np.full((T, 3), 0.1), np.full((T, 3), 0.3), np.full((T, 3), 0.5)])
    lines = gt.format_seed_table(SLIDE_WORDS, mean_all, mean_sub).splitlines()
    assert len(lines) == T + 3
    row = lines[3 + 4]                                          # the first "."
    assert " . " in row and "0.3" in row and "0.40 [0.20, 0.90]" in row and row.count("0.30") == 3
    assert "—" in lines[3 + 8] and "—" not in lines[3 + 7]
    with pytest.raises(ValueError, match="'mean_sub'"):
        gt.format_seed_table(SLIDE_WORDS, mean_all, mean_sub[:2])
    with pytest.raises(ValueError, match="'mean_all'"):
        gt.format_seed_table(SLIDE_WORDS[:5], mean_all, mean_sub)


def test_plots_draw(measured):
    fig, axes = plt.subplots(1, 3, layout="constrained")
    gt.plot_seed_gates(axes, SLIDE_WORDS, measured.mean_all)
    assert len(axes[0].get_lines()) == measured.n + 2
    assert axes[0].get_legend() is None and len(fig.legends) == 1          # under the panels, hiding no point
    assert all("$" in ax.get_title() for ax in axes)                      # mathtext: $f_t$, not f_t
    ticks = [t.get_text() for t in axes[0].get_xticklabels()]
    assert ticks[SLIDE_WORDS.index(".")] == '"."' and ticks[0] == SLIDE_WORDS[0]
    fig2, axes2 = plt.subplots(1, 3)
    gt.plot_seed_boundary(axes2, measured)
    assert all(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() for ax in axes2)
    assert all("$" in ax.get_title() for ax in axes2)
    assert [t.get_text() for t in axes2[0].get_xticklabels()] == ["last word", '"."', '"The"', "new subject", '"was"']
    with pytest.raises(TypeError, match="'measured'"):
        gt.plot_seed_boundary(axes2, {})
    fig3, ax = plt.subplots()
    gt.plot_leak(ax, (0, 1), {"a": [0.5, 0.6], "b": [0.9, 1.0]})
    assert len(ax.patches) == 4 and ax.get_ylabel()
    with pytest.raises(ValueError, match="bars"):
        gt.plot_leak(ax, (0, 1), {"a": [0.5]})
    for f in (fig, fig2, fig3):
        plt.close(f)
