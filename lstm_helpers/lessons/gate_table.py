"""Notebook 08 over seeds: the slides' gate table, the sentence boundary and the leak after "and",
measured on several LSTMs of :mod:`.sentence_corpus` trained together, one per seed.

One trained model is one sample: its gate table, the word at which it cuts the old subject and how
much of the old subject it keeps all change with the seed. Here every number of notebook 08 is
measured in each of S models (``lh.train_seeds``: the S seeds share every forward/backward pass)
and returned per seed, so that the notebook can state a finding as "holds in k of n seeds".

    train_seed_models(seeds)     S models trained as sentence_corpus.train_model (early stop on the sound)
    train_on(seeded, steps)      the same models trained further, without the early stop
    measure_seed(model, …)       one model: subject units, probe, the slide sentence's gates, the boundary
    measure_seeds(models, …)     -> SeedMeasurements: every measurement stacked (n, …) over the seeds
    sound_probabilities(model, words)   P(each sound) after the last "and" of a text
    leak_profile(model, texts)          where the probability after "and" that misses the right sound goes

Shapes: n seeds, T words of the slide sentence, 3 gates (f_t, i_t, o_t), P = len(BOUNDARY)
positions around a sentence boundary, k subject units, H memory units.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..engine.activations import softmax_unchecked
from ..engine.models import SequenceModel
from ..engine.seeded import SeededModel, SeedHistories, train_seeds
from ..support.checks import check_array, check_size
from ..support.evidence import check_seeds
from ..support.plots import OKABE_ITO
from . import sentence_corpus as sc
from .sentences import Probe, check_word_model

SEEDS = tuple(range(8))         # 0 … 7; seed 0 is sentence_corpus.train_model(seed=0), the former example
EVAL_SEED = 1                   # the evaluation texts of train_model(seed=0), shared by every seed here
SLIDE_WORDS = tuple(sc.tokenize(sc.SLIDE_TEXT))
N_SLIDE = len(sc.SLIDE_TABLE)   # the slide gives values for its first 8 words


# ----------------------------------------------------------------------------- training
def train_seed_models(seeds=SEEDS, *, hidden_size: int = 16, steps: int = 600, batch_size: int = 32,
                      n_sentences: int = 3, lr: float = 2e-2, eval_size: int = 200, eval_every: int = 25,
                      target_accuracy: float | None = 1.0, progress: bool = True,
                      desc: str = "training seeds") -> tuple[SeededModel, SeedHistories]:
    """Train one language model of :func:`~.sentence_corpus.make_model` per seed, all together.

    Each seed s trains as ``sentence_corpus.train_model(make_model(hidden_size, seed=s), seed=s)`` does
    (Adam, clipping 1.0, batches from ``default_rng(s)``, early stop once the sound after "and" is right
    on every evaluation text), except that all seeds share ONE evaluation set, the texts of
    ``corpus(EVAL_SEED, eval_size)``; seed 0 is therefore ``train_model(seed=0)`` itself.

    Returns: (the :class:`~lstm_helpers.engine.seeded.SeededModel`, its :class:`SeedHistories`).
    """
    where = "train_seed_models()"
    seeds = check_seeds(seeds, "seeds", where)
    n = check_size(n_sentences, "n_sentences", where)
    model = SeededModel("lstm", sc.D, check_size(hidden_size, "hidden_size", where), sc.D, seeds=seeds,
                        readout="all", dtype=sc.DTYPE)
    x, y = sc.encode_batch(sc.corpus(EVAL_SEED, check_size(eval_size, "eval_size", where), n), length=7 * n,
                           dtype=sc.DTYPE)
    histories = train_seeds(model, sc.batch_sampler(batch_size, n, sc.DTYPE), steps=steps, lr=lr,
                            eval_batch=(x, sc.sound_only(y, x)), eval_every=eval_every,
                            target_accuracy=target_accuracy, progress=progress, desc=desc)
    return model, histories


def train_on(seeded: SeededModel, *, steps: int = 100, lr: float = 2e-2, batch_size: int = 32,
             n_sentences: int = 3, data_offset: int = 1000, progress: bool = True,
             desc: str = "training on") -> SeedHistories:
    """Train every seed of ``seeded`` ``steps`` more updates, without early stopping (in place).

    A fresh Adam, clipping 1.0; seed s draws its batches from ``default_rng(s + data_offset)`` (texts it
    has not seen). Returns the :class:`SeedHistories` of these updates.
    """
    where = "train_on()"
    if not isinstance(seeded, SeededModel):
        raise TypeError(f"{where}: argument 'seeded' must be the SeededModel of train_seed_models(), "
                        f"but it is {type(seeded).__name__}.")
    offset = check_size(data_offset, "data_offset", where, minimum=0)
    return train_seeds(seeded, sc.batch_sampler(batch_size, n_sentences, seeded.dtype), steps=steps, lr=lr,
                       data_seeds=[s + offset for s in seeded.seeds], progress=progress, desc=desc)


def seed_models(seeded: SeededModel) -> list[SequenceModel]:
    """Every seed of ``seeded`` as its own ``SequenceModel`` (copies of the current weights), in seed order."""
    if not isinstance(seeded, SeededModel):
        raise TypeError(f"seed_models(): argument 'seeded' must be a SeededModel, but it is {type(seeded).__name__}.")
    return [seeded.model(k) for k in range(seeded.n_seeds)]


# ----------------------------------------------------------------------------- one model
def slide_correlation(measured) -> np.ndarray:
    """Correlation of the slide's illustrative f_t, i_t, o_t with ``measured`` (T, 3) over the slide's
    8 words (T >= 8; the first 8 rows are used): shape (3,), in −1 … 1."""
    measured = check_array(measured, "measured", "slide_correlation()", shape=(None, 3), dims=("T", "3"))
    if measured.shape[0] < N_SLIDE:
        raise ValueError(f"slide_correlation(): argument 'measured' needs at least the slide's {N_SLIDE} words, "
                         f"but it has {measured.shape[0]} rows.")
    slide = np.array([row[1:4] for row in sc.SLIDE_TABLE], dtype=np.float64)
    return np.array([np.corrcoef(slide[:, g], measured[:N_SLIDE, g])[0, 1] for g in range(3)])


@dataclass
class SeedMeasurement:
    """What :func:`measure_seed` measures on one trained model.

    Attributes:
        units (k,): the subject units (largest η²); eta (H,) η² of every unit; probe: the subject
        :class:`~.sentences.Probe`; probe_accuracy: its accuracy on held-out words inside sentences;
        mean_all, mean_sub (T, 3): f_t, i_t, o_t on the slide sentence, mean over all / the subject units;
        r_all, r_sub (3,): their :func:`slide_correlation`; lowest_word (H,): the word (index into the
        slide sentence) where each unit's f_t is lowest; profile: :func:`~.sentence_corpus.boundary_profile`
        and signal: :func:`~.sentence_corpus.subject_signal` over the held-out texts.
    """

    units: np.ndarray
    eta: np.ndarray
    probe: Probe
    probe_accuracy: float
    mean_all: np.ndarray
    mean_sub: np.ndarray
    r_all: np.ndarray
    r_sub: np.ndarray
    lowest_word: np.ndarray
    profile: dict
    signal: dict


def measure_seed(model: SequenceModel, fit_texts: Sequence[Sequence[str]], test_texts: Sequence[Sequence[str]],
                 *, k: int = 3, words: Sequence[str] = SLIDE_WORDS) -> SeedMeasurement:
    """Measure one trained model as notebook 08 does: subject units and probe fitted on ``fit_texts``,
    scored (probe accuracy, sentence boundaries) on ``test_texts``, gates on the slide sentence ``words``."""
    fit = sc.corpus_traces(model, fit_texts)
    eta = sc.subject_selectivity(fit["C_t"], fit["subject"])
    units = sc.subject_units(fit["C_t"], fit["subject"], k=k)
    probe = sc.fit_probe(fit["C_t"], fit["subject"])
    held = sc.corpus_traces(model, test_texts)
    inside = held["subject"] >= 0
    accuracy = float((probe.probabilities(held["C_t"][inside]).argmax(axis=1) == held["subject"][inside]).mean())
    tr = sc.trace(model, list(words))
    mean_all, mean_sub = sc.gate_means(tr), sc.gate_means(tr, units)
    return SeedMeasurement(units, eta, probe, accuracy, mean_all, mean_sub, slide_correlation(mean_all),
                           slide_correlation(mean_sub), tr["f_t"].argmin(axis=0),
                           sc.boundary_profile(model, test_texts, probe, units), sc.subject_signal(model, test_texts))


# ----------------------------------------------------------------------------- all seeds
@dataclass
class SeedMeasurements:
    """:class:`SeedMeasurement` of n seeds, stacked; row j belongs to ``seeds[j]``.

    Arrays: probe_accuracy (n,); mean_all, mean_sub (n, T, 3); r_all, r_sub (n, 3); lowest_word (n, H);
    f_all, f_sub, i_sub, erase_sub, write_sub, p_old, p_new, signal_old, signal_new (n, P) over
    :data:`~.sentence_corpus.BOUNDARY`. ``each`` keeps the per-seed :class:`SeedMeasurement`.
    """

    seeds: tuple
    each: list

    def __post_init__(self):
        self.seeds = check_seeds(self.seeds, "seeds", "SeedMeasurements()")
        if len(self.each) != len(self.seeds) or not all(isinstance(m, SeedMeasurement) for m in self.each):
            raise TypeError(f"SeedMeasurements(): argument 'each' must hold one SeedMeasurement per seed "
                            f"({len(self.seeds)}).")
        stack = lambda get: np.stack([get(m) for m in self.each])  # noqa: E731
        self.probe_accuracy = stack(lambda m: m.probe_accuracy)
        for key in ("mean_all", "mean_sub", "r_all", "r_sub", "lowest_word"):
            setattr(self, key, stack(lambda m: getattr(m, key)))
        for key in ("f_all", "f_sub", "i_sub", "erase_sub", "write_sub", "p_old", "p_new"):
            setattr(self, key, stack(lambda m: m.profile[key]))
        self.signal_old = stack(lambda m: m.signal["old"])
        self.signal_new = stack(lambda m: m.signal["new"])

    @property
    def n(self) -> int:
        """The number of seeds."""
        return len(self.seeds)

    def cut(self) -> np.ndarray:
        """(n,) the deepest cut of each seed: index into BOUNDARY of the lowest forget gate of its subject units."""
        return self.f_sub.argmin(axis=1)

    def cut_counts(self) -> dict[str, int]:
        """{position of BOUNDARY: in how many seeds the deepest cut falls there}."""
        cut = self.cut()
        return {b: int((cut == p).sum()) for p, b in enumerate(sc.BOUNDARY)}

    def kept(self) -> np.ndarray:
        """(n, P) the old subject's signal at each boundary position as a share of its size at the last word."""
        return self.signal_old / self.signal_old[:, :1]

    def words_of_lowest_forget(self) -> np.ndarray:
        """(n,) on how many different words of the slide sentence the units of a seed have their lowest f_t."""
        return np.array([len(np.unique(row)) for row in self.lowest_word])


def measure_seeds(models: Sequence[SequenceModel], seeds, fit_texts, test_texts, *, k: int = 3,
                  words: Sequence[str] = SLIDE_WORDS) -> SeedMeasurements:
    """:func:`measure_seed` on every model (``models[j]`` trained with ``seeds[j]``), stacked."""
    seeds = check_seeds(seeds, "seeds", "measure_seeds()")
    if len(models) != len(seeds):
        raise ValueError(f"measure_seeds(): arguments 'models' and 'seeds' must have the same length, "
                         f"but they have {len(models)} and {len(seeds)}.")
    return SeedMeasurements(seeds, [measure_seed(m, fit_texts, test_texts, k=k, words=words) for m in models])


# ----------------------------------------------------------------------------- the leak after "and"
def sound_probabilities(model: SequenceModel, words: Sequence[str]) -> np.ndarray:
    """P(next word) of each sound of :data:`~.sentence_corpus.SOUNDS` after the LAST "and" of ``words``, (4,)."""
    where = "sound_probabilities()"
    words = sc.WORDS.check_words(words, where)
    if "and" not in words:
        raise ValueError(f"{where}: argument 'words' must contain 'and' (the sound is predicted after it).")
    t = len(words) - 1 - words[::-1].index("and")
    p = sc.next_word_probabilities(model, words[:t + 1])
    return p[t, [sc.WORD_INDEX[s] for s in sc.SOUNDS]]


def leak_profile(model: SequenceModel, texts: Sequence[Sequence[str]]) -> dict[str, float]:
    """Where the probability after "and" goes, averaged over every "and" of ``texts``.

    Returns:
        'right_first', 'right_later': mean P(the current subject's sound) after an "and" of a text's first
            sentence, and of a later sentence (one whose previous sentence had another subject or the same);
        'old', 'other': after the "and" of a later sentence whose previous subject differs, the mean P of
            the previous (old) subject's sound, and of one of the two sounds that belong to neither subject;
        'n_first', 'n_later', 'n_differ': how many "and" each mean is over.
    """
    where = "leak_profile()"
    model = check_word_model(model, sc.WORDS, where, output_size=sc.D, readout="all", cells=("lstm",),
                             maker="sentence_corpus.make_model()")
    texts = sc.WORDS.check_word_lists(texts, where, "texts")
    x, _ = sc.encode_batch(texts, dtype=model.dtype)
    P = softmax_unchecked(model.logits(x).astype(np.float64))          # (T, B, D)
    sound_ids = [sc.WORD_INDEX[s] for s in sc.SOUNDS]
    first, later, old, other = [], [], [], []
    for b, words in enumerate(texts):
        current = previous = -1
        for t, w in enumerate(words):
            if w in sc.ANIMALS:
                previous, current = current, sc.ANIMALS.index(w)
            elif w == "and" and current >= 0:
                p = P[t, b, sound_ids]
                (first if previous < 0 else later).append(p[current])
                if previous >= 0 and previous != current:
                    old.append(p[previous])
                    other.append(np.delete(p, [current, previous]).mean())
    if not first or not later or not old:
        raise ValueError(f"{where}: argument 'texts' needs an 'and' in a first sentence and in a later sentence "
                         f"after another subject; use more texts (e.g. corpus(seed, 200)).")
    return {"right_first": float(np.mean(first)), "right_later": float(np.mean(later)), "old": float(np.mean(old)),
            "other": float(np.mean(other)), "n_first": len(first), "n_later": len(later), "n_differ": len(old)}


# ----------------------------------------------------------------------------- display
def format_seed_table(words: Sequence[str], mean_all, mean_sub) -> str:
    """The slides' table over seeds (text for printing, no prose): for f_t, i_t, o_t at every word the
    slide's value, the median over the seeds of the mean over all units with its range [min, max], and
    the median over the seeds of the mean over the subject units.

    Args: words: the T words; mean_all, mean_sub: (n, T, 3), one (T, 3) table per seed
    (:attr:`SeedMeasurements.mean_all`, ``mean_sub``). Rows beyond the slide's 8 words show '—'.
    """
    where = "format_seed_table()"
    words = sc.WORDS.check_words(words, where)
    T = len(words)
    mean_all = check_array(mean_all, "mean_all", where, shape=(None, T, 3), dims=("n_seeds", "T", "3"))
    mean_sub = check_array(mean_sub, "mean_sub", where, shape=mean_all.shape, dims=("n_seeds", "T", "3"))
    med_all, low, high = np.median(mean_all, axis=0), mean_all.min(axis=0), mean_all.max(axis=0)
    med_sub = np.median(mean_sub, axis=0)
    width = 30
    head = f"{'':>3s} {'word':<8s}|" + "".join(f"{name:^{width}s}|" for name in ("forget f_t", "input i_t",
                                                                                  "output o_t"))
    sub = f"{'':>3s} {'':<8s}|" + f"{'slide':>6s}{'all units [range]':>18s}{'subj':>6s}|" * 3
    lines = [head, sub, "-" * len(sub)]
    for t, w in enumerate(words):
        row = sc.SLIDE_TABLE[t] if t < N_SLIDE and sc.SLIDE_TABLE[t][0] == w else None
        cells = []
        for g in range(3):
            slide = f"{row[1 + g]:.1f}" if row else "—"
            spread = f"{med_all[t, g]:.2f} [{low[t, g]:.2f}, {high[t, g]:.2f}]"
            cells.append(f"{slide:>6s}{spread:>18s}{med_sub[t, g]:>6.2f}|")
        lines.append(f"{t:>3d} {w:<8s}|" + "".join(cells))
    return "\n".join(lines)


def word_label(word: str) -> str:
    """How a word is written on an axis: a lone "." in quotes, so that it can be seen."""
    return f'"{word}"' if word == "." else word


def plot_seed_gates(axes, words: Sequence[str], mean_all) -> None:
    """Three panels (f_t, i_t, o_t) over the words: the slide's illustrative value, each seed's mean over
    all units (thin lines) and their median over the seeds (thick). ``axes``: 3 axes of a figure with
    layout="constrained" (the legend goes under the panels); mean_all (n, T, 3)."""
    T = len(words)
    mean_all = check_array(mean_all, "mean_all", "plot_seed_gates()", shape=(None, T, 3), dims=("n_seeds", "T", "3"))
    slide = np.array([row[1:4] for row in sc.SLIDE_TABLE[:min(T, N_SLIDE)]], dtype=float)
    x = np.arange(T)
    names = (r"forget gate $f_t$", r"input gate $i_t$", r"output gate $o_t$")
    for g, ax in enumerate(np.ravel(axes)):
        for j, row in enumerate(mean_all[:, :, g]):
            ax.plot(x, row, "-", color=OKABE_ITO["sky_blue"], lw=0.9, alpha=0.8,
                    label="one seed (mean of all units)" if j == 0 else None)
        ax.plot(x, np.median(mean_all[:, :, g], axis=0), "o-", color=OKABE_ITO["blue"], lw=2.2,
                label=f"median of {mean_all.shape[0]} seeds")
        ax.plot(x[:len(slide)], slide[:, g], "s--", color=OKABE_ITO["black"], label="slide (illustrative)")
        ax.set_xticks(x, [word_label(w) for w in words], rotation=45)
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(names[g])
        ax.set_xlabel("word")
        ax.set_ylabel("gate value")
    # one legend under the panels (with layout="constrained"), where it hides no data point
    first = np.ravel(axes)[0]
    first.figure.legend(*first.get_legend_handles_labels(), loc="outside lower center", ncols=3, fontsize=9)


def plot_seed_boundary(axes, measured: SeedMeasurements) -> None:
    """Three panels over the BOUNDARY positions, one thin line per seed and the median over the seeds
    (thick): the forget gate of the subject units (the deepest cut of each seed marked), the old subject's
    signal in C_t and the new subject's, both as a share of the old one's at the last word."""
    if not isinstance(measured, SeedMeasurements):
        raise TypeError(f"plot_seed_boundary(): argument 'measured' must be the SeedMeasurements of "
                        f"measure_seeds(), but it is {type(measured).__name__}.")
    a, b, c = np.ravel(axes)
    x = np.arange(len(sc.BOUNDARY))
    size = measured.signal_old[:, :1]
    panels = ((a, measured.f_sub, OKABE_ITO["vermillion"], r"Forget gate $f_t$ of the subject units", "gate value"),
              (b, measured.signal_old / size, OKABE_ITO["orange"], r"Old subject's signal in $C_t$",
               "share of its size at the last word"),
              (c, measured.signal_new / size, OKABE_ITO["sky_blue"], r"New subject's signal in $C_t$",
               "share of the old one's at the last word"))
    for ax, values, color, title, ylabel in panels:
        for j, row in enumerate(values):
            ax.plot(x, row, "-", color=color, lw=0.9, alpha=0.7, label="one seed" if j == 0 else None)
        ax.plot(x, np.median(values, axis=0), "o-", color=color, lw=2.4, label=f"median of {measured.n} seeds")
        ax.set_xticks(x, [w if " " in w else f'"{w}"' for w in sc.BOUNDARY], rotation=30)   # '"."', not '.'
        ax.set_xlabel("position around the boundary")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.set_ylim(bottom=0.0)
    cut = measured.cut()
    a.plot(cut, measured.f_sub[np.arange(measured.n), cut], "v", color=OKABE_ITO["black"], ms=7,
           label="deepest cut of a seed")
    a.set_ylim(-0.03, 1.03)
    for ax in (a, b, c):
        ax.legend(fontsize=8)


def plot_leak(ax, seeds, bars: dict) -> None:
    """Grouped bars, one group per seed: {label: (n,) probabilities}, e.g. P(right sound) after "and"
    at the early stop, without the first sentence, after more training."""
    seeds = check_seeds(seeds, "seeds", "plot_leak()")
    n = len(seeds)
    colors = (OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["blue"], OKABE_ITO["bluish_green"])
    width = 0.8 / max(len(bars), 1)
    for k, (label, values) in enumerate(bars.items()):
        values = check_array(np.asarray(values, dtype=np.float64), f"bars[{label!r}]", "plot_leak()", shape=(n,),
                             dims=("n_seeds",))
        ax.bar(np.arange(n) + (k - (len(bars) - 1) / 2) * width, values, width, label=label,
               color=colors[k % len(colors)])
    ax.set_xticks(np.arange(n), [f"seed {s}" for s in seeds])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability of the right sound")
    ax.set_xlabel("model")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
