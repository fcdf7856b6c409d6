"""The memory simulator (C_t, h_t, product of forget gates, contributions) and the memory measurements."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.lessons.memory_sim import (PRESETS, SLIDE_SCRIPT, MemoryTrace, ScriptedEvent, event_retention,
                                             event_streams, memory_states, preset_arrays, rewrite_fraction,
                                             script_arrays, simulate_memory)


def _loop(f, i, o, g, C_0=0.0):
    """The recurrence written out step by step, independent of the module."""
    C_all, h_all, C = [], [], np.asarray(C_0, dtype=float)
    for t in range(len(f)):
        C = f[t] * C + i[t] * g[t]
        C_all.append(C)
        h_all.append(o[t] * np.tanh(C))
    return np.array(C_all), np.array(h_all)


def _random_gates(rng, T, H=None):
    shape = (T,) if H is None else (T, H)
    return (rng.uniform(0, 1, shape), rng.uniform(0, 1, shape), rng.uniform(0, 1, shape), rng.uniform(-1, 1, shape))


def test_slide_script_follows_the_recurrence():
    a = script_arrays()
    tr = simulate_memory(a["f_t"], a["i_t"], a["o_t"], a["C_tilde_t"])
    C, h = _loop(a["f_t"], a["i_t"], a["o_t"], a["C_tilde_t"])
    assert isinstance(tr, MemoryTrace) and tr.steps == len(SLIDE_SCRIPT)
    np.testing.assert_allclose(tr.C_t, C, atol=1e-15)
    np.testing.assert_allclose(tr.h_t, h, atol=1e-15)
    assert tr.C_with_start()[0] == 0.0 and tr.h_with_start()[0] == 0.0
    assert a["words"] == tuple(e.word for e in SLIDE_SCRIPT)


def test_slide_script_values_are_valid_gates():
    for e in SLIDE_SCRIPT:
        assert isinstance(e, ScriptedEvent)
        assert 0 <= e.f <= 1 and 0 <= e.i <= 1 and 0 <= e.o <= 1 and -1 <= e.C_tilde <= 1
    # the two subjects write with opposite signs into the one cell
    signs = {e.word: np.sign(e.C_tilde) for e in SLIDE_SCRIPT if e.C_tilde != 0}
    assert signs == {"cat": 1.0, "dog": -1.0}


def test_simulator_reproduces_a_real_lstm(rng):
    """Gate values taken from lh.LSTM give back exactly its C_t and h_t."""
    lstm = lh.LSTM(3, 5, forget_bias=2.0, seed=3)
    x = rng.normal(size=(7, 2, 3))
    lstm(x)
    g = lstm.last_gates()
    for b in range(2):
        tr = simulate_memory(g["f_t"][:, b], g["i_t"][:, b], g["o_t"][:, b], g["C_tilde_t"][:, b])
        np.testing.assert_allclose(tr.C_t, g["C_t"][:, b], atol=1e-12)
        np.testing.assert_allclose(tr.h_t, g["h_t"][:, b], atol=1e-12)


def test_forget_product_is_the_highway_gradient_of_an_lstm(rng):
    """With W_hh = 0 the gates do not depend on the state, so ∂C_T/∂C_0 is exactly ∏ f (backprop agrees)."""
    lstm = lh.LSTM(2, 4, forget_bias=1.5, seed=1)
    lstm.weight_hh[:] = 0.0
    x = rng.normal(size=(6, 1, 2))
    lstm(x, (np.zeros((1, 4)), rng.normal(size=(1, 4))))
    lstm.backward(np.zeros((6, 1, 4)), (None, np.ones((1, 4))))
    g = lstm.last_gates()
    tr = simulate_memory(g["f_t"][:, 0], g["i_t"][:, 0], g["o_t"][:, 0], g["C_tilde_t"][:, 0])
    np.testing.assert_allclose(tr.forget_product[0], lstm.grad_state[1][0], rtol=1e-12)


def test_forget_product_matches_finite_differences(rng):
    f, i, o, g = _random_gates(rng, 9)
    tr = simulate_memory(f, i, o, g)
    eps = 1e-6
    for t in range(0, 10):
        # start the tail t+1 … T from C_t ± eps
        C_t = 0.0 if t == 0 else tr.C_t[t - 1]
        if t == 9:
            assert tr.forget_product[t] == 1.0
            continue
        up = simulate_memory(f[t:], i[t:], o[t:], g[t:], C_0=float(C_t + eps)).C_t[-1]
        down = simulate_memory(f[t:], i[t:], o[t:], g[t:], C_0=float(C_t - eps)).C_t[-1]
        assert tr.forget_product[t] == pytest.approx((up - down) / (2 * eps), rel=1e-6)
    assert np.all(np.diff(tr.forget_product) >= 0), "a longer product of gates in [0, 1] cannot be larger"


def test_contributions_add_up_to_the_cell_state(rng):
    f, i, o, g = _random_gates(rng, 6, 3)
    C_0 = rng.normal(size=3)
    tr = simulate_memory(f, i, o, g, C_0=C_0)
    np.testing.assert_allclose(tr.contributions.sum(axis=0), tr.C_t, atol=1e-13)
    for k in range(1, 7):
        np.testing.assert_array_equal(tr.contributions[k, :k - 1], 0.0)       # nothing before it was written
        np.testing.assert_allclose(tr.contributions[k, k - 1], i[k - 1] * g[k - 1])
    np.testing.assert_allclose(tr.contributions[0, -1], C_0 * tr.forget_product[0])


def test_shapes_and_broadcasting(rng):
    f, i, o, g = _random_gates(rng, 5)
    tr = simulate_memory(f, i, o, g)
    assert tr.C_t.shape == (5,) and tr.forget_product.shape == (6,) and tr.contributions.shape == (6, 5)
    gH = rng.uniform(-1, 1, (5, 3))
    trH = simulate_memory(f, i, o, gH)                      # one gate value per word, shared by 3 cells
    assert trH.C_t.shape == (5, 3) and trH.contributions.shape == (6, 5, 3)
    for u in range(3):
        np.testing.assert_allclose(trH.C_t[:, u], simulate_memory(f, i, o, gH[:, u]).C_t)
    trL = simulate_memory(list(f), list(i), list(o), list(g))
    np.testing.assert_allclose(trL.C_t, tr.C_t)


@pytest.mark.parametrize("name,bad", [("f_t", 1.2), ("i_t", -0.1), ("o_t", 2.0), ("C_tilde_t", 1.5)])
def test_out_of_range_values_name_the_argument(name, bad):
    args = {"f_t": [0.5, 0.5], "i_t": [0.5, 0.5], "o_t": [0.5, 0.5], "C_tilde_t": [0.5, 0.5]}
    args[name] = [0.5, bad]
    with pytest.raises(ValueError, match=f"'{name}'"):
        simulate_memory(**args)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="'i_t'.*3 steps"):
        simulate_memory([0.5, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="'C_0'"):
        simulate_memory([0.5], [0.5], [0.5], [0.5], C_0=np.zeros(2))
    with pytest.raises(ValueError, match="'C_0'"):
        simulate_memory(np.full((2, 3), 0.5), [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], C_0=np.zeros(2))
    with pytest.raises(ValueError, match="disagree on H"):
        simulate_memory(np.full((2, 3), 0.5), np.full((2, 2), 0.5), [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(ValueError, match="'f_t'"):
        simulate_memory(np.full((2, 2, 2), 0.5), [0.5, 0.5], [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(TypeError, match="'f_t'"):
        simulate_memory(np.array([1, 0]), [0.5, 0.5], [0.5, 0.5], [0.5, 0.5])
    with pytest.raises(TypeError, match="'script'"):
        script_arrays([])


def test_event_streams_differ_only_at_the_event():
    xe, xn = event_streams(np.random.default_rng(0), 12, 5, num_distractors=3)
    assert xe.shape == xn.shape == (12, 5, 4)
    np.testing.assert_array_equal(xe[1:], xn[1:])
    np.testing.assert_array_equal(xe[0].argmax(axis=1), 0)          # the event token
    assert np.all(xn.argmax(axis=2) >= 1)                           # only distractors without it
    np.testing.assert_array_equal(xe.sum(axis=2), 1.0)
    xe2, _ = event_streams(np.random.default_rng(0), 12, 5, num_distractors=3)
    np.testing.assert_array_equal(xe, xe2)
    with pytest.raises(TypeError, match="'rng'"):
        event_streams(0, 12, 5)
    with pytest.raises(ValueError, match="'steps'"):
        event_streams(np.random.default_rng(0), 1, 5)


def test_memory_states_reads_h_of_an_rnn_and_C_of_an_lstm(rng):
    x = rng.normal(size=(6, 2, 3))
    rnn, lstm = lh.RNN(3, 4, seed=0), lh.LSTM(3, 4, seed=0)
    out, _ = rnn(x)
    np.testing.assert_allclose(memory_states(rnn, x), out)
    lstm(x)
    np.testing.assert_allclose(memory_states(lstm, x), lstm.last_gates()["C_t"])
    with pytest.raises(TypeError, match="'model'"):
        memory_states("lstm", x)
    with pytest.raises(ValueError, match="'x'"):
        memory_states(lstm, x[:, :, :2])


def test_event_retention_measures_the_decay_of_a_difference(rng):
    base = rng.normal(size=(10, 3, 4))
    direction = rng.normal(size=(3, 4))
    a = 0.7
    with_event = base + (a ** np.arange(10))[:, None, None] * direction
    r = event_retention(with_event, base)
    np.testing.assert_allclose(r, a ** np.arange(10), rtol=1e-10)
    r2 = event_retention(with_event, base, event_step=3)
    assert r2.shape == (7,) and r2[0] == 1.0
    with pytest.raises(ValueError, match="identical"):
        event_retention(base, base)
    with pytest.raises(ValueError, match="'mem_without'"):
        event_retention(with_event, base[:, :2])


def test_rewrite_fraction():
    m = np.ones((5, 2, 3))
    assert rewrite_fraction(m) == 0.0
    alt = np.zeros((4, 1, 2))
    alt[0::2, 0, 0] = 1.0
    alt[1::2, 0, 1] = 1.0                   # replaced by something as large, orthogonal: ‖Δ‖/‖m‖ = √2
    assert rewrite_fraction(alt) == pytest.approx(np.sqrt(2))
    with pytest.raises(ValueError, match="zero"):
        rewrite_fraction(np.zeros((3, 1, 2)))
    with pytest.raises(ValueError, match="2 steps"):
        rewrite_fraction(np.ones((1, 1, 2)))


def test_lstm_with_a_large_forget_bias_keeps_an_event_longer_than_an_rnn():
    """The measurement notebook 03 prints: the direction of the result, not its value."""
    xe, xn = event_streams(np.random.default_rng(0), 20, 16)
    rnn, lstm = lh.RNN(5, 8, seed=0), lh.LSTM(5, 8, forget_bias=3.0, seed=0)
    r_rnn = event_retention(memory_states(rnn, xe), memory_states(rnn, xn))
    r_lstm = event_retention(memory_states(lstm, xe), memory_states(lstm, xn))
    assert r_lstm[10] > r_rnn[10]
    assert rewrite_fraction(memory_states(lstm, xe)) < rewrite_fraction(memory_states(rnn, xe))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_change_only_the_gates_they_name(preset):
    script = script_arrays()
    a = preset_arrays(preset)
    assert a["words"] == script["words"] and a["events"] == script["events"]
    for k in ("o_t", "C_tilde_t"):
        np.testing.assert_array_equal(a[k], script[k])
    want_f = {"slides": script["f_t"], "rewrite": 0.0, "never_erase": 1.0}[preset]
    want_i = {"slides": script["i_t"], "rewrite": 1.0, "never_erase": script["i_t"]}[preset]
    np.testing.assert_array_equal(a["f_t"], np.broadcast_to(want_f, script["f_t"].shape))
    np.testing.assert_array_equal(a["i_t"], np.broadcast_to(want_i, script["i_t"].shape))
    for k in ("f_t", "i_t", "o_t", "C_tilde_t"):
        assert a[k].shape == (len(SLIDE_SCRIPT),) and a[k].dtype == np.float64, k


def test_rewrite_preset_keeps_only_the_last_word():
    a = preset_arrays("rewrite")
    tr = simulate_memory(a["f_t"], a["i_t"], a["o_t"], a["C_tilde_t"])
    np.testing.assert_array_equal(tr.C_t, a["C_tilde_t"])         # f = 0, i = 1: C_t = C̃_t
    short = SLIDE_SCRIPT[:3]
    assert preset_arrays("never_erase", short)["f_t"].shape == (3,)


def test_preset_arguments_are_checked():
    with pytest.raises(ValueError, match=r"preset_arrays\(\): argument 'preset'"):
        preset_arrays("forget_all")
    with pytest.raises(TypeError, match="'script'"):
        preset_arrays("slides", [("The", "an article", 0.9, 0.3, 0.2, 0.0)])


# ------------------------------------------------------------------------------ the four networks, over seeds
def test_memory_models_are_the_four_seeded_networks():
    from lstm_helpers.lessons.memory_sim import MEMORY_MODELS, memory_models
    models = memory_models(5, 6, seed=2)
    assert tuple(models) == MEMORY_MODELS
    rnn, edge, lstm1, lstm3 = models.values()
    np.testing.assert_array_equal(rnn.weight_hh, lh.RNN(5, 6, seed=2).weight_hh)
    np.testing.assert_array_equal(edge.weight_ih, rnn.weight_ih)
    assert lh.spectral_radius(edge.weight_hh) == pytest.approx(1.0)
    assert lstm1.gate_weights()["b_f"] == pytest.approx(np.ones(6))
    assert lstm3.gate_weights()["b_f"] == pytest.approx(np.full(6, 3.0))
    np.testing.assert_array_equal(lstm1.weight_ih, lh.LSTM(5, 6, seed=2).weight_ih)
    with pytest.raises(ValueError, match="'hidden_size'"):
        memory_models(5, 0, seed=0)
    with pytest.raises(TypeError, match="'seed'"):
        memory_models(5, 6, seed=1.5)


def test_memory_over_seeds_is_the_measurement_of_each_seed():
    from lstm_helpers.lessons.memory_sim import MEMORY_MODELS, MemoryDraws, memory_models, memory_over_seeds
    d = memory_over_seeds((0, 4), steps=20, batch_size=3, hidden_size=5, horizon=4)
    assert isinstance(d, MemoryDraws) and d.seeds == (0, 4) and d.names == MEMORY_MODELS
    assert d.retention.shape == (2, 4, 20) and d.rewrite.shape == d.forget_product.shape == (2, 4)
    for i, seed in enumerate(d.seeds):
        x_event, x_without = event_streams(np.random.default_rng(seed), 20, 3)
        for j, model in enumerate(memory_models(x_event.shape[2], 5, seed).values()):
            a, b = memory_states(model, x_event), memory_states(model, x_without)
            np.testing.assert_array_equal(d.retention[i, j], event_retention(a, b))
            assert d.rewrite[i, j] == rewrite_fraction(a)
            if isinstance(model, lh.LSTM):
                model.forward(x_event)
                f = model.last_gates()["f_t"]
                assert d.forget_product[i, j] == pytest.approx(np.mean(f[1] * f[2] * f[3] * f[4]))
            else:
                assert np.isnan(d.forget_product[i, j])
    assert np.all(d.retention[:, :, 0] == 1.0)
    assert d.column("LSTM (b_f = 3)") == 3
    with pytest.raises(ValueError, match="'name'"):
        d.column("GRU")


@pytest.mark.parametrize("kwargs,err,name", [({"seeds": 0}, ValueError, "seeds"), ({"seeds": []}, ValueError, "seeds"),
                                             ({"seeds": ["a"]}, TypeError, "seeds"),
                                             ({"steps": 10, "horizon": 10}, ValueError, "horizon"),
                                             ({"horizon": 0}, ValueError, "horizon"),
                                             ({"steps": 1}, ValueError, "steps")])
def test_memory_over_seeds_argument_errors(kwargs, err, name):
    from lstm_helpers.lessons.memory_sim import memory_over_seeds
    with pytest.raises(err, match=f"'{name}'"):
        memory_over_seeds(**kwargs)


def test_memory_draws_lags_are_lag_below_with_nan_when_never():
    from lstm_helpers.lessons.memory_sim import memory_over_seeds
    d = memory_over_seeds((1, 2), steps=30, batch_size=4, hidden_size=5)
    for fraction in (0.5, 0.1, 0.01, 1e-12):
        lags = d.lags(fraction)
        assert lags.shape == (2, 4)
        for i in range(2):
            for j in range(4):
                lag = lh.lag_below(d.retention[i, j], fraction)
                assert (lag is None and np.isnan(lags[i, j])) or lags[i, j] == lag
    assert np.isnan(d.lags(1e-12)).any() and not np.isnan(d.lags(0.99)).any()
    with pytest.raises(ValueError, match="'fraction'"):
        d.lags(1.5)
