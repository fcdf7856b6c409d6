"""Widget of notebook 06: the output gate (highlighter) at "and" and the next-word prediction.

The cell is :func:`lstm_helpers.toy_sentences.hand_wired_lstm` reading "The cat was hungry.
The dog was sleeping and". At the last word, "and", the controls set the output gate by hand:

* ``o_dog``, ``o_sleeping`` — o_t of the dog and sleeping units (slides: 90 %, 70 %),
* ``o_old`` — o_t of the old context, the cat and hungry units (slides: 10 %),
* ``erased`` — whether the forget gate erased cat and hungry at "dog" (True, the hand-wired
  cell) or rested there (False: f_t = σ(b_f) for them too, so the old context stays large).

Left: what the cell keeps, C_t, next to what it shows, h_t = o_t ⊙ tanh(C_t), per unit, with
o_t marked. Right: the next-word probabilities softmax(V · h_t) of the hand-wired read-out.
The numbers come from :func:`lstm_helpers.lessons.toy_sentences.output_trace` and
:func:`~lstm_helpers.lessons.toy_sentences.next_word_probabilities`; this module only draws.
"""
from __future__ import annotations

import numpy as np

from ..lessons import toy_sentences as ts
from ..support.plots import CYCLE, OKABE_ITO
from .base import View, check_slider, float_sliders, interactive_view, new_figure, sweep_each, unknown_control
import ipywidgets as W

T_AND = ts.T_AND
# Slider ranges (min, max, step) of the numeric controls; 'erased' is True or False.
RANGES = {"o_dog": (0.0, 1.0, 0.01), "o_sleeping": (0.0, 1.0, 0.01), "o_old": (0.0, 1.0, 0.01)}
CONTROLS = ("o_dog", "o_sleeping", "o_old", "erased")
UNIT_X = np.arange(ts.H)
WORD_X = np.arange(len(ts.NEXT_WORDS))


class OutputGateView(View):
    """Kept C_t vs shown h_t per unit at "and" (left) and the next-word probabilities (right).

    ``update(o_dog=..., o_sleeping=..., o_old=..., erased=...)`` takes any subset of :data:`CONTROLS`.
    After an update, ``self.probabilities`` (K,) and ``self.trace`` hold the numbers drawn.
    """

    defaults = {"o_dog": ts.SLIDE_OUTPUT_AT_AND["dog"], "o_sleeping": ts.SLIDE_OUTPUT_AT_AND["sleeping"],
                "o_old": ts.SLIDE_OUTPUT_AT_AND["cat"], "erased": True}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [1.2, 1.0]})
        self.ax, self.bx = ax, bx
        blue, sky, verm = OKABE_ITO["blue"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"]

        w = 0.38
        zero = np.zeros(ts.H)
        self.c_bars = list(ax.bar(UNIT_X - w / 2, zero, width=w, color=sky, label="kept: $C_t$").patches)
        self.h_bars = list(ax.bar(UNIT_X + w / 2, zero, width=w, color=blue,
                                  label=r"shown: $h_t = o_t \odot \tanh(C_t)$").patches)
        (self.o_marks,) = ax.plot(UNIT_X + w / 2, zero, "D", color=verm, ms=7, label="output gate $o_t$")
        ax.set_xticks(UNIT_X, ts.UNITS)
        ax.set_xlim(-0.6, ts.H - 0.4)
        ax.set_ylim(0.0, 1.38)  # C_t and o_t stay below 1; room for the legend on top
        ax.set_yticks(np.linspace(0.0, 1.0, 6))
        ax.set_title("At 'and': kept in the cell vs shown in $h_t$")
        ax.set_xlabel("memory unit")
        ax.set_ylabel("value")
        ax.legend(loc="upper center", ncols=2, fontsize=8)

        colors = CYCLE[:len(ts.NEXT_WORDS)]  # the same colour per word as in the notebook's line plots
        self.p_bars = list(bx.bar(WORD_X, np.zeros(len(WORD_X)), color=colors, width=0.6).patches)
        for bar, word in zip(self.p_bars, ts.NEXT_WORDS):
            bar.set_label(word)
        self.p_texts = [bx.text(x, 0.0, "", ha="center", va="bottom", fontsize=9) for x in WORD_X]
        bx.set_xticks(WORD_X, ts.NEXT_WORDS)
        bx.set_ylim(0.0, 1.15)
        bx.set_yticks(np.linspace(0.0, 1.0, 6))
        bx.set_title(r"Next word after 'and': softmax($V h_t$)")
        bx.set_xlabel("candidate next word")
        bx.set_ylabel("probability")

        self.set_dynamic(*self.c_bars, *self.h_bars, self.o_marks, *self.p_bars, *self.p_texts)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "OutputGateView.update()"
        new = {}                                   # applied once every value is valid
        for name, value in values.items():
            if name not in CONTROLS:
                raise unknown_control(where, name, CONTROLS)
            if name == "erased":
                if not isinstance(value, (bool, np.bool_)):
                    raise TypeError(f"{where}: argument 'erased' must be True or False, but it is {value!r}.")
                new[name] = bool(value)
            else:
                new[name] = check_slider(value, name, where, RANGES)
        self.values.update(new)
        tr = ts.output_trace(**self.values)
        C, h, o = tr["C_t"][T_AND], tr["h_t"][T_AND], tr["o_t"][T_AND]
        for k in range(ts.H):
            self.c_bars[k].set_height(C[k])
            self.h_bars[k].set_height(h[k])
        self.o_marks.set_ydata(o)
        p = ts.next_word_probabilities(h)
        for bar, text, value in zip(self.p_bars, self.p_texts, p):
            bar.set_height(value)
            text.set_y(value + 0.01)
            text.set_text(f"{100 * value:.0f} %")
        self.probabilities, self.trace = p, tr

    @property
    def alt(self) -> str:
        """Alt text of the current figure: what it shows and the numbers to notice (the probabilities drawn)."""
        tr = self.trace
        C, h = tr["C_t"][T_AND], tr["h_t"][T_AND]
        kept = ", ".join(f"{u} {c:.2f}" for u, c in zip(ts.UNITS, C))
        shown = ", ".join(f"{u} {v:.2f}" for u, v in zip(ts.UNITS, h))
        probs = ", ".join(f"{w} {100 * q:.0f} %" for w, q in zip(ts.NEXT_WORDS, self.probabilities))
        old = "erased at 'dog'" if self.values["erased"] else "not erased"
        return (f"Two bar charts at the word 'and', output gate o_t set to dog {self.values['o_dog']:.2f}, sleeping "
                f"{self.values['o_sleeping']:.2f}, old context (cat, hungry, {old}) {self.values['o_old']:.2f}. "
                f"Left, per memory unit: the kept note C_t ({kept}) next to the shown h_t = o_t times tanh(C_t) "
                f"({shown}); no shown bar is higher than its kept bar. Right: the next-word probabilities "
                f"({probs}).")


def output_gate_widget(**defaults):
    """Sliders for o_t of dog, sleeping and the old context and a switch for the erasing at "dog"."""

    view = OutputGateView(**defaults)
    style = {"description_width": "initial"}
    labels = {"o_dog": "o_t[dog]", "o_sleeping": "o_t[sleeping]", "o_old": "o_t[cat, hungry] (old)"}
    controls = float_sliders(view.values, RANGES, labels)
    controls["erased"] = W.Dropdown(options=[("erased at 'dog' (hand-wired)", True), ("not erased", False)],
                                    value=view.values["erased"], description="old context", style=style)
    return interactive_view(view, controls, columns=2)


def bench_cases():
    """Every slider over its whole range (ends included), both erase settings, and the corners."""
    d = OutputGateView.defaults
    sweep = []
    for erased in (True, False):
        sweep += sweep_each({**d, "erased": erased}, RANGES)
    for corner in (0.0, 1.0):
        for erased in (True, False):
            sweep.append({"o_dog": corner, "o_sleeping": corner, "o_old": corner, "erased": erased})
            sweep.append({"o_dog": 1.0 - corner, "o_sleeping": corner, "o_old": 1.0 - corner, "erased": erased})
    return [("highlighter at and", OutputGateView(), sweep)]
