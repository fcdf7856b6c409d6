"""Checks shared by the widget tests (tests/test_widget_*.py): plain functions, no fixtures.

A widget box is what :func:`lstm_helpers.widgets.interactive_view` returns: rows of controls
(``HBox``) above one ``Image``, with the view as ``box.view``. Sliders are described by a
module's ``RANGES = {name: (min, max, step)}``.
"""
from __future__ import annotations


import pytest

from lstm_helpers.widgets import View

PNG = b"\x89PNG\r\n\x1a\n"


def controls(box) -> list:
    """The value widgets of an interactive_view box, in order (they sit in HBox rows)."""
    import ipywidgets as W
    return [c for row in box.children if isinstance(row, W.HBox) for c in row.children]


def sliders(box) -> list:
    """The FloatSliders among :func:`controls`, in order."""
    import ipywidgets as W
    return [c for c in controls(box) if isinstance(c, W.FloatSlider)]


def image(box):
    """The one Image of an interactive_view box."""
    import ipywidgets as W
    (img,) = [c for c in box.children if isinstance(c, W.Image)]
    return img


def assert_view_contract(view, control_names) -> None:
    """A View whose defaults name exactly ``control_names``, with dynamic artists, rendering PNG."""
    assert isinstance(view, View)
    assert set(view.defaults) == set(control_names)
    assert view._dynamic, "the view must declare its dynamic artists (blitting)"
    assert view.render()[:8] == PNG
    assert view._repr_png_()[:8] == PNG


def assert_control_redraws(box, control, value, key) -> None:
    """Setting ``control`` to ``value`` sets the view's value ``key`` and changes the image."""
    img = image(box)
    before = img.value
    control.value = value
    assert box.view.values[key] == value
    assert img.value != before


def assert_first_slider_can_step_right(box) -> None:
    """The browser test presses ArrowRight on a widget's first slider and waits for the view to change."""
    first = sliders(box)[0]
    assert first.value + first.step <= first.max


def assert_sweep_covers_ranges(sweep, ranges, *, partial: bool = False) -> None:
    """Every control of ``ranges`` reaches its min and its max in ``sweep`` (a list of update kwargs).

    ``partial``: the kwargs may leave controls out (only those present count); otherwise every
    kwargs dict must name every control.
    """
    for name, (low, high, _) in ranges.items():
        values = [kw[name] for kw in sweep if not partial or name in kw]
        assert min(values) == low and max(values) == high, name


def assert_out_of_range_refused(view, name, ranges, *, margin: float, not_a_number=None) -> None:
    """``margin`` above the max and below the min: ValueError naming ``name``; ``not_a_number``
    (if given): TypeError naming it."""
    low, high, _ = ranges[name]
    with pytest.raises(ValueError, match=f"'{name}'"):
        view.update(**{name: high + margin})
    with pytest.raises(ValueError, match=f"'{name}'"):
        view.update(**{name: low - margin})
    if not_a_number is not None:
        with pytest.raises(TypeError, match=f"'{name}'"):
            view.update(**{name: not_a_number})
