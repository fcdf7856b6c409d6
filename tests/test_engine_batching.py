"""The fast paths of the engine give the same numbers whatever the batch size.

lstm_forward/rnn_forward pick their activation route by the size of a step (one tanh call for
small batches, exp-based σ/tanh for large ones) and lstm_backward precomputes its factors in
chunks of steps whose length depends on B·H (one step per chunk for large layers, a partial last
chunk when T is not a multiple). So a batch of B sequences must give exactly what B separate
one-sequence runs give: the same outputs, states and ∂x, and parameter gradients that are the
sums of the per-sequence gradients.
"""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers.engine.lstm import LSTMConfig, lstm_backward, lstm_forward
from lstm_helpers.engine.rnn import rnn_backward, rnn_forward

TOL = dict(rtol=1e-11, atol=1e-13)
CONFIGS = {
    "vanilla": LSTMConfig(),
    "input_gate=False": LSTMConfig(input_gate=False),
    "forget_gate=False": LSTMConfig(forget_gate=False),
    "output_gate=False": LSTMConfig(output_gate=False),
    "output_activation=False": LSTMConfig(output_activation=False),
}
# (T, B, D, H): tanh route vs exp route for the gates (B·4H >= 256) and for tanh(C_t) (B·H >= 512),
# backward chunks of 2 steps with T odd (B·4H = 32768), and chunks of one step (B·4H > 65536).
LSTM_SIZES = [(6, 8, 3, 16), (5, 64, 2, 16), (11, 64, 4, 128), (4, 65, 3, 256)]


def _weights(rng, rows, D, H):
    k = 1 / np.sqrt(H)
    return (rng.uniform(-k, k, (rows, D)), rng.uniform(-k, k, (rows, H)), rng.uniform(-k, k, rows))


@pytest.mark.parametrize("T,B,D,H", LSTM_SIZES)
@pytest.mark.parametrize("name", list(CONFIGS))
def test_lstm_batch_equals_separate_sequences(T, B, D, H, name):
    cfg = CONFIGS[name]
    rng = np.random.default_rng(T * B + H)
    w_ih, w_hh, b = _weights(rng, 4 * H, D, H)
    x = rng.standard_normal((T, B, D))
    h0, C0 = 0.5 * rng.standard_normal((B, H)), rng.standard_normal((B, H))
    d_out, dh_T, dC_T = rng.standard_normal((T, B, H)), rng.standard_normal((B, H)), rng.standard_normal((B, H))

    out, h_T, C_T, cache = lstm_forward(x, h0, C0, w_ih, w_hh, b, cfg)
    g = lstm_backward(d_out, dh_T, dC_T, cache, keep_state_grads=True)
    sums = {k: np.zeros_like(g[k]) for k in ("weight_ih", "weight_hh", "bias")}
    for n in range(B):
        one = slice(n, n + 1)
        o1, h1, C1, k1 = lstm_forward(x[:, one], h0[one], C0[one], w_ih, w_hh, b, cfg)
        g1 = lstm_backward(d_out[:, one], dh_T[one], dC_T[one], k1, keep_state_grads=True)
        np.testing.assert_allclose(out[:, one], o1, **TOL)
        np.testing.assert_allclose(h_T[one], h1, **TOL)
        np.testing.assert_allclose(C_T[one], C1, **TOL)
        for key in ("x", "C", "h"):
            np.testing.assert_allclose(g[key][:, one], g1[key], **TOL, err_msg=key)
        for key in ("h0", "C0"):
            np.testing.assert_allclose(g[key][one], g1[key], **TOL, err_msg=key)
        for key in sums:
            sums[key] += g1[key]
    for key, total in sums.items():
        np.testing.assert_allclose(g[key], total, **TOL, err_msg=key)


@pytest.mark.parametrize("nonlinearity", ["tanh", "sigmoid", "relu", "linear"])
def test_rnn_batch_equals_separate_sequences(nonlinearity):
    T, B, D, H = 7, 32, 3, 16          # B·H = 512: the batched float64 tanh takes the exp route
    rng = np.random.default_rng(3)
    w_ih, w_hh, b = _weights(rng, H, D, H)
    x, h0 = rng.standard_normal((T, B, D)), 0.5 * rng.standard_normal((B, H))
    d_out, dh_T = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))

    out, hT, cache = rnn_forward(x, h0, w_ih, w_hh, b, nonlinearity)
    g = rnn_backward(d_out, dh_T, cache, keep_state_grads=True)
    sums = {k: np.zeros_like(g[k]) for k in ("weight_ih", "weight_hh", "bias")}
    for n in range(B):
        one = slice(n, n + 1)
        o1, h1, k1 = rnn_forward(x[:, one], h0[one], w_ih, w_hh, b, nonlinearity)
        g1 = rnn_backward(d_out[:, one], dh_T[one], k1, keep_state_grads=True)
        np.testing.assert_allclose(out[:, one], o1, **TOL)
        np.testing.assert_allclose(hT[one], h1, **TOL)
        for key in ("x", "h"):
            np.testing.assert_allclose(g[key][:, one], g1[key], **TOL, err_msg=key)
        np.testing.assert_allclose(g["h0"][one], g1["h0"], **TOL)
        for key in sums:
            sums[key] += g1[key]
    for key, total in sums.items():
        np.testing.assert_allclose(g[key], total, **TOL, err_msg=key)
