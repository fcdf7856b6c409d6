"""The vanilla RNN: forward semantics against h_t = φ(W_hh·h_{t-1} + W_xh·x_t + b), torch layout,
dtypes, state passing, step, and the BPTT state gradients. (Gradient checks: test_gradcheck.py.)"""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine.rnn import rnn_backward, rnn_forward

D, H, T, B = 3, 5, 6, 2
PHI = {
    "tanh": np.tanh,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "relu": lambda a: np.maximum(a, 0.0),
    "linear": lambda a: a,
}


def data(seed=0, T=T, dtype=np.float64):
    r = np.random.default_rng(seed)
    return r.standard_normal((T, B, D)).astype(dtype), (0.5 * r.standard_normal((B, H))).astype(dtype)


def reference_rnn(rnn, phi, x, h0):
    h, out = h0, []
    for t in range(x.shape[0]):
        h = phi(rnn.weight_hh @ h.T + rnn.weight_ih @ x[t].T + (rnn.bias_ih + rnn.bias_hh)[:, None]).T
        out.append(h)
    return np.stack(out)


def test_nonlinearities_are_covered():
    assert set(PHI) == set(lh.activations.NONLINEARITIES)


@pytest.mark.parametrize("name", list(PHI))
def test_forward_matches_formula(name):
    rnn = lh.RNN(D, H, nonlinearity=name, seed=1)
    x, h0 = data(1)
    out, hT = rnn.forward(x, h0)
    ref = reference_rnn(rnn, PHI[name], x, h0)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(hT, out[-1])


def test_layout_parameters_and_count():
    rnn = lh.RNN(D, H, seed=2)
    assert rnn.weight_ih.shape == (H, D) and rnn.weight_hh.shape == (H, H)
    assert rnn.bias_ih.shape == rnn.bias_hh.shape == (H,)
    params = rnn.parameters()
    assert list(params) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert all(v is getattr(rnn, k) for k, v in params.items())
    assert rnn.num_parameters() == sum(v.size for v in params.values()) == H * D + H * H + 2 * H
    k = 1 / np.sqrt(H)
    assert all(np.abs(v).max() <= k for v in params.values())
    assert not np.array_equal(lh.RNN(D, H, seed=3).weight_hh, rnn.weight_hh)
    np.testing.assert_array_equal(lh.RNN(D, H, seed=2).weight_hh, rnn.weight_hh)


def test_step_equals_forward_with_one_time_step():
    rnn = lh.RNN(D, H, seed=4)
    x, h = data(4)
    out, _ = rnn.forward(x, h)
    for t in range(T):
        h = rnn.step(x[t], h)
        np.testing.assert_allclose(h, out[t], rtol=1e-13, atol=1e-15)
    assert rnn.step(x[0]).shape == (B, H)


def test_state_carried_over_equals_one_run():
    rnn = lh.RNN(D, H, seed=5)
    x, h0 = data(5, T=9)
    out, hT = rnn.forward(x, h0)
    out_a, h_a = rnn.forward(x[:5], h0)
    out_b, h_b = rnn.forward(x[5:], h_a)
    np.testing.assert_allclose(np.concatenate([out_a, out_b]), out, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(h_b, hT, rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(rnn.forward(x)[0], rnn.forward(x, np.zeros((B, H)))[0])


def test_float32_end_to_end_and_close_to_float64():
    r32 = lh.RNN(D, H, dtype=np.float32, seed=6)
    r64 = lh.RNN(D, H, seed=6)
    for k in r64.param_names:
        getattr(r64, k)[:] = getattr(r32, k)
    x, h0 = data(6)
    out32, h32 = r32.forward(x.astype(np.float32), h0.astype(np.float32))
    out64, _ = r64.forward(x, h0)
    assert out32.dtype == h32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=1e-5, atol=1e-6)
    d = np.ones_like(out64)
    dx32, dx64 = r32.backward(d.astype(np.float32)), r64.backward(d)
    assert dx32.dtype == r32.grad_state.dtype == np.float32
    np.testing.assert_allclose(dx32, dx64, rtol=1e-4, atol=1e-5)
    for k in r32.param_names:
        assert r32.grads[k].dtype == np.float32
        np.testing.assert_allclose(r32.grads[k], r64.grads[k], rtol=1e-4, atol=1e-5)


def test_backward_before_forward_shapes_and_keys():
    rnn = lh.RNN(D, H, seed=7)
    with pytest.raises(ValueError, match=r"forward\(\) first"):
        rnn.backward(np.zeros((T, B, H)))
    assert rnn.cache is None
    x, h0 = data(7)
    out, _ = rnn.forward(x, h0)
    dx = rnn.backward(np.ones_like(out), np.ones((B, H)))
    assert dx.shape == x.shape
    assert set(rnn.grads) == set(rnn.param_names)
    np.testing.assert_array_equal(rnn.grads["bias_ih"], rnn.grads["bias_hh"])
    assert rnn.grad_state.shape == (B, H)
    assert "nonlinearity='tanh'" in repr(rnn) and "float64" in repr(rnn)


def test_state_grads_follow_the_chain_rule():
    """keep_state_grads: ∂L/∂h_{t-1} = W_hhᵀ (∂L/∂h_t ⊙ φ'(a_t)) + ∂L/∂h_{t-1} directly."""
    rnn = lh.RNN(D, H, seed=8)
    x, h0 = data(8)
    out, _, cache = rnn_forward(x, h0, rnn.weight_ih, rnn.weight_hh, rnn.bias_ih + rnn.bias_hh)
    r = np.random.default_rng(0)
    d_out, dh_T = r.standard_normal(out.shape), r.standard_normal((B, H))
    g = rnn_backward(d_out, dh_T, cache, keep_state_grads=True)
    np.testing.assert_allclose(g["h"][-1], d_out[-1] + dh_T, rtol=1e-14)
    for t in range(T - 1, 0, -1):
        back = (g["h"][t] * (1 - out[t] ** 2)) @ rnn.weight_hh
        np.testing.assert_allclose(g["h"][t - 1], d_out[t - 1] + back, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g["h0"], (g["h"][0] * (1 - out[0] ** 2)) @ rnn.weight_hh, rtol=1e-12, atol=1e-14)
    assert "h" not in rnn_backward(d_out, dh_T, cache)
