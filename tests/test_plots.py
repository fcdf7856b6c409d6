"""Plot style helpers: colour-blind-safe cycle, labelled axes, gradient-norm curves."""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import lstm_helpers as lh
from lstm_helpers import plots


@pytest.fixture
def restore_rc():
    with mpl.rc_context():
        yield


def test_okabe_ito_palette():
    assert len(lh.OKABE_ITO) == 8
    assert lh.OKABE_ITO["blue"] == "#0072B2" and lh.OKABE_ITO["vermillion"] == "#D55E00"
    assert set(plots.CYCLE) == set(lh.OKABE_ITO.values())


def test_use_course_style_sets_cycle_and_sizes(restore_rc):
    lh.use_course_style()
    colors = [to_hex(c["color"]).upper() for c in mpl.rcParams["axes.prop_cycle"]]
    assert colors == [c.upper() for c in plots.CYCLE]
    assert mpl.rcParams["figure.dpi"] == 80 and mpl.rcParams["savefig.dpi"] == 80
    assert mpl.rcParams["image.cmap"] == "viridis"


def test_label_axes():
    ax = Figure().subplots()
    assert lh.label_axes(ax, "T", "lag k", "norm") is ax
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "lag k", "norm")


def test_plot_gradient_norms_log_axis_and_zero_floor():
    ax = Figure().subplots()
    norms = np.array([1.0, 0.1, 0.0])
    line = plots.plot_gradient_norms(ax, norms, "RNN", color=plots.RNN_COLOR, linestyle="--")
    assert ax.get_yscale() == "log"
    x, y = line.get_data()
    np.testing.assert_array_equal(x, [0, 1, 2])
    assert y[0] == 1.0 and y[1] == 0.1 and 0 < y[2] <= 1e-300
    assert line.get_label() == "RNN" and line.get_linestyle() == "--"
    assert to_hex(line.get_color()).upper() == plots.RNN_COLOR.upper()


def test_figure_bundle_carries_alt_text_and_png():
    import base64
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1], [1, 0])
    alt = "A falling line from (0, 1) to (1, 0): notice the slope of -1."
    data, metadata = plots.figure_bundle(fig, alt)
    assert metadata == {"image/png": {"alt": alt}}
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert alt in data["text/plain"]


@pytest.mark.parametrize("alt, error", [(None, TypeError), ("too short", ValueError), (" " * 40, ValueError)])
def test_show_rejects_missing_or_short_alt_text(alt, error):
    fig = Figure(figsize=(2, 2))
    with pytest.raises(error, match="'alt'"):
        lh.show(fig, alt=alt)


def test_show_displays_png_with_alt_and_caption(monkeypatch):
    shown = []
    monkeypatch.setattr(plots, "display", lambda obj, **kw: shown.append((obj, kw)))
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1])
    lh.show(fig, alt="A rising line: notice it goes from 0 to 1.", caption="Figure 1: a line.")
    (data, kw), (caption, _) = shown
    assert kw == {"metadata": {"image/png": {"alt": "A rising line: notice it goes from 0 to 1."}}, "raw": True}
    assert "image/png" in data and caption.data == "*Figure 1: a line.*"
    with pytest.raises(ValueError, match="'caption'"):
        lh.show(fig, alt="A rising line: notice it goes from 0 to 1.", caption="  ")
