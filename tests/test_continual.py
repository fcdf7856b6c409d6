"""The continual task (lstm_helpers.lessons.continual): recall episodes chained without state resets, and the
gate ablation on it over seeds."""
from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import continual as ct
from lstm_helpers.engine.losses import IGNORE

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.mark.parametrize("lag_range", [(0, 0), (2, 6), (5, 5)])
def test_stream_structure(lag_range):
    s = ct.continual_stream(np.random.default_rng(0), 7, 80, lag_range=lag_range)
    assert s.tokens.shape == s.targets.shape == s.episode.shape == (80, 7)
    for b in range(7):
        tok, tgt, ep = s.tokens[:, b], s.targets[:, b], s.episode[:, b]
        assert ep[0] == 0 and np.all(np.diff(ep) >= 0) and np.all(np.diff(ep) <= 1)
        starts = np.flatnonzero(np.r_[True, np.diff(ep) == 1])
        # every episode starts with a symbol, and symbols occur only there
        np.testing.assert_array_equal(np.flatnonzero(tok < ct.NUM_SYMBOLS), starts)
        for e, st in enumerate(starts):
            steps = np.flatnonzero(ep == e)
            queries = steps[tok[steps] == ct.QUERY]
            complete = e < len(starts) - 1 or queries.size == 1
            if complete:                                   # whole episode: one query, at its end, asking for its symbol
                assert queries.size == 1 and queries[0] == steps[-1]
                assert lag_range[0] <= steps.size - 2 <= lag_range[1]
                assert tgt[queries[0]] == tok[st]
        # targets exactly at the queries
        np.testing.assert_array_equal(tgt != IGNORE, tok == ct.QUERY)


def test_answers_depend_on_the_current_episode_only():
    """Successive episodes use independent symbols, so the previous symbol is often wrong."""
    s = ct.continual_stream(np.random.default_rng(1), 200, 100)
    prev_wrong = []
    for b in range(200):
        q = np.flatnonzero(s.targets[:, b] != IGNORE)
        t = s.targets[q, b]
        prev_wrong.extend(t[1:] != t[:-1])
    assert 0.6 < np.mean(prev_wrong) < 0.9     # 3/4 expected with 4 symbols


def test_seeded_and_batch_helpers():
    a = ct.continual_batch(np.random.default_rng(5), 4, 30)
    b = ct.continual_batch(np.random.default_rng(5), 4, 30)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].shape == (30, 4, ct.NUM_TOKENS) and np.all(a[0].sum(-1) == 1)
    x, y = ct.episode_batch(np.random.default_rng(2), 6, lag_range=(3, 3))
    assert x.shape == (5, 6, ct.NUM_TOKENS)
    np.testing.assert_array_equal(y[:-1], IGNORE)
    np.testing.assert_array_equal(y[-1], x[0].argmax(-1))


def test_argument_checks():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="'rng'"):
        ct.continual_stream(0, 2, 10)
    with pytest.raises(ValueError, match="'length'"):
        ct.continual_stream(rng, 2, 0)
    with pytest.raises(ValueError, match="'lag_range'"):
        ct.continual_stream(rng, 2, 10, lag_range=(5, 2))
    with pytest.raises(TypeError, match="'lag_range'"):
        ct.continual_stream(rng, 2, 10, lag_range=3)


def test_accuracy_by_episode_counts_the_right_queries():
    s = ct.continual_stream(np.random.default_rng(3), 5, 60)
    C = ct.NUM_SYMBOLS
    perfect = np.eye(C)[np.where(s.targets >= 0, s.targets, 0)]           # (T, B, C): right at every query
    wrong_late = perfect.copy()
    late = (s.episode >= 3) & (s.targets >= 0)
    wrong_late[late] = np.roll(wrong_late[late], 1, axis=-1)               # wrong from episode 3 on
    acc = ct.accuracy_by_episode(wrong_late, s, [0, 3, 100])
    np.testing.assert_allclose(acc, [1.0, 0.0])
    assert np.isnan(ct.accuracy_by_episode(perfect, s, [100, 200])[0])
    with pytest.raises(ValueError, match="'bins'"):
        ct.accuracy_by_episode(perfect, s, [3, 3])
    with pytest.raises(ValueError, match="'logits'"):
        ct.accuracy_by_episode(perfect[:, :2], s, [0, 3])


def test_forward_with_resets_equals_separate_episodes():
    """With resets, each query's logits equal running that episode alone from a zero state."""
    s = ct.continual_stream(np.random.default_rng(4), 3, 40)
    model = lh.SequenceModel("lstm", ct.NUM_TOKENS, 5, ct.NUM_SYMBOLS, readout="all", seed=0, forget_gate=False)
    logits = ct.forward_with_resets(model, s)
    x = s.inputs()
    for b in range(3):
        for e in np.unique(s.episode[:, b]):
            steps = np.flatnonzero(s.episode[:, b] == e)
            alone = model.forward(x[steps, b:b + 1])[:, 0]
            np.testing.assert_allclose(logits[steps, b], alone, atol=1e-12)
    # without resets the later episodes differ (the state carries over)
    assert not np.allclose(model.forward(x), logits)
    rnn = lh.SequenceModel("rnn", ct.NUM_TOKENS, 5, ct.NUM_SYMBOLS, readout="all", seed=0)
    assert ct.forward_with_resets(rnn, s).shape == (40, 3, ct.NUM_SYMBOLS)


# ----------------------------------------------------------------------------- gate ablation over seeds
def test_stream_generator_is_reproducible_from_its_draws():
    """The stream is laid out from the generator's draws only: lags, symbols, then distractors (B, T fixed)."""
    rng = np.random.default_rng(11)
    s = ct.continual_stream(np.random.default_rng(11), 3, 25)
    E = 25 // (ct.LAG_RANGE[0] + 2) + 1
    lags = rng.integers(ct.LAG_RANGE[0], ct.LAG_RANGE[1] + 1, (E, 3))
    symbols = rng.integers(0, ct.NUM_SYMBOLS, (E, 3))
    for b in range(3):
        t, e = 0, 0
        while t < 25:
            assert s.tokens[t, b] == symbols[e, b] and s.episode[t, b] == e
            q = t + lags[e, b] + 1
            if q < 25:
                assert s.tokens[q, b] == ct.QUERY and s.targets[q, b] == symbols[e, b]
            t, e = q + 1, e + 1


@pytest.mark.parametrize("variant", list(ct.ABLATION_VARIANTS))
def test_each_variant_builds_its_cell_and_equals_one_seed_runs(variant):
    label, kwargs, reset = ct.ABLATION_VARIANTS[variant]
    test = ct.continual_stream(np.random.default_rng(0), 3, 40)
    kw = dict(hidden_size=3, length=12, batch_size=4, steps=6, lr=2e-2, eval_every=3)
    run = ct.train_variant_seeds(variant, test, seeds=(0, 2), episode_bins=(0, 2, 50), progress=False, **kw)
    assert run.seeds == (0, 2) and run.cap == 6 and run.steps.shape == run.reached.shape == (2,)
    assert run.accuracy.shape == (2,) and run.by_episode.shape == (2, 2)
    assert (run.cell_norm is None) == reset
    if not reset:
        assert run.cell_norm.shape == (2, 40) and np.all(np.isfinite(run.cell_norm))
    for k, s in enumerate(run.seeds):
        one = run.models[k]
        cfg = one.cell.config
        for flag in ("input_gate", "forget_gate", "output_gate", "output_activation"):
            assert getattr(cfg, flag) == kwargs.get(flag, True)
        ref = lh.SequenceModel("lstm", ct.NUM_TOKENS, 3, ct.NUM_SYMBOLS, readout="all", seed=s, **kwargs)
        if reset:
            val = ct.episode_batch(np.random.default_rng(10_000), 200, lag_range=(6, 6))
            make = lambda rng: ct.episode_batch(rng, 4)                   # noqa: E731
        else:
            val = ct.continual_batch(np.random.default_rng(10_000), 200, 12)
            make = lambda rng: ct.continual_batch(rng, 4, 12)             # noqa: E731
        hist = lh.train(ref, make, steps=6, lr=2e-2, seed=s, eval_batch=val, eval_every=3, target_accuracy=0.99,
                        progress=False)
        assert run.steps[k] == hist.steps_run and run.validation[k] == hist.eval_accuracy[-1]
        for key, p in ref.parameters().items():
            np.testing.assert_allclose(one.parameters()[key], p, rtol=0, atol=1e-10)
        logits = ct.forward_with_resets(ref, test) if reset else ref.logits(test.inputs())
        assert run.accuracy[k] == pytest.approx(lh.accuracy(logits, test.targets), abs=1e-12)


def test_run_ablation_collects_every_variant_and_plots_the_cap():
    test = ct.continual_stream(np.random.default_rng(0), 4, 40)
    res = ct.run_ablation(["vanilla", "no_forget_gate"], test, seeds=(0, 1), hidden_size=3, length=12, batch_size=4,
                          steps=2, episode_bins=(0, 2, 50), progress=False)
    assert res.variants == ["vanilla", "no_forget_gate"] and res.seeds == (0, 1) and res.cap == 2
    assert res.episode_bins == (0, 2, 50)
    for v in res.variants:
        assert res.accuracy(v).shape == res.steps(v).shape == res.reached(v).shape == (2,)
        assert res.by_episode(v).shape == (2, 2)
        t = res.runs[v].time_to_target()
        assert t.cap == 2 and t.k == 0                               # two updates cannot reach 99 %
    fig, axes = plt.subplots(2, 1)
    bars = ct.plot_ablation(axes, res, colors=["C0", "C1"])
    np.testing.assert_allclose([b.get_height() for b in bars], [np.median(res.accuracy(v)) for v in res.variants])
    labels = [ln.get_label() for ln in axes[1].lines]
    assert "stopped by the cap" in labels and labels.count("stopped by the cap") == 1
    cap_line = [ln for ln in axes[1].lines if ln.get_label().startswith("cap")][0]
    assert cap_line.get_ydata()[0] == 2
    assert any(ln.get_label().startswith("chance") for ln in axes[0].lines)
    plt.close(fig)
    fig, axes = plt.subplots(2, 1)
    ct.plot_ablation(axes, res, chance=None)
    assert not any(ln.get_label().startswith("chance") for ln in axes[0].lines)
    plt.close(fig)
    with pytest.raises(ValueError, match="'variants'"):
        ct.run_ablation([], test)
    with pytest.raises(ValueError, match="'variants'"):
        ct.run_ablation(["no_cell"], test)
    with pytest.raises(ValueError, match="'variant'"):
        ct.train_variant_seeds("no_cell", test)
    with pytest.raises(TypeError, match="'test'"):
        ct.train_variant_seeds("vanilla", test.tokens)
    with pytest.raises(ValueError, match="'seeds'"):
        ct.run_ablation(["vanilla"], test, seeds=())


def test_forget_gate_learns_the_continual_task():
    """Short training: the vanilla LSTM clearly beats chance on long test streams, every seed."""
    test = ct.continual_stream(np.random.default_rng(1), 20, 200)
    run = ct.train_variant_seeds("vanilla", test, seeds=(0, 1), hidden_size=8, length=30, batch_size=16, steps=100,
                                 progress=False)
    assert np.all(run.accuracy > 0.9)
    assert run.cell_norm.shape == (2, 200) and np.all(np.isfinite(run.cell_norm))
