"""Softmax cross-entropy and accuracy per seed, for logits with a leading seed axis (n, ..., C).

Seed j's loss and gradient are those of ``lh.softmax_cross_entropy(logits[j], targets[j])``: the
gradient bit for bit (the same operations: e = exp(z − max z), softmax = e / Σe, −1 at the target,
× 1/count), the loss to rounding (its sum may be taken in another order; it feeds nothing back).
"""
from __future__ import annotations

import numpy as np

from ...support.checks import check_array, check_int_array
from ..losses import IGNORE

MAX_BY_COLUMNS = 64   # up to this many classes, the row maximum is C elementwise calls (faster than short rows)


def check_targets(logits, targets, where: str) -> np.ndarray:
    """Integer targets for ``logits`` (n, ..., C): (n, ...) one set per seed, or (...) shared by all seeds,
    each in [0, C) or IGNORE; returned broadcast to (n, ...)."""
    C = logits.shape[-1]
    per_seed = np.ndim(targets) == logits.ndim - 1
    shape = logits.shape[:-1] if per_seed else logits.shape[1:-1]
    dims = (("n_seeds",) if per_seed else ()) + tuple(f"n{k}" for k in range(logits.ndim - 2))
    y = check_int_array(targets, "targets", where, shape=shape, dims=dims, high=C, allowed_extra=IGNORE)
    return np.broadcast_to(y, logits.shape[:-1])


def row_max(z: np.ndarray) -> np.ndarray:
    """max over the last axis of z (rows, C), as (rows, 1) (exact whichever way it is computed)."""
    if z.shape[1] > MAX_BY_COLUMNS:
        return z.max(axis=1, keepdims=True)
    top = z[:, :1].copy()
    for k in range(1, z.shape[1]):
        np.maximum(top[:, 0], z[:, k], out=top[:, 0])
    return top


def cross_entropy_per_seed(logits, targets, *, out: np.ndarray | None = None):
    """Mean softmax cross-entropy per seed and its gradient.

    Args: logits (n, ..., C), e.g. (n, B, C) or (n, T, B, C); targets (n, ...) or (...) shared, IGNORE (−1)
        where a position does not count; out: optional array shaped like logits for the gradient.
    Returns: (losses (n,) float64, d_logits (n, ..., C)); d_logits[j] is bit for bit seed j's
    ``lh.softmax_cross_entropy`` gradient.
    """
    where = "cross_entropy_per_seed()"
    logits = check_array(logits, "logits", where)
    y = check_targets(logits, targets, where)
    n, C = logits.shape[0], logits.shape[-1]
    rows = y.size
    y = y.reshape(rows)
    mask = y != IGNORE
    every = bool(mask.all())
    counts = mask.reshape(n, -1).sum(axis=1)
    if (counts == 0).any():
        raise ValueError(f"{where}: every target of seed row {int(np.flatnonzero(counts == 0)[0])} equals "
                         f"IGNORE ({IGNORE}); nothing to score.")
    z = logits.reshape(rows, C)
    e = np.empty_like(z) if out is None else out.reshape(rows, C)
    np.subtract(z, row_max(z), out=e)                                     # z − max z
    picked = np.arange(rows) * C + (y if every else np.where(mask, y, 0))
    z_true = e.ravel()[picked]                                            # (z − max z) at the target
    np.exp(e, out=e)
    total = e.sum(axis=1, keepdims=True)
    per_row = np.log(total[:, 0]) - z_true                                # −log p(target) per row
    if every:
        losses = per_row.reshape(n, -1).sum(axis=1) / counts
    else:
        per_seed = mask.reshape(n, -1)
        losses = np.array([per_row.reshape(n, -1)[j][per_seed[j]].sum() for j in range(n)]) / counts
    np.divide(e, total, out=e)                                            # the softmax
    flat = e.reshape(-1)
    flat[picked] -= 1
    e *= (mask.reshape(n, -1) / counts[:, None]).astype(e.dtype).reshape(rows, 1)
    return losses, e.reshape(logits.shape)


def accuracy_per_seed(logits, targets) -> np.ndarray:
    """(n,) fraction of counted positions where argmax(logits) equals the target, per seed row."""
    where = "accuracy_per_seed()"
    logits = check_array(logits, "logits", where)
    return seed_accuracies(logits, check_targets(logits, targets, where))


def seed_accuracies(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`accuracy_per_seed` without its argument checks: logits (n, ..., C) and integer targets (n, ...) that
    were checked already (the training loop scores the logits whose loss has just checked both)."""
    n = logits.shape[0]
    mask = (y != IGNORE).reshape(n, -1)
    right = (logits.argmax(axis=-1) == y).reshape(n, -1) & mask
    return right.sum(axis=1) / mask.sum(axis=1)
