"""Plot style of the series: colour-blind-safe colours and labelled axes.

Okabe & Ito's palette is used for lines; sequential data uses 'viridis' / 'cividis'.
"""
from __future__ import annotations

import base64
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
}
CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                                 "sky_blue", "yellow", "black")]
RNN_COLOR = OKABE_ITO["vermillion"]
LSTM_COLOR = OKABE_ITO["blue"]
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "cividis"


def use_course_style() -> None:
    """Set matplotlib defaults for the course: Okabe–Ito colour cycle, grid, readable sizes."""
    mpl.rcParams.update({
        "axes.prop_cycle": mpl.cycler(color=CYCLE),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "legend.fontsize": 9,
        "image.cmap": SEQUENTIAL_CMAP,
    })


def label_axes(ax, title: str, xlabel: str, ylabel: str):
    """Give an axis its title and axis labels (every plot in the series has all three)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def plot_gradient_norms(ax, norms, label: str, *, color=None, linestyle="-"):
    """Plot a gradient-norm-versus-lag curve on a log y-axis; returns the Line2D."""
    norms = np.asarray(norms, dtype=float)
    lags = np.arange(norms.size)
    (line,) = ax.semilogy(lags, np.maximum(norms, 1e-300), label=label, color=color, linestyle=linestyle)
    return line


MIN_ALT_CHARS = 30


def check_alt(alt, where: str) -> str:
    """Return ``alt`` if it is a string of at least ``MIN_ALT_CHARS`` characters; else raise.

    Alt text says what a figure shows and what to notice; a screen reader reads it in place of the image.
    """
    if not isinstance(alt, str):
        raise TypeError(f"{where}: argument 'alt' must be a string describing the figure, "
                        f"but it is {type(alt).__name__} {alt!r}.")
    if len(alt.strip()) < MIN_ALT_CHARS:
        raise ValueError(f"{where}: argument 'alt' must describe the figure in at least {MIN_ALT_CHARS} "
                         f"characters (what it shows and what to notice), but it has {len(alt.strip())}: {alt!r}.")
    return alt.strip()


def figure_bundle(fig, alt: str) -> tuple[dict, dict]:
    """The display bundle of a figure: (data, metadata) with the PNG and its alt text.

    ``data`` is ``{"image/png": <base64 str>, "text/plain": <alt>}``; ``metadata`` is
    ``{"image/png": {"alt": alt}}``, which nbconvert's classic HTML template writes into ``<img alt>``.
    """
    alt = check_alt(alt, "figure_bundle()")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, bbox_inches="tight", metadata={"Software": None})
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    return {"image/png": png, "text/plain": f"<Figure: {alt}>"}, {"image/png": {"alt": alt}}


def show(fig, alt: str, caption: str | None = None) -> None:
    """Display ``fig`` in the notebook with alt text (and an optional one-line visible caption), then close it.

    Use it in place of ``plt.show()``: ``lh.show(fig, alt="Line plot of ... : notice that ...",
    caption="Figure 1: ...")``. The alt text is stored in the output's metadata, where screen readers and
    the HTML export find it.
    """
    data, metadata = figure_bundle(fig, alt)
    if caption is not None and (not isinstance(caption, str) or not caption.strip()):
        raise ValueError(f"show(): argument 'caption' must be a non-empty string or None, but it is {caption!r}.")
    plt.close(fig)
    display(data, metadata=metadata, raw=True)
    if caption is not None:
        display(Markdown(f"*{caption.strip()}*"))
