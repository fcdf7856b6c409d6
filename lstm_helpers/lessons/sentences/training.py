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

from ...engine.losses import accuracy
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
    eye = np.eye(len(vocab), dtype=dtype)

    def make_batch(rng):
        T = int(lengths[rng.integers(len(word_lists))])
        pick = rng.integers(len(groups[T]), size=B)
        return eye[ids[T][pick].T], by_length[T][pick]

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
