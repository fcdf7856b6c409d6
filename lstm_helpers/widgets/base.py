"""The widget pattern every notebook widget follows (the base of :mod:`lstm_helpers.widgets`).

How it works:

* A *view* (subclass of :class:`View`) owns a matplotlib ``Figure`` made with :func:`new_figure`
  (not pyplot, so it is never shown twice) and an ``update(**values)`` method that changes the
  artists' data in place; only those artists are redrawn (blitting), so a redraw stays far
  below 100 ms. Views are plain Python and are unit-tested headless.
* :func:`interactive_view` wires ipywidgets controls to ``view.update`` and shows the figure as
  an ``ipywidgets.Image`` whose PNG bytes are re-rendered on every change. The notebook keeps
  working when reopened without a kernel because a static ``display(view)`` of the default
  setting is stored just before the widget cell.

A redraw (update + render) must take at most 100 ms; ``benchmarks/bench_widgets.py`` measures it.
"""
from __future__ import annotations

import base64
import io
import itertools
import time
import warnings
from typing import Mapping

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ..support.checks import check_number
from ..support.plots import CYCLE
import ipywidgets as W


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize=(7.0, 4.0), dpi: int = 80, **subplot_kw):
    """A Figure with an Agg canvas and its axes (as ``plt.subplots`` returns them), outside pyplot."""
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    for ax in np.atleast_1d(axes).ravel():
        ax.set_prop_cycle(color=CYCLE)
        ax.grid(True, alpha=0.3)
    return fig, axes


def figure_png(fig: Figure) -> bytes:
    """Render a whole figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def _rgba_png(rgba) -> bytes:
    buf = io.BytesIO()
    PILImage.fromarray(np.asarray(rgba)).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class View:
    """Base class: a figure plus ``update(**values)``.

    Subclasses build ``self.fig`` with :func:`new_figure`, set ``defaults`` (the keyword values
    of the default setting) and call :meth:`set_dynamic` with the artists that ``update``
    changes. Rendering then redraws only those artists over a cached background (blitting),
    which keeps a redraw near 10 ms; call :meth:`invalidate` from ``update`` if it changes
    anything else (axis limits, titles). Dynamic artists are drawn over the static ones
    (among themselves by zorder), so a static artist never hides a dynamic one.

    ``display(view)`` in a notebook shows the full figure with its alt text (``_repr_mimebundle_``).
    """

    fig: Figure
    defaults: Mapping[str, object] = {}
    _dynamic: tuple = ()
    _background = None

    def update(self, **values) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_dynamic(self, *artists) -> None:
        """Declare the artists that ``update`` changes (they are redrawn by blitting)."""
        self._dynamic = artists
        for a in artists:
            a.set_animated(True)
        self._background = None

    def invalidate(self) -> None:
        """Forget the cached background: the next render redraws the whole figure."""
        self._background = None

    def render(self) -> bytes:
        """PNG bytes of the current state."""
        if not self._dynamic:
            return figure_png(self.fig)
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()  # everything except the dynamic artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for a in sorted(self._dynamic, key=lambda a: a.get_zorder()):
            self.fig.draw_artist(a)
        return _rgba_png(canvas.buffer_rgba())

    #: Alt text of the figure (what it shows, what to notice); subclasses set it, >= 30 characters.
    alt: str = ""

    def _repr_png_(self) -> bytes:
        return self.render()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """``display(view)``: the PNG of the current state, with ``alt`` in the output metadata."""
        png = base64.b64encode(self.render()).decode("ascii")
        data = {"image/png": png, "text/plain": repr(self)}
        if not self.alt:
            return data
        return data, {"image/png": {"alt": self.alt}}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} figure>"

    def redraw_ms(self, **values) -> float:
        """Time one update + render, in milliseconds (used by the widget benchmark).

        Warnings raised by ``update`` become errors, so a slider value that produces one fails.
        """
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            self.update(**values)
        self.render()
        return (time.perf_counter() - t0) * 1e3


def interactive_view(view: View, controls: Mapping[str, "object"], *, columns: int = 2):
    """Return an ipywidgets box: the controls above a live image of ``view.fig``.

    ``controls`` maps each keyword of ``view.update`` to an ipywidgets value widget (slider,
    dropdown, ...). Moving any control calls ``view.update(**all_values)`` and re-renders.
    The box gets an attribute ``last_redraw_ms`` with the duration of the latest redraw.
    """

    width_px = int(round(view.fig.get_figwidth() * view.fig.dpi))
    image = W.Image(format="png", layout=W.Layout(width=f"{width_px}px", max_width="100%"))
    box = W.VBox()

    def values():
        return {name: w.value for name, w in controls.items()}

    def redraw(_change=None):
        t0 = time.perf_counter()
        view.update(**values())
        image.value = view.render()
        box.last_redraw_ms = (time.perf_counter() - t0) * 1e3

    for w in controls.values():
        w.observe(redraw, names="value")
    items = list(controls.values())
    rows = [W.HBox(items[i:i + columns]) for i in range(0, len(items), columns)]
    box.children = (*rows, image)
    box.view = view
    redraw()
    return box


# --------------------------------------------------------------------------- helpers of the widget modules
# A widget module describes its numeric controls by ``RANGES = {name: (min, max, step)}``.

def unknown_control(where: str, name: str, controls) -> TypeError:
    """The error for a keyword that is not a control: names it and lists ``controls`` (an iterable of names)."""
    return TypeError(f"{where}: unknown argument '{name}'; the controls are {', '.join(controls)}.")


def check_slider(value, name: str, where: str, ranges: Mapping[str, tuple]) -> float:
    """``value`` of control ``name`` as a float inside its slider range ``ranges[name] = (min, max, step)``.

    Raises :func:`unknown_control` if ``name`` is not in ``ranges``, else what
    :func:`lstm_helpers.checks.check_number` raises.
    """
    if name not in ranges:
        raise unknown_control(where, name, ranges)
    low, high, _ = ranges[name]
    return check_number(value, name, where, low=low, high=high)


def check_sliders(values: Mapping[str, object], where: str, ranges: Mapping[str, tuple]) -> dict[str, float]:
    """Every ``name=value`` of ``values`` checked by :func:`check_slider`, as a new dict: a view applies it only once
    all are valid, so a bad value leaves every control as it was."""
    return {name: check_slider(value, name, where, ranges) for name, value in values.items()}


def check_text(value, name: str, where: str, control: str = "sentence") -> str:
    """``value`` of the only control, the text ``control``; TypeError for another keyword or a non-string."""
    if name != control:
        raise TypeError(f"{where}: unknown argument '{name}'; the only control is '{control}'.")
    if not isinstance(value, str):
        raise TypeError(f"{where}: argument '{control}' must be a string, but it is {type(value).__name__}.")
    return value


def float_slider(value: float, limits: tuple, description: str, *, readout_format: str = ".2f",
                 wide_label: bool = True):
    """An ipywidgets ``FloatSlider`` over ``limits = (min, max, step)`` that updates while dragged.

    ``wide_label``: the description gets the width it needs (``description_width='initial'``)
    instead of ipywidgets' fixed width.
    """

    lo, hi, step = limits
    style = {"style": {"description_width": "initial"}} if wide_label else {}
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         continuous_update=True, readout_format=readout_format, **style)


def float_sliders(values: Mapping[str, float], ranges: Mapping[str, tuple], labels: Mapping[str, str],
                  **kwargs) -> dict:
    """{name: :func:`float_slider`} for every control of ``ranges`` (in its order), starting at ``values[name]``."""
    return {name: float_slider(values[name], limits, labels[name], **kwargs) for name, limits in ranges.items()}


def sweep_each(defaults: Mapping[str, object], ranges: Mapping[str, tuple], n: int = 9) -> list[dict]:
    """Bench sweep: each control of ``ranges`` in turn over ``n`` values from min to max (ends included),
    the other keywords at ``defaults``; ``len(ranges) * n`` dicts."""
    return [{**defaults, name: float(v)} for name, (lo, hi, _) in ranges.items() for v in np.linspace(lo, hi, n)]


def range_corners(ranges: Mapping[str, tuple]) -> list[dict]:
    """Every combination of the ends (min or max) of the controls of ``ranges``: 2**len(ranges) dicts."""
    return [dict(zip(ranges, ends)) for ends in itertools.product(*(r[:2] for r in ranges.values()))]
