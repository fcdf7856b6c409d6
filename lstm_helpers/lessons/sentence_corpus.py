"""Notebook 08: a small language of animal sentences, a word-level LSTM trained on it, and the
measurements that fill the slides' table "Example: Processing a Sentence".

The language (several sentences in a row, every word a token, "." is a word)::

    The ANIMAL was STATE .                       e.g. "The cat was hungry ."
    The ANIMAL was STATE and SOUND .             e.g. "The dog was sleeping and barking ."

ANIMAL ∈ :data:`ANIMALS`, STATE ∈ :data:`STATES` (any animal, any state, uniformly), and
SOUND is the animal's own sound (:data:`SOUND_OF`: cat → purring, dog → barking, …). The
task is next-word prediction. Only one next word needs memory: after "and" the sound is fixed
by the subject of the CURRENT sentence, three words back ("The **cat** was hungry and ▶ purring"),
with a random state word in between. The subject of the previous sentence never helps, so a
model is free to drop it at "." (as the slides say) or to keep it until the new subject
overwrites it; which one a trained model does is measured, not assumed.

Shapes: a word list of length T is encoded as one-hot inputs (T, D), D = ``len(VOCAB)``;
a batch of B sequences is (T, B, D), **right-padded** with zero vectors, and the next-word
targets are (T, B) with :data:`~lstm_helpers.losses.IGNORE` at the last word and the padding.
Gate traces (:func:`trace`) are dicts of (T, H) arrays in slide notation: 'f_t', 'i_t',
'C_tilde_t', 'o_t', 'C_t', 'h_t'.

The vocabulary and encoding, the word model, gate traces and the probe come from :mod:`.sentences`
(shared with notebook 09); ``gate_means`` and ``GATE_KEYS`` from there are attributes here too.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..engine.activations import softmax_unchecked
from ..engine.losses import IGNORE
from ..engine.models import SequenceModel
from ..engine.train import History, train
from ..support.checks import check_array, check_int_array, check_number, check_size
from ..support.plots import OKABE_ITO
from .sentences import GATE_KEYS, gate_means  # noqa: F401 (notebook 08 calls sc.gate_means)
from .sentences import (Probe, Vocabulary, check_probe, check_word_model, gate_traces, label_signal, make_word_model,
                        selectivity, top_units)
from .sentences import fit_probe as fit_label_probe
from .sentences.draws import choice_rounds, id_batch

# ----------------------------------------------------------------------------- the language
ANIMALS = ("cat", "dog", "bird", "mouse")
STATES = ("hungry", "sleeping", "tired", "happy")
SOUNDS = ("purring", "barking", "singing", "squeaking")
SOUND_OF = dict(zip(ANIMALS, SOUNDS))
# tokenize() is case-insensitive ("the" → "The"); "." , ! ? ; : are words (only "." is in the vocabulary).
WORDS = Vocabulary(("The", *ANIMALS, "was", *STATES, "and", *SOUNDS, "."))
VOCAB = WORDS.words
D = len(VOCAB)
WORD_INDEX = WORDS.index
# Role of each word in its sentence (used to group measurements over a corpus).
ROLES = ("article", "subject", "verb", "state", "and", "sound", "stop")
ROLE_OF = {"The": "article", "was": "verb", "and": "and", ".": "stop",
           **{w: "subject" for w in ANIMALS}, **{w: "state" for w in STATES}, **{w: "sound" for w in SOUNDS}}
P_AND = 0.5                                   # probability that a sentence continues with "and SOUND"
DTYPE = np.float32    # the model's numbers (as frameworks train; findings are over seeds): half float64's work

# The slides' sentence and their illustrative gate values (slide "Example: Processing a Sentence").
SLIDE_TEXT = "The cat was hungry. The dog was sleeping."
SLIDE_TABLE = (  # word, forget gate, input gate, output gate, "cell state" column of the slide
    ("The", 0.9, 0.3, 0.2, "[article]"),
    ("cat", 0.8, 0.9, 0.8, "[cat, article]"),
    ("was", 0.9, 0.7, 0.9, "[cat, was]"),
    ("hungry", 0.8, 0.8, 0.7, "[cat, hungry]"),
    (".", 0.3, 0.4, 0.3, "[sentence end]"),
    ("The", 0.1, 0.8, 0.2, "[article]"),
    ("dog", 0.7, 0.9, 0.9, "[dog, article]"),
    ("was", 0.9, 0.8, 0.9, "[dog, was]"),
)


# ----------------------------------------------------------------------------- words
def tokenize(text: str) -> list[str]:
    """Words of ``text`` in the vocabulary's spelling ("the" → "The"); "." , ! ? ; : are words too.

    Words outside :data:`VOCAB` are kept as typed (see :func:`unknown_words`).
    """
    return WORDS.tokenize(text)


def unknown_words(words: Sequence[str]) -> list[str]:
    """The words of ``words`` (in order, without repeats) that are not in :data:`VOCAB`."""
    return WORDS.unknown_words(words)


def make_sentence(rng: np.random.Generator, *, p_and: float = P_AND) -> list[str]:
    """One sentence (5 or 7 words, ending with "."): The ANIMAL was STATE [and SOUND] ."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("make_sentence(): argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    p_and = check_number(p_and, "p_and", "make_sentence()", low=0, high=1)
    animal = ANIMALS[int(rng.integers(len(ANIMALS)))]
    words = ["The", animal, "was", STATES[int(rng.integers(len(STATES)))]]
    if rng.random() < p_and:
        words += ["and", SOUND_OF[animal]]
    return words + ["."]


def make_text(rng: np.random.Generator, n_sentences: int = 3, *, p_and: float = P_AND) -> list[str]:
    """``n_sentences`` sentences in a row, as one word list (5 to 7 words per sentence)."""
    n = check_size(n_sentences, "n_sentences", "make_text()")
    return [w for _ in range(n) for w in make_sentence(rng, p_and=p_and)]


def roles(words: Sequence[str]) -> list[str]:
    """The role (one of :data:`ROLES`) of every word."""
    return [ROLE_OF[w] for w in WORDS.check_words(words, "roles()")]


def subject_labels(words: Sequence[str]) -> np.ndarray:
    """The current sentence's subject at each word, (T,) ints: index into :data:`ANIMALS`.

    Defined from the subject itself up to the last word before "."; −1 where the current
    sentence has no subject yet ("The") and at "." (the sentence is over).
    """
    words = WORDS.check_words(words, "subject_labels()")
    out = np.full(len(words), -1, dtype=np.int64)
    current = -1
    for t, w in enumerate(words):
        if w in ANIMALS:
            current = ANIMALS.index(w)
        elif w in (".", "The"):
            current = -1
        out[t] = current
    return out


def next_word_targets(words: Sequence[str]) -> np.ndarray:
    """Targets (T,) of next-word prediction: index of word t+1 in :data:`VOCAB`; IGNORE at the last word."""
    words = WORDS.check_words(words, "next_word_targets()")
    out = np.full(len(words), IGNORE, dtype=np.int64)
    out[:-1] = [WORD_INDEX[w] for w in words[1:]]
    return out


# ----------------------------------------------------------------------------- encoding
def encode(words: Sequence[str], dtype=np.float64) -> np.ndarray:
    """One-hot inputs (T, D) of one word list."""
    return WORDS.encode([WORDS.check_words(words, "encode()")], dtype, where="encode()", name="words")[:, 0]


def encode_batch(texts: Sequence[Sequence[str]], *, length: int | None = None,
                 dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """B word lists -> one-hot inputs (T, B, D), right-padded with zeros, and next-word targets (T, B).

    T is ``length`` or the longest list. Targets are IGNORE at each list's last word and on padding.
    """
    texts = WORDS.check_word_lists(texts, "encode_batch()", "texts")
    x = WORDS.encode(texts, dtype, length=length, where="encode_batch()", name="texts")
    y = np.full(x.shape[:2], IGNORE, dtype=np.int64)
    for b, t in enumerate(texts):
        y[:len(t), b] = next_word_targets(t)
    return x, y


def corpus(seed: int, size: int, n_sentences: int = 3) -> list[list[str]]:
    """``size`` texts of ``n_sentences`` sentences from ``np.random.default_rng(seed)``."""
    rng = np.random.default_rng(check_size(seed, "seed", "corpus()", minimum=0))
    n = check_size(size, "size", "corpus()")
    return [make_text(rng, n_sentences) for _ in range(n)]


def batch_sampler(batch_size: int = 32, n_sentences: int = 3, dtype=np.float64):
    """A ``make_batch(rng) -> (x (T, B, D), targets (T, B))`` for :func:`lstm_helpers.train.train`.

    Every batch holds fresh texts of ``n_sentences`` sentences, padded to T = 7 · n_sentences: exactly
    ``encode_batch([make_text(rng, n_sentences) for _ in range(batch_size)], length=7 * n_sentences)`` from
    the same generator state, which it leaves in the same state, but built in a few array operations
    (:func:`~lstm_helpers.lessons.sentences.draws.choice_rounds`, ``id_batch``), about 30 times faster.
    """
    B = check_size(batch_size, "batch_size", "batch_sampler()")
    n = check_size(n_sentences, "n_sentences", "batch_sampler()")
    ids = np.array([WORD_INDEX[w] for w in ("The", ANIMALS[0], "was", STATES[0], "and", SOUNDS[0], ".")] * (B * n))
    ids, kept = ids.reshape(B, n, 7), np.ones((B, n, 7), dtype=bool)   # 7 slots a sentence; "and SOUND" kept or not
    animal_ids, state_ids, sound_ids = (np.array([WORD_INDEX[w] for w in ws]) for ws in (ANIMALS, STATES, SOUNDS))

    def make_batch(rng):
        drawn = choice_rounds(rng, B * n, (len(ANIMALS), len(STATES)))
        if drawn is None:                             # not a fresh PCG64: draw word by word (the same batch)
            return encode_batch([make_text(rng, n) for _ in range(B)], length=7 * n, dtype=dtype)
        animal, state, u = (v.reshape(B, n) for v in drawn)
        ids[..., 1], ids[..., 3], ids[..., 5] = animal_ids[animal], state_ids[state], sound_ids[animal]
        kept[..., 4] = kept[..., 5] = u < P_AND       # as make_sentence: rng.random() < p_and
        return id_batch(ids.reshape(B, 7 * n), kept.reshape(B, 7 * n), D, dtype)

    return make_batch


def sound_only(targets: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Targets (T, B) kept only where the input word is "and" (the next word is the subject's sound)."""
    x = check_array(x, "x", "sound_only()", shape=(None, None, D), dims=("T", "B", "D"))
    targets = check_int_array(targets, "targets", "sound_only()", shape=x.shape[:2], dims=("T", "B"),
                              high=D, allowed_extra=IGNORE)
    return np.where(x[..., WORD_INDEX["and"]] == 1.0, targets, IGNORE)


# ----------------------------------------------------------------------------- model and training
def _check_model(model, where: str) -> SequenceModel:
    return check_word_model(model, WORDS, where, output_size=D, readout="all", cells=("lstm",),
                            maker="sentence_corpus.make_model()")


def make_model(hidden_size: int = 16, *, seed: int = 0, dtype=DTYPE, **cell_kwargs) -> SequenceModel:
    """Word-level LSTM language model: ``SequenceModel('lstm', D, H, D, readout='all')``, logits (T, B, D)."""
    return make_word_model(WORDS, "lstm", hidden_size, D, readout="all", seed=seed, dtype=dtype, **cell_kwargs)


def train_model(model: SequenceModel, *, steps: int = 600, batch_size: int = 32, n_sentences: int = 3,
                lr: float = 2e-2, seed: int = 0, eval_size: int = 200, eval_every: int = 25,
                target_accuracy: float | None = 1.0, progress: bool = True, desc: str = "training") -> History:
    """Train next-word prediction with :func:`lstm_helpers.train.train` (Adam, clipping 1.0).

    The evaluation batch (``eval_size`` texts from seed ``seed + 1``) scores only the sound after
    "and", the one word that needs memory; training stops early once that accuracy reaches
    ``target_accuracy``. ``History.eval_accuracy`` is therefore the sound accuracy.
    """
    _check_model(model, "train_model()")
    x, y = encode_batch(corpus(seed + 1, eval_size, n_sentences), length=7 * n_sentences, dtype=model.dtype)
    return train(model, batch_sampler(batch_size, n_sentences, model.dtype), steps=steps, lr=lr, seed=seed,
                 eval_batch=(x, sound_only(y, x)), eval_every=eval_every, target_accuracy=target_accuracy,
                 progress=progress, desc=desc)


def evaluate(model: SequenceModel, texts: Sequence[Sequence[str]]) -> dict[str, float]:
    """Next-word scores on ``texts``: 'loss' (mean cross-entropy, nats), 'floor' (the language's
    entropy: the lowest loss any model can reach), 'accuracy' (all words), 'sound_accuracy'
    (after "and"; NaN if no text has an "and") and 'chance_sound' (1 / number of animals)."""
    x, y = encode_batch(texts, dtype=_check_model(model, "evaluate()").dtype)
    logits = model.logits(x)
    logp = np.log(softmax_unchecked(logits.astype(np.float64)))
    mask = y != IGNORE
    safe = np.where(mask, y, 0)
    nll = -np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    sound = sound_only(y, x) != IGNORE
    # entropy of the next word given the whole past, per input word
    h_of = {"The": np.log(len(ANIMALS)), "was": np.log(len(STATES)), **{s: np.log(2.0) for s in STATES}}
    words = [[VOCAB[k] for k in row] for row in x.argmax(-1).T]
    floor = np.array([[h_of.get(w, 0.0) for w in row] for row in words]).T
    right = logits.argmax(-1) == y
    return {"loss": float(nll[mask].mean()), "floor": float(floor[mask].mean()),
            "accuracy": float(right[mask].mean()),
            "sound_accuracy": float(right[sound].mean()) if sound.any() else float("nan"),
            "chance_sound": 1.0 / len(ANIMALS)}


def next_word_probabilities(model: SequenceModel, words: Sequence[str]) -> np.ndarray:
    """P(next word) after every word of one text, (T, D) over :data:`VOCAB`."""
    where = "next_word_probabilities()"
    x = encode(WORDS.check_words(words, where), _check_model(model, where).dtype)
    return softmax_unchecked(model.logits(x[:, None, :])[:, 0].astype(np.float64))


# ----------------------------------------------------------------------------- gate traces
def trace(model: SequenceModel, words: Sequence[str]) -> dict[str, np.ndarray]:
    """Run the model's LSTM over one text from zero state: 'f_t', 'i_t', 'C_tilde_t', 'o_t', 'C_t',
    'h_t' each (T, H) float64, plus 'C_prev' (C_{t−1}, (T, H)) (and 'word', 'text', 'pos' (T,))."""
    words = WORDS.check_words(words, "trace()")
    return gate_traces(_check_model(model, "trace()"), WORDS, [words], where="trace()", name="words")


def corpus_traces(model: SequenceModel, texts: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
    """Gate traces of many texts at once: every key of :func:`trace` as (N, H) over all N words,
    plus 'word' (N,) indices into VOCAB, 'role' (N,) indices into ROLES, 'subject' (N,) from
    :func:`subject_labels`, 'text' (N,) and 'pos' (N,) (which text, which word)."""
    out = gate_traces(_check_model(model, "corpus_traces()"), WORDS, texts, where="corpus_traces()", name="texts")
    out["role"] = np.concatenate([[ROLES.index(ROLE_OF[w]) for w in t] for t in texts])
    out["subject"] = np.concatenate([subject_labels(t) for t in texts])
    return out


# ----------------------------------------------------------------------------- which units hold the subject
def subject_selectivity(C, subjects) -> np.ndarray:
    """How much of each unit's variance the current subject explains (η², 0 … 1), shape (H,).

    Args:
        C: cell states (N, H).  subjects: (N,) labels; positions with −1 are left out.
    η²[u] = Σ_s n_s (mean_s − mean)² / Σ (C[:, u] − mean)²: 1 = the unit is a pure subject code.
    """
    return selectivity(C, subjects, len(ANIMALS), where="subject_selectivity()", name="subjects")


def subject_units(C, subjects, k: int = 3) -> np.ndarray:
    """Indices (k,) of the k units whose cell state is most tied to the subject (largest η²)."""
    return top_units(C, subjects, len(ANIMALS), k, where="subject_units()", name="subjects")


# ----------------------------------------------------------------------------- linear probe: what C_t holds
def fit_probe(C, subjects, *, steps: int = 300, lr: float = 0.1, l2: float = 1e-3) -> Probe:
    """Fit a :class:`Probe` of the subject, P(subject | C_t) over :data:`ANIMALS` (multinomial logistic
    regression, full-batch Adam from the least-squares fit, deterministic).

    Args:
        C: cell states (N, H).  subjects: (N,) labels in 0 … K−1, or −1 for positions left out.
    """
    return fit_label_probe(C, subjects, ANIMALS, steps=steps, lr=lr, l2=l2, name="subjects")


def probe_readout(probe: Probe, C) -> list[tuple[str, float]]:
    """(top subject, its probability) of the probe at each cell state C (T, H)."""
    return check_probe(probe, "probe_readout()").readout(C)


# ----------------------------------------------------------------------------- what happens at "."
BOUNDARY = ("last word", ".", "The", "new subject", "was")   # positions around a sentence boundary


def boundary_profile(model: SequenceModel, texts: Sequence[Sequence[str]], probe: Probe, units) -> dict:
    """Averages over every boundary between two sentences of ``texts`` (positions :data:`BOUNDARY`:
    the last word of sentence k, its ".", then "The", the subject and "was" of sentence k+1).

    Returns dict of arrays (len(BOUNDARY),):
        'f_all', 'i_all', 'o_all'   mean gate over all units;
        'f_sub', 'i_sub', 'o_sub'   mean gate over ``units`` (the subject units);
        'erase_sub'  mean |(1 − f_t) ⊙ C_{t−1}| on ``units``: how much cell content the forget gate removes;
        'write_sub'  mean |i_t ⊙ C̃_t| on ``units``: how much the input gate writes;
        'p_old', 'p_new'  the probe's probability of the old subject (sentence k) and of the new
                          one (sentence k+1), only over boundaries whose two subjects differ;
    and 'n' (number of boundaries), 'n_differ'.
    """
    check_probe(probe, "boundary_profile()")
    tr = corpus_traces(model, texts)
    H = tr["C_t"].shape[1]
    units = check_int_array(np.asarray(units), "units", "boundary_profile()", high=H)
    P = probe.probabilities(tr["C_t"])
    rows = {k: [] for k in ("f_all", "i_all", "o_all", "f_sub", "i_sub", "o_sub", "erase_sub", "write_sub")}
    p_old, p_new = [], []
    for j, idx in _boundaries(tr):
        for g in ("f", "i", "o"):
            rows[f"{g}_all"].append(tr[f"{g}_t"][idx].mean(axis=1))
            rows[f"{g}_sub"].append(tr[f"{g}_t"][idx][:, units].mean(axis=1))
        rows["erase_sub"].append(np.abs((1 - tr["f_t"][idx]) * tr["C_prev"][idx])[:, units].mean(axis=1))
        rows["write_sub"].append(np.abs(tr["i_t"][idx] * tr["C_tilde_t"][idx])[:, units].mean(axis=1))
        old, new = tr["subject"][j - 1], tr["subject"][j + 2]
        if old != new:
            p_old.append(P[idx, old])
            p_new.append(P[idx, new])
    out = {k: np.mean(v, axis=0) for k, v in rows.items()}
    out["p_old"], out["p_new"] = np.mean(p_old, axis=0), np.mean(p_new, axis=0)
    out["n"], out["n_differ"] = len(rows["f_all"]), len(p_old)
    return out


# ----------------------------------------------------------------------------- display
def format_gate_table(words: Sequence[str], measured, subject_measured, readout) -> str:
    """The slides' table with measured values beside the slide's (text for printing, no prose).

    Args:
        words: the T words.  measured, subject_measured: (T, 3) from :func:`gate_means` (all units,
        subject units).  readout: T pairs (subject, probability) from :func:`probe_readout`.
    Rows beyond the slide's eight words show '—' for the slide.
    """
    words = WORDS.check_words(words, "format_gate_table()")
    T = len(words)
    if len(readout) != T:
        raise ValueError(f"format_gate_table(): argument 'readout' must hold one (subject, p) per word ({T}), "
                         f"but it holds {len(readout)}.")
    measured = check_array(measured, "measured", "format_gate_table()", shape=(T, 3), dims=("T", "3"))
    subject_measured = check_array(subject_measured, "subject_measured", "format_gate_table()",
                                   shape=(T, 3), dims=("T", "3"))
    head = (f"{'':>3s} {'word':<8s}|{'forget f_t':^20s}|{'input i_t':^20s}|{'output o_t':^20s}| "
            f"{'cell state C_t':<32s}")
    sub = (f"{'':>3s} {'':<8s}|" + f"{'slide':>6s}{'mean':>7s}{'subj':>7s}|" * 3
           + f" {'slide':<16s}{'probe says':<16s}")
    lines = [head, sub, "-" * len(sub)]
    for t, w in enumerate(words):
        row = SLIDE_TABLE[t] if t < len(SLIDE_TABLE) and SLIDE_TABLE[t][0] == w else None
        cells = []
        for g in range(3):
            slide = f"{row[1 + g]:.1f}" if row else "—"
            cells.append(f"{slide:>6s}{measured[t, g]:>7.2f}{subject_measured[t, g]:>7.2f}|")
        subj, p = readout[t]
        lines.append(f"{t:>3d} {w:<8s}|" + "".join(cells)
                     + f" {(row[4] if row else '—'):<16s}{subj} {p:.2f}")
    return "\n".join(lines)


def _boundaries(tr: Mapping[str, np.ndarray]):
    """(j, idx) of every boundary between two sentences of a :func:`corpus_traces`: j the position of
    its ".", idx (len(BOUNDARY),) the positions :data:`BOUNDARY` (the last sentence of a text has none)."""
    N = len(tr["word"])
    for j in np.flatnonzero(tr["word"] == WORD_INDEX["."]):
        idx = np.arange(j - 1, j + 4)
        if idx[-1] < N and tr["text"][idx[-1]] == tr["text"][j]:
            yield j, idx


def _boundary_states(model: SequenceModel, texts: Sequence[Sequence[str]]):
    """Cell states at the :data:`BOUNDARY` positions of every boundary, (n, len(BOUNDARY), H), the
    old subject (n,) (of the sentence that ends) and the new subject (n,)."""
    tr = corpus_traces(model, texts)
    states, old, new = [], [], []
    for j, idx in _boundaries(tr):
        states.append(tr["C_t"][idx])
        old.append(tr["subject"][j - 1])
        new.append(tr["subject"][j + 2])
    return np.array(states), np.array(old, dtype=np.int64), np.array(new, dtype=np.int64)


def old_subject_decodability(model: SequenceModel, train_texts: Sequence[Sequence[str]],
                             test_texts: Sequence[Sequence[str]]) -> np.ndarray:
    """Can the OLD subject still be read from C_t around a boundary? Accuracy (len(BOUNDARY),).

    At each position of :data:`BOUNDARY` a fresh :class:`Probe` is fitted to predict the subject
    of the sentence that ends from C_t on ``train_texts`` and scored on ``test_texts``. Chance is
    about 1/len(ANIMALS); near 1 means the information is still in the cell (erased = chance).
    """
    S_tr, y_tr, _ = _boundary_states(model, train_texts)
    S_te, y_te, _ = _boundary_states(model, test_texts)
    if len(y_tr) == 0 or len(y_te) == 0:
        raise ValueError("old_subject_decodability(): the texts need at least two sentences each.")
    acc = np.empty(len(BOUNDARY))
    for k in range(len(BOUNDARY)):
        probe = fit_probe(S_tr[:, k], y_tr)
        acc[k] = float((probe.probabilities(S_te[:, k]).argmax(axis=1) == y_te).mean())
    return acc


def subject_signal(model: SequenceModel, texts: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
    """How LARGE the old and the new subject's imprint on C_t is around a boundary.

    For each position of :data:`BOUNDARY`, the cell states of all boundaries are grouped by the old
    subject (resp. the new one) and :func:`~lstm_helpers.lessons.sentences.label_signal` measures how
    much the group means differ (root-mean-square, corrected for chance). It is in the units of C_t,
    and about 0 when the subject leaves no trace.

    Returns dict 'old', 'new' of shape (len(BOUNDARY),) and 'n' (number of boundaries).
    """
    S, old, new = _boundary_states(model, texts)
    if len(old) == 0:
        raise ValueError("subject_signal(): the texts need at least two sentences each.")
    return {"old": label_signal(S, old), "new": label_signal(S, new), "n": len(old)}


def format_boundary(rows: Mapping[str, np.ndarray], fmt: str = "{:.2f}") -> str:
    """Rows of numbers over the :data:`BOUNDARY` positions as aligned text: {label: array (5,)}."""
    w0 = max(len(k) for k in rows)
    w = max(len(b) for b in BOUNDARY) + 2
    lines = [" " * w0 + "".join(f"{b:>{w}s}" for b in BOUNDARY)]
    for label, values in rows.items():
        values = check_array(np.asarray(values, dtype=np.float64), f"rows[{label!r}]", "format_boundary()",
                             shape=(len(BOUNDARY),), dims=("positions",))
        lines.append(f"{label:<{w0}s}" + "".join(f"{fmt.format(v):>{w}s}" for v in values))
    return "\n".join(lines)


# ----------------------------------------------------------------------------- figures
def plot_slide_comparison(axes, words: Sequence[str], measured, subject_measured) -> None:
    """Three panels (f_t, i_t, o_t) over the words: the slide's illustrative value, the measured mean
    over all units and over the subject units. ``axes``: 3 matplotlib axes; measured arrays (T, 3)."""

    T = len(words)
    measured = check_array(measured, "measured", "plot_slide_comparison()", shape=(T, 3), dims=("T", "3"))
    subject_measured = check_array(subject_measured, "subject_measured", "plot_slide_comparison()",
                                   shape=(T, 3), dims=("T", "3"))
    n = min(T, len(SLIDE_TABLE))
    slide = np.array([row[1:4] for row in SLIDE_TABLE[:n]], dtype=float)
    x = np.arange(T)
    names = ("forget gate f_t", "input gate i_t", "output gate o_t")
    for g, ax in enumerate(np.ravel(axes)):
        ax.plot(x[:n], slide[:, g], "s--", color=OKABE_ITO["black"], label="slide (illustrative)")
        ax.plot(x, measured[:, g], "o-", color=OKABE_ITO["blue"], label="measured: mean of all units")
        ax.plot(x, subject_measured[:, g], "^-", color=OKABE_ITO["vermillion"], label="measured: subject units")
        ax.set_xticks(x, words, rotation=45)
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(names[g])
        ax.set_xlabel("word")
        ax.set_ylabel("gate value")
    np.ravel(axes)[0].legend(loc="lower left", fontsize=8)


def plot_boundary(axes, profile: Mapping[str, np.ndarray], signal: Mapping[str, np.ndarray]) -> None:
    """Three panels over the :data:`BOUNDARY` positions (corpus averages): the gates, what the forget
    gate erases vs what the input gate writes on the subject units, and the old/new subject's
    signal in C_t. ``profile`` from :func:`boundary_profile`, ``signal`` from :func:`subject_signal`."""

    a, b, c = np.ravel(axes)
    x = np.arange(len(BOUNDARY))
    a.plot(x, profile["f_all"], "o-", color=OKABE_ITO["blue"], label="f_t, mean of all units")
    a.plot(x, profile["f_sub"], "^-", color=OKABE_ITO["vermillion"], label="f_t, subject units")
    a.plot(x, profile["i_sub"], "s:", color=OKABE_ITO["bluish_green"], label="i_t, subject units")
    a.set_ylim(-0.03, 1.03)
    a.set_title("Gates around a sentence boundary")
    a.set_ylabel("gate value")
    b.plot(x, profile["erase_sub"], "^-", color=OKABE_ITO["vermillion"], label=r"erased: $|(1 - f_t) \odot C_{t-1}|$")
    b.plot(x, profile["write_sub"], "s:", color=OKABE_ITO["bluish_green"], label=r"written: $|i_t \odot \tilde{C}_t|$")
    b.set_title("Subject units: erased vs written")
    b.set_ylabel("mean size per unit")
    c.plot(x, signal["old"], "o-", color=OKABE_ITO["orange"], label="old subject (sentence k)")
    c.plot(x, signal["new"], "s-", color=OKABE_ITO["sky_blue"], label="new subject (sentence k+1)")
    c.set_title("How strongly C_t encodes each subject")
    c.set_ylabel("subject signal in C_t")
    for ax in (a, b, c):
        ax.set_xticks(x, BOUNDARY, rotation=30)
        ax.set_xlabel("position around the boundary")
        ax.legend(fontsize=8)
    b.set_ylim(bottom=0.0)
    c.set_ylim(bottom=0.0)
