"""Random texts in bulk, bit for bit as drawn word by word: numpy's scalar draws in arrays, and batches of word ids.

A sampler that builds each sentence with ``rng.integers(k)`` and ``rng.random()`` spends about a microsecond
per call in Python; :func:`choice_rounds` returns what many rounds of those calls would return, from one
call of the generator, and leaves the generator where the calls would have left it. :func:`id_batch` turns
texts given as word ids into the one-hot inputs and next-word targets of ``Vocabulary.encode`` (padded).
"""
from __future__ import annotations

import functools

import numpy as np

from ...engine.losses import IGNORE

U53 = 1.0 / 9007199254740992.0      # 2^-53: numpy's random() is (a 64-bit output >> 11) · 2^-53


def choice_rounds(rng: np.random.Generator, count: int, choices: tuple[int, int], *, check: bool = True):
    """``count`` rounds of ``(rng.integers(choices[0]), rng.integers(choices[1]), rng.random())``, drawn at once.

    Returns (first (count,), second (count,), uniform (count,) float64), and ``rng`` is left as the scalar
    calls leave it; or None (``rng`` untouched) where that cannot be done exactly: then draw one by one.

    How numpy draws them (PCG64, the generator of ``np.random.default_rng``): each round takes two 64-bit
    outputs. ``integers(k)`` is Lemire's method on 32 bits (k · u32 // 2^32; it never rejects when k is a
    power of two): the first takes the low half of the first output and numpy keeps the high half for the
    next 32-bit draw, which the second takes; ``random()`` takes the second output. That needs a PCG64 with
    no half kept from before, power-of-two ``choices``, and this numpy drawing that way, which is verified
    once against the scalar calls (``check``; :func:`rounds_match_scalar_draws`).
    """
    bits = rng.bit_generator if isinstance(rng, np.random.Generator) else None
    if count < 1 or type(bits) is not np.random.PCG64 or any(k < 2 or k & (k - 1) or k >= 2 ** 32 for k in choices):
        return None
    if (check and not rounds_match_scalar_draws()) or bits.state["has_uint32"]:
        return None
    raw = bits.random_raw(2 * count).reshape(count, 2)
    state = bits.state                                        # numpy keeps the last half it handed out
    state["uinteger"] = int(raw[-1, 0] >> np.uint64(32))      # (unused, has_uint32 is 0): the same state dict
    bits.state = state
    first = ((raw[:, 0] & 0xFFFFFFFF) * np.uint64(choices[0])) >> np.uint64(32)
    second = ((raw[:, 0] >> np.uint64(32)) * np.uint64(choices[1])) >> np.uint64(32)
    return first.astype(np.intp), second.astype(np.intp), (raw[:, 1] >> np.uint64(11)) * U53


@functools.lru_cache(maxsize=None)
def rounds_match_scalar_draws() -> bool:
    """Does :func:`choice_rounds` return what the scalar calls return, with this numpy? (Checked once.)"""
    for choices in ((4, 4), (2, 8), (64, 2)):
        one, many = np.random.default_rng(2024), np.random.default_rng(2024)
        scalar = [(int(one.integers(choices[0])), int(one.integers(choices[1])), one.random()) for _ in range(50)]
        drawn = choice_rounds(many, 50, choices, check=False)
        if list(zip(*(v.tolist() for v in drawn))) != scalar or one.bit_generator.state != many.bit_generator.state:
            return False
    return True


def id_batch(ids: np.ndarray, kept: np.ndarray, size: int, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """B texts given as word ids -> one-hot inputs x (L, B, size) and next-word targets y (L, B) (no argument
    checks: a sampler's own arrays).

    Args: ids (B, L) word ids; kept (B, L) bool, which entries are words (text b is ids[b][kept[b]], in order);
    size: the vocabulary size D. As ``Vocabulary.encode`` and ``sentence_corpus.encode_batch`` with length L:
    text b right-padded with zero vectors, y[t, b] the id of word t + 1, IGNORE at its last word and after.
    """
    B, L = ids.shape
    b, j = np.nonzero(kept)                                   # text and slot of every word
    row = (np.cumsum(kept, axis=1)[b, j] - 1) * B + b         # (its position in the text) · B + text: row of x, y
    w = ids[b, j]
    x = np.zeros((L, B, size), dtype=dtype)
    x.reshape(L * B, size)[row, w] = 1.0
    y = np.full((L, B), IGNORE, dtype=np.int64)
    later = row >= B
    y.reshape(L * B)[row[later] - B] = w[later]               # the target of word t is word t + 1
    return x, y
