"""Every widget of the series, swept over its controls headless: no exception, no warning,
no NaN in what is drawn, and the picture's data changes when the controls change."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.collections import Collection
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from lstm_helpers.widgets.registry import all_bench_cases, widget_modules

CASES = all_bench_cases()


def _artist_data(fig) -> list[np.ndarray]:
    """Numeric content of every artist of the figure (lines, images, bars, collections, texts)."""
    data = []
    for ax in fig.axes:
        for a in ax.get_children():
            if isinstance(a, Line2D):
                data.append(np.asarray(a.get_xydata(), dtype=float).ravel())
            elif isinstance(a, AxesImage):
                data.append(np.asarray(a.get_array(), dtype=float).ravel())
            elif isinstance(a, Patch):
                data.append(np.asarray(a.get_path().transformed(a.get_patch_transform()).vertices, float).ravel())
                data.append(np.asarray(a.get_facecolor(), dtype=float))
            elif isinstance(a, Collection):
                offs = a.get_offsets()
                data.append(np.asarray(offs, dtype=float).ravel())
                arr = a.get_array()
                if arr is not None:
                    data.append(np.asarray(arr, dtype=float).ravel())
            elif isinstance(a, Text) and a.get_text():
                data.append(np.frombuffer(a.get_text().encode("utf-8"), dtype=np.uint8).astype(float))
    return data


def _signature(fig) -> bytes:
    return b"".join(np.nan_to_num(d, nan=-7.0).tobytes() for d in _artist_data(fig))


def test_every_widget_module_has_cases():
    mods = widget_modules()
    for name in mods:
        assert any(label.startswith(name.rsplit(".", 1)[1] + ":") for label, _, _ in CASES), name


@pytest.mark.parametrize("label,view,sweep", CASES, ids=[c[0] for c in CASES])
def test_sweep_is_clean_and_changes_the_figure(label, view, sweep):
    assert len(sweep) >= 2, "a sweep needs at least two settings"
    signatures = set()
    for kwargs in sweep:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            view.update(**kwargs)
            png = view.render()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        for d in _artist_data(view.fig):
            # masked / NaN gaps are not allowed anywhere: a NaN in a plotted array means a broken formula
            assert np.all(np.isfinite(d)), f"{label}: non-finite value drawn for {kwargs}"
        signatures.add(_signature(view.fig))
    assert len(signatures) >= 2, f"{label}: the figure did not change over the sweep"
