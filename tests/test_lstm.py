"""The LSTM: forward semantics against a line-by-line implementation of the slide formulas,
variants, torch-style parameter layout, slide-notation views, dtypes and state passing.
(Gradient checks of the backward pass are in test_gradcheck.py.)"""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine.lstm import LSTMConfig, lstm_backward, lstm_forward

D, H, T, B = 3, 4, 6, 2
BLOCK = {"i": 0, "f": 1, "g": 2, "o": 3}  # torch.nn.LSTM row blocks: i, f, g (= C̃), o

# (builder, which parts exist) - the flags are written out here, not read from the model.
ALL = dict(input_gate=True, forget_gate=True, output_gate=True, output_activation=True)
CASES = {
    "vanilla": (lambda **kw: lh.LSTM(D, H, **kw), ALL),
    "input_gate=False": (lambda **kw: lh.LSTM(D, H, input_gate=False, **kw), {**ALL, "input_gate": False}),
    "forget_gate=False": (lambda **kw: lh.LSTM(D, H, forget_gate=False, **kw), {**ALL, "forget_gate": False}),
    "output_gate=False": (lambda **kw: lh.LSTM(D, H, output_gate=False, **kw), {**ALL, "output_gate": False}),
    "output_activation=False": (lambda **kw: lh.LSTM(D, H, output_activation=False, **kw),
                                {**ALL, "output_activation": False}),
    "original_1997": (lambda **kw: lh.LSTM.original_1997(D, H, **kw), {**ALL, "forget_gate": False}),
}
VARIANT_FLAGS = {
    "vanilla": ALL,
    "no_input_gate": {**ALL, "input_gate": False},
    "no_forget_gate": {**ALL, "forget_gate": False},
    "no_output_gate": {**ALL, "output_gate": False},
    "no_output_activation": {**ALL, "output_activation": False},
}
for _name in VARIANT_FLAGS:
    CASES[f"variant:{_name}"] = ((lambda n: lambda **kw: lh.LSTM.variant(n, D, H, **kw))(_name), VARIANT_FLAGS[_name])
CASES["chrono"] = (lambda **kw: lh.LSTM(D, H, forget_bias="chrono", chrono_max_lag=20, **kw), ALL)
REMOVABLE = {"input_gate": "i", "forget_gate": "f", "output_gate": "o"}


def sigma(a):
    return 1.0 / (1.0 + np.exp(-a))


def reference_lstm(p, flags, x, h0, C0):
    """The slides, one line per formula, with p = lstm.gate_weights() (W_* act on [h_{t-1}, x_t])."""
    h_prev, C_prev = h0, C0
    rec = {k: [] for k in ("f_t", "i_t", "C_tilde_t", "o_t", "C_t", "h_t")}
    for t in range(x.shape[0]):
        hx = np.concatenate([h_prev, x[t]], axis=1)                       # [h_{t-1}, x_t]  (B, H + D)
        f_t = sigma(hx @ p["W_f"].T + p["b_f"]) if flags["forget_gate"] else np.ones_like(h_prev)
        i_t = sigma(hx @ p["W_i"].T + p["b_i"]) if flags["input_gate"] else np.ones_like(h_prev)
        C_tilde_t = np.tanh(hx @ p["W_C"].T + p["b_C"])
        C_t = f_t * C_prev + i_t * C_tilde_t
        o_t = sigma(hx @ p["W_o"].T + p["b_o"]) if flags["output_gate"] else np.ones_like(h_prev)
        h_t = o_t * (np.tanh(C_t) if flags["output_activation"] else C_t)
        for k, v in zip(rec, (f_t, i_t, C_tilde_t, o_t, C_t, h_t)):
            rec[k].append(v)
        h_prev, C_prev = h_t, C_t
    return {k: np.stack(v) for k, v in rec.items()}


def data(seed=0, T=T, B=B, dtype=np.float64):
    r = np.random.default_rng(seed)
    x = r.standard_normal((T, B, D)).astype(dtype)
    h0 = (0.5 * r.standard_normal((B, H))).astype(dtype)
    C0 = r.standard_normal((B, H)).astype(dtype)
    return x, h0, C0


def test_variant_list_is_covered():
    assert set(lh.VARIANTS) == set(VARIANT_FLAGS)


@pytest.mark.parametrize("case", list(CASES))
def test_forward_matches_slide_formulas(case):
    build, flags = CASES[case]
    lstm = build(seed=3)
    x, h0, C0 = data()
    out, (h_T, C_T) = lstm.forward(x, (h0, C0))
    ref = reference_lstm(lstm.gate_weights(), flags, x, h0, C0)
    np.testing.assert_allclose(out, ref["h_t"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h_T, ref["h_t"][-1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(C_T, ref["C_t"][-1], rtol=1e-12, atol=1e-14)
    gates = lstm.last_gates()
    for k in ref:
        np.testing.assert_allclose(gates[k], ref[k], rtol=1e-12, atol=1e-14, err_msg=k)


@pytest.mark.parametrize("case", list(CASES))
def test_config_matches_requested_flags(case):
    build, flags = CASES[case]
    cfg = build().config
    assert {k: getattr(cfg, k) for k in flags} == flags
    assert set(cfg.removed_gates()) == {g for k, g in REMOVABLE.items() if not flags[k]}


@pytest.mark.parametrize("flag", list(REMOVABLE))
def test_removed_gate_is_one_and_its_weights_get_no_gradient(flag):
    gate = REMOVABLE[flag]
    lstm = lh.LSTM(D, H, **{flag: False}, seed=1)
    x, h0, C0 = data(1)
    out, state = lstm.forward(x, (h0, C0))
    key = {"i": "i_t", "f": "f_t", "o": "o_t"}[gate]
    assert np.all(lstm.last_gates()[key] == 1.0)
    rows = slice(BLOCK[gate] * H, (BLOCK[gate] + 1) * H)
    lstm.backward(np.ones_like(out), (np.ones((B, H)), np.ones((B, H))))
    for name in lstm.param_names:
        g = lstm.grads[name]
        assert np.all(g[rows] == 0.0), name
        other = np.delete(g, np.arange(rows.start, rows.stop), axis=0)
        assert np.abs(other).max() > 0, name
    # ... and changing those weights changes nothing.
    for name in lstm.param_names:
        getattr(lstm, name)[rows] += 10.0
    out2, _ = lstm.forward(x, (h0, C0))
    np.testing.assert_array_equal(out2, out)


def test_original_1997_keeps_cell_state_additive():
    lstm = lh.LSTM.original_1997(D, H, seed=2)
    x, h0, C0 = data(2)
    lstm.forward(x, (h0, C0))
    g = lstm.last_gates()
    C_prev = np.concatenate([C0[None], g["C_t"][:-1]])
    np.testing.assert_allclose(g["C_t"], C_prev + g["i_t"] * g["C_tilde_t"], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("case", ["vanilla", "output_gate=False", "output_activation=False"])
def test_step_equals_forward_with_one_time_step(case):
    lstm = CASES[case][0](seed=4)
    x, h0, C0 = data(4)
    state = (h0, C0)
    out_all, _ = lstm.forward(x, state)
    for t in range(T):
        h, C = lstm.step(x[t], state)
        out1, (h1, C1) = lstm.forward(x[t:t + 1], state)
        np.testing.assert_array_equal(h, h1)
        np.testing.assert_array_equal(C, C1)
        np.testing.assert_array_equal(h, out1[0])
        np.testing.assert_allclose(h, out_all[t], rtol=1e-13, atol=1e-15)
        state = (h, C)
    assert lstm.step(x[0])[0].shape == (B, H)


def test_state_carried_over_equals_one_run():
    lstm = lh.LSTM(D, H, seed=5)
    x, h0, C0 = data(5, T=9)
    out, (h_T, C_T) = lstm.forward(x, (h0, C0))
    out_a, state_a = lstm.forward(x[:4], (h0, C0))
    out_b, (h_T2, C_T2) = lstm.forward(x[4:], state_a)
    np.testing.assert_allclose(np.concatenate([out_a, out_b]), out, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(h_T2, h_T, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(C_T2, C_T, rtol=1e-13, atol=1e-15)


def test_default_state_is_zero():
    lstm = lh.LSTM(D, H, seed=6)
    x, _, _ = data(6)
    out, state = lstm.forward(x)
    out0, state0 = lstm.forward(x, (np.zeros((B, H)), np.zeros((B, H))))
    np.testing.assert_array_equal(out, out0)
    np.testing.assert_array_equal(state[1], state0[1])


def test_torch_layout_and_gate_weights_views():
    lstm = lh.LSTM(D, H, seed=7)
    assert lstm.weight_ih.shape == (4 * H, D)
    assert lstm.weight_hh.shape == (4 * H, H)
    assert lstm.bias_ih.shape == lstm.bias_hh.shape == (4 * H,)
    p = lstm.gate_weights()
    assert set(p) == {"W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"}
    for sym, gate in (("f", "f"), ("i", "i"), ("C", "g"), ("o", "o")):
        rows = slice(BLOCK[gate] * H, (BLOCK[gate] + 1) * H)
        assert p[f"W_{sym}"].shape == (H, H + D)
        np.testing.assert_array_equal(p[f"W_{sym}"][:, :H], lstm.weight_hh[rows])
        np.testing.assert_array_equal(p[f"W_{sym}"][:, H:], lstm.weight_ih[rows])
        np.testing.assert_array_equal(p[f"b_{sym}"], lstm.bias_ih[rows] + lstm.bias_hh[rows])
    p["W_f"][:] = 0.0  # a copy: the model does not change
    assert np.abs(lstm.gate_weights()["W_f"]).max() > 0


def test_set_gate_weights_round_trips():
    lstm = lh.LSTM(D, H, seed=8)
    x, h0, C0 = data(8)
    out, _ = lstm.forward(x, (h0, C0))
    lstm.set_gate_weights(**lstm.gate_weights())
    np.testing.assert_array_equal(lstm.forward(x, (h0, C0))[0], out)
    r = np.random.default_rng(0)
    new = {k: r.standard_normal(v.shape) for k, v in lstm.gate_weights().items()}
    lstm.set_gate_weights(**new)
    back = lstm.gate_weights()
    for k in new:
        np.testing.assert_array_equal(back[k], new[k], err_msg=k)
    rows_f = slice(H, 2 * H)
    np.testing.assert_array_equal(lstm.bias_hh[rows_f], 0.0)
    # Only the gates named change.
    before = lstm.gate_weights()
    lstm.set_gate_weights(W_o=np.zeros((H, H + D)))
    after = lstm.gate_weights()
    assert np.all(after["W_o"] == 0)
    for k in ("W_f", "W_i", "W_C", "b_o"):
        np.testing.assert_array_equal(after[k], before[k])


def test_last_gates_keys_and_shapes():
    lstm = lh.LSTM(D, H, seed=9)
    with pytest.raises(ValueError, match="forward"):
        lstm.last_gates()
    x, h0, C0 = data(9)
    out, (h_T, C_T) = lstm.forward(x, (h0, C0))
    g = lstm.last_gates()
    assert set(g) == {"f_t", "i_t", "C_tilde_t", "o_t", "C_t", "h_t"}
    for k, v in g.items():
        assert v.shape == (T, B, H), k
    np.testing.assert_array_equal(g["h_t"], out)
    np.testing.assert_array_equal(g["C_t"][-1], C_T)
    for k in ("f_t", "i_t", "o_t"):
        assert np.all((g[k] > 0) & (g[k] < 1))
    assert np.all(np.abs(g["C_tilde_t"]) < 1)
    g["f_t"][:] = 5.0  # copies
    assert lstm.last_gates()["f_t"].max() < 1


def test_float32_end_to_end_and_close_to_float64():
    l32 = lh.LSTM(D, H, dtype=np.float32, seed=10)
    l64 = lh.LSTM(D, H, dtype=np.float64, seed=10)
    for name in l64.param_names:  # same numbers in both precisions
        assert getattr(l32, name).dtype == np.float32
        getattr(l64, name)[:] = getattr(l32, name)
    x, h0, C0 = data(10)
    out32, (h32, C32) = l32.forward(x.astype(np.float32), (h0.astype(np.float32), C0.astype(np.float32)))
    out64, (h64, C64) = l64.forward(x, (h0, C0))
    for a in (out32, h32, C32, *l32.last_gates().values()):
        assert a.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(C32, C64, rtol=1e-5, atol=1e-6)
    d = np.random.default_rng(1).standard_normal(out64.shape)
    dx32 = l32.backward(d.astype(np.float32), (np.ones((B, H), np.float32), None))
    dx64 = l64.backward(d, (np.ones((B, H)), None))
    assert dx32.dtype == np.float32
    np.testing.assert_allclose(dx32, dx64, rtol=1e-4, atol=1e-5)
    for name in l32.param_names:
        assert l32.grads[name].dtype == np.float32
        np.testing.assert_allclose(l32.grads[name], l64.grads[name], rtol=1e-4, atol=1e-5)
    for a, b in zip(l32.grad_state, l64.grad_state):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_parameters_are_the_live_arrays():
    lstm = lh.LSTM(D, H, seed=11)
    params = lstm.parameters()
    assert list(params) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for k, v in params.items():
        assert v is getattr(lstm, k)
    x, _, _ = data(11)
    out, _ = lstm.forward(x)
    params["weight_ih"] *= 2.0
    assert not np.allclose(lstm.forward(x)[0], out)


@pytest.mark.parametrize("d, h", [(1, 1), (3, 4), (7, 5)])
def test_num_parameters_is_four_rnns(d, h):
    lstm, rnn = lh.LSTM(d, h), lh.RNN(d, h)
    assert lstm.num_parameters() == 4 * rnn.num_parameters()
    assert lstm.num_parameters() == sum(p.size for p in lstm.parameters().values())
    one_gate_less = lh.LSTM(d, h, input_gate=False)
    assert one_gate_less.num_parameters() == 3 * rnn.num_parameters()
    assert one_gate_less.num_parameters(active_only=False) == lstm.num_parameters()
    assert lh.LSTM(d, h, output_activation=False).num_parameters() == lstm.num_parameters()


@pytest.mark.parametrize("b", [-2.0, 0.0, 1.0, 2.5])
def test_forget_bias_constant_sets_b_f_exactly(b):
    lstm = lh.LSTM(D, H, forget_bias=b, seed=12)
    np.testing.assert_array_equal(lstm.gate_weights()["b_f"], np.full(H, b))
    # With zero input and zero state, f_1 = σ(b_f).
    lstm.forward(np.zeros((1, B, D)))
    np.testing.assert_allclose(lstm.last_gates()["f_t"][0], sigma(b), rtol=1e-15)


def test_forget_bias_default_is_one_and_other_biases_are_random():
    lstm = lh.LSTM(D, H, seed=13)
    p = lstm.gate_weights()
    np.testing.assert_array_equal(p["b_f"], 1.0)
    k = 1 / np.sqrt(H)
    for name in ("b_i", "b_C", "b_o"):
        assert np.all(np.abs(p[name]) <= 2 * k) and np.unique(p[name]).size == H


@pytest.mark.parametrize("max_lag", [3, 20, 1000])
def test_chrono_initialisation_ranges(max_lag):
    lstm = lh.LSTM(D, 64, forget_bias="chrono", chrono_max_lag=max_lag, seed=14)
    p = lstm.gate_weights()
    b_f = p["b_f"]
    assert np.all(b_f >= 0.0) and np.all(b_f <= np.log(max_lag - 1) + 1e-12)
    np.testing.assert_array_equal(p["b_i"], -b_f)
    if max_lag > 3:
        assert np.unique(b_f).size == 64  # spread over the range, not a constant
        assert b_f.max() - b_f.min() > 0.5 * np.log(max_lag - 1)
    # The memory time scale 1 / (1 − σ(b_f)) lies in [2, max_lag].
    tau = 1.0 / (1.0 - sigma(b_f))
    assert np.all(tau >= 2.0 - 1e-9) and np.all(tau <= max_lag + 1e-9)


def test_seed_controls_initialisation():
    a, b, c = lh.LSTM(D, H, seed=1), lh.LSTM(D, H, seed=1), lh.LSTM(D, H, seed=2)
    np.testing.assert_array_equal(a.weight_hh, b.weight_hh)
    assert not np.array_equal(a.weight_hh, c.weight_hh)
    k = 1 / np.sqrt(H)
    assert np.abs(a.weight_ih).max() <= k and np.abs(a.weight_hh).max() <= k


def test_backward_before_forward_and_grad_keys():
    lstm = lh.LSTM(D, H, seed=15)
    with pytest.raises(ValueError, match=r"forward\(\) first"):
        lstm.backward(np.zeros((T, B, H)))
    assert lstm.cache is None
    x, h0, C0 = data(15)
    out, _ = lstm.forward(x, (h0, C0))
    assert lstm.cache is not None and lstm.cache.x.shape == (T, B, D)
    dx = lstm.backward(np.ones_like(out))
    assert dx.shape == x.shape
    assert set(lstm.grads) == set(lstm.param_names)
    for k in lstm.param_names:
        assert lstm.grads[k].shape == getattr(lstm, k).shape
    np.testing.assert_array_equal(lstm.grads["bias_ih"], lstm.grads["bias_hh"])
    assert lstm.grads["bias_ih"] is not lstm.grads["bias_hh"]
    dh0, dC0 = lstm.grad_state
    assert dh0.shape == dC0.shape == (B, H)
    # d_state entries may be None, and (None, None) equals no d_state at all.
    dx2 = lstm.backward(np.ones_like(out), (None, None))
    np.testing.assert_array_equal(dx2, dx)


def test_backward_is_linear_in_upstream_gradient():
    lstm = lh.LSTM(D, H, seed=16)
    x, h0, C0 = data(16)
    out, _ = lstm.forward(x, (h0, C0))
    r = np.random.default_rng(2)
    d1, d2 = r.standard_normal(out.shape), r.standard_normal(out.shape)
    g1 = lstm.backward(d1)
    g2 = lstm.backward(d2)
    g12 = lstm.backward(d1 + 2 * d2)
    np.testing.assert_allclose(g12, g1 + 2 * g2, rtol=1e-12, atol=1e-14)


def test_function_level_forward_backward_and_state_grads():
    lstm = lh.LSTM(D, H, seed=17)
    x, h0, C0 = data(17)
    bias = lstm.bias_ih + lstm.bias_hh
    out, h_T, C_T, cache = lstm_forward(x, h0, C0, lstm.weight_ih, lstm.weight_hh, bias, LSTMConfig())
    out_cls, (h_T_cls, C_T_cls) = lstm.forward(x, (h0, C0))
    np.testing.assert_array_equal(out, out_cls)
    np.testing.assert_array_equal(C_T, C_T_cls)
    dC_T = np.random.default_rng(3).standard_normal((B, H))
    g = lstm_backward(np.zeros((T, B, H)), None, dC_T, cache, keep_state_grads=True)
    assert set(g) == {"x", "h0", "C0", "weight_ih", "weight_hh", "bias", "C", "h"}
    assert g["C"].shape == g["h"].shape == (T, B, H)
    np.testing.assert_array_equal(g["C"][-1], dC_T)          # nothing else reaches C_T
    np.testing.assert_array_equal(g["h"][-1], 0.0)
    f = lstm.last_gates()["f_t"]
    # ∂L/∂C_0 is what reaches C_1 times f_1.
    np.testing.assert_allclose(g["C0"], g["C"][0] * f[0], rtol=1e-13)
    assert "C" not in lstm_backward(np.zeros((T, B, H)), None, dC_T, cache)


def test_from_variant_and_repr():
    assert LSTMConfig.from_variant("no_forget_gate").removed_gates() == ("f",)
    assert LSTMConfig().removed_gates() == ()
    text = repr(lh.LSTM(3, 5, forget_gate=False, output_activation=False, dtype=np.float32))
    assert "LSTM(3, 5" in text and "float32" in text
    assert "no_forget_gate" in text and "no_output_activation" in text
