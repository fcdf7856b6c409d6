"""The word model of a sentence lesson, its training batches and its evaluation set.

A word model is a :class:`~lstm_helpers.models.SequenceModel` whose input size D is the size of a
:class:`~.words.Vocabulary`. Batches of one length (no padding) are drawn by
:func:`same_length_sampler`; an evaluation set of many lengths is kept grouped by length
(:func:`grouped_batch`) and scored by :func:`grouped_accuracy`, the ``evaluate`` hook of
:func:`lstm_helpers.train`.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...engine.losses import accuracy, softmax_cross_entropy
from ...engine.models import SequenceModel
from ...support.checks import check_size
from .words import Vocabulary, group_by_length


def make_word_model(vocab: Vocabulary, cell: str, hidden_size: int, output_size: int, *, readout: str,
                    seed: int = 0, dtype=np.float64, **cell_kwargs) -> SequenceModel:
    """``SequenceModel(cell, D = len(vocab), hidden_size, output_size, readout=readout)``."""
    return SequenceModel(cell, len(vocab), hidden_size, output_size, readout=readout, seed=seed, dtype=dtype,
                         **cell_kwargs)


def check_word_model(model, vocab: Vocabulary, where: str, *, output_size: int, readout: str, cells: Sequence[str],
                     maker: str) -> SequenceModel:
    """``model`` if it is a word model of ``vocab`` as ``maker`` builds it; else a TypeError naming 'model'."""
    if (not isinstance(model, SequenceModel) or model.cell_type not in cells or model.readout != readout
            or model.cell.input_size != len(vocab) or model.head.out_features != output_size):
        kind = " or ".join(c.upper() for c in cells)
        raise TypeError(f"{where}: argument 'model' must be the word model of this language, {maker} ({kind} over "
                        f"D = {len(vocab)} words, {output_size} outputs, readout={readout!r}), but it is {model!r}.")
    return model


def same_length_sampler(vocab: Vocabulary, word_lists: Sequence[Sequence[str]], labels, batch_size: int,
                        dtype=np.float64, *, where: str, name: str):
    """A ``make_batch(rng) -> (x (T, B, D), y (B,))`` for :func:`lstm_helpers.train`: B labelled lists of ONE length.

    Each call draws one list (so a length comes as often as it occurs), then ``batch_size`` lists
    of that length with replacement; x is their one-hot encoding (no padding), y their ``labels``.
    The lists are indexed once up front.
    """
    B = check_size(batch_size, "batch_size", where)
    word_lists = vocab.check_word_lists(word_lists, where, name)
    labels = np.asarray(labels, dtype=np.int64)
    lengths = np.array([len(w) for w in word_lists])
    groups = group_by_length(word_lists)
    ids = {T: np.array([vocab.ids(word_lists[i]) for i in idx]) for T, idx in groups.items()}
    by_length = {T: labels[idx] for T, idx in groups.items()}
    steps, columns = np.arange(max(groups))[:, None], np.arange(B)[None, :]

    def make_batch(rng):
        T = int(lengths[rng.integers(len(word_lists))])
        pick = rng.integers(len(groups[T]), size=B)
        x = np.zeros((T, B, len(vocab)), dtype=dtype)        # one-hot rows written in place: half the time of
        x[steps[:T], columns, ids[T][pick].T] = 1.0           # gathering rows of an identity matrix
        return x, by_length[T][pick]

    return make_batch


def grouped_batch(vocab: Vocabulary, word_lists: Sequence[Sequence[str]], labels, dtype=np.float64, *,
                  where: str = "grouped_batch()", name: str = "word_lists") -> tuple[tuple, np.ndarray]:
    """An evaluation set without padding: ``((x_1, …, x_G), y)``.

    x_g (T_g, B_g, D) holds the lists of length T_g (increasing T_g); y (B,) the labels in the
    same order (group by group). Pass it as ``eval_batch`` with ``evaluate=grouped_accuracy``.
    """
    word_lists = vocab.check_word_lists(word_lists, where, name)
    groups = group_by_length(word_lists)
    xs = tuple(vocab.encode([word_lists[i] for i in idx], dtype, where=where, name=name) for idx in groups.values())
    return xs, np.asarray(labels, dtype=np.int64)[np.concatenate(list(groups.values()))]


def grouped_accuracy(model: SequenceModel, batch: tuple) -> float:
    """Accuracy of ``model.logits`` on a :func:`grouped_batch` (every group from h_0 = 0, logits concatenated)."""
    xs, y = batch
    return accuracy(np.concatenate([model.logits(x) for x in xs], axis=0), y)


def shared_length_sampler(vocab: Vocabulary, word_lists: Sequence[Sequence[str]], labels, batch_size: int,
                          dtype=np.float64, *, length_seed: int, where: str, name: str):
    """A ``make_batch(rng) -> (x (T, B, D), y (B,))`` whose batch LENGTHS follow one shared sequence.

    Like :func:`same_length_sampler`, except where the length comes from: the n-th call made with a
    generator ``rng`` returns lists of length T_n, the n-th length of ONE sequence drawn by
    ``np.random.default_rng(length_seed)`` (one list drawn, its length taken, so a length comes as often as
    it occurs); the ``batch_size`` lists of that length are drawn with ``rng`` itself. Runs with different
    generators (seeds) therefore get batches of the same shape at every step and can share one pass
    (:func:`lstm_helpers.train_seeds`), while each run draws its own lists. A run is reproducible: a fresh
    sampler with the same ``length_seed`` and a generator with the same seed give the same batches.

    The sampler counts the calls made with each generator (and keeps a reference to it): make a fresh
    sampler for every training, or every ``train_seeds`` call.
    """
    B = check_size(batch_size, "batch_size", where)
    length_seed = check_size(length_seed, "length_seed", where, minimum=0)
    word_lists = vocab.check_word_lists(word_lists, where, name)
    labels = np.asarray(labels, dtype=np.int64)
    lengths = np.array([len(w) for w in word_lists])
    groups = group_by_length(word_lists)
    ids = {T: np.array([vocab.ids(word_lists[i]) for i in idx]) for T, idx in groups.items()}
    by_length = {T: labels[idx] for T, idx in groups.items()}
    eye = np.eye(len(vocab), dtype=dtype)
    shared, sequence, calls = np.random.default_rng(length_seed), [], {}

    def make_batch(rng):
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"{where}: make_batch(rng) needs a np.random.Generator, but got {type(rng).__name__}.")
        n = calls.setdefault(id(rng), [rng, 0])[1]       # the generator is kept, so its id stays its own
        calls[id(rng)][1] = n + 1
        while len(sequence) <= n:
            sequence.extend(int(T) for T in lengths[shared.integers(len(word_lists), size=64)])
        T = sequence[n]
        pick = rng.integers(len(groups[T]), size=B)
        return eye[ids[T][pick].T], by_length[T][pick]

    return make_batch


def input_gradient_norms(model: SequenceModel, x, y) -> np.ndarray:
    """‖∂L_b/∂x_t‖ (T, B): how much example b's cross-entropy L_b at the read-out depends on its word at step t.

    ``model`` (readout 'last'), x (T, B, D) one-hot words, y (B,) classes. One forward and backward pass
    (``model.grads`` are overwritten). L_b is example b's own loss, not the batch mean.
    """
    if not isinstance(model, SequenceModel) or model.readout != "last":
        raise TypeError(f"input_gradient_norms(): argument 'model' must be a SequenceModel with readout 'last', "
                        f"but it is {model!r}.")
    logits = model.forward(x)
    _, d_logits = softmax_cross_entropy(logits, y)
    dx = model.backward(d_logits * x.shape[1])            # the mean's 1/B undone: each example's own loss
    return np.linalg.norm(dx.astype(np.float64), axis=-1)


def gradient_share(model: SequenceModel, vocab: Vocabulary, word_lists: Sequence[Sequence[str]], labels, positions,
                   *, where: str = "gradient_share()", name: str = "word_lists") -> np.ndarray:
    """(B,): ‖∂L_b/∂x_t‖ at t = positions[b] over the same at the last word of list b (input_gradient_norms).

    How strongly the answer after each list depends on the word at ``positions[b]``, relative to its last word
    (1 when that is the last word). Lists of any lengths (grouped by length, no padding). ``model.grads`` are
    overwritten.
    """
    word_lists = vocab.check_word_lists(word_lists, where, name)
    labels, positions = np.asarray(labels, dtype=np.int64), np.asarray(positions, dtype=np.int64)
    lengths = np.array([len(w) for w in word_lists])
    if labels.shape != (len(word_lists),) or positions.shape != labels.shape:
        raise ValueError(f"{where}: arguments 'labels' and 'positions' must have shape (B,) = "
                         f"({len(word_lists)},), but they have {labels.shape} and {positions.shape}.")
    if (positions < 0).any() or (positions >= lengths).any():
        raise ValueError(f"{where}: argument 'positions' must index a word of each list (0 ... length - 1).")
    share = np.empty(len(word_lists))
    for T, idx in group_by_length(word_lists).items():
        norms = input_gradient_norms(model, vocab.encode([word_lists[i] for i in idx], model.dtype), labels[idx])
        share[idx] = norms[positions[idx], np.arange(len(idx))] / norms[-1]
    return share
