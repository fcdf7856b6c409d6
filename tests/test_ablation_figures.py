"""Notebook 10's ablation error figure (lstm_helpers/lessons/ablation_figures.py): an axis that starts at 0."""
from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_helpers.lessons import continual as ct  # noqa: E402
from lstm_helpers.lessons.ablation_figures import plot_ablation_error  # noqa: E402


def _result(accuracies: dict) -> ct.AblationResult:
    runs = {v: SimpleNamespace(accuracy=np.asarray(a, dtype=float)) for v, a in accuracies.items()}
    return ct.AblationResult(list(accuracies), (0, 1, 2), runs, (0, 10), 400)


def test_error_bars_start_at_zero_and_show_every_seed():
    res = _result({"vanilla": [1.0, 1.0, 0.998], "no_forget_gate": [0.97, 0.955, 0.98]})
    fig, ax = plt.subplots()
    bars = plot_ablation_error(ax, res, colors=["C0", "C1"])
    np.testing.assert_allclose([b.get_height() for b in bars], [0.0, 3.0])          # median error in %
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 4.5                         # from 0, the worst seed inside
    dots = [ln for ln in ax.lines if ln.get_linestyle() == "None"]
    np.testing.assert_allclose(np.concatenate([d.get_ydata() for d in dots]), [0, 0, 0.2, 3, 4.5, 2], atol=1e-9)
    assert [t.get_text() for t in ax.get_xticklabels()] == [ct.ABLATION_VARIANTS[v][0] for v in res.variants]
    plt.close(fig)


def test_perfect_variants_still_get_a_readable_axis_and_bad_arguments_are_named():
    fig, ax = plt.subplots()
    plot_ablation_error(ax, _result({"vanilla": [1.0, 1.0, 1.0]}))
    assert ax.get_ylim() == (0.0, 1.0)
    with pytest.raises(TypeError, match="'result'"):
        plot_ablation_error(ax, {"vanilla": [1.0]})
    with pytest.raises(ValueError, match="'colors'"):
        plot_ablation_error(ax, _result({"vanilla": [1.0, 1.0, 1.0]}), colors=["C0", "C1"])
    plt.close(fig)
