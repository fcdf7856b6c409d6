"""Memory span over seeds: fair starts for RNNs and LSTMs, many runs trained together, spans found by bisection.

Notebook 02 measures how far back a trained model remembers on the recall task of
:mod:`lstm_helpers.lessons.memory_span` (symbol at step 0, ``lag`` distractors, query; chance 1/4)
for several **starts** — an RNN with PyTorch's, an orthogonal or an identity (IRNN) W_hh, an LSTM
with forget bias 1, 3 or chrono, and chrono's two halves apart — each over several seeds:

* :class:`Start` says how a model starts; ``start.parameters(seed)`` are its initial weights;
* :func:`train_rows` trains many (start, seed, learning rate) runs at one lag: the runs of one cell
  family and learning rate form ONE :class:`~lstm_helpers.engine.seeded.SeededModel`, so they share
  every forward/backward pass, and each run equals its one-seed ``lh.train`` run (the seeded engine's
  contract; ``memory_span.train_recall`` gives the same numbers for the standard starts);
* :func:`sweep_learning_rates` picks each start's learning rate from a small sweep at one lag;
  ``workers=2`` lets every joint pass use a second process (``train_seeds``): the same numbers, sooner;
* :func:`search_spans`: per run, the lags of a coarse grid in increasing order until the first failure,
  then bisection between the last solved and the first failed lag. The **span** of a run is the largest
  lag it solved (test accuracy >= 0.95) with every smaller lag it was tested at solved too;
* :func:`readout_spans`: the same criterion for the UNTRAINED model with only a linear read-out fitted
  (``memory_span.memory_probe_accuracy``): what the random start keeps, before any training;
  :func:`untrained_lstms`: gates, ∏ f_t and the read-out of C_T at one lag; :func:`plot_spans`: the figure.

Shapes: per start, values (n,) one per seed in the order of ``seeds``.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from ..support.checks import check_choice, check_number, check_size
from ..support.evidence import DEFAULT_SEEDS, check_seeds
from ..engine.data import recall_batch
from ..engine.gradflow import forget_path_norms
from ..engine.lstm import gate_slice
from ..engine.models import SequenceModel
from ..engine.rnn import INITS
from ..engine.seeded import SeededModel, accuracy_per_seed, train_seeds
from .memory_span import (NUM_SYMBOLS, NUM_TOKENS, SPAN_THRESHOLD, VALIDATION_SEED, eval_inputs,
                          memory_probe_accuracy)

GRID = (5, 10, 20, 50, 100)              # the coarse lags, tested in this order
LEARNING_RATES = (3e-3, 1e-2, 3e-2)      # the sweep of sweep_learning_rates()
TEST_SEED = 30_000                       # test set of a lag not in the file: default_rng(TEST_SEED + lag)
TEST_SIZE = 200
READOUT_LAGS = (1, 2, 3, 4, 5, 7, 10, 14, 20, 28, 35, 50, 70, 100)
READOUT_FIT_SEED = 40_000                # fit batch of the read-out at lag L: default_rng(READOUT_FIT_SEED + L)


@dataclass(frozen=True)
class Start:
    """How one model of the comparison starts.

    Attributes:
        label: its name in tables and plots.  cell: 'rnn' or 'lstm'.  hidden_size: H.
        init, nonlinearity: an RNN's W_hh start ('default', 'orthogonal', 'identity') and φ.
        forget_bias: an LSTM's b_f: a number or 'chrono' (b_f = log u, u ~ U(1, chrono_max_lag − 1)).
        input_bias: an LSTM's b_i: 'default' (PyTorch's draw), 'chrono' (b_i = −(chrono's b_f): "quiet
            writes"), or a number.  chrono_max_lag: T_max of chrono.

    Build one with :func:`rnn_start` or :func:`lstm_start` (they check the arguments).
    """

    label: str
    cell: str
    hidden_size: int
    init: str = "default"
    nonlinearity: str = "tanh"
    forget_bias: object = 1.0
    input_bias: object = "default"
    chrono_max_lag: float = 300.0

    @property
    def family(self) -> tuple:
        """Runs of one family can share a pass: ('rnn', H, φ) or ('lstm', H)."""
        return ("rnn", self.hidden_size, self.nonlinearity) if self.cell == "rnn" else ("lstm", self.hidden_size)

    def parameters(self, seed: int) -> dict[str, np.ndarray]:
        """The initial parameters of seed ``seed`` (keys of ``SequenceModel.parameters()``), new arrays.

        An LSTM start draws its weights as ``SequenceModel('lstm', 9, H, 4, seed=seed)`` does; only b_f
        and b_i differ between LSTM starts of one seed (chrono's values are those of
        ``forget_bias='chrono'``). For forget bias 1, 3 or chrono with its own input bias the result is
        exactly ``SequenceModel(..., forget_bias=...)``'s.
        """
        seed = check_size(seed, "seed", "Start.parameters()", minimum=0)
        if self.cell == "rnn":
            model = SequenceModel("rnn", NUM_TOKENS, self.hidden_size, NUM_SYMBOLS, seed=seed, init=self.init,
                                  nonlinearity=self.nonlinearity)
            return {k: v.copy() for k, v in model.parameters().items()}
        H = self.hidden_size
        numeric = not isinstance(self.forget_bias, str)
        base = SequenceModel("lstm", NUM_TOKENS, H, NUM_SYMBOLS, seed=seed,
                             forget_bias=self.forget_bias if numeric else 1.0)
        p = {k: v.copy() for k, v in base.parameters().items()}
        if not numeric or self.input_bias == "chrono":
            chrono = SequenceModel("lstm", NUM_TOKENS, H, NUM_SYMBOLS, seed=seed, forget_bias="chrono",
                                   chrono_max_lag=self.chrono_max_lag).parameters()
            gates = ([] if numeric else ["f"]) + (["i"] if self.input_bias == "chrono" else [])
            for gate in gates:
                s = gate_slice(gate, H)
                p["cell.bias_ih"][s], p["cell.bias_hh"][s] = chrono["cell.bias_ih"][s], chrono["cell.bias_hh"][s]
        if isinstance(self.input_bias, numbers.Real):
            p["cell.bias_ih"][gate_slice("i", H)], p["cell.bias_hh"][gate_slice("i", H)] = self.input_bias, 0.0
        return p

    def model(self, seed: int) -> SequenceModel:
        """An untrained ``SequenceModel`` holding :meth:`parameters` of ``seed``."""
        kwargs = {"init": self.init, "nonlinearity": self.nonlinearity} if self.cell == "rnn" else {}
        model = SequenceModel(self.cell, NUM_TOKENS, self.hidden_size, NUM_SYMBOLS, seed=seed, **kwargs)
        for key, value in self.parameters(seed).items():
            model.parameters()[key][...] = value
        return model


def rnn_start(label: str, hidden_size: int, *, init: str = "default", nonlinearity: str = "tanh") -> Start:
    """An RNN start: ``init`` in ('default', 'orthogonal', 'identity'), ``nonlinearity`` 'tanh' or 'relu'."""
    where = "rnn_start()"
    check_label(label, where)
    return Start(label, "rnn", check_size(hidden_size, "hidden_size", where),
                 init=check_choice(init, "init", where, INITS),
                 nonlinearity=check_choice(nonlinearity, "nonlinearity", where, ("tanh", "relu")))


def lstm_start(label: str, hidden_size: int, *, forget_bias=1.0, input_bias=None, chrono_max_lag: float = 300) -> Start:
    """An LSTM start: b_f = ``forget_bias`` (number or 'chrono'); b_i = ``input_bias`` ('default', 'chrono'
    or a number; None: 'chrono' with a chrono b_f, else 'default'); ``chrono_max_lag`` >= 3."""
    where = "lstm_start()"
    check_label(label, where)
    if isinstance(forget_bias, str):
        check_choice(forget_bias, "forget_bias", where, ("chrono",))
    else:
        forget_bias = check_number(forget_bias, "forget_bias", where, low=-50, high=50)
    if input_bias is None:
        input_bias = "chrono" if forget_bias == "chrono" else "default"
    elif isinstance(input_bias, str):
        check_choice(input_bias, "input_bias", where, ("default", "chrono"))
    else:
        input_bias = check_number(input_bias, "input_bias", where, low=-50, high=50)
    return Start(label, "lstm", check_size(hidden_size, "hidden_size", where), forget_bias=forget_bias,
                 input_bias=input_bias, chrono_max_lag=check_number(chrono_max_lag, "chrono_max_lag", where, low=3))


def check_label(label, where: str) -> str:
    """``label`` if it is a non-empty string, else TypeError."""
    if not isinstance(label, str) or not label.strip():
        raise TypeError(f"{where}: argument 'label' must be a non-empty string, but it is {label!r}.")
    return label


def check_starts(starts, where: str) -> list:
    """``starts`` as a non-empty list of :class:`Start` with distinct labels."""
    starts = [starts] if isinstance(starts, Start) else starts
    if not isinstance(starts, (list, tuple)) or not starts or not all(isinstance(s, Start) for s in starts):
        raise TypeError(f"{where}: argument 'starts' must be a non-empty list of Start (from rnn_start() or "
                        f"lstm_start()), but it is {type(starts).__name__}.")
    labels = [s.label for s in starts]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{where}: argument 'starts' repeats a label: {labels}.")
    return list(starts)


def check_rows(rows, where: str) -> list:
    """``rows`` as a non-empty list of (Start, seed >= 0, learning rate > 0)."""
    if not isinstance(rows, (list, tuple)) or not rows:
        raise TypeError(f"{where}: argument 'rows' must be a non-empty list of (start, seed, lr), "
                        f"but it is {rows!r:.60}.")
    out = []
    for j, row in enumerate(rows):
        if not isinstance(row, (list, tuple)) or len(row) != 3 or not isinstance(row[0], Start):
            raise TypeError(f"{where}: argument 'rows' must hold (start, seed, lr) with a Start first, "
                            f"but rows[{j}] is {row!r:.60}.")
        out.append((row[0], check_seeds([row[1]], f"rows[{j}] seed", where)[0],
                    check_number(row[2], f"rows[{j}] lr", where, low=0)))
    return out


@dataclass(frozen=True)
class Budget:
    """The training protocol of one run: Adam (clipping at norm 1), at most ``max_steps`` updates on
    batches of ``batch_size``, a validation batch of ``validation_size`` scored every ``eval_every``
    updates, early stop at ``target_accuracy``."""

    max_steps: int = 300
    batch_size: int = 16
    eval_every: int = 50
    target_accuracy: float = 0.99
    validation_size: int = 200

    def __post_init__(self):
        for name in ("max_steps", "batch_size", "eval_every", "validation_size"):
            check_size(getattr(self, name), name, "Budget()")
        check_number(self.target_accuracy, "target_accuracy", "Budget()", low=0, high=1)


def fixed_test_set(lag: int, eval_sets=None):
    """Fixed test sequences of ``lag``: x (lag + 2, N, 9), targets (N,).

    From ``eval_sets`` (``datasets.load_recall_eval``) when it holds the lag, else TEST_SIZE sequences of
    ``recall_batch(default_rng(TEST_SEED + lag), ...)`` (never the validation or training batches).
    """
    lag = check_size(lag, "lag", "fixed_test_set()", minimum=0)
    if eval_sets is not None and lag in eval_sets:
        return eval_inputs(eval_sets, lag)
    return recall_batch(np.random.default_rng(TEST_SEED + lag), TEST_SIZE, lag)


@dataclass
class RowResults:
    """Runs at one lag, in the order of the rows given: accuracy (R,) on the test set, steps (R,) updates
    made, reached (R,) bool early stop; histories: one ``History`` per run."""

    lag: int
    accuracy: np.ndarray
    steps: np.ndarray
    reached: np.ndarray
    histories: list = field(repr=False)


def train_rows(rows, lag: int, *, budget: Budget = Budget(), eval_sets=None, progress: bool = False,
               bar=None, workers: int = 1) -> RowResults:
    """Train runs ``rows`` = [(start, seed, lr), ...] at ``lag``; each run equals its one-seed ``lh.train``.

    Runs of one family (:attr:`Start.family`) and learning rate share one SeededModel whose row k starts
    from ``start.parameters(seed)`` and draws its batches from ``default_rng(seed)``.
    Args: progress: show a bar (one tick per run); bar: an existing tqdm bar to advance instead;
        workers: processes each joint pass may use (``train_seeds(workers=...)``: the same numbers, sooner on
        a free second core).
    """
    where, lag = "train_rows()", check_size(lag, "lag", "train_rows()", minimum=0)
    if not isinstance(budget, Budget):
        raise TypeError(f"{where}: argument 'budget' must be a Budget, but it is {type(budget).__name__}.")
    rows = check_rows(rows, where)
    if bar is None and progress:
        with tqdm(total=len(rows), desc=f"runs at lag {lag}") as own:
            return train_rows(rows, lag, budget=budget, eval_sets=eval_sets, bar=own, workers=workers)
    validation = recall_batch(np.random.default_rng(VALIDATION_SEED + lag), budget.validation_size, lag)
    x_test, y_test = fixed_test_set(lag, eval_sets)
    R = len(rows)
    acc, steps, reached, hists = np.zeros(R), np.zeros(R, dtype=int), np.zeros(R, dtype=bool), [None] * R
    groups: dict = {}
    for r, (start, seed, lr) in enumerate(rows):
        groups.setdefault((start.family, float(lr)), []).append(r)
    for (family, lr), members in groups.items():
        members.sort(key=lambda r: (rows[r][1], r))    # seed-major: the shares of workers > 1 get a mix of starts
        start0 = rows[members[0]][0]
        kwargs = {"nonlinearity": start0.nonlinearity} if start0.cell == "rnn" else {}
        model = SeededModel(start0.cell, NUM_TOKENS, start0.hidden_size, NUM_SYMBOLS, seeds=len(members), **kwargs)
        params = model.parameters()
        for k, r in enumerate(members):
            for key, value in rows[r][0].parameters(rows[r][1]).items():
                params[key][k] = value
        result = train_seeds(model, lambda rng: recall_batch(rng, budget.batch_size, lag), steps=budget.max_steps,
                             lr=lr, data_seeds=[rows[r][1] for r in members], eval_batch=validation,
                             eval_every=budget.eval_every, target_accuracy=budget.target_accuracy, progress=False,
                             workers=workers)
        scores = accuracy_per_seed(model.forward(x_test), y_test)
        for k, r in enumerate(members):
            acc[r], steps[r], reached[r], hists[r] = scores[k], result[k].steps_run, result[k].reached_target, result[k]
        if bar is not None:
            bar.update(len(members))
    return RowResults(lag, acc, steps, reached, hists)


@dataclass
class Sweep:
    """Learning-rate sweep at one lag: accuracy[label] (L, n) test accuracy per learning rate and seed,
    steps[label] (L, n); best[label] the chosen learning rate."""

    lag: int
    seeds: tuple
    learning_rates: tuple
    accuracy: dict
    steps: dict
    best: dict


def sweep_learning_rates(starts, *, seeds=DEFAULT_SEEDS, lag: int = 20, learning_rates=LEARNING_RATES,
                         budget: Budget = Budget(), eval_sets=None, progress: bool = True, workers: int = 1) -> Sweep:
    """Train every start and seed at ``lag`` with each learning rate; pick per start the one that solves
    the lag (test accuracy >= 0.95) in the most seeds; among those, the one with the highest mean test
    accuracy, then the smallest learning rate."""
    where = "sweep_learning_rates()"
    starts, seeds = check_starts(starts, where), check_seeds(seeds, "seeds", where)
    lrs = tuple(check_number(v, "learning_rates", where, low=0) for v in learning_rates)
    if not lrs:
        raise ValueError(f"{where}: argument 'learning_rates' is empty.")
    rows = [(s, seed, lr) for s in starts for lr in lrs for seed in seeds]
    with tqdm(total=len(rows), desc=f"learning rates at lag {lag}", disable=not progress) as bar:
        res = train_rows(rows, lag, budget=budget, eval_sets=eval_sets, bar=bar, workers=workers)
    shape = (len(starts), len(lrs), len(seeds))
    acc, steps = res.accuracy.reshape(shape), res.steps.reshape(shape)
    best = {}
    for m, s in enumerate(starts):
        solved = (acc[m] >= SPAN_THRESHOLD).sum(axis=1)
        best[s.label] = lrs[min(range(len(lrs)), key=lambda j: (-solved[j], -acc[m, j].mean(), lrs[j]))]
    return Sweep(lag, seeds, lrs, {s.label: acc[m] for m, s in enumerate(starts)},
                 {s.label: steps[m] for m, s in enumerate(starts)}, best)


@dataclass
class SpanSearch:
    """Result of :func:`search_spans`. Per start label (``labels``, in order):

    span[label] (n,) int: the largest lag solved with every smaller tested lag solved (0: none);
    failed[label] (n,) int: the smallest failed lag (the span lies in [span, failed)), or 0 when no tested
    lag failed (censored: the span is at least ``max(grid)``); censored[label] (n,) bool;
    tested[label]: one dict per seed {lag: test accuracy}; lr[label]: the learning rate;
    histories[(label, k, lag)]: the ``History`` of seed ``seeds[k]``'s run at ``lag`` (runs trained here only).
    """

    seeds: tuple
    labels: tuple
    grid: tuple
    span: dict
    failed: dict
    censored: dict
    tested: dict
    lr: dict
    runs: int = 0
    histories: dict = field(default_factory=dict, repr=False)


def search_spans(starts, *, seeds=DEFAULT_SEEDS, lr=1e-2, grid=GRID, rounds: int = 1, budget: Budget = Budget(),
                 eval_sets=None, known=None, progress: bool = True, workers: int = 1) -> SpanSearch:
    """Memory span of every start and seed: the grid in increasing order until a lag fails, then
    ``rounds`` bisection steps between the last solved and the first failed lag.

    Args:
        starts: list of :class:`Start`.  seeds: the seeds (n).  lr: one learning rate, or {label: lr}.
        grid: increasing coarse lags.  rounds: bisection steps (each halves the gap; stops at a gap of 1).
        budget, eval_sets, workers: as :func:`train_rows`.  known: a :class:`Sweep` whose results at its lag
            (with each start's learning rate) are reused.  Each step trains the runs of one lag together.
    """
    where = "search_spans()"
    starts, seeds = check_starts(starts, where), check_seeds(seeds, "seeds", where)
    lrs = lr if isinstance(lr, dict) else {s.label: lr for s in starts}
    missing = [s.label for s in starts if s.label not in lrs]
    if missing:
        raise ValueError(f"{where}: argument 'lr' has no learning rate for {missing}.")
    lrs = {s.label: check_number(lrs[s.label], "lr", where, low=0) for s in starts}
    grid = tuple(check_size(v, "grid", where) for v in grid)
    if not grid or any(b <= a for a, b in zip(grid, grid[1:])):
        raise ValueError(f"{where}: argument 'grid' must be increasing lags, but it is {grid}.")
    rounds = check_size(rounds, "rounds", where, minimum=0)
    runs = [(s, k) for s in starts for k in range(len(seeds))]
    tested = {(s.label, k): {} for s, k in runs}
    if known is not None:
        for s, k in runs:
            if s.label in known.accuracy and lrs[s.label] in known.learning_rates and seeds[k] in known.seeds:
                j, col = known.learning_rates.index(lrs[s.label]), known.seeds.index(seeds[k])
                tested[(s.label, k)][known.lag] = float(known.accuracy[s.label][j, col])

    def interval(run):                                  # (last solved, first failed or 0) of a run
        acc = tested[(run[0].label, run[1])]
        failed = [lag for lag in sorted(acc) if acc[lag] < SPAN_THRESHOLD][:1]
        solved = [lag for lag in sorted(acc) if not failed or lag < failed[0]]
        return (solved[-1] if solved else 0), (failed[0] if failed else 0)

    def next_lag(run, bisect):
        lo, hi = interval(run)
        acc = tested[(run[0].label, run[1])]
        if not bisect:                                  # the grid, up to the first failure
            return next((g for g in grid if g not in acc and (hi == 0 or g < hi)), None)
        return (lo + hi) // 2 if hi and hi - lo > 1 else None

    total, histories = 0, {}
    with tqdm(desc="memory spans (runs trained)", disable=not progress) as bar:
        for bisect, steps in ((False, len(grid)), (True, rounds)):
            for _ in range(steps):
                todo: dict = {}
                for run in runs:
                    lag = next_lag(run, bisect)
                    if lag is not None:
                        todo.setdefault(lag, []).append(run)
                if not todo:
                    break
                for lag in sorted(todo):
                    batch = todo[lag]
                    res = train_rows([(s, seeds[k], lrs[s.label]) for s, k in batch], lag, budget=budget,
                                     eval_sets=eval_sets, bar=bar, workers=workers)
                    for (s, k), a, h in zip(batch, res.accuracy, res.histories):
                        tested[(s.label, k)][lag] = float(a)
                        histories[(s.label, k, lag)] = h
                    total += len(batch)
    span, failed, censored, per = {}, {}, {}, {}
    for s in starts:
        bounds = [interval((s, k)) for k in range(len(seeds))]
        span[s.label] = np.array([lo for lo, _ in bounds])
        failed[s.label] = np.array([hi for _, hi in bounds])
        censored[s.label] = failed[s.label] == 0
        per[s.label] = [dict(sorted(tested[(s.label, k)].items())) for k in range(len(seeds))]
    return SpanSearch(seeds, tuple(s.label for s in starts), grid, span, failed, censored, per, lrs, total, histories)


def readout_spans(starts, *, seeds=DEFAULT_SEEDS, lags=READOUT_LAGS, eval_sets=None, fit_size: int = 400) -> dict:
    """What the UNTRAINED start keeps: per start label, (n,) the largest lag in ``lags`` up to which a linear
    read-out of the final memory (C_T or h_T) names the symbol on the test set with accuracy >= 0.95 at
    every lag (0: not even the first). The read-out is fitted on ``fit_size`` other sequences per lag."""
    where = "readout_spans()"
    starts, seeds = check_starts(starts, where), check_seeds(seeds, "seeds", where)
    lags = [check_size(v, "lags", where) for v in lags]
    fit_size = check_size(fit_size, "fit_size", where)
    sets = {lag: fixed_test_set(lag, eval_sets) for lag in lags}
    fits = {lag: recall_batch(np.random.default_rng(READOUT_FIT_SEED + lag), fit_size, lag) for lag in lags}
    out = {}
    for s in starts:
        spans = []
        for seed in seeds:
            model, span = s.model(seed), 0
            for lag in lags:
                if memory_probe_accuracy(model, fits[lag], sets[lag]) < SPAN_THRESHOLD:
                    break
                span = lag
            spans.append(span)
        out[s.label] = np.array(spans)
    return out


@dataclass
class UntrainedLSTM:
    """Untrained LSTMs of one start at one lag, per seed: mean_f, mean_i (n,) the mean f_t and i_t on the test
    set; path (n, T) ∏ f_t over the last k steps (``lh.forget_path_norms``: best unit, batch mean; index k);
    readout (n,) the linear read-out accuracy of the symbol from C_T."""

    lag: int
    mean_f: np.ndarray
    mean_i: np.ndarray
    path: np.ndarray
    readout: np.ndarray


def untrained_lstms(starts, *, seeds=DEFAULT_SEEDS, lag: int = 100, eval_sets=None, fit_size: int = 400) -> dict:
    """Gates, ∏ f_t and the read-out of C_T of the untrained LSTM starts at ``lag``: {label: UntrainedLSTM}."""
    where = "untrained_lstms()"
    starts, seeds = check_starts(starts, where), check_seeds(seeds, "seeds", where)
    if any(s.cell != "lstm" for s in starts):
        raise ValueError(f"{where}: argument 'starts' must hold LSTM starts only.")
    lag = check_size(lag, "lag", where)
    x, y = fixed_test_set(lag, eval_sets)
    fit = recall_batch(np.random.default_rng(READOUT_FIT_SEED + lag), check_size(fit_size, "fit_size", where), lag)
    out = {}
    for s in starts:
        rows = []
        for seed in seeds:
            model = s.model(seed)
            model.logits(x)
            gates = model.cell.last_gates()                                 # each (T, B, H)
            rows.append((gates["f_t"].mean(), gates["i_t"].mean(), forget_path_norms(gates["f_t"]),
                         memory_probe_accuracy(model, fit, (x, y))))
        mean_f, mean_i, path, readout = (np.array(v) for v in zip(*rows))
        out[s.label] = UntrainedLSTM(lag, mean_f, mean_i, path, readout)
    return out


def plot_spans(ax, search: SpanSearch, *, colors=None, untrained=None, slide=(5, 10)):
    """One row per start, one dot per seed at its span, a line on to the first failed lag (the span lies
    in between), a triangle ▶ for a seed that solved every grid lag (its span is at least the last one);
    ``untrained`` ({label: (n,)} from :func:`readout_spans`) as open circles; the slide's RNN range
    ``slide`` shaded. Log x-axis (a span of 0 is drawn at 1); legend entries in grey. With ``untrained``, each row
    holds the trained seeds in its upper half and the untrained ones in its lower half, so that neither hides the other.

    Returns: the list of PathCollections of the trained spans (one per start)."""
    colors = list(colors) if colors is not None else [f"C{k}" for k in range(len(search.labels))]
    if len(colors) != len(search.labels):
        raise ValueError(f"plot_spans(): argument 'colors' must give one colour per start "
                         f"({len(search.labels)}), but it gives {len(colors)}.")
    n = len(search.seeds)
    offsets = (np.arange(n) - (n - 1) / 2) * (0.6 / max(n, 1)) * (0.55 if untrained is not None else 1.0)
    band = (0.19, -0.21) if untrained is not None else (0.0, 0.0)         # (trained, untrained) shift within a row
    ax.axvspan(*slide, color="0.88", zorder=0, label=f"slide: RNN {slide[0]}–{slide[1]} steps")
    dots = []
    for row, (label, color) in enumerate(zip(search.labels, colors)):
        y = len(search.labels) - 1 - row + band[0] + offsets
        span, cens = np.maximum(search.span[label], 1), search.censored[label]
        ax.hlines(y[~cens], span[~cens], search.failed[label][~cens], color=color, linewidth=1.5, alpha=0.7)
        dots.append(ax.scatter(span[~cens], y[~cens], s=24, color=color, zorder=3))
        ax.scatter(span[cens], y[cens], marker=">", s=36, color=color, zorder=3)
        if untrained is not None and label in untrained:
            ax.scatter(np.maximum(untrained[label], 1), y - band[0] + band[1], s=30, facecolors="none",
                       edgecolors=color, linewidths=1.2, zorder=3)
    ax.scatter([], [], s=24, color="0.35", label="trained: span of one seed")
    ax.plot([], [], color="0.35", linewidth=1.5, label="… up to its first failed lag")
    ax.scatter([], [], marker=">", s=36, color="0.35", label="trained: solved every lag of the grid")
    if untrained is not None:
        ax.scatter([], [], s=30, facecolors="none", edgecolors="0.35", linewidths=1.2,
                   label="untrained: read-out span")
    ax.set_xscale("log")
    ticks = sorted({1, *search.grid})
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(v) for v in ticks])
    ax.minorticks_off()
    ax.set_yticks(range(len(search.labels)))
    ax.set_yticklabels(list(reversed(search.labels)))
    ax.set_ylim(-0.6, len(search.labels) - 0.4)
    return dots
