"""The widget of notebook 00: a first gate to move. One note, one gate value f, step after step."""
from __future__ import annotations

import ipywidgets as W
import numpy as np
import pytest

from lstm_helpers.lessons.first_gate import gate_over_steps
from lstm_helpers.support.plots import MIN_ALT_CHARS
from lstm_helpers.widgets.start_here import K_MAX, RANGES, StartHereView, bench_cases, start_here_widget
from widget_testing import (PNG, assert_control_redraws, assert_first_slider_can_step_right,
                            assert_out_of_range_refused, assert_sweep_covers_ranges, assert_view_contract, controls,
                            image)


def heights(view) -> np.ndarray:
    return np.array([bar.get_height() for bar in view.step_bars])


def test_view_follows_the_widget_contract():
    assert_view_contract(StartHereView(), RANGES)


@pytest.mark.parametrize("f,k", [(0.9, 10), (0.5, 1), (0.97, 30), (0.25, 7)])
def test_bars_show_the_note_step_after_step(f, k):
    v = StartHereView(f=f, steps=k)
    assert v.kept_bar.get_height() == pytest.approx(f) and v.erased_bar.get_height() == pytest.approx(1 - f)
    assert v.erased_bar.get_y() == pytest.approx(f), "the erased part sits on top of the kept part"
    want = np.where(np.arange(K_MAX + 1) <= k, f ** np.arange(K_MAX + 1), 0.0)   # steps after k are not drawn
    np.testing.assert_allclose(heights(v), want, rtol=1e-12)
    assert v.left == pytest.approx(f ** k)
    assert f"{f ** k:.3f} is left after {k} step" in v.readout.get_text()
    half = np.log(0.5) / np.log(f)
    assert f"after {half:.1f} steps" in v.readout.get_text()
    assert v.half_line.get_visible() == (half <= K_MAX)
    if half <= K_MAX:
        np.testing.assert_allclose(v.half_line.get_xdata(), [half, half])


def test_the_ends_of_the_slider_erase_at_once_and_keep_forever():
    v = StartHereView(f=0.0, steps=5)
    np.testing.assert_array_equal(heights(v)[:6], [1, 0, 0, 0, 0, 0])
    assert "gone at the first step" in v.readout.get_text() and not v.half_line.get_visible()
    v.update(f=1.0)
    np.testing.assert_array_equal(heights(v)[:6], np.ones(6))
    assert "never shrinks" in v.readout.get_text() and not v.half_line.get_visible()


def test_the_numbers_are_the_lesson_functions():
    v = StartHereView(f=0.8, steps=12)
    r = gate_over_steps(0.8, K_MAX)
    np.testing.assert_array_equal(v.result.C, r.C)
    assert v.result.half_life == r.half_life


def test_alt_text_describes_the_current_setting():
    v = StartHereView()
    assert len(v.alt) >= MIN_ALT_CHARS
    assert "f = 0.90" in v.alt and f"{0.9 ** 10:.3f}" in v.alt and "after 10 steps" in v.alt
    v.update(f=0.5, steps=3)
    assert "f = 0.50" in v.alt and "0.125" in v.alt and "after 3 steps" in v.alt
    data, metadata = v._repr_mimebundle_()
    assert data["image/png"] and metadata == {"image/png": {"alt": v.alt}}


def test_partial_update_keeps_the_other_values():
    v = StartHereView(f=0.7, steps=4)
    v.update(steps=9)
    assert v.values == {"f": 0.7, "steps": 9}
    assert v.left == pytest.approx(0.7 ** 9)


def test_different_values_change_the_picture():
    v = StartHereView()
    before = v.render()
    v.update(f=0.6)
    after_f = v.render()
    v.update(steps=20)
    assert len({before, after_f, v.render()}) == 3


@pytest.mark.parametrize("name", sorted(RANGES))
def test_out_of_range_value_names_the_argument(name):
    assert_out_of_range_refused(StartHereView(), name, RANGES, margin=1.0, not_a_number="many")


def test_steps_must_be_whole_and_bad_values_change_nothing():
    v = StartHereView(f=0.8, steps=5)
    with pytest.raises(ValueError, match="'steps'.*whole number"):
        v.update(f=0.3, steps=2.5)
    assert v.values == {"f": 0.8, "steps": 5}, "a refused update must not change any value"
    v.update(steps=6.0)                                   # a whole float is a whole number of steps
    assert v.values["steps"] == 6 and isinstance(v.values["steps"], int)


def test_unknown_control_is_refused():
    with pytest.raises(TypeError, match="'gate'"):
        StartHereView().update(gate=0.5)


def test_widget_has_a_gate_slider_and_a_steps_slider_and_redraws_on_change():
    box = start_here_widget()
    found = {c.description: c for c in controls(box)}
    assert set(found) == {"gate f", "steps k"}
    assert isinstance(found["steps k"], W.IntSlider)
    assert (found["gate f"].min, found["gate f"].max) == RANGES["f"][:2]
    assert (found["steps k"].min, found["steps k"].max) == RANGES["steps"][:2]
    assert image(box).value[:8] == PNG
    assert_first_slider_can_step_right(box)
    assert_control_redraws(box, found["gate f"], 0.5, "f")
    assert_control_redraws(box, found["steps k"], 20, "steps")
    assert box.last_redraw_ms > 0


def test_widget_defaults_are_passed_to_the_view():
    box = start_here_widget(f=0.25, steps=3)
    assert box.view.values == {"f": 0.25, "steps": 3}


def test_bench_cases_sweep_every_control_over_its_whole_range_with_whole_steps():
    (label, view, sweep), = bench_cases()
    assert isinstance(view, StartHereView)
    assert_sweep_covers_ranges(sweep, RANGES)
    assert all(float(kw["steps"]).is_integer() for kw in sweep)
    for kw in sweep:                                       # every setting of the sweep is accepted
        view.update(**kw)
