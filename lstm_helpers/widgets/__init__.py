"""Widgets: live figures driven by sliders, one module per notebook; they only draw.

``base`` holds the pattern every widget follows (:class:`View`, :func:`new_figure`,
:func:`interactive_view` and the control helpers); every other module is one notebook's widget and
takes its numbers from the lesson modules (:mod:`lstm_helpers.lessons`). ``registry`` finds every
widget's ``bench_cases`` for ``benchmarks/bench_widgets.py`` and the sweep tests.

Notebooks import a widget's functions by name (``from lstm_helpers.widgets.forget_gate import
forget_gate_widget``), so an exercise that defines ``forget_gate`` cannot shadow a module.
"""
from .base import (View, check_slider, check_text, figure_png, float_slider, float_sliders, interactive_view,
                   new_figure, range_corners, sweep_each, unknown_control)

__all__ = ["View", "check_slider", "check_text", "figure_png", "float_slider", "float_sliders", "interactive_view",
           "new_figure", "range_corners", "sweep_each", "unknown_control"]
