"""The toy encoder-decoder: shapes, gradients through the thought vector, and that it learns."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import seq2seq as s2


def test_reversal_batch():
    src, tgt = s2.reversal_batch(np.random.default_rng(0), 5, 4, 3)
    assert src.shape == tgt.shape == (4, 5) and src.max() < 3
    np.testing.assert_array_equal(tgt, src[::-1])
    with pytest.raises(TypeError, match="'rng'"):
        s2.reversal_batch(0, 5, 4, 3)


def test_gradients_match_finite_differences():
    m = s2.Seq2Seq(3, 4, seed=1, dtype=np.float64)
    src, tgt = s2.reversal_batch(np.random.default_rng(2), 2, 3, 3)

    def loss():
        return lh.softmax_cross_entropy(m.forward(src, tgt), tgt)[0]

    _, d = lh.softmax_cross_entropy(m.forward(src, tgt), tgt)
    m.backward(d)
    grads = {k: v.copy() for k, v in m.grads.items()}
    assert set(grads) == set(m.parameters())
    for name in ("encoder.weight_ih", "encoder.weight_hh", "decoder.weight_hh", "head.weight"):
        num = lh.numerical_gradient(loss, m.parameters()[name])
        assert lh.rel_error(grads[name], num) < 1e-6, name


def test_decoder_sees_the_source_only_through_the_final_state():
    m = s2.Seq2Seq(4, 6, seed=0, dtype=np.float64)
    a = np.array([[0], [1], [2]])
    b = np.array([[3], [1], [2]])      # differs from a in the first symbol only
    la, lb = m.forward(a, a[::-1]), m.forward(b, a[::-1])
    assert not np.allclose(la, lb)
    h, C = m.encode(a)
    out, _ = m.decoder.forward(lh.one_hot(np.array([[4], [2], [1]]), 5), (h, C))
    np.testing.assert_allclose(la, m.head.forward(out))


def test_it_learns_short_reversals():
    m = s2.Seq2Seq(4, 24, seed=0)
    hist = s2.train_seq2seq(m, length=3, steps=250, batch_size=32, lr=2e-2, seed=0, progress=False)
    assert isinstance(hist, lh.History) and hist.steps_run == 250
    assert len(hist.loss) == len(hist.accuracy) == 250 and np.mean(hist.loss[-10:]) < np.mean(hist.loss[:10])
    src, tgt = s2.reversal_batch(np.random.default_rng(5), 300, 3, 4)
    acc = s2.position_accuracy(m, src, tgt)
    assert acc.shape == (3,) and acc.min() > 0.9        # chance is 0.25
    assert m.num_parameters() == sum(p.size for p in m.parameters().values())


def test_train_seq2seq_is_lh_train_with_teacher_forcing():
    """The same draws and updates as a hand-written loop: reversal batch, teacher-forced forward,
    cross-entropy, backward, clipping, Adam."""
    m, ref = s2.Seq2Seq(4, 6, seed=3), s2.Seq2Seq(4, 6, seed=3)
    hist = s2.train_seq2seq(m, length=3, steps=5, batch_size=8, lr=1e-2, clip=0.5, seed=7, progress=False)
    rng, opt, losses = np.random.default_rng(7), lh.Adam(ref.parameters(), lr=1e-2), []
    for _ in range(5):
        src, tgt = s2.reversal_batch(rng, 8, 3, 4)
        loss, d = lh.softmax_cross_entropy(ref.forward(src, tgt), tgt)
        ref.backward(d)
        grads = ref.grads
        lh.clip_grad_norm(grads, 0.5)
        opt.step(grads)
        losses.append(loss)
    assert hist.loss == losses
    for k, v in m.parameters().items():
        np.testing.assert_array_equal(v, ref.parameters()[k])
    with pytest.raises(TypeError, match="'model'"):
        s2.train_seq2seq(lh.SequenceModel("lstm", 4, 6, 4), length=3, steps=1, progress=False)
