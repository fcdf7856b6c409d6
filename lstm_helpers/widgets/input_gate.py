"""Widget of notebook 05: the input gate (pen) and the candidate of the hand-wired cell.

The cell is :func:`lstm_helpers.toy_sentences.hand_wired_lstm` reading "The cat was hungry.
The dog was sleeping and". At one step ``t`` and one memory unit ``unit`` the controls replace
the computed gate values by hand:

* ``i_t`` — the input gate, 0 (pen up) … 1 (pen down),
* ``C_tilde_t`` — the candidate C̃_t, −1 … 1 (what the pen would write; negative subtracts),

and the update C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t does the rest. Left: C_t of every unit over the
words (the edited point marked). Right: that step's update split into the kept part
f_t ⊙ C_{t-1}, the written part i_t ⊙ C̃_t, and their sum C_t. The numbers come from
:func:`lstm_helpers.lessons.toy_sentences.input_trace`; this module only draws.
"""
from __future__ import annotations

import numpy as np

from ..lessons import toy_sentences as ts
from ..support.checks import check_choice
from ..support.plots import CYCLE, OKABE_ITO
from .base import View, check_slider, float_slider, interactive_view, new_figure, range_corners, sweep_each, unknown_control
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
        for k, u in enumerate(ts.UNITS):
            (line,) = ax.plot(STEPS, zero, "o-", color=CYCLE[k], lw=1.8, ms=4, label=f"C_t[{u}]")
            self.lines.append(line)
        (self.marker,) = ax.plot([0], [0], "o", ms=13, mfc="none", mec="black", mew=2, label="edited point")
        ax.axhline(0.0, color="0.4", lw=0.8)
        ax.set_xticks(STEPS, ts.SENTENCE, rotation=35)
        ax.set_ylim(-1.1, 2.55)  # C_t can reach f·C_{t-1} + 1 ≈ 1.9; room for the legend on top
        ax.set_yticks(np.linspace(-1.0, 2.0, 7))
        ax.set_title("The notebook C_t, word by word")
        ax.set_xlabel("word x_t")
        ax.set_ylabel("cell state C_t")
        ax.legend(loc="upper center", ncols=3, fontsize=8)

        colors = [OKABE_ITO["sky_blue"], OKABE_ITO["orange"], OKABE_ITO["blue"]]
        self.bars = list(bx.bar([0, 1, 2], [0.0, 0.0, 0.0], color=colors, width=0.6).patches)
        for bar, lab in zip(self.bars, ["kept  f⊙C_{t-1}", "written  i⊙C̃", "new  C_t"]):
            bar.set_label(lab)
        bx.axhline(0.0, color="0.4", lw=0.8)
        bx.set_xticks([0, 1, 2], ["kept", "written", "C_t"])
        bx.set_xlim(-0.6, 2.6)
        bx.set_ylim(-1.1, 2.55)
        bx.set_yticks(np.linspace(-1.0, 2.0, 7))
        bx.set_title("C_t = f_t⊙C_{t-1} + i_t⊙C̃_t")
        bx.set_xlabel("part of the update")
        bx.set_ylabel("value")
        bx.legend(loc="lower left", fontsize=8)  # the kept bar is never negative here
        self.readout = bx.text(0.97, 0.97, "", transform=bx.transAxes, ha="right", va="top", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})

        self.set_dynamic(*self.lines, self.marker, *self.bars, self.readout)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "InputGateView.update()"
        for name, value in values.items():
            if name not in CONTROLS:
                raise unknown_control(where, name, CONTROLS)
            if name == "t":
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value not in STEP_CHOICES:
                    raise ValueError(f"{where}: argument 't' must be a step 0 … {len(STEPS) - 1}, but it is {value!r}.")
                self.values["t"] = int(value)
            elif name == "unit":
                self.values["unit"] = check_choice(value, "unit", where, ts.UNITS)
            else:
                self.values[name] = check_slider(value, name, where, RANGES)
        t, unit = self.values["t"], self.values["unit"]
        tr = ts.input_trace(t, unit, self.values["i_t"], self.values["C_tilde_t"])
        u = ts.unit_index(unit)
        for k, line in enumerate(self.lines):
            line.set_ydata(tr["C_t"][:, k])
        self.marker.set_data([t], [tr["C_t"][t, u]])
        self.marker.set_markeredgecolor(CYCLE[u])
        f, C_prev, C_t = tr["f_t"][t, u], tr["C_prev"][t, u], tr["C_t"][t, u]
        i, C_tilde = tr["i_t"][t, u], tr["C_tilde_t"][t, u]
        parts = (float(tr["kept"][t, u]), float(tr["written"][t, u]), float(C_t))
        for bar, value in zip(self.bars, parts):
            bar.set_height(value)
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


def bench_cases():
    """Every step, every unit, and both sliders over their whole range (ends included), plus the corners."""
    d = InputGateView.defaults
    sweep = [{**d, "t": t} for t in STEP_CHOICES]
    sweep += [{**d, "unit": u} for u in ts.UNITS]
    sweep += sweep_each(d, RANGES)
    for t in (0, len(STEPS) - 1, ts.SENTENCE.index("was")):
        sweep += [{"t": t, "unit": "cat", **corner} for corner in range_corners(RANGES)]
    return [("pen at one step", InputGateView(), sweep)]
