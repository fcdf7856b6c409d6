"""Several training runs (models × seeds) compared: error tables, summaries and spreads over seeds, learning curves.

An error table is {key: (count, error rate)} (e.g. key = number of attractors); a result is a
dict of such tables plus 'overall' (one run, one evaluation set).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ...engine.train import History
from ...support.evidence import summarize

SEED_MARKERS = ("o", "s", "^", "D", "v", "P")      # one marker per seed, in every figure of runs


def error_table(wrong, keys) -> dict:
    """Group a boolean "wrong" array (B,) by keys (B entries, e.g. ints or (low, high) bins).

    Returns {key: (count, error rate)}, sorted by key.
    """
    wrong = np.asarray(wrong, dtype=bool)
    keys = list(keys)
    if wrong.ndim != 1 or wrong.shape[0] != len(keys):
        raise ValueError(f"error_table(): arguments 'wrong' and 'keys' must both have B entries, "
                         f"but they have {wrong.shape} and {len(keys)}.")
    groups: dict = {}
    for w, k in zip(wrong, keys):
        groups.setdefault(k, []).append(bool(w))
    return {k: (len(groups[k]), float(np.mean(groups[k]))) for k in sorted(groups)}


def pooled_error(result: Mapping, table: str, keys) -> tuple[int, float]:
    """(count, error rate) of the rows ``keys`` of one error table of ``result``, pooled (weighted by count)."""
    rows = [result[table][k] for k in keys if k in result[table]]
    n = sum(r[0] for r in rows)
    if n == 0:
        raise ValueError(f"pooled_error(): no examples in the bins {list(keys)} of table '{table}'.")
    return n, sum(r[0] * r[1] for r in rows) / n


def seed_summary(results: Sequence[Mapping]) -> dict[str, object]:
    """Combine the results of S training runs (seeds) on the same examples.

    Every result holds 'overall' (float) and error tables (the dict values). Returns
    {'overall': array (S,), table: {key: (n, mean, min, max)} for each table}.
    """
    results = list(results)
    if not results:
        raise ValueError("seed_summary(): argument 'results' is empty; pass one result dict per seed.")
    out: dict[str, object] = {"overall": np.array([r["overall"] for r in results])}
    for table in [k for k, v in results[0].items() if isinstance(v, Mapping)]:
        keys = list(results[0][table])
        if any(list(r[table]) != keys for r in results):
            raise ValueError(f"seed_summary(): the '{table}' bins differ between runs; evaluate on the same sentences.")
        out[table] = {}
        for k in keys:
            errs = np.array([r[table][k][1] for r in results])
            out[table][k] = (results[0][table][k][0], float(errs.mean()), float(errs.min()), float(errs.max()))
    return out


def plot_learning_curves(ax, histories: Mapping[tuple[str, int], History], *, colors: Mapping[str, str] | None = None,
                         target: float | None = None):
    """Valid accuracy (%) against training step for every run {(name, seed): History}."""
    colors = dict(colors or {})
    for (name, seed), h in histories.items():
        ax.plot(h.eval_step, [100 * a for a in h.eval_accuracy], color=colors.get(name),
                marker=SEED_MARKERS[seed % len(SEED_MARKERS)], ms=4, lw=1.3, label=f"{name}, seed {seed}")
    if target is not None:
        ax.axhline(100 * target, color="0.4", ls=":", lw=1, label=f"early-stopping target {100 * target:.1f} %")
    ax.set_title("Learning curves: accuracy on the valid split")
    ax.set_xlabel("training step (batches of sentences)")
    ax.set_ylabel("valid accuracy (%)")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def seed_spread(results: Sequence[Mapping], seeds=None) -> dict[str, object]:
    """The results of n training runs (one per seed) on the same examples, as spreads over the seeds.

    Like :func:`seed_summary`, but each bin is a :class:`~lstm_helpers.support.evidence.SeedSummary`
    (median, min, max of the n error rates). Returns {'overall': SeedSummary, table: {key: (count, SeedSummary)}}.
    ``seeds``: the seed of each result (default 0 … n−1).
    """
    results = list(results)
    summary = seed_summary(results)            # checks that every run has the same bins
    out: dict[str, object] = {"overall": summarize(summary["overall"], seeds)}
    for table, rows in summary.items():
        if table != "overall":
            out[table] = {k: (n, summarize([r[table][k][1] for r in results], seeds)) for k, (n, *_) in rows.items()}
    return out


def plot_seed_curves(ax, histories: Mapping[str, Sequence[History]], *, colors: Mapping[str, str] | None = None,
                     target: float | None = None, steps: int | None = None):
    """Valid accuracy (%) against training step: one thin line per seed, one colour per model.

    ``histories``: {name: [History of seed 0, seed 1, …]}. A run that ended without reaching the target
    (it stopped at ``steps``, the budget) ends in a cross; the legend has one entry per model.
    """
    colors = dict(colors or {})
    for name, runs in histories.items():
        for k, h in enumerate(runs):
            acc = [100 * a for a in h.eval_accuracy]
            ax.plot(h.eval_step, acc, color=colors.get(name), lw=1.1, alpha=0.75, label=name if k == 0 else None)
            if not h.reached_target and h.eval_step:
                ax.plot(h.eval_step[-1], acc[-1], "x", color=colors.get(name), ms=8, mew=2,
                        label=f"{name}: budget used up, target not reached" if k == min(
                            j for j, r in enumerate(runs) if not r.reached_target) else None)
    if target is not None:
        ax.axhline(100 * target, color="0.4", ls=":", lw=1, label=f"early-stopping target {100 * target:.1f} %")
    if steps is not None:
        ax.axvline(steps, color="0.6", ls="--", lw=1, label=f"budget: {steps} steps")
    ax.set_title("Learning curves: accuracy on the valid split, every seed")
    ax.set_xlabel("training step (batches of sentences)")
    ax.set_ylabel("valid accuracy (%)")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def best_setting(runs: Mapping):
    """The key of ``runs`` ({setting: SeedHistories}, e.g. {learning rate: …}) whose seeds did best.

    Best: the most seeds that reached the target; ties go to the fewest median steps (a seed that did not
    reach it counts the steps it ran, the budget), then to the first key.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("best_setting(): argument 'runs' must be a non-empty dict {setting: SeedHistories}.")
    order = list(runs)
    return min(order, key=lambda key: (-int(np.sum(runs[key].reached_target())),
                                       float(np.median(runs[key].steps_run())), order.index(key)))
