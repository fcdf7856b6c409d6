"""Widget of notebook 08: type or pick a sentence, see every gate of a trained LSTM at every word.

Four heatmaps in a 2 × 2 grid, read like the slides' gate table: rows are the words of the
sentence, top to bottom (at most :data:`MAX_WORDS`; only real words are shown, and every panel
carries the word labels), columns are the H memory units (the subject units first, left of a
vermillion line, when given):

    f_t (forget gate), i_t (input gate), o_t (output gate): viridis, 0 … 1
    tanh(C_t) (the cell state squashed as in h_t = o_t ⊙ tanh(C_t)): cividis, −1 … 1, centred at 0
    (C_t itself is unbounded: some units integrate to |C_t| ≈ 10, which would wash out the rest)

Unknown words, an empty text and over-long texts produce a message instead of (or next to)
the heatmaps; the vocabulary is listed below the figure.

A redraw never changes the axes: the meshes always hold MAX_WORDS rows, and the rows of the
sentence's T words are stretched over the panel's whole height by the meshes' transform; the word
labels are text artists placed in axes coordinates. So every redraw is a blit.

Control: ``sentence`` (free text; "." is a word, capitals do not matter).
"""
from __future__ import annotations

import textwrap

import matplotlib
import numpy as np
from matplotlib import transforms
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..lessons import sentence_corpus as sc
from ..lessons.gate_table import word_label
from ..support.checks import check_int_array
from ..engine.models import SequenceModel
from ..support.plots import DIVERGING_CMAP, OKABE_ITO, SEQUENTIAL_CMAP
from .base import View, check_text, interactive_view
import ipywidgets as W

MAX_WORDS = 16
PANELS = (("f_t", r"forget gate $f_t$ (0 = erase, 1 = keep)"),
          ("i_t", r"input gate $i_t$ (0 = write nothing, 1 = write)"),
          ("o_t", r"output gate $o_t$ (0 = hide, 1 = show)"),
          ("tanh_C_t", r"cell state as the output sees it: $\tanh(C_t)$"))
COLORBAR_LABELS = {"f_t": r"$f_t$", "i_t": r"$i_t$", "o_t": r"$o_t$", "tanh_C_t": r"$\tanh(C_t)$"}
EXAMPLES = (
    sc.SLIDE_TEXT,
    "The cat was hungry. The cat was sleeping.",
    "The dog was tired and barking. The bird was happy and singing.",
    "The mouse was hungry and squeaking. The cat was sleeping.",
    "The cat was hungry and barking.",
)
UNIT_FONT, WORD_FONT = 8, 10          # tick labels: the unit names (16 columns must fit) and the words


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
    to the heatmaps (QuadMesh, data (MAX_WORDS, H): row t = word t, columns in the unit order of
    ``order``; the rows after the last word hold ``pad[key]``, below the colour range, and are
    stretched out of sight). ``word_labels`` lists the words written beside each panel.
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
        self.marked = marked
        self.values = dict(self.defaults)

        # fixed margins instead of new_figure()'s constrained layout: with 4 × 16 unit labels the
        # layout solver alone would cost about a second per full draw
        self.fig = Figure(figsize=(12.0, 8.6), dpi=80)
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(2, 2, gridspec_kw={"left": 0.085, "right": 0.955, "top": 0.9, "bottom": 0.15,
                                                    "hspace": 0.52, "wspace": 0.34})
        self.axes = np.ravel(axes)
        grey = 0.92
        self.images, self.separators = {}, []
        unit_labels = [f"u{u} subj" if u in marked else f"u{u}" for u in self.order]
        # padding rows hold a value below the colour range, drawn in the "under" colour (grey)
        self.pad = {key: (-1.0 if key != "tanh_C_t" else -2.0) for key, _ in PANELS}
        for ax, (key, title) in zip(self.axes, PANELS):
            cmap = matplotlib.colormaps[DIVERGING_CMAP if key == "tanh_C_t" else SEQUENTIAL_CMAP]
            cmap = cmap.with_extremes(under=(grey, grey, grey))
            lim = (-1.0, 1.0) if key == "tanh_C_t" else (0.0, 1.0)
            # a QuadMesh redraws about ten times faster than an AxesImage of the same 16 × 16 cells
            im = ax.pcolormesh(np.arange(H + 1) - 0.5, np.arange(MAX_WORDS + 1) - 0.5,
                               np.full((MAX_WORDS, H), self.pad[key]), cmap=cmap, vmin=lim[0], vmax=lim[1])
            bar = self.fig.colorbar(im, ax=ax, pad=0.02, fraction=0.05)
            bar.set_label(COLORBAR_LABELS[key], fontsize=11)
            bar.ax.tick_params(labelsize=9)
            self.images[key] = im
            ax.grid(False)
            ax.set_title(title, fontsize=12)
            ax.set_xlabel("memory unit", fontsize=10, labelpad=2)
            ax.set_xticks(np.arange(H), unit_labels, fontsize=UNIT_FONT, rotation=90)
            ax.set_xlim(-0.5, H - 0.5)
            ax.set_ylim(MAX_WORDS - 0.5, -0.5)                          # first word on top
            ax.set_yticks([])
            if marked:                                                 # drawn over the (dynamic) mesh
                self.separators.append(ax.axvline(len(marked) - 0.5, color=OKABE_ITO["vermillion"], lw=2))
        vocab = "\n".join(textwrap.wrap("Vocabulary: " + "  ".join(sc.VOCAB), 150))
        self.fig.text(0.5, 0.012, vocab, ha="center", va="bottom", fontsize=10)
        title = "The trained LSTM's gates, word by word (rows) and unit by unit (columns)"
        if marked:
            title += ": subject units left of the vermillion line"
        self.fig.suptitle(title, fontsize=13, y=0.985)
        # the words beside every panel, in axes coordinates: update() spreads them over the panel's height
        self.word_texts = [[ax.text(-0.015, 0.5, "", transform=ax.transAxes, ha="right", va="center",
                                    fontsize=WORD_FONT) for _ in range(MAX_WORDS)] for ax in self.axes]
        self.note = self.fig.text(0.5, 0.5, "", ha="center", va="center", fontsize=12, color=OKABE_ITO["vermillion"],
                                  bbox={"boxstyle": "round", "fc": "white", "ec": OKABE_ITO["vermillion"]})
        self.set_dynamic(*self.images.values(), *self.separators, *sum(self.word_texts, []), self.note)
        self.update(**{**self.defaults, **values})

    @property
    def word_labels(self) -> list[list[str]]:
        """The words written beside each panel, top to bottom (one list per panel, in the order of PANELS;
        "." is written '"."', see :func:`word_label`)."""
        return [[t.get_text() for t in texts if t.get_text()] for texts in self.word_texts]

    @property
    def alt(self) -> str:
        """Alt text of the current state (``display(view)``): what the panels show and what to look for."""
        if not self.words:
            return f"Four empty heatmaps of the sentence-gates view, with the message: {self.message.replace(chr(10), ' ')}"
        T, H = len(self.words), len(self.order)
        lowest = {self.words[t] for t in np.argmin(self.trace["f_t"], axis=0)}   # each unit's lowest forget gate
        text = (f"Four heatmaps of a trained LSTM reading '{' '.join(self.words)}': the forget, input and output "
                f"gate and tanh(C_t) of each of its {H} memory units (columns) at each of the {T} words (rows). "
                f"Notice that the units' lowest forget gates fall on {len(lowest)} different words rather than all "
                f"on the full stop, and that the input gate is mostly bright (mean {self.trace['i_t'].mean():.2f}).")
        if self.marked:
            u = self.marked[0]
            C = np.tanh(self.trace["C_t"][:, u])
            text += (f" The first subject unit, u{u}, goes from {C.min():+.2f} to {C.max():+.2f} in tanh(C_t): "
                     "compare its values in the two sentences.")
        return text

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
            data = np.full((MAX_WORDS, H), self.pad[key])
            if T:
                values = np.tanh(self.trace["C_t"]) if key == "tanh_C_t" else self.trace[key]
                data[:T] = values[:, self.order]
            im.set_array(data)
        # the first T rows stretched over the panel's height (the rest falls outside the axes): a blit, no relayout
        rows = max(T, 1)
        stretch = transforms.Affine2D().translate(0, 0.5).scale(1, MAX_WORDS / rows).translate(0, -0.5)
        for ax, im in zip(self.axes, self.images.values()):
            im.set_transform(stretch + ax.transData)
        for texts in self.word_texts:
            for t, text in enumerate(texts):
                text.set_text(word_label(shown_words[t]) if t < T else "")
                text.set_y(1 - (t + 0.5) / rows)
                text.set_fontsize(WORD_FONT if rows <= 12 else WORD_FONT - 1)      # 16 rows: 9 pt still fits
        if len(words) > MAX_WORDS and not bad:
            message = self.message = f"Showing the first {MAX_WORDS} of {len(words)} words."
        self.note.set_text(message or "")
        self.note.set_visible(message is not None)
        self.note.set_position((0.5, 0.5) if not T else (0.5, 0.94))   # over the heatmaps only if they are empty


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
