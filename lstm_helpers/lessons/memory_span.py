"""Measured memory span: train an RNN or an LSTM on the long-lag recall task at several lags.

The recall task (:func:`lstm_helpers.data.recall_batch`): step 0 shows one of K = 4 symbols,
``lag`` distractor steps follow, then a query marker; the model must name the first symbol
(chance 1/4). For each lag a fresh model is trained with :func:`lstm_helpers.train.train`:

* a fixed *validation* batch (its own seed, not the evaluation file) is scored every
  ``eval_every`` steps and training stops once it reaches ``target_accuracy``;
* a run that never gets there stops after ``max_steps`` updates (the budget);
* the trained model is then scored on the fixed evaluation set of that lag
  (``data/recall_eval.csv``, read by :func:`lstm_helpers.datasets.load_recall_eval`).

The **memory span** is the largest lag whose evaluation accuracy is >= ``threshold`` (0.95).

    result = measure_memory_span("lstm", (5, 10, 20, 50, 100), eval_sets, hidden_size=8,
                                 forget_bias="chrono", chrono_max_lag=300)
    result.accuracy      # (L,) accuracy on the fixed evaluation sets
    result.span          # e.g. 100, or None if no lag was solved
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..support.checks import check_choice, check_int_array, check_number, check_size
from ..engine.data import one_hot, recall_batch
from ..engine.losses import accuracy
from ..engine.models import SequenceModel
from ..engine.train import History, train

NUM_SYMBOLS = 4        # K: symbols 0-3 (the classes; chance = 1/K)
NUM_TOKENS = 9         # K symbols + 4 distractors + 1 query marker = the one-hot size D
CHANCE = 1.0 / NUM_SYMBOLS
SPAN_THRESHOLD = 0.95
VALIDATION_SEED = 10_000  # validation batch of lag L uses default_rng(VALIDATION_SEED + L)


@dataclass
class RecallRun:
    """One training run at one lag.

    Attributes:
        cell: 'lstm' or 'rnn'.  lag: number of distractor steps (sequence length T = lag + 2).
        accuracy: accuracy on the fixed evaluation set of this lag (in [0, 1]).
        steps: updates actually made (<= max_steps).  reached_target: early stop happened.
        seconds: wall time of the training (not reproducible; do not print it in compared cells).
        history: the :class:`~lstm_helpers.train.History`.  model: the trained SequenceModel.
    """

    cell: str
    lag: int
    accuracy: float
    steps: int
    reached_target: bool
    seconds: float
    history: History = field(repr=False)
    model: SequenceModel = field(repr=False)


@dataclass
class MemorySpanResult:
    """Runs of one model type over several lags (in increasing order of lag)."""

    cell: str
    label: str
    runs: list
    threshold: float = SPAN_THRESHOLD

    @property
    def lags(self) -> np.ndarray:
        """(L,) int: the lags, increasing."""
        return np.array([r.lag for r in self.runs])

    @property
    def accuracy(self) -> np.ndarray:
        """(L,) accuracy on the fixed evaluation sets."""
        return np.array([r.accuracy for r in self.runs])

    @property
    def steps(self) -> np.ndarray:
        """(L,) int: updates used per lag."""
        return np.array([r.steps for r in self.runs])

    @property
    def seconds(self) -> np.ndarray:
        """(L,) wall-clock seconds per lag (varies from run to run)."""
        return np.array([r.seconds for r in self.runs])

    @property
    def span(self):
        """Largest lag with accuracy >= threshold, or None."""
        return memory_span(self.lags, self.accuracy, self.threshold)

    def run(self, lag: int) -> RecallRun:
        """The run at ``lag``."""
        for r in self.runs:
            if r.lag == lag:
                return r
        raise ValueError(f"MemorySpanResult.run(): no run at lag {lag}; the lags are {self.lags.tolist()}.")


def memory_span(lags, accuracies, threshold: float = SPAN_THRESHOLD):
    """Largest lag whose accuracy is >= ``threshold``; None if there is none.

    Args: lags (L,) ints, accuracies (L,) floats in [0, 1], threshold in [0, 1].
    """
    where = "memory_span()"
    lags = check_int_array(np.asarray(lags), "lags", where, shape=(None,), dims=("L",), low=0)
    acc = np.asarray(accuracies, dtype=float)
    if acc.shape != lags.shape:
        raise ValueError(f"{where}: argument 'accuracies' must have shape (L,) = {lags.shape}, "
                         f"like 'lags', but it has shape {acc.shape}.")
    if not np.all((acc >= 0) & (acc <= 1)):
        raise ValueError(f"{where}: argument 'accuracies' must hold values in [0, 1].")
    threshold = check_number(threshold, "threshold", where, low=0, high=1)
    solved = lags[acc >= threshold]
    return int(solved.max()) if solved.size else None


def eval_inputs(eval_sets, lag: int, dtype=np.float64):
    """One-hot inputs (lag + 2, N, 9) and targets (N,) of the fixed evaluation set of ``lag``.

    Args: eval_sets: ``{lag: (tokens (T, N), targets (N,))}`` from ``datasets.load_recall_eval``.
    """
    where = "eval_inputs()"
    if not isinstance(eval_sets, dict):
        raise TypeError(f"{where}: argument 'eval_sets' must be the dict returned by "
                        f"lh.datasets.load_recall_eval(path), but it is {type(eval_sets).__name__}.")
    if lag not in eval_sets:
        raise ValueError(f"{where}: argument 'lag' is {lag}, but 'eval_sets' only holds the lags "
                         f"{sorted(eval_sets)}.")
    tokens, targets = eval_sets[lag]
    tokens = check_int_array(tokens, "eval_sets[lag][0] (tokens)", where, shape=(lag + 2, None), dims=("T", "N"),
                             high=NUM_TOKENS)
    targets = check_int_array(targets, "eval_sets[lag][1] (targets)", where, shape=(tokens.shape[1],), dims=("N",),
                              high=NUM_SYMBOLS)
    return one_hot(tokens, NUM_TOKENS, dtype), targets


def train_recall(cell: str, lag: int, eval_sets, *, hidden_size: int = 8, max_steps: int = 300,
                 batch_size: int = 16, lr: float = 1e-2, seed: int = 0, target_accuracy: float = 0.99,
                 eval_every: int = 25, validation_size: int = 200, progress: bool = True, desc=None,
                 **cell_kwargs) -> RecallRun:
    """Train a fresh ``SequenceModel(cell, 9, hidden_size, 4)`` on the recall task at one lag.

    Args:
        cell: 'lstm' or 'rnn'.  lag: distractor steps.  eval_sets: from ``load_recall_eval``.
        hidden_size (H), max_steps (budget), batch_size (B), lr (Adam), seed (model and data).
            B = 16 keeps the gradient products (T·B rows) small: at lag 100 with B = 32 OpenBLAS
            multithreads them, which on a busy 2-core machine made an RNN step ~10x slower.
        target_accuracy: early stop once the validation batch reaches it.
        eval_every, validation_size: how often / on how many fresh sequences to validate.
        progress, desc: the tqdm bar of :func:`train`.
        **cell_kwargs: for the cell, e.g. ``forget_bias=3.0`` or ``forget_bias="chrono", chrono_max_lag=300``.

    Returns:
        A :class:`RecallRun`; ``accuracy`` is measured on the fixed evaluation set.
    """
    where = "train_recall()"
    check_choice(cell, "cell", where, ("lstm", "rnn"))
    lag = check_size(lag, "lag", where, minimum=0)
    hidden_size = check_size(hidden_size, "hidden_size", where)
    batch_size = check_size(batch_size, "batch_size", where)
    validation_size = check_size(validation_size, "validation_size", where)
    seed = check_size(seed, "seed", where, minimum=0)
    x_eval, y_eval = eval_inputs(eval_sets, lag)
    model = SequenceModel(cell, NUM_TOKENS, hidden_size, NUM_SYMBOLS, seed=seed, **cell_kwargs)
    validation = recall_batch(np.random.default_rng(VALIDATION_SEED + lag), validation_size, lag)
    t0 = time.perf_counter()
    hist = train(model, lambda rng: recall_batch(rng, batch_size, lag), steps=max_steps, lr=lr, seed=seed,
                 eval_batch=validation, eval_every=eval_every, target_accuracy=target_accuracy,
                 progress=progress, desc=desc or f"{cell.upper()} lag {lag}")
    seconds = time.perf_counter() - t0
    acc = accuracy(model.forward(x_eval), y_eval)
    return RecallRun(cell, lag, acc, hist.steps_run, hist.reached_target, seconds, hist, model)


def measure_memory_span(cell: str, lags, eval_sets, *, label=None, threshold: float = SPAN_THRESHOLD,
                        **train_kwargs) -> MemorySpanResult:
    """Train one fresh model per lag (see :func:`train_recall`) and collect the accuracies.

    Args:
        cell: 'lstm' or 'rnn'.  lags: increasing lags, each present in ``eval_sets``.
        label: legend name (default 'LSTM' / 'RNN').  threshold: accuracy that counts as solved.
        **train_kwargs: passed to :func:`train_recall` (hidden_size, max_steps, lr, forget_bias, ...).

    Returns:
        A :class:`MemorySpanResult` with per-lag accuracy (L,), steps (L,), seconds (L,) and ``span``.
    """
    where = "measure_memory_span()"
    check_choice(cell, "cell", where, ("lstm", "rnn"))
    lags = [check_size(int(v) if isinstance(v, np.integer) else v, "lags", where) for v in lags]
    if not lags or any(b <= a for a, b in zip(lags, lags[1:])):
        raise ValueError(f"{where}: argument 'lags' must be a non-empty increasing list of lags, but it is {lags}.")
    threshold = check_number(threshold, "threshold", where, low=0, high=1)
    runs = [train_recall(cell, lag, eval_sets, **train_kwargs) for lag in lags]
    return MemorySpanResult(cell, label or cell.upper(), runs, threshold)


def plot_memory_span(ax, results, *, colors=None, threshold: float = SPAN_THRESHOLD, chance: float = CHANCE):
    """Accuracy against lag (log x-axis) for each result, with the chance and threshold lines; each result has
    its own marker and line style, the first one open and on top, so that results with equal accuracy stay visible.

    Args: ax: a matplotlib Axes.  results: list of :class:`MemorySpanResult`.  colors: one per result.
    Returns: the list of Line2D of the results.
    """
    lines = []
    styles = (("s", "--"), ("o", "-"), ("^", ":"), ("D", "-."))        # where results coincide, both stay visible
    for k, res in enumerate(results):
        kw = {} if colors is None else {"color": colors[k]}
        marker, linestyle = styles[k % len(styles)]
        (ln,) = ax.plot(res.lags, res.accuracy, marker=marker, linestyle=linestyle, markersize=7 + 2 * (k == 0),
                        markerfacecolor="none" if k == 0 else None, zorder=3 + len(results) - k,
                        label=f"{res.label} (span: {res.span})", **kw)
        lines.append(ln)
    style_lag_axes(ax, results, threshold=threshold, chance=chance)
    return lines


def style_lag_axes(ax, results, *, threshold: float = SPAN_THRESHOLD, chance: float = CHANCE) -> None:
    """Accuracy-against-lag axes: the threshold and chance lines, a log x-axis ticked at every lag of
    ``results`` (objects with ``.lags``), y from 0 to 1.05."""
    ax.axhline(threshold, color="0.3", linestyle="--", linewidth=1, label=f"solved: accuracy ≥ {threshold:.2f}")
    ax.axhline(chance, color="0.5", linestyle=":", linewidth=1.5, label=f"chance = {chance:.2f}")
    ax.set_xscale("log")
    all_lags = sorted({int(v) for res in results for v in res.lags})
    ax.set_xticks(all_lags)
    ax.set_xticklabels([str(v) for v in all_lags])
    ax.minorticks_off()
    ax.set_ylim(0, 1.05)


def final_memory(model: SequenceModel, x) -> np.ndarray:
    """The memory a model carries at the last step: C_T (B, H) for an LSTM, h_T (B, H) for an RNN.

    Args: model: a SequenceModel.  x: inputs (T, B, D).
    """
    if not isinstance(model, SequenceModel):
        raise TypeError(f"final_memory(): argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    model.forward(x)
    state = model.final_state  # (h_T, C_T) for an LSTM, h_T for an RNN
    return state[1] if model.cell_type == "lstm" else state


def memory_probe_accuracy(model: SequenceModel, fit_batch, test_batch) -> float:
    """How much of the first symbol is still in the final memory? A linear read-out answers it.

    A least-squares linear map (with bias) from the final memory (C_T for an LSTM, h_T for an
    RNN; see :func:`final_memory`) to the one-hot target is fitted on ``fit_batch`` and scored on
    ``test_batch``. The model itself is not changed. Chance is 1/K.

    Args: fit_batch, test_batch: pairs (x (T, B, D), targets (B,)) of the recall task.
    Returns: accuracy of the read-out on ``test_batch``.
    """
    where = "memory_probe_accuracy()"
    for name, batch in (("fit_batch", fit_batch), ("test_batch", test_batch)):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(f"{where}: argument '{name}' must be a pair (x, targets), but it is {type(batch).__name__}.")
    x_fit, y_fit = fit_batch
    x_test, y_test = test_batch
    if not isinstance(model, SequenceModel):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    C = model.head.out_features
    y_fit = check_int_array(y_fit, "fit_batch[1] (targets)", where, shape=(None,), dims=("B",), high=C)
    y_test = check_int_array(y_test, "test_batch[1] (targets)", where, shape=(None,), dims=("B",), high=C)
    m_fit = final_memory(model, x_fit)
    m_test = final_memory(model, x_test)
    if m_fit.shape[0] != y_fit.shape[0] or m_test.shape[0] != y_test.shape[0]:
        raise ValueError(f"{where}: the batch sizes of x and targets differ.")
    A = np.c_[m_fit, np.ones(len(m_fit))]
    W, *_ = np.linalg.lstsq(A, np.eye(C)[y_fit], rcond=None)
    pred = (np.c_[m_test, np.ones(len(m_test))] @ W).argmax(axis=1)
    return float((pred == y_test).mean())
