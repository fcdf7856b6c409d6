"""Notebook 09 over seeds: batches whose lengths all seeds share, the agreement models of several seeds trained
together (each equal to its one-seed run), the gradient that reaches the subject, and the summaries and figures
of several runs (lessons/sentences/training.py and runs.py, lessons/agreement.py, lessons/agreement_errors.py)."""
from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import agreement as ag
from lstm_helpers.engine.seeded.parallel import fork_available
from lstm_helpers.engine.train import History
from lstm_helpers.lessons.sentences import Vocabulary, grouped_accuracy
from lstm_helpers.lessons.sentences.runs import best_setting, plot_seed_curves, seed_spread
from lstm_helpers.lessons.sentences.training import gradient_share, input_gradient_norms, shared_length_sampler

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

WORDS = Vocabulary(("the", "cat", "dog", "was", "hungry", "."))
LISTS = [["the", "cat"], ["the", "dog", "was"], ["the", "dog"], ["dog"], ["the", "cat", "was", "hungry"],
         ["cat", "was", "hungry"]]
LABELS = [0, 1, 1, 0, 0, 1]


@pytest.fixture(scope="module")
def data():
    return ag.dataset_sentences()


def _decode(x):
    return [tuple(WORDS.words[k] for k in x[:, b].argmax(-1)) for b in range(x.shape[1])]


# ----------------------------------------------------------------------------- shared lengths
def test_shared_length_sampler_gives_every_generator_the_same_lengths_and_its_own_lists():
    make_batch = shared_length_sampler(WORDS, LISTS, LABELS, 8, np.float32, length_seed=3, where="f()", name="lists")
    rngs = [np.random.default_rng(s) for s in range(4)]
    by_words = {tuple(w): y for w, y in zip(LISTS, LABELS)}
    lengths, differ = [], False
    for _ in range(40):
        batches = [make_batch(r) for r in rngs]                        # one step: every seed's batch
        shapes = {x.shape for x, _ in batches}
        assert len(shapes) == 1                                        # one shape: one pass for all seeds
        x, y = batches[0]
        assert x.dtype == np.float32 and y.dtype == np.int64 and x.shape[1:] == (8, len(WORDS))
        np.testing.assert_array_equal(x.sum(-1), 1.0)                  # no padding
        for xb, yb in batches:
            assert [by_words[w] for w in _decode(xb)] == yb.tolist()   # real lists with their labels
        differ |= any(not np.array_equal(batches[0][0], xb) for xb, _ in batches[1:])
        lengths.append(x.shape[0])
    assert differ                                                      # the seeds draw their own lists
    assert set(lengths) == {1, 2, 3, 4}
    # a fresh sampler with the same length seed and generator seed repeats a run; another length seed does not
    again = shared_length_sampler(WORDS, LISTS, LABELS, 8, np.float32, length_seed=3, where="f()", name="lists")
    rng = np.random.default_rng(2)
    replay = [again(rng) for _ in range(40)]
    rng = np.random.default_rng(2)
    first = shared_length_sampler(WORDS, LISTS, LABELS, 8, np.float32, length_seed=3, where="f()", name="lists")
    for (x1, y1), (x2, y2) in zip(replay, [first(rng) for _ in range(40)]):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
    other = shared_length_sampler(WORDS, LISTS, LABELS, 8, length_seed=4, where="f()", name="lists")
    r = np.random.default_rng(0)
    assert [other(r)[0].shape[0] for _ in range(40)] != lengths


def test_shared_length_sampler_draws_lengths_as_often_as_they_occur():
    lists = [["the"]] * 30 + [["the", "cat"]] * 10
    make_batch = shared_length_sampler(WORDS, lists, [0] * 40, 2, length_seed=0, where="f()", name="lists")
    rng = np.random.default_rng(0)
    share_one = np.mean([make_batch(rng)[0].shape[0] == 1 for _ in range(2000)])
    assert 0.70 < share_one < 0.80


def test_shared_length_sampler_rejects_bad_arguments():
    kw = dict(where="f()", name="lists")
    with pytest.raises(ValueError, match="'batch_size'"):
        shared_length_sampler(WORDS, LISTS, LABELS, 0, length_seed=0, **kw)
    with pytest.raises(ValueError, match="'length_seed'"):
        shared_length_sampler(WORDS, LISTS, LABELS, 2, length_seed=-1, **kw)
    with pytest.raises(TypeError, match="'length_seed'"):
        shared_length_sampler(WORDS, LISTS, LABELS, 2, length_seed=1.5, **kw)
    with pytest.raises(ValueError, match="unknown word"):
        shared_length_sampler(WORDS, [["the", "cow"]], [0], 2, length_seed=0, **kw)
    make_batch = shared_length_sampler(WORDS, LISTS, LABELS, 2, length_seed=0, **kw)
    with pytest.raises(TypeError, match="Generator"):
        make_batch(0)


# ----------------------------------------------------------------------------- seeds trained together
def test_train_model_seeds_equals_each_seeds_one_seed_run(data):
    small = {"train": data["train"][:600], "valid": data["valid"][:60]}
    seeds, kw = (0, 3), dict(steps=30, lr=1e-2, batch_size=8, target_accuracy=0.9, eval_every=10)
    model, hists = ag.train_model_seeds("lstm", small, seeds=seeds, hidden_size=6, length_seed=5, dtype=np.float64,
                                        progress=False, **kw)
    assert isinstance(model, lh.SeededModel) and model.seeds == seeds and len(hists) == 2
    valid = ag.encode_sentences(small["valid"], np.float64)
    for k, s in enumerate(seeds):
        alone = ag.make_model("lstm", 6, seed=s, dtype=np.float64)
        make_batch = shared_length_sampler(ag.WORDS, [x.prefix for x in small["train"]],
                                           [x.label for x in small["train"]], kw["batch_size"], np.float64,
                                           length_seed=5, where="test", name="prefixes")
        h = lh.train(alone, make_batch, steps=kw["steps"], lr=kw["lr"], seed=s, eval_batch=valid,
                     eval_every=kw["eval_every"], evaluate=grouped_accuracy, target_accuracy=kw["target_accuracy"],
                     progress=False)
        assert hists[k].steps_run == h.steps_run and hists[k].eval_step == h.eval_step
        np.testing.assert_allclose(hists[k].loss, h.loss, rtol=0, atol=1e-10)
        np.testing.assert_allclose(hists[k].eval_accuracy, h.eval_accuracy, rtol=0, atol=1e-10)
        for key, p in alone.parameters().items():
            np.testing.assert_allclose(model.model(k).parameters()[key], p, rtol=0, atol=1e-10)
    assert hists[0].loss != hists[1].loss                              # two different runs
    # notebook 09 trains with workers=2: a second process, the same numbers bit for bit
    model2, hists2 = ag.train_model_seeds("lstm", small, seeds=seeds, hidden_size=6, length_seed=5, dtype=np.float64,
                                          progress=False, workers=2, **kw)
    assert hists2.workers == (2 if fork_available() else 1)
    for k in range(len(seeds)):
        assert hists2[k].loss == hists[k].loss and hists2[k].eval_accuracy == hists[k].eval_accuracy
        for key, p in model.parameters().items():
            np.testing.assert_array_equal(model2.parameters()[key][k], p[k], err_msg=key)
    with pytest.raises(ValueError, match="'workers'"):
        ag.train_model_seeds("rnn", small, seeds=2, steps=1, progress=False, workers=0)
    with pytest.raises(ValueError, match="'valid'"):
        ag.train_model_seeds("rnn", {"train": small["train"]}, seeds=2, steps=1, progress=False)
    with pytest.raises(ValueError, match="'cell'"):
        ag.train_model_seeds("gru", small, seeds=2, steps=1, progress=False)
    with pytest.raises(ValueError, match="'seeds'"):
        ag.train_model_seeds("rnn", small, seeds=[], steps=1, progress=False)


# ----------------------------------------------------------------------------- the gradient that reaches a word
def test_input_gradient_norms_are_per_example_and_match_a_finite_difference():
    model = lh.SequenceModel("rnn", len(WORDS), 5, 2, seed=4)
    x = WORDS.encode([["the", "cat", "was"], ["dog", "dog", "the"]])
    y = np.array([1, 0])
    norms = input_gradient_norms(model, x, y)
    assert norms.shape == (3, 2)
    alone = input_gradient_norms(model, x[:, 1:2], y[1:2])            # an example's own loss, not the batch mean
    np.testing.assert_allclose(norms[:, 1], alone[:, 0], rtol=1e-10)
    # ∂L_0/∂x_{t=1} by central differences on the input of example 0 alone
    grad, eps = np.zeros(len(WORDS)), 1e-6
    for d in range(len(WORDS)):
        xp, xm = x[:, :1].copy(), x[:, :1].copy()
        xp[1, 0, d] += eps
        xm[1, 0, d] -= eps
        lp = lh.softmax_cross_entropy(model.logits(xp), y[:1])[0]
        lm = lh.softmax_cross_entropy(model.logits(xm), y[:1])[0]
        grad[d] = (lp - lm) / (2 * eps)
    assert norms[1, 0] == pytest.approx(np.linalg.norm(grad), rel=1e-6)
    with pytest.raises(TypeError, match="'model'"):
        input_gradient_norms(lh.SequenceModel("rnn", len(WORDS), 5, 2, readout="all"), x, y)


def test_gradient_share_groups_lists_of_any_length():
    model = lh.SequenceModel("lstm", len(WORDS), 4, 2, seed=1)
    share = gradient_share(model, WORDS, LISTS, LABELS, [0, 1, 0, 0, 3, 2])
    assert share.shape == (6,)
    assert share[3] == pytest.approx(1.0) and share[4] == pytest.approx(1.0) and share[5] == pytest.approx(1.0)
    for b in (0, 1, 2):                                                 # the same as one list alone
        t = [0, 1, 0][b]
        norms = input_gradient_norms(model, WORDS.encode([LISTS[b]]), np.array([LABELS[b]]))
        assert share[b] == pytest.approx(norms[t, 0] / norms[-1, 0], rel=1e-10)
    with pytest.raises(ValueError, match="'positions'"):
        gradient_share(model, WORDS, LISTS, LABELS, [0, 1, 0, 0, 4, 2])
    with pytest.raises(ValueError, match="'labels' and 'positions'"):
        gradient_share(model, WORDS, LISTS, LABELS[:2], [0, 1, 0, 0, 3, 2])


def test_subject_gradient_share_falls_with_distance_faster_in_the_untrained_rnn(data):
    single = [s for s in data["test"] if s.context == 0]
    d = np.array([s.distance for s in single])
    shares = {cell: ag.subject_gradient_share(ag.make_model(cell, 24, seed=0), single) for cell in ("rnn", "lstm")}
    for cell, share in shares.items():
        assert share.shape == (len(single),) and np.all(share > 0)
        np.testing.assert_allclose(share[d == 1], 1.0, rtol=1e-6)       # the subject is the last word read
        assert np.median(share[(d >= 11) & (d <= 15)]) < np.median(share[(d >= 2) & (d <= 5)])
    far = (d >= 11) & (d <= 15)
    assert np.median(shares["rnn"][far]) < 0.1 * np.median(shares["lstm"][far])
    one = single[40]
    alone = ag.subject_gradient_share(ag.make_model("rnn", 24, seed=0), [one])
    assert alone[0] == pytest.approx(shares["rnn"][40], rel=1e-5)
    with pytest.raises(TypeError, match="'model'"):
        ag.subject_gradient_share(lh.SequenceModel("rnn", 5, 4, 2), single[:3])


# ----------------------------------------------------------------------------- several runs summarised
def _sentence(label, distance, attractors, context=0):
    words = tuple(["the", "cat" if label == 0 else "cats"] + ["x"] * (distance - 1) + [ag.VERBS[label]])
    return ag.Sentence(words, len(words) - 1, label, distance, attractors, 0, context)


def test_seed_spread_gives_median_and_range_per_bin():
    sents = [_sentence(0, 1, 0), _sentence(1, 1, 0), _sentence(0, 4, 1), _sentence(1, 7, 2)]
    labels = np.array([s.label for s in sents])
    runs = [ag.errors_by(sents, labels), ag.errors_by(sents, 1 - labels), ag.errors_by(sents, np.array([0, 0, 0, 0]))]
    s = seed_spread(runs, (3, 5, 7))
    assert isinstance(s["overall"], lh.SeedSummary) and s["overall"].seeds == (3, 5, 7)
    assert s["overall"].median == pytest.approx(0.5) and s["overall"].high == 1.0 and s["overall"].low == 0.0
    n, a0 = s["attractors"][0]
    assert n == 2 and a0.values.tolist() == [0.0, 1.0, 0.5] and a0.median == 0.5
    assert s["distance"][(6, 10)][1].values.tolist() == [0.0, 1.0, 1.0]
    assert set(s) == {"overall", "attractors", "context", "distance", "distance_no_attractor"}
    with pytest.raises(ValueError, match="bins differ"):
        seed_spread([runs[0], ag.errors_by(sents[:2], labels[:2])])
    with pytest.raises(ValueError, match="repeats"):
        seed_spread(runs, (1, 1, 2))


class _Runs:
    def __init__(self, steps, reached):
        self._steps, self._reached = np.array(steps), np.array(reached)

    def steps_run(self):
        return self._steps

    def reached_target(self):
        return self._reached


def test_best_setting_counts_seeds_at_the_target_then_median_steps():
    runs = {1e-3: _Runs([400, 500, 1000], [True, True, False]), 1e-2: _Runs([300, 1000, 200], [True, False, True]),
            3e-2: _Runs([1000, 1000, 1000], [False, False, False])}
    assert best_setting(runs) == 1e-2                                    # 2 of 3 each; median 300 < 500
    runs[3e-2] = _Runs([900, 900, 900], [True, True, True])
    assert best_setting(runs) == 3e-2                                    # more seeds beat fewer steps
    assert best_setting({"a": _Runs([5], [True]), "b": _Runs([5], [True])}) == "a"
    assert ag.best_setting is best_setting
    with pytest.raises(ValueError, match="'runs'"):
        best_setting({})


def test_plot_seed_curves_marks_the_runs_that_used_up_the_budget():
    done = History(eval_step=[25, 50], eval_accuracy=[0.6, 1.0], reached_target=True)
    stalled = History(eval_step=[25, 50, 75], eval_accuracy=[0.5, 0.6, 0.7])
    fig, ax = plt.subplots()
    plot_seed_curves(ax, {"RNN": [done, stalled, stalled], "LSTM": [done]}, colors={"RNN": "#D55E00"}, target=0.9,
                     steps=75)
    lines = ax.get_lines()
    assert len(lines) == 4 + 2 + 2                                       # 4 runs, 2 crosses, target and budget
    crosses = [ln for ln in lines if ln.get_marker() == "x"]
    assert len(crosses) == 2 and all(ln.get_xdata()[0] == 75 for ln in crosses)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend.count("RNN") == 1 and "RNN: budget used up, target not reached" in legend
    assert not any(t.startswith("LSTM:") for t in legend)
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)


def test_error_spread_and_gradient_share_figures(data):
    sents = data["test_long"][:150] + data["test"][:150]
    labels = np.array([s.label for s in sents])
    runs = [ag.errors_by(sents, labels), ag.errors_by(sents, 1 - labels), ag.errors_by(sents, labels)]
    spread = {"RNN": ag.seed_spread(runs), "LSTM": ag.seed_spread(runs[:1] * 3)}
    fig, axes = plt.subplots(1, 2)
    ag.plot_error_spread(axes, spread, baseline=runs[0], colors={"RNN": "#D55E00"}, trained_up_to=(16, 3))
    assert len(axes[0].get_lines()) == 2 and len(axes[1].get_lines()) == 3
    rnn, lstm = axes[1].get_lines()[:2]
    keys = list(spread["RNN"]["attractors"])
    assert list(rnn.get_ydata()) == [100 * spread["RNN"]["attractors"][a][1].median for a in keys]
    # equal medians must not hide each other: side by side, own markers, the first model on top
    np.testing.assert_allclose(np.asarray(rnn.get_xdata()) + 0.08, np.asarray(lstm.get_xdata()))
    assert rnn.get_marker() != lstm.get_marker() and rnn.get_zorder() > lstm.get_zorder()
    assert len(axes[0].collections) >= 2                                 # one range band per model
    legend = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert "RNN: median and range over 3 seeds" in legend and "last-noun shortcut" in legend
    assert "more than in training" in legend
    fig2, ax = plt.subplots()
    single = [s for s in sents if s.context == 0]
    shares = {"RNN": [np.linspace(1, 0.01, len(single))] * 2, "LSTM": [np.ones(len(single))]}
    ag.plot_gradient_share(ax, shares, [s.distance for s in single])
    assert len(ax.get_lines()) == 3 and ax.get_yscale() == "log"
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel().startswith("$")     # mathtext, not raw symbols
    plt.close("all")
