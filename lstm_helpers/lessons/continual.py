"""A continual task: the recall task chained without state resets (notebook 10's gate ablation).

One long input stream holds many *episodes* back to back, and the model's state is never reset
between them (Gers, Schmidhuber & Cummins 2000, "Learning to forget")::

    episode:  symbol  d d … d  ?          (lag distractors d, lag drawn per episode)
    stream:   A w x ?  C y y z w ?  B x ?  D w z z ?  …

At every query marker ``?`` the target is the symbol of *that* episode; every other step has
no target (label :data:`IGNORE`). The symbols of earlier episodes are still "in memory" and
must be erased or overwritten: an LSTM without a forget gate, C_t = C_{t-1} + i_t ⊙ C̃_t, can
only add to its cell state, which keeps growing along a stream longer than those it was
trained on.

Tokens use the ids of the recall task (:mod:`lstm_helpers.data`): symbols 0 … K−1, distractors
K … K+M−1, query marker K+M, so D = K + M + 1 = 9 for K = M = 4.

    x, y = continual_batch(rng, batch_size=32, length=60)     # x (60, 32, 9), y (60, 32)
    model = SequenceModel("lstm", NUM_TOKENS, 16, NUM_SYMBOLS, readout="all")

A stream of ``length`` steps is filled with whole episodes; an episode cut off by the end has
no query and therefore no target. ``episode`` (T, B) tells which episode a step belongs to.

The gate ablation (in the spirit of Greff et al. 2017, "LSTM: A Search Space Odyssey") trains
each LSTM variant of :data:`ABLATION_VARIANTS` on this task for every seed at once
(:func:`train_variant_seeds`, :func:`run_ablation`) until its validation accuracy reaches the
target, with a cap on the updates large enough that it is reached (the plot shows the cap).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .comparison import TimeToTarget, time_to_target
from ..support.checks import check_choice, check_int_array, check_size
from ..support.evidence import DEFAULT_SEEDS
from ..engine.data import one_hot
from ..engine.losses import IGNORE, accuracy
from ..engine.seeded import SeededModel, SeedHistories, train_seeds

NUM_SYMBOLS = 4          # K: symbols 0-3, the classes (chance 1/K)
NUM_DISTRACTORS = 4      # M: distractors 4-7
QUERY = NUM_SYMBOLS + NUM_DISTRACTORS        # the query marker, id 8
NUM_TOKENS = QUERY + 1   # D = 9, the one-hot size
CHANCE = 1.0 / NUM_SYMBOLS
LAG_RANGE = (2, 6)       # distractors per episode, both ends included


@dataclass
class ContinualStream:
    """A batch of streams.

    Attributes:
        tokens: (T, B) int token ids.  targets: (T, B) int, the episode's symbol at query steps,
            :data:`IGNORE` (−1) elsewhere.  episode: (T, B) int, index of the episode (0, 1, …)
            each step belongs to in its stream.
    """

    tokens: np.ndarray
    targets: np.ndarray
    episode: np.ndarray

    def inputs(self, dtype=np.float64) -> np.ndarray:
        """One-hot inputs (T, B, D)."""
        return one_hot(self.tokens, NUM_TOKENS, dtype)

    @property
    def queries(self) -> int:
        """Number of steps with a target (queries) in the whole batch."""
        return int((self.targets != IGNORE).sum())


def _check_lag_range(lag_range, where):
    if not isinstance(lag_range, (tuple, list)) or len(lag_range) != 2:
        raise TypeError(f"{where}: argument 'lag_range' must be a pair (shortest, longest), but it is {lag_range!r}.")
    lo = check_size(lag_range[0], "lag_range[0]", where, minimum=0)
    hi = check_size(lag_range[1], "lag_range[1]", where, minimum=0)
    if hi < lo:
        raise ValueError(f"{where}: argument 'lag_range' must have shortest <= longest, but it is {lag_range!r}.")
    return lo, hi


def continual_stream(rng: np.random.Generator, batch_size: int, length: int, *,
                     lag_range=LAG_RANGE) -> ContinualStream:
    """B independent streams of ``length`` steps, each a chain of recall episodes without resets.

    Args:
        rng: a ``np.random.Generator``.  batch_size (B), length (T): shape of the batch.
        lag_range: (shortest, longest) number of distractors per episode, drawn uniformly
            per episode and per stream.

    Returns:
        A :class:`ContinualStream` with tokens, targets and episode of shape (T, B).
    """
    where = "continual_stream()"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    B = check_size(batch_size, "batch_size", where)
    T = check_size(length, "length", where)
    lo, hi = _check_lag_range(lag_range, where)
    # at most T // (lo + 2) + 1 episodes fit into T steps; draw all their lags and symbols at once
    E = T // (lo + 2) + 1
    lags = rng.integers(lo, hi + 1, (E, B))
    symbols = rng.integers(0, NUM_SYMBOLS, (E, B))
    tokens = rng.integers(NUM_SYMBOLS, QUERY, (T, B))          # distractors everywhere, then overwrite
    targets = np.full((T, B), IGNORE, dtype=np.int64)
    starts = np.concatenate([np.zeros((1, B), dtype=np.int64), np.cumsum(lags + 2, axis=0)])   # (E + 1, B)
    sym, qry = starts[:-1], starts[:-1] + lags + 1             # symbol and query step of every episode (E, B)
    cols = np.broadcast_to(np.arange(B), (E, B))
    inside, done = sym < T, qry < T                             # positions never collide: one write each
    tokens[sym[inside], cols[inside]] = symbols[inside]
    tokens[qry[done], cols[done]] = QUERY
    targets[qry[done], cols[done]] = symbols[done]
    # episode index of step t in stream b: how many later episodes have started at or before t
    begins = np.zeros((T, B), dtype=np.int64)
    later = starts[1:] < T
    begins[starts[1:][later], cols[later]] = 1
    episode = np.cumsum(begins, axis=0)
    return ContinualStream(tokens, targets, episode)


def continual_batch(rng: np.random.Generator, batch_size: int, length: int, *, lag_range=LAG_RANGE,
                    dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """(one-hot inputs (T, B, D), targets (T, B)) of :func:`continual_stream`: a ``make_batch`` for
    :func:`lstm_helpers.train` with a ``readout='all'`` model."""
    s = continual_stream(rng, batch_size, length, lag_range=lag_range)
    return s.inputs(dtype), s.targets


def episode_batch(rng: np.random.Generator, batch_size: int, *, lag_range=LAG_RANGE,
                  dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """ONE episode per sequence, from a zero state (the "external reset" baseline of Gers et al.).

    The lag is drawn once per batch from ``lag_range``. Returns one-hot inputs (lag + 2, B, D) and
    targets (lag + 2, B): :data:`IGNORE` except the symbol at the final query step.
    """
    where = "episode_batch()"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    B = check_size(batch_size, "batch_size", where)
    lo, hi = _check_lag_range(lag_range, where)
    lag = int(rng.integers(lo, hi + 1))
    s = continual_stream(rng, B, lag + 2, lag_range=(lag, lag))
    return s.inputs(dtype), s.targets


def accuracy_by_episode(logits, stream: ContinualStream, bins) -> np.ndarray:
    """Accuracy at the queries of episodes in each bin of episode indices.

    Args:
        logits: (T, B, C) scores of a ``readout='all'`` model on ``stream``.
        bins: increasing episode-index edges e_0 < e_1 < … < e_n; bin k holds episodes
            e_k <= episode < e_{k+1}.

    Returns:
        (n,) accuracy per bin (NaN for a bin without queries).
    """
    where = "accuracy_by_episode()"
    logits = np.asarray(logits)
    T, B = stream.targets.shape
    if logits.ndim != 3 or logits.shape[:2] != (T, B):
        raise ValueError(f"{where}: argument 'logits' must have shape (T, B, C) = ({T}, {B}, any), "
                         f"but it has shape {logits.shape}.")
    bins = check_int_array(np.asarray(bins), "bins", where, shape=(None,), dims=("n+1",))
    if bins.size < 2 or np.any(np.diff(bins) <= 0):
        raise ValueError(f"{where}: argument 'bins' must hold at least two increasing edges, but it is {bins.tolist()}.")
    mask = stream.targets != IGNORE
    right = logits.argmax(axis=-1) == stream.targets
    out = np.full(bins.size - 1, np.nan)
    for k in range(bins.size - 1):
        sel = mask & (stream.episode >= bins[k]) & (stream.episode < bins[k + 1])
        if sel.any():
            out[k] = right[sel].mean()
    return out


def forward_with_resets(model, stream: ContinualStream) -> np.ndarray:
    """Logits (T, B, C) of a ``readout='all'`` model run over ``stream`` with its state set to zero
    at the first step of every episode: the *external reset* that an LSTM without forget gate
    needs on a continual task (Gers et al. 2000). Forward only (for evaluation).

    Args: model: a :class:`~lstm_helpers.models.SequenceModel` ('lstm' or 'rnn').  stream: a
    :class:`ContinualStream` (T, B).
    """
    where = "forward_with_resets()"
    if not all(hasattr(model, a) for a in ("cell", "head", "cell_type")):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    if not isinstance(stream, ContinualStream):
        raise TypeError(f"{where}: argument 'stream' must be a ContinualStream, but it is {type(stream).__name__}.")
    x = stream.inputs(model.dtype)
    T, B, _ = x.shape
    H = model.cell.hidden_size
    h = np.zeros((B, H), dtype=model.dtype)
    C = np.zeros((B, H), dtype=model.dtype)
    logits = np.empty((T, B, model.head.out_features), dtype=model.dtype)
    lstm = model.cell_type == "lstm"
    for t in range(T):
        if t > 0:
            new = stream.episode[t] != stream.episode[t - 1]       # (B,) streams whose episode starts now
            h[new] = 0.0
            C[new] = 0.0
        if lstm:
            out, (h, C) = model.cell.forward(x[t:t + 1], (h, C))
        else:
            out, h = model.cell.forward(x[t:t + 1], h)
        logits[t] = model.head.forward(out[0])
    return logits


# ----------------------------------------------------------------------------- gate ablation
# name -> (label, cell kwargs, state reset at every episode start?)
ABLATION_VARIANTS = {
    "vanilla": ("vanilla LSTM", {}, False),
    "no_input_gate": ("no input gate", {"input_gate": False}, False),
    "no_forget_gate": ("no forget gate\n(= 1997 LSTM)", {"forget_gate": False}, False),
    "no_output_gate": ("no output gate", {"output_gate": False}, False),
    "no_output_activation": ("no output tanh", {"output_activation": False}, False),
    "1997_reset": ("1997 LSTM +\nexternal reset", {"forget_gate": False}, True),
}


@dataclass
class VariantSeeds:
    """One variant of :data:`ABLATION_VARIANTS` trained on the continual task, every seed, then tested.

    Attributes: variant; seeds (S,); steps (S,) updates made; reached (S,) bool, validation accuracy reached
    the target (training stopped there); cap (the most updates allowed); validation (S,) last validation
    accuracy; accuracy (S,) over all queries of the test streams; by_episode (S, n_bins) accuracy per bin of
    episode index; cell_norm (S, T) mean |C_t| over units and test streams (None with external resets);
    histories; models: the trained one-seed ``SequenceModel`` of every seed.
    """

    variant: str
    seeds: tuple
    steps: np.ndarray
    reached: np.ndarray
    cap: int
    validation: np.ndarray
    accuracy: np.ndarray
    by_episode: np.ndarray
    cell_norm: np.ndarray | None
    histories: SeedHistories = field(repr=False)
    models: list = field(repr=False)

    def time_to_target(self) -> TimeToTarget:
        """Updates to the target validation accuracy, censored at the cap."""
        return time_to_target(self.steps, self.reached, self.cap, self.seeds)


def train_variant_seeds(variant: str, test: ContinualStream, *, seeds=DEFAULT_SEEDS, hidden_size: int = 8,
                        length: int = 40, batch_size: int = 32, steps: int = 400, lr: float = 2e-2,
                        lag_range=LAG_RANGE, target_accuracy: float = 0.99, eval_every: int = 25,
                        episode_bins=(0, 5, 20, 50, 100), progress: bool = True) -> VariantSeeds:
    """Train one variant for every seed at once (:func:`~lstm_helpers.engine.seeded.train_seeds`) and test it.

    Seed s equals ``lh.train(SequenceModel("lstm", 9, H, 4, readout="all", seed=s, **cell_kwargs), make_batch,
    seed=s, ...)``. Training streams have ``length`` steps (several episodes, no resets); a fixed validation batch
    of the same length (seed 10_000) stops a seed at ``target_accuracy``; ``steps`` is the cap. Variant
    '1997_reset' is the LSTM without forget gate trained on single episodes (:func:`episode_batch`), validated
    on episodes of the longest lag, and tested with its state zeroed at every episode start
    (:func:`forward_with_resets`). ``test`` should be much longer
    than ``length``: its accuracy is over all its queries, and per bin of ``episode_bins``.
    """
    where = "train_variant_seeds()"
    check_choice(variant, "variant", where, tuple(ABLATION_VARIANTS))
    if not isinstance(test, ContinualStream):
        raise TypeError(f"{where}: argument 'test' must be a ContinualStream, but it is {type(test).__name__}.")
    length = check_size(length, "length", where)
    batch_size = check_size(batch_size, "batch_size", where)
    steps = check_size(steps, "steps", where)
    label, kwargs, reset = ABLATION_VARIANTS[variant]
    model = SeededModel("lstm", NUM_TOKENS, hidden_size, NUM_SYMBOLS, readout="all", seeds=seeds, **kwargs)
    if reset:                                   # validated on episodes of the longest lag (one lag per batch)
        validation = episode_batch(np.random.default_rng(10_000), 200, lag_range=(lag_range[1], lag_range[1]))

        def make_batch(rng):
            return episode_batch(rng, batch_size, lag_range=lag_range)
    else:
        validation = continual_batch(np.random.default_rng(10_000), 200, length, lag_range=lag_range)

        def make_batch(rng):
            return continual_batch(rng, batch_size, length, lag_range=lag_range)
    hist = train_seeds(model, make_batch, steps=steps, lr=lr, eval_batch=validation, eval_every=eval_every,
                       target_accuracy=target_accuracy, progress=progress, desc=label.replace("\n", " "))
    S, bins = model.n_seeds, list(episode_bins)
    acc, by_ep = np.empty(S), np.empty((S, len(bins) - 1))
    norm = None if reset else np.empty((S, test.tokens.shape[0]))
    models = [model.model(k) for k in range(S)]          # kept: clean copies (no scratch memory, no forward cache)
    for k in range(S):
        one = model.model(k)                             # tested, then dropped with its cache of the long test
        if reset:
            logits = forward_with_resets(one, test)
        else:
            logits = one.logits(test.inputs(one.dtype))
            norm[k] = np.abs(one.cell.last_gates()["C_t"]).mean(axis=(1, 2))
        acc[k] = accuracy(logits, test.targets)
        by_ep[k] = accuracy_by_episode(logits, test, bins)
    return VariantSeeds(variant, model.seeds, hist.steps_run(), hist.reached_target(), steps,
                        hist.final_eval_accuracy(), acc, by_ep, norm, hist, models)


@dataclass
class AblationResult:
    """Every variant over the same seeds: runs[variant] -> :class:`VariantSeeds`; cap: the most updates allowed."""

    variants: list
    seeds: tuple
    runs: dict
    episode_bins: tuple
    cap: int

    def accuracy(self, variant: str) -> np.ndarray:
        """(S,) test accuracy of ``variant`` per seed."""
        return self.runs[variant].accuracy

    def steps(self, variant: str) -> np.ndarray:
        """(S,) updates made per seed."""
        return self.runs[variant].steps

    def reached(self, variant: str) -> np.ndarray:
        """(S,) bool: the seed reached the target before the cap."""
        return self.runs[variant].reached

    def by_episode(self, variant: str) -> np.ndarray:
        """(S, n_bins) accuracy per episode bin per seed."""
        return self.runs[variant].by_episode


def run_ablation(variants, test: ContinualStream, *, seeds=DEFAULT_SEEDS, **train_kwargs) -> AblationResult:
    """:func:`train_variant_seeds` for every variant (same seeds, same test streams); **train_kwargs as there."""
    where = "run_ablation()"
    variants = [check_choice(v, "variants", where, tuple(ABLATION_VARIANTS)) for v in variants]
    if not variants:
        raise ValueError(f"{where}: argument 'variants' must not be empty; choose from {tuple(ABLATION_VARIANTS)}.")
    runs = {v: train_variant_seeds(v, test, seeds=seeds, **train_kwargs) for v in variants}
    first = runs[variants[0]]
    return AblationResult(variants, first.seeds, runs, tuple(train_kwargs.get("episode_bins", (0, 5, 20, 50, 100))),
                          first.cap)


def plot_ablation(axes, result: AblationResult, *, colors=None, chance: float | None = CHANCE):
    """Two panels: (first) test accuracy per variant, a bar at the median over seeds, each seed a dot, and the
    chance level (None: no line, e.g. for a zoomed axis); (second) the updates each seed made, with the cap drawn
    and the seeds stopped by it as open markers.

    Args: axes: two matplotlib Axes.  result: an :class:`AblationResult`.  colors: one per variant.
    Returns the BarContainer of the first panel.
    """
    ax_acc, ax_steps = axes
    names = result.variants
    pos = np.arange(len(names))
    acc = np.array([result.accuracy(v) for v in names])                 # (V, S)
    steps = np.array([result.steps(v) for v in names])
    reached = np.array([result.reached(v) for v in names])
    colors = list(colors) if colors is not None else [f"C{k % 10}" for k in range(len(names))]
    bars = ax_acc.bar(pos, np.median(acc, axis=1), width=0.6, alpha=0.85, color=colors, label="median over seeds")
    jitter = np.linspace(-0.15, 0.15, acc.shape[1]) if acc.shape[1] > 1 else np.zeros(1)
    first_cut = next((k for k in range(len(names)) if not reached[k].all()), None)   # label the open marker once
    for k in range(len(names)):
        ax_acc.plot(pos[k] + jitter, acc[k], "o", color="black", markersize=3.5, label="one seed" if k == 0 else None)
        ok, cut = reached[k], ~reached[k]
        ax_steps.plot(pos[k] + jitter[ok], steps[k][ok], "o", color=colors[k], markersize=5,
                      label="reached the target" if k == 0 else None)
        ax_steps.plot(pos[k] + jitter[cut], steps[k][cut], "o", markerfacecolor="none", color="black", markersize=6,
                      label="stopped by the cap" if k == first_cut else None)
    if chance is not None:
        ax_acc.axhline(chance, color="0.5", linestyle=":", linewidth=1.5, label=f"chance = {chance:.2f}")
    ax_steps.axhline(result.cap, color="0.3", linestyle="--", linewidth=1.2, label=f"cap = {result.cap} updates")
    ax_steps.set_ylim(0, result.cap * 1.1)
    for ax in axes:
        ax.set_xticks(pos)
        ax.set_xticklabels([ABLATION_VARIANTS[v][0] for v in names], fontsize=8)
    return bars
