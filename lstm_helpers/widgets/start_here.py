"""Widget of notebook 00: one gate unit, f = σ(w·x + b), and what the eraser keeps.

A gate of the LSTM is a sigmoid of a weighted input plus a bias, one value per hidden unit.
This view shows a single unit of it (H = 1, one input):

* left: the curve σ(w·x + b) over the input x, with a marker at the current input;
* right: a note of strength C_{t-1} = 1 after the forget gate (the eraser): kept
  f ⊙ C_{t-1} = f and erased (1 − f) ⊙ C_{t-1}.

Controls: ``w`` (weight), ``b`` (bias), ``x`` (input). The numbers come from
:func:`lstm_helpers.slides.gates.gate_value`; this module only draws. Used in notebook 00 as the environment
check "a widget displays and responds", and as a first look at a gate.
"""
from __future__ import annotations

import numpy as np

from ..slides.gates import gate_value
from ..support.plots import OKABE_ITO
from .base import View, check_slider, float_sliders, interactive_view, new_figure, range_corners, sweep_each

# Slider ranges (min, max, step) of every control.
RANGES = {"w": (-4.0, 4.0, 0.1), "b": (-6.0, 6.0, 0.1), "x": (-4.0, 4.0, 0.1)}
X_GRID = np.linspace(-6.0, 6.0, 241)
C_PREV = 1.0  # strength of the note before the eraser


class StartHereView(View):
    """σ(w·x + b) against x (left) and the kept/erased part of a note C_{t-1} = 1 (right).

    ``update(w=..., b=..., x=...)`` takes any subset of the controls; the others keep their
    current values. Each value must lie in its slider range (:data:`RANGES`).
    """

    defaults = {"w": 1.0, "b": 1.0, "x": 0.0}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(8.5, 3.4), gridspec_kw={"width_ratios": [2.0, 1.0]})
        self.ax, self.bx = ax, bx
        blue, verm = OKABE_ITO["blue"], OKABE_ITO["vermillion"]

        # Left: the gate curve.
        ax.axhline(1.0, color="0.4", lw=0.8, ls=":")
        ax.axhline(0.0, color="0.4", lw=0.8, ls=":")
        ax.text(-5.8, 0.95, "1 = keep", va="top", fontsize=9, color="0.3")
        ax.text(-5.8, 0.05, "0 = erase", va="bottom", fontsize=9, color="0.3")
        (self.curve,) = ax.plot(X_GRID, np.zeros_like(X_GRID), color=blue, lw=2, label="σ(w·x + b)")
        (self.stem,) = ax.plot([0.0, 0.0], [0.0, 0.0], color=verm, lw=1, ls="--")
        (self.marker,) = ax.plot([0.0], [0.0], "o", color=verm, ms=8, label="current input x")
        self.readout = ax.text(0.98, 0.5, "", transform=ax.transAxes, ha="right", va="center", fontsize=10,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        ax.set_xlim(X_GRID[0], X_GRID[-1])
        ax.set_ylim(-0.05, 1.05)
        ax.set_title("One gate unit: f = σ(w·x + b)")
        ax.set_xlabel("input x")
        ax.set_ylabel("gate value f")
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.88))

        # Right: the eraser acting on a note of strength 1.
        bars = bx.bar([0, 1], [0.0, 0.0], color=[blue, verm], width=0.6)
        self.kept_bar, self.erased_bar = bars.patches
        self.kept_bar.set_label(r"kept  $f \odot C_{t-1}$")
        self.erased_bar.set_label(r"erased  $(1 - f) \odot C_{t-1}$")
        bx.set_xticks([0, 1], ["kept", "erased"])
        bx.set_ylim(0.0, 1.45 * C_PREV)  # room for the legend above full bars
        bx.set_yticks(np.linspace(0.0, C_PREV, 5))
        bx.set_xlim(-0.6, 1.6)
        bx.set_title(r"Eraser on a note $C_{t-1} = 1$")
        bx.set_xlabel("part of the note")
        bx.set_ylabel("strength")
        bx.legend(loc="upper center", fontsize=8, ncols=1)

        self.set_dynamic(self.curve, self.stem, self.marker, self.readout, self.kept_bar, self.erased_bar)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "StartHereView.update()"
        for name, value in values.items():
            self.values[name] = check_slider(value, name, where, RANGES)
        w, b, x = self.values["w"], self.values["b"], self.values["x"]
        f = gate_value(w, b, x)
        self.curve.set_ydata(gate_value(w, b, X_GRID))
        self.stem.set_data([x, x], [0.0, f])
        self.marker.set_data([x], [f])
        self.readout.set_text(f"w = {w:+.1f}, b = {b:+.1f}, x = {x:+.1f}\n"
                              f"f = σ({w * x + b:+.2f}) = {f:.3f}")
        self.kept_bar.set_height(f * C_PREV)
        self.erased_bar.set_height((1.0 - f) * C_PREV)
        self.f = f


def start_here_widget(**defaults):
    """Sliders for w, b and x above a live :class:`StartHereView`; returns the ipywidgets box."""
    view = StartHereView(**defaults)
    labels = {"w": "weight w", "b": "bias b", "x": "input x"}
    controls = float_sliders(view.values, RANGES, labels, readout_format=".1f", wide_label=False)
    return interactive_view(view, controls, columns=3)


def bench_cases():
    """One case: every control swept over its whole slider range (ends included), others at default."""
    sweep = sweep_each(StartHereView.defaults, RANGES)
    sweep += range_corners(RANGES)  # the corners, where σ saturates at 0 and 1
    return [("gate", StartHereView(), sweep)]
