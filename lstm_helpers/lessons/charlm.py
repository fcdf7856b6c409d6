"""A character-level language model: corpus, vocabulary, batches, bits per character, sampling.

The corpus is obtained without any download: the prose of the Python Language Reference that ships
with CPython as the standard-library module ``pydoc_data.topics`` (the text ``help("while")`` shows),
read from the running interpreter. The text is pinned to the Python of :data:`PINNED_PYTHON`:
:func:`corpus_text` checks its SHA-256 against :data:`CORPUS_SHA256` and raises a clear error if this
Python's text differs (the stored model and notebook outputs were made from exactly that text).

Normalisation (:func:`normalise`): paragraphs that look like code (indented examples, grammar rules,
doctest lines, headings, signatures) are dropped; typographic quotes and dashes become ASCII, the text
is lower-cased, every run of whitespace becomes one space, characters outside :data:`ALPHABET` are
dropped, and each paragraph becomes one line.

The model is ``lh.SequenceModel('lstm', V, H, V, readout='all')`` trained on one-hot windows
(T, B, V) to predict the next character at every step. Sampling runs the LSTM step by step
with its state (h_t, C_t) carried from one character to the next.
"""
from __future__ import annotations

import hashlib
import math
import re
import sys
import textwrap
from dataclasses import dataclass

import numpy as np
from pydoc_data.topics import topics

from ..engine.activations import softmax_unchecked
from ..support.checks import check_int_array, check_number, check_size
from ..engine.data import one_hot
from ..engine.losses import softmax_cross_entropy

CORPUS_SOURCE = "pydoc_data.topics"     # the Python Language Reference's topics, in CPython's standard library
PINNED_PYTHON = "3.11.7"                # the corpus, the stored model and the notebook outputs come from this Python
CORPUS_SHA256 = "90a98db5f54e76570374420555699c066152c5ff10fd4d2f68db6b6885aca442"
ALPHABET = "\n abcdefghijklmnopqrstuvwxyz0123456789.,;:'\"()-_=*/?!"
VALID_FRACTION = 0.1            # the last 10 % of the text is held out
_CODE_LINE = re.compile(r"^(>>>|\.\.\.|[-=*+|#~^]{3,}|[$%@{}\[\]<>\\]|def |class |return |import |from |print\(|"
                        r"(if|for|while|with) .*:$|else:|try:|except)")
_ASCII = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u2014": " - ", "\u2013": "-"}


def topic_paragraphs() -> list[str]:
    """The paragraphs (split at blank lines) of every topic of ``pydoc_data.topics``, topics sorted by name."""
    return [p for name in sorted(topics) for p in re.split(r"\n\s*\n", topics[name]) if p.strip()]


def is_prose(paragraph: str) -> bool:
    """True for a paragraph of prose: at least 6 words, >= 85 % letters and spaces, no line that looks like code.

    A line looks like code if it opens like a doctest, a rule of dashes, a Python statement ('def ', 'return ',
    'from ', 'if ...:' ...) or a symbol, or the paragraph holds a grammar rule ('::=') or a signature ('(self').
    The test is coarse: a wrapped line of prose that happens to open with 'from ' drops its paragraph too.
    """
    text = textwrap.dedent(paragraph).strip("\n")
    if "::=" in text or "(self" in text or any(_CODE_LINE.match(line.strip()) for line in text.splitlines()):
        return False
    letters = sum(c.isalpha() or c == " " for c in text)
    return letters >= 0.85 * len(text) and len(text.split()) >= 6


def normalise(paragraph: str) -> str:
    """One paragraph -> one line of lower-case text over :data:`ALPHABET` ('' if it is not prose)."""
    if not is_prose(paragraph):
        return ""
    for typographic, ascii_ in _ASCII.items():
        paragraph = paragraph.replace(typographic, ascii_)
    text = " ".join(paragraph.split()).lower()
    text = "".join(c for c in text if c in ALPHABET and c != "\n")
    return " ".join(text.split())


def corpus_text(*, strict: bool = True) -> str:
    """The training text: every prose paragraph of :func:`topic_paragraphs`, normalised, one per line.

    With ``strict=True`` (default) the text must be the pinned one (SHA-256 :data:`CORPUS_SHA256`, from
    Python :data:`PINNED_PYTHON`); another Python's text raises ``RuntimeError``. ``strict=False`` returns
    this Python's text whatever it is.
    """
    lines = [line for line in map(normalise, topic_paragraphs()) if line]
    text = "\n".join(lines) + "\n"
    if strict and sha256(text) != CORPUS_SHA256:
        raise RuntimeError(
            f"corpus_text(): the text of {CORPUS_SOURCE} in this Python ({python_version()}) is not the pinned one "
            f"(Python {PINNED_PYTHON}, sha256 {CORPUS_SHA256[:16]}...; here {sha256(text)[:16]}...). The stored "
            f"model and outputs were made from the pinned text: run the notebook with Python {PINNED_PYTHON}, or "
            f"call corpus_text(strict=False) to use this Python's text (its numbers will differ from the stored ones).")
    return text


def python_version() -> str:
    """The running Python's version, e.g. '3.11.7'."""
    return ".".join(map(str, sys.version_info[:3]))


def sha256(text: str) -> str:
    """SHA-256 of ``text`` (UTF-8), as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def corpus_info(text: str) -> dict:
    """Where the text came from and a fingerprint: source, python version, characters, lines, sha256, pinned."""
    digest = sha256(text)
    return {"source": CORPUS_SOURCE, "python": python_version(), "characters": len(text),
            "lines": text.count("\n"), "sha256": digest, "pinned": digest == CORPUS_SHA256}


@dataclass(frozen=True)
class Vocab:
    """Characters <-> integer ids (ids follow the order of ``chars``)."""

    chars: str

    def __post_init__(self):
        if not isinstance(self.chars, str) or not self.chars or len(set(self.chars)) != len(self.chars):
            raise ValueError(f"Vocab(): argument 'chars' must be a non-empty string of distinct characters, "
                             f"but it is {self.chars!r}.")

    @classmethod
    def from_text(cls, text: str) -> "Vocab":
        """The characters of ``text``, sorted."""
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """str of length N -> ids (N,) int64."""
        index = {c: k for k, c in enumerate(self.chars)}
        unknown = sorted(set(text) - set(index))
        if unknown:
            raise ValueError(f"Vocab.encode(): argument 'text' holds characters outside the vocabulary: {unknown!r}.")
        return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """ids (N,) -> str."""
        ids = check_int_array(np.asarray(ids), "ids", "Vocab.decode()", high=len(self.chars))
        return "".join(self.chars[i] for i in ids.ravel())


def split(ids: np.ndarray, valid_fraction: float = VALID_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """ids (N,) -> (train ids, valid ids): the last ``valid_fraction`` of the text is held out."""
    valid_fraction = check_number(valid_fraction, "valid_fraction", "split()", low=0.01, high=0.5)
    cut = int(round(len(ids) * (1 - valid_fraction)))
    return ids[:cut], ids[cut:]


def windows(ids: np.ndarray, starts: np.ndarray, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows of ``ids`` (N,) at ``starts`` (B,) -> inputs (T, B) and next-character targets (T, B)."""
    T = check_size(seq_len, "seq_len", "windows()")
    idx = np.asarray(starts)[None, :] + np.arange(T + 1)[:, None]
    if idx.max() >= len(ids) or idx.min() < 0:
        raise ValueError(f"windows(): a window of {T + 1} characters runs past the end of the text ({len(ids)}).")
    tok = ids[idx]
    return tok[:-1], tok[1:]


def batch_maker(ids: np.ndarray, vocab_size: int, *, seq_len: int = 32, batch_size: int = 32, dtype=np.float32):
    """``make_batch(rng) -> (x (T, B, V) one-hot, targets (T, B))`` from random windows of ``ids``: for ``lh.train``."""
    T, B, V = (check_size(seq_len, "seq_len", "batch_maker()"), check_size(batch_size, "batch_size", "batch_maker()"),
               check_size(vocab_size, "vocab_size", "batch_maker()"))

    def make_batch(rng):
        x, y = windows(ids, rng.integers(0, len(ids) - T - 1, B), T)
        return one_hot(x, V, dtype), y
    return make_batch


def eval_batch(ids: np.ndarray, vocab_size: int, *, seq_len: int = 128, dtype=np.float32):
    """Consecutive, non-overlapping windows covering ``ids`` -> (x (T, B, V), targets (T, B))."""
    T = check_size(seq_len, "seq_len", "eval_batch()")
    starts = np.arange(0, len(ids) - T - 1, T)
    x, y = windows(ids, starts, T)
    return one_hot(x, vocab_size, dtype), y


def bits_per_char(model, batch) -> float:
    """Cross-entropy of ``model`` on ``batch`` = (x, targets), in bits per character (each window from zero state)."""
    x, y = batch
    loss, _ = softmax_cross_entropy(model.forward(x), y)
    return loss / math.log(2)


def ngram_bits_per_char(train_ids: np.ndarray, test_ids: np.ndarray, vocab_size: int, order: int = 1,
                        alpha: float = 0.5) -> float:
    """Bits per character of an add-``alpha`` smoothed n-gram model (order 1 = unigram, 2 = bigram).

    Fitted on ``train_ids``, scored on every character of ``test_ids`` that has ``order - 1`` predecessors.
    """
    where = "ngram_bits_per_char()"
    V = check_size(vocab_size, "vocab_size", where)
    order = check_size(order, "order", where)
    if order > 3:
        raise ValueError(f"{where}: argument 'order' must be 1, 2 or 3, but it is {order}.")
    alpha = check_number(alpha, "alpha", where, low=1e-9)

    def contexts(ids):
        n = len(ids) - order + 1
        ctx = np.zeros(n, dtype=np.int64)
        for k in range(order - 1):
            ctx = ctx * V + ids[k:k + n]
        return ctx, ids[order - 1:]

    c_tr, t_tr = contexts(np.asarray(train_ids))
    counts = np.zeros((V ** (order - 1), V))
    np.add.at(counts, (c_tr, t_tr), 1.0)
    probs = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * V)
    c_te, t_te = contexts(np.asarray(test_ids))
    return float(-np.log2(probs[c_te, t_te]).mean())


def next_distribution(logits, temperature: float = 1.0) -> np.ndarray:
    """softmax(logits / temperature): logits (..., V) -> probabilities (..., V)."""
    temperature = check_number(temperature, "temperature", "next_distribution()", low=1e-3, high=100.0)
    return softmax_unchecked(np.asarray(logits, dtype=np.float64) / temperature)


def prime(model, prompt_ids) -> tuple[np.ndarray, tuple]:
    """Read ``prompt_ids`` (N,) with ``model``; returns the logits for the next token (V,) and the state (h, C), each (1, H)."""
    V = model.head.out_features
    ids = check_int_array(np.asarray(prompt_ids), "prompt_ids", "prime()", high=V)
    if ids.ndim != 1:
        raise ValueError(f"prime(): argument 'prompt_ids' must be 1-D (N,), but it has shape {ids.shape}.")
    out, state = model.cell.forward(one_hot(ids, V, model.dtype)[:, None, :])
    return model.head.forward(out[-1, 0]), state


def generate(model, prompt_ids, length: int, *, temperature: float = 1.0, seed: int = 0,
             avoid: int | None = None, min_length: int = 0) -> np.ndarray:
    """Continue ``prompt_ids`` by ``length`` tokens sampled one at a time; returns the new ids (length,).

    Step by step: p = softmax(logits / temperature), draw the next id from p with
    ``np.random.default_rng(seed)``, feed it back as a one-hot x_t with the carried state (h_t, C_t).
    If ``avoid`` is a token id, its probability is set to 0 (and p renormalised) for the first
    ``min_length`` tokens, e.g. to keep an end-of-melody token from ending a continuation at once.
    """
    length = check_size(length, "length", "generate()")
    temperature = check_number(temperature, "temperature", "generate()", low=1e-3, high=100.0)
    rng = np.random.default_rng(check_size(seed, "seed", "generate()", minimum=0))
    min_length = check_size(min_length, "min_length", "generate()", minimum=0)
    V = model.head.out_features
    if avoid is not None:
        avoid = check_size(avoid, "avoid", "generate()", minimum=0)
        if avoid >= V:
            raise ValueError(f"generate(): argument 'avoid' must be a token id below {V}, but it is {avoid}.")
    logits, state = prime(model, prompt_ids)
    eye = np.eye(V, dtype=model.dtype)
    out = np.empty(length, dtype=np.int64)
    for t in range(length):
        p = next_distribution(logits, temperature)
        if avoid is not None and t < min_length:
            p[avoid] = 0.0
        out[t] = rng.choice(V, p=p / p.sum())
        state = model.cell.step(eye[out[t]][None, :], state)
        logits = model.head.forward(state[0][0])
    return out


def sample_text(model, vocab: Vocab, prompt: str, length: int, *, temperature: float = 1.0, seed: int = 0) -> str:
    """``prompt`` continued by ``length`` sampled characters (the prompt is not repeated)."""
    return vocab.decode(generate(model, vocab.encode(prompt), length, temperature=temperature, seed=seed))


def entropy_bits(p) -> float:
    """Entropy of a distribution p (V,) in bits."""
    p = np.asarray(p, dtype=np.float64)
    nz = p[p > 0]
    return float(-(nz * np.log2(nz)).sum())
