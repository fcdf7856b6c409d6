"""Softmax cross-entropy and accuracy for class scores, with positions that can be ignored."""
from __future__ import annotations

import numpy as np

from .activations import softmax_unchecked
from ..support.checks import check_array, check_int_array

IGNORE = -1  # a target equal to this does not count (e.g. padding, or steps with nothing to predict)


def _check_scores_and_targets(logits, targets, ignore_index, where: str):
    """Validate logits (..., C), integer targets (...) and ignore_index; return (logits, targets, mask)."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"{where}: argument 'ignore_index' must be an int (the label that does not count), "
                        f"but it is {type(ignore_index).__name__} {ignore_index!r}.")
    logits = check_array(logits, "logits", where)
    if logits.ndim < 1:
        raise ValueError(f"{where}: argument 'logits' must have a class axis (..., C), "
                         f"but it is a scalar (shape {logits.shape}).")
    targets = check_int_array(targets, "targets", where, shape=logits.shape[:-1],
                              dims=tuple(f"n{k}" for k in range(logits.ndim - 1)) or None,
                              high=logits.shape[-1], allowed_extra=ignore_index)
    mask = targets != ignore_index
    if not mask.any():
        raise ValueError(f"{where}: every target equals ignore_index={ignore_index}; nothing to score.")
    return logits, targets, mask


def softmax_cross_entropy(logits, targets, *, ignore_index: int = IGNORE):
    """Mean cross-entropy of softmax(logits) against integer targets, and its gradient.

    Args:
        logits: scores (..., C), for example (B, C) or (T, B, C).
        targets: class indices (...) in [0, C), or ``ignore_index`` for positions that do not count.

    Returns:
        (loss, d_logits): a float, and ∂loss/∂logits with the shape of ``logits``.
    """
    where = "softmax_cross_entropy()"
    logits, targets, mask = _check_scores_and_targets(logits, targets, ignore_index, where)
    n = int(mask.sum())
    safe_t = np.where(mask, targets, 0)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=-1))                      # log Σ_c e^{z_c} (shifted)
    z_true = np.take_along_axis(shifted, safe_t[..., None], axis=-1)[..., 0]
    loss = float((log_z - z_true)[mask].sum() / n)                    # −log p_true, exact for any logits
    d = softmax_unchecked(logits)
    np.put_along_axis(d, safe_t[..., None], np.take_along_axis(d, safe_t[..., None], axis=-1) - 1, axis=-1)
    d *= (mask / n).astype(d.dtype)[..., None]
    return loss, d


def accuracy(logits, targets, *, ignore_index: int = IGNORE) -> float:
    """Fraction of counted positions where argmax(logits) equals the target."""
    where = "accuracy()"
    logits, targets, mask = _check_scores_and_targets(logits, targets, ignore_index, where)
    return float((logits.argmax(axis=-1) == targets)[mask].mean())
