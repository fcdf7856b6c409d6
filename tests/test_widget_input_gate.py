"""The widget of notebook 05: i_t and C̃_t set by hand at one step and unit of the example."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import toy_sentences as ts
from lstm_helpers.widgets.input_gate import (CONTROLS, RANGES, STEP_CHOICES, InputGateView, bench_cases,
                                             input_gate_widget)
from widget_testing import (assert_control_redraws, assert_first_slider_can_step_right,
                            assert_sweep_covers_ranges, assert_view_contract,
                            controls)


def test_view_follows_the_widget_contract():
    assert_view_contract(InputGateView(), CONTROLS)


@pytest.mark.parametrize("t,unit,i,C_tilde", [(8, "sleeping", 1.0, 1.0), (8, "hungry", 0.3, -1.0), (0, "cat", 0.0, 0.5),
                                        (9, "dog", 0.55, -0.2), (2, "cat", 1.0, 1.0)])
def test_bars_are_the_update_and_lines_the_cell(t, unit, i, C_tilde):
    v = InputGateView()
    v.update(t=t, unit=unit, i_t=i, C_tilde_t=C_tilde)
    u = ts.unit_index(unit)
    base = ts.run(ts.encode(ts.SENTENCE))
    f, C_prev = base["f_t"][t, u], base["C_prev"][t, u]  # the edit does not change anything before step t
    kept, written, C_t = (bar.get_height() for bar in v.bars)
    assert kept == pytest.approx(f * C_prev, abs=1e-12)
    assert written == pytest.approx(i * C_tilde, abs=1e-12)
    assert C_t == pytest.approx(kept + written, abs=1e-12)
    assert v.lines[u].get_ydata()[t] == pytest.approx(C_t, abs=1e-12)
    np.testing.assert_allclose(v.marker.get_xydata(), [[t, C_t]])
    # steps before t are untouched
    for k, line in enumerate(v.lines):
        np.testing.assert_array_equal(line.get_ydata()[:t], base["C_t"][:t, k])


def test_pen_up_keeps_the_note_and_negative_candidate_subtracts():
    v = InputGateView(t=8, unit="hungry", i_t=0.0, C_tilde_t=1.0)
    kept, written, C_t = (bar.get_height() for bar in v.bars)
    assert written == 0.0 and C_t == kept > 0
    v.update(i_t=1.0, C_tilde_t=-1.0)
    assert v.parts[2] < 0 < v.parts[0]


def test_partial_update_and_bad_values():
    v = InputGateView()
    v.update(unit="dog")
    assert v.values == {**InputGateView.defaults, "unit": "dog"}
    with pytest.raises(ValueError, match="'t'"):
        v.update(t=len(ts.SENTENCE))
    with pytest.raises(ValueError, match="'t'"):
        v.update(t=True)
    with pytest.raises(ValueError, match="'unit'"):
        v.update(unit="bird")
    with pytest.raises(ValueError, match="'i_t'"):
        v.update(i_t=1.5)
    with pytest.raises(ValueError, match="'C_tilde_t'"):
        v.update(C_tilde_t=-1.01)
    with pytest.raises(TypeError, match="'f_t'"):
        v.update(f_t=0.5)


def test_widget_has_one_control_per_key_and_redraws_on_change():
    box = input_gate_widget()
    found = controls(box)
    assert len(found) == len(CONTROLS)
    step, unit = found[0], found[1]
    assert [value for _, value in step.options] == list(STEP_CHOICES)
    assert tuple(unit.options) == ts.UNITS
    assert_control_redraws(box, unit, "cat", "unit")


def test_bench_cases_cover_every_choice_and_the_whole_slider_ranges():
    (_, view, sweep), = bench_cases()
    assert isinstance(view, InputGateView)
    assert {kw["t"] for kw in sweep} == set(STEP_CHOICES)
    assert {kw["unit"] for kw in sweep} == set(ts.UNITS)
    assert_sweep_covers_ranges(sweep, RANGES)


def test_first_slider_can_move_right_from_its_default():
    assert_first_slider_can_step_right(input_gate_widget())
