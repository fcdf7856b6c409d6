"""Centered-difference gradient checks of every backward pass, in float64: relative error < 1e-7.

Covers the LSTM in every variant, the RNN with every nonlinearity, the SequenceModel (both cells,
both read-outs, with ignored targets), and shows that the check catches a wrong derivative."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import activations
from lstm_helpers import lstm as lstm_module

TOL = 1e-7
D, H, T, B = 3, 3, 4, 2
LSTM_BUILDERS = {
    "vanilla": lambda: lh.LSTM(D, H, seed=1),
    "input_gate=False": lambda: lh.LSTM(D, H, input_gate=False, seed=2),
    "forget_gate=False": lambda: lh.LSTM(D, H, forget_gate=False, seed=3),
    "output_gate=False": lambda: lh.LSTM(D, H, output_gate=False, seed=4),
    "output_activation=False": lambda: lh.LSTM(D, H, output_activation=False, seed=5),
    "original_1997": lambda: lh.LSTM.original_1997(D, H, seed=6),
    "chrono": lambda: lh.LSTM(D, H, forget_bias="chrono", chrono_max_lag=30, seed=7),
    "forget_bias=3": lambda: lh.LSTM(D, H, forget_bias=3.0, seed=8),
}
for _v in lh.VARIANTS:
    LSTM_BUILDERS[f"variant:{_v}"] = (lambda v: lambda: lh.LSTM.variant(v, D, H, seed=9))(_v)


def _x(seed=0, T=T, B=B):
    return np.random.default_rng(seed).standard_normal((T, B, D))


@pytest.mark.parametrize("case", list(LSTM_BUILDERS))
def test_lstm_gradients(case):
    errors = lh.check_layer_gradients(LSTM_BUILDERS[case](), _x(1))
    assert set(errors) == {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0", "C0"}
    assert max(errors.values()) < TOL, errors


def test_lstm_gradients_with_given_state_and_long_sequence():
    lstm = lh.LSTM(2, 2, seed=10)
    r = np.random.default_rng(2)
    state = (r.standard_normal((1, 2)), r.standard_normal((1, 2)))
    errors = lh.check_layer_gradients(lstm, r.standard_normal((12, 1, 2)), state)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("nonlinearity", sorted(activations.NONLINEARITIES))
def test_rnn_gradients(nonlinearity):
    rnn = lh.RNN(D, H, nonlinearity=nonlinearity, seed=11)
    errors = lh.check_layer_gradients(rnn, _x(3))
    assert set(errors) == {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_model_gradients(cell, readout):
    C = 4
    model = lh.SequenceModel(cell, D, H, C, readout=readout, seed=12)
    r = np.random.default_rng(4)
    x = r.standard_normal((T, B, D))
    targets = r.integers(0, C, (B,) if readout == "last" else (T, B))
    if readout == "all":
        targets[0, :] = -1  # nothing to predict at the first step
    errors = lh.check_model_gradients(model, x, targets)
    expected = {f"cell.{k}" for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")} | {"head.weight", "head.bias"}
    assert set(errors) == expected
    assert max(errors.values()) < TOL, errors


def test_model_gradients_with_cell_options():
    model = lh.SequenceModel("lstm", D, H, 3, seed=13, forget_gate=False, forget_bias=2.0)
    targets = np.array([0, 2])
    errors = lh.check_model_gradients(model, _x(5), targets)
    assert max(errors.values()) < TOL, errors


def test_check_detects_wrong_rnn_derivative(monkeypatch):
    """tanh' written as 1 − y instead of 1 − y² is caught."""
    rnn = lh.RNN(D, H, seed=14)
    x = _x(6)
    assert max(lh.check_layer_gradients(rnn, x).values()) < TOL
    monkeypatch.setitem(activations.NONLINEARITIES, "tanh", (np.tanh, lambda y: 1 - y))
    errors = lh.check_layer_gradients(rnn, x)
    assert errors["weight_hh"] > 1e-3 and errors["x"] > 1e-3, errors


def test_check_detects_wrong_lstm_derivative(monkeypatch):
    """A backward pass that uses C_t where tanh(C_t) belongs is caught."""
    lstm = lh.LSTM(D, H, seed=15)
    x = _x(7)
    real = lstm_module.lstm_forward

    def buggy_forward(*args, **kwargs):
        out, h, C, cache = real(*args, **kwargs)
        cache.tanh_C = cache.C.copy()
        return out, h, C, cache

    monkeypatch.setattr(lstm_module, "lstm_forward", buggy_forward)
    errors = lh.check_layer_gradients(lstm, x)
    assert errors["weight_hh"] > 1e-3 and errors["C0"] > 1e-3, errors


def test_check_detects_a_wrong_cell_path(monkeypatch):
    """A backward pass that carries dC_{t-1} = dC_t ⊙ f_t / 2 (instead of ⊙ f_t) is caught."""
    lstm = lh.LSTM(D, H, seed=16)
    real = lstm_module.lstm_backward

    def halved_f(d_out, dh_T, dC_T, cache, **kw):
        cache.gates[:, :, H:2 * H] *= 0.5  # backward sees f_t / 2
        try:
            return real(d_out, dh_T, dC_T, cache, **kw)
        finally:
            cache.gates[:, :, H:2 * H] *= 2.0

    monkeypatch.setattr(lstm_module, "lstm_backward", halved_f)
    errors = lh.check_layer_gradients(lstm, _x(8))
    assert errors["C0"] > 1e-3, errors


def test_rel_error():
    a = np.array([1.0, 2.0, 3.0])
    assert lh.rel_error(a, a) == 0.0
    assert lh.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    b = a + np.array([0.0, 0.0, 1e-3])
    expected = 1e-3 / (np.linalg.norm(a) + np.linalg.norm(b))
    assert lh.rel_error(a, b) == pytest.approx(expected, rel=1e-12)
    assert lh.rel_error(a, -a) == pytest.approx(1.0)


def test_numerical_gradient_of_known_function():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    x_before = x.copy()

    def f():
        return float(np.sum(x ** 3) + np.sum(A * x))

    num = lh.numerical_gradient(f, x)
    np.testing.assert_allclose(num, 3 * x ** 2 + A, rtol=1e-8)
    np.testing.assert_array_equal(x, x_before)  # restored
    assert num.dtype == np.float64
