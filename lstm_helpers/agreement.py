"""Subject–verb agreement (notebook 09): "The **cat** that chased the mice … **was** hungry."

The task of Linzen, Dupoux & Goldberg (2016) in a small synthetic language: read the words
*before* the verb and predict whether the verb is singular (``was``, class 0) or plural
(``were``, class 1). The verb must agree with the **subject** (the first noun), not with the
nouns in between.

Grammar (every sentence)::

    the N_subj  M_1 … M_k  was|were  PREDICATE          k = 0 … 3 modifiers

Each modifier attaches to the noun just before it and holds exactly one noun:

    "that" V_trans "the" N        e.g. "that chased the mice"       (4 words)
    "that" V_intr P "the" N       e.g. "that sat on the table"      (5 words)
    P "the" N                     e.g. "near the dogs"              (3 words)

Verbs inside the modifiers are past tense ("chased", "ate", "sat") so they carry no number;
the only cue is the subject noun. Metadata of a sentence:

    distance    index(verb) − index(subject) in words ("the cat was": 1)
    attractors  nouns between subject and verb whose number differs from the subject's

Shapes: a batch of B word lists of lengths ≤ T is encoded as one-hot inputs x (T, B, D),
D = ``len(VOCAB)``, **left-padded** with all-zero vectors so that the last step of every
sequence is its last word (the read-out 'last' of :class:`~lstm_helpers.models.SequenceModel`
then scores h_T right before the verb); labels y (B,) are 0 (was) or 1 (were).
"""
from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .activations import _softmax
from .checks import check_size
from .models import SequenceModel
from .train import History, train

# ----------------------------------------------------------------------------- the language
NOUN_PAIRS = (("cat", "cats"), ("dog", "dogs"), ("mouse", "mice"), ("cheese", "cheeses"), ("table", "tables"),
              ("bird", "birds"), ("child", "children"), ("box", "boxes"))
TRANSITIVE_VERBS = ("chased", "ate", "saw", "liked", "followed")
INTRANSITIVE_VERBS = (("sat", "on"), ("slept", "near"), ("hid", "under"), ("ran", "to"))
PREPOSITIONS = ("on", "near", "under", "behind")
VERBS = ("was", "were")              # class 0 = singular, class 1 = plural
PREDICATES = ("hungry", "sleeping", "tired", "happy", "here")
MODIFIER_KINDS = ("that_transitive", "that_intransitive", "preposition")
MAX_MODIFIERS = 3              # in the training data
LONGEST = 6                    # make_sentence() accepts up to this many (longer test sentences)

SINGULAR, PLURAL = 0, 1
NUMBER_NAMES = ("singular", "plural")
NOUN_NUMBER = {n: num for pair in NOUN_PAIRS for num, n in enumerate(pair)}   # word -> 0 / 1
NOUN_LEMMA = {n: pair[0] for pair in NOUN_PAIRS for n in pair}                 # word -> singular form


def _vocab() -> tuple[str, ...]:
    words = ["the", "that"]
    words += [n for pair in NOUN_PAIRS for n in pair]
    words += list(TRANSITIVE_VERBS) + [v for v, _ in INTRANSITIVE_VERBS]
    for p in PREPOSITIONS + tuple(p for _, p in INTRANSITIVE_VERBS):
        if p not in words:
            words.append(p)
    return tuple(words)


VOCAB = _vocab()                                  # the words a model reads (those before the verb)
WORD_INDEX = {w: k for k, w in enumerate(VOCAB)}

# The slides' sentence and variants with attractors (words before the verb are what the models read).
SLIDE_SENTENCE = "The cat that chased the mouse that ate the cheese that sat on the table was hungry."
SLIDE_VARIANTS = {
    "slide (no attractor)": SLIDE_SENTENCE,
    "mice, cheeses (last noun singular)": "The cat that chased the mice that ate the cheeses that sat on the table was hungry.",
    "mice, cheeses, tables (last noun plural)":
        "The cat that chased the mice that ate the cheeses that sat on the tables was hungry.",
    "plural subject, singular nouns": "The cats that chased the mouse that ate the cheese that sat on the table were hungry.",
}


@dataclass(frozen=True)
class Sentence:
    """One agreement sentence and its metadata.

    Attributes:
        words: every word, verb and predicate included.  verb_index: position of was/were.
        label: 0 (was, singular subject) or 1 (were, plural subject).
        distance: verb_index − subject index (the subject is word 1).  attractors: see module doc.
        modifiers: number of modifiers k (0 … 3).
    """

    words: tuple[str, ...]
    verb_index: int
    label: int
    distance: int
    attractors: int
    modifiers: int

    @property
    def prefix(self) -> tuple[str, ...]:
        """The words before the verb: what a model reads."""
        return self.words[:self.verb_index]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _noun(lemma_index: int, number: int) -> str:
    return NOUN_PAIRS[lemma_index][number]


def make_sentence(rng: np.random.Generator, modifiers: int, attractors: int | None = None) -> Sentence:
    """One random sentence with ``modifiers`` modifiers (0 … :data:`LONGEST`).

    Args:
        attractors: exactly this many modifier nouns get the other number than the subject
            (0 … modifiers); None draws every noun's number independently (probability 1/2).
    """
    where = "make_sentence()"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    k = check_size(modifiers, "modifiers", where, minimum=0)
    if k > LONGEST:
        raise ValueError(f"{where}: argument 'modifiers' must be at most {LONGEST}, but it is {k}.")
    number = int(rng.integers(2))
    if attractors is None:
        other = rng.integers(2, size=k).astype(bool)
    else:
        a = check_size(attractors, "attractors", where, minimum=0)
        if a > k:
            raise ValueError(f"{where}: argument 'attractors' must be at most modifiers = {k}, but it is {a}.")
        other = np.zeros(k, dtype=bool)
        other[rng.permutation(k)[:a]] = True
    lemmas = rng.permutation(len(NOUN_PAIRS))[:k + 1]        # distinct nouns in one sentence
    words = ["the", _noun(int(lemmas[0]), number)]
    for m in range(k):
        noun = _noun(int(lemmas[m + 1]), 1 - number if other[m] else number)
        kind = MODIFIER_KINDS[int(rng.integers(len(MODIFIER_KINDS)))]
        if kind == "that_transitive":
            words += ["that", TRANSITIVE_VERBS[int(rng.integers(len(TRANSITIVE_VERBS)))], "the", noun]
        elif kind == "that_intransitive":
            verb, prep = INTRANSITIVE_VERBS[int(rng.integers(len(INTRANSITIVE_VERBS)))]
            words += ["that", verb, prep, "the", noun]
        else:
            words += [PREPOSITIONS[int(rng.integers(len(PREPOSITIONS)))], "the", noun]
    verb_index = len(words)
    words += [VERBS[number], PREDICATES[int(rng.integers(len(PREDICATES)))]]
    return Sentence(tuple(words), verb_index, number, verb_index - 1, int(other.sum()), k)


# ----------------------------------------------------------------------------- reading text
def tokenize(text: str) -> list[str]:
    """Lower-case words of ``text``; punctuation (. , ! ? ; :) is dropped."""
    if not isinstance(text, str):
        raise TypeError(f"tokenize(): argument 'text' must be a string, but it is {type(text).__name__}.")
    return re.sub(r"[.,!?;:]", " ", text.lower()).split()


def split_at_verb(words: Sequence[str]) -> tuple[list[str], str | None]:
    """(words before the first was/were, that verb or None if there is none)."""
    words = list(words)
    for t, w in enumerate(words):
        if w in VERBS:
            return words[:t], w
    return words, None


def unknown_words(words: Sequence[str]) -> list[str]:
    """The words (in order, without repeats) that are not in :data:`VOCAB`."""
    out = []
    for w in words:
        if w not in WORD_INDEX and w not in out:
            out.append(w)
    return out


def analyse(words: Sequence[str]) -> dict:
    """Agreement facts of a word list (any text from :func:`tokenize`), as a dict.

    Keys: 'prefix' (words before the first was/were), 'verb' (that verb or None),
    'subject' (first noun or None), 'subject_number' (0/1 or None), 'distance'
    (verb index − subject index, or None without verb/subject), 'attractors' (nouns in the
    prefix whose number differs from the subject's), 'last_noun' and 'last_noun_number'.
    """
    prefix, verb = split_at_verb(words)
    nouns = [(t, w) for t, w in enumerate(prefix) if w in NOUN_NUMBER]
    out = {"prefix": prefix, "verb": verb, "subject": None, "subject_number": None, "distance": None,
           "attractors": 0, "last_noun": None, "last_noun_number": None}
    if not nouns:
        return out
    (t0, subj), (_, last) = nouns[0], nouns[-1]
    num = NOUN_NUMBER[subj]
    out.update(subject=subj, subject_number=num, last_noun=last, last_noun_number=NOUN_NUMBER[last],
               attractors=sum(NOUN_NUMBER[w] != num for _, w in nouns[1:]))
    if verb is not None:
        out["distance"] = len(prefix) - t0
    return out


def last_noun_prediction(prefixes: Sequence[Sequence[str]]) -> np.ndarray:
    """Baseline "agree with the most recent noun": class (B,) of the last noun of each prefix.

    A prefix without a noun gets class 0 (was).
    """
    out = np.zeros(len(prefixes), dtype=np.int64)
    for b, p in enumerate(prefixes):
        nouns = [w for w in p if w in NOUN_NUMBER]
        out[b] = NOUN_NUMBER[nouns[-1]] if nouns else SINGULAR
    return out


# ----------------------------------------------------------------------------- encoding
def encode(prefixes: Sequence[Sequence[str]], *, length: int | None = None, dtype=np.float64) -> np.ndarray:
    """One-hot inputs (T, B, D) of B word lists, left-padded with zero vectors.

    Args:
        prefixes: B lists of words from :data:`VOCAB` (each non-empty).
        length: T (default: the longest list); every list must fit.

    Raises:
        ValueError: an unknown word (the message lists the vocabulary), an empty list, or a
            list longer than ``length``.
    """
    where = "encode()"
    if isinstance(prefixes, str) or not isinstance(prefixes, Sequence) or len(prefixes) == 0:
        raise TypeError(f"{where}: argument 'prefixes' must be a non-empty list of word lists, "
                        f"e.g. [['the', 'cat']], but it is {prefixes!r}.")
    for p in prefixes:
        if isinstance(p, str) or len(p) == 0:
            raise ValueError(f"{where}: every entry of 'prefixes' must be a non-empty list of words, "
                             f"but one is {p!r}.")
        bad = unknown_words(p)
        if bad:
            raise ValueError(f"{where}: unknown word(s) {', '.join(map(repr, bad))}; the vocabulary is "
                             f"{', '.join(VOCAB)}.")
    T = max(len(p) for p in prefixes) if length is None else check_size(length, "length", where)
    if any(len(p) > T for p in prefixes):
        raise ValueError(f"{where}: argument 'length' is {T}, but a prefix has {max(map(len, prefixes))} words.")
    x = np.zeros((T, len(prefixes), len(VOCAB)), dtype=dtype)
    for b, p in enumerate(prefixes):
        start = T - len(p)
        x[start + np.arange(len(p)), b, [WORD_INDEX[w] for w in p]] = 1.0
    return x


def encode_sentences(sentences: Sequence[Sentence], dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """(x (T, B, D), labels y (B,)) of sentences: their prefixes one-hot, left-padded."""
    return encode([s.prefix for s in sentences], dtype=dtype), np.array([s.label for s in sentences], dtype=np.int64)


def token_ids(prefixes: Sequence[Sequence[str]], length: int) -> np.ndarray:
    """Word indices (B, length) of B prefixes, left-padded with −1 (no word)."""
    ids = np.full((len(prefixes), length), -1, dtype=np.int64)
    for b, p in enumerate(prefixes):
        ids[b, length - len(p):] = [WORD_INDEX[w] for w in p]
    return ids


def batch_sampler(sentences: Sequence[Sentence], batch_size: int = 64, dtype=np.float64):
    """A ``make_batch(rng) -> (x, y)`` for :func:`lstm_helpers.train`: B sentences drawn with replacement.

    ``x`` (T, B, D) equals ``encode_sentences(batch)[0]`` (T = the longest prefix in the batch);
    the sentences are indexed once up front, so a batch costs one array lookup.
    """
    where = "batch_sampler()"
    B = check_size(batch_size, "batch_size", where)
    sentences = list(sentences)
    if not sentences:
        raise ValueError(f"{where}: argument 'sentences' is empty.")
    encode([s.prefix for s in sentences])              # validates every word once
    lengths = np.array([s.verb_index for s in sentences])
    ids = token_ids([s.prefix for s in sentences], int(lengths.max()))
    labels = np.array([s.label for s in sentences], dtype=np.int64)
    table = np.vstack([np.eye(len(VOCAB), dtype=dtype), np.zeros((1, len(VOCAB)), dtype=dtype)])  # row −1: padding

    def make_batch(rng):
        idx = rng.integers(len(sentences), size=B)
        T = int(lengths[idx].max())
        x = np.ascontiguousarray(table[ids[idx, -T:].T])   # (T, B, D)
        return x, labels[idx]

    return make_batch


# ----------------------------------------------------------------------------- the dataset file
DATASET_SEED = 2016
DATASET_SIZES = {"train": 4000, "valid": 400}
TEST_PER_CELL = 160            # test sentences per (modifiers k, attractors a) cell, a = 0 … k
LONG_MODIFIERS = (4, 5, 6)     # test_long: more modifiers than any training sentence
LONG_PER_CELL = 40
HEADER = "# split\tverb\tdistance\tattractors\tmodifiers\tsentence"


def dataset_sentences(seed: int = DATASET_SEED) -> dict[str, list[Sentence]]:
    """The fixed dataset, {'train', 'valid', 'test', 'test_long'} -> list of :class:`Sentence`.

    train/valid: k uniform in 0 … 3, every noun's number drawn at random (so "agree with the
    last noun" is right only by chance once k ≥ 1). test: balanced, ``TEST_PER_CELL``
    sentences for every (k, a), k = 0 … 3, a = 0 … k attractors. test_long: ``LONG_PER_CELL``
    for every (k, a) with k in ``LONG_MODIFIERS``, longer than any training sentence.
    No prefix occurs twice across splits, except the 16 possible prefixes "the N" (k = 0).
    """
    rng = np.random.default_rng(seed)
    train_set = [make_sentence(rng, int(rng.integers(MAX_MODIFIERS + 1))) for _ in range(DATASET_SIZES["train"])]
    seen = {s.prefix for s in train_set}

    def fresh(k, a):
        while True:
            s = make_sentence(rng, k, a)
            if k == 0 or s.prefix not in seen:
                seen.add(s.prefix)
                return s

    valid = [fresh(int(k), None) for k in rng.integers(MAX_MODIFIERS + 1, size=DATASET_SIZES["valid"])]
    test = [fresh(k, a) for k in range(MAX_MODIFIERS + 1) for a in range(k + 1) for _ in range(TEST_PER_CELL)]
    long = [fresh(k, a) for k in LONG_MODIFIERS for a in range(k + 1) for _ in range(LONG_PER_CELL)]
    return {"train": train_set, "valid": valid, "test": test, "test_long": long}


def dataset_text(seed: int = DATASET_SEED) -> str:
    """``data/agreement.tsv``: one sentence per line, tab-separated split, verb, metadata, sentence."""
    lines = [f"# subject-verb agreement sentences from lstm_helpers.agreement, seed {seed}", HEADER]
    for split, sents in dataset_sentences(seed).items():
        for s in sents:
            lines.append(f"{split}\t{s.words[s.verb_index]}\t{s.distance}\t{s.attractors}\t{s.modifiers}\t{s.text}")
    return "\n".join(lines) + "\n"


def parse_dataset(text: str) -> dict[str, list[Sentence]]:
    """Inverse of :func:`dataset_text`: {split name: list of :class:`Sentence`}."""
    out: dict[str, list[Sentence]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        split, verb, distance, attractors, modifiers, sentence = line.split("\t")
        words = tuple(sentence.split())
        vi = words.index(verb)
        out.setdefault(split, []).append(Sentence(words, vi, VERBS.index(verb), int(distance), int(attractors),
                                                  int(modifiers)))
    return out


def load_dataset(path) -> dict[str, list[Sentence]]:
    """Read ``data/agreement.tsv`` -> {'train', 'valid', 'test', 'test_long'} -> list of :class:`Sentence`."""
    return parse_dataset(pathlib.Path(path).read_text())


# ----------------------------------------------------------------------------- models
def make_model(cell: str, hidden_size: int = 24, *, seed: int = 0, dtype=np.float32, **cell_kwargs) -> SequenceModel:
    """``SequenceModel(cell, D = len(VOCAB), H, 2, readout='last')``: h_T before the verb -> was/were.

    float32 by default (twice as fast as float64 for these small matrices; gradient checks
    need float64). ``cell_kwargs`` go to the cell (e.g. ``forget_bias=3.0``).
    """
    return SequenceModel(cell, len(VOCAB), hidden_size, 2, readout="last", seed=seed, dtype=dtype, **cell_kwargs)


def train_model(model: SequenceModel, data: Mapping[str, Sequence[Sentence]], *, steps: int = 400,
                batch_size: int = 64, lr: float = 1e-2, target_accuracy: float | None = 0.995,
                eval_every: int = 25, seed: int = 0, progress: bool = True, desc: str = "training") -> History:
    """Train on ``data['train']``, early stopping on ``data['valid']`` (:func:`lstm_helpers.train`)."""
    where = "train_model()"
    for split in ("train", "valid"):
        if split not in data or len(data[split]) == 0:
            raise ValueError(f"{where}: argument 'data' needs a non-empty '{split}' list (see load_dataset()).")
    valid = encode_sentences(data["valid"], model.dtype)
    return train(model, batch_sampler(data["train"], batch_size, model.dtype), steps=steps, lr=lr, seed=seed,
                 eval_batch=valid, eval_every=eval_every, target_accuracy=target_accuracy, progress=progress,
                 desc=desc)


def verb_probabilities(model: SequenceModel, prefixes: Sequence[Sequence[str]]) -> np.ndarray:
    """(B, 2): [P(was), P(were)] that ``model`` gives after each prefix."""
    x = encode(prefixes, dtype=model.dtype)
    return _softmax(model.forward(x), axis=-1)


def sentence_probabilities(model: SequenceModel, text: str) -> np.ndarray:
    """(2,): [P(was), P(were)] after the words of ``text`` before its first was/were."""
    prefix, _ = split_at_verb(tokenize(text))
    return verb_probabilities(model, [prefix])[0]


def predictions(model: SequenceModel, sentences: Sequence[Sentence]) -> np.ndarray:
    """Predicted classes (B,) for sentences (0 = was, 1 = were)."""
    x, _ = encode_sentences(sentences, model.dtype)
    return model.forward(x).argmax(axis=-1)


DISTANCE_BINS = ((1, 5), (6, 10), (11, 15), (16, 20), (21, 25), (26, 31))   # words, both ends included


def distance_bin(distance: int, bins=DISTANCE_BINS) -> tuple[int, int]:
    """The (low, high) bin of ``bins`` that holds ``distance``."""
    for lo, hi in bins:
        if lo <= distance <= hi:
            return (lo, hi)
    raise ValueError(f"distance_bin(): distance {distance} lies outside every bin {bins}.")


def evaluate(model: SequenceModel, sentences: Sequence[Sentence], *, bins=DISTANCE_BINS) -> dict[str, object]:
    """:func:`errors_by` of the model's predictions on ``sentences``."""
    return errors_by(sentences, predictions(model, sentences), bins=bins)


def error_table(wrong, keys) -> dict:
    """Group a boolean "wrong" array (B,) by keys (B entries, e.g. ints or (low, high) bins).

    Returns {key: (count, error rate)}, sorted by key.
    """
    wrong = np.asarray(wrong, dtype=bool)
    keys = list(keys)
    if wrong.ndim != 1 or wrong.shape[0] != len(keys):
        raise ValueError(f"error_table(): arguments 'wrong' and 'keys' must both have B entries, "
                         f"but they have {wrong.shape} and {len(keys)}.")
    groups: dict = {}
    for w, k in zip(wrong, keys):
        groups.setdefault(k, []).append(bool(w))
    return {k: (len(groups[k]), float(np.mean(groups[k]))) for k in sorted(groups)}


def errors_by(sentences: Sequence[Sentence], predicted, *, bins=DISTANCE_BINS) -> dict[str, object]:
    """Error rates of predicted classes (B,) on ``sentences``.

    Returns a dict: 'overall' (float); 'attractors' {a: (n, error)}; 'distance' {(lo, hi): (n, error)}
    over all sentences; 'distance_no_attractor' the same over sentences without attractors.
    """
    predicted = np.asarray(predicted)
    if predicted.shape != (len(sentences),):
        raise ValueError(f"errors_by(): argument 'predicted' must have shape (B,) = ({len(sentences)},), "
                         f"but it has shape {predicted.shape}.")
    labels = np.array([s.label for s in sentences])
    dist = [distance_bin(s.distance, bins) for s in sentences]
    attr = np.array([s.attractors for s in sentences])
    wrong = predicted != labels
    clean = attr == 0
    return {"overall": float(wrong.mean()), "attractors": error_table(wrong, attr.tolist()),
            "distance": error_table(wrong, dist),
            "distance_no_attractor": error_table(wrong[clean], [d for d, c in zip(dist, clean) if c])}


TABLES = ("attractors", "distance", "distance_no_attractor")


def seed_summary(results: Sequence[Mapping]) -> dict[str, object]:
    """Combine :func:`errors_by` dicts of S training runs (seeds) on the same sentences.

    Returns {'overall': array (S,), table: {key: (n, mean, min, max)} for each of :data:`TABLES`}.
    """
    results = list(results)
    if not results:
        raise ValueError("seed_summary(): argument 'results' is empty; pass one errors_by() dict per seed.")
    out: dict[str, object] = {"overall": np.array([r["overall"] for r in results])}
    for table in TABLES:
        keys = list(results[0][table])
        if any(list(r[table]) != keys for r in results):
            raise ValueError(f"seed_summary(): the '{table}' bins differ between runs; evaluate on the same sentences.")
        out[table] = {}
        for k in keys:
            errs = np.array([r[table][k][1] for r in results])
            out[table][k] = (results[0][table][k][0], float(errs.mean()), float(errs.min()), float(errs.max()))
    return out


def plot_errors(axes, summaries: Mapping[str, Mapping], *, colors: Mapping[str, str] | None = None,
                trained_up_to: tuple[int, int] | None = None):
    """Error (%) against distance bins (axes[0]) and against attractors (axes[1]).

    Args:
        summaries: {name: :func:`seed_summary` dict}; the mean over seeds is drawn, with the
            min–max range over seeds as error bars.
        colors: optional colour per name.
        trained_up_to: (longest distance, most attractors) in the training data; beyond it the
            axes are shaded "longer than training".
    Distance is drawn twice per name: over all sentences (solid) and over sentences without an
    attractor (dotted, open markers).
    """
    ax_d, ax_a = axes
    names = list(summaries)
    shift = {n: (k - (len(names) - 1) / 2) * 0.12 for k, n in enumerate(names)}   # keep error bars apart
    bins = None
    for name, smry in summaries.items():
        c = None if colors is None else colors.get(name)
        bins = list(smry["distance"])
        x = np.arange(len(bins)) + shift[name]
        for table, ls, mfc, label in (("distance", "-", None, f"{name}: all"),
                                      ("distance_no_attractor", ":", "white", f"{name}: no attractor")):
            rows = smry[table]
            xs = [x[bins.index(k)] for k in rows]
            mean = np.array([100 * v[1] for v in rows.values()])
            lo = np.array([100 * v[2] for v in rows.values()])
            hi = np.array([100 * v[3] for v in rows.values()])
            eb = ax_d.errorbar(xs, mean, yerr=[mean - lo, hi - mean], ls=ls, marker="o", mfc=mfc, color=c,
                               capsize=3, label=label)
            c = eb[0].get_color()
        rows = smry["attractors"]
        xa = np.array(list(rows)) + shift[name]
        mean = np.array([100 * v[1] for v in rows.values()])
        lo = np.array([100 * v[2] for v in rows.values()])
        hi = np.array([100 * v[3] for v in rows.values()])
        ax_a.errorbar(xa, mean, yerr=[mean - lo, hi - mean], marker="o", color=c, capsize=3, label=name)
    ax_d.set_xticks(range(len(bins)), [f"{lo}–{hi}" for lo, hi in bins])
    if trained_up_to is not None:
        d_max, a_max = trained_up_to
        first_beyond = next((k for k, (lo, hi) in enumerate(bins) if hi > d_max), None)
        if first_beyond is not None:
            ax_d.axvspan(first_beyond - 0.5, len(bins) - 0.5, color="0.9", zorder=0, label="longer than training")
        ax_a.axvspan(a_max + 0.5, max(max(s["attractors"]) for s in summaries.values()) + 0.5, color="0.9",
                     zorder=0, label="more than in training")
    ax_d.set_title("Error against subject–verb distance")
    ax_d.set_xlabel("distance from subject to verb (words)")
    ax_d.set_ylabel("error (%), mean and range over seeds")
    ax_a.set_title("Error against number of attractors")
    ax_a.set_xlabel("attractors (nouns of the other number in between)")
    ax_a.set_ylabel("error (%), mean and range over seeds")
    ax_a.set_xticks(sorted({k for s in summaries.values() for k in s["attractors"]}))
    ax_d.legend(fontsize=7, ncols=2, loc="upper left")
    ax_a.legend(fontsize=8, loc="upper left")
    return axes


__all__ = ["NOUN_PAIRS", "VOCAB", "VERBS", "SLIDE_SENTENCE", "SLIDE_VARIANTS", "Sentence", "make_sentence", "tokenize",
           "split_at_verb", "unknown_words", "analyse", "last_noun_prediction", "encode", "encode_sentences",
           "token_ids", "batch_sampler", "dataset_sentences", "dataset_text", "parse_dataset", "load_dataset",
           "make_model", "train_model", "verb_probabilities", "sentence_probabilities", "predictions",
           "DISTANCE_BINS", "distance_bin", "evaluate", "error_table", "errors_by", "seed_summary", "plot_errors"]
