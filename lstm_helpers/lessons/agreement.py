"""Subject–verb agreement (notebook 09): "The **cat** that chased the mice … **was** hungry."

The task of Linzen, Dupoux & Goldberg (2016) in a small synthetic language: read the words
*before* a verb and predict whether the verb is singular (``was``, class 0) or plural
(``were``, class 1). The verb must agree with the **subject** of its sentence, not with the
nouns in between, nor with an earlier sentence.

Grammar of one sentence::

    the N_subj  M_1 … M_k  was|were  PREDICATE          k = 0 … 6 modifiers (0 … 3 in training)

Each modifier attaches to the noun just before it and holds exactly one noun:

    "that" V_trans "the" N        e.g. "that chased the mice"       (4 words)
    "that" V_intr P "the" N       e.g. "that sat on the table"      (5 words)
    P "the" N                     e.g. "near the dogs"              (3 words)

Verbs inside the modifiers are past tense ("chased", "ate", "sat") so they carry no number;
the only cue is the subject noun. Text is a stream: an example may start with ``context``
complete earlier sentences, each ended by ".", whose subject and verb have random numbers
(e.g. "the dogs were happy . the cat that chased the mice was"). Metadata of an example,
always about its last sentence:

    distance    index(verb) − index(subject) in words ("the cat was": 1)
    attractors  nouns between subject and verb whose number differs from the subject's

Shapes: B word lists of the same length T are encoded as one-hot inputs x (T, B, D),
D = ``len(VOCAB)``; labels y (B,) are 0 (was) or 1 (were). There is no padding: sentences of
different lengths go into different batches (training batches are drawn one length at a time,
evaluation groups by length), so a model always reads from h_0 = 0 at the first word and the
read-out 'last' of :class:`~lstm_helpers.models.SequenceModel` scores h_T right before the verb.

Reading text, encoding, the word model, its batches (also for seeds trained together) and its evaluation
set come from :mod:`.sentences` (shared with notebook 08); the error tables and figures from
:mod:`.agreement_errors`; their names used by notebooks (``errors_by``, ``plot_errors``, …) are attributes here.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from ..engine.activations import softmax_unchecked
from ..engine.models import SequenceModel
from ..engine.seeded import SeededModel, SeedHistories, train_seeds
from ..engine.train import History, train
from ..support.checks import check_size
from ..support.evidence import DEFAULT_SEEDS
from .agreement_errors import (DISTANCE_BINS, distance_bin, errors_by, plot_error_spread, plot_errors,
                               plot_gradient_share)
from .sentences import (Vocabulary, check_word_model, error_table, group_by_length, grouped_accuracy, grouped_batch,
                        make_word_model, plot_learning_curves, pooled_error, same_length_sampler, seed_summary)
from .sentences.runs import best_setting, plot_seed_curves, seed_spread
from .sentences.training import gradient_share, shared_length_sampler

# ----------------------------------------------------------------------------- the language
NOUN_PAIRS = (("cat", "cats"), ("dog", "dogs"), ("mouse", "mice"), ("cheese", "cheeses"), ("table", "tables"),
              ("bird", "birds"), ("child", "children"), ("box", "boxes"))
TRANSITIVE_VERBS = ("chased", "ate", "saw", "liked", "followed")
INTRANSITIVE_VERBS = (("sat", "on"), ("slept", "near"), ("hid", "under"), ("ran", "to"))
PREPOSITIONS = ("on", "near", "under", "behind")
VERBS = ("was", "were")              # class 0 = singular, class 1 = plural
PREDICATES = ("hungry", "sleeping", "tired", "happy", "here")
END = "."                            # ends a sentence (a word of its own)
MODIFIER_KINDS = ("that_transitive", "that_intransitive", "preposition")
MAX_MODIFIERS = 3              # in the training data
LONGEST = 6                    # make_sentence() accepts up to this many (longer test sentences)
MAX_CONTEXT = 3                # earlier sentences make_sentence() accepts

SINGULAR, PLURAL = 0, 1
NUMBER_NAMES = ("singular", "plural")
NOUN_NUMBER = {n: num for pair in NOUN_PAIRS for num, n in enumerate(pair)}   # word -> 0 / 1


def _vocab() -> tuple[str, ...]:
    words = ["the", "that"]
    words += [n for pair in NOUN_PAIRS for n in pair]
    words += list(TRANSITIVE_VERBS) + [v for v, _ in INTRANSITIVE_VERBS]
    for p in PREPOSITIONS + tuple(p for _, p in INTRANSITIVE_VERBS):
        if p not in words:
            words.append(p)
    words += list(VERBS) + list(PREDICATES) + [END]     # these occur in earlier sentences
    return tuple(words)


# Text is lower-cased; "." is a word of its own, the other punctuation (, ! ? ; :) is dropped.
WORDS = Vocabulary(_vocab(), lower=True, drop=",!?;:")
VOCAB = WORDS.words                               # every word a model can read
WORD_INDEX = WORDS.index

# The slides' sentence and variants with attractors (words before the verb are what the models read).
SLIDE_SENTENCE = "The cat that chased the mouse that ate the cheese that sat on the table was hungry."
SLIDE_VARIANTS = {
    "slide (no attractor)": SLIDE_SENTENCE,
    "mice, cheeses (last noun singular)":
        "The cat that chased the mice that ate the cheeses that sat on the table was hungry.",
    "mice, cheeses, tables (last noun plural)":
        "The cat that chased the mice that ate the cheeses that sat on the tables was hungry.",
    "plural subject, singular nouns":
        "The cats that chased the mouse that ate the cheese that sat on the table were hungry.",
    "after a plural sentence": "The dogs were happy. The cat that chased the mouse that ate the cheese that sat on the "
                               "table was hungry.",
}


@dataclass(frozen=True)
class Sentence:
    """One example: optional earlier sentences, then the sentence whose verb is predicted.

    Attributes:
        words: every word (earlier sentences with their ".", then the sentence with its verb and
            predicate).  verb_index: position of the verb to predict in ``words``.
        label: 0 (was, singular subject) or 1 (were, plural subject).
        distance: verb_index − subject index.  attractors: see the module doc.
        modifiers: number of modifiers k.  context: number of earlier sentences.
    """

    words: tuple[str, ...]
    verb_index: int
    label: int
    distance: int
    attractors: int
    modifiers: int
    context: int = 0

    @property
    def prefix(self) -> tuple[str, ...]:
        """The words before the verb: what a model reads."""
        return self.words[:self.verb_index]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _noun(lemma_index: int, number: int) -> str:
    return NOUN_PAIRS[lemma_index][number]


def _one_sentence(rng, k: int, attractors: int | None) -> tuple[list[str], int, int, int]:
    """(words, verb index, label, attractors) of one sentence with k modifiers."""
    number = int(rng.integers(2))
    if attractors is None:
        other = rng.integers(2, size=k).astype(bool)
    else:
        other = np.zeros(k, dtype=bool)
        other[rng.permutation(k)[:attractors]] = True
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
    return words, verb_index, number, int(other.sum())


def make_sentence(rng: np.random.Generator, modifiers: int, attractors: int | None = None, *,
                  context: int = 0) -> Sentence:
    """One random example whose last sentence has ``modifiers`` modifiers (0 … :data:`LONGEST`).

    Args:
        attractors: exactly this many modifier nouns of the last sentence get the other number
            than its subject (0 … modifiers); None draws every noun's number independently
            (probability 1/2).
        context: number of complete earlier sentences (0 … :data:`MAX_CONTEXT`), each with
            0 … :data:`MAX_MODIFIERS` modifiers and random numbers, each ended by ".".
    """
    where = "make_sentence()"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    k = check_size(modifiers, "modifiers", where, minimum=0)
    if k > LONGEST:
        raise ValueError(f"{where}: argument 'modifiers' must be at most {LONGEST}, but it is {k}.")
    if attractors is not None:
        a = check_size(attractors, "attractors", where, minimum=0)
        if a > k:
            raise ValueError(f"{where}: argument 'attractors' must be at most modifiers = {k}, but it is {a}.")
    c = check_size(context, "context", where, minimum=0)
    if c > MAX_CONTEXT:
        raise ValueError(f"{where}: argument 'context' must be at most {MAX_CONTEXT}, but it is {c}.")
    before: list[str] = []
    for _ in range(c):
        words, _, _, _ = _one_sentence(rng, int(rng.integers(MAX_MODIFIERS + 1)), None)
        before += words + [END]
    words, verb_index, label, n_attr = _one_sentence(rng, k, attractors)
    return Sentence(tuple(before + words), len(before) + verb_index, label, verb_index - 1, n_attr, k, c)


# ----------------------------------------------------------------------------- reading text
def tokenize(text: str) -> list[str]:
    """Lower-case words of ``text``; "." becomes a word of its own, other punctuation (, ! ? ; :) is dropped."""
    return WORDS.tokenize(text)


def split_at_verb(words: Sequence[str]) -> tuple[list[str], str | None]:
    """(what a model reads, the verb to predict or None).

    The verb to predict is the first was/were of the last sentence (a trailing "." is
    ignored); the model reads every word before it, earlier sentences included. Without such a
    verb it reads everything.
    """
    words = list(words)
    end = len(words)
    while end and words[end - 1] == END:
        end -= 1
    start = max((t + 1 for t in range(end) if words[t] == END), default=0)   # first word of the last sentence
    for t in range(start, end):
        if words[t] in VERBS:
            return words[:t], words[t]
    return words[:end], None


def unknown_words(words: Sequence[str]) -> list[str]:
    """The words (in order, without repeats) that are not in :data:`VOCAB`."""
    return WORDS.unknown_words(words)


def analyse(words: Sequence[str]) -> dict:
    """Agreement facts of a word list (any text from :func:`tokenize`), as a dict.

    Keys: 'prefix' and 'verb' (from :func:`split_at_verb`); 'context' (number of earlier
    sentences in the prefix); about the last sentence: 'subject' (its first noun or None),
    'subject_number' (0/1 or None), 'distance' (verb index − subject index, None without verb
    or subject), 'attractors' (nouns after the subject whose number differs), 'last_noun' and
    'last_noun_number'.
    """
    prefix, verb = split_at_verb(words)
    start = max((t + 1 for t, w in enumerate(prefix) if w == END), default=0)
    nouns = [(t, w) for t, w in enumerate(prefix) if t >= start and w in NOUN_NUMBER]
    out = {"prefix": prefix, "verb": verb, "context": sum(w == END for w in prefix), "subject": None,
           "subject_number": None, "distance": None, "attractors": 0, "last_noun": None, "last_noun_number": None}
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


def first_noun_prediction(prefixes: Sequence[Sequence[str]]) -> np.ndarray:
    """Shortcut "agree with the first noun of the text": class (B,) of the first noun of each prefix.

    Right whenever the prefix is one sentence; after an earlier sentence it uses that sentence's
    subject instead of the current one. A prefix without a noun gets class 0 (was).
    """
    out = np.zeros(len(prefixes), dtype=np.int64)
    for b, p in enumerate(prefixes):
        nouns = [w for w in p if w in NOUN_NUMBER]
        out[b] = NOUN_NUMBER[nouns[0]] if nouns else SINGULAR
    return out


# ----------------------------------------------------------------------------- encoding
def encode(prefixes: Sequence[Sequence[str]], dtype=np.float64) -> np.ndarray:
    """One-hot inputs (T, B, D) of B word lists that all have T words (D = ``len(VOCAB)``).

    There is no padding: sentences of different lengths go into different batches
    (:func:`group_by_length`), so a model always starts reading at the first word from h_0 = 0.

    Raises:
        ValueError: an unknown word (the message lists the vocabulary), an empty list, or lists
            of different lengths.
    """
    where = "encode()"
    prefixes = WORDS.check_word_lists(prefixes, where, "prefixes")
    lengths = {len(p) for p in prefixes}
    if len(lengths) > 1:
        raise ValueError(f"{where}: all prefixes must have the same number of words, but they have "
                         f"{sorted(lengths)}; group them with group_by_length() (no padding is used).")
    return WORDS.encode(prefixes, dtype, where=where, name="prefixes")


def encode_sentences(sentences: Sequence[Sentence], dtype=np.float64) -> tuple[tuple, np.ndarray]:
    """Sentences' prefixes as an evaluation set grouped by length: ((x_1, …, x_G), labels y (B,) in that order).

    x_g (T_g, B_g, D); score it with :func:`~lstm_helpers.lessons.sentences.grouped_accuracy`.
    """
    return grouped_batch(WORDS, [s.prefix for s in sentences], [s.label for s in sentences], dtype,
                         where="encode_sentences()", name="prefixes")


def batch_sampler(sentences: Sequence[Sentence], batch_size: int = 64, dtype=np.float64):
    """A ``make_batch(rng) -> (x, y)`` for :func:`lstm_helpers.train`.

    Each call draws one sentence, then ``batch_size`` sentences of the **same length** (with
    replacement; lengths are drawn as often as they occur). ``x`` (T, B, D) is their one-hot
    prefixes, as :func:`encode` makes them, ``y`` (B,) their labels.
    """
    where = "batch_sampler()"
    B = check_size(batch_size, "batch_size", where)
    sentences = list(sentences)
    if not sentences:
        raise ValueError(f"{where}: argument 'sentences' is empty.")
    return same_length_sampler(WORDS, [s.prefix for s in sentences], [s.label for s in sentences], B, dtype,
                               where=where, name="prefixes")


# ----------------------------------------------------------------------------- the dataset file
DATASET_SEED = 2016
DATASET_SIZES = {"train": 4000, "valid": 400}
CONTEXTS = (0, 1)              # every example is preceded by 0 or 1 earlier sentence (equally often)
TEST_PER_CELL = 120            # test examples per (modifiers k, attractors a) cell, a = 0 … k
LONG_MODIFIERS = (4, 5, 6)     # test_long: more modifiers than any training sentence
LONG_PER_CELL = 30
COLUMNS = ("split", "verb", "distance", "attractors", "modifiers", "context", "text")
HEADER = "# " + "\t".join(COLUMNS)


def dataset_sentences(seed: int = DATASET_SEED) -> dict[str, list[Sentence]]:
    """The fixed dataset, {'train', 'valid', 'test', 'test_long'} -> list of :class:`Sentence`.

    Every example has 0 or 1 earlier sentence (:data:`CONTEXTS`, drawn at random).
    train/valid: k uniform in 0 … 3, every noun's number drawn at random (so "agree with the
    last noun" is right only by chance once k ≥ 1). test: balanced, ``TEST_PER_CELL``
    examples for every (k, a), k = 0 … 3, a = 0 … k attractors. test_long: ``LONG_PER_CELL``
    for every (k, a) with k in ``LONG_MODIFIERS``, longer than any training sentence.
    No prefix occurs twice across splits, except the 16 possible prefixes "the N".
    """
    rng = np.random.default_rng(seed)

    def draw(k, a):
        return make_sentence(rng, k, a, context=CONTEXTS[int(rng.integers(len(CONTEXTS)))])

    train_set = [draw(int(rng.integers(MAX_MODIFIERS + 1)), None) for _ in range(DATASET_SIZES["train"])]
    seen = {s.prefix for s in train_set}

    def fresh(k, a):
        while True:
            s = draw(k, a)
            if len(s.prefix) == 2 or s.prefix not in seen:
                seen.add(s.prefix)
                return s

    valid = [fresh(int(k), None) for k in rng.integers(MAX_MODIFIERS + 1, size=DATASET_SIZES["valid"])]
    test = [fresh(k, a) for k in range(MAX_MODIFIERS + 1) for a in range(k + 1) for _ in range(TEST_PER_CELL)]
    long = [fresh(k, a) for k in LONG_MODIFIERS for a in range(k + 1) for _ in range(LONG_PER_CELL)]
    return {"train": train_set, "valid": valid, "test": test, "test_long": long}


def dataset_text(seed: int = DATASET_SEED) -> str:
    """``data/agreement.tsv``: one example per line, tab-separated :data:`COLUMNS`."""
    lines = [f"# subject-verb agreement examples from lstm_helpers.agreement, seed {seed}", HEADER]
    for split, sents in dataset_sentences(seed).items():
        for s in sents:
            lines.append(f"{split}\t{s.words[s.verb_index]}\t{s.distance}\t{s.attractors}\t{s.modifiers}\t"
                         f"{s.context}\t{s.text}")
    return "\n".join(lines) + "\n"


def parse_dataset(text: str) -> dict[str, list[Sentence]]:
    """Inverse of :func:`dataset_text`: {split name: list of :class:`Sentence`}."""
    out: dict[str, list[Sentence]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        split, verb, distance, attractors, modifiers, context, sentence = line.split("\t")
        words = tuple(sentence.split())
        prefix, found = split_at_verb(words)
        if found != verb:
            raise ValueError(f"parse_dataset(): the line {line!r} has no verb {verb!r} in its last sentence.")
        out.setdefault(split, []).append(Sentence(words, len(prefix), VERBS.index(verb), int(distance),
                                                  int(attractors), int(modifiers), int(context)))
    return out


def load_dataset(path) -> dict[str, list[Sentence]]:
    """Read ``data/agreement.tsv`` -> {'train', 'valid', 'test', 'test_long'} -> list of :class:`Sentence`."""
    return parse_dataset(pathlib.Path(path).read_text())


# ----------------------------------------------------------------------------- models
def make_model(cell: str, hidden_size: int = 24, *, seed: int = 0, dtype=np.float32, **cell_kwargs) -> SequenceModel:
    """``SequenceModel(cell, D = len(VOCAB), H, 2, readout='last')``: h_T of the last word before the verb -> was/were.

    float32 by default (faster for these small matrices; gradient checks need float64). ``cell_kwargs`` go to
    the cell (e.g. ``forget_bias=3.0``)."""
    return make_word_model(WORDS, cell, hidden_size, 2, readout="last", seed=seed, dtype=dtype, **cell_kwargs)


def _check_data(data, where: str) -> None:
    for split in ("train", "valid"):
        if split not in data or len(data[split]) == 0:
            raise ValueError(f"{where}: argument 'data' needs a non-empty '{split}' list (see load_dataset()).")


def train_model(model: SequenceModel, data: Mapping[str, Sequence[Sentence]], *, steps: int = 400,
                batch_size: int = 64, lr: float = 1e-2, target_accuracy: float | None = 0.995,
                eval_every: int = 25, seed: int = 0, progress: bool = True, desc: str = "training") -> History:
    """Train on ``data['train']``, early stopping on ``data['valid']`` (:func:`lstm_helpers.train`).

    The valid sentences are scored group by group of one length (no padding), as one accuracy.
    """
    where = "train_model()"
    check_word_model(model, WORDS, where, output_size=2, readout="last", cells=("lstm", "rnn"),
                     maker="agreement.make_model()")
    _check_data(data, where)
    valid = encode_sentences(data["valid"], model.dtype)
    return train(model, batch_sampler(data["train"], batch_size, model.dtype), steps=steps, lr=lr, seed=seed,
                 eval_batch=valid, eval_every=eval_every, evaluate=grouped_accuracy, target_accuracy=target_accuracy,
                 progress=progress, desc=desc)


def train_model_seeds(cell: str, data: Mapping[str, Sequence[Sentence]], *, seeds=DEFAULT_SEEDS,
                      hidden_size: int = 24, steps: int = 400, batch_size: int = 64, lr: float = 1e-2,
                      target_accuracy: float | None = 0.995, eval_every: int = 25, length_seed: int = 0,
                      dtype=np.float32, progress: bool = True, desc: str = "training seeds", workers: int = 1
                      ) -> tuple[SeededModel, SeedHistories]:
    """One model per seed, trained together by ``lh.train_seeds``: (SeededModel, SeedHistories).

    Seed s starts from the weights of ``make_model(cell, hidden_size, seed=s, dtype=dtype)`` and draws its
    sentences with ``default_rng(s)``, but all seeds draw the same sequence of sentence LENGTHS (from
    ``default_rng(length_seed)``; :func:`~.sentences.training.shared_length_sampler`), so one pass serves them
    all; each seed stops once its accuracy on ``data['valid']`` reaches ``target_accuracy``. Each seed's run
    equals ``lh.train`` of that model with a fresh such sampler and ``seed=s``; ``model.model(k)`` hands back
    the trained model of ``seeds[k]``. ``workers``: processes for the seeds (``lh.train_seeds``: the same
    numbers with 1 or 2, sooner with 2 when a second core is free).
    """
    where = "train_model_seeds()"
    _check_data(data, where)
    model = SeededModel(cell, len(VOCAB), hidden_size, 2, seeds=seeds, readout="last", dtype=dtype)
    make_batch = shared_length_sampler(WORDS, [s.prefix for s in data["train"]], [s.label for s in data["train"]],
                                       batch_size, model.dtype, length_seed=length_seed, where=where, name="prefixes")
    valid = encode_sentences(data["valid"], model.dtype)
    return model, train_seeds(model, make_batch, steps=steps, lr=lr, eval_batch=valid, eval_every=eval_every,
                              target_accuracy=target_accuracy, progress=progress, desc=desc, workers=workers)


def verb_probabilities(model: SequenceModel, prefixes: Sequence[Sequence[str]]) -> np.ndarray:
    """(B, 2): [P(was), P(were)] that ``model`` gives after each prefix (any lengths, no padding)."""
    prefixes = WORDS.check_word_lists(prefixes, "verb_probabilities()", "prefixes")
    p = np.empty((len(prefixes), 2))
    for idx in group_by_length(prefixes).values():
        x = encode([prefixes[i] for i in idx], dtype=model.dtype)
        p[idx] = softmax_unchecked(model.logits(x), axis=-1)
    return p


def sentence_probabilities(model: SequenceModel, text: str) -> np.ndarray:
    """(2,): [P(was), P(were)] after the words of ``text`` before its first was/were."""
    prefix, _ = split_at_verb(tokenize(text))
    return verb_probabilities(model, [prefix])[0]


def predictions(model: SequenceModel, sentences: Sequence[Sentence]) -> np.ndarray:
    """Predicted classes (B,) for sentences (0 = was, 1 = were), in the order given."""
    return verb_probabilities(model, [s.prefix for s in sentences]).argmax(axis=-1)


def evaluate(model: SequenceModel, sentences: Sequence[Sentence], *, bins=DISTANCE_BINS) -> dict[str, object]:
    """:func:`errors_by` of the model's predictions on ``sentences``."""
    return errors_by(sentences, predictions(model, sentences), bins=bins)


def subject_gradient_share(model: SequenceModel, sentences: Sequence[Sentence]) -> np.ndarray:
    """(B,): ‖∂L/∂x_t‖ at the subject over the same at the last word read, per sentence (L its cross-entropy).

    How strongly the model's answer (and so a training step) depends on the subject word, relative to the
    word right before the verb; 1 at distance 1, where the subject is that word. ``model.grads`` are overwritten.
    """
    where = "subject_gradient_share()"
    check_word_model(model, WORDS, where, output_size=2, readout="last", cells=("lstm", "rnn"),
                     maker="agreement.make_model()")
    return gradient_share(model, WORDS, [s.prefix for s in sentences], [s.label for s in sentences],
                          [s.verb_index - s.distance for s in sentences], where=where, name="sentences")


__all__ = ["NOUN_PAIRS", "VOCAB", "VERBS", "SLIDE_SENTENCE", "SLIDE_VARIANTS", "Sentence", "make_sentence",
           "tokenize", "split_at_verb", "unknown_words", "analyse", "last_noun_prediction", "first_noun_prediction",
           "encode", "encode_sentences", "group_by_length", "batch_sampler", "dataset_sentences", "dataset_text",
           "parse_dataset", "load_dataset", "make_model", "train_model", "train_model_seeds", "verb_probabilities",
           "sentence_probabilities", "predictions", "DISTANCE_BINS", "distance_bin", "evaluate", "best_setting",
           "subject_gradient_share", "error_table", "errors_by", "pooled_error", "seed_summary", "seed_spread",
           "plot_errors", "plot_error_spread", "plot_gradient_share", "plot_learning_curves", "plot_seed_curves"]
