"""The widget of notebook 01: RNN gradient norm vs lag (measured), ρ^k and the LSTM cell path f^k."""
from __future__ import annotations

import warnings

import ipywidgets
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.widgets import View
from lstm_helpers.widgets.gradient_decay import (FLOOR, NONLINEARITY_CHOICES, RANGES, Y_LIMITS, GradientDecayView,
                                                 bench_cases, gradient_decay_widget)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def view():
    return GradientDecayView()


def test_view_follows_the_widget_contract(view):
    assert isinstance(view, View)
    assert set(view.defaults) == set(RANGES) | {"nonlinearity"}
    assert view._dynamic, "the view must declare its dynamic artists (blitting)"
    assert view.render()[:8] == PNG
    assert tuple(view.ax.get_ylim()) == pytest.approx(Y_LIMITS)
    assert view.ax.get_yscale() == "log"
    assert view.ax.get_title() and view.ax.get_xlabel() and view.ax.get_ylabel()
    assert len(view.ax.get_legend().get_texts()) == 4


def test_curves_are_the_measured_norms_rho_powers_and_forget_products():
    v = GradientDecayView(hidden_size=12, input_size=3, T=40, batch=2, seed=2)
    v.update(rho=0.8, input_scale=1.5, nonlinearity="sigmoid", f=0.9)
    ex = lh.DecayExperiment(12, 3, 40, 2, seed=2)
    expected = lh.rnn_jacobian_norms(ex.rnn(0.8, "sigmoid"), ex.inputs(1.5))
    np.testing.assert_allclose(v.rnn_norms, expected, rtol=1e-12)
    np.testing.assert_allclose(v.rnn_line.get_ydata(), np.maximum(expected, FLOOR), rtol=1e-12)
    np.testing.assert_allclose(v.rho_line.get_ydata(), 0.8 ** np.arange(40), rtol=1e-12)
    np.testing.assert_allclose(v.forget_line.get_ydata(), 0.9 ** np.arange(40), rtol=1e-12)
    assert v.rnn_lag == lh.lag_below(expected)
    assert v.forget_lag is None              # 0.9^k < 0.01 only from k = 44, beyond T = 40
    v.update(f=0.8)
    assert v.forget_lag == int(np.floor(np.log(0.01) / np.log(0.8))) + 1
    assert f"RNN k = {v.rnn_lag}" in v.readout.get_text()


def test_each_control_changes_its_curve(view):
    view.update(**GradientDecayView.defaults)
    rnn0, rho0, f0 = (np.array(line.get_ydata()) for line in (view.rnn_line, view.rho_line, view.forget_line))
    view.update(rho=1.5)
    assert not np.allclose(view.rnn_line.get_ydata(), rnn0) and not np.allclose(view.rho_line.get_ydata(), rho0)
    np.testing.assert_array_equal(view.forget_line.get_ydata(), f0)
    view.update(rho=1.0, input_scale=2.5)
    assert not np.allclose(view.rnn_line.get_ydata(), rnn0)
    view.update(input_scale=1.0, nonlinearity="linear")
    assert not np.allclose(view.rnn_line.get_ydata(), rnn0)
    view.update(nonlinearity="tanh", f=0.5)
    np.testing.assert_allclose(view.rnn_line.get_ydata(), rnn0)
    assert not np.allclose(view.forget_line.get_ydata(), f0)
    view.update(**GradientDecayView.defaults)


def test_markers_sit_at_the_one_percent_lag(view):
    view.update(**{**GradientDecayView.defaults, "f": 0.9})
    assert view.forget_marker.get_visible()
    assert view.forget_marker.get_xydata().tolist() == [[float(view.forget_lag), 0.01]]
    view.update(f=1.0)
    assert view.forget_lag is None and not view.forget_marker.get_visible()
    assert "LSTM not within T" in view.readout.get_text()
    view.update(**GradientDecayView.defaults)


def test_forget_gate_zero_and_exploding_linear_rnn_draw_finite_values(view):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.update(rho=RANGES["rho"][1], input_scale=RANGES["input_scale"][1], nonlinearity="linear", f=0.0)
        png = view.render()
    assert png[:8] == PNG
    assert np.all(np.isfinite(view.rnn_line.get_ydata())) and np.all(np.asarray(view.forget_line.get_ydata()) > 0)
    assert view.rnn_norms[-1] > Y_LIMITS[1] and view.rnn_lag is None
    view.update(**GradientDecayView.defaults)


def test_bad_values_are_refused_and_change_nothing(view):
    before = dict(view.values)
    with pytest.raises(ValueError, match="'rho'"):
        view.update(rho=RANGES["rho"][1] + 1)
    with pytest.raises(ValueError, match="'f'"):
        view.update(nonlinearity="linear", f=-0.1)
    with pytest.raises(ValueError, match="'nonlinearity'"):
        view.update(nonlinearity="relu6")
    with pytest.raises(TypeError, match="'forget'"):
        view.update(forget=0.5)
    with pytest.raises(TypeError, match="'input_scale'"):
        view.update(input_scale="big")
    assert view.values == before


def test_sweep_is_clean_and_covers_every_control():
    (label, v, sweep), = bench_cases()
    assert isinstance(v, GradientDecayView)
    for name, (low, high, _) in RANGES.items():
        values = [kw[name] for kw in sweep]
        assert min(values) == low and max(values) == high, name
    assert {kw["nonlinearity"] for kw in sweep} == set(NONLINEARITY_CHOICES)
    drawn = set()
    for kwargs in sweep:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            v.update(**kwargs)
            v.render()
        for line in (v.rnn_line, v.rho_line, v.forget_line):
            assert np.all(np.isfinite(line.get_ydata())), kwargs
        drawn.add(np.asarray(v.rnn_line.get_ydata()).tobytes())
    assert len(drawn) > len(sweep) // 2


def test_widget_has_the_four_controls_and_redraws_on_change():
    box = gradient_decay_widget(f=0.8)
    rows = [c for c in box.children if isinstance(c, ipywidgets.HBox)]
    controls = {c.description: c for row in rows for c in row.children}
    assert set(controls) == {"ρ (W_hh)", "input scale", "φ", "forget gate f"}
    assert box.view.values["f"] == 0.8
    (image,) = [c for c in box.children if isinstance(c, ipywidgets.Image)]
    assert image.value[:8] == PNG
    before = image.value
    controls["ρ (W_hh)"].value = 1.5
    assert box.view.values["rho"] == 1.5 and image.value != before
    controls["φ"].value = "sigmoid"
    assert box.view.values["nonlinearity"] == "sigmoid"
    assert tuple(controls["φ"].options) == NONLINEARITY_CHOICES
    assert box.last_redraw_ms > 0


def test_alt_text_describes_the_setting_and_its_lags():
    from lstm_helpers.support.plots import MIN_ALT_CHARS
    v = GradientDecayView(hidden_size=12, input_size=3, T=40, batch=2, seed=2)
    v.update(rho=0.8, input_scale=1.5, nonlinearity="sigmoid", f=0.9)
    assert len(v.alt) >= MIN_ALT_CHARS
    assert "sigmoid" in v.alt and "ρ = 0.80" in v.alt and "input scale 1.5" in v.alt and "f = 0.90" in v.alt
    assert f"the RNN at lag {v.rnn_lag}" in v.alt
    assert "the LSTM cell path not within T = 40" in v.alt     # 0.9^k < 0.01 only from k = 44
    v.update(f=0.8)
    assert f"the LSTM cell path at lag {v.forget_lag}" in v.alt
    data, metadata = v._repr_mimebundle_()
    assert metadata == {"image/png": {"alt": v.alt}}
