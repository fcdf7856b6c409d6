"""Train every seed of a :class:`SeededModel` together: ``lh.train`` for S seeds in one loop.

Seed s's run is the one-seed run ``lh.train(lh.SequenceModel(..., seed=s), make_batch, seed=s, ...)``
bit for bit: its batches come from its own generator ``default_rng(s)`` (``make_batch(rng)`` once per
step), its gradients are clipped by its own norm, its Adam/SGD state is its own, it is evaluated
every ``eval_every`` steps and after the last, and it stops (its parameters no longer change) once
its evaluation accuracy reaches ``target_accuracy``. The seeds still training share every
forward/backward pass, also when their batches differ in length (e.g. sentences of notebook 09, read
out at the last step: each seed runs its own T_s steps in the pass); seeds whose batches differ in
another way (B, D, or T with readout 'all') run in one pass per shape. With ``workers=2`` the seeds
are split over two processes (:mod:`.parallel`), each running this loop on its share: the same
results, about half the wall time on two idle cores.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from ...support.checks import check_number
from ...support.evidence import check_seeds
from ..train import History, check_training_args
from .losses import accuracy_per_seed, seed_accuracies
from .model import SeededModel
from .optim import SeedAdam, SeedSGD, clip_seed_grads, seed_global_norms
from .parallel import check_workers, fork_available, run_shares


@dataclass
class SeedHistories:
    """What happened during :func:`train_seeds`.

    Attributes: seeds (S,) the model seeds; histories: one :class:`~lstm_helpers.train.History` per seed
    (histories[k] belongs to seeds[k]; equal to the one-seed run's, except for timings); step_time: wall
    time (s) of every joint update (forward, loss, backward, clipping, optimizer step of all seeds still
    training), which is also each seed's ``step_time`` entry when ``History`` has that field; with several
    worker processes, the updates of the first process's seeds (each seed's own entries are its process's);
    workers: the number of processes the seeds were trained in.
    """

    seeds: tuple
    histories: list
    step_time: list = field(default_factory=list)
    workers: int = 1

    def __getitem__(self, k: int) -> History:
        return self.histories[k]

    def __len__(self) -> int:
        return len(self.histories)

    def __iter__(self):
        return iter(self.histories)

    def steps_run(self) -> np.ndarray:
        """(S,) updates made per seed."""
        return np.array([h.steps_run for h in self.histories])

    def reached_target(self) -> np.ndarray:
        """(S,) bool: seed stopped early at the target accuracy."""
        return np.array([h.reached_target for h in self.histories])

    def final_eval_accuracy(self) -> np.ndarray:
        """(S,) last evaluation accuracy per seed (NaN for a seed never evaluated)."""
        return np.array([h.eval_accuracy[-1] if h.eval_accuracy else np.nan for h in self.histories])

    def final_loss(self) -> np.ndarray:
        """(S,) training loss of each seed's last step."""
        return np.array([h.loss[-1] for h in self.histories])


def _check_batch(batch, where: str):
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"{where}: argument 'make_batch' must return a pair (x, targets), "
                        f"but it returned {type(batch).__name__}.")
    x, y = np.asarray(batch[0]), np.asarray(batch[1])
    return x, y


def train_seeds(model: SeededModel, make_batch: Callable, *, steps: int, lr: float = 1e-2,
                optimizer: str = "adam", clip: float | None = 1.0, data_seeds=None, eval_batch=None,
                eval_every: int = 50, target_accuracy: float | None = None, progress: bool = True,
                desc: str = "training seeds", workers: int = 1) -> SeedHistories:
    """Train every seed of ``model`` with softmax cross-entropy; the arguments are those of ``lh.train``.

    Args:
        model: a :class:`SeededModel` (its S seeds train together).
        make_batch: ``make_batch(rng) -> (x (T, B, D), targets)``; called once per step and seed with
            that seed's generator.
        steps, lr, optimizer ('adam' or 'sgd' with momentum 0.9), clip (per-seed global norm; None for none),
        eval_batch ((x, targets) shared by all seeds), eval_every, target_accuracy, progress, desc: as ``lh.train``.
        data_seeds: the seed of each model seed's batch generator (S,); default ``model.seeds``, i.e.
            ``lh.train(..., seed=s)`` for the model of seed s. Repeats are allowed (e.g. the same batches
            for every initialisation).
        workers: processes to split the seeds over (default 1: this process; at most S are used). With 2,
            a forked process trains about half of the seeds at the same time, on the second core: the
            results are bit for bit those of ``workers=1``, the wall time about that of half the seeds in
            one process when a second core is free (on a busy machine, such as two test workers on two
            cores, it saves nothing). ``make_batch`` then also runs in that process (its output there,
            e.g. prints, is dropped). Needs ``os.fork`` (Linux); elsewhere every seed trains here.

    Returns:
        A :class:`SeedHistories` (one ``History`` per seed).
    """
    where = "train_seeds()"
    if not isinstance(model, SeededModel):
        raise TypeError(f"{where}: argument 'model' must be a SeededModel, but it is {type(model).__name__}.")
    steps, eval_every, lr, clip = check_training_args(make_batch, steps, eval_every, lr, optimizer, clip, where)
    S = model.n_seeds
    data_seeds = model.seeds if data_seeds is None else check_seeds(data_seeds, "data_seeds", where,
                                                                         distinct=False)
    if len(data_seeds) != S:
        raise ValueError(f"{where}: argument 'data_seeds' must give one seed per model seed ({S}), "
                         f"but it has {len(data_seeds)}.")
    if eval_batch is not None and (not isinstance(eval_batch, (tuple, list)) or len(eval_batch) != 2):
        raise TypeError(f"{where}: argument 'eval_batch' must be a pair (x, targets) or None, "
                        f"but it is {type(eval_batch).__name__}.")
    if target_accuracy is not None:
        target_accuracy = check_number(target_accuracy, "target_accuracy", where, low=0, high=1)
        if eval_batch is None:
            raise ValueError(f"{where}: argument 'target_accuracy' needs an 'eval_batch' to measure the accuracy on.")
    workers = check_workers(workers, where)
    workers = min(workers, S) if fork_available() else 1      # no fork (Windows, macOS): every seed here
    settings = SimpleNamespace(steps=steps, lr=lr, optimizer=optimizer, clip=clip, eval_batch=eval_batch,
                               eval_every=eval_every, target_accuracy=target_accuracy, where=where)
    bar = tqdm(total=steps, desc=desc, disable=not progress, leave=True)
    try:
        if workers == 1:
            def report(message, urgent=False):
                step, done, postfix, _ = message
                if postfix is not None:
                    bar.set_postfix(loss=f"{np.median(postfix[0]):.3f}", eval_acc=f"{np.median(postfix[1]):.2f}",
                                    done=f"{done}/{S}", refresh=False)
                bar.update(step - bar.n)
            return train_share(model, make_batch, data_seeds, settings, report)
        return _train_in_processes(model, make_batch, data_seeds, settings, workers, bar)
    finally:
        bar.close()


def _train_in_processes(model, make_batch, data_seeds, settings, workers: int, bar) -> SeedHistories:
    """:func:`train_seeds` with the seeds split into ``workers`` shares, one process each (``run_shares``)."""
    S = model.n_seeds
    shares = np.array_split(np.arange(S), workers)
    subsets = [model.subset(rows) for rows in shares]
    progress = [(0, 0, None, False)] * workers                 # (step, seeds done, postfix, finished) per share
    latest: dict = {}

    def on_report(k, message):
        progress[k] = message
        if message[2] is not None:
            latest[k] = message[2]
            losses = np.concatenate([p[0] for p in latest.values()])
            scores = np.concatenate([p[1] for p in latest.values()])
            bar.set_postfix(loss=f"{np.median(losses):.3f}", eval_acc=f"{np.median(scores):.2f}",
                            done=f"{sum(p[1] for p in progress)}/{S}", refresh=False)
        running = [p[0] for p in progress if not p[3]]
        n = min(running) if running else max(p[0] for p in progress)   # the slowest share still training
        if n > bar.n:
            bar.update(n - bar.n)

    def job(k):
        def run(report):
            seeds = [data_seeds[i] for i in shares[k]]
            result = train_share(subsets[k], make_batch, seeds, settings, report)
            return result, subsets[k].flat_parameters()["all"]
        return run

    outcomes = run_shares([job(k) for k in range(workers)], on_report)
    result = SeedHistories(model.seeds, [None] * S, outcomes[0][0].step_time, workers)
    flat = model.flat_parameters()["all"]
    for rows, (share, params) in zip(shares, outcomes):
        for j, k in enumerate(rows):
            result.histories[k] = share.histories[j]
        flat[rows] = params
    return result


def train_share(model: SeededModel, make_batch: Callable, data_seeds, settings, report: Callable) -> SeedHistories:
    """The training loop of :func:`train_seeds` for all seeds of ``model`` (checked arguments in ``settings``).

    ``report((step, seeds done, postfix, finished), urgent)`` is called after every step (postfix: the
    losses and evaluation scores of the seeds still training, at evaluation steps, else None) and once
    at the end with finished True.
    """
    where, S = settings.where, model.n_seeds
    params = model.flat_parameters()                        # one (S, P) array: a few operations per update
    if settings.optimizer == "adam":
        opt = SeedAdam(params, lr=settings.lr)
    else:
        opt = SeedSGD(params, lr=settings.lr, momentum=0.9)
    rngs = [np.random.default_rng(s) for s in data_seeds]
    result = SeedHistories(model.seeds, [History() for _ in range(S)])
    hists = result.histories
    active = np.arange(S)
    ragged = model.readout == "last"                         # seeds of different lengths T share a pass
    clip, eval_batch, target_accuracy = settings.clip, settings.eval_batch, settings.target_accuracy
    step = 0
    for step in range(1, settings.steps + 1):
        batches = [_check_batch(make_batch(rngs[k]), where) for k in active]
        start = time.perf_counter()
        groups: dict = {}
        for j, (x, y) in enumerate(batches):                # one pass per batch shape (any length T for 'last')
            groups.setdefault((x.shape[1:] if ragged else x.shape, x.dtype.str, y.shape), []).append(j)
        losses, accs = np.empty(len(active)), np.empty(len(active))
        for members in groups.values():
            rows = active[members]
            y = np.stack([batches[j][1] for j in members])
            losses[members] = model.forward_backward([batches[j][0] for j in members], y,
                                                     which=None if len(rows) == S else rows)
            accs[members] = seed_accuracies(model.last_logits, y)        # both checked by the pass's loss
        which = None if len(active) == S else active
        grads = model.grads                                  # the per-parameter views, for the norms
        if clip is not None:
            norms = clip_seed_grads(grads, clip, which, scale=model.flat_grads)
        else:
            norms = seed_global_norms(grads, which)
        opt.step(model.flat_grads, which)
        elapsed = time.perf_counter() - start
        result.step_time.append(elapsed)
        for j, k in enumerate(active):
            h = hists[k]
            if isinstance(getattr(h, "step_time", None), list):
                h.step_time.append(elapsed)
            h.loss.append(float(losses[j]))
            h.accuracy.append(float(accs[j]))
            h.grad_norm.append(float(norms[j]))
            h.steps_run = step
        postfix = None
        if eval_batch is not None and (step % settings.eval_every == 0 or step == settings.steps):
            scores = accuracy_per_seed(model.forward(eval_batch[0], which=which), eval_batch[1])
            done = []
            for j, k in enumerate(active):
                hists[k].eval_step.append(step)
                hists[k].eval_accuracy.append(float(scores[j]))
                if target_accuracy is not None and scores[j] >= target_accuracy:
                    hists[k].reached_target = True
                    done.append(j)
            postfix = (losses, scores)
            active = np.delete(active, done)
        report((step, S - len(active), postfix, False), postfix is not None)
        if len(active) == 0:
            break
    report((step, S - len(active), None, True), True)
    return result
