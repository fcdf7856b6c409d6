"""Figures of notebook 10's gate ablation that :mod:`.continual` does not draw.

:func:`plot_ablation_error` draws the test **error** (1 − accuracy, in %) of every variant on an axis that starts
at 0: the variants' accuracies all lie close to 1, so an accuracy axis that shows their differences would have to
start far above 0; the error axis shows the same differences honestly.
"""
from __future__ import annotations

import numpy as np

from .continual import ABLATION_VARIANTS, AblationResult


def plot_ablation_error(ax, result: AblationResult, *, colors=None):
    """Test error in % (100 · (1 − accuracy)) per variant: a bar at the median over seeds, each seed a dot; the
    y-axis starts at 0.

    Args: ax: a matplotlib Axes.  result: an :class:`~.continual.AblationResult` (V variants, S seeds).
        colors: one colour per variant (default: the colour cycle).
    Returns: the BarContainer (V bars, heights = median error in %).
    """
    if not isinstance(result, AblationResult):
        raise TypeError(f"plot_ablation_error(): argument 'result' must be the AblationResult of run_ablation(), "
                        f"but it is {type(result).__name__}.")
    names = result.variants
    colors = list(colors) if colors is not None else [f"C{k % 10}" for k in range(len(names))]
    if len(colors) != len(names):
        raise ValueError(f"plot_ablation_error(): argument 'colors' must give one colour per variant ({len(names)}), "
                         f"but it gives {len(colors)}.")
    pos = np.arange(len(names))
    error = 100 * (1 - np.array([result.accuracy(v) for v in names]))                   # (V, S), in %
    bars = ax.bar(pos, np.median(error, axis=1), width=0.6, alpha=0.85, color=colors, label="median over seeds")
    jitter = np.linspace(-0.15, 0.15, error.shape[1]) if error.shape[1] > 1 else np.zeros(1)
    for k in range(len(names)):
        ax.plot(pos[k] + jitter, error[k], "o", color="black", markersize=3.5, label="one seed" if k == 0 else None)
    ax.set_ylim(0, max(1.15 * error.max(), 1.0))
    ax.set_xticks(pos)
    ax.set_xticklabels([ABLATION_VARIANTS[v][0] for v in names], fontsize=8)
    return bars
