"""The widget of notebook 06: the output gate at "and", kept vs shown, and the next-word prediction."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import toy_sentences as ts
from lstm_helpers.widgets.output_gate import CONTROLS, RANGES, T_AND, OutputGateView, bench_cases, output_gate_widget
from widget_testing import (assert_control_redraws, assert_first_slider_can_step_right,
                            assert_out_of_range_refused, assert_sweep_covers_ranges, assert_view_contract, controls)


def test_view_follows_the_widget_contract():
    assert_view_contract(OutputGateView(), CONTROLS)


def test_default_is_the_hand_wired_cell():
    v = OutputGateView()
    ref = ts.lstm_trace(ts.hand_wired_lstm(), ts.encode(ts.SENTENCE))
    np.testing.assert_allclose([b.get_height() for b in v.c_bars], ref["C_t"][T_AND], rtol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in v.h_bars], ref["h_t"][T_AND], rtol=1e-12)
    np.testing.assert_allclose(v.o_marks.get_ydata(), ref["o_t"][T_AND], rtol=1e-12)
    np.testing.assert_allclose(v.probabilities, ts.next_word_probabilities(ref["h_t"][T_AND]), rtol=1e-12)


@pytest.mark.parametrize("o_dog,o_sleeping,o_old,erased", [(0.0, 0.0, 0.0, True), (1.0, 0.0, 1.0, False),
                                                           (0.3, 0.8, 0.5, True), (0.9, 0.7, 0.1, False)])
def test_bars_show_o_times_tanh_C_and_C_does_not_depend_on_o(o_dog, o_sleeping, o_old, erased):
    v = OutputGateView()
    v.update(o_dog=o_dog, o_sleeping=o_sleeping, o_old=o_old, erased=erased)
    C = np.array([b.get_height() for b in v.c_bars])
    h = np.array([b.get_height() for b in v.h_bars])
    o = np.array([o_old, o_dog, o_old, o_sleeping])  # units: cat, dog, hungry, sleeping
    np.testing.assert_allclose(v.o_marks.get_ydata(), o)
    np.testing.assert_allclose(h, o * np.tanh(C), rtol=1e-12)
    np.testing.assert_array_equal(C, ts.output_trace(0.5, 0.5, 0.5, erased)["C_t"][T_AND])
    p = np.array([b.get_height() for b in v.p_bars])
    np.testing.assert_allclose(p, ts.next_word_probabilities(h), rtol=1e-12)
    assert p.sum() == pytest.approx(1.0)
    assert [t.get_text() for t in v.p_texts] == [f"{100 * q:.0f} %" for q in p]


def test_closing_the_gate_moves_the_prediction():
    shown = OutputGateView().probabilities
    hidden = OutputGateView(o_sleeping=0.0).probabilities
    i_snore, i_bark = ts.NEXT_WORDS.index("snoring"), ts.NEXT_WORDS.index("barking")
    assert shown[i_snore] > 0.5 and hidden[i_snore] < shown[i_snore]
    assert hidden[i_bark] == pytest.approx(hidden[i_snore])
    nothing = OutputGateView(o_dog=0.0, o_sleeping=0.0, o_old=0.0).probabilities
    np.testing.assert_allclose(nothing, 1.0 / len(ts.NEXT_WORDS))


def test_not_erasing_keeps_the_old_context_large():
    erased, kept = ts.output_trace(0.9, 0.7, 0.1, True), ts.output_trace(0.9, 0.7, 0.1, False)
    cat = ts.unit_index("cat")
    assert kept["C_t"][T_AND, cat] > 5 * erased["C_t"][T_AND, cat]


def test_partial_update_and_bad_values():
    v = OutputGateView()
    v.update(o_old=0.5)
    assert v.values == {**OutputGateView.defaults, "o_old": 0.5}
    for name in RANGES:
        assert_out_of_range_refused(v, name, RANGES, margin=0.5)
    with pytest.raises(TypeError, match="'erased'"):
        v.update(erased="yes")
    with pytest.raises(TypeError, match="'o_cat'"):
        v.update(o_cat=0.5)


def test_widget_has_one_control_per_key_and_redraws_on_change():
    box = output_gate_widget()
    found = controls(box)
    assert len(found) == len(CONTROLS)
    assert_control_redraws(box, found[1], 0.0, "o_sleeping")
    found[-1].value = False
    assert box.view.values["erased"] is False


def test_bench_cases_cover_both_settings_and_the_whole_slider_ranges():
    (_, view, sweep), = bench_cases()
    assert isinstance(view, OutputGateView)
    assert {kw["erased"] for kw in sweep} == {True, False}
    assert_sweep_covers_ranges(sweep, RANGES)


def test_first_slider_can_move_right_from_its_default():
    assert_first_slider_can_step_right(output_gate_widget())


def test_alt_text_describes_the_figure_drawn():
    """display(view) carries alt text built from the numbers drawn, and it follows the controls."""
    from lstm_helpers.support.plots import MIN_ALT_CHARS

    v = OutputGateView()
    _, meta = v._repr_mimebundle_()
    assert meta["image/png"]["alt"] == v.alt and len(v.alt) >= MIN_ALT_CHARS
    for w, q in zip(ts.NEXT_WORDS, v.probabilities):
        assert f"{w} {100 * q:.0f} %" in v.alt
    C = v.trace["C_t"][T_AND]
    assert f"dog {C[ts.unit_index('dog')]:.2f}" in v.alt and "erased at 'dog'" in v.alt
    before = v.alt
    v.update(o_sleeping=0.0, erased=False)
    assert v.alt != before and "sleeping 0.00" in v.alt and "not erased" in v.alt
    for w, q in zip(ts.NEXT_WORDS, v.probabilities):
        assert f"{w} {100 * q:.0f} %" in v.alt
