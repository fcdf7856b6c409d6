"""Find every widget module of the series and its benchmark cases.

A widget module is a module of :mod:`lstm_helpers.widgets` that defines ``bench_cases()``
returning ``[(label, view, [kwargs, ...]), ...]``: a view and the control values to sweep.
"""
from __future__ import annotations

import importlib
import pathlib
import pkgutil

WIDGETS_FOLDER = pathlib.Path(__file__).resolve().parent


def widget_modules() -> list[str]:
    """Names (e.g. 'lstm_helpers.widgets.gradient_decay') of modules that define bench_cases()."""
    names = []
    for info in sorted(pkgutil.iter_modules([str(WIDGETS_FOLDER)]), key=lambda i: i.name):
        name = f"lstm_helpers.widgets.{info.name}"
        if hasattr(importlib.import_module(name), "bench_cases"):
            names.append(name)
    return names


def all_bench_cases() -> list[tuple[str, object, list[dict]]]:
    """Every (label, view, sweep) of every widget module; labels are prefixed by the module name."""
    cases = []
    for name in widget_modules():
        for label, view, sweep in importlib.import_module(name).bench_cases():
            cases.append((f"{name.rsplit('.', 1)[1]}:{label}", view, list(sweep)))
    return cases
