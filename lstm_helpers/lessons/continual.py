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
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..support.checks import check_int_array, check_size
from ..engine.data import one_hot
from ..engine.losses import IGNORE

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
    cols = np.arange(B)
    for e in range(E):
        s, q = starts[e], starts[e] + lags[e] + 1               # symbol step, query step (B,)
        inside = s < T
        tokens[s[inside], cols[inside]] = symbols[e, inside]
        done = q < T
        tokens[q[done], cols[done]] = QUERY
        targets[q[done], cols[done]] = symbols[e, done]
    t = np.arange(T)[:, None]
    episode = np.zeros((T, B), dtype=np.int64)
    for e in range(1, E + 1):
        episode += t >= starts[e][None, :]                       # steps at or after the start of episode e
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
    c = np.zeros((B, H), dtype=model.dtype)
    logits = np.empty((T, B, model.head.out_features), dtype=model.dtype)
    lstm = model.cell_type == "lstm"
    for t in range(T):
        if t > 0:
            new = stream.episode[t] != stream.episode[t - 1]       # (B,) streams whose episode starts now
            h[new] = 0.0
            c[new] = 0.0
        if lstm:
            out, (h, c) = model.cell.forward(x[t:t + 1], (h, c))
        else:
            out, h = model.cell.forward(x[t:t + 1], h)
        logits[t] = model.head.forward(out[0])
    return logits
