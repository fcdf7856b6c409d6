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


# ----------------------------------------------------------------------------- initialisation options
def pytorch_draws(seed, D=D, H=H):
    """The default start, drawn as PyTorch draws it: U(−1/√H, 1/√H) for W_ih, W_hh, b_ih, b_hh in this order."""
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(H)
    return [rng.uniform(-k, k, shape) for shape in ((H, D), (H, H), H, H)], rng


def test_default_init_is_unchanged_bit_for_bit():
    for seed in (0, 3):
        (w_ih, w_hh, b_ih, b_hh), _ = pytorch_draws(seed)
        for rnn in (lh.RNN(D, H, seed=seed), lh.RNN(D, H, init="default", seed=seed)):
            for name, ref in zip(rnn.param_names, (w_ih, w_hh, b_ih, b_hh)):
                np.testing.assert_array_equal(getattr(rnn, name), ref)
        assert "init" not in repr(lh.RNN(D, H, seed=seed))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_orthogonal_init_changes_only_W_hh(dtype):
    default = lh.RNN(D, H, seed=4, dtype=dtype)
    orth = lh.RNN(D, H, init="orthogonal", seed=4, dtype=dtype)
    w = orth.weight_hh.astype(np.float64)
    assert orth.weight_hh.dtype == dtype
    np.testing.assert_allclose(w @ w.T, np.eye(H), atol=1e-12 if dtype == np.float64 else 1e-6)
    np.testing.assert_allclose(np.linalg.svd(w, compute_uv=False), 1.0, atol=1e-6)
    for name in ("weight_ih", "bias_ih", "bias_hh"):
        np.testing.assert_array_equal(getattr(orth, name), getattr(default, name))
    assert not np.allclose(orth.weight_hh, default.weight_hh)
    # the orthogonal matrix is drawn next from the same generator, as lstm_helpers.engine.rnn.orthogonal draws it
    _, rng = pytorch_draws(4)
    np.testing.assert_array_equal(orth.weight_hh, lh.rnn.orthogonal(rng, H).astype(dtype))
    assert not np.array_equal(lh.RNN(D, H, init="orthogonal", seed=5).weight_hh, orth.weight_hh)
    assert "init='orthogonal'" in repr(orth)


def test_orthogonal_fixes_the_signs_like_torch():
    """Q R = A with diag(R) > 0 after the sign fix: the result is the unique such Q, not LAPACK's choice."""
    q = lh.rnn.orthogonal(np.random.default_rng(0), 6)
    a = np.random.default_rng(0).standard_normal((6, 6))
    r = q.T @ a
    np.testing.assert_allclose(np.tril(r, -1), 0.0, atol=1e-12)     # upper triangular
    assert np.all(np.diag(r) > 0)


def test_identity_init_is_the_irnn_start():
    default = lh.RNN(D, H, seed=6)
    irnn = lh.RNN(D, H, init="identity", nonlinearity="relu", seed=6)
    np.testing.assert_array_equal(irnn.weight_hh, np.eye(H))
    np.testing.assert_array_equal(irnn.bias_ih, 0.0)
    np.testing.assert_array_equal(irnn.bias_hh, 0.0)
    np.testing.assert_array_equal(irnn.weight_ih, default.weight_ih)
    # a ReLU RNN with W_hh = I and no bias carries a non-negative state on unchanged when the input is 0
    h0 = np.abs(np.random.default_rng(0).standard_normal((B, H)))
    out, hT = irnn.forward(np.zeros((7, B, D)), h0)
    np.testing.assert_array_equal(hT, h0)


def test_init_is_checked():
    with pytest.raises(ValueError, match=r"RNN\(\): argument 'init' must be one of 'default', 'orthogonal', "
                                         r"'identity', but it is 'xavier'"):
        lh.RNN(D, H, init="xavier")
    with pytest.raises(ValueError, match="'init'"):
        lh.SequenceModel("rnn", D, H, 2, init="Orthogonal")


@pytest.mark.parametrize("init, nonlinearity", [("orthogonal", "tanh"), ("identity", "relu")])
def test_init_flows_through_sequence_and_seeded_models(init, nonlinearity):
    seeds = (0, 2, 5)
    seeded = lh.SeededModel("rnn", D, H, 3, seeds=seeds, init=init, nonlinearity=nonlinearity)
    x = data(9)[0]
    logits = seeded.forward(x)
    for k, s in enumerate(seeds):
        one = lh.SequenceModel("rnn", D, H, 3, seed=s, init=init, nonlinearity=nonlinearity)
        assert one.cell.init == init
        for key, p in one.parameters().items():
            np.testing.assert_array_equal(seeded.parameters()[key][k], p)
        np.testing.assert_array_equal(logits[k], one.forward(x))
        for key, p in seeded.model(k).parameters().items():       # a seed handed back keeps its start
            np.testing.assert_array_equal(p, one.parameters()[key])
