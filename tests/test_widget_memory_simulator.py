"""The memory simulator widget of notebook 03: the drawn data follow simulate_memory, editing one word
never disturbs another, and the widget's sliders follow the word being edited."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from lstm_helpers.lessons.memory_sim import PRESETS, SLIDE_SCRIPT, preset_arrays, script_arrays, simulate_memory
from lstm_helpers.widgets.memory_simulator import (FLOOR, RANGES, MemorySimulatorView, bench_cases,
                                                   memory_simulator_widget)
from widget_testing import (PNG, assert_out_of_range_refused, assert_sweep_covers_ranges, assert_view_contract,
                            controls, image)

T = len(SLIDE_SCRIPT)


def _gates(view):
    return {k: getattr(view, k).copy() for k in ("f_t", "i_t", "o_t", "C_tilde_t")}


def _check_artists_follow_the_simulation(view):
    tr = simulate_memory(view.f_t, view.i_t, view.o_t, view.C_tilde_t)
    np.testing.assert_allclose(view.C_line.get_ydata(), tr.C_with_start())
    np.testing.assert_allclose(view.h_line.get_ydata(), tr.h_with_start())
    np.testing.assert_allclose(view.grad_line.get_ydata(), np.maximum(tr.forget_product, FLOOR))
    np.testing.assert_allclose(view.f_line.get_ydata(), view.f_t)
    np.testing.assert_allclose([b.get_height() for b in view.cand_bars.patches], view.C_tilde_t)
    img = view.image.get_array()
    np.testing.assert_allclose(img.filled(0.0), np.clip(tr.contributions[1:], -1, 1))
    step = view.values["step"]
    assert f"{tr.forget_product[step]:.4f}" in view.grad_text.get_text()
    assert f"{tr.C_t[-1]:+.3f}" in view.state_text.get_text()


def test_view_follows_the_widget_contract():
    assert_view_contract(MemorySimulatorView(), {"step", "preset", *RANGES})


def test_default_setting_is_the_slide_script():
    v = MemorySimulatorView()
    a = script_arrays()
    for k in ("f_t", "i_t", "o_t", "C_tilde_t"):
        np.testing.assert_array_equal(getattr(v, k), a[k])
    step = v.defaults["step"]
    assert v.defaults["f"] == a["f_t"][step - 1] and v.defaults["C_tilde"] == a["C_tilde_t"][step - 1]
    _check_artists_follow_the_simulation(v)


def test_a_changed_slider_is_written_into_the_selected_word_only():
    v = MemorySimulatorView()
    before = _gates(v)
    v.update(step=5, f=1.0)
    after = _gates(v)
    assert after["f_t"][4] == 1.0
    mask = np.arange(T) != 4
    np.testing.assert_array_equal(after["f_t"][mask], before["f_t"][mask])
    for k in ("i_t", "o_t", "C_tilde_t"):
        np.testing.assert_array_equal(after[k], before[k])
    _check_artists_follow_the_simulation(v)


def test_choosing_another_word_writes_nothing():
    v = MemorySimulatorView()
    v.update(f=0.35, i=0.15, o=0.55, C_tilde=-0.4)       # edits word 2
    edited = _gates(v)
    v.update(step=7)                                     # the sliders still show word 2's values
    np.testing.assert_array_equal(_gates(v)["f_t"], edited["f_t"])
    v.update(step=7, f=0.35, i=0.15, o=0.55, C_tilde=-0.4)   # unchanged slider values: still nothing written
    for k, arr in _gates(v).items():
        np.testing.assert_array_equal(arr, edited[k])


def test_set_step_values_writes_unconditionally():
    v = MemorySimulatorView()
    v.set_step_values(3, f=0.0, C_tilde=0.5)
    assert v.f_t[2] == 0.0 and v.C_tilde_t[2] == 0.5
    _check_artists_follow_the_simulation(v)
    with pytest.raises(ValueError, match="'f'"):
        v.set_step_values(3, f=1.5)
    with pytest.raises(TypeError, match="'g'"):
        v.set_step_values(3, g=0.5)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_load_a_whole_script(preset):
    v = MemorySimulatorView()
    v.update(step=3, f=0.05)
    if preset == v.values["preset"]:          # choosing the preset already shown changes nothing
        v.update(preset="rewrite")
    v.update(preset=preset)
    a = preset_arrays(preset)
    for k in ("f_t", "i_t", "o_t", "C_tilde_t"):
        np.testing.assert_array_equal(getattr(v, k), a[k])
    _check_artists_follow_the_simulation(v)


def test_rewrite_preset_is_rnn_like_and_never_erase_keeps_the_cat():
    v = MemorySimulatorView(preset="rewrite")
    tr = v.trace
    np.testing.assert_allclose(tr.C_t, tr.C_tilde_t)          # f = 0, i = 1: only the last word is in memory
    assert np.all(tr.forget_product[:-1] == 0.0)
    assert np.all(np.isfinite(v.grad_line.get_ydata()))        # zeros are drawn below the axis, not as NaN
    v.update(preset="never_erase")
    cat = v.words.index("cat") + 1
    assert v.trace.forget_product[cat] == 1.0
    assert v.trace.contributions[cat, -1] == pytest.approx(v.i_t[cat - 1] * v.C_tilde_t[cat - 1])


@pytest.mark.parametrize("name", sorted(RANGES))
def test_out_of_range_value_names_the_argument(name):
    assert_out_of_range_refused(MemorySimulatorView(), name, RANGES, margin=0.5, not_a_number="open")


def test_bad_step_preset_and_unknown_controls_are_refused():
    v = MemorySimulatorView()
    for bad in (0, T + 1):
        with pytest.raises(ValueError, match="'step'"):
            v.update(step=bad)
    with pytest.raises(TypeError, match="'step'"):
        v.update(step=2.0)
    with pytest.raises(ValueError, match="'preset'"):
        v.update(preset="lstm")
    with pytest.raises(TypeError, match="'forget'"):
        v.update(forget=0.5)


def test_extreme_settings_draw_no_nan_and_no_warning():
    v = MemorySimulatorView()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for s in range(1, T + 1):
            v.set_step_values(s, f=1.0, i=1.0, o=1.0, C_tilde=1.0)
        v.render()
    assert v.trace.C_t[-1] == pytest.approx(T)
    lo, hi = v.ax_state.get_ylim()
    assert lo <= -T and hi >= T, "|C_t| can reach T; the axis must show it"
    for line in (v.C_line, v.h_line, v.grad_line, v.f_line):
        assert np.all(np.isfinite(line.get_xydata()))


def test_widget_sliders_follow_the_selected_word_and_edit_only_it():
    box = memory_simulator_widget()
    view = box.view
    found = {c.description: c for c in controls(box)}
    assert set(found) == {"edit word", "preset", "forget f_t", "input i_t", "output o_t", "candidate C̃_t"}
    img = image(box)
    assert img.value[:8] == PNG
    for name, desc in (("f", "forget f_t"), ("i", "input i_t"), ("o", "output o_t"), ("C_tilde", "candidate C̃_t")):
        assert (found[desc].min, found[desc].max) == RANGES[name][:2]
    before = _gates(view)
    found["edit word"].value = 7                     # "dog": the sliders move to its stored values
    assert found["forget f_t"].value == before["f_t"][6]
    assert found["candidate C̃_t"].value == before["C_tilde_t"][6]
    for k, arr in _gates(view).items():                 # and nothing was written anywhere
        np.testing.assert_array_equal(arr, before[k])
    old_image = img.value
    found["forget f_t"].value = 0.25
    assert view.f_t[6] == 0.25 and img.value != old_image and box.last_redraw_ms > 0
    found["edit word"].value = 2
    assert found["forget f_t"].value == before["f_t"][1]
    assert view.f_t[6] == 0.25 and view.f_t[1] == before["f_t"][1]
    found["preset"].value = "rewrite"
    assert found["forget f_t"].value == 0.0 and found["input i_t"].value == 1.0
    np.testing.assert_array_equal(view.f_t, 0.0)


def test_bench_cases_sweep_every_control_over_its_whole_range():
    cases = bench_cases()
    sweep = [kw for _, _, s in cases for kw in s]
    assert_sweep_covers_ranges(sweep, RANGES, partial=True)
    assert {kw["step"] for kw in sweep if "step" in kw} == set(range(1, T + 1))
    assert {kw["preset"] for kw in sweep if "preset" in kw} == set(PRESETS)


def test_no_control_value_forces_a_full_redraw():
    """Every redraw is a blit over the cached background (fast); the timing itself is measured in a
    kernel by benchmarks/bench_widgets.py (median <= 100 ms)."""
    for _, view, sweep in bench_cases():
        view.render()
        for kw in sweep:
            view.update(**kw)
            assert view._background is not None, f"update({kw}) invalidated the background"
            view.render()


def test_display_carries_alt_text_with_the_current_numbers():
    """display(view) stores alt text in the output metadata; it describes the state now shown."""
    view = MemorySimulatorView()
    data, metadata = view._repr_mimebundle_()
    alt = metadata["image/png"]["alt"]
    assert len(alt) >= 30 and alt == view.alt
    assert f"C_T = {view.trace.C_t[-1]:+.3f}" in alt
    view.update(preset="never_erase")
    assert f"C_T = {view.trace.C_t[-1]:+.3f}" in view.alt and view.alt != alt


def test_titles_use_mathtext_not_raw_subscripts():
    view = MemorySimulatorView()
    texts = [ax.get_title() for ax in view.fig.axes] + [ax.get_xlabel() for ax in view.fig.axes]
    for text in texts:
        assert "C_t" not in text.replace("$C_t$", "") and "h_t" not in text.replace("$h_t$", ""), text
