"""Task generators. Each returns inputs shaped (T, B, D) and integer targets.

The long-lag recall task (the "remember the subject" problem in its barest form, close to
Hochreiter & Schmidhuber's 1997 noise-free long-lag task): step 0 shows one of K symbols,
then ``lag`` distractor steps follow, then a query marker; the target is the first symbol.
Chance accuracy is 1/K.
"""
from __future__ import annotations

import numpy as np

from ..support.checks import check_dtype, check_int_array, check_size


def one_hot(indices, num_classes: int, dtype=np.float64) -> np.ndarray:
    """Integer array (...) -> one-hot float array (..., num_classes)."""
    num_classes = check_size(num_classes, "num_classes", "one_hot()")
    idx = check_int_array(indices, "indices", "one_hot()", high=num_classes)
    return np.eye(num_classes, dtype=check_dtype(dtype, "one_hot()"))[idx]


def recall_tokens(rng: np.random.Generator, batch_size: int, lag: int, *, num_symbols: int = 4,
                  num_distractors: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Token ids (T, B) with T = lag + 2, and targets (B,).

    Ids: symbols 0 … K−1, distractors K … K+M−1, query marker K+M.
    """
    where = "recall_tokens()"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    B = check_size(batch_size, "batch_size", where)
    lag = check_size(lag, "lag", where, minimum=0)
    K = check_size(num_symbols, "num_symbols", where, minimum=2)
    M = check_size(num_distractors, "num_distractors", where)
    targets = rng.integers(0, K, B)
    tokens = np.empty((lag + 2, B), dtype=np.int64)
    tokens[0] = targets
    tokens[1:-1] = rng.integers(K, K + M, (lag, B))
    tokens[-1] = K + M
    return tokens, targets


def recall_batch(rng: np.random.Generator, batch_size: int, lag: int, *, num_symbols: int = 4,
                 num_distractors: int = 4, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """One-hot inputs (lag + 2, B, K + M + 1) and targets (B,) of the recall task."""
    tokens, targets = recall_tokens(rng, batch_size, lag, num_symbols=num_symbols, num_distractors=num_distractors)
    return one_hot(tokens, num_symbols + num_distractors + 1, dtype), targets
