"""Melodies for music generation: a seeded corpus from a small grammar, baselines, piano roll, sound.

A melody is a list of MIDI pitches, one note per beat (every note has the same length). It is
written in a major key by a grammar of phrases over scale degrees (degree 0 = the tonic):

    melody   := phrase phrase phrase cadence
    phrase   := run_up | run_down | arpeggio | sequence
    run_up   := 5-8 consecutive degrees upwards      (a scale)
    run_down := 5-8 consecutive degrees downwards
    arpeggio := root, 3rd, 5th, octave, 5th, 3rd of the chord on degree 0, 3 or 4 (I, IV or V)
    sequence := a 3-note motif played 3 times, each time one degree higher
    cadence  := degrees 4, 3, 2, 1, 0 (down to the tonic), held

Keys are C, D, F and G major. Tokens: 0 is :data:`REST` (the boundary between melodies),
token k ≥ 1 is MIDI pitch ``LOW + k - 1``. A model that predicts the next note must know the
key (which semitones exist) and the phrase it is in (direction, motif): more than one note back.

Baselines: :func:`ngram_accuracy` (the most frequent next note after the last one or two) and
:class:`NgramSampler`, which continues a melody by *sampling* from n-gram counts exactly as
:func:`continue_melody` samples from the LSTM (same temperature, same stopping rule): the fair
baseline for what a continuation looks like.
"""
from __future__ import annotations

import numpy as np

from ..support.checks import check_int_array, check_number, check_size
from .charlm import generate

MAJOR = (0, 2, 4, 5, 7, 9, 11)          # semitones of the major scale
KEYS = {"C": 60, "D": 62, "F": 65, "G": 67}
LOW, HIGH = 55, 86                      # MIDI range of the tokens (G3 .. D6)
REST = 0
VOCAB_SIZE = HIGH - LOW + 2             # REST + one token per pitch
PHRASES = ("run_up", "run_down", "arpeggio", "sequence")
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
TRAIN_SEED, VALID_SEED = 11, 12


def degree_to_midi(tonic: int, degree: int) -> int:
    """MIDI pitch of scale ``degree`` (any integer; 7 = one octave up) in the major key on ``tonic``."""
    octave, step = divmod(int(degree), 7)
    return int(tonic) + 12 * octave + MAJOR[step]


def note_name(midi: int) -> str:
    """60 -> 'C4'."""
    return f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def _phrase(rng: np.random.Generator, kind: str) -> list[int]:
    """Scale degrees of one phrase."""
    if kind == "run_up":
        start, n = int(rng.integers(-2, 3)), int(rng.integers(5, 9))
        return list(range(start, start + n))
    if kind == "run_down":
        start, n = int(rng.integers(5, 10)), int(rng.integers(5, 9))
        return list(range(start, start - n, -1))
    if kind == "arpeggio":
        root = int(rng.choice([0, 3, 4]))
        return [root + d for d in (0, 2, 4, 7, 4, 2)]
    steps = rng.integers(-1, 3, 2)                       # sequence: motif of 3 notes, moved up twice
    motif = [0, int(steps[0]), int(steps[0] + steps[1])]
    start = int(rng.integers(0, 3))
    return [start + shift + m for shift in range(3) for m in motif]


def make_melody(rng: np.random.Generator, key: str | None = None) -> tuple[str, list[str], list[int]]:
    """One melody from the grammar: (key, phrase kinds, MIDI pitches)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("make_melody(): argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    if key is None:
        key = str(rng.choice(list(KEYS)))
    elif key not in KEYS:
        raise ValueError(f"make_melody(): argument 'key' must be one of {', '.join(map(repr, KEYS))}, but it is {key!r}.")
    kinds = [str(k) for k in rng.choice(PHRASES, 3)]
    degrees = [d for k in kinds for d in _phrase(rng, k)] + [4, 3, 2, 1, 0, 0]
    return key, kinds + ["cadence"], [degree_to_midi(KEYS[key], d) for d in degrees]


def corpus(num_melodies: int, seed: int) -> list[tuple[str, list[str], list[int]]]:
    """``num_melodies`` melodies from ``np.random.default_rng(seed)``."""
    n = check_size(num_melodies, "num_melodies", "corpus()")
    rng = np.random.default_rng(check_size(seed, "seed", "corpus()", minimum=0))
    return [make_melody(rng) for _ in range(n)]


def to_tokens(pitches) -> np.ndarray:
    """MIDI pitches (N,) -> tokens (N,) (pitch − LOW + 1)."""
    p = check_int_array(np.asarray(pitches), "pitches", "to_tokens()", low=LOW, high=HIGH + 1)
    return (p - LOW + 1).astype(np.int64)


def to_pitches(tokens) -> np.ndarray:
    """Tokens (N,) -> MIDI pitches (N,), with 0 where the token is REST."""
    t = check_int_array(np.asarray(tokens), "tokens", "to_pitches()", high=VOCAB_SIZE)
    return np.where(t == REST, 0, t + LOW - 1).astype(np.int64)


def stream(melodies) -> np.ndarray:
    """Melodies -> one token stream (N,): REST, melody, REST, melody, ..."""
    parts = []
    for _, _, pitches in melodies:
        parts += [np.array([REST]), to_tokens(pitches)]
    return np.concatenate(parts)


def ngram_accuracy(train_ids, x_ids, y_ids, order: int = 2) -> float:
    """Accuracy of the most frequent next token given the previous ``order − 1`` tokens (counted in ``train_ids``).

    ``x_ids`` (T, B) are the inputs and ``y_ids`` (T, B) the next tokens; order 1 predicts the most
    frequent token everywhere, order 2 uses x_t, order 3 uses x_{t-1}, x_t (within each column;
    the first step of a column then falls back to order 2). Unseen contexts predict the most frequent token.
    """
    where = "ngram_accuracy()"
    order = check_size(order, "order", where)
    if order > 3:
        raise ValueError(f"{where}: argument 'order' must be 1, 2 or 3, but it is {order}.")
    V = VOCAB_SIZE
    tr = check_int_array(np.asarray(train_ids), "train_ids", where, high=V)
    x = check_int_array(np.asarray(x_ids), "x_ids", where, high=V)
    y = check_int_array(np.asarray(y_ids), "y_ids", where, shape=x.shape, high=V)
    uni = np.bincount(tr, minlength=V).argmax()
    if order == 1:
        return float((y == uni).mean())
    bi = np.zeros((V, V))
    np.add.at(bi, (tr[:-1], tr[1:]), 1.0)
    pred = np.where(bi.sum(1) > 0, bi.argmax(1), uni)[x]
    if order == 3:
        tri = np.zeros((V * V, V))
        np.add.at(tri, (tr[:-2] * V + tr[1:-1], tr[2:]), 1.0)
        table = np.where(tri.sum(1) > 0, tri.argmax(1), -1)
        p3 = table[x[:-1] * V + x[1:]]
        pred[1:] = np.where(p3 >= 0, p3, pred[1:])
    return float((pred == y).mean())


def plot_piano_roll(ax, segments, *, title="Piano roll", beat_seconds: float | None = None):
    """Draw melodies as bars on a pitch-over-time grid.

    Args:
        segments: list of ``(label, start_beat, pitches, colour)``; pitches (N,) are MIDI numbers
            (0 = rest, not drawn); note k of a segment spans beats [start + k, start + k + 1).
        beat_seconds: if given, the x-axis is labelled in seconds as well (in the label text).
    """
    lo, hi = 10 ** 9, -1
    for label, start, pitches, colour in segments:
        pitches = np.asarray(pitches)
        for k, p in enumerate(pitches):
            if p > 0:
                ax.broken_barh([(start + k + 0.05, 0.9)], (p - 0.4, 0.8), facecolors=colour)
        if (pitches > 0).any():
            lo, hi = min(lo, int(pitches[pitches > 0].min())), max(hi, int(pitches.max()))
        ax.plot([], [], "s", color=colour, label=label, ms=8)
    ticks = list(range(lo, hi + 1))
    ax.set_yticks(ticks, [note_name(m) for m in ticks], fontsize=8)
    ax.set_ylim(lo - 1.5, hi + 1.5)
    unit = "beat" if beat_seconds is None else f"beat ({beat_seconds:.2f} s each)"
    ax.set_xlabel(unit)
    ax.set_ylabel("pitch")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def synthesize(pitches, *, note_seconds: float = 0.2, rate: int = 8000) -> np.ndarray:
    """MIDI pitches (N,) -> a waveform (N · note_seconds · rate,) in [−1, 1] (0 = rest: silence).

    Each note is a sine at 440·2^((m − 69)/12) Hz with two weaker harmonics, a 5 ms attack and an
    exponential decay, so consecutive notes do not click.
    """
    where = "synthesize()"
    p = check_int_array(np.asarray(pitches), "pitches", where, high=128)
    note_seconds = check_number(note_seconds, "note_seconds", where, low=0.02, high=5.0)
    rate = check_size(rate, "rate", where, minimum=1000)
    n = int(round(note_seconds * rate))
    t = np.arange(n) / rate
    envelope = np.minimum(1.0, t / 0.005) * np.exp(-3.0 * t / note_seconds)
    out = np.zeros((len(p), n))
    for k, m in enumerate(p.ravel()):
        if m > 0:
            f = 440.0 * 2.0 ** ((m - 69) / 12)
            out[k] = envelope * (np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t)
                                 + 0.1 * np.sin(6 * np.pi * f * t)) / 1.4
    return out.ravel()


def continue_melody(model, pitches, num_notes: int, *, temperature: float = 1.0, seed: int = 0,
                    min_notes: int = 0) -> np.ndarray:
    """Sample up to ``num_notes`` further notes after ``pitches`` (MIDI, (N,)) with the model, state carried
    step by step (:func:`lstm_helpers.charlm.generate`). Stops before the first REST (the melody's end);
    REST cannot be drawn for the first ``min_notes`` notes.

    Returns MIDI pitches (M,), min(min_notes, num_notes) ≤ M ≤ num_notes.
    """

    tokens = generate(model, np.concatenate([[REST], to_tokens(pitches)]), num_notes,
                      temperature=temperature, seed=seed, avoid=REST, min_length=min_notes)
    rest = np.flatnonzero(tokens == REST)
    if rest.size:
        tokens = tokens[:rest[0]]
    return to_pitches(tokens) if tokens.size else np.zeros(0, dtype=np.int64)


class NgramSampler:
    """Continue melodies by sampling from n-gram counts of a training stream: the baseline of :func:`continue_melody`.

    The counts of ``train_ids`` (tokens (N,), e.g. :func:`stream` of the training melodies) give, for the
    last ``order − 1`` tokens, how often each token came next. A context never seen in training backs off
    to the shorter one (trigram -> bigram -> unigram). Sampling is the LSTM's: p ∝ P(next | context)^(1/temperature)
    (the softmax of log P / temperature), one draw per note with ``np.random.default_rng(seed)``.

    Args: train_ids (N,) tokens below :data:`VOCAB_SIZE`; order 1, 2 or 3.
    Attributes: order; counts: a list of ``order`` arrays, counts[n] of shape (V**n, V) for contexts of n tokens.
    """

    def __init__(self, train_ids, order: int = 3):
        where = "NgramSampler()"
        order = check_size(order, "order", where)
        if order > 3:
            raise ValueError(f"{where}: argument 'order' must be 1, 2 or 3, but it is {order}.")
        tr = check_int_array(np.asarray(train_ids), "train_ids", where, shape=(None,), dims=("N",), high=VOCAB_SIZE)
        if tr.size < order:
            raise ValueError(f"{where}: argument 'train_ids' needs at least {order} tokens, but it has {tr.size}.")
        V = VOCAB_SIZE
        self.order = order
        self.counts = []
        for n in range(order):                      # n tokens of context
            table = np.zeros((V ** n, V))
            ctx = np.zeros(tr.size - n, dtype=np.int64)
            for k in range(n):
                ctx = ctx * V + tr[k:tr.size - n + k]
            np.add.at(table, (ctx, tr[n:]), 1.0)
            self.counts.append(table)

    def distribution(self, context, *, avoid: int | None = None) -> np.ndarray:
        """P(next token | the last order − 1 tokens of ``context``) (V,), backing off to shorter contexts
        that were seen in training (and, with ``avoid``, that give some other token a non-zero count)."""
        ctx = check_int_array(np.asarray(context), "context", "NgramSampler.distribution()", shape=(None,),
                              dims=("N",), high=VOCAB_SIZE)
        for n in range(min(self.order - 1, ctx.size), -1, -1):
            index = 0
            for tok in ctx[ctx.size - n:]:
                index = index * VOCAB_SIZE + int(tok)
            row = self.counts[n][index].copy()
            if avoid is not None:
                row[avoid] = 0.0
            if row.sum() > 0:
                return row / row.sum()
        raise ValueError("NgramSampler.distribution(): the training stream has no token to draw.")

    def continue_melody(self, pitches, num_notes: int, *, temperature: float = 1.0, seed: int = 0,
                        min_notes: int = 0) -> np.ndarray:
        """Sample up to ``num_notes`` notes after ``pitches`` (MIDI (N,)), as :func:`continue_melody` does with a
        model: the context starts with REST, REST cannot be drawn for the first ``min_notes`` notes, and the
        continuation stops before the first REST. Returns MIDI pitches (M,), M ≤ num_notes."""
        where = "NgramSampler.continue_melody()"
        num_notes = check_size(num_notes, "num_notes", where)
        temperature = check_number(temperature, "temperature", where, low=1e-3, high=100.0)
        rng = np.random.default_rng(check_size(seed, "seed", where, minimum=0))
        min_notes = check_size(min_notes, "min_notes", where, minimum=0)
        context = list(np.concatenate([[REST], to_tokens(pitches)]))
        out = []
        for t in range(num_notes):
            p = self.distribution(context[-max(self.order - 1, 1):],
                                  avoid=REST if t < min_notes else None)
            p = p ** (1.0 / temperature)
            token = int(rng.choice(VOCAB_SIZE, p=p / p.sum()))
            if token == REST:
                break
            out.append(token)
            context.append(token)
        return to_pitches(np.array(out, dtype=np.int64)) if out else np.zeros(0, dtype=np.int64)


def in_key_fraction(pitches, key: str) -> float:
    """Fraction of the (non-rest) pitches that belong to the major scale of ``key`` (nan if there are none)."""
    if key not in KEYS:
        raise ValueError(f"in_key_fraction(): argument 'key' must be one of {', '.join(map(repr, KEYS))}, but it is {key!r}.")
    p = check_int_array(np.asarray(pitches), "pitches", "in_key_fraction()", high=128)
    p = p[p > 0]
    if p.size == 0:
        return float("nan")
    scale = {(KEYS[key] + s) % 12 for s in MAJOR}
    return float(np.mean([q % 12 in scale for q in p]))
