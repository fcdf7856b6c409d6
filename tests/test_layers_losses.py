"""Linear read-out, softmax cross-entropy (with ignored positions) and accuracy."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine.losses import IGNORE


def test_linear_forward_is_affine_on_last_axis(rng):
    lin = lh.Linear(4, 3, seed=1)
    assert lin.weight.shape == (3, 4) and lin.bias.shape == (3,)
    h2 = rng.standard_normal((5, 4))
    np.testing.assert_allclose(lin.forward(h2), h2 @ lin.weight.T + lin.bias, rtol=1e-14)
    h3 = rng.standard_normal((2, 5, 4))
    y3 = lin(h3)
    assert y3.shape == (2, 5, 3)
    for t in range(2):
        np.testing.assert_allclose(y3[t], np.array([lin.weight @ v + lin.bias for v in h3[t]]), rtol=1e-13)
    assert lin.forward(h2[0]).shape == (3,)


def test_linear_parameters_init_and_count():
    lin = lh.Linear(4, 3, seed=2)
    assert lin.num_parameters() == 15
    assert lin.parameters()["weight"] is lin.weight
    k = 1 / np.sqrt(4)
    assert np.abs(lin.weight).max() <= k and np.abs(lin.bias).max() <= k
    np.testing.assert_array_equal(lh.Linear(4, 3, seed=2).weight, lin.weight)
    assert not np.array_equal(lh.Linear(4, 3, seed=3).weight, lin.weight)
    assert "Linear(4, 3" in repr(lin)


@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 4)])
def test_linear_gradients(shape, rng):
    lin = lh.Linear(4, 3, seed=4)
    h = rng.standard_normal(shape)
    R = rng.standard_normal(shape[:-1] + (3,))

    def loss():
        return float(np.sum(lin.forward(h) * R))

    loss()
    dh = lin.backward(R)
    assert set(lin.grads) == {"weight", "bias"}
    assert lh.rel_error(dh, lh.numerical_gradient(loss, h)) < 1e-7
    for k, p in lin.parameters().items():
        assert lh.rel_error(lin.grads[k], lh.numerical_gradient(loss, p)) < 1e-7, k


def test_linear_float32_and_backward_before_forward():
    lin = lh.Linear(4, 3, dtype=np.float32)
    with pytest.raises(ValueError, match=r"forward\(\) first"):
        lin.backward(np.ones((2, 3), np.float32))
    y = lin.forward(np.ones((2, 4), np.float32))
    assert y.dtype == np.float32
    assert lin.backward(np.ones((2, 3), np.float32)).dtype == np.float32
    assert lin.grads["weight"].dtype == np.float32


def _reference_ce(logits, targets, ignore):
    logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    m = targets != ignore
    return -np.mean(np.take_along_axis(logp, np.where(m, targets, 0)[..., None], axis=-1)[..., 0][m])


@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 4)])
def test_cross_entropy_value_and_gradient(shape, rng):
    logits = rng.standard_normal(shape)
    targets = rng.integers(0, 4, shape[:-1])
    loss, d = lh.softmax_cross_entropy(logits, targets)
    assert isinstance(loss, float) and d.shape == logits.shape
    assert loss == pytest.approx(_reference_ce(logits, targets, IGNORE), rel=1e-13)
    num = lh.numerical_gradient(lambda: lh.softmax_cross_entropy(logits, targets)[0], logits)
    assert lh.rel_error(d, num) < 1e-7


@pytest.mark.parametrize("ignore_index", [IGNORE, 7, 0])
def test_cross_entropy_ignore_index(ignore_index, rng):
    logits = rng.standard_normal((4, 3, 5))
    targets = rng.integers(1, 5, (4, 3))
    targets[0, :] = ignore_index
    targets[2, 1] = ignore_index
    loss, d = lh.softmax_cross_entropy(logits, targets, ignore_index=ignore_index)
    assert loss == pytest.approx(_reference_ce(logits, targets, ignore_index), rel=1e-13)
    np.testing.assert_array_equal(d[0], 0.0)
    np.testing.assert_array_equal(d[2, 1], 0.0)
    # Ignored positions do not influence the loss at all.
    changed = logits.copy()
    changed[0] += 100.0
    assert lh.softmax_cross_entropy(changed, targets, ignore_index=ignore_index)[0] == loss
    num = lh.numerical_gradient(lambda: lh.softmax_cross_entropy(logits, targets, ignore_index=ignore_index)[0],
                                logits)
    assert lh.rel_error(d, num) < 1e-7
    # The mean runs over counted positions only: d = (softmax − one_hot) / n_counted there.
    m = targets != ignore_index
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    expected = (p - np.eye(5)[np.where(m, targets, 0)]) / m.sum()
    np.testing.assert_allclose(d[m], expected[m], rtol=1e-12, atol=1e-15)


def test_cross_entropy_all_ignored_raises():
    with pytest.raises(ValueError, match="ignore_index"):
        lh.softmax_cross_entropy(np.zeros((2, 3)), np.array([-1, -1]))
    with pytest.raises(ValueError, match="ignore_index"):
        lh.accuracy(np.zeros((2, 3)), np.array([-1, -1]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_extreme_logits_finite(dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, d = lh.softmax_cross_entropy(logits, np.array([1, 1]))
        assert lh.softmax_cross_entropy(logits, np.array([0, 1]))[0] == 0.0
    assert np.isfinite(loss) and np.isfinite(d).all()
    assert d.dtype == dtype
    np.testing.assert_allclose(d, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-7)


def test_cross_entropy_value_at_extreme_logits():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]])
    loss, _ = lh.softmax_cross_entropy(logits, np.array([1, 1]))
    assert loss == pytest.approx(1e4, rel=1e-12)  # (2e4 + 0) / 2


def test_cross_entropy_uniform_logits_is_log_C():
    for C in (2, 4, 10):
        loss, _ = lh.softmax_cross_entropy(np.zeros((3, C)), np.zeros(3, int))
        assert loss == pytest.approx(np.log(C), rel=1e-14)


def test_accuracy(rng):
    logits = rng.standard_normal((6, 4))
    pred = logits.argmax(axis=-1)
    targets = pred.copy()
    targets[:2] = (pred[:2] + 1) % 4
    assert lh.accuracy(logits, targets) == pytest.approx(4 / 6)
    targets[0] = IGNORE
    assert lh.accuracy(logits, targets) == pytest.approx(4 / 5)
    seq = rng.standard_normal((3, 2, 4))
    assert lh.accuracy(seq, seq.argmax(-1)) == 1.0
