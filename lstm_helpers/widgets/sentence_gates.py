"""Widget of notebook 08: type or pick a sentence, see every gate of a trained LSTM at every word.

Four heatmaps share one layout: rows are the H memory units (the subject units first, when
given), columns are the words (at most :data:`MAX_WORDS`; the rest of the grid is grey
padding so that a new sentence only changes pixel data, never the figure's layout):

    f_t (forget gate), i_t (input gate), o_t (output gate): viridis, 0 … 1
    tanh(C_t) (the cell state squashed as in h_t = o_t ⊙ tanh(C_t)): cividis, −1 … 1
    (C_t itself is unbounded: some units integrate to |C_t| ≈ 10, which would wash out the rest)

Unknown words, an empty text and over-long texts produce a message instead of (or next to)
the heatmaps; the vocabulary is listed below the figure.

Control: ``sentence`` (free text; "." is a word, capitals do not matter).
"""
from __future__ import annotations

import textwrap

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..lessons import sentence_corpus as sc
from ..support.checks import check_int_array
from ..engine.models import SequenceModel
from ..support.plots import DIVERGING_CMAP, OKABE_ITO, SEQUENTIAL_CMAP
from .base import View, check_text, interactive_view
import ipywidgets as W

MAX_WORDS = 16
PANELS = (("f_t", "forget gate f_t"), ("i_t", "input gate i_t"), ("o_t", "output gate o_t"),
          ("tanh_C_t", "cell state, as the output sees it: tanh(C_t)"))
EXAMPLES = (
    sc.SLIDE_TEXT,
    "The cat was hungry. The cat was sleeping.",
    "The dog was tired and barking. The bird was happy and singing.",
    "The mouse was hungry and squeaking. The cat was sleeping.",
    "The cat was hungry and barking.",
)


class SentenceGatesView(View):
    """Per-unit heatmaps of f_t, i_t, o_t and C_t of ``model`` over the words of a sentence.

    Args:
        model: an LSTM :class:`~lstm_helpers.models.SequenceModel` over
            :data:`~lstm_helpers.sentence_corpus.VOCAB` (``sentence_corpus.make_model``).
        units: optional unit indices shown first and marked "subj" (e.g. the subject units).
        sentence: the initial text.

    After ``update(sentence=...)``: ``words`` (the words shown, at most MAX_WORDS), ``trace``
    (dict of (T, H) from :func:`~lstm_helpers.sentence_corpus.trace`, or None) and ``message``
    (the note shown instead of the heatmaps — unknown words, empty text — or above them for a
    text longer than MAX_WORDS; None otherwise). ``images`` maps 'f_t', 'i_t', 'o_t', 'tanh_C_t'
    to the heatmaps (QuadMesh, data (H, MAX_WORDS) in the unit order of ``order``).
    """

    defaults = {"sentence": sc.SLIDE_TEXT}

    def __init__(self, model: SequenceModel, *, units=None, **values):
        where = "SentenceGatesView()"
        if not isinstance(model, SequenceModel) or model.cell_type != "lstm" or model.cell.input_size != sc.D:
            raise TypeError(f"{where}: argument 'model' must be an LSTM SequenceModel over the "
                            f"{sc.D}-word vocabulary (lstm_helpers.sentence_corpus.make_model()).")
        self.model = model
        H = model.cell.hidden_size
        marked = [] if units is None else [int(u) for u in check_int_array(np.asarray(units), "units", where,
                                                                             high=H)]
        self.order = np.array(marked + [u for u in range(H) if u not in marked])
        self.values = dict(self.defaults)

        # fixed margins instead of new_figure()'s constrained layout: with 4 × 16 unit labels the
        # layout solver alone would cost about a second per full draw
        self.fig = Figure(figsize=(8.0, 9.6), dpi=80)
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(len(PANELS), 1, sharex=True, gridspec_kw={
            "left": 0.11, "right": 0.93, "top": 0.9, "bottom": 0.16, "hspace": 0.3})
        self.axes = np.ravel(axes)
        grey = 0.92
        self.images, self.separators = {}, []
        xs = np.arange(MAX_WORDS)
        ylabels = [f"u{u} subj" if u in marked else f"u{u}" for u in self.order]
        # padding columns hold a value below the colour range, drawn in the "under" colour (grey)
        self.pad = {key: (-1.0 if key != "tanh_C_t" else -2.0) for key, _ in PANELS}
        for ax, (key, title) in zip(self.axes, PANELS):
            cmap = matplotlib.colormaps[DIVERGING_CMAP if key == "tanh_C_t" else SEQUENTIAL_CMAP]
            cmap = cmap.with_extremes(under=(grey, grey, grey))
            lim = (-1.0, 1.0) if key == "tanh_C_t" else (0.0, 1.0)
            # a QuadMesh redraws about ten times faster than an AxesImage of the same 16 × 16 cells
            im = ax.pcolormesh(np.arange(MAX_WORDS + 1) - 0.5, np.arange(H + 1) - 0.5,
                               np.full((H, MAX_WORDS), self.pad[key]), cmap=cmap, vmin=lim[0], vmax=lim[1])
            self.fig.colorbar(im, ax=ax, label="tanh(C_t)" if key == "tanh_C_t" else key, pad=0.015, fraction=0.04)
            self.images[key] = im
            ax.grid(False)
            ax.set_title(title, fontsize=10)
            ax.set_ylabel("memory unit")
            ax.set_yticks(np.arange(H), ylabels, fontsize=6)
            ax.set_ylim(H - 0.5, -0.5)                                 # unit order top to bottom
            if marked:                                                 # drawn over the (dynamic) mesh
                self.separators.append(ax.axhline(len(marked) - 0.5, color=OKABE_ITO["vermillion"], lw=1.5))
        bottom = self.axes[-1]
        bottom.set_xticks(xs, [""] * MAX_WORDS)
        bottom.set_xlim(-0.5, MAX_WORDS - 0.5)
        vocab = "\n".join(textwrap.wrap("Vocabulary: " + "  ".join(sc.VOCAB), 110))
        bottom.set_xlabel("word (grey: no word)\n\n" + vocab, labelpad=44, fontsize=9)
        trans = bottom.get_xaxis_transform()
        self.word_texts = [bottom.text(x, -0.04, "", transform=trans, rotation=50, ha="right", va="top",
                                       rotation_mode="anchor", fontsize=9) for x in xs]
        self.fig.suptitle("The trained LSTM's gates, unit by unit and word by word", fontsize=11, y=0.985)
        self.note = self.fig.text(0.5, 0.5, "", ha="center", va="center", fontsize=11, color=OKABE_ITO["vermillion"],
                                  bbox={"boxstyle": "round", "fc": "white", "ec": OKABE_ITO["vermillion"]})
        self.set_dynamic(*self.images.values(), *self.separators, *self.word_texts, self.note)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "SentenceGatesView.update()"
        for name, value in values.items():
            self.values[name] = check_text(value, name, where)
        words = sc.tokenize(self.values["sentence"])
        bad = sc.unknown_words(words)
        message = None
        if not words:
            message = "Type a sentence, e.g. 'The cat was hungry. The dog was sleeping.'"
        elif bad:
            shown = ", ".join(repr(w) for w in bad[:4]) + (" …" if len(bad) > 4 else "")
            message = f"Unknown word(s): {shown}\nThe model knows only the vocabulary listed below."
        shown_words = [] if (not words or bad) else words[:MAX_WORDS]
        self.words, self.message = shown_words, message
        self.trace = sc.trace(self.model, shown_words) if shown_words else None
        H, T = len(self.order), len(shown_words)
        for key, im in self.images.items():
            data = np.full((H, MAX_WORDS), self.pad[key])
            if T:
                values = np.tanh(self.trace["C_t"]) if key == "tanh_C_t" else self.trace[key]
                data[:, :T] = values[:, self.order].T
            im.set_array(data)
        for x, text in enumerate(self.word_texts):
            text.set_text(shown_words[x] if x < T else "")
        if len(words) > MAX_WORDS and not bad:
            message = self.message = f"Showing the first {MAX_WORDS} of {len(words)} words."
        self.note.set_text(message or "")
        self.note.set_visible(message is not None)
        self.note.set_position((0.5, 0.5) if not T else (0.5, 0.945))   # over the heatmaps only if they are empty


def sentence_gates_widget(model: SequenceModel, *, units=None, **defaults):
    """A combo box (pick an example or type) above a live :class:`SentenceGatesView`; returns the box."""

    view = SentenceGatesView(model, units=units, **defaults)
    box = W.Combobox(value=view.values["sentence"], options=list(EXAMPLES), ensure_option=False,
                     description="sentence", continuous_update=True, layout=W.Layout(width="95%"),
                     style={"description_width": "initial"})
    return interactive_view(view, {"sentence": box}, columns=1)


def bench_cases():
    """An untrained seeded model (drawing does not depend on training): the examples, a
    one-word text, an empty text, unknown words, the longest text shown and an over-long one."""
    model = sc.make_model(16, seed=0)
    long = " ".join(["The cat was hungry ."] * 4)
    sweep = [{"sentence": s} for s in (*EXAMPLES, "", "the", "The unicorn was hungry.", "hello world !",
                                       " ".join(sc.tokenize(long)[:MAX_WORDS]), long, sc.SLIDE_TEXT)]
    return [("sentence", SentenceGatesView(model, units=[0, 1, 2]), sweep)]
