"""RNN versus LSTM measured over seeds (notebook 10): every row of the slides' summary table.

The slides' table (:data:`SLIDE_TABLE`) makes five claims; this module supplies the measurements,
each over several seeds (:data:`~lstm_helpers.support.evidence.DEFAULT_SEEDS`), trained together
with :func:`~lstm_helpers.engine.seeded.train_seeds` (seed s equals its one-seed ``lh.train`` run):

* parameters — :func:`rnn_parameters`, :func:`lstm_parameters` (the formula; exact, the same for
  every seed) and :func:`equal_budget_hidden`;
* time per step — :func:`matmul_flops` (multiply-adds, from the formula) and :func:`time_cells`
  (the fastest of several training steps, RNN and LSTM interleaved step by step);
* memory span and accuracy at a lag — :func:`train_recall_seeds`, :func:`measure_span_seeds`
  (the recall task and fixed evaluation sets of :mod:`~lstm_helpers.lessons.memory_span`);
  :func:`pick_learning_rate` takes each architecture's best rate of a small sweep;
* accuracy on text — :func:`train_agreement_seeds` (notebook 09's agreement task);
* time to a target — :func:`time_to_target`: runs that never reached it are *censored* at the cap,
  not averaged in.

The gate ablation lives with its task in :mod:`~lstm_helpers.lessons.continual`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import agreement as ag
from . import memory_span as ms
from ..support.checks import check_choice, check_number, check_size
from ..support.evidence import DEFAULT_SEEDS, check_seeds, seeds_for, summarize
from ..engine.data import recall_batch
from ..engine.losses import softmax_cross_entropy
from ..engine.models import SequenceModel
from ..engine.optim import Adam, clip_grad_norm
from ..engine.seeded import SeededModel, SeedHistories, accuracy_per_seed, train_seeds

# The slides' "LSTM vs RNN" table: (row, RNN claim, LSTM claim).
SLIDE_TABLE = (
    ("Memory span", "5-10 steps", "100+ steps"),
    ("Parameters", "Fewer", "More"),
    ("Training time", "Faster", "Slower"),
    ("Accuracy", "Lower", "Higher"),
    ("Best for", "Short text", "Long text"),
)


# ----------------------------------------------------------------------------- parameters
def rnn_parameters(input_size: int, hidden_size: int, output_size: int = 0) -> int:
    """Parameters of a tanh RNN layer (torch layout: W_ih (H, D), W_hh (H, H), b_ih, b_hh (H,))
    = H·(D + H + 2), plus a Linear read-out H → C, C·(H + 1), if ``output_size`` C > 0."""
    where = "rnn_parameters()"
    D = check_size(input_size, "input_size", where)
    H = check_size(hidden_size, "hidden_size", where)
    C = check_size(output_size, "output_size", where, minimum=0)
    return H * (D + H + 2) + (C * (H + 1) if C else 0)


def lstm_parameters(input_size: int, hidden_size: int, output_size: int = 0, *, blocks: int = 4) -> int:
    """Parameters of an LSTM layer: ``blocks`` (4: f_t, i_t, C̃_t, o_t) copies of the RNN's
    H·(D + H + 2), plus the read-out C·(H + 1) if ``output_size`` C > 0. A variant with a gate
    removed has ``blocks`` = 3."""
    where = "lstm_parameters()"
    D = check_size(input_size, "input_size", where)
    H = check_size(hidden_size, "hidden_size", where)
    C = check_size(output_size, "output_size", where, minimum=0)
    k = check_size(blocks, "blocks", where)
    return k * H * (D + H + 2) + (C * (H + 1) if C else 0)


def equal_budget_hidden(input_size: int, lstm_hidden: int, output_size: int = 0) -> int:
    """The RNN hidden size whose parameter count (with read-out) is closest to that of an LSTM
    of size ``lstm_hidden`` (ties go to the smaller size)."""
    where = "equal_budget_hidden()"
    D = check_size(input_size, "input_size", where)
    H = check_size(lstm_hidden, "lstm_hidden", where)
    C = check_size(output_size, "output_size", where, minimum=0)
    target = lstm_parameters(D, H, C)
    sizes = np.arange(1, 4 * H + 2)
    counts = np.array([rnn_parameters(D, int(h), C) for h in sizes])
    return int(sizes[np.argmin(np.abs(counts - target))])


def matmul_flops(cell: str, input_size: int, hidden_size: int, batch_size: int = 1) -> int:
    """Multiply-adds of the matrix product of ONE forward time step: B·G·H·(H + D + 1) with
    G = 1 block for 'rnn' and G = 4 for 'lstm' ([h_{t-1}, x_t, 1] times the stacked weights).
    The elementwise gate arithmetic (O(B·H)) is not counted."""
    where = "matmul_flops()"
    check_choice(cell, "cell", where, ("rnn", "lstm"))
    D = check_size(input_size, "input_size", where)
    H = check_size(hidden_size, "hidden_size", where)
    B = check_size(batch_size, "batch_size", where)
    return (4 if cell == "lstm" else 1) * B * H * (H + D + 1)


# ----------------------------------------------------------------------------- time per step
def step_timer(model: SequenceModel, x, targets, *, lr: float = 1e-3, clip: float = 1.0):
    """A function ``step() -> seconds`` making ONE training update of ``model`` on the fixed batch
    (x (T, B, D), targets (B,) or (T, B)): forward, softmax cross-entropy, backward, clipping and an
    Adam step — the update of :func:`lstm_helpers.train` — and returning its wall time."""
    where = "step_timer()"
    if not isinstance(model, SequenceModel):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    clip = check_number(clip, "clip", where, low=0)
    opt = Adam(model.parameters(), lr=check_number(lr, "lr", where, low=0))

    def step() -> float:
        start = time.perf_counter()
        logits = model.forward(x)
        _, d_logits = softmax_cross_entropy(logits, targets)
        model.backward(d_logits)
        clip_grad_norm(model.grads, clip)
        opt.step(model.grads)
        return time.perf_counter() - start

    return step


@dataclass
class StepTimes:
    """The fastest training step of an LSTM and an RNN, per seed, for each pair of hidden sizes.

    Attributes: pairs [(H_lstm, H_rnn)] (P,); seeds (S,); lstm, rnn (P, S) seconds; batch_size (B);
    input_size (D). The fastest of n repeats estimates the cost of the step itself: other programs
    on the machine only ever add time. Wall times are not reproducible; ratios are steadier.
    """

    pairs: list
    seeds: tuple
    lstm: np.ndarray
    rnn: np.ndarray
    batch_size: int
    input_size: int

    def _index(self, H_lstm: int, H_rnn: int | None) -> int:
        key = (H_lstm, H_lstm if H_rnn is None else H_rnn)
        if key not in self.pairs:
            raise ValueError(f"StepTimes: the pair (H_lstm, H_rnn) = {key} was not timed; timed: {self.pairs}.")
        return self.pairs.index(key)

    def ratio(self, H_lstm: int, H_rnn: int | None = None) -> np.ndarray:
        """(S,) LSTM time per step over RNN time per step, seed by seed (H_rnn default: H_lstm)."""
        k = self._index(H_lstm, H_rnn)
        return self.lstm[k] / self.rnn[k]

    def work_ratio(self, H_lstm: int, H_rnn: int | None = None) -> float:
        """Matrix-product work per step, LSTM over RNN (:func:`matmul_flops`)."""
        H_l, H_r = self.pairs[self._index(H_lstm, H_rnn)]
        return (matmul_flops("lstm", self.input_size, H_l, self.batch_size)
                / matmul_flops("rnn", self.input_size, H_r, self.batch_size))


def time_cells(make_batch, input_size: int, output_size: int, pairs, *, seeds=DEFAULT_SEEDS, repeats: int = 20,
               warmup: int = 3, **model_kwargs) -> StepTimes:
    """Fastest time per training step of an LSTM and an RNN, per seed, for each pair of sizes.

    Args: make_batch: ``rng -> (x (T, B, D), targets)``; seed s times both models on ``make_batch(default_rng(s))``
        with ``SequenceModel(cell, D, H, C, seed=s)``.  pairs: hidden sizes H (same for both) or (H_lstm, H_rnn).
        repeats: timed steps per model; warmup: untimed steps first.  **model_kwargs: for SequenceModel.
    The two models step in turn (RNN, LSTM, RNN, …), so a change in machine load hits both alike.
    Time with one BLAS thread (OPENBLAS_NUM_THREADS=1).
    """
    where = "time_cells()"
    seeds = check_seeds(seeds, "seeds", where)
    repeats = check_size(repeats, "repeats", where)
    warmup = check_size(warmup, "warmup", where, minimum=0)
    if not callable(make_batch):
        raise TypeError(f"{where}: argument 'make_batch' must be a function rng -> (x, targets).")
    sizes = []
    for p in pairs:
        pair = (p, p) if not isinstance(p, (tuple, list)) else tuple(p)
        if len(pair) != 2:
            raise ValueError(f"{where}: argument 'pairs' must hold sizes H or pairs (H_lstm, H_rnn), but has {p!r}.")
        sizes.append(tuple(check_size(h, "pairs", where) for h in pair))
    if not sizes:
        raise ValueError(f"{where}: argument 'pairs' is empty; give at least one hidden size.")
    lstm, rnn = np.empty((len(sizes), len(seeds))), np.empty((len(sizes), len(seeds)))
    B = None
    for j, s in enumerate(seeds):
        x, y = make_batch(np.random.default_rng(s))
        B = np.asarray(x).shape[1]
        for k, (H_l, H_r) in enumerate(sizes):
            steps = [step_timer(SequenceModel(c, input_size, h, output_size, seed=s, **model_kwargs), x, y)
                     for c, h in (("rnn", H_r), ("lstm", H_l))]
            times = np.array([[f() for f in steps] for _ in range(warmup + repeats)])[warmup:]
            rnn[k, j], lstm[k, j] = times.min(axis=0)
    return StepTimes(sizes, seeds, lstm, rnn, B, input_size)


# ----------------------------------------------------------------------------- time to a target
@dataclass(frozen=True)
class TimeToTarget:
    """Updates to reach a target, per seed; a run that never reached it is censored at the cap.

    Attributes: seeds (S,); steps (S,) updates made; reached (S,) bool; cap; n; k (seeds that reached);
    median, low, high: of the reached runs' updates only (NaN if none reached). Averaging in the runs
    stopped by the cap would report the cap, not a time to the target.
    """

    seeds: tuple
    steps: np.ndarray
    reached: np.ndarray
    cap: int
    n: int = field(init=False)
    k: int = field(init=False)
    median: float = field(init=False)
    low: float = field(init=False)
    high: float = field(init=False)

    def __post_init__(self):
        done = np.asarray(self.steps)[np.asarray(self.reached)]
        stats = (np.median(done), done.min(), done.max()) if done.size else (np.nan,) * 3
        for key, value in zip(("n", "k", "median", "low", "high"), (len(self.seeds), int(done.size)) + stats):
            object.__setattr__(self, key, float(value) if key in ("median", "low", "high") else value)

    def format(self) -> str:
        """'reached in k of n seeds, median m [low, high] updates; cap c' (whole updates)."""
        head = f"reached in {self.k} of {self.n} seed{'s' * (self.n != 1)}"
        if not self.k:
            return f"{head}; cap {self.cap}"
        return f"{head}, median {self.median:.0f} [{self.low:.0f}, {self.high:.0f}] updates; cap {self.cap}"


def time_to_target(steps, reached, cap: int, seeds=None) -> TimeToTarget:
    """:class:`TimeToTarget` of ``steps`` (S,) updates made and ``reached`` (S,) bool, with the budget ``cap``."""
    where = "time_to_target()"
    if np.size(steps) == 0:
        raise ValueError(f"{where}: argument 'steps' is empty; it needs one number of updates per seed.")
    seeds = seeds_for(steps, seeds, where)
    cap = check_size(cap, "cap", where)
    steps, reached = np.asarray(steps), np.asarray(reached)
    if steps.shape != (len(seeds),) or reached.shape != (len(seeds),) or reached.dtype != np.bool_:
        raise ValueError(f"{where}: arguments 'steps' and 'reached' must have shape (n_seeds,) = ({len(seeds)},), "
                         f"'reached' booleans; but they have shapes {steps.shape} and {reached.shape}.")
    if np.any(steps > cap) or np.any(steps < 1):
        raise ValueError(f"{where}: argument 'steps' must lie in 1 … cap = {cap}, but it holds {steps.tolist()}.")
    return TimeToTarget(seeds, steps.astype(int), reached.copy(), cap)


# ----------------------------------------------------------------------------- recall task over seeds
@dataclass
class RecallSeeds:
    """One model type trained at one lag of the recall task, every seed (seed s = ``memory_span.train_recall(seed=s)``).

    Attributes: cell; lag; lr; seeds (S,); accuracy (S,) on the fixed evaluation set of the lag;
    validation (S,) last validation accuracy; steps (S,) updates made; reached (S,) bool, stopped at the
    target; max_steps (the cap); histories (:class:`SeedHistories`); models: the trained one-seed
    ``SequenceModel`` of every seed (the seeded model's scratch memory is not kept).
    """

    cell: str
    lag: int
    lr: float
    seeds: tuple
    accuracy: np.ndarray
    validation: np.ndarray
    steps: np.ndarray
    reached: np.ndarray
    max_steps: int
    histories: SeedHistories = field(repr=False)
    models: list = field(repr=False)

    def solved(self, threshold: float = ms.SPAN_THRESHOLD) -> np.ndarray:
        """(S,) bool: evaluation accuracy >= ``threshold``."""
        return self.accuracy >= threshold

    def time_to_target(self) -> TimeToTarget:
        """Updates to the target accuracy (on the validation batch), censored at ``max_steps``."""
        return time_to_target(self.steps, self.reached, self.max_steps, self.seeds)


def train_recall_seeds(cell: str, lag: int, eval_sets, *, seeds=DEFAULT_SEEDS, hidden_size: int = 8,
                       max_steps: int = 300, batch_size: int = 16, lr: float = 1e-2, target_accuracy: float = 0.99,
                       eval_every: int = 25, validation_size: int = 200, progress: bool = True, desc=None,
                       **cell_kwargs) -> RecallSeeds:
    """:func:`~lstm_helpers.lessons.memory_span.train_recall` for every seed at once (one :class:`SeededModel`).

    Same arguments (``seeds`` in place of ``seed``); float64. Seed s's run equals ``train_recall(..., seed=s)``:
    its model ``SequenceModel(cell, 9, H, 4, seed=s)``, its batches from ``default_rng(s)``, the shared
    validation batch of the lag, early stopping at ``target_accuracy``, at most ``max_steps`` updates.
    """
    where = "train_recall_seeds()"
    check_choice(cell, "cell", where, ("lstm", "rnn"))
    lag = check_size(lag, "lag", where, minimum=0)
    batch_size = check_size(batch_size, "batch_size", where)
    max_steps = check_size(max_steps, "max_steps", where)
    x_eval, y_eval = ms.eval_inputs(eval_sets, lag)
    model = SeededModel(cell, ms.NUM_TOKENS, hidden_size, ms.NUM_SYMBOLS, seeds=seeds, **cell_kwargs)
    validation = recall_batch(np.random.default_rng(ms.VALIDATION_SEED + lag),
                              check_size(validation_size, "validation_size", where), lag)
    hist = train_seeds(model, lambda rng: recall_batch(rng, batch_size, lag), steps=max_steps, lr=lr,
                       eval_batch=validation, eval_every=eval_every, target_accuracy=target_accuracy,
                       progress=progress, desc=desc or f"{cell.upper()} lag {lag}")
    return RecallSeeds(cell, lag, float(lr), model.seeds, accuracy_per_seed(model.forward(x_eval), y_eval),
                       hist.final_eval_accuracy(), hist.steps_run(), hist.reached_target(), max_steps, hist,
                       [model.model(k) for k in range(model.n_seeds)])


@dataclass
class SpanSeeds:
    """One model type at several lags (increasing), every seed: ``runs`` is a list of :class:`RecallSeeds`.

    Properties (S seeds, L lags): lags (L,); seeds; accuracy, steps (S, L); solved (S, L) bool; solved_count (L,).
    """

    cell: str
    label: str
    runs: list
    threshold: float = ms.SPAN_THRESHOLD

    lags = property(lambda self: np.array([r.lag for r in self.runs]))
    seeds = property(lambda self: self.runs[0].seeds)
    accuracy = property(lambda self: np.stack([r.accuracy for r in self.runs], axis=1))
    steps = property(lambda self: np.stack([r.steps for r in self.runs], axis=1))
    solved = property(lambda self: self.accuracy >= self.threshold)
    solved_count = property(lambda self: self.solved.sum(axis=0))

    def run(self, lag: int) -> RecallSeeds:
        """The runs at ``lag``."""
        for r in self.runs:
            if r.lag == lag:
                return r
        raise ValueError(f"SpanSeeds.run(): no run at lag {lag}; the lags are {self.lags.tolist()}.")

    def spans(self) -> np.ndarray:
        """(S,) memory span of each seed (:func:`memory_span.memory_span`: its largest solved lag; 0 if none)."""
        return np.array([ms.memory_span(self.lags, a, self.threshold) or 0 for a in self.accuracy])

    def majority_span(self) -> int:
        """The largest lag solved in MORE than half of the seeds (0 if none): the span of the typical seed."""
        ok = self.lags[2 * self.solved_count > len(self.seeds)]
        return int(ok.max()) if ok.size else 0


def measure_span_seeds(cell: str, lags, eval_sets, *, label=None, threshold: float = ms.SPAN_THRESHOLD,
                       reuse=(), **train_kwargs) -> SpanSeeds:
    """:func:`train_recall_seeds` at every lag (increasing); ``reuse``: runs already made (e.g. by a learning-rate
    sweep) taken in place of training again, when cell, lag, seeds and lr match; **train_kwargs as there."""
    where = "measure_span_seeds()"
    check_choice(cell, "cell", where, ("lstm", "rnn"))
    lags = [check_size(int(v) if isinstance(v, np.integer) else v, "lags", where, minimum=0) for v in lags]
    if not lags or any(b <= a for a, b in zip(lags, lags[1:])):
        raise ValueError(f"{where}: argument 'lags' must be a non-empty increasing list of lags, but it is {lags}.")
    threshold = check_number(threshold, "threshold", where, low=0, high=1)
    seeds = check_seeds(train_kwargs.get("seeds", DEFAULT_SEEDS), "seeds", where)
    lr = float(train_kwargs.get("lr", 1e-2))
    done = {}
    for r in reuse:
        if not isinstance(r, RecallSeeds):
            raise TypeError(f"{where}: argument 'reuse' must hold RecallSeeds, but it holds {type(r).__name__}.")
        if (r.cell, r.seeds, r.lr) != (cell, seeds, lr):
            raise ValueError(f"{where}: argument 'reuse' holds a run of {r.cell!r}, seeds {r.seeds}, lr {r.lr:g}, "
                             f"but this measurement is {cell!r}, seeds {seeds}, lr {lr:g}.")
        done[r.lag] = r
    runs = [done[lag] if lag in done else train_recall_seeds(cell, lag, eval_sets, **train_kwargs) for lag in lags]
    return SpanSeeds(cell, label or cell.upper(), runs, threshold)


def pick_learning_rate(runs: dict) -> float:
    """The learning rate of ``runs`` ({lr: RecallSeeds or AgreementSeeds}) whose seeds reached the target (on
    validation) most often; ties: the higher median last validation accuracy, then the smaller rate.
    Chosen on validation data only, never on the evaluation set."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError("pick_learning_rate(): argument 'runs' must be a non-empty dict {lr: runs of that lr}.")
    return min(runs, key=lambda lr: (-int(np.sum(runs[lr].reached)), -float(np.median(runs[lr].validation)), lr))


def plot_span_seeds(ax, results, *, colors=None, threshold: float = ms.SPAN_THRESHOLD, chance: float = ms.CHANCE):
    """Accuracy against lag (log x-axis): every seed a dot, the median over seeds a line, per result.

    Results side by side (shifted along the log axis, each seed's dot a little apart) with their own marker and
    line style, the first drawn on top: where two results coincide (e.g. both at accuracy 1), both stay visible.

    Args: ax: a matplotlib Axes.  results: list of :class:`SpanSeeds`.  colors: one per result.
    Returns: the median lines (Line2D), one per result.
    """
    lines = []
    for k, res in enumerate(results):
        kw = {} if colors is None else {"color": colors[k]}
        acc = res.accuracy                                              # (S, L)
        shift = 10 ** (0.06 * (k - (len(results) - 1) / 2))           # side by side on the log axis
        spread = 10 ** (0.012 * (np.arange(acc.shape[0]) - (acc.shape[0] - 1) / 2))[:, None]   # (S, 1) per seed
        style = SPAN_STYLES[k % len(SPAN_STYLES)]
        (ln,) = ax.plot(res.lags * shift, np.median(acc, axis=0), marker=style[0], linestyle=style[1], markersize=7,
                        zorder=4 + len(results) - k, label=f"{res.label}: median", **kw)
        ax.plot((res.lags * shift * spread).ravel(), acc.ravel(), style[0], markersize=4, alpha=0.5,
                color=ln.get_color(), zorder=3 + len(results) - k, label=f"{res.label}: one seed")
        lines.append(ln)
    ms.style_lag_axes(ax, results, threshold=threshold, chance=chance)
    return lines


SPAN_STYLES = (("s", "--"), ("o", "-"), ("^", ":"), ("D", "-."))   # (marker, line style) of result k


# ----------------------------------------------------------------------------- agreement over seeds
@dataclass
class AgreementSeeds:
    """One model type trained on notebook 09's agreement data, every seed (seed s = ``agreement.train_model``).

    Attributes: cell; lr; seeds (S,); steps (S,); reached (S,) bool; max_steps; validation (S,) last validation
    accuracy; histories; models: the trained one-seed ``SequenceModel`` of every seed; after :meth:`evaluate`:
    error {split: (S,)} error rate per seed and short_error {split: (S,)} on the sentences whose subject-verb
    distance lies in the bin ``short``.
    """

    cell: str
    lr: float
    seeds: tuple
    steps: np.ndarray
    reached: np.ndarray
    max_steps: int
    validation: np.ndarray
    histories: SeedHistories = field(repr=False)
    models: list = field(repr=False)
    error: dict = field(default_factory=dict)
    short_error: dict = field(default_factory=dict)

    def time_to_target(self) -> TimeToTarget:
        """Updates to the target validation accuracy, censored at ``max_steps``."""
        return time_to_target(self.steps, self.reached, self.max_steps, self.seeds)

    def evaluate(self, data, splits=("test", "test_long"), short=(1, 5)) -> "AgreementSeeds":
        """Score every seed with ``agreement.evaluate`` on ``data[split]``; fills ``error`` and ``short_error``.

        ``short``: a (lo, hi) bin of ``agreement.DISTANCE_BINS`` (NaN for a seed if no sentence falls in it).
        """
        where = "AgreementSeeds.evaluate()"
        if tuple(short) not in ag.DISTANCE_BINS:
            raise ValueError(f"{where}: argument 'short' must be one of agreement.DISTANCE_BINS {ag.DISTANCE_BINS}, "
                             f"but it is {short!r}.")
        for split in splits:
            if split not in data or len(data[split]) == 0:
                raise ValueError(f"{where}: argument 'data' has no sentences in split {split!r}.")
            self.error[split], self.short_error[split] = np.empty(len(self.seeds)), np.empty(len(self.seeds))
        for k, one in enumerate(self.models):
            for split in splits:
                result = ag.evaluate(one, data[split])
                self.error[split][k] = result["overall"]
                self.short_error[split][k] = result["distance"].get(tuple(short), (0, np.nan))[1]
        return self


def train_agreement_seeds(cell: str, data, *, seeds=DEFAULT_SEEDS, hidden_size: int = 16, steps: int = 400,
                          lr: float = 1e-2, batch_size: int = 64, target_accuracy: float = 0.99,
                          eval_every: int = 25, dtype=np.float64, splits=("test", "test_long"), short=(1, 5),
                          progress: bool = True, desc=None) -> AgreementSeeds:
    """``agreement.train_model(agreement.make_model(cell, H, seed=s, dtype=dtype), data, seed=s, ...)`` for every
    seed at once (each seed draws its own batches, lengths included), then :meth:`AgreementSeeds.evaluate` on
    ``splits`` (none if empty).

    Args: cell ('rnn' or 'lstm'); data: ``agreement.load_dataset(...)``; seeds; hidden_size (H); steps (the cap);
        lr; batch_size; target_accuracy (on data['valid']); eval_every; dtype (float64 keeps the stopping step
        the same under every BLAS kernel we tried); splits; short: as in :meth:`AgreementSeeds.evaluate`.
    """
    where = "train_agreement_seeds()"
    check_choice(cell, "cell", where, ("lstm", "rnn"))
    steps = check_size(steps, "steps", where)
    for split in ("train", "valid"):
        if split not in data or len(data[split]) == 0:
            raise ValueError(f"{where}: argument 'data' needs a non-empty '{split}' list (see agreement.load_dataset()).")
    model = SeededModel(cell, len(ag.VOCAB), hidden_size, 2, seeds=seeds, dtype=dtype)
    hist = train_seeds(model, ag.batch_sampler(data["train"], batch_size, model.dtype), steps=steps, lr=lr,
                       eval_batch=ag.encode_sentences(data["valid"], model.dtype), eval_every=eval_every,
                       target_accuracy=target_accuracy, progress=progress, desc=desc or f"{cell.upper()} lr {lr:g}")
    run = AgreementSeeds(cell, float(lr), model.seeds, hist.steps_run(), hist.reached_target(), steps,
                         hist.final_eval_accuracy(), hist, [model.model(k) for k in range(model.n_seeds)])
    return run.evaluate(data, splits, short) if splits else run


# ----------------------------------------------------------------------------- text
def spread(values, spec: str = ".3f") -> str:
    """'median [low, high]' of per-seed ``values`` (:func:`~lstm_helpers.support.evidence.summarize`), formatted."""
    s = summarize(values)
    return f"{s.median:{spec}} [{s.low:{spec}}, {s.high:{spec}}]"


def format_table(header, rows) -> str:
    """Rows of strings as aligned text columns (header first, a rule under it); nothing is printed."""
    cols = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    n = len(cols[0])
    if any(len(r) != n for r in cols):
        raise ValueError(f"format_table(): every row must have {n} entries like the header.")
    widths = [max(len(r[k]) for r in cols) for k in range(n)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cols]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
