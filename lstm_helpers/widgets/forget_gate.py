"""Widget of notebook 04: the forget gate (eraser) of the hand-wired cell at the word "dog".

The cell is :func:`lstm_helpers.toy_sentences.hand_wired_lstm` reading "The cat was hungry.
The dog was sleeping and". The controls change one row of the forget gate, the cat unit's:

* ``w`` — the weight W_f[cat, x[dog]] (how strongly seeing "dog" closes the cat unit's gate),
* ``b`` — the bias b_f[cat] (the gate's resting value σ(b), used at every word),
* ``x`` — the input: how much "dog" the word at step 6 carries (x_t[dog], 1 = the word "dog").

At "dog" the cat unit's gate is f_t = σ(w·x + b) (its h_{t-1} columns are zero in this cell);
the numbers come from :func:`lstm_helpers.lessons.toy_sentences.forget_trace`, this module only draws.
Left: the sigmoid with a marker at that z. Right: C_t of the cat and dog units over the words,
and f_t of the cat unit; a faint line shows C_t[cat] of the default setting.
"""
from __future__ import annotations

import numpy as np

from ..lessons import toy_sentences as ts
from ..engine.activations import sigmoid_unchecked
from ..support.plots import OKABE_ITO
from .base import View, check_slider, float_sliders, interactive_view, new_figure, range_corners, sweep_each

T_DOG = ts.T_DOG
CAT, DOG = ts.unit_index("cat"), ts.unit_index("dog")
COL_DOG = ts.column("dog")
DEFAULT_W = float(ts.slide_weights()["W_f"][CAT, COL_DOG])  # logit(0.10) − b_f
# Slider ranges (min, max, step) of every control.
RANGES = {"w": (-10.0, 4.0, 0.05), "b": (-4.0, 8.0, 0.05), "x": (0.0, 1.0, 0.05)}
Z_GRID = np.linspace(-14.0, 12.0, 261)
STEPS = np.arange(len(ts.SENTENCE))


class ForgetGateView(View):
    """σ curve with the cat unit's gate at "dog" (left) and the cat/dog notes over the words (right).

    ``update(w=..., b=..., x=...)`` takes any subset of the controls (see :data:`RANGES`).
    After an update, ``self.f`` is f_t[cat] at "dog" and ``self.trace`` the whole run.
    """

    defaults = {"w": DEFAULT_W, "b": ts.KEEP_BIAS, "x": 1.0}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [1.0, 1.5]})
        self.ax, self.bx = ax, bx
        blue, verm, green = OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"]

        ax.plot(Z_GRID, sigmoid_unchecked(Z_GRID), color=blue, lw=2, label="σ(z)")
        ax.axhline(1.0, color="0.4", lw=0.8, ls=":")
        ax.axhline(0.0, color="0.4", lw=0.8, ls=":")
        ax.text(Z_GRID[0] + 0.3, 1.01, "1 = keep", va="bottom", fontsize=9, color="0.3")
        ax.text(Z_GRID[-1] - 0.3, 0.01, "0 = erase", va="bottom", ha="right", fontsize=9, color="0.3")
        (self.stem,) = ax.plot([0.0, 0.0], [0.0, 0.0], color=verm, lw=1, ls="--")
        (self.marker,) = ax.plot([0.0], [0.0], "o", color=verm, ms=8, label="f_t[cat] at 'dog'")
        self.readout = ax.text(0.97, 0.3, "", transform=ax.transAxes, ha="right", va="center", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        ax.set_xlim(Z_GRID[0], Z_GRID[-1])
        ax.set_ylim(-0.05, 1.1)
        ax.set_title("Eraser decision at 'dog': f_t = σ(w·x + b)")
        ax.set_xlabel("z = W_f[cat]·[h_{t-1}, x_t] + b_f[cat]")
        ax.set_ylabel("forget gate f_t[cat]")
        ax.legend(loc="center left", fontsize=8)

        ref = ts.forget_trace(**self.defaults)["C_t"][:, CAT]
        bx.plot(STEPS, ref, color=blue, lw=5, alpha=0.2, label="C_t[cat], default setting")
        (self.c_cat,) = bx.plot(STEPS, ref, "o-", color=blue, lw=2, label="C_t[cat] (note: cat)")
        (self.c_dog,) = bx.plot(STEPS, ref, "s-", color=green, lw=2, label="C_t[dog] (note: dog)")
        (self.f_cat,) = bx.plot(STEPS, ref, "v--", color=verm, lw=1.2, label="f_t[cat] (eraser)")
        bx.axvline(T_DOG, color="0.5", lw=0.8, ls=":")
        bx.set_xticks(STEPS, ts.SENTENCE, rotation=35)
        bx.set_ylim(-0.03, 1.42)  # room for the legend above the data
        bx.set_yticks(np.linspace(0.0, 1.0, 6))
        bx.set_title("What the notebook holds, word by word")
        bx.set_xlabel("word x_t")
        bx.set_ylabel("value")
        bx.legend(loc="upper center", fontsize=8, ncols=2)

        self.set_dynamic(self.stem, self.marker, self.readout, self.c_cat, self.c_dog, self.f_cat)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "ForgetGateView.update()"
        for name, value in values.items():
            self.values[name] = check_slider(value, name, where, RANGES)
        w, b, x = self.values["w"], self.values["b"], self.values["x"]
        tr = ts.forget_trace(w, b, x)
        z = w * x + b
        f = float(tr["f_t"][T_DOG, CAT])
        self.stem.set_data([z, z], [0.0, f])
        self.marker.set_data([z], [f])
        kept = float(tr["C_t"][T_DOG, CAT])
        before = float(tr["C_prev"][T_DOG, CAT])
        self.readout.set_text(f"f_t = σ({z:+.2f}) = {f:.3f}\nC[cat]: {before:.3f} → {kept:.3f}")
        self.c_cat.set_ydata(tr["C_t"][:, CAT])
        self.c_dog.set_ydata(tr["C_t"][:, DOG])
        self.f_cat.set_ydata(tr["f_t"][:, CAT])
        self.f, self.trace = f, tr


def forget_gate_widget(**defaults):
    """Sliders for w, b and x above a live :class:`ForgetGateView`; returns the ipywidgets box."""
    view = ForgetGateView(**defaults)
    labels = {"w": "W_f[cat, dog]", "b": "b_f[cat]", "x": "x_t[dog]"}
    controls = float_sliders(view.values, RANGES, labels)
    return interactive_view(view, controls, columns=3)


def bench_cases():
    """Every control swept over its whole range (ends included) with the others at default, and the corners."""
    sweep = sweep_each(ForgetGateView.defaults, RANGES) + range_corners(RANGES)
    return [("eraser at dog", ForgetGateView(), sweep)]
