"""Plot style of the series: colour-blind-safe colours and labelled axes.

Okabe & Ito's palette is used for lines; sequential data uses 'viridis' / 'cividis'.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np

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
