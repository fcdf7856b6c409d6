"""Widget of notebook 00: a first gate to move. One note in memory, one gate value f, step after step.

The memory holds a note C_0 = 1; a gate, a number f between 0 and 1, multiplies it at every step and nothing
new is written (C_t = f · C_{t-1}):

* left: one step: the note before it, and what the gate keeps (f · C_{t-1}) and erases ((1 − f) · C_{t-1});
* right: the note after each of k steps, C_k = f^k, with the line "half the note" and a marker at the
  half-life ln 0.5 / ln f.

Controls: ``f`` (the gate value) and ``steps`` (k, a whole number). The numbers come from
:func:`lstm_helpers.lessons.first_gate.gate_over_steps`; this module only draws. ``alt`` (the text a screen
reader reads for ``display(view)``) is rebuilt from those numbers on every update.
"""
from __future__ import annotations

import math

import ipywidgets as W
import numpy as np

from ..lessons.first_gate import gate_over_steps
from ..support.plots import OKABE_ITO
from .base import View, check_slider, float_slider, interactive_view, new_figure, range_corners, sweep_each

# Slider ranges (min, max, step) of every control; ``steps`` takes whole numbers only.
RANGES = {"f": (0.0, 1.0, 0.01), "steps": (1, 30, 1)}
K_MAX = RANGES["steps"][1]          # the right panel always shows steps 0 … K_MAX
C_0 = 1.0                           # the note before the first step
KEEP, ERASE, BEFORE = OKABE_ITO["blue"], OKABE_ITO["vermillion"], "0.55"


def half_life_text(half_life: float) -> str:
    """The half-life of a gate as a clause: 'half of it is gone after 6.6 steps', or the two ends
    'all of it is gone at the first step' (f = 0) and 'it never shrinks' (f = 1)."""
    if half_life == 0.0:
        return "all of it is gone at the first step"
    if math.isinf(half_life):
        return "it never shrinks"
    return f"half of it is gone after {half_life:.1f} steps"


def steps_text(k: int) -> str:
    """'1 step' or 'k steps'."""
    return f"{k} step" if k == 1 else f"{k} steps"


class StartHereView(View):
    """One step of a gate (left) and the note over k steps, C_k = f^k · C_0 (right).

    ``update(f=..., steps=...)`` takes any subset of the controls; the others keep their values. Each value
    must lie in its slider range (:data:`RANGES`); ``steps`` must be a whole number. After an update,
    ``result`` is the :class:`~lstm_helpers.lessons.first_gate.GateOverSteps` drawn and ``alt`` describes it.
    """

    defaults = {"f": 0.9, "steps": 10}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(9.0, 3.6), gridspec_kw={"width_ratios": [1.0, 2.2]})
        self.ax, self.bx = ax, bx

        # Left: one step of the gate.
        ax.bar([0], [C_0], color=BEFORE, width=0.6)
        self.kept_bar = ax.bar([1], [0.0], color=KEEP, width=0.6, label=r"kept  $f \cdot C_{t-1}$").patches[0]
        self.erased_bar = ax.bar([1], [0.0], color=ERASE, alpha=0.35, hatch="//", width=0.6,
                                 label=r"erased  $(1 - f) \cdot C_{t-1}$").patches[0]
        ax.set_xticks([0, 1], [r"before: $C_{t-1}$", r"after: $C_t$"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylim(0.0, 1.5 * C_0)                # room for the legend above full bars
        ax.set_yticks(np.linspace(0.0, C_0, 5))
        ax.set_title(r"One step: $C_t = f \cdot C_{t-1}$")
        ax.set_ylabel("strength of the note")
        ax.legend(loc="upper center", fontsize=8)

        # Right: step after step.
        ks = np.arange(K_MAX + 1)
        self.step_bars = list(bx.bar(ks, np.zeros(K_MAX + 1), color=KEEP, width=0.75).patches)
        # the two reference lines are dynamic too, so that the bars never hide them
        self.half_level = bx.axhline(0.5 * C_0, color="0.2", lw=1.0, ls="--", zorder=3, label="half the note")
        (self.half_line,) = bx.plot([0.0, 0.0], [0.0, 1.05 * C_0], color=ERASE, lw=1.8, ls=":", zorder=3,
                                    label="half-life: half is left")
        self.readout = bx.text(0.98, 0.95, "", transform=bx.transAxes, ha="right", va="top", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        bx.set_xlim(-0.7, K_MAX + 0.7)
        bx.set_ylim(0.0, 1.55 * C_0)               # room for the legend and the read-out above full bars
        bx.set_yticks(np.linspace(0.0, C_0, 5))
        bx.set_title(r"Step after step: $C_k = f^k \cdot C_0$")
        bx.set_xlabel("step k")
        bx.set_ylabel(r"note left $C_k$")
        bx.legend(loc="upper left", fontsize=8)

        self.set_dynamic(self.kept_bar, self.erased_bar, *self.step_bars, self.half_level, self.half_line,
                         self.readout)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "StartHereView.update()"
        new = {}
        for name, value in values.items():             # check everything before changing anything
            new[name] = check_slider(value, name, where, RANGES)
            if name == "steps":
                if not new[name].is_integer():
                    raise ValueError(f"{where}: argument 'steps' must be a whole number of steps, but it is {value!r}.")
                new[name] = int(new[name])
        self.values.update(new)
        f, k = self.values["f"], self.values["steps"]
        self.result = r = gate_over_steps(f, K_MAX, C_0)   # every step of the panel; steps > k are hidden
        self.kept_bar.set_height(r.kept)
        self.erased_bar.set_y(r.kept)
        self.erased_bar.set_height(r.erased)
        for t, bar in enumerate(self.step_bars):
            bar.set_height(r.C[t] if t <= k else 0.0)
        visible = 0.0 < r.half_life <= K_MAX            # f = 0: gone at once; f = 1 (inf): never
        x = r.half_life if visible else 0.0
        self.half_line.set_xdata([x, x])
        self.half_line.set_visible(visible)
        self.left = float(r.C[k])
        self.readout.set_text(f"f = {f:.2f}: {self.left:.3f} is left after {steps_text(k)}\n"
                              f"{half_life_text(r.half_life)}")
        self.alt = (f"Two bar charts of a note of strength 1 under a gate f = {f:.2f}. Left, one step: "
                    f"{r.kept:.2f} of the note is kept and {r.erased:.2f} erased. Right, step after step: "
                    f"{self.left:.3f} of the note is left after {steps_text(k)}; {half_life_text(r.half_life)}.")


def start_here_widget(**defaults):
    """A slider for the gate f and one for the number of steps above a live :class:`StartHereView`."""
    view = StartHereView(**defaults)
    lo, hi, step = RANGES["steps"]
    controls = {"f": float_slider(view.values["f"], RANGES["f"], "gate f", readout_format=".2f", wide_label=False),
                "steps": W.IntSlider(value=view.values["steps"], min=lo, max=hi, step=step, description="steps k",
                                     continuous_update=True)}
    return interactive_view(view, controls, columns=2)


def bench_cases():
    """One case: every control swept over its whole slider range (ends included), then the corners."""
    sweep = [{**kw, "steps": round(kw["steps"])} for kw in sweep_each(StartHereView.defaults, RANGES, n=7)]
    sweep += range_corners(RANGES)  # f = 0 (erased at once) and f = 1 (kept forever), at 1 and 30 steps
    return [("gate", StartHereView(), sweep)]
