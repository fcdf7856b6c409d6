"""The widgets of notebook 04: the cat unit's forget gate at "dog" and the notes over the words; the same gate
reading h_{t-1} (the "sentence ended" unit) at the two "dog"s of "The cat saw the dog . The dog was sleeping"."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import toy_sentences as ts
from lstm_helpers.lessons import context_gates as cg
from lstm_helpers.widgets.forget_gate import (CAT, CONTEXT_RANGES, DOG, DOGS, RANGES, T_DOG, ContextEraserView,
                                              ForgetGateView, bench_cases, context_eraser_widget, forget_gate_widget)
from widget_testing import (assert_control_redraws, assert_first_slider_can_step_right,
                            assert_out_of_range_refused, assert_sweep_covers_ranges, assert_view_contract, controls)


def test_view_follows_the_widget_contract():
    assert_view_contract(ForgetGateView(), RANGES)


def test_default_is_the_hand_wired_cell_with_the_slide_value():
    v = ForgetGateView()
    ref = ts.lstm_trace(ts.hand_wired_lstm(), ts.encode(ts.SENTENCE))
    assert v.f == pytest.approx(ts.SLIDE_FORGET_AT_NEW_SUBJECT["subject"], abs=1e-12)
    np.testing.assert_allclose(v.c_cat.get_ydata(), ref["C_t"][:, CAT], rtol=1e-12)
    np.testing.assert_allclose(v.c_dog.get_ydata(), ref["C_t"][:, DOG], rtol=1e-12)
    np.testing.assert_allclose(v.f_cat.get_ydata(), ref["f_t"][:, CAT], rtol=1e-12)


@pytest.mark.parametrize("w,b,x", [(-10.0, 8.0, 1.0), (0.0, 0.0, 0.5), (4.0, -4.0, 0.0), (-3.3, 1.7, 0.35)])
def test_marker_is_the_gate_formula_and_lines_follow_it(w, b, x):
    v = ForgetGateView()
    v.update(w=w, b=b, x=x)
    p = ts.slide_weights()
    p["W_f"][CAT, ts.column("dog")], p["b_f"][CAT] = w, b
    x_t = ts.word_vector("dog") * x
    h_prev = v.trace["h_prev"][T_DOG]
    f = lh.gates.forget_gate(h_prev, x_t, p["W_f"], p["b_f"])[CAT]
    assert v.f == pytest.approx(f, abs=1e-12)
    np.testing.assert_allclose(v.marker.get_xydata(), [[w * x + b, f]], atol=1e-12)
    C = v.c_cat.get_ydata()
    assert C[T_DOG] == pytest.approx(f * C[T_DOG - 1], abs=1e-12)  # nothing is written to the cat unit at "dog"
    assert f"{f:.3f}" in v.readout.get_text()


def test_a_larger_bias_keeps_more_of_the_cat():
    low, high = ts.forget_trace(-5.0, 1.0, 1.0), ts.forget_trace(-5.0, 6.0, 1.0)
    assert high["C_t"][-1, CAT] > low["C_t"][-1, CAT]
    none = ts.forget_trace(-10.0, 3.0, 0.0)  # no 'dog' in the input: the eraser rests
    assert none["f_t"][T_DOG, CAT] == pytest.approx(float(lh.sigmoid(np.array(3.0))))


def test_partial_update_keeps_the_other_values():
    v = ForgetGateView(w=-2.0, b=1.0, x=0.5)
    v.update(b=0.5)
    assert v.values == {"w": -2.0, "b": 0.5, "x": 0.5}


@pytest.mark.parametrize("name", sorted(RANGES))
def test_out_of_range_value_names_the_argument(name):
    v = ForgetGateView()
    assert_out_of_range_refused(v, name, RANGES, margin=1.0, not_a_number="big")
    with pytest.raises(TypeError, match="'W_f'"):
        v.update(W_f=1.0)


def test_widget_has_one_slider_per_control_and_redraws_on_change():
    box = forget_gate_widget()
    found = controls(box)
    assert len(found) == len(RANGES)
    assert {(s.min, s.max) for s in found} == {r[:2] for r in RANGES.values()}
    assert_control_redraws(box, found[1], -2.0, "b")


def test_bench_cases_sweep_every_control_over_its_whole_range():
    (_, view, sweep), (_, context, context_sweep) = bench_cases()
    assert isinstance(view, ForgetGateView) and isinstance(context, ContextEraserView)
    assert_sweep_covers_ranges(sweep, RANGES)
    assert_sweep_covers_ranges(context_sweep, CONTEXT_RANGES)


def test_first_slider_can_move_right_from_its_default():
    assert_first_slider_can_step_right(forget_gate_widget())
    assert_first_slider_can_step_right(context_eraser_widget())


def test_views_carry_alt_text_with_the_drawn_numbers():
    v = ForgetGateView()
    assert len(v.alt) >= 30 and f"{v.f:.3f}" in v.alt
    c = ContextEraserView()
    assert f"{c.f[0]:.3f}" in c.alt and f"{c.f[1]:.3f}" in c.alt
    data, meta = c._repr_mimebundle_()
    assert meta["image/png"]["alt"] == c.alt and data["image/png"]
    for label in (*(t.get_text() for ax in c.fig.axes for t in (ax.xaxis.label, ax.yaxis.label, ax.title)),
                  *(t.get_text() for t in v.fig.axes[0].get_legend().get_texts())):
        assert "_{" not in label or label.count("$") >= 2, f"raw TeX in a label: {label!r}"


def test_context_view_default_is_the_hand_wired_eraser_cell():
    c = ContextEraserView()
    assert c.defaults == {"w_h": cg.ENDED_WEIGHT, "w_x": cg.NEW_SUBJECT_WEIGHT, "b": cg.SUBJECT_KEEP_BIAS}
    assert_view_contract(c, CONTEXT_RANGES)
    ref = cg.eraser_decisions()
    np.testing.assert_allclose(c.c_cat.get_ydata(), ref["C_cat"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(c.h_end.get_ydata(), ref["h_ended"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(c.f_cat.get_ydata(), ref["f_t"], rtol=0, atol=1e-12)
    for m, t in zip(c.markers, DOGS):
        np.testing.assert_allclose(m.get_xydata(), [[ref["z"][t], ref["f_t"][t]]], atol=1e-12)
    assert c.f[0] > 0.9 > 0.1 > c.f[1]                               # keep at the object, erase at the new subject


@pytest.mark.parametrize("w_h,w_x,b", [(0.0, -6.0, 9.0), (-12.0, 4.0, 0.0), (4.0, -12.0, 12.0), (-3.3, -1.7, 5.5)])
def test_context_view_follows_its_sliders(w_h, w_x, b):
    c = ContextEraserView()
    c.update(w_h=w_h, w_x=w_x, b=b)
    d = cg.eraser_decisions(cg.eraser_cell(w_h=w_h, w_x=w_x, b=b))
    np.testing.assert_allclose(c.f_cat.get_ydata(), d["f_t"], rtol=0, atol=1e-12)
    assert c.f == tuple(float(d["f_t"][t]) for t in DOGS)
    for t, f in zip(DOGS, c.f):
        assert f"f = {f:.3f}" in c.readout.get_text()
    if w_h == 0.0:
        assert c.f[0] == pytest.approx(c.f[1], abs=1e-12)             # no context: one word, one decision


def test_context_view_refuses_bad_values_and_its_widget_redraws():
    c = ContextEraserView()
    for name in CONTEXT_RANGES:
        assert_out_of_range_refused(c, name, CONTEXT_RANGES, margin=1.0, not_a_number="big")
    with pytest.raises(TypeError, match="'w'"):
        c.update(w=1.0)
    box = context_eraser_widget()
    found = controls(box)
    assert len(found) == len(CONTEXT_RANGES)
    assert_control_redraws(box, found[0], 0.0, "w_h")
