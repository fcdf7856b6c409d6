"""Where the agreement models of notebook 09 fail: error rates by distance, attractors and context.

:func:`errors_by` turns predicted classes (B,) on agreement sentences (anything with ``label``,
``distance``, ``attractors`` and ``context``, e.g. :class:`~lstm_helpers.lessons.agreement.Sentence`)
into error tables {key: (count, error rate)}; :func:`plot_errors` draws them for every training run,
:func:`plot_error_spread` as median and range over seeds; :func:`plot_gradient_share` draws how much of
the gradient reaches the subject (``agreement.subject_gradient_share``) against distance.
The names are also attributes of :mod:`lstm_helpers.lessons.agreement`.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .sentences import SEED_MARKERS, error_table

DISTANCE_BINS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, 25), (26, 31))   # words, both ends included


def distance_bin(distance: int, bins=DISTANCE_BINS) -> tuple[int, int]:
    """The (low, high) bin of ``bins`` that holds ``distance``."""
    for lo, hi in bins:
        if lo <= distance <= hi:
            return (lo, hi)
    raise ValueError(f"distance_bin(): distance {distance} lies outside every bin {bins}.")


def errors_by(sentences: Sequence, predicted, *, bins=DISTANCE_BINS) -> dict[str, object]:
    """Error rates of predicted classes (B,) on ``sentences``.

    Returns a dict: 'overall' (float); 'attractors' {a: (n, error)}; 'context' {earlier sentences:
    (n, error)}; 'distance' {(lo, hi): (n, error)} over all sentences; 'distance_no_attractor' the
    same over sentences without attractors.
    """
    predicted = np.asarray(predicted)
    if predicted.shape != (len(sentences),):
        raise ValueError(f"errors_by(): argument 'predicted' must have shape (B,) = ({len(sentences)},), "
                         f"but it has shape {predicted.shape}.")
    labels = np.array([s.label for s in sentences])
    dist = [distance_bin(s.distance, bins) for s in sentences]
    attr = np.array([s.attractors for s in sentences])
    wrong = predicted != labels
    clean = attr == 0
    return {"overall": float(wrong.mean()), "attractors": error_table(wrong, attr.tolist()),
            "context": error_table(wrong, [s.context for s in sentences]),
            "distance": error_table(wrong, dist),
            "distance_no_attractor": error_table(wrong[clean], [d for d, c in zip(dist, clean) if c])}


Y_TICKS = (0, 0.5, 1, 2, 5, 10, 20, 50, 100)


def plot_errors(axes, per_seed: Mapping[str, Sequence[Mapping]], *, baseline: Mapping | None = None,
                colors: Mapping[str, str] | None = None, trained_up_to: tuple[int, int] | None = None):
    """Error (%) of every training run: against distance without attractors (axes[0]), against attractors (axes[1]).

    The y axes are linear from 0 to 1 % and logarithmic above ('symlog').

    Args:
        per_seed: {name: [:func:`errors_by` dict of seed 0, seed 1, …]}; one thin line per run,
            the model's colour, one marker per seed.
        baseline: optional :func:`errors_by` dict of the last-noun shortcut (dashed, attractors panel only:
            without attractors it is always right).
        colors: colour per name (and 'last noun').
        trained_up_to: (longest distance, most attractors) in the training split; beyond it the
            axes are shaded.
    """
    ax_d, ax_a = axes
    colors = dict(colors or {})
    bins = list(next(iter(per_seed.values()))[0]["distance"])
    for name, runs in per_seed.items():
        for seed, r in enumerate(runs):
            style = dict(color=colors.get(name), marker=SEED_MARKERS[seed % len(SEED_MARKERS)], lw=1.3, ms=5,
                         alpha=0.9, label=f"{name}, seed {seed}")
            rows = r["distance_no_attractor"]
            ax_d.plot([bins.index(k) for k in rows], [100 * v[1] for v in rows.values()], **style)
            rows = r["attractors"]
            ax_a.plot(list(rows), [100 * v[1] for v in rows.values()], **style)
    if baseline is not None:
        rows = baseline["attractors"]
        ax_a.plot(list(rows), [100 * v[1] for v in rows.values()], ls="--", lw=2, color=colors.get("last noun"),
                  label="last-noun shortcut")
    a_max = max(k for runs in per_seed.values() for r in runs for k in r["attractors"])
    return style_error_axes(axes, bins, a_max, trained_up_to)


def style_error_axes(axes, bins, a_max: int, trained_up_to: tuple[int, int] | None = None):
    """Ticks, symlog y scale, titles, grey bands beyond ``trained_up_to`` and one legend for the two panels of
    :func:`plot_errors` / :func:`plot_error_spread` (``bins``: distance bins of axes[0]; ``a_max``: most attractors)."""
    ax_d, ax_a = axes
    ax_d.set_xticks(range(len(bins)), [f"{lo}–{hi}" for lo, hi in bins])
    if trained_up_to is not None:
        d_train, a_train = trained_up_to
        first_beyond = next((k for k, (lo, hi) in enumerate(bins) if hi > d_train), None)
        if first_beyond is not None:
            ax_d.axvspan(first_beyond - 0.5, len(bins) - 0.5, color="0.92", zorder=0, label="longer than in training")
        if a_max > a_train:
            ax_a.axvspan(a_train + 0.5, a_max + 0.5, color="0.92", zorder=0, label="more than in training")
    ax_d.set_xlim(-0.5, len(bins) - 0.5)
    ax_a.set_xlim(-0.5, a_max + 0.5)
    for ax in axes:        # linear up to 1 %, logarithmic above: small and large errors both stay readable
        ax.set_yscale("symlog", linthresh=1.0, linscale=0.6)
        ax.set_ylim(-0.1, 110.0)
        ax.set_yticks(Y_TICKS, [f"{t:g}" for t in Y_TICKS])
    ax_d.set_title("Distance alone: sentences without attractors")
    ax_d.set_xlabel("distance from subject to verb (words)")
    ax_d.set_ylabel("error (%), symlog scale")
    ax_a.set_title("Attractors: all sentences")
    ax_a.set_xlabel("attractors (nouns of the other number in between)")
    ax_a.set_ylabel("error (%), symlog scale")
    ax_a.set_xticks(range(a_max + 1))
    handles, labels = ax_a.get_legend_handles_labels()
    for h, lab in zip(*ax_d.get_legend_handles_labels()):
        if lab not in labels:
            handles.append(h)
            labels.append(lab)
    ax_a.legend(handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return axes


def plot_error_spread(axes, spreads: Mapping[str, Mapping], *, baseline: Mapping | None = None,
                      colors: Mapping[str, str] | None = None, trained_up_to: tuple[int, int] | None = None):
    """Error (%) over seeds: median (line) and range (band) per model, against distance without attractors
    (axes[0]) and against attractors (axes[1]); axes as in :func:`plot_errors`. The models' medians are drawn
    side by side with their own marker and line style (the first on top), so equal medians hide neither.

    Args:
        spreads: {name: :func:`~lstm_helpers.lessons.sentences.runs.seed_spread` of the model's runs}.
        baseline, colors, trained_up_to: as in :func:`plot_errors`.
    """
    ax_d, ax_a = axes
    colors = dict(colors or {})
    bins = list(next(iter(spreads.values()))["distance"])
    for j, (name, spread) in enumerate(spreads.items()):
        n = spread["overall"].n
        dodge = 0.08 * (j - (len(spreads) - 1) / 2)             # side by side: equal medians (e.g. 0) both visible
        marker, linestyle = (("s", "--"), ("o", "-"), ("^", ":"))[j % 3]
        for ax, rows in ((ax_d, spread["distance_no_attractor"]), (ax_a, spread["attractors"])):
            keys = list(rows)
            x = np.array([bins.index(k) for k in keys] if ax is ax_d else keys, dtype=float)
            med = [100 * rows[k][1].median for k in keys]
            ax.fill_between(x, [100 * rows[k][1].low for k in keys], [100 * rows[k][1].high for k in keys],
                            color=colors.get(name), alpha=0.18, lw=0)
            ax.plot(x + dodge, med, color=colors.get(name), marker=marker, ls=linestyle, ms=6, lw=1.8,
                    zorder=3 + len(spreads) - j, label=f"{name}: median and range over {n} seeds" if ax is ax_a else None)
    if baseline is not None:
        rows = baseline["attractors"]
        ax_a.plot(list(rows), [100 * v[1] for v in rows.values()], ls="--", lw=2, color=colors.get("last noun"),
                  label="last-noun shortcut")
    a_max = max(k for spread in spreads.values() for k in spread["attractors"])
    return style_error_axes(axes, bins, a_max, trained_up_to)


def plot_gradient_share(ax, shares: Mapping[str, Sequence], distances, *, colors: Mapping[str, str] | None = None,
                        bins=DISTANCE_BINS):
    """How much of the gradient reaches the subject, against distance: median over sentences per bin,
    one thin line per seed, one colour per model; log y axis.

    Args:
        shares: {name: [(B,) shares of seed 0, seed 1, …]} (``agreement.subject_gradient_share``).
        distances: (B,) subject–verb distance of each sentence.
    """
    colors = dict(colors or {})
    distances = np.asarray(distances)
    which = np.array([bins.index(distance_bin(int(d), bins)) for d in distances])
    present = sorted(set(which.tolist()))
    for name, runs in shares.items():
        for k, share in enumerate(runs):
            share = np.asarray(share)
            ax.plot(present, [np.median(share[which == b]) for b in present], color=colors.get(name), lw=1.2,
                    marker="o", ms=3, alpha=0.8, label=f"{name}, {len(runs)} seeds" if k == 0 else None)
    ax.set_yscale("log")
    ax.set_xticks(present, [f"{bins[b][0]}–{bins[b][1]}" for b in present])
    ax.set_title("At the start of training: gradient reaching the subject")
    ax.set_xlabel("distance from subject to verb (words)")
    ax.set_ylabel(r"$\|\partial L/\partial x\|$: at the subject / at the last word (median)")
    ax.legend(fontsize=8)
    return ax
