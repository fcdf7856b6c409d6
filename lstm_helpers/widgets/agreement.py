"""Widget of notebook 09: type a sentence, see each model's P(was) and P(were) for its verb.

The models read the words before the first "was"/"were" of the last sentence (earlier
sentences ended by "." included; the whole text if there is no such verb) and predict the
verb's number. Above the bars the view prints what the models read and the
agreement facts of that prefix (subject, distance, attractors, last noun), so the bars can be
compared with the rule "agree with the subject" and with the heuristic "agree with the last
noun". Unknown words produce a message that lists the vocabulary, and the bars drop to zero.

Control: ``sentence`` (free text; capitals and punctuation are ignored).
"""
from __future__ import annotations

import textwrap
from typing import Mapping

import numpy as np

from ..lessons.agreement import (SLIDE_VARIANTS, VERBS, VOCAB, analyse, make_model, split_at_verb, tokenize,
                         unknown_words, verb_probabilities)
from ..support.plots import OKABE_ITO
from .base import View, check_text, interactive_view, new_figure
import ipywidgets as W

DEFAULT_SENTENCE = SLIDE_VARIANTS["mice, cheeses, tables (last noun plural)"]
ABBREV = ("sg.", "pl.")
VERB_COLORS = {"was": OKABE_ITO["blue"], "were": OKABE_ITO["orange"]}
WRAP = 104         # characters per line of the text above the bars
MAX_SHOWN = 150    # characters of the prefix shown at most (beginning … end)


def _shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` itself, or its first and last words joined by ' … ' (at most about ``limit`` characters)."""
    if len(text) <= limit:
        return text
    words = text.split()
    head, tail = [], []
    while words and len(" ".join(head + [words[0]])) <= limit // 2:
        head.append(words.pop(0))
    while words and len(" ".join([words[-1]] + tail)) <= limit // 2:
        tail.insert(0, words.pop())
    if not head and not tail:                          # one very long "word"
        return text[:limit // 2] + " … " + text[-(limit // 2):]
    return " ".join(head) + " … " + " ".join(tail)


def _describe(words: list[str]) -> tuple[str, str | None]:
    """(info text of at most 4 lines, message or None) for the tokenized input."""
    facts = analyse(words)
    prefix = facts["prefix"]
    lines = textwrap.wrap(f'reads: "{_shorten(" ".join(prefix))}" → ?', WRAP)[:2]
    bad = unknown_words(prefix)
    if not prefix:
        return "\n".join(lines), ("Type a sentence that starts with its subject,\n"
                                  "e.g. 'the cats that chased the mouse were'.")
    if bad:
        shown = ", ".join(repr(w) for w in bad[:4]) + (" …" if len(bad) > 4 else "")
        return "\n".join(lines), (f"Unknown word(s): {_shorten(shown, 60)}\n"
                                  "The models know only the vocabulary listed below the chart.")
    if facts["subject"] is None:
        lines.append("no noun yet: the subject decides the verb")
    else:
        sub, last = facts["subject_number"], facts["last_noun_number"]
        parts = [f"subject '{facts['subject']}' ({ABBREV[sub]}) → {VERBS[sub]}",
                 f"last noun '{facts['last_noun']}' ({ABBREV[last]}) → {VERBS[last]}",
                 f"attractors {facts['attractors']}"]
        if facts["distance"] is not None:
            parts.append(f"distance {facts['distance']}")
        if facts["context"]:
            parts.append(f"after {facts['context']} earlier sentence(s)")
        line = parts[0]
        for part in parts[1:]:          # wrap between the parts, never inside one
            if len(line) + 5 + len(part) > WRAP:
                lines.append(line)
                line = part
            else:
                line += "  ·  " + part
        lines.append(line)
    return "\n".join(lines), None


class AgreementView(View):
    """Grouped bars: [P(was), P(were)] of each model after the words before the verb.

    Args:
        models: {name: trained :class:`~lstm_helpers.models.SequenceModel`} (2 outputs, one-hot
            inputs of size ``len(VOCAB)``), e.g. {'RNN': rnn, 'LSTM': lstm}.
        sentence: the initial text.

    ``update(sentence=...)`` changes only bar heights and texts (blitted). After an update,
    ``probabilities`` is {name: array (2,)} (zeros when the text cannot be read) and
    ``message`` the text shown instead of a prediction, or None.
    """

    defaults = {"sentence": DEFAULT_SENTENCE}

    def __init__(self, models: Mapping[str, object], **values):
        if not isinstance(models, Mapping) or not models:
            raise TypeError("AgreementView(): argument 'models' must be a non-empty dict {name: SequenceModel}.")
        for name, m in models.items():
            if not hasattr(m, "forward") or getattr(getattr(m, "head", None), "out_features", 2) != 2:
                raise TypeError(f"AgreementView(): model {name!r} must be a SequenceModel with 2 outputs "
                                f"(see lstm_helpers.agreement.make_model).")
        self.models = dict(models)
        self.values = dict(self.defaults)
        self.fig, (top, ax, bottom) = new_figure(3, 1, figsize=(8.0, 5.0),
                                                 gridspec_kw={"height_ratios": [1.0, 4.0, 0.8]})
        self.ax = ax
        top.axis("off")
        bottom.axis("off")
        vocab = "\n".join(textwrap.wrap("Vocabulary: " + ", ".join(VOCAB) + "   (reading stops at the first was / "
                                         "were of the last sentence)", 110))
        bottom.text(0.0, 1.0, vocab, transform=bottom.transAxes, ha="left", va="top", fontsize=8, color="0.25")
        names = list(self.models)
        self.bars = {}
        self.labels = {}
        for j, name in enumerate(names):
            for k, verb in enumerate(VERBS):
                x = 3 * j + k
                bar = ax.bar([x], [0.0], width=0.9, color=VERB_COLORS[verb],
                             label=f"P({verb})" if j == 0 else None).patches[0]
                self.bars[name, verb] = bar
                self.labels[name, verb] = ax.text(x, 0.02, "", ha="center", va="bottom", fontsize=10)
        ax.axhline(0.5, color="0.5", lw=1, ls=":", label="0.5")
        ax.set_xticks([3 * j + 0.5 for j in range(len(names))], names)
        ax.set_xlim(-0.8, 3 * len(names) - 1.2)
        ax.set_ylim(0.0, 1.15)
        ax.set_yticks(np.linspace(0.0, 1.0, 5))
        ax.set_title("Which verb does each model expect next?")
        ax.set_xlabel("model")
        ax.set_ylabel("probability of the verb")
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.3))
        self.info = top.text(0.0, 1.0, "", transform=top.transAxes, ha="left", va="top", fontsize=9)
        self.note = ax.text(0.5, 0.55, "", transform=ax.transAxes, ha="center", va="center", fontsize=9,
                            color=OKABE_ITO["vermillion"],
                            bbox={"boxstyle": "round", "fc": "white", "ec": OKABE_ITO["vermillion"]})
        self.set_dynamic(*self.bars.values(), *self.labels.values(), self.info, self.note)
        self.update(**{**self.defaults, **values})

    @property
    def alt(self) -> str:
        """Alt text of the current state (``display(view)``): the sentence, each model's bars, what to compare."""
        words = tokenize(self.values["sentence"])
        prefix, _ = split_at_verb(words)
        shown = _shorten(" ".join(prefix), 100)
        if self.message is not None:
            return f'Bar chart of P(was) and P(were) per model, empty: for "{shown}" the view says: {self.message.replace(chr(10), " ")}'
        bars = "; ".join(f"{name}: P(was) = {p[0]:.3f}, P(were) = {p[1]:.3f}" for name, p in self.probabilities.items())
        facts = analyse(words)
        rule = ""
        if facts["subject"] is not None:
            sub, last = facts["subject_number"], facts["last_noun_number"]
            rule = (f" The subject '{facts['subject']}' asks for '{VERBS[sub]}', the last noun "
                    f"'{facts['last_noun']}' for '{VERBS[last]}' ({facts['attractors']} attractors): notice which "
                    f"model puts most of its probability on '{VERBS[sub]}'.")
        return f'Bar chart of each model\'s probability of "was" and "were" after reading "{shown}". {bars}.{rule}'

    def update(self, **values) -> None:
        where = "AgreementView.update()"
        for name, value in values.items():
            self.values[name] = check_text(value, name, where)
        words = tokenize(self.values["sentence"])
        prefix, _ = split_at_verb(words)
        info, message = _describe(words)
        self.message = message
        self.probabilities = {}
        for name, model in self.models.items():
            p = np.zeros(2) if message is not None else verb_probabilities(model, [prefix])[0].astype(float)
            self.probabilities[name] = p
            for k, verb in enumerate(VERBS):
                self.bars[name, verb].set_height(p[k])
                self.labels[name, verb].set_y(p[k] + 0.02)
                self.labels[name, verb].set_text("" if message is not None else f"{p[k]:.3f}")
        self.info.set_text(info)
        self.note.set_text(message or "")
        self.note.set_visible(message is not None)


def agreement_widget(models: Mapping[str, object], **defaults):
    """A text box above a live :class:`AgreementView` of ``models``; returns the ipywidgets box."""

    view = AgreementView(models, **defaults)
    box = W.Text(value=view.values["sentence"], description="sentence", continuous_update=True,
                 layout=W.Layout(width="95%"), style={"description_width": "initial"})
    return interactive_view(view, {"sentence": box}, columns=1)


def bench_cases():
    """One case with untrained seeded models (drawing does not depend on training): typical,
    attractor, unknown-word, empty, verb-less and over-long sentences."""
    models = {"RNN": make_model("rnn", seed=0), "LSTM": make_model("lstm", seed=0)}
    long = "the cat " + " ".join(["that chased the mice that sat on the tables near the dog"] * 4) + " was"
    sweep = [{"sentence": s} for s in (
        *SLIDE_VARIANTS.values(),
        "", "the", "The cats", "the cat that chased the", "the cats near the dog were", ".", "the dogs were happy.",
        "The dogs were happy. The cat that chased the mice that sat on the tables was",
        "the unicorn that chased the mice was", "hello world", long, long + " " + long,
        "the cats " + " ".join(f"w{k}" for k in range(12)),
    )]
    return [("sentence", AgreementView(models), sweep)]
