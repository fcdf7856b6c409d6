"""lstm_helpers.lessons.vanishing: the Jacobian product three ways, the ρ sweep, Pascanu's bound, clipping."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstm_helpers as lh


def small_rnn(nonlinearity="tanh", H=5, D=3, seed=0):
    return lh.RNN(D, H, nonlinearity=nonlinearity, seed=seed)


# --------------------------------------------------------------------------- γ, scalar powers, singular values
def test_derivative_bound_is_the_maximum_of_the_derivative():
    a = np.linspace(-6, 6, 24001)
    assert lh.derivative_bound("tanh") == pytest.approx(lh.tanh_grad(a).max(), abs=1e-6)
    assert lh.derivative_bound("sigmoid") == pytest.approx(lh.sigmoid_grad(a).max(), abs=1e-6)
    assert lh.tanh_grad(a).max() <= lh.derivative_bound("tanh")
    assert lh.sigmoid_grad(a).max() <= lh.derivative_bound("sigmoid")
    assert lh.derivative_bound("linear") == 1.0


def test_derivative_bound_refuses_unknown_names():
    with pytest.raises(ValueError, match="'nonlinearity'"):
        lh.derivative_bound("softplus")


def test_scalar_powers_are_repeated_products():
    ws = np.array([0.5, 0.9, 1.0, 1.1])
    P = lh.scalar_powers(ws, 30)
    assert P.shape == (4, 30)
    np.testing.assert_array_equal(P[:, 0], 1.0)
    expected = np.concatenate([np.ones((4, 1)), np.cumprod(np.repeat(ws[:, None], 29, axis=1), axis=1)], axis=1)
    np.testing.assert_allclose(P, expected, rtol=1e-12)
    one = lh.scalar_powers(0.9, 30)
    assert one.shape == (30,)
    np.testing.assert_allclose(one, P[1])
    assert np.all(np.diff(P[0]) < 0) and np.all(P[2] == 1.0) and np.all(np.diff(P[3]) > 0)


@pytest.mark.parametrize("w,T,err", [(0.5, 0, ValueError), (0.5, 2.5, TypeError), (np.nan, 5, ValueError),
                                     (np.ones((2, 2)), 5, ValueError), ("0.5", 5, TypeError)])
def test_scalar_powers_argument_errors(w, T, err):
    with pytest.raises(err):
        lh.scalar_powers(w, T)


def test_largest_singular_value(rng):
    W = rng.standard_normal((6, 4))
    assert lh.largest_singular_value(W) == pytest.approx(np.sqrt(np.linalg.eigvalsh(W.T @ W).max()))
    assert lh.largest_singular_value(np.diag([0.3, -2.0, 1.0])) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="'W'"):
        lh.largest_singular_value(np.ones(3))


def test_scale_to_largest_singular_value_keeps_the_direction(rng):
    W = rng.standard_normal((5, 5))
    S = lh.scale_to_largest_singular_value(W, 0.7)
    assert lh.largest_singular_value(S) == pytest.approx(0.7)
    np.testing.assert_allclose(S / np.linalg.norm(S), W / np.linalg.norm(W), atol=1e-12)
    assert S.dtype == W.dtype
    with pytest.raises(ValueError, match="zeros"):
        lh.scale_to_largest_singular_value(np.zeros((3, 3)), 1.0)
    with pytest.raises(ValueError, match="'lambda_1'"):
        lh.scale_to_largest_singular_value(W, -1.0)


# --------------------------------------------------------------------------- the Jacobian three ways
@pytest.mark.parametrize("nonlinearity", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("lag", [0, 1, 4, 7])
def test_product_equals_bptt_and_finite_differences(nonlinearity, lag, rng):
    rnn = small_rnn(nonlinearity)
    x = rng.standard_normal((8, 2, 3))
    Jp = lh.state_jacobian_product(rnn, x, lag)
    Jb = lh.state_jacobian_bptt(rnn, x, lag)
    Jn = lh.state_jacobian_numerical(rnn, x, lag)
    assert Jp.shape == Jb.shape == Jn.shape == (2, 5, 5)
    assert lh.rel_error(Jp, Jb) < 1e-12
    # centered differences carry a rounding error of about machine-eps / eps = 2e-10 per entry,
    # which matters when the entries themselves are tiny (sigmoid: φ' ≤ 1/4 per step)
    np.testing.assert_allclose(Jn, Jp, rtol=1e-6, atol=1e-9)


def test_lag_zero_is_the_identity_and_linear_rnn_gives_matrix_powers(rng):
    rnn = small_rnn("linear")
    x = rng.standard_normal((6, 3, 3))
    np.testing.assert_array_equal(lh.state_jacobian_product(rnn, x, 0), np.broadcast_to(np.eye(5), (3, 5, 5)))
    for k in (1, 3, 5):
        J = lh.state_jacobian_bptt(rnn, x, k)
        np.testing.assert_allclose(J, np.broadcast_to(np.linalg.matrix_power(rnn.weight_hh, k), J.shape), atol=1e-12)


def test_product_norms_agree_with_rnn_jacobian_norms(rng):
    rnn = small_rnn("tanh", H=6)
    x = rng.standard_normal((10, 3, 3))
    norms = lh.rnn_jacobian_norms(rnn, x)
    for k in (0, 2, 9):
        J = lh.state_jacobian_product(rnn, x, k)
        assert np.linalg.norm(J, 2, axis=(1, 2)).mean() == pytest.approx(norms[k], rel=1e-10)


def test_jacobian_argument_errors(rng):
    rnn = small_rnn()
    x = rng.standard_normal((5, 2, 3))
    for fn in (lh.state_jacobian_product, lh.state_jacobian_bptt, lh.state_jacobian_numerical):
        with pytest.raises(ValueError, match="'lag'"):
            fn(rnn, x, 5)
        with pytest.raises(ValueError, match=r"'x'.*\(T, B, D\)"):
            fn(rnn, x[:, :, :2], 1)
        with pytest.raises(TypeError, match="'rnn'"):
            fn(lh.LSTM(3, 5), x, 1)
        with pytest.raises(TypeError, match="'lag'"):
            fn(rnn, x, 1.5)


# --------------------------------------------------------------------------- Pascanu's bound
@given(seed=st.integers(0, 10_000), nonlinearity=st.sampled_from(["tanh", "sigmoid", "relu", "linear"]),
       lam=st.floats(0.2, 3.0), scale=st.floats(0.0, 3.0))
def test_pascanu_bound_holds_for_any_rnn_and_input(seed, nonlinearity, lam, scale):
    rnn = lh.RNN(3, 6, nonlinearity=nonlinearity, seed=seed)
    rnn.weight_hh = lh.scale_to_largest_singular_value(rnn.weight_hh, lam)
    x = scale * np.random.default_rng(seed).standard_normal((25, 2, 3))
    norms = lh.rnn_jacobian_norms(rnn, x)
    bound = lh.pascanu_bound(rnn.weight_hh, nonlinearity, 25)
    assert bound.shape == (25,)
    np.testing.assert_allclose(bound, (lh.derivative_bound(nonlinearity) * lam) ** np.arange(25), rtol=1e-9)
    assert np.all(norms <= bound * (1 + 1e-9))


def test_below_one_over_gamma_the_gradient_vanishes():
    ex = lh.DecayExperiment(16, 4, 60, 2, seed=3)
    for nonlinearity in ("tanh", "sigmoid"):
        rnn = ex.rnn(1.0, nonlinearity)
        rnn.weight_hh = lh.scale_to_largest_singular_value(rnn.weight_hh, 0.9 / lh.derivative_bound(nonlinearity))
        norms = lh.rnn_jacobian_norms(rnn, ex.inputs(1.0))
        assert norms[-1] < 0.9 ** 59 * (1 + 1e-9)


def test_pascanu_bound_needs_a_square_matrix():
    with pytest.raises(ValueError, match="'W_hh'"):
        lh.pascanu_bound(np.ones((3, 4)), "tanh", 5)
    with pytest.raises(ValueError, match="'nonlinearity'"):
        lh.pascanu_bound(np.eye(3), "gelu", 5)


# --------------------------------------------------------------------------- per-step factors
def test_growth_per_step_recovers_a_geometric_rate():
    assert lh.growth_per_step(0.8 ** np.arange(50)) == pytest.approx(0.8)
    curve = np.concatenate([np.ones(10), 1.2 ** np.arange(1, 41)])
    assert lh.growth_per_step(curve, start=9) == pytest.approx(1.2)
    assert lh.growth_per_step(np.array([1.0, 0.5, 0.0])) == 0.0
    with pytest.raises(ValueError, match="'start'"):
        lh.growth_per_step(np.ones(5), start=4)
    with pytest.raises(ValueError, match="'norms'"):
        lh.growth_per_step(np.ones((2, 3)))


def test_mean_derivative_shrinks_with_saturation(rng):
    rnn = small_rnn("tanh")
    z = rng.standard_normal((20, 4, 3))
    small, big = lh.mean_derivative(rnn, 0.1 * z), lh.mean_derivative(rnn, 5.0 * z)
    assert 0 < big < small <= 1
    assert lh.mean_derivative(small_rnn("linear"), z) == 1.0
    out, _ = rnn.forward(z)
    assert lh.mean_derivative(rnn, z) == pytest.approx(np.mean(1 - out ** 2), rel=1e-12)


# --------------------------------------------------------------------------- DecayExperiment
def test_decay_experiment_rescales_the_spectral_radius():
    ex = lh.DecayExperiment(12, 3, 40, 3, seed=1)
    assert lh.spectral_radius(ex.W_unit) == pytest.approx(1.0)
    assert ex.z.shape == (40, 3, 3)
    for rho in (0.5, 1.0, 2.0):
        rnn = ex.rnn(rho)
        assert lh.spectral_radius(rnn.weight_hh) == pytest.approx(rho)
        norms = ex.norms(rho, input_scale=0.7)
        assert norms.shape == (40,) and norms[0] == 1.0
        np.testing.assert_allclose(norms, lh.rnn_jacobian_norms(rnn, ex.inputs(0.7)), rtol=1e-12)
    np.testing.assert_array_equal(ex.inputs(2.0), 2.0 * ex.z)


def test_decay_experiment_is_seeded_and_linear_case_is_matrix_power():
    a, b = lh.DecayExperiment(8, 2, 20, 2, seed=5), lh.DecayExperiment(8, 2, 20, 2, seed=5)
    np.testing.assert_array_equal(a.norms(0.9), b.norms(0.9))
    assert not np.array_equal(a.z, lh.DecayExperiment(8, 2, 20, 2, seed=6).z)
    lin = a.norms(1.3, nonlinearity="linear")
    W = 1.3 * a.W_unit
    expected = [np.linalg.norm(np.linalg.matrix_power(W, k), 2) for k in range(20)]
    np.testing.assert_allclose(lin, expected, rtol=1e-9)


def test_larger_radius_reaches_further_back_for_tanh():
    ex = lh.DecayExperiment(24, 4, 100, 2, seed=0)
    lags = [lh.lag_below(ex.norms(rho)) for rho in (0.3, 0.6, 0.9)]
    assert lags[0] < lags[1] < lags[2]


def test_decay_experiment_argument_errors():
    ex = lh.DecayExperiment(8, 2, 10, 1)
    with pytest.raises(ValueError, match="'rho'"):
        ex.norms(-0.1)
    with pytest.raises(ValueError, match="'nonlinearity'"):
        ex.norms(1.0, nonlinearity="gelu")
    with pytest.raises(ValueError, match="'input_scale'"):
        ex.inputs(-1.0)
    with pytest.raises(ValueError, match="'T'"):
        lh.DecayExperiment(8, 2, 1, 1)
    with pytest.raises(TypeError, match="'hidden_size'"):
        lh.DecayExperiment(8.0, 2, 10, 1)


# --------------------------------------------------------------------------- clipping
def test_last_state_gradients_match_finite_differences(rng):
    rnn = small_rnn("tanh", H=4, D=2)
    x = rng.standard_normal((6, 2, 2))
    u = rng.standard_normal(4)
    g = lh.last_state_gradients(rnn, x, u)
    assert set(g) == set(rnn.param_names)

    def loss():
        _, hT = rnn.forward(x)
        return float((hT @ u).sum())

    num = lh.numerical_gradient(loss, rnn.weight_hh)
    assert lh.rel_error(g["weight_hh"], num) < 1e-7
    with pytest.raises(ValueError, match="'u'"):
        lh.last_state_gradients(rnn, x, np.ones(3))


def test_linear_rnn_with_radius_above_one_explodes():
    ex = lh.DecayExperiment(8, 2, 60, 2, seed=0)
    norms = [lh.global_norm(lh.last_state_gradients(ex.rnn(1.5, "linear"), ex.inputs(1.0)[:T])) for T in (10, 30, 60)]
    assert norms[0] < norms[1] < norms[2]
    assert norms[2] / norms[1] > 1.2 ** 30


def test_clipping_keeps_the_direction_and_caps_the_norm(rng):
    grads = {"a": 100 * rng.standard_normal((3, 4)), "b": 100 * rng.standard_normal(5)}
    original = {k: v.copy() for k, v in grads.items()}
    r = lh.clipping_effect(grads, 1.0)
    assert r["norm_before"] == pytest.approx(lh.global_norm(original))
    assert r["norm_after"] == pytest.approx(1.0)
    assert r["scale"] == pytest.approx(1.0 / r["norm_before"])
    assert r["cosine"] == pytest.approx(1.0, abs=1e-12)
    for k in grads:
        np.testing.assert_array_equal(grads[k], original[k])
    small = lh.clipping_effect({"a": np.full(4, 0.1)}, 1.0)
    assert small["norm_after"] == pytest.approx(small["norm_before"]) and small["scale"] == 1.0


def test_clipping_effect_argument_errors():
    with pytest.raises(TypeError, match="'grads'"):
        lh.clipping_effect([np.ones(3)], 1.0)
    with pytest.raises(ValueError, match="'max_norm'"):
        lh.clipping_effect({"a": np.ones(3)}, -1.0)


# --------------------------------------------------------------------------- over several random draws
def test_decay_over_draws_repeats_the_experiment_seed_by_seed():
    rhos = [0.5, 1.0, 2.0]
    d = lh.vanishing.decay_over_draws(rhos, (0, 3), hidden_size=6, input_size=2, T=12, batch=2)
    assert d.seeds == (0, 3) and d.T == 12
    assert d.norms.shape == (2, 3, 12) and d.lags.shape == d.growth.shape == d.lambda_1.shape == (2, 3)
    for i, seed in enumerate(d.seeds):
        ex = lh.DecayExperiment(6, 2, 12, 2, seed=seed)
        for j, rho in enumerate(rhos):
            np.testing.assert_array_equal(d.norms[i, j], ex.norms(rho))
            lag = lh.lag_below(d.norms[i, j])
            assert (np.isnan(d.lags[i, j]) and lag is None) or d.lags[i, j] == lag
            assert d.growth[i, j] == lh.growth_per_step(d.norms[i, j])
            assert d.lambda_1[i, j] == pytest.approx(lh.largest_singular_value(ex.rnn(rho).weight_hh))
            assert d.mean_derivative[i, j] == pytest.approx(lh.mean_derivative(ex.rnn(rho), ex.inputs(1.0)))
    assert not np.array_equal(d.norms[0], d.norms[1])          # another seed is another draw
    assert d.at(1.0) == 1
    with pytest.raises(ValueError, match="'rho'"):
        d.at(0.7)


def test_decay_over_draws_marks_a_lag_never_reached_as_nan():
    d = lh.vanishing.decay_over_draws([0.1, 1.0], 2, hidden_size=4, input_size=2, T=6, batch=1,
                                      nonlinearity="linear", input_scale=0.0)
    assert np.all(d.lags[:, 0] == lh.lag_below(lh.scalar_powers(0.1, 6)))   # linear, no input: ρ^k exactly
    assert np.all(np.isnan(d.lags[:, 1]))                                     # 1^k never falls below 1 %


@pytest.mark.parametrize("kwargs,err,name", [
    ({"rhos": "1.0"}, TypeError, "rhos"), ({"rhos": []}, ValueError, "rhos"), ({"rhos": [-0.5]}, ValueError, "rhos"),
    ({"rhos": ["a"]}, TypeError, "rhos"), ({"rhos": [1.0], "seeds": 0}, ValueError, "seeds"),
    ({"rhos": [1.0], "seeds": [1.5]}, TypeError, "seeds"), ({"rhos": [1.0], "seeds": []}, ValueError, "seeds"),
    ({"rhos": [1.0], "nonlinearity": "softplus"}, ValueError, "nonlinearity"),
    ({"rhos": [1.0], "fraction": 2.0}, ValueError, "fraction")])
def test_decay_over_draws_argument_errors(kwargs, err, name):
    with pytest.raises(err, match=f"'{name}'"):
        lh.vanishing.decay_over_draws(**kwargs)


def test_cell_paths_over_draws_are_the_lstm_measurements_of_each_seed():
    c = lh.vanishing.cell_paths_over_draws([1.0, 3.0], (0, 2), hidden_size=5, input_size=3, T=10, batch=2)
    assert c.seeds == (0, 2) and c.direct.shape == c.full.shape == (2, 2, 10) and c.mean_f.shape == (2, 2)
    for i, seed in enumerate(c.seeds):
        x = lh.DecayExperiment(5, 3, 10, 2, seed=seed).inputs(1.0)
        for j, b_f in enumerate((1.0, 3.0)):
            lstm = lh.LSTM(3, 5, forget_bias=b_f, seed=seed)
            lstm.forward(x)
            f_t = lstm.last_gates()["f_t"]
            np.testing.assert_array_equal(c.direct[i, j], lh.forget_path_norms(f_t))
            np.testing.assert_array_equal(c.full[i, j], lh.lstm_cell_jacobian_norms(lstm, x))
            assert c.mean_f[i, j] == pytest.approx(f_t.mean())
    assert np.all(c.mean_f[:, 1] > c.mean_f[:, 0])       # a larger forget bias, a larger gate
    with pytest.raises(TypeError, match="'forget_biases'"):
        lh.vanishing.cell_paths_over_draws(None)
    with pytest.raises(ValueError, match="'forget_biases'"):
        lh.vanishing.cell_paths_over_draws([])
    with pytest.raises(ValueError, match="'seeds'"):
        lh.vanishing.cell_paths_over_draws([1.0], -1)
