"""RNN versus LSTM measured (notebook 10): parameter counts, time per training step, and the
gate ablation on the continual task.

The slides' summary table (:data:`SLIDE_TABLE`) makes five claims; this module supplies the
measurements behind each one:

* parameters — :func:`rnn_parameters`, :func:`lstm_parameters` (the formula; compare with
  ``model.num_parameters()``, which counts the arrays) and :func:`equal_budget_hidden`;
* training time — :func:`matmul_flops` (multiply-adds per step, from the formula) and
  :func:`time_train_step` (median wall time of one forward + backward + Adam update);
* gate ablation in the spirit of Greff et al. 2017 — :data:`ABLATION_VARIANTS`,
  :func:`train_continual`, :func:`run_ablation`, :func:`plot_ablation` on the continual task of
  :mod:`lstm_helpers.continual`.

Memory span and accuracy come from :mod:`lstm_helpers.memory_span` and :mod:`lstm_helpers.agreement`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import continual as ct
from ..support.checks import check_choice, check_size
from ..engine.losses import accuracy
from ..engine.models import SequenceModel
from ..engine.train import History, train

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
def time_train_step(model: SequenceModel, x, targets, *, repeats: int = 20, warmup: int = 3) -> np.ndarray:
    """Wall times (s) of ``repeats`` training steps of :func:`lstm_helpers.train` on one fixed batch:
    forward, softmax cross-entropy, backward, clipping (1.0) and one Adam update (lr 1e-3).

    Args: model: a SequenceModel (its weights change).  x (T, B, D), targets (B,) or (T, B).
        repeats: timed steps.  warmup: untimed steps first (caches, allocations).
    Returns: (repeats,) seconds (``History.step_time``), not reproducible; use the median.
    Time with one BLAS thread (OPENBLAS_NUM_THREADS=1): threaded BLAS on a busy machine is erratic.
    """
    where = "time_train_step()"
    if not isinstance(model, SequenceModel):
        raise TypeError(f"{where}: argument 'model' must be a SequenceModel, but it is {type(model).__name__}.")
    repeats = check_size(repeats, "repeats", where)
    warmup = check_size(warmup, "warmup", where, minimum=0)
    hist = train(model, lambda rng: (x, targets), steps=warmup + repeats, lr=1e-3, clip=1.0, progress=False)
    return np.array(hist.step_time[warmup:])


@dataclass
class StepTimes:
    """Median seconds per training step for each (cell, hidden size) that was timed.

    Attributes: hidden (list of H), median {('rnn' | 'lstm', H): seconds}, flops {same keys: multiply-adds}.
    """

    hidden: list
    median: dict = field(default_factory=dict)
    flops: dict = field(default_factory=dict)

    def ratio(self, H_lstm: int, H_rnn: int | None = None) -> float:
        """Measured time per step of the LSTM of size H_lstm over that of the RNN of size H_rnn (default: the same)."""
        return self.median["lstm", H_lstm] / self.median["rnn", H_rnn or H_lstm]


def time_cells(make_batch, input_size: int, output_size: int, hidden_sizes, *, repeats: int = 20,
               seed: int = 0, **model_kwargs) -> StepTimes:
    """Median time per training step of an RNN and an LSTM at each size in ``hidden_sizes``.

    Args: make_batch: ``rng -> (x (T, B, D), targets)``, called once (all models see the same batch).
        input_size (D), output_size (C): model sizes.  repeats: timed steps per model.
        **model_kwargs: for :class:`SequenceModel` (e.g. readout='all').
    The RNN and the LSTM are timed alternately, size after size, so a change in machine load
    hits both.
    """
    where = "time_cells()"
    sizes = [check_size(int(h), "hidden_sizes", where) for h in hidden_sizes]
    x, y = make_batch(np.random.default_rng(seed))
    B = x.shape[1]
    out = StepTimes(hidden=sizes)
    for H in sizes:
        for cell in ("rnn", "lstm"):
            model = SequenceModel(cell, input_size, H, output_size, seed=seed, **model_kwargs)
            out.median[cell, H] = float(np.median(time_train_step(model, x, y, repeats=repeats)))
            out.flops[cell, H] = matmul_flops(cell, input_size, H, B)
    return out


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
class ContinualRun:
    """One trained variant.

    Attributes: variant, seed; steps (updates made), reached_target; accuracy on the test streams;
    by_episode (n_bins,) accuracy per bin of episode index; cell_norm (T,) mean |C_t| over the test
    streams (None if the run used external resets); history; model.
    """

    variant: str
    seed: int
    steps: int
    reached_target: bool
    accuracy: float
    by_episode: np.ndarray
    cell_norm: np.ndarray | None
    history: History = field(repr=False)
    model: SequenceModel = field(repr=False)


def train_continual(variant: str, seed: int, test: ct.ContinualStream, *, hidden_size: int = 8, length: int = 40,
                    batch_size: int = 32, steps: int = 100, lr: float = 2e-2, lag_range=ct.LAG_RANGE,
                    target_accuracy: float = 0.99, eval_every: int = 25, episode_bins=(0, 5, 20, 50, 100),
                    progress: bool = True) -> ContinualRun:
    """Train one LSTM variant of :data:`ABLATION_VARIANTS` on the continual task and test it.

    Training streams have ``length`` steps (several episodes, no resets); a fixed validation
    batch of the same length (seed 10_000) decides early stopping at ``target_accuracy``.
    Variant '1997_reset' is the LSTM without forget gate trained on single episodes
    (:func:`continual.episode_batch`) and tested with its state zeroed at every episode start
    (:func:`continual.forward_with_resets`). ``test`` should be much longer than ``length``.

    Returns a :class:`ContinualRun` (accuracy over all queries of ``test``, and per episode bin).
    """
    where = "train_continual()"
    check_choice(variant, "variant", where, tuple(ABLATION_VARIANTS))
    seed = check_size(seed, "seed", where, minimum=0)
    if not isinstance(test, ct.ContinualStream):
        raise TypeError(f"{where}: argument 'test' must be a ContinualStream, but it is {type(test).__name__}.")
    length = check_size(length, "length", where)
    batch_size = check_size(batch_size, "batch_size", where)
    label, kwargs, reset = ABLATION_VARIANTS[variant]
    model = SequenceModel("lstm", ct.NUM_TOKENS, hidden_size, ct.NUM_SYMBOLS, readout="all", seed=seed, **kwargs)
    if reset:
        validation = ct.episode_batch(np.random.default_rng(10_000), 200, lag_range=lag_range)

        def make_batch(rng):
            return ct.episode_batch(rng, batch_size, lag_range=lag_range)
    else:
        validation = ct.continual_batch(np.random.default_rng(10_000), 200, length, lag_range=lag_range)

        def make_batch(rng):
            return ct.continual_batch(rng, batch_size, length, lag_range=lag_range)
    hist = train(model, make_batch, steps=steps, lr=lr, seed=seed, eval_batch=validation, eval_every=eval_every,
                 target_accuracy=target_accuracy, progress=progress, desc=label.replace("\n", " "))
    if reset:
        logits, norm = ct.forward_with_resets(model, test), None
    else:
        logits = model.logits(test.inputs(model.dtype))
        norm = np.abs(model.cell.last_gates()["C_t"]).mean(axis=(1, 2))
    acc = accuracy(logits, test.targets)
    by_ep = ct.accuracy_by_episode(logits, test, list(episode_bins))
    return ContinualRun(variant, seed, hist.steps_run, hist.reached_target, acc, by_ep, norm, hist, model)


@dataclass
class AblationResult:
    """Runs of several variants and seeds.  runs[(variant, seed)] -> :class:`ContinualRun`."""

    variants: list
    seeds: list
    runs: dict
    episode_bins: tuple

    def accuracy(self, variant: str) -> np.ndarray:
        """(S,) test accuracy of ``variant`` per seed."""
        return np.array([self.runs[variant, s].accuracy for s in self.seeds])

    def steps(self, variant: str) -> np.ndarray:
        """(S,) updates made per seed."""
        return np.array([self.runs[variant, s].steps for s in self.seeds])

    def by_episode(self, variant: str) -> np.ndarray:
        """(S, n_bins) accuracy per episode bin per seed."""
        return np.array([self.runs[variant, s].by_episode for s in self.seeds])


def run_ablation(variants, seeds, test: ct.ContinualStream, **train_kwargs) -> AblationResult:
    """:func:`train_continual` for every variant and seed (same test streams for all)."""
    where = "run_ablation()"
    variants = [check_choice(v, "variants", where, tuple(ABLATION_VARIANTS)) for v in variants]
    seeds = [check_size(int(s), "seeds", where, minimum=0) for s in seeds]
    if not variants or not seeds:
        raise ValueError(f"{where}: arguments 'variants' and 'seeds' must not be empty.")
    bins = tuple(train_kwargs.get("episode_bins", (0, 5, 20, 50, 100)))
    runs = {(v, s): train_continual(v, s, test, **train_kwargs) for v in variants for s in seeds}
    return AblationResult(variants, seeds, runs, bins)


def plot_ablation(ax, result: AblationResult, *, colors=None, chance: float = ct.CHANCE):
    """Bar chart: mean test accuracy per variant, min–max over seeds as error bars, each seed a dot.

    Returns the BarContainer.
    """
    names = result.variants
    acc = np.array([result.accuracy(v) for v in names])          # (V, S)
    mean = acc.mean(axis=1)
    pos = np.arange(len(names))
    kw = {} if colors is None else {"color": colors}
    bars = ax.bar(pos, mean, width=0.6, alpha=0.85, label="mean over seeds", **kw)
    ax.errorbar(pos, mean, yerr=[mean - acc.min(axis=1), acc.max(axis=1) - mean], fmt="none", ecolor="black",
                capsize=4, linewidth=1.2, label="min–max over seeds")
    jitter = np.linspace(-0.12, 0.12, acc.shape[1]) if acc.shape[1] > 1 else np.zeros(1)
    for k in range(len(names)):
        ax.plot(pos[k] + jitter, acc[k], "o", color="black", markersize=3.5, label="one seed" if k == 0 else None)
    ax.axhline(chance, color="0.5", linestyle=":", linewidth=1.5, label=f"chance = {chance:.2f}")
    ax.set_xticks(pos)
    ax.set_xticklabels([ABLATION_VARIANTS[v][0] for v in names], fontsize=9)
    ax.set_ylim(0, 1.05)
    return bars


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
