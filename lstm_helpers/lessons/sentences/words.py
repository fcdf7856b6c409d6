"""The words a word-level model reads: tokenizing text, checking word lists, one-hot encoding.

A :class:`Vocabulary` fixes the words and their one-hot order (word k is input k, D = its size).
B word lists become inputs x (T, B, D): one-hot rows, right-padded with zero vectors when the
lists have different lengths (or grouped by length with :func:`group_by_length`, no padding).
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from ...support.checks import check_size

PUNCTUATION = ".,!?;:"          # marks that tokenize() splits off as words of their own (unless dropped)
MARKS = re.compile(r"([.,!?;:])")


class Vocabulary:
    """The words of a language in one-hot order: ``words[k]`` is input k, ``len(vocab)`` = D.

    Args:
        words: the vocabulary (no repeats).
        lower: lower-case the whole text before splitting it (unknown words then come out lower-cased
            too); otherwise each known word is matched ignoring case and takes the vocabulary's
            spelling ("the" → "The") and unknown words are kept as typed.
        drop: marks of :data:`PUNCTUATION` removed from the text; the others become words.

    Attributes: words (tuple), index {word: k}.
    """

    def __init__(self, words: Sequence[str], *, lower: bool = False, drop: str = ""):
        self.words = tuple(words)
        self.index = {w: k for k, w in enumerate(self.words)}
        if len(self.index) != len(self.words) or not self.words:
            raise ValueError("Vocabulary(): argument 'words' must be a non-empty list of distinct words.")
        self.lower = bool(lower)
        self.drop = drop
        self._spelling = {w.lower(): w for w in self.words}

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} words: {', '.join(self.words[:6])}{', …' if len(self) > 6 else ''})"

    def tokenize(self, text: str) -> list[str]:
        """Words of ``text``: the marks of :data:`PUNCTUATION` not dropped are words of their own,
        known words take the vocabulary's spelling, unknown ones are kept (see :meth:`unknown_words`)."""
        if not isinstance(text, str):
            raise TypeError(f"tokenize(): argument 'text' must be a string, but it is {type(text).__name__}.")
        if self.lower:
            text = text.lower()
        for mark in self.drop:
            text = text.replace(mark, " ")
        return [self._spelling.get(w.lower(), w) for w in MARKS.sub(r" \1 ", text).split()]

    def unknown_words(self, words: Sequence[str]) -> list[str]:
        """The words of ``words`` (in order, without repeats) that are not in the vocabulary."""
        if isinstance(words, str):
            raise TypeError("unknown_words(): argument 'words' must be a list of words; use tokenize(text) first.")
        out = []
        for w in words:
            if w not in self.index and w not in out:
                out.append(w)
        return out

    def check_words(self, words, where: str, name: str = "words") -> list[str]:
        """``words`` as a list if it is a non-empty list of known words; else a clear TypeError/ValueError."""
        if isinstance(words, str) or not isinstance(words, Sequence):
            raise TypeError(f"{where}: argument '{name}' must be a list of words (use tokenize(text)), "
                            f"but it is {words!r}.")
        if len(words) == 0:
            raise ValueError(f"{where}: argument '{name}' must be a non-empty list of words, but it is empty.")
        bad = self.unknown_words(words)
        if bad:
            raise ValueError(f"{where}: unknown word(s) {', '.join(map(repr, bad))} in '{name}'; "
                             f"the vocabulary is {', '.join(self.words)}.")
        return list(words)

    def check_word_lists(self, lists, where: str, name: str) -> list[list[str]]:
        """B word lists, each checked by :meth:`check_words` (named ``name[b]``)."""
        if isinstance(lists, str) or not isinstance(lists, Sequence) or len(lists) == 0:
            raise TypeError(f"{where}: argument '{name}' must be a non-empty list of word lists, "
                            f"e.g. [{list(self.words[:2])}], but it is {lists!r}.")
        return [self.check_words(w, where, f"{name}[{b}]") for b, w in enumerate(lists)]

    def ids(self, words: Sequence[str]) -> list[int]:
        """Input index of every word (the words must be known)."""
        return [self.index[w] for w in words]

    def encode(self, lists, dtype=np.float64, *, length: int | None = None, where: str = "encode()",
               name: str = "word_lists") -> np.ndarray:
        """One-hot inputs x (T, B, D) of B word lists, right-padded with zero vectors.

        T is ``length`` or the longest list; x[t, b] is zero after the end of list b.
        """
        lists = self.check_word_lists(lists, where, name)
        longest = max(len(w) for w in lists)
        T = longest if length is None else check_size(length, "length", where)
        if T < longest:
            raise ValueError(f"{where}: argument 'length' must be at least the longest text ({longest} words), "
                             f"but it is {T}.")
        x = np.zeros((T, len(lists), len(self)), dtype=dtype)
        for b, words in enumerate(lists):
            x[np.arange(len(words)), b, self.ids(words)] = 1.0
        return x


def group_by_length(word_lists: Sequence[Sequence[str]]) -> dict[int, np.ndarray]:
    """{T: indices (B_T,) of the lists with T words}, sorted by T: batches without padding."""
    groups: dict[int, list] = {}
    for b, words in enumerate(word_lists):
        groups.setdefault(len(words), []).append(b)
    return {T: np.array(groups[T]) for T in sorted(groups)}
