"""The widgets of notebook 05: i_t and C̃_t set by hand at one step and unit of the example; the pen of the dog's
slot reading h_{t-1} on "The dog was sleeping" and "The cat was sleeping"."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgb

from lstm_helpers import toy_sentences as ts
from lstm_helpers.lessons import context_gates as cg
from lstm_helpers.widgets.input_gate import (CONTEXT_RANGES, CONTROLS, RANGES, STEP_CHOICES, ContextPenView,
                                             InputGateView, bench_cases, context_pen_widget, input_gate_widget)
from widget_testing import (assert_control_redraws, assert_first_slider_can_step_right,
                            assert_out_of_range_refused, assert_sweep_covers_ranges, assert_view_contract,
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
    (_, view, sweep), (_, context, context_sweep) = bench_cases()
    assert isinstance(view, InputGateView) and isinstance(context, ContextPenView)
    assert_sweep_covers_ranges(context_sweep, CONTEXT_RANGES)
    assert {kw["t"] for kw in sweep} == set(STEP_CHOICES)
    assert {kw["unit"] for kw in sweep} == set(ts.UNITS)
    assert_sweep_covers_ranges(sweep, RANGES)


def test_first_slider_can_move_right_from_its_default():
    assert_first_slider_can_step_right(input_gate_widget())
    assert_first_slider_can_step_right(context_pen_widget())


def test_views_carry_alt_text_and_the_new_note_takes_the_unit_colour():
    v = InputGateView(unit="dog", t=6)
    assert len(v.alt) >= 30 and f"{v.parts[2]:+.3f}" in v.alt and "dog" in v.alt
    assert v.bars[2].get_facecolor()[:3] == pytest.approx(to_rgb(cg.UNIT_COLORS["dog"]))
    assert to_rgb(v.lines[ts.unit_index("dog")].get_color()) == pytest.approx(to_rgb(cg.UNIT_COLORS["dog"]))
    c = ContextPenView()
    assert f"{c.i[0]:.3f}" in c.alt and f"{c.i[1]:.3f}" in c.alt
    data, meta = c._repr_mimebundle_()
    assert meta["image/png"]["alt"] == c.alt


def test_context_view_default_writes_sleeping_only_where_the_dog_is():
    c = ContextPenView()
    assert_view_contract(c, CONTEXT_RANGES)
    ref = cg.slot_decisions()
    n = len(ref[0]["written"])
    for k, d in enumerate(ref):
        np.testing.assert_allclose([b.get_height() for b in c.bars[k * n:(k + 1) * n]], d["written"], atol=1e-12)
        np.testing.assert_allclose(c.markers[k].get_xydata(), [[d["z"][cg.T_SLEEPING], d["i_t"][cg.T_SLEEPING]]])
    assert c.i[0] > 0.9 and c.i[1] < 0.05


def test_context_view_follows_its_sliders_and_refuses_bad_values():
    c = ContextPenView()
    c.update(w_cross=cg.SLOT_PEN_SUBJECT)                 # the cat's sleep now lands in the dog's slot too
    assert c.i[1] > 0.9
    c.update(w_h=0.0, w_cross=0.0)                        # no context: the word alone cannot open this pen
    assert max(c.i) < 0.05
    d = cg.slot_decisions(cg.slot_cell(w_h=0.0, w_cross=0.0))
    assert c.i == tuple(float(x["i_t"][cg.T_SLEEPING]) for x in d)
    for name in CONTEXT_RANGES:
        assert_out_of_range_refused(c, name, CONTEXT_RANGES, margin=1.0, not_a_number="big")
    with pytest.raises(TypeError, match="'i_t'"):
        c.update(i_t=0.5)
    box = context_pen_widget()
    assert len(controls(box)) == len(CONTEXT_RANGES)
    assert_control_redraws(box, controls(box)[2], -4.0, "b")
