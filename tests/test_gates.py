"""lstm_helpers.slides.gates: the slide equations one by one, composed, equal the engine's LSTM step."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import gates


def _random_lstm_and_state(rng, B=None, D=3, H=5, dtype=np.float64):
    lstm = lh.LSTM(D, H, seed=int(rng.integers(1000)), dtype=dtype)
    # move the biases away from the initialisation so every gate matters
    lstm.bias_ih += rng.normal(0, 1.0, lstm.bias_ih.shape).astype(dtype)
    lstm.bias_hh += rng.normal(0, 1.0, lstm.bias_hh.shape).astype(dtype)
    shape = (H,) if B is None else (B, H)
    h_prev = rng.normal(0, 1, shape).astype(dtype)
    C_prev = rng.normal(0, 2, shape).astype(dtype)
    x_t = rng.normal(0, 1, shape[:-1] + (D,)).astype(dtype)
    return lstm, h_prev, C_prev, x_t


@pytest.mark.parametrize("B", [None, 1, 4])
def test_composed_step_equals_lstm_step(rng, B):
    lstm, h_prev, C_prev, x_t = _random_lstm_and_state(rng, B)
    out = gates.lstm_step(h_prev, C_prev, x_t, lstm.gate_weights())
    batch = (lambda a: a[None]) if B is None else (lambda a: a)
    h_ref, C_ref = lstm.step(batch(x_t), (batch(h_prev), batch(C_prev)))
    unbatch = (lambda a: a[0]) if B is None else (lambda a: a)
    np.testing.assert_allclose(out["h_t"], unbatch(h_ref), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out["C_t"], unbatch(C_ref), rtol=1e-12, atol=1e-12)
    ref = lstm.last_gates()
    for key in ("f_t", "i_t", "C_tilde_t", "o_t"):
        np.testing.assert_allclose(out[key], unbatch(ref[key][0]), rtol=1e-12, atol=1e-12, err_msg=key)


def test_each_function_is_its_slide_formula(rng):
    lstm, h_prev, C_prev, x_t = _random_lstm_and_state(rng)
    p = lstm.gate_weights()
    hx = np.concatenate([h_prev, x_t])
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731  (the textbook form, as an independent reference)
    f_t = gates.forget_gate(h_prev, x_t, p["W_f"], p["b_f"])
    i_t = gates.input_gate(h_prev, x_t, p["W_i"], p["b_i"])
    C_tilde_t = gates.candidate(h_prev, x_t, p["W_C"], p["b_C"])
    o_t = gates.output_gate(h_prev, x_t, p["W_o"], p["b_o"])
    np.testing.assert_allclose(f_t, sig(p["W_f"] @ hx + p["b_f"]), rtol=1e-12)
    np.testing.assert_allclose(i_t, sig(p["W_i"] @ hx + p["b_i"]), rtol=1e-12)
    np.testing.assert_allclose(C_tilde_t, np.tanh(p["W_C"] @ hx + p["b_C"]), rtol=1e-12)
    np.testing.assert_allclose(o_t, sig(p["W_o"] @ hx + p["b_o"]), rtol=1e-12)
    C_t = gates.cell_update(f_t, C_prev, i_t, C_tilde_t)
    np.testing.assert_allclose(C_t, f_t * C_prev + i_t * C_tilde_t)
    np.testing.assert_allclose(gates.hidden_output(o_t, C_t), o_t * np.tanh(C_t))
    assert np.all((0 < f_t) & (f_t < 1)) and np.all(np.abs(C_tilde_t) < 1)


def test_gate_steps_are_the_four_lines(rng):
    lstm, h_prev, _, x_t = _random_lstm_and_state(rng, B=2)
    p = lstm.gate_weights()
    s = gates.gate_steps(h_prev, x_t, p["W_f"], p["b_f"])
    assert list(s) == ["hx", "W_hx", "z", "value"]
    np.testing.assert_array_equal(s["hx"], gates.concat(h_prev, x_t))
    np.testing.assert_allclose(s["W_hx"], s["hx"] @ p["W_f"].T)
    np.testing.assert_allclose(s["z"], s["W_hx"] + p["b_f"])
    np.testing.assert_allclose(s["value"], gates.forget_gate(h_prev, x_t, p["W_f"], p["b_f"]), rtol=1e-12)
    c = gates.gate_steps(h_prev, x_t, p["W_C"], p["b_C"], activation="tanh")
    np.testing.assert_allclose(c["value"], gates.candidate(h_prev, x_t, p["W_C"], p["b_C"]), rtol=1e-12)


def test_float32_stays_float32(rng):
    lstm, h_prev, C_prev, x_t = _random_lstm_and_state(rng, B=2, dtype=np.float32)
    out = gates.lstm_step(h_prev, C_prev, x_t, lstm.gate_weights())
    assert all(v.dtype == np.float32 for v in out.values())


def test_concat_order_is_h_then_x():
    hx = gates.concat(np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0]))
    np.testing.assert_array_equal(hx, [1, 2, 3, 4, 5])


def test_wrong_weight_shape_names_the_argument(rng):
    lstm, h_prev, _, x_t = _random_lstm_and_state(rng)
    p = lstm.gate_weights()
    with pytest.raises(ValueError, match=r"'W_f'.*\(H, H\+D\) = \(5, 8\).*\(5, 5\)"):
        gates.forget_gate(h_prev, x_t, p["W_f"][:, :5], p["b_f"])
    with pytest.raises(ValueError, match="'b_i'"):
        gates.input_gate(h_prev, x_t, p["W_i"], p["b_i"][:3])
    with pytest.raises(ValueError, match="'W_C'"):
        gates.candidate(h_prev, x_t, p["W_C"].T, p["b_C"])
    with pytest.raises(ValueError, match="'W_o'"):
        gates.output_gate(h_prev, x_t, p["W_o"][:4], p["b_o"])


def test_mismatched_state_and_input_are_refused(rng):
    lstm, h_prev, C_prev, x_t = _random_lstm_and_state(rng, B=3)
    p = lstm.gate_weights()
    with pytest.raises(ValueError, match="batch sizes"):
        gates.forget_gate(h_prev, x_t[:2], p["W_f"], p["b_f"])
    with pytest.raises(ValueError, match="'x_t'"):
        gates.forget_gate(h_prev, x_t[0], p["W_f"], p["b_f"])
    with pytest.raises(ValueError, match="'f_t'.*'C_prev'"):
        gates.cell_update(np.ones(4), C_prev, np.ones_like(C_prev), np.ones_like(C_prev))
    with pytest.raises(ValueError, match="'o_t'"):
        gates.hidden_output(np.ones(2), C_prev)
    with pytest.raises(ValueError, match="'C_prev'"):
        gates.lstm_step(h_prev, C_prev[:, :2], x_t, p)
    with pytest.raises(ValueError, match="W_o, b_o"):
        gates.lstm_step(h_prev, C_prev, x_t, {k: v for k, v in p.items() if k[2] != "o"})
    with pytest.raises(TypeError, match="'h_prev'"):
        gates.forget_gate(np.ones(5, dtype=int), np.ones(3), p["W_f"], p["b_f"])
    with pytest.raises(ValueError, match="NaN"):
        gates.forget_gate(np.full(5, np.nan), np.ones(3), p["W_f"], p["b_f"])


def test_saturated_gates_give_no_nan_and_no_warning():
    W = np.full((2, 3), 1e4)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = gates.forget_gate(np.ones(2), np.ones(1), W, np.zeros(2))
        g = gates.forget_gate(np.ones(2), np.ones(1), -W, np.zeros(2))
    np.testing.assert_array_equal(f, [1.0, 1.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])


def test_logit_inverts_the_sigmoid():
    p = np.array([1e-6, 0.1, 0.2, 0.5, 0.7, 0.9, 1 - 1e-6])
    np.testing.assert_allclose(lh.sigmoid(gates.logit(p)), p, rtol=1e-9)
    assert float(gates.logit(0.5)) == 0.0
    for bad in (0.0, 1.0, 1.5, -0.1):
        with pytest.raises(ValueError, match="'p'"):
            gates.logit(bad)


def test_retention_and_half_life_agree():
    f = np.array([0.5, 0.9, 0.95, 0.99])
    k_half = gates.half_life_steps(f)
    np.testing.assert_allclose(gates.retention(f, k_half), 0.5, rtol=1e-12)
    assert np.all(np.diff(k_half) > 0), "a gate closer to 1 keeps the note longer"
    k = np.arange(6)[:, None]
    np.testing.assert_allclose(gates.retention(f, k), f[None, :] ** k)
    np.testing.assert_array_equal(gates.retention(1.0, 1000), 1.0)
    with pytest.raises(ValueError, match="'f'"):
        gates.half_life_steps(1.0)
    with pytest.raises(ValueError, match="'f'"):
        gates.retention(0.0, 3)
    with pytest.raises(ValueError, match="'k'"):
        gates.retention(0.9, -1)


def test_cell_trajectory_is_the_recurrence(rng):
    T, H = 7, 3
    f, i = rng.uniform(0, 1, (T, H)), rng.uniform(0, 1, (T, H))
    C_tilde = rng.uniform(-1, 1, (T, H))
    C0 = rng.normal(0, 1, H)
    C = gates.cell_trajectory(f, i, C_tilde, C0)
    prev = C0
    for t in range(T):
        prev = gates.cell_update(f[t], prev, i[t], C_tilde[t])
        np.testing.assert_allclose(C[t], prev, rtol=1e-12)
    # forget gate 1 and input gate 1 add up the candidates
    np.testing.assert_allclose(gates.cell_trajectory(np.ones(T), np.ones(T), C_tilde[:, 0]), np.cumsum(C_tilde[:, 0]))
    with pytest.raises(ValueError, match="'f_t'"):
        gates.cell_trajectory(f[:3], i, C_tilde)
    with pytest.raises(ValueError, match="'C_0'"):
        gates.cell_trajectory(f, i, C_tilde, np.zeros(H + 1))


def test_gate_value_is_one_unit_of_a_gate():
    assert gates.gate_value(0.0, 0.0, 0.0) == 0.5
    f = gates.gate_value(-2.5, 0.3, 1.7)
    assert isinstance(f, float) and f == pytest.approx(float(lh.sigmoid(np.array(-2.5 * 1.7 + 0.3))), abs=1e-15)
    # the same number as the slides' forget_gate with H = 1, D = 1 and a zero h_{t-1}
    same = gates.forget_gate(np.zeros(1), np.array([1.7]), np.array([[0.0, -2.5]]), np.array([0.3]))
    assert f == pytest.approx(float(same[0]), abs=1e-15)
    x = np.linspace(-6.0, 6.0, 13).reshape(13, 1)
    curve = gates.gate_value(4.0, -1.0, x)
    assert curve.shape == x.shape
    np.testing.assert_allclose(curve, lh.sigmoid(4.0 * x - 1.0), rtol=1e-15)
    assert 0.0 <= gates.gate_value(4.0, -6.0, -4.0) < 1e-9 and gates.gate_value(4.0, 6.0, 4.0) > 1 - 1e-9


@pytest.mark.parametrize("args,exc,name", [(("w", 0.0, 1.0), TypeError, "w"), ((1.0, np.inf, 1.0), ValueError, "b"),
                                           ((1.0, 0.0, None), TypeError, "x"),
                                           ((1.0, 0.0, np.array([0.0, np.nan])), ValueError, "x"),
                                           ((1.0, 0.0, np.arange(3)), TypeError, "x")])
def test_gate_value_checks_its_arguments(args, exc, name):
    with pytest.raises(exc, match=rf"gate_value\(\): argument '{name}'"):
        gates.gate_value(*args)
