"""Widgets of notebook 04: the forget gate (eraser) at the word "dog", reading the word, then the context.

:class:`ForgetGateView` — the hand-wired cell of :mod:`lstm_helpers.lessons.toy_sentences` reading "The cat
was hungry. The dog was sleeping and". The controls change one row of the forget gate, the cat unit's:

* ``w`` — the weight W_f[cat, x[dog]] (how strongly seeing "dog" closes the cat unit's gate),
* ``b`` — the bias b_f[cat] (the gate's resting value σ(b), used at every word),
* ``x`` — the input: how much "dog" the word at step 6 carries (x_t[dog], 1 = the word "dog").

At "dog" the cat unit's gate is f_t = σ(w·x + b) (its h_{t-1} columns are zero in this cell);
the numbers come from :func:`lstm_helpers.lessons.toy_sentences.forget_trace`.
Left: the sigmoid with a marker at that z. Right: C_t of the cat and dog units over the words,
and f_t of the cat unit; a faint line shows C_t[cat] of the default setting.

:class:`ContextEraserView` — the eraser cell of :mod:`lstm_helpers.lessons.context_gates`, whose gate also
reads h_{t-1}, on "The cat saw the dog . The dog was sleeping". The controls are the cat unit's row:

* ``w_h`` — W_f[cat, h[ended]], the weight on the "a sentence has just ended" unit of h_{t-1},
* ``w_x`` — W_f[cat, x[dog]], the weight on the word "dog",
* ``b`` — b_f[cat], the bias.

Left: the sigmoid with the gate at the two "dog"s (the object, then the new subject). Right: C_t[cat],
h_{t-1}[ended] and f_t[cat] over the words. Numbers from
:func:`lstm_helpers.lessons.context_gates.eraser_decisions`. This module only draws.
"""
from __future__ import annotations

import numpy as np

from ..engine.activations import sigmoid_unchecked
from ..lessons import context_gates as cg
from ..lessons import toy_sentences as ts
from ..support.plots import OKABE_ITO
from .base import View, check_sliders, float_sliders, interactive_view, new_figure, range_corners, sweep_each

T_DOG = ts.T_DOG
CAT, DOG = ts.unit_index("cat"), ts.unit_index("dog")
COL_DOG = ts.column("dog")
DEFAULT_W = float(ts.slide_weights()["W_f"][CAT, COL_DOG])  # logit(0.10) − b_f
# Slider ranges (min, max, step) of every control.
RANGES = {"w": (-10.0, 4.0, 0.05), "b": (-4.0, 8.0, 0.05), "x": (0.0, 1.0, 0.05)}
Z_GRID = np.linspace(-14.0, 12.0, 261)
STEPS = np.arange(len(ts.SENTENCE))
COLORS = cg.UNIT_COLORS


def _sigmoid_axis(ax, z_grid, title: str, xlabel: str, ylabel: str) -> None:
    """The σ curve with the keep/erase ends marked (the static part of both views' left panel)."""
    ax.plot(z_grid, sigmoid_unchecked(z_grid), color=OKABE_ITO["blue"], lw=2, label=r"$\sigma(z)$")
    ax.axhline(1.0, color="0.4", lw=0.8, ls=":")
    ax.axhline(0.0, color="0.4", lw=0.8, ls=":")
    ax.text(z_grid[0] + 0.3, 1.01, "1 = keep", va="bottom", fontsize=9, color="0.3")
    ax.text(z_grid[-1] - 0.3, 0.01, "0 = erase", va="bottom", ha="right", fontsize=9, color="0.3")
    ax.set_xlim(z_grid[0], z_grid[-1])
    ax.set_ylim(-0.05, 1.1)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


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

        _sigmoid_axis(ax, Z_GRID, r"Eraser at 'dog': $f_t = \sigma(w\,x + b)$",
                      r"$z = W_f[\mathrm{cat}]\,[h_{t-1}, x_t] + b_f[\mathrm{cat}]$", r"forget gate $f_t$[cat]")
        (self.stem,) = ax.plot([0.0, 0.0], [0.0, 0.0], color="0.2", lw=1, ls="--")
        (self.marker,) = ax.plot([0.0], [0.0], "o", color="0.2", ms=8, label=r"$f_t$[cat] at 'dog'")
        self.readout = ax.text(0.97, 0.3, "", transform=ax.transAxes, ha="right", va="center", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        ax.legend(loc="center left", fontsize=8)

        ref = ts.forget_trace(**self.defaults)["C_t"][:, CAT]
        bx.plot(STEPS, ref, color=COLORS["cat"], lw=5, alpha=0.2, label=r"$C_t$[cat], default setting")
        (self.c_cat,) = bx.plot(STEPS, ref, "o-", color=COLORS["cat"], lw=2, label=r"$C_t$[cat] (note: cat)")
        (self.c_dog,) = bx.plot(STEPS, ref, "s-", color=COLORS["dog"], lw=2, label=r"$C_t$[dog] (note: dog)")
        (self.f_cat,) = bx.plot(STEPS, ref, "v--", color=cg.GATE_COLOR, lw=1.2, label=r"$f_t$[cat] (eraser)")
        bx.axvline(T_DOG, color="0.5", lw=0.8, ls=":")
        bx.set_xticks(STEPS, ts.SENTENCE, rotation=35)
        bx.set_ylim(-0.03, 1.42)  # room for the legend above the data
        bx.set_yticks(np.linspace(0.0, 1.0, 6))
        bx.set_title("What the notebook holds, word by word")
        bx.set_xlabel(r"word $x_t$")
        bx.set_ylabel("value")
        bx.legend(loc="upper center", fontsize=8, ncols=2)

        self.set_dynamic(self.stem, self.marker, self.readout, self.c_cat, self.c_dog, self.f_cat)
        self.update(**{**self.defaults, **values})

    @property
    def alt(self) -> str:
        """Alt text of the current state: where the gate lands and what it does to the cat note."""
        w, b, x = self.values["w"], self.values["b"], self.values["x"]
        before, after = float(self.trace["C_prev"][T_DOG, CAT]), float(self.trace["C_t"][T_DOG, CAT])
        return (f"Left: the sigmoid curve with a marker at z = {w * x + b:+.2f}, where the cat unit's forget gate "
                f"at 'dog' is f_t = {self.f:.3f}. Right: the cat and dog notes C_t over the ten words of the "
                f"example sentence; at 'dog' the cat note goes from {before:.3f} to {after:.3f}. Notice that the "
                f"gate multiplies the old note: a gate near 0 erases it, near 1 keeps it.")

    def update(self, **values) -> None:
        where = "ForgetGateView.update()"
        self.values.update(check_sliders(values, where, RANGES))
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


# ----------------------------------------------------------------------------- the gate that reads h_{t-1}
CONTEXT_RANGES = {"w_h": (-12.0, 4.0, 0.1), "w_x": (-12.0, 4.0, 0.1), "b": (0.0, 12.0, 0.1)}
STORY = cg.ERASER_STORY
STORY_STEPS = np.arange(len(STORY))
DOGS = (cg.T_OBJECT_DOG, cg.T_SUBJECT_DOG)
DOG_LABELS = ("'dog' #1 (object)", "'dog' #2 (new subject)")
DOG_MARKERS = ("s", "D")
Z_CONTEXT = np.linspace(-16.0, 16.0, 321)


class ContextEraserView(View):
    """The cat unit's forget gate at the two "dog"s of the story (left) and over the words (right).

    ``update(w_h=..., w_x=..., b=...)`` takes any subset of :data:`CONTEXT_RANGES`. After an update,
    ``self.decisions`` is :func:`lstm_helpers.lessons.context_gates.eraser_decisions`' dict and ``self.f``
    the gate at the two "dog"s, a pair (object, new subject).
    """

    defaults = {"w_h": cg.ENDED_WEIGHT, "w_x": cg.NEW_SUBJECT_WEIGHT, "b": cg.SUBJECT_KEEP_BIAS}

    def __init__(self, **values):
        self.values = dict(self.defaults)
        self.fig, (ax, bx) = new_figure(1, 2, figsize=(10.5, 3.8), gridspec_kw={"width_ratios": [1.0, 1.5]})
        self.ax, self.bx = ax, bx
        _sigmoid_axis(ax, Z_CONTEXT, "The eraser at the two 'dog's",
                      r"$z = w_x\,x_t[\mathrm{dog}] + w_h\,h_{t-1}[\mathrm{ended}] + b$", r"forget gate $f_t$[cat]")
        self.markers = []
        for label, marker in zip(DOG_LABELS, DOG_MARKERS):
            (m,) = ax.plot([0.0], [0.0], marker, color=COLORS["dog"], ms=9, mfc="white", mew=2, label=label)
            self.markers.append(m)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.92), fontsize=8)
        self.readout = ax.text(0.97, 0.3, "", transform=ax.transAxes, ha="right", va="center", fontsize=8.5,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})

        zero = np.zeros(len(STORY))
        (self.c_cat,) = bx.plot(STORY_STEPS, zero, "o-", color=COLORS["cat"], lw=2, label=r"$C_t$[cat] (note: cat)")
        (self.h_end,) = bx.plot(STORY_STEPS, zero, "^-", color=COLORS["ended"], lw=1.5,
                                label=r"$h_{t-1}$[ended] (context)")
        (self.f_cat,) = bx.plot(STORY_STEPS, zero, "v--", color=cg.GATE_COLOR, lw=1.2, label=r"$f_t$[cat] (eraser)")
        for t in DOGS:
            bx.axvline(t, color=COLORS["dog"], lw=0.9, ls=":")
        bx.set_xticks(STORY_STEPS, STORY, rotation=35)
        bx.set_ylim(-0.03, 1.45)
        bx.set_yticks(np.linspace(0.0, 1.0, 6))
        bx.set_title("Same word 'dog', two decisions")
        bx.set_xlabel(r"word $x_t$")
        bx.set_ylabel("value")
        bx.legend(loc="upper center", fontsize=8, ncols=2)
        self.set_dynamic(*self.markers, self.readout, self.c_cat, self.h_end, self.f_cat)
        self.update(**{**self.defaults, **values})

    @property
    def alt(self) -> str:
        """Alt text of the current state: the gate at both dogs and what is left of the cat note."""
        (f1, f2), d = self.f, self.decisions
        return (f"Left: the sigmoid curve with the cat unit's forget gate at the two 'dog's of 'The cat saw the dog . "
                f"The dog was sleeping': f_t = {f1:.3f} at the first 'dog' (an object, the sentence goes on) and "
                f"{f2:.3f} at the second (a new sentence). Right: C_t[cat], h_(t-1)[ended] and f_t[cat] over the "
                f"words; the cat note ends at {float(d['C_cat'][-1]):.3f}. Notice that the same word gets two "
                f"decisions because h_(t-1)[ended] differs.")

    def update(self, **values) -> None:
        where = "ContextEraserView.update()"
        self.values.update(check_sliders(values, where, CONTEXT_RANGES))
        d = cg.eraser_decisions(cg.eraser_cell(**self.values))
        for m, t in zip(self.markers, DOGS):
            m.set_data([d["z"][t]], [d["f_t"][t]])
        self.c_cat.set_ydata(d["C_cat"])
        self.h_end.set_ydata(d["h_ended"])
        self.f_cat.set_ydata(d["f_t"])
        f = tuple(float(d["f_t"][t]) for t in DOGS)
        self.readout.set_text("\n".join(f"#{k + 1}: z = {d['z'][t]:+.2f}, f = {ft:.3f}"
                                        for k, (t, ft) in enumerate(zip(DOGS, f))))
        self.f, self.decisions = f, d


def context_eraser_widget(**defaults):
    """Sliders for w_h, w_x and b above a live :class:`ContextEraserView`; returns the ipywidgets box."""
    view = ContextEraserView(**defaults)
    labels = {"w_h": "W_f[cat, h[ended]]", "w_x": "W_f[cat, x[dog]]", "b": "b_f[cat]"}
    controls = float_sliders(view.values, CONTEXT_RANGES, labels)
    return interactive_view(view, controls, columns=3)


def bench_cases():
    """Every control of both views swept over its whole range (ends included) with the others at default,
    and the corners."""
    sweep = sweep_each(ForgetGateView.defaults, RANGES) + range_corners(RANGES)
    context = sweep_each(ContextEraserView.defaults, CONTEXT_RANGES) + range_corners(CONTEXT_RANGES)
    return [("eraser at dog", ForgetGateView(), sweep), ("eraser reads h_{t-1}", ContextEraserView(), context)]
