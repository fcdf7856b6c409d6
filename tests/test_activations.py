"""σ, tanh, softmax and their derivatives: stable at ±1e4, dtype kept, derivatives right."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine.activations import NONLINEARITIES, nonlinearity

EXTREMES = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_tanh_extremes_no_warning_no_nan(dtype):
    x = EXTREMES.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            s, t = lh.sigmoid(x), lh.tanh(x)
            ds, dt = lh.sigmoid_grad(x), lh.tanh_grad(x)
    for y in (s, t, ds, dt):
        assert np.isfinite(y).all()
        assert y.dtype == dtype
    assert s[0] == 0.0 and s[-1] == 1.0
    assert t[0] == -1.0 and t[-1] == 1.0
    assert s[3] == 0.5 and t[3] == 0.0
    assert ds[0] == 0.0 and ds[-1] == 0.0
    assert np.all((s >= 0) & (s <= 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_extremes_no_warning_no_nan(dtype):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4, 0.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            p = lh.softmax(z)
    assert p.dtype == dtype
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(p[2], [0.5, 0.5, 0.0], atol=1e-7)


def test_sigmoid_equals_textbook_formula():
    x = np.linspace(-30, 30, 601)
    # ½(1 + tanh(x/2)) is exact to machine epsilon in absolute terms (not relative, far left)
    np.testing.assert_allclose(lh.sigmoid(x), 1.0 / (1.0 + np.exp(-x)), rtol=1e-12, atol=np.finfo(float).eps)
    np.testing.assert_allclose(lh.tanh(x), np.tanh(x), rtol=0, atol=0)


@pytest.mark.parametrize("func, grad", [(lh.sigmoid, lh.sigmoid_grad), (lh.tanh, lh.tanh_grad)])
def test_derivatives_match_centered_differences(func, grad):
    x = np.linspace(-8, 8, 161)
    h = 1e-5
    numeric = (func(x + h) - func(x - h)) / (2 * h)
    np.testing.assert_allclose(grad(x), numeric, rtol=1e-7, atol=1e-10)


def test_derivative_maxima_are_quarter_and_one():
    x = np.linspace(-5, 5, 1001)  # contains 0 exactly
    assert lh.sigmoid_grad(x).max() == pytest.approx(0.25, abs=0)
    assert lh.tanh_grad(x).max() == pytest.approx(1.0, abs=0)
    assert np.argmax(lh.sigmoid_grad(x)) == np.argmin(np.abs(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = np.linspace(-3, 3, 7).astype(dtype)
    for f in (lh.sigmoid, lh.tanh, lh.sigmoid_grad, lh.tanh_grad, lh.softmax):
        assert f(x).dtype == dtype, f.__name__


def test_integers_and_lists_are_accepted_as_float64():
    assert lh.sigmoid(0) == 0.5
    np.testing.assert_allclose(lh.tanh([1, 2]), np.tanh([1.0, 2.0]))
    assert lh.sigmoid(np.array([1, 2])).dtype == np.float64


def test_softmax_axis_and_shift_invariance(rng):
    z = rng.standard_normal((3, 4, 5))
    for axis in (0, 1, -1):
        p = lh.softmax(z, axis=axis)
        np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=1e-12)
        e = np.exp(z)
        np.testing.assert_allclose(p, e / e.sum(axis=axis, keepdims=True), rtol=1e-12)
        np.testing.assert_allclose(lh.softmax(z + 100.0, axis=axis), p, rtol=1e-10)


@pytest.mark.parametrize("name", sorted(NONLINEARITIES))
def test_nonlinearity_derivative_from_output(name):
    f, fprime = nonlinearity(name)
    a = np.linspace(-3, 3, 60) + 0.025  # avoids relu's kink at 0
    h = 1e-6
    numeric = (f(a + h) - f(a - h)) / (2 * h)
    np.testing.assert_allclose(fprime(f(a)), numeric, rtol=1e-6, atol=1e-9)


def test_nonlinearity_rejects_unknown_name():
    with pytest.raises(ValueError, match="'nonlinearity'"):
        nonlinearity("softplus")
