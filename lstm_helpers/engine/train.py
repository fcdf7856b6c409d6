"""A seeded training loop with a progress bar (a widget in notebooks, text in a terminal)."""
from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from ..support.checks import check_choice, check_number, check_size
from .losses import accuracy, softmax_cross_entropy
from .optim import SGD, Adam, clip_grad_norm, global_norm


@dataclass
class History:
    """What happened during :func:`train`; lists have one entry per step (or per evaluation).

    ``step_time`` holds the wall time (s) of each update: forward, loss, backward, clipping and the
    optimizer step (not make_batch, not the evaluation). It is not reproducible; use its median.
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    step_time: list = field(default_factory=list)
    eval_step: list = field(default_factory=list)
    eval_accuracy: list = field(default_factory=list)
    steps_run: int = 0
    reached_target: bool = False

    def as_arrays(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v) for k, v in self.__dict__.items() if isinstance(v, list)}


def check_training_args(make_batch, steps, eval_every, lr, optimizer, clip, where: str):
    """The arguments every training loop shares, checked: returns (steps, eval_every, lr, clip)."""
    steps = check_size(steps, "steps", where)
    eval_every = check_size(eval_every, "eval_every", where)
    lr = check_number(lr, "lr", where, low=0)
    check_choice(optimizer, "optimizer", where, ("adam", "sgd"))
    if clip is not None:
        clip = check_number(clip, "clip", where, low=0)
    if not callable(make_batch):
        raise TypeError(f"{where}: argument 'make_batch' must be a function rng -> (x, targets).")
    return steps, eval_every, lr, clip


def train(model, make_batch: Callable, *, steps: int, lr: float = 1e-2, optimizer: str = "adam",
          clip: float | None = 1.0, seed: int = 0, eval_batch=None, eval_every: int = 50,
          evaluate: Callable | None = None, forward: Callable | None = None,
          target_accuracy: float | None = None, progress: bool = True, desc: str = "training") -> History:
    """Train ``model`` (a :class:`~lstm_helpers.models.SequenceModel`) with softmax cross-entropy.

    Args:
        make_batch: ``make_batch(rng) -> (x, targets)``; called once per step with a generator
            seeded by ``seed``, so a run is reproducible.
        steps: maximum number of updates.  lr, optimizer ('adam' or 'sgd'), clip (global-norm
            clipping; None for none).
        eval_batch: optional fixed ``(x, targets)`` scored every ``eval_every`` steps and after the last.
        evaluate: optional ``evaluate(model, eval_batch) -> accuracy`` (a number in [0, 1]) that scores
            ``eval_batch``; default: :func:`~lstm_helpers.losses.accuracy` of ``model.logits(x)`` (the
            evaluation forward, which keeps nothing for backward()) against ``targets``.
        forward: optional ``forward(model, x) -> logits`` for the training steps in place of
            ``model.forward(x)``, for a model fed more than one array (e.g. an encoder-decoder given
            ``x = (source, target)``).
        target_accuracy: stop early once the evaluation accuracy reaches it.
        progress: show a ``tqdm.auto`` progress bar.

    Returns:
        A :class:`History` (loss, accuracy, gradient norm and time of every step; the evaluations).
    """
    where = "train()"
    steps, eval_every, lr, clip = check_training_args(make_batch, steps, eval_every, lr, optimizer, clip, where)
    if not all(callable(getattr(model, m, None)) for m in ("forward", "backward", "parameters")):
        raise TypeError(f"{where}: argument 'model' must be a model such as lh.SequenceModel(...) with forward(), "
                        f"backward(), parameters() and grads, but it is {type(model).__name__}.")
    seed = check_size(seed, "seed", where, minimum=0)
    for name, hook in (("evaluate", evaluate), ("forward", forward)):
        if hook is not None and not callable(hook):
            raise TypeError(f"{where}: argument '{name}' must be a function or None, but it is {type(hook).__name__}.")
    if eval_batch is not None and (not isinstance(eval_batch, (tuple, list)) or len(eval_batch) != 2):
        raise TypeError(f"{where}: argument 'eval_batch' must be a pair (x, targets) or None, "
                        f"but it is {type(eval_batch).__name__}.")
    if eval_batch is not None and evaluate is None and not callable(getattr(model, "logits", None)):
        raise TypeError(f"{where}: argument 'evaluate' is needed to score 'eval_batch': this "
                        f"{type(model).__name__} has no evaluation forward logits(x).")
    if target_accuracy is not None:
        target_accuracy = check_number(target_accuracy, "target_accuracy", where, low=0, high=1)
        if eval_batch is None:
            raise ValueError(f"{where}: argument 'target_accuracy' needs an 'eval_batch' to measure the accuracy on.")
    params = model.parameters()
    opt = Adam(params, lr=lr) if optimizer == "adam" else SGD(params, lr=lr, momentum=0.9)
    rng = np.random.default_rng(seed)
    hist = History()
    bar = tqdm(range(1, steps + 1), desc=desc, disable=not progress, leave=True)
    for step in bar:
        batch = make_batch(rng)
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(f"{where}: argument 'make_batch' must return a pair (x, targets), "
                            f"but it returned {type(batch).__name__}.")
        x, y = batch
        start = time.perf_counter()
        logits = model.forward(x) if forward is None else forward(model, x)
        loss, d_logits = softmax_cross_entropy(logits, y)
        model.backward(d_logits)
        grads = model.grads
        norm = clip_grad_norm(grads, clip) if clip is not None else global_norm(grads)
        opt.step(grads)
        hist.step_time.append(time.perf_counter() - start)
        hist.loss.append(loss)
        hist.accuracy.append(accuracy(logits, y))
        hist.grad_norm.append(norm)
        hist.steps_run = step
        if eval_batch is not None and (step % eval_every == 0 or step == steps):
            acc = _score(model, eval_batch, evaluate, where)
            hist.eval_step.append(step)
            hist.eval_accuracy.append(acc)
            bar.set_postfix(loss=f"{loss:.3f}", eval_acc=f"{acc:.2f}", refresh=False)
            if target_accuracy is not None and acc >= target_accuracy:
                hist.reached_target = True
                break
    bar.close()
    return hist


def _score(model, eval_batch, evaluate, where: str) -> float:
    """Accuracy on ``eval_batch``: ``evaluate(model, eval_batch)``, or that of the evaluation forward."""
    if evaluate is None:
        return accuracy(model.logits(eval_batch[0]), eval_batch[1])
    acc = evaluate(model, eval_batch)
    if isinstance(acc, bool) or not isinstance(acc, numbers.Real) or not 0 <= acc <= 1:
        error = ValueError if isinstance(acc, numbers.Real) and not isinstance(acc, bool) else TypeError
        raise error(f"{where}: argument 'evaluate' must return an accuracy between 0 and 1, but it returned {acc!r}.")
    return float(acc)
