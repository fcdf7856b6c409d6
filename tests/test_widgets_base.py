"""The widget base (lstm_helpers.widgets): blitted renders equal full renders, and
interactive_view wires controls to View.update."""
from __future__ import annotations

import io
import warnings

import ipywidgets as W
import numpy as np
import pytest
from PIL import Image

from lstm_helpers import widgets
from lstm_helpers.widgets import View, figure_png, interactive_view, new_figure


class SineView(View):
    """A line whose frequency and amplitude change; axis limits change only on 'zoom'."""

    defaults = {"freq": 1.0, "amp": 1.0}

    def __init__(self, dynamic=("line", "dot")):
        self.fig, self.ax = new_figure(figsize=(4, 3))
        self.x = np.linspace(0, 2 * np.pi, 200)
        # Blitting draws the dynamic artists over the whole static picture, so they sit above every
        # static artist they touch (grid: zorder 1.5): line zorder 2, dot zorder 3 on top of the line.
        (self.line,) = self.ax.plot(self.x, np.sin(self.x), label="sin")
        self.dot = self.ax.scatter([0.0], [0.0], color="k", zorder=3)
        self.ax.set_ylim(-3, 3)  # the legend (static, zorder 5) stays clear of the line
        self.ax.set_title("sine")
        self.ax.legend(loc="upper right")
        self.calls = []
        if dynamic:
            self.set_dynamic(*(getattr(self, name) for name in dynamic))

    def update(self, freq=1.0, amp=1.0, zoom=False):
        self.calls.append({"freq": freq, "amp": amp})
        y = amp * np.sin(freq * self.x)
        self.line.set_ydata(y)
        self.dot.set_offsets([[self.x[50], y[50]]])
        if zoom:
            self.ax.set_ylim(-4, 4)
            self.invalidate()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def test_new_figure_and_figure_png():
    fig, axes = new_figure(2, 1, figsize=(3, 2))
    assert fig.dpi == 80 and axes.shape == (2,)
    png = figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert pixels(png).shape[:2] == (160, 240)


def test_blitted_render_equals_full_render():
    view = SineView()
    first = view.render()  # draws the background once
    for freq, amp in [(2.0, 1.5), (3.5, 0.3), (0.5, 1.9)]:
        view.update(freq=freq, amp=amp)
        blitted = pixels(view.render())
        full = pixels(figure_png(view.fig))
        assert blitted.shape == full.shape
        assert np.array_equal(blitted, full), np.abs(blitted - full).max()
        assert not np.array_equal(blitted, pixels(first))  # the picture did change
    # a fresh view that never blitted, drawn at the same setting, gives the same picture too
    fresh = SineView(dynamic=())
    fresh.update(freq=0.5, amp=1.9)
    assert np.array_equal(pixels(fresh.render()), full)


def test_blitted_render_respects_zorder_whatever_the_set_dynamic_order():
    view = SineView(dynamic=("dot", "line"))  # the dot (zorder 3) given before the line (zorder 2)
    view.render()
    view.update(freq=2.0, amp=1.5)  # the dot sits on the line
    assert np.array_equal(pixels(view.render()), pixels(figure_png(view.fig)))


def test_invalidate_redraws_static_parts():
    view = SineView()
    view.render()
    view.update(freq=2.0, amp=3.0, zoom=True)  # limits change: the background must be redrawn
    assert np.array_equal(pixels(view.render()), pixels(figure_png(view.fig)))


def test_repr_png_and_redraw_ms():
    view = SineView()
    assert view._repr_png_()[:4] == b"\x89PNG"
    ms = view.redraw_ms(freq=2.0, amp=1.0)
    assert isinstance(ms, float) and ms > 0
    assert view.calls[-1] == {"freq": 2.0, "amp": 1.0}
    assert "SineView" in repr(view)


def test_redraw_ms_turns_warnings_into_errors():
    class Warns(SineView):
        def update(self, **values):
            warnings.warn("bad slider value", RuntimeWarning)

    with pytest.raises(RuntimeWarning, match="bad slider value"):
        Warns().redraw_ms(freq=1.0)


def test_interactive_view_calls_update_and_re_renders():
    view = SineView()
    freq = W.FloatSlider(value=1.0, min=0.5, max=4.0, step=0.5, description="freq")
    amp = W.FloatSlider(value=1.0, min=0.1, max=2.0, step=0.1, description="amp")
    box = interactive_view(view, {"freq": freq, "amp": amp})
    assert view.calls == [{"freq": 1.0, "amp": 1.0}]  # first draw with the controls' values
    assert box.view is view
    image = next(c for c in box.children if isinstance(c, W.Image))
    png0 = image.value
    assert png0[:4] == b"\x89PNG"
    assert isinstance(box.last_redraw_ms, float) and box.last_redraw_ms > 0
    box.last_redraw_ms = -1.0
    freq.value = 3.0
    assert view.calls[-1] == {"freq": 3.0, "amp": 1.0}
    assert box.last_redraw_ms >= 0
    assert image.value != png0
    amp.value = 0.5
    assert view.calls[-1] == {"freq": 3.0, "amp": 0.5}
    assert len(view.calls) == 3
    assert np.array_equal(pixels(image.value), pixels(figure_png(view.fig)))
    # controls are laid out in rows of `columns`
    rows = [c for c in box.children if isinstance(c, W.HBox)]
    assert [list(r.children) for r in rows] == [[freq, amp]]


def test_interactive_view_columns():
    view = SineView()
    controls = {"freq": W.FloatSlider(value=1.0), "amp": W.FloatSlider(value=1.0)}
    box = interactive_view(view, controls, columns=1)
    rows = [c for c in box.children if isinstance(c, W.HBox)]
    assert len(rows) == 2


def test_module_exports():
    for name in ("View", "interactive_view", "new_figure", "figure_png"):
        assert hasattr(widgets, name)


def test_check_sliders_checks_every_value_and_keeps_none_on_a_bad_one():
    from lstm_helpers.widgets.base import check_sliders
    ranges = {"a": (0.0, 1.0, 0.1), "b": (-1.0, 1.0, 0.1)}
    assert check_sliders({"a": 0.5, "b": -1}, "f()", ranges) == {"a": 0.5, "b": -1.0}
    with pytest.raises(ValueError, match="'b'"):
        check_sliders({"a": 0.5, "b": 2.0}, "f()", ranges)
    with pytest.raises(TypeError, match="'c'"):
        check_sliders({"c": 0.5}, "f()", ranges)


@pytest.mark.parametrize("make, good, bad", [
    ("forget_gate.ForgetGateView", {"w": 1.0}, {"b": "x"}),
    ("forget_gate.ContextEraserView", {"w_h": -1.0}, {"b": -5.0}),
    ("input_gate.InputGateView", {"i_t": 0.25, "unit": "dog"}, {"t": 99}),
    ("input_gate.ContextPenView", {"w_h": 2.0}, {"nope": 1.0}),
    ("output_gate.OutputGateView", {"o_dog": 0.5}, {"erased": "yes"}),
])
def test_a_bad_value_leaves_every_control_of_a_view_as_it_was(make, good, bad):
    """'Nothing a user made is lost on bad input': an update with one bad value changes no control (before, the
    good values given before it in the same call were kept while the figure still showed the old ones)."""
    import importlib
    module, cls = make.split(".")
    view = getattr(importlib.import_module(f"lstm_helpers.widgets.{module}"), cls)()
    before = dict(view.values)
    with pytest.raises((TypeError, ValueError)):
        view.update(**good, **bad)
    assert view.values == before
    view.update(**good)
    assert all(view.values[k] == v for k, v in good.items())
