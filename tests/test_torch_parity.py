"""The numpy engine computes exactly what PyTorch computes: lh.LSTM against torch.nn.LSTM and
lh.RNN against torch.nn.RNN, with the same weights copied over (same layout: weight_ih, weight_hh,
bias_ih, bias_hh; LSTM gate order i, f, g, o), compared on outputs, final state and every gradient.

torch is NOT a dependency of the course. This test runs where it is installed (for the benchmark:
``.venv/bin/pip install torch==2.13.0``) and is skipped with that reason everywhere else.
"""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh

torch = pytest.importorskip(
    "torch", reason="torch is not installed; it is optional (benchmark only: .venv/bin/pip install torch==2.13.0)")

# float64: only the summation order differs, so the agreement is close to machine precision.
TOL64 = dict(rtol=1e-10, atol=1e-12)
TOL32 = dict(rtol=1e-4, atol=1e-5)
SIZES = [(7, 3, 5, 4), (12, 1, 8, 32), (6, 16, 3, 32)]  # (T, B, D, H): a small batch, one example, a larger batch


def _copy_weights(ours, theirs, dtype):
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(theirs, f"{name}_l0").data = torch.tensor(getattr(ours, name), dtype=dtype)


def _inputs(T, B, D, H, seed, n_state):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, B, D))
    state = [0.5 * rng.standard_normal((B, H)) for _ in range(n_state)]
    r_out = rng.standard_normal((T, B, H))
    r_state = [rng.standard_normal((B, H)) for _ in range(n_state)]
    return x, state, r_out, r_state


@pytest.mark.parametrize("T,B,D,H", SIZES)
def test_lstm_matches_torch_float64(T, B, D, H):
    ours = lh.LSTM(D, H, forget_bias="chrono", chrono_max_lag=10, seed=T + B)
    ours.bias_hh[:] = np.random.default_rng(1).uniform(-0.3, 0.3, 4 * H)  # both biases non-trivial
    theirs = torch.nn.LSTM(D, H).double()
    _copy_weights(ours, theirs, torch.float64)
    x, (h0, c0), r_out, (r_h, r_c) = _inputs(T, B, D, H, seed=B, n_state=2)

    out, (hT, cT) = ours.forward(x, (h0, c0))
    dx = ours.backward(r_out, (r_h, r_c))
    dh0, dc0 = ours.grad_state

    tx = torch.tensor(x, requires_grad=True)
    th0 = torch.tensor(h0[None], requires_grad=True)
    tc0 = torch.tensor(c0[None], requires_grad=True)
    tout, (thT, tcT) = theirs(tx, (th0, tc0))
    loss = (tout * torch.tensor(r_out)).sum() + (thT[0] * torch.tensor(r_h)).sum() + (tcT[0] * torch.tensor(r_c)).sum()
    loss.backward()

    np.testing.assert_allclose(out, tout.detach().numpy(), **TOL64)
    np.testing.assert_allclose(hT, thT[0].detach().numpy(), **TOL64)
    np.testing.assert_allclose(cT, tcT[0].detach().numpy(), **TOL64)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **TOL64)
    np.testing.assert_allclose(dh0, th0.grad[0].numpy(), **TOL64)
    np.testing.assert_allclose(dc0, tc0.grad[0].numpy(), **TOL64)
    for name in ours.param_names:
        np.testing.assert_allclose(ours.grads[name], getattr(theirs, f"{name}_l0").grad.numpy(), **TOL64,
                                   err_msg=name)


@pytest.mark.parametrize("T,B,D,H", SIZES)
def test_lstm_matches_torch_float32(T, B, D, H):
    ours = lh.LSTM(D, H, dtype=np.float32, seed=3)
    theirs = torch.nn.LSTM(D, H)
    _copy_weights(ours, theirs, torch.float32)
    x, _, r_out, _ = _inputs(T, B, D, H, seed=5, n_state=0)
    x32, r32 = x.astype(np.float32), r_out.astype(np.float32)
    out, _ = ours.forward(x32)
    dx = ours.backward(r32)
    tx = torch.tensor(x32, requires_grad=True)
    tout, _ = theirs(tx)
    (tout * torch.tensor(r32)).sum().backward()
    assert out.dtype == dx.dtype == np.float32
    np.testing.assert_allclose(out, tout.detach().numpy(), **TOL32)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **TOL32)
    for name in ours.param_names:
        assert ours.grads[name].dtype == np.float32
        np.testing.assert_allclose(ours.grads[name], getattr(theirs, f"{name}_l0").grad.numpy(), **TOL32,
                                   err_msg=name)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])  # the two that torch.nn.RNN has
@pytest.mark.parametrize("T,B,D,H", SIZES)
def test_rnn_matches_torch_float64(T, B, D, H, nonlinearity):
    ours = lh.RNN(D, H, nonlinearity=nonlinearity, seed=T + B)
    theirs = torch.nn.RNN(D, H, nonlinearity=nonlinearity).double()
    _copy_weights(ours, theirs, torch.float64)
    x, (h0,), r_out, (r_h,) = _inputs(T, B, D, H, seed=B + 7, n_state=1)

    out, hT = ours.forward(x, h0)
    dx = ours.backward(r_out, r_h)

    tx = torch.tensor(x, requires_grad=True)
    th0 = torch.tensor(h0[None], requires_grad=True)
    tout, thT = theirs(tx, th0)
    ((tout * torch.tensor(r_out)).sum() + (thT[0] * torch.tensor(r_h)).sum()).backward()

    np.testing.assert_allclose(out, tout.detach().numpy(), **TOL64)
    np.testing.assert_allclose(hT, thT[0].detach().numpy(), **TOL64)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **TOL64)
    np.testing.assert_allclose(ours.grad_state, th0.grad[0].numpy(), **TOL64)
    for name in ours.param_names:
        np.testing.assert_allclose(ours.grads[name], getattr(theirs, f"{name}_l0").grad.numpy(), **TOL64,
                                   err_msg=name)
