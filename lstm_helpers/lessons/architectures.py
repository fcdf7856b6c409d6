"""Block diagrams of how an LSTM is wired for the applications on the slides (drawn with matplotlib).

``draw(ax, kind)`` draws one of :data:`KINDS` on an axis (axes switched off):

* ``'text'``        many-to-many: each x_t is a character, each output the next character;
* ``'translation'`` encoder-decoder: the encoder's final (h, C) is the decoder's initial state;
* ``'speech'``      bidirectional LSTM over audio frames, a label or blank per frame, CTC collapse;
* ``'video'``       a CNN per frame feeds the LSTM, which predicts the label at every frame; the clip's label
                    is the average of the per-frame predictions (LRCN, Donahue et al. 2015);
* ``'handwriting'`` pen offsets (Δx, Δy, pen up) in; recognition (CTC) or generation (mixture density) out.
"""
from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..support.checks import check_choice
from ..support.plots import OKABE_ITO

KINDS = ("text", "translation", "speech", "video", "handwriting")
TITLES = {
    "text": "Text generation: one output per input (next character)",
    "translation": "Translation: encoder → thought vector → decoder",
    "speech": "Speech: bidirectional LSTM + CTC",
    "video": "Video: CNN features per frame → LSTM → label per frame, averaged",
    "handwriting": "Handwriting: pen trajectory in, text or strokes out",
}
LSTM_FC = "#cfe3f3"
BACK_FC = "#fde2c8"


def _box(ax, x, y, text, *, w=0.8, h=0.5, fc=LSTM_FC, ec=None, fontsize=8):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03,rounding_size=0.08",
                                fc=fc, ec=ec or OKABE_ITO["blue"], lw=1.2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, p, q, *, color="0.25", style="-|>", lw=1.0, rad=0.0):
    ax.add_patch(FancyArrowPatch(p, q, arrowstyle=style, mutation_scale=9, color=color, lw=lw,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2))


def _chain(ax, xs, y, label="LSTM", fc=LSTM_FC, backwards=False):
    for x in xs:
        _box(ax, x, y, label, fc=fc)
    for a, b in zip(xs[:-1], xs[1:]):
        if backwards:
            _arrow(ax, (b - 0.4, y), (a + 0.4, y), color=OKABE_ITO["orange"])
        else:
            _arrow(ax, (a + 0.4, y), (b - 0.4, y), color=OKABE_ITO["blue"])


def _io(ax, xs, y_from, y_to, labels, *, above):
    for x, lab in zip(xs, labels):
        if lab is None:
            continue
        _arrow(ax, (x, y_from), (x, y_to))
        if above:
            ax.text(x, y_to + 0.08, lab, ha="center", va="bottom", fontsize=9)
        else:
            ax.text(x, y_from - 0.08, lab, ha="center", va="top", fontsize=9)


def draw(ax, kind: str):
    """Draw the architecture ``kind`` (one of :data:`KINDS`) on ``ax``; returns ``ax``."""
    check_choice(kind, "kind", "architectures.draw()", KINDS)
    ax.set_xlim(-0.2, 8.2)
    ax.set_ylim(-0.6, 3.75)
    ax.axis("off")
    ax.set_title(TITLES[kind], fontsize=10)
    if kind == "text":
        xs = [1.0, 2.5, 4.0, 5.5, 7.0]
        _chain(ax, xs, 1.5)
        _io(ax, xs, 0.5, 1.25, list("hello"), above=False)
        _io(ax, xs, 1.75, 2.5, ["e", "l", "l", "o", "(space)"], above=True)
        ax.text(4.0, 3.3, "sampling feeds each output back in as the next input", ha="center", fontsize=8)
    elif kind == "translation":
        enc, dec = [0.6, 1.8, 3.0], [4.8, 6.0, 7.2]
        _chain(ax, enc, 1.5, "enc")
        _chain(ax, dec, 1.5, "dec", fc="#d5efe4")
        _arrow(ax, (3.4, 1.5), (4.4, 1.5), color=OKABE_ITO["vermillion"], lw=2.0)
        ax.text(3.7, 1.85, "(h, C) thought vector", ha="center", va="bottom", fontsize=8, color=OKABE_ITO["vermillion"])
        _io(ax, enc, 0.5, 1.25, ["le", "chat", "dort"], above=False)
        _io(ax, dec, 0.5, 1.25, ["<s>", "the", "cat"], above=False)
        _io(ax, dec, 1.75, 2.5, ["the", "cat", "sleeps"], above=True)
        ax.text(4.0, 3.35, "attention (Bahdanau 2015) lets the decoder look at every encoder $h_t$", ha="center",
                fontsize=8)
    elif kind == "speech":
        xs = [0.8, 2.0, 3.2, 4.4, 5.6, 6.8]
        for x in xs:
            ax.add_patch(FancyBboxPatch((x - 0.3, -0.35), 0.6, 0.4, boxstyle="square,pad=0", fc="0.85", ec="0.5"))
        ax.text(0.05, -0.15, "frames", ha="right", va="center", fontsize=8)
        _chain(ax, xs, 0.75, "→", fc=LSTM_FC)
        _chain(ax, xs, 1.55, "←", fc=BACK_FC, backwards=True)
        for x in xs:
            _arrow(ax, (x, 0.05), (x, 0.5))
        _io(ax, xs, 1.8, 2.35, ["h", "h", "_", "e", "l", "_"], above=True)
        ax.text(4.0, 3.25, "CTC: merge repeats, drop blanks '_':  h h _ e l _  →  'hel'", ha="center", fontsize=8)
    elif kind == "video":
        xs = [0.9, 2.3, 3.7, 5.1]
        for x in xs:
            _box(ax, x, 0.35, "CNN", fc="0.9", ec="0.4")
            _arrow(ax, (x, 0.6), (x, 1.25))
            ax.text(x, -0.3, "frame", ha="center", va="top", fontsize=8)
        _chain(ax, xs, 1.5)
        for x in xs:                                     # a prediction at every frame ...
            _arrow(ax, (x, 1.75), (x, 2.2))
            _box(ax, x, 2.4, "p(label)", w=0.9, h=0.36, fc="#d5efe4", ec=OKABE_ITO["bluish_green"], fontsize=8)
            ax.plot([x, x], [2.6, 2.85], color="0.45", lw=1.0)
        ax.plot([xs[0], xs[-1] + 0.9], [2.85, 2.85], color="0.45", lw=1.0)   # ... averaged over the clip
        _arrow(ax, (xs[-1] + 0.9, 2.85), (7.3, 1.87), color="0.45", rad=-0.3)
        _box(ax, 7.3, 1.5, "average:\n'jump'", w=1.2, h=0.7, fc="#d5efe4", ec=OKABE_ITO["bluish_green"])
        ax.text(4.0, 3.05, "LRCN (Donahue et al. 2015) averages the per-frame labels;\n"
                "readout='last' would read only $h_T$", ha="center", va="bottom", fontsize=8)
    else:
        xs = [1.0, 2.5, 4.0, 5.5, 7.0]
        _chain(ax, xs, 1.5)
        _io(ax, xs, 0.6, 1.25, ["Δx,Δy,up"] * 5, above=False)
        _io(ax, xs, 1.75, 2.45, ["π,μ,σ"] * 5, above=True)
        ax.text(4.0, 3.05, "generation (Graves 2013): a mixture density over the next pen offset;\n"
                "recognition: the same input with a CTC output, as for speech", ha="center", va="bottom", fontsize=8)
    return ax
