"""SGD, Adam and clipping by global norm on problems whose answer is known in closed form."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh

TARGET = {"a": np.array([1.0, -2.0, 3.0]), "b": np.array([[0.5, -0.5], [2.0, 0.0]])}


def quadratic():
    """L(θ) = ½‖θ − target‖², gradient θ − target."""
    params = {k: np.zeros_like(v) for k, v in TARGET.items()}

    def loss_and_grads():
        grads = {k: params[k] - TARGET[k] for k in params}
        return 0.5 * sum(float(np.sum(g ** 2)) for g in grads.values()), grads

    return params, loss_and_grads


def test_sgd_step_is_minus_lr_times_gradient():
    params, lg = quadratic()
    opt = lh.SGD(params, lr=0.1)
    arrays = {k: v for k, v in params.items()}
    _, g = lg()
    opt.step(g)
    for k in params:
        assert params[k] is arrays[k]  # updated in place
        np.testing.assert_allclose(params[k], 0.1 * TARGET[k], rtol=1e-15)


def test_sgd_momentum_follows_its_formula():
    params, lg = quadratic()
    opt = lh.SGD(params, lr=0.1, momentum=0.9)
    _, g1 = lg()
    opt.step(g1)
    p1 = {k: v.copy() for k, v in params.items()}
    _, g2 = lg()
    opt.step(g2)
    for k in params:
        v2 = 0.9 * g1[k] + g2[k]
        np.testing.assert_allclose(params[k], p1[k] - 0.1 * v2, rtol=1e-14)


def test_adam_first_step_moves_lr_against_the_gradient_sign():
    params, lg = quadratic()
    opt = lh.Adam(params, lr=0.01)
    _, g = lg()
    opt.step(g)
    for k in params:
        # m̂ = g, v̂ = g² after bias correction: the first step is lr · g / (|g| + eps).
        np.testing.assert_allclose(params[k], -0.01 * g[k] / (np.abs(g[k]) + 1e-8), rtol=1e-12)
    assert opt.t == 1


@pytest.mark.parametrize("make", [lambda p: lh.SGD(p, lr=0.2), lambda p: lh.SGD(p, lr=0.05, momentum=0.9),
                                  lambda p: lh.Adam(p, lr=0.1)])
def test_optimizers_minimise_a_quadratic(make):
    params, lg = quadratic()
    opt = make(params)
    first, _ = lg()
    losses = []
    for _ in range(300):
        loss, g = lg()
        losses.append(loss)
        opt.step(g)
    assert losses[-1] < 1e-3 * first
    for k in params:
        np.testing.assert_allclose(params[k], TARGET[k], atol=0.05)


def test_optimizers_keep_float32():
    params = {"w": np.ones(3, np.float32)}
    for opt in (lh.SGD(params, lr=0.1, momentum=0.5), lh.Adam(params, lr=0.1)):
        opt.step({"w": np.ones(3, np.float32)})
        assert params["w"].dtype == np.float32


def test_step_rejects_mismatched_grads():
    params = {"w": np.ones(3)}
    opt = lh.Adam(params)
    with pytest.raises(ValueError, match="'w'"):
        opt.step({"w": np.ones(4)})
    with pytest.raises(ValueError, match=r"\['w'\]"):
        opt.step({})
    with pytest.raises(ValueError, match="NaN"):
        opt.step({"w": np.array([1.0, np.nan, 0.0])})
    np.testing.assert_array_equal(params["w"], 1.0)  # nothing was applied
    assert opt.t == 0


def test_optimizer_updates_a_model_in_place():
    model = lh.SequenceModel("lstm", 3, 4, 2, seed=0)
    before = {k: v.copy() for k, v in model.parameters().items()}
    x = np.random.default_rng(0).standard_normal((5, 2, 3))
    _, d = lh.softmax_cross_entropy(model.forward(x), np.array([0, 1]))
    model.backward(d)
    lh.SGD(model.parameters(), lr=0.1).step(model.grads)
    for k, v in model.parameters().items():
        np.testing.assert_allclose(v, before[k] - 0.1 * model.grads[k], rtol=1e-14, atol=1e-16)


def test_global_norm():
    grads = {"a": np.array([3.0, 4.0]), "b": np.array([[12.0]], np.float32)}
    assert lh.global_norm(grads) == pytest.approx(13.0, rel=1e-15)
    r = np.random.default_rng(0)
    many = {str(i): r.standard_normal((3, i + 1)) for i in range(4)}
    flat = np.concatenate([g.ravel() for g in many.values()])
    assert lh.global_norm(many) == pytest.approx(np.linalg.norm(flat), rel=1e-14)


def test_clip_grad_norm_clips_to_max_norm_and_returns_pre_clip_norm():
    grads = {"a": np.array([3.0, 4.0]), "b": np.array([[0.0, 12.0]])}
    direction = {k: v / 13.0 for k, v in grads.items()}
    total = lh.clip_grad_norm(grads, 1.0)
    assert total == pytest.approx(13.0, rel=1e-15)
    assert lh.global_norm(grads) == pytest.approx(1.0, rel=1e-9)
    for k in grads:
        np.testing.assert_allclose(grads[k], direction[k], rtol=1e-9)


def test_clip_grad_norm_leaves_small_gradients_alone():
    grads = {"a": np.array([0.3, 0.4]), "b": np.array([0.0], np.float32)}
    copy = {k: v.copy() for k, v in grads.items()}
    assert lh.clip_grad_norm(grads, 1.0) == pytest.approx(0.5)
    for k in grads:
        np.testing.assert_array_equal(grads[k], copy[k])
    assert grads["b"].dtype == np.float32
