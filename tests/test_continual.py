"""The continual task (lstm_helpers.lessons.continual): recall episodes chained without state resets."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import continual as ct
from lstm_helpers.engine.losses import IGNORE


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
