"""Gradient-flow tools against independent computations: BPTT seeded with the identity and
finite differences of the final state with respect to an earlier one."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine.rnn import rnn_backward, rnn_forward

D, H, T, B = 2, 3, 7, 2
EPS = 1e-6


def _spec(J):
    return np.linalg.norm(J, ord=2)


def _x(seed, T=T):
    return np.random.default_rng(seed).standard_normal((T, B, D))


def _rnn(rho=1.2, nonlinearity="tanh", seed=1):
    rnn = lh.RNN(D, H, nonlinearity=nonlinearity, seed=seed)
    rnn.weight_hh[:] = lh.scale_to_spectral_radius(rnn.weight_hh, rho)
    return rnn


@pytest.mark.parametrize("nonlinearity", ["tanh", "sigmoid", "linear"])
def test_rnn_jacobian_norms_equal_bptt_seeded_with_identity(nonlinearity):
    rnn = _rnn(nonlinearity=nonlinearity)
    x = _x(2)
    norms = lh.rnn_jacobian_norms(rnn, x)
    assert norms.shape == (T,) and norms[0] == 1.0
    # BPTT: H copies of every sequence, copy j seeded with e_j at h_T; the gradient reaching h_t is row j of
    # ∂h_T/∂h_t.
    xr = np.repeat(x, H, axis=1)
    out, _, cache = rnn_forward(xr, np.zeros((B * H, H)), rnn.weight_ih, rnn.weight_hh,
                                rnn.bias_ih + rnn.bias_hh, nonlinearity)
    g = rnn_backward(np.zeros_like(out), np.tile(np.eye(H), (B, 1)), cache, keep_state_grads=True)
    J = g["h"].reshape(T, B, H, H)
    bptt = np.array([np.mean([_spec(J[T - 1 - k, b]) for b in range(B)]) for k in range(T)])
    np.testing.assert_allclose(norms, bptt, rtol=1e-10)


def test_rnn_jacobian_norms_equal_finite_differences():
    rnn = _rnn(rho=0.9)
    x = _x(3)
    h0 = 0.3 * np.ones((B, H))
    norms = lh.rnn_jacobian_norms(rnn, x, h0)
    out, _ = rnn.forward(x, h0)
    fd = [1.0]
    for k in range(1, T):
        t0 = T - 1 - k  # perturb h at output index t0, run the remaining k steps
        per_b = []
        for b in range(B):
            J = np.empty((H, H))
            for j in range(H):
                hp, hm = out[t0].copy(), out[t0].copy()
                hp[b, j] += EPS
                hm[b, j] -= EPS
                J[:, j] = (rnn.forward(x[t0 + 1:], hp)[1][b] - rnn.forward(x[t0 + 1:], hm)[1][b]) / (2 * EPS)
            per_b.append(_spec(J))
        fd.append(np.mean(per_b))
    np.testing.assert_allclose(norms, fd, rtol=1e-6)


def test_rnn_jacobian_decays_like_spectral_radius_for_linear_rnn():
    """Linear RNN with a symmetric W: ‖W^k‖₂ = ρ^k exactly."""
    rnn = lh.RNN(D, H, nonlinearity="linear", seed=4)
    S = rnn.weight_hh + rnn.weight_hh.T
    rnn.weight_hh[:] = lh.scale_to_spectral_radius(S, 0.8)
    norms = lh.rnn_jacobian_norms(rnn, _x(4))
    np.testing.assert_allclose(norms, 0.8 ** np.arange(T), rtol=1e-10)


def _lstm(seed=5, **kw):
    return lh.LSTM(D, H, seed=seed, **kw)


def _lstm_fd(lstm, x, which):
    """Finite-difference ‖∂state_T/∂state_t‖₂ (all paths), batch mean, by lag."""
    out, _ = lstm.forward(x)
    g = lstm.last_gates()
    C, o = g["C_t"], g["o_t"]
    norms = [1.0]
    for k in range(1, T):
        t0 = T - 1 - k
        per_b = []
        for b in range(B):
            J = np.empty((H, H))
            for j in range(H):
                finals = []
                for s in (EPS, -EPS):
                    h_t, C_t = out[t0].copy(), C[t0].copy()
                    if which == "cell":  # h_t = o_t ⊙ tanh(C_t) moves with C_t
                        C_t[b, j] += s
                        h_t = o[t0] * np.tanh(C_t)
                    else:
                        h_t[b, j] += s
                    _, (hT, CT) = lstm.forward(x[t0 + 1:], (h_t, C_t))
                    finals.append((CT if which == "cell" else hT)[b])
                J[:, j] = (finals[0] - finals[1]) / (2 * EPS)
            per_b.append(_spec(J))
        norms.append(np.mean(per_b))
    return np.array(norms)


@pytest.mark.parametrize("kw", [{}, {"forget_bias": 3.0}, {"output_gate": False}])
def test_lstm_cell_jacobian_norms_equal_finite_differences(kw):
    lstm = _lstm(**kw)
    x = _x(6)
    norms = lh.lstm_cell_jacobian_norms(lstm, x)
    assert norms.shape == (T,) and norms[0] == pytest.approx(1.0)
    np.testing.assert_allclose(norms, _lstm_fd(lstm, x, "cell"), rtol=1e-6)


def test_lstm_hidden_jacobian_norms_equal_finite_differences():
    lstm = _lstm(seed=7)
    x = _x(7)
    norms = lh.lstm_hidden_jacobian_norms(lstm, x)
    assert norms[0] == pytest.approx(1.0)
    np.testing.assert_allclose(norms, _lstm_fd(lstm, x, "hidden"), rtol=1e-6)


def test_forget_path_norms_of_constant_f():
    for f in (0.9, 0.5, 1.0):
        np.testing.assert_allclose(lh.forget_path_norms(np.full((T, B, H), f)), f ** np.arange(T), rtol=1e-14)
        np.testing.assert_allclose(lh.forget_path_norms(np.full(T, f)), f ** np.arange(T), rtol=1e-14)


def test_forget_path_norms_max_over_units_mean_over_batch():
    f = np.empty((T, 2, 2))
    f[:, 0, 0], f[:, 0, 1] = 0.5, 0.9  # max over units: 0.9
    f[:, 1, 0], f[:, 1, 1] = 0.2, 0.3  # max over units: 0.3
    k = np.arange(T)
    np.testing.assert_allclose(lh.forget_path_norms(f), (0.9 ** k + 0.3 ** k) / 2, rtol=1e-14)


def test_forget_path_norms_of_an_lstm_use_the_latest_gates():
    lstm = _lstm(seed=8)
    lstm.forward(_x(8))
    f = lstm.last_gates()["f_t"]
    expected = [np.ones((B, H))]
    for k in range(1, T):
        expected.append(expected[-1] * f[T - k])  # ∏ f over the last k steps
    expected = np.array([e.max(axis=1).mean() for e in expected])
    np.testing.assert_allclose(lh.forget_path_norms(f), expected, rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rho", [0.5, 1.0, 3.0])
def test_scale_to_spectral_radius(rho, dtype):
    W = np.random.default_rng(9).standard_normal((5, 5)).astype(dtype)
    V = lh.scale_to_spectral_radius(W, rho)
    assert V.dtype == dtype
    assert np.max(np.abs(np.linalg.eigvals(V.astype(np.float64)))) == pytest.approx(rho, rel=1e-5)
    np.testing.assert_allclose(V / W, (V / W).flat[0], rtol=1e-5)  # a pure rescaling
    with pytest.raises(ValueError, match="spectral radius 0"):
        lh.scale_to_spectral_radius(np.zeros((3, 3), dtype), rho)


def test_spectral_radius():
    assert lh.spectral_radius(np.diag([0.5, -2.0, 1.0])) == pytest.approx(2.0)
    a = 0.3
    rotation = 0.7 * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])  # complex eigenvalues
    assert lh.spectral_radius(rotation) == pytest.approx(0.7, rel=1e-12)


def test_lag_below():
    norms = 0.5 ** np.arange(12)
    first = next(k for k, v in enumerate(norms) if v < 0.01 * norms[0])
    assert lh.lag_below(norms) == first
    assert lh.lag_below(norms, fraction=0.2) == next(k for k, v in enumerate(norms) if v < 0.2)
    assert lh.lag_below(3.0 * norms) == first  # relative to norms[0]
    assert lh.lag_below(np.ones(10)) is None
    assert isinstance(lh.lag_below(norms), int)
