"""The widget of notebook 00: one gate unit f = σ(w·x + b) and the eraser's kept/erased bars."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.slides.gates import gate_value
from lstm_helpers.widgets.start_here import RANGES, X_GRID, StartHereView, bench_cases, start_here_widget
from widget_testing import (PNG, assert_control_redraws, assert_out_of_range_refused, assert_sweep_covers_ranges,
                            assert_view_contract, image, sliders)


def test_view_follows_the_widget_contract():
    assert_view_contract(StartHereView(), RANGES)


@pytest.mark.parametrize("w,b,x", [(1.0, 1.0, 0.0), (-2.5, 0.3, 1.7), (4.0, -6.0, -4.0), (0.0, 6.0, 2.0)])
def test_artists_show_the_gate_formula(w, b, x):
    v = StartHereView()
    v.update(w=w, b=b, x=x)
    f = float(lh.sigmoid(np.array(w * x + b)))
    assert v.f == pytest.approx(f, abs=1e-12)
    np.testing.assert_allclose(v.curve.get_ydata(), lh.sigmoid(w * X_GRID + b), atol=1e-12)
    np.testing.assert_allclose(v.marker.get_xydata(), [[x, f]], atol=1e-12)
    assert v.kept_bar.get_height() == pytest.approx(f, abs=1e-12)
    assert v.erased_bar.get_height() == pytest.approx(1.0 - f, abs=1e-12)
    assert f"{f:.3f}" in v.readout.get_text()


def test_gate_value_is_the_sigmoid_and_saturates_without_nan():
    assert gate_value(0.0, 0.0, 0.0) == 0.5
    assert gate_value(1.0, 1.0, 0.0) == pytest.approx(float(lh.sigmoid(np.array(1.0))))
    hi, lo = gate_value(4.0, 6.0, 4.0), gate_value(4.0, -6.0, -4.0)
    assert 0.999 < hi <= 1.0 and 0.0 <= lo < 1e-3


def test_partial_update_keeps_the_other_values():
    v = StartHereView(w=2.0, b=-1.0, x=0.5)
    v.update(b=0.5)
    assert v.values == {"w": 2.0, "b": 0.5, "x": 0.5}
    assert v.f == pytest.approx(gate_value(2.0, 0.5, 0.5))


def test_different_values_change_the_picture():
    v = StartHereView()
    before = v.render()
    v.update(b=-3.0)
    assert v.render() != before


@pytest.mark.parametrize("name", sorted(RANGES))
def test_out_of_range_value_names_the_argument(name):
    assert_out_of_range_refused(StartHereView(), name, RANGES, margin=1.0, not_a_number="big")


def test_unknown_control_is_refused():
    with pytest.raises(TypeError, match="'bias'"):
        StartHereView().update(bias=1.0)


def test_widget_has_one_slider_per_control_and_redraws_on_change():
    box = start_here_widget()
    found = {c.description: c for c in sliders(box)}
    assert len(found) == len(RANGES)
    assert image(box).value[:8] == PNG
    slider_b = found["bias b"]
    assert (slider_b.min, slider_b.max) == RANGES["b"][:2]
    assert_control_redraws(box, slider_b, -4.0, "b")
    assert box.last_redraw_ms > 0


def test_widget_defaults_are_passed_to_the_view():
    box = start_here_widget(b=2.5)
    assert box.view.values["b"] == 2.5


def test_bench_cases_sweep_every_control_over_its_whole_range():
    (label, view, sweep), = bench_cases()
    assert isinstance(view, StartHereView)
    assert_sweep_covers_ranges(sweep, RANGES)
