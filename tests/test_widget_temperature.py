"""The widget of notebook 11: the next-character distribution at a temperature, and a sample."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import charlm as cl
from lstm_helpers.widgets.temperature import (PROMPTS, RANGES, SAMPLE_LENGTH, bench_cases,
                                              char_label, demo_view, temperature_widget)
from widget_testing import assert_control_redraws, assert_view_contract, controls


@pytest.fixture(scope="module")
def view():
    return demo_view()


def _heights(collection):
    return np.array([seg[1, 1] for seg in collection.get_segments()])


def test_view_follows_the_widget_contract(view):
    assert_view_contract(view, {"temperature", "prompt"})


@pytest.mark.parametrize("temperature", [0.1, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("prompt", PROMPTS[:2])
def test_bars_are_the_softmax_at_that_temperature(view, temperature, prompt):
    view.update(temperature=temperature, prompt=prompt)
    z, _ = cl.prime(view.model, view.vocab.encode(prompt))
    np.testing.assert_allclose(_heights(view.bars), cl.next_distribution(z, temperature), atol=1e-12)
    np.testing.assert_allclose(_heights(view.ref_bars), cl.next_distribution(z, 1.0), atol=1e-12)
    np.testing.assert_allclose(view.p, cl.next_distribution(z, temperature))
    assert f"{cl.entropy_bits(view.p):.2f} bits" in view.readout.get_text()
    expected = cl.sample_text(view.model, view.vocab, prompt, SAMPLE_LENGTH, temperature=temperature, seed=0)
    assert view.sample == expected


def test_lower_temperature_sharpens(view):
    view.update(temperature=0.1)
    cold = view.p.max()
    view.update(temperature=2.0)
    assert cold > view.p.max() and cl.entropy_bits(view.p) > 0.0


def test_partial_update_keeps_the_other_value():
    v = demo_view()
    v.update(prompt=PROMPTS[2])
    v.update(temperature=0.4)
    assert v.values == {"temperature": 0.4, "prompt": PROMPTS[2]}


def test_bad_values_name_the_argument(view):
    low, high, _ = RANGES["temperature"]
    with pytest.raises(ValueError, match="'temperature'"):
        view.update(temperature=high + 1)
    with pytest.raises(ValueError, match="'temperature'"):
        view.update(temperature=low / 2)
    with pytest.raises(ValueError, match="'prompt'"):
        view.update(prompt="not offered")
    with pytest.raises(TypeError, match="'T'"):
        view.update(T=1.0)


def test_axis_labels_show_space_and_newline():
    assert char_label(" ") == "sp" and char_label("\n") == "nl" and char_label("a") == "a"


def test_widget_has_a_slider_and_a_menu_and_redraws():
    import ipywidgets as W
    v = demo_view()
    box = temperature_widget(v.model, v.vocab)
    slider, menu = controls(box)
    assert isinstance(slider, W.FloatSlider) and (slider.min, slider.max) == RANGES["temperature"][:2]
    assert list(menu.options) == list(PROMPTS)
    assert_control_redraws(box, slider, 0.3, "temperature")
    menu.value = PROMPTS[1]
    assert box.view.values["prompt"] == PROMPTS[1]
    assert slider.value + slider.step <= slider.max


def test_bench_cases_sweep_the_whole_range():
    (_, v, sweep), = bench_cases()
    values = [kw["temperature"] for kw in sweep]
    assert min(values) == RANGES["temperature"][0] and max(values) == RANGES["temperature"][1]
    assert {kw["prompt"] for kw in sweep} == set(PROMPTS)


def test_alt_text_follows_the_setting_and_is_displayed():
    v = demo_view()
    assert len(type(v).alt) >= 30
    v.update(temperature=0.3, prompt=PROMPTS[1])
    z, _ = cl.prime(v.model, v.vocab.encode(PROMPTS[1]))
    entropy, ref = cl.entropy_bits(v.p), cl.entropy_bits(cl.next_distribution(z, 1.0))
    assert f"{entropy:.2f} bits, is lower than the {ref:.2f} bits at temperature 1" in v.alt
    assert repr(PROMPTS[1]) in v.alt and "temperature 0.30" in v.alt and repr(v.sample) in v.alt
    v.update(temperature=2.0)
    assert "is higher than" in v.alt
    v.update(temperature=1.0)
    assert "is the same as" in v.alt
    data, metadata = v._repr_mimebundle_()
    assert metadata == {"image/png": {"alt": v.alt}} and data["image/png"]
