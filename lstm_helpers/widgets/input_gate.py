"""Widgets of notebook 05: the input gate (pen) and the candidate, by hand, then reading the context.

:class:`InputGateView` — the hand-wired cell of :mod:`lstm_helpers.lessons.toy_sentences` reading "The cat
was hungry. The dog was sleeping and". At one step ``t`` and one memory unit ``unit`` the controls replace
the computed gate values by hand:

* ``i_t`` — the input gate, 0 (pen up) … 1 (pen down),
* ``C_tilde_t`` — the candidate C̃_t, −1 … 1 (what the pen would write; negative subtracts),

and the update C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t does the rest. Left: C_t of every unit over the
words (the edited point marked). Right: that step's update split into the kept part
f_t ⊙ C_{t-1}, the written part i_t ⊙ C̃_t, and their sum C_t. The numbers come from
:func:`lstm_helpers.lessons.toy_sentences.input_trace`.

:class:`ContextPenView` — the slot cell of :mod:`lstm_helpers.lessons.context_gates`: the pen of the dog's
slot ``dog_sleeps`` reads the word and h_{t-1}, on "The dog was sleeping" and "The cat was sleeping".
The controls are that pen's weights:

* ``w_h`` — W_i[dog_sleeps, h[dog]], the weight on the dog unit of h_{t-1},
* ``w_cross`` — W_i[dog_sleeps, h[cat]], the weight on the cat unit of h_{t-1},
* ``b`` — b_i[dog_sleeps], the bias.

Left: the sigmoid with the pen at "sleeping" in both sentences. Right: what is written into the dog's slot
at each word of both sentences. Numbers from :func:`lstm_helpers.lessons.context_gates.slot_decisions`.
This module only draws.
"""
from __future__ import annotations

import numpy as np

from ..engine.activations import sigmoid_unchecked
from ..lessons import context_gates as cg
from ..lessons import toy_sentences as ts
from ..support.checks import check_choice
from ..support.plots import OKABE_ITO
from .base import (View, check_slider, check_sliders, float_slider, float_sliders, interactive_view, new_figure,
                   range_corners, sweep_each, unknown_control)
import ipywidgets as W

# Slider ranges (min, max, step) of the two numeric controls; the other two are choices.
RANGES = {"i_t": (0.0, 1.0, 0.01), "C_tilde_t": (-1.0, 1.0, 0.01)}
STEP_CHOICES = tuple(range(len(ts.SENTENCE)))
CONTROLS = ("t", "unit", "i_t", "C_tilde_t")
STEPS = np.arange(len(ts.SENTENCE))
T_SLEEPING = ts.SENTENCE.index("sleeping")
_HAND_WIRED = ts.run(ts.encode(ts.SENTENCE))
# Default slider values: the hand-wired cell's own i_t and C̃_t of the sleeping unit at "sleeping",
# rounded down to the slider step (so a step to the right is always possible).
DEFAULT_I = float(np.floor(_HAND_WIRED["i_t"][T_SLEEPING, ts.unit_index("sleeping")] * 100) / 100)
DEFAULT_C_TILDE = float(np.floor(_HAND_WIRED["C_tilde_t"][T_SLEEPING, ts.unit_index("sleeping")] * 100) / 100)
COLORS = cg.UNIT_COLORS
PART_COLORS = ("0.78", "0.45")          # kept, written: greys (the C_t bar takes the edited unit's colour)


def step_label(t: int) -> str:
    """'8: sleeping' for step 8 of the example sentence (steps are counted from 0)."""
    return f"{t}: {ts.SENTENCE[t]}"


class InputGateView(View):
    """C_t of every unit over the words (left) and the edited step's update, kept + written = C_t (right).

    ``update(t=..., unit=..., i_t=..., C_tilde_t=...)`` takes any subset of :data:`CONTROLS`.
    After an update, ``self.parts`` = (f ⊙ C_{t-1}, i ⊙ C̃, C_t) at the edited point.
    """

    defaults = {"t": T_SLEEPING, "unit": "sleeping", "i_t": DEFAULT_I, "C_tilde_t": DEFAULT_C_TILDE}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [1.4, 1.0]})
        self.ax, self.bx = ax, bx

        zero = np.zeros(len(STEPS))
        self.lines = []
        for u in ts.UNITS:
            (line,) = ax.plot(STEPS, zero, "o-", color=COLORS[u], lw=1.8, ms=4, label=f"$C_t$[{u}]")
            self.lines.append(line)
        (self.marker,) = ax.plot([0], [0], "o", ms=13, mfc="none", mec="black", mew=2, label="edited point")
        ax.axhline(0.0, color="0.4", lw=0.8)
        ax.set_xticks(STEPS, ts.SENTENCE, rotation=35)
        ax.set_ylim(-1.1, 2.55)  # C_t can reach f·C_{t-1} + 1 ≈ 1.9; room for the legend on top
        ax.set_yticks(np.linspace(-1.0, 2.0, 7))
        ax.set_title(r"The notebook $C_t$, word by word")
        ax.set_xlabel(r"word $x_t$")
        ax.set_ylabel(r"cell state $C_t$")
        ax.legend(loc="upper center", ncols=3, fontsize=8)

        colors = [*PART_COLORS, COLORS[self.values["unit"]]]
        self.bars = list(bx.bar([0, 1, 2], [0.0, 0.0, 0.0], color=colors, width=0.6, edgecolor="0.2").patches)
        for bar, lab in zip(self.bars, [r"kept  $f_t \odot C_{t-1}$", r"written  $i_t \odot \tilde{C}_t$",
                                        r"new  $C_t$ (colour of the unit)"]):
            bar.set_label(lab)
        bx.axhline(0.0, color="0.4", lw=0.8)
        bx.set_xticks([0, 1, 2], ["kept", "written", "new $C_t$"])
        bx.set_xlim(-0.6, 2.6)
        bx.set_ylim(-1.1, 2.55)
        bx.set_yticks(np.linspace(-1.0, 2.0, 7))
        bx.set_title(r"$C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t$")
        bx.set_xlabel("part of the update")
        bx.set_ylabel("value")
        bx.legend(loc="lower left", fontsize=8)  # the kept bar is never negative here
        self.readout = bx.text(0.97, 0.97, "", transform=bx.transAxes, ha="right", va="top", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})

        self.set_dynamic(*self.lines, self.marker, *self.bars, self.readout)
        self.update(**{**self.defaults, **values})

    @property
    def alt(self) -> str:
        """Alt text of the current state: the edited step and unit and its update."""
        t, unit = self.values["t"], self.values["unit"]
        kept, written, C_t = self.parts
        return (f"Left: the notes C_t of the units cat, dog, hungry and sleeping over the ten words of the example "
                f"sentence, with the {unit} unit at '{ts.SENTENCE[t]}' circled. Right: three bars for that step, "
                f"kept {kept:+.3f} plus written {written:+.3f} equals the new note {C_t:+.3f}. Notice that the "
                f"pen adds to what the eraser kept: it never replaces the note by itself.")

    def update(self, **values) -> None:
        where = "InputGateView.update()"
        new = {}                                   # applied once every value is valid
        for name, value in values.items():
            if name not in CONTROLS:
                raise unknown_control(where, name, CONTROLS)
            if name == "t":
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value not in STEP_CHOICES:
                    raise ValueError(f"{where}: argument 't' must be a step 0 … {len(STEPS) - 1}, but it is {value!r}.")
                new["t"] = int(value)
            elif name == "unit":
                new["unit"] = check_choice(value, "unit", where, ts.UNITS)
            else:
                new[name] = check_slider(value, name, where, RANGES)
        self.values.update(new)
        t, unit = self.values["t"], self.values["unit"]
        tr = ts.input_trace(t, unit, self.values["i_t"], self.values["C_tilde_t"])
        u = ts.unit_index(unit)
        for k, line in enumerate(self.lines):
            line.set_ydata(tr["C_t"][:, k])
        self.marker.set_data([t], [tr["C_t"][t, u]])
        self.marker.set_markeredgecolor(COLORS[unit])
        f, C_prev, C_t = tr["f_t"][t, u], tr["C_prev"][t, u], tr["C_t"][t, u]
        i, C_tilde = tr["i_t"][t, u], tr["C_tilde_t"][t, u]
        parts = (float(tr["kept"][t, u]), float(tr["written"][t, u]), float(C_t))
        for bar, value in zip(self.bars, parts):
            bar.set_height(value)
        self.bars[2].set_facecolor(COLORS[unit])
        self.readout.set_text(f"{unit} at '{ts.SENTENCE[t]}':\n{f:.2f}·({C_prev:+.2f}) + {i:.2f}·({C_tilde:+.2f}) = {C_t:+.3f}")
        self.parts, self.trace = parts, tr


def input_gate_widget(**defaults):
    """Dropdowns for the step and unit, sliders for i_t and C̃_t, above a live :class:`InputGateView`."""

    view = InputGateView(**defaults)
    style = {"description_width": "initial"}
    controls = {
        "t": W.Dropdown(options=[(step_label(t), t) for t in STEP_CHOICES], value=view.values["t"],
                        description="step t", style=style),
        "unit": W.Dropdown(options=list(ts.UNITS), value=view.values["unit"], description="unit", style=style),
    }
    for name, label in (("i_t", "input gate i_t"), ("C_tilde_t", "candidate C̃_t")):
        controls[name] = float_slider(view.values[name], RANGES[name], label)
    return interactive_view(view, controls, columns=2)


# ----------------------------------------------------------------------------- the pen that reads h_{t-1}
CONTEXT_RANGES = {"w_h": (-4.0, 16.0, 0.1), "w_cross": (-4.0, 16.0, 0.1), "b": (-16.0, 0.0, 0.1)}
SENTENCES = cg.SLOT_SENTENCES
SUBJECTS = ("dog", "cat")                # the subject of each sentence of SENTENCES
Z_PEN = np.linspace(-18.0, 14.0, 321)
WORD_STEPS = np.arange(len(SENTENCES[0].split()))
WORD_LABELS = ["The", "dog / cat", "was", "sleeping"]


class ContextPenView(View):
    """The pen of the dog's slot at "sleeping" in two sentences (left) and what it writes word by word (right).

    ``update(w_h=..., w_cross=..., b=...)`` takes any subset of :data:`CONTEXT_RANGES`. After an update,
    ``self.decisions`` is :func:`lstm_helpers.lessons.context_gates.slot_decisions`' list (one dict per sentence)
    and ``self.i`` the pen at "sleeping" in each sentence, a pair (dog sentence, cat sentence).
    """

    defaults = {"w_h": cg.SLOT_PEN_SUBJECT, "w_cross": 0.0, "b": cg.SLOT_PEN_BIAS}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(10.5, 3.8), gridspec_kw={"width_ratios": [1.0, 1.3]})
        self.ax, self.bx = ax, bx
        ax.plot(Z_PEN, sigmoid_unchecked(Z_PEN), color=OKABE_ITO["blue"], lw=2, label=r"$\sigma(z)$")
        ax.axhline(1.0, color="0.4", lw=0.8, ls=":")
        ax.axhline(0.0, color="0.4", lw=0.8, ls=":")
        ax.text(Z_PEN[0] + 0.3, 1.01, "1 = pen down", va="bottom", fontsize=9, color="0.3")
        ax.text(Z_PEN[-1] - 0.3, 0.01, "0 = pen up", va="bottom", ha="right", fontsize=9, color="0.3")
        self.markers = []
        for s, subject, marker in zip(SENTENCES, SUBJECTS, ("s", "o")):
            (m,) = ax.plot([0.0], [0.0], marker, color=COLORS[subject], ms=9, mfc="white", mew=2, label=f"'{s}'")
            self.markers.append(m)
        ax.set_xlim(Z_PEN[0], Z_PEN[-1])
        ax.set_ylim(-0.05, 1.1)
        ax.set_title("The pen of the dog's slot at 'sleeping'")
        ax.set_xlabel(r"$z = w_x + w_h\,h_{t-1}[\mathrm{dog}] + w_{cross}\,h_{t-1}[\mathrm{cat}] + b$")
        ax.set_ylabel(r"input gate $i_t$[dog_sleeps]")
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.92), fontsize=8)
        self.readout = ax.text(0.97, 0.3, "", transform=ax.transAxes, ha="right", va="center", fontsize=8.5,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})

        width = 0.36
        self.bars = []
        for k, (s, subject) in enumerate(zip(SENTENCES, SUBJECTS)):
            bars = bx.bar(WORD_STEPS + (k - 0.5) * width, np.zeros(len(WORD_STEPS)), width=width,
                          color=COLORS[subject], edgecolor="0.2", label=f"'{s}'")
            self.bars += list(bars.patches)
        bx.axhline(0.0, color="0.4", lw=0.8)
        bx.set_xticks(WORD_STEPS, WORD_LABELS)
        bx.set_ylim(-0.05, 1.3)
        bx.set_yticks(np.linspace(0.0, 1.0, 6))
        bx.set_title("Written into the dog's slot, word by word")
        bx.set_xlabel(r"word $x_t$")
        bx.set_ylabel(r"written $i_t\,\tilde{C}_t$[dog_sleeps]")
        bx.legend(loc="upper left", fontsize=8)
        self.set_dynamic(*self.markers, self.readout, *self.bars)
        self.update(**{**self.defaults, **values})

    @property
    def alt(self) -> str:
        """Alt text of the current state: the pen at "sleeping" in both sentences."""
        (i_dog, i_cat), d = self.i, self.decisions
        w_dog, w_cat = (float(x["written"][cg.T_SLEEPING]) for x in d)
        return (f"Left: the sigmoid curve with the pen of the dog's slot at 'sleeping': i_t = {i_dog:.3f} in 'The "
                f"dog was sleeping' and {i_cat:.3f} in 'The cat was sleeping'. Right: bars of what is written into "
                f"the dog's slot at each word: {w_dog:.3f} and {w_cat:.3f} at 'sleeping'. Notice that the same word "
                f"is written only where h_(t-1) holds the dog.")

    def update(self, **values) -> None:
        where = "ContextPenView.update()"
        self.values.update(check_sliders(values, where, CONTEXT_RANGES))
        v = self.values
        d = cg.slot_decisions(cg.slot_cell(w_h=v["w_h"], w_cross=v["w_cross"], b=v["b"]))
        t = cg.T_SLEEPING
        for m, x in zip(self.markers, d):
            m.set_data([x["z"][t]], [x["i_t"][t]])
        n = len(WORD_STEPS)
        for k, x in enumerate(d):
            for bar, value in zip(self.bars[k * n:(k + 1) * n], x["written"]):
                bar.set_height(float(value))
        self.i = tuple(float(x["i_t"][t]) for x in d)
        self.readout.set_text("\n".join(f"{s.split()[1]} sentence: i_t = {i:.3f}" for s, i in zip(SENTENCES, self.i)))
        self.decisions = d


def context_pen_widget(**defaults):
    """Sliders for w_h, w_cross and b above a live :class:`ContextPenView`; returns the ipywidgets box."""
    view = ContextPenView(**defaults)
    labels = {"w_h": "W_i[dog_sleeps, h[dog]]", "w_cross": "W_i[dog_sleeps, h[cat]]", "b": "b_i[dog_sleeps]"}
    controls = float_sliders(view.values, CONTEXT_RANGES, labels)
    return interactive_view(view, controls, columns=3)


def bench_cases():
    """Every step, every unit, and both sliders over their whole range (ends included), plus the corners;
    and the context pen's three sliders over their ranges, plus the corners."""
    d = InputGateView.defaults
    sweep = [{**d, "t": t} for t in STEP_CHOICES]
    sweep += [{**d, "unit": u} for u in ts.UNITS]
    sweep += sweep_each(d, RANGES)
    for t in (0, len(STEPS) - 1, ts.SENTENCE.index("was")):
        sweep += [{"t": t, "unit": "cat", **corner} for corner in range_corners(RANGES)]
    context = sweep_each(ContextPenView.defaults, CONTEXT_RANGES) + range_corners(CONTEXT_RANGES)
    return [("pen at one step", InputGateView(), sweep), ("pen reads h_{t-1}", ContextPenView(), context)]
