"""Widget of notebook 03: the memory simulator. You play the gates, the notebook (C_t) follows.

A scripted sentence (by default the slides' table "The cat was hungry. The dog was", see
:data:`~lstm_helpers.memory_sim.SLIDE_SCRIPT`) drives ONE memory cell that holds the subject
(+1 = cat, −1 = dog). For every word you choose the forget gate f_t (eraser), the input gate
i_t (pen), the candidate C̃_t (what the pen would write) and the output gate o_t (highlighter);
:func:`~lstm_helpers.memory_sim.simulate_memory` computes the rest (and
:func:`~lstm_helpers.memory_sim.preset_arrays` the presets); this module only draws. Four panels:

* top left: your gate values per word (f_t, i_t, o_t as lines, C̃_t as bars), the selected word shaded;
* top right: what the notebook holds: the part of C_t written by each word (rows) over time (columns);
* bottom left: the cell state C_t and the output h_t = o_t ⊙ tanh(C_t) over time;
* bottom right: ∂C_T/∂C_t = ∏_{s=t+1}^{T} f_s, the gradient that flows back along the highway (log scale).

Controls: ``step`` (which word you are editing, 1 … T), ``f``, ``i``, ``o`` (0 … 1), ``C_tilde``
(−1 … 1) and ``preset`` (a whole script: the slides' values, an RNN-like "rewrite every step"
or "never erase").

How ``update`` treats the gate values (so that one set of four sliders can edit every word):
a gate value is written into the selected word only when it differs from the value that
control had in the previous call. Choosing another word or preset writes nothing; the widget
then moves the four sliders to that word's stored values. Headless, ``update(step=3, f=0.2)``
therefore sets f_3 = 0.2 (unless the previous call already passed f=0.2); :meth:`set_step_values`
writes values unconditionally.
"""
from __future__ import annotations

import matplotlib
import matplotlib.ticker
import numpy as np

from ..support.checks import check_choice
from ..lessons.memory_sim import PRESETS, SLIDE_SCRIPT, preset_arrays, simulate_memory
from ..support.plots import OKABE_ITO
from .base import View, check_slider, float_sliders, interactive_view, new_figure, sweep_each, unknown_control
import ipywidgets as W

# Slider ranges (min, max, step) of the gate controls.
RANGES = {"f": (0.0, 1.0, 0.05), "i": (0.0, 1.0, 0.05), "o": (0.0, 1.0, 0.05), "C_tilde": (-1.0, 1.0, 0.05)}
GATE_KEYS = {"f": "f_t", "i": "i_t", "o": "o_t", "C_tilde": "C_tilde_t"}
GRAD_LIMITS = (1e-6, 1e2)        # log axis of ∏ f; smaller values (and exact zeros) are drawn below it
FLOOR = 1e-300
ASINH_WIDTH = 1.0                # C_t axis: linear for |C| < ~1, logarithmic beyond, so |C_t| ≤ T always fits
COLORS = {"f": OKABE_ITO["vermillion"], "i": OKABE_ITO["bluish_green"], "o": OKABE_ITO["reddish_purple"],
          "C_tilde": OKABE_ITO["orange"], "C": OKABE_ITO["blue"], "h": OKABE_ITO["reddish_purple"],
          "grad": OKABE_ITO["blue"]}


class MemorySimulatorView(View):
    """The four panels of the memory simulator (see the module docstring).

    Args: script: a sequence of :class:`~lstm_helpers.memory_sim.ScriptedEvent` (default: the
    slides' table); ``**values``: control values applied after the default setting.

    State after each update: ``f_t, i_t, o_t, C_tilde_t`` (T,) (the gate values of every word),
    ``trace`` (the :class:`~lstm_helpers.memory_sim.MemoryTrace`), ``values`` (the controls).
    """

    def __init__(self, script=SLIDE_SCRIPT, **values):
        self.script = tuple(script)
        base = preset_arrays("slides", self.script)
        self.words = base["words"]
        self.T = T = len(self.words)
        self._load_preset("slides")
        step = 2 if T >= 2 else 1
        self.defaults = {"step": step, "preset": "slides", **self._stored(step)}
        self.values = dict(self.defaults)

        self.fig, axes = new_figure(2, 2, figsize=(9.6, 6.2))
        (ax_g, ax_n), (ax_c, ax_d) = axes
        self.ax_gates, self.ax_notebook, self.ax_state, self.ax_grad = ax_g, ax_n, ax_c, ax_d
        steps = np.arange(1, T + 1)
        times = np.arange(0, T + 1)
        word_ticks = [f"{w}" for w in self.words]
        time_ticks = ["start"] + word_ticks

        # Top left: the gate settings.
        y_lo, y_hi = -1.1, 1.95
        self.select_g = ax_g.axvspan(step - 0.5, step + 0.5, ymax=(1.1 - y_lo) / (y_hi - y_lo), color="0.6",
                                     alpha=0.35, lw=0, zorder=0)
        self.cand_bars = ax_g.bar(steps, np.zeros(T), width=0.5, color=COLORS["C_tilde"], alpha=0.75,
                                  label=r"candidate $\tilde{C}_t$")
        (self.f_line,) = ax_g.plot(steps, np.zeros(T), "o-", color=COLORS["f"], label=r"forget $f_t$ (eraser)")
        (self.i_line,) = ax_g.plot(steps, np.zeros(T), "s-", color=COLORS["i"], label=r"input $i_t$ (pen)")
        (self.o_line,) = ax_g.plot(steps, np.zeros(T), "^-", color=COLORS["o"], label=r"output $o_t$ (highlighter)")
        ax_g.axhline(0.0, color="0.3", lw=0.8)
        ax_g.set_xlim(0.5, T + 0.5)
        ax_g.set_ylim(y_lo, y_hi)
        ax_g.set_xticks(steps, word_ticks)
        ax_g.set_title("Your gate values per word (shaded: the one you edit)", fontsize=11)
        ax_g.set_xlabel(r"word (time step $t$)")
        ax_g.set_ylabel("gate value / candidate")
        ax_g.legend(loc="upper center", ncols=2, fontsize=8)

        # Top right: what the notebook holds (contribution of each word to C_t).
        empty = np.ma.masked_array(np.zeros((T, T)), mask=np.ones((T, T), bool))
        cmap = matplotlib.colormaps["cividis"].with_extremes(bad="white")
        self.image = ax_n.imshow(empty, cmap=cmap, vmin=-1.0, vmax=1.0, aspect="auto",
                                 extent=(0.5, T + 0.5, T + 0.5, 0.5), interpolation="nearest")
        self.fig.colorbar(self.image, ax=ax_n, label=r"part of $C_t$ (+ cat, − dog)")
        ax_n.set_xticks(steps, word_ticks)
        ax_n.set_yticks(steps, [f"{k}: {w}" for k, w in enumerate(self.words, 1)])
        ax_n.grid(False)
        ax_n.set_title(r"What the notebook holds: $C_t$ split by the word that wrote it", fontsize=11)
        ax_n.set_xlabel(r"time step $t$ ($C_t$ after this word)")
        ax_n.set_ylabel(r"written at word $k$")

        # Bottom left: C_t and h_t.
        ax_c.axhline(0.0, color="0.3", lw=0.8)
        (self.C_line,) = ax_c.plot(times, np.zeros(T + 1), "o-", color=COLORS["C"], lw=2.2,
                                   label=r"cell state $C_t$ (notebook)")
        (self.h_line,) = ax_c.plot(times, np.zeros(T + 1), "^--", color=COLORS["h"],
                                   label=r"output $h_t = o_t \odot \tanh(C_t)$")
        self.state_text = ax_c.text(0.02, 0.04, "", transform=ax_c.transAxes, fontsize=9, va="bottom",
                                    bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        ax_c.set_xlim(-0.3, T + 0.3)
        ax_c.set_yscale("asinh", linear_width=ASINH_WIDTH)
        ax_c.set_ylim(-(T + 0.5), T + 0.5)           # |C_t| ≤ t: each step adds at most i_t·|C̃_t| ≤ 1
        ticks = [v for v in (1, 2, 4, 8, 16, 32) if v <= T]
        ax_c.set_yticks([-v for v in reversed(ticks)] + [-0.5, 0.0, 0.5] + ticks)
        ax_c.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax_c.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax_c.set_xticks(times, time_ticks)
        ax_c.set_title(r"Memory over time: $C_t$ and $h_t$", fontsize=11)
        ax_c.set_xlabel(r"after word (time step $t$)")
        ax_c.set_ylabel("value (+ cat, − dog; asinh scale)")
        ax_c.legend(loc="upper right", fontsize=8)

        # Bottom right: the product of forget gates = gradient along the highway.
        (self.grad_line,) = ax_d.semilogy(times, np.ones(T + 1), "o-", color=COLORS["grad"],
                                          label=r"$\partial C_T/\partial C_t$ = product of the $f_s$ after $t$")
        (self.grad_mark,) = ax_d.semilogy([step], [1.0], "o", ms=12, mfc="none", mec=COLORS["f"], mew=2,
                                          label="word you edit")
        self.grad_text = ax_d.text(0.02, 0.04, "", transform=ax_d.transAxes, fontsize=9, va="bottom",
                                   bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        ax_d.set_xlim(-0.3, T + 0.3)
        ax_d.set_ylim(*GRAD_LIMITS)
        ax_d.set_xticks(times, time_ticks)
        ax_d.set_title("Gradient back along the highway: product of forget gates", fontsize=11)
        ax_d.set_xlabel(r"from $C_t$ at time step $t$")
        ax_d.set_ylabel(r"$\partial C_T / \partial C_t$ (log)")
        ax_d.legend(loc="upper left", fontsize=8)

        self.set_dynamic(self.select_g, *self.cand_bars.patches, self.f_line, self.i_line, self.o_line, self.image,
                         self.C_line, self.h_line, self.state_text, self.grad_line, self.grad_mark, self.grad_text)
        for ax in (ax_g, ax_n, ax_c, ax_d):
            ax.tick_params(axis="x", labelsize=8)
        self._redraw()
        if values:
            self.update(**values)

    @property
    def alt(self) -> str:
        """Alt text of the current state (``display(view)``): the four panels and the numbers to notice."""
        tr, T, k = self.trace, self.T, self.values["step"]
        C, h = tr.C_with_start(), tr.h_with_start()
        kept = [f"'{w}' {tr.contributions[j, -1]:+.3f}" for j, w in enumerate(self.words, 1)
                if abs(tr.contributions[j, j - 1]) > 1e-12]
        return (f"Memory simulator for '{' '.join(self.words)}', four panels: the gate values chosen for each word; "
                f"what the notebook C_t holds, split by the word that wrote it; C_t and h_t over time; and the "
                f"product of forget gates back to each step on a log scale. At the end C_T = {C[-1]:+.3f} and "
                f"h_T = {h[-1]:+.3f}; the part of C_T still written by each word: {', '.join(kept) or 'none'}. "
                f"Notice where the product of forget gates drops: from word {k} ('{self.words[k - 1]}') to the end "
                f"it is {tr.forget_product[k]:.4f}, the words that erase cut the old notes and their gradient.")

    # ------------------------------------------------------------------------------ state
    def _load_preset(self, preset: str) -> None:
        a = preset_arrays(preset, self.script)
        self.f_t, self.i_t, self.o_t, self.C_tilde_t = (a[k].copy() for k in ("f_t", "i_t", "o_t", "C_tilde_t"))

    def _stored(self, step: int) -> dict[str, float]:
        """The stored gate values of word ``step`` (1-based) as control values."""
        return {name: float(getattr(self, key)[step - 1]) for name, key in GATE_KEYS.items()}

    def stored_values(self, step: int | None = None) -> dict[str, float]:
        """Gate values f, i, o, C_tilde stored for word ``step`` (default: the selected word)."""
        step = self.values["step"] if step is None else self._check_step(step, "MemorySimulatorView.stored_values()")
        return self._stored(step)

    def _check_step(self, step, where: str) -> int:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"{where}: argument 'step' must be a whole number 1 … {self.T}, "
                            f"but it is {type(step).__name__} {step!r}.")
        if not 1 <= step <= self.T:
            raise ValueError(f"{where}: argument 'step' must be between 1 and {self.T}, but it is {step}.")
        return int(step)

    def set_step_values(self, step: int, **gates) -> None:
        """Write gate values (any of f, i, o, C_tilde) into word ``step`` unconditionally and redraw."""
        where = "MemorySimulatorView.set_step_values()"
        step = self._check_step(step, where)
        for name, value in gates.items():
            if name not in RANGES:
                raise TypeError(f"{where}: unknown argument '{name}'; the gate values are {', '.join(RANGES)}.")
            getattr(self, GATE_KEYS[name])[step - 1] = check_slider(value, name, where, RANGES)
        self._redraw()

    def update(self, **values) -> None:
        """Apply control values (any subset of step, f, i, o, C_tilde, preset); see the module docstring."""
        where = "MemorySimulatorView.update()"
        for name in values:
            if name not in RANGES and name not in ("step", "preset"):
                raise unknown_control(where, name, ["step", *RANGES, "preset"])
        checked = {}
        for name, value in values.items():
            if name == "step":
                checked[name] = self._check_step(value, where)
            elif name == "preset":
                checked[name] = check_choice(value, "preset", where, tuple(PRESETS))
            else:
                checked[name] = check_slider(value, name, where, RANGES)
        if "preset" in checked and checked["preset"] != self.values["preset"]:
            self._load_preset(checked["preset"])
            self.values["preset"] = checked["preset"]
        if "step" in checked:
            self.values["step"] = checked["step"]
        k = self.values["step"] - 1
        for name, key in GATE_KEYS.items():
            if name in checked and checked[name] != self.values[name]:
                getattr(self, key)[k] = checked[name]
                self.values[name] = checked[name]
        self._redraw()

    # ------------------------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        T, step = self.T, self.values["step"]
        tr = simulate_memory(self.f_t, self.i_t, self.o_t, self.C_tilde_t)
        self.trace = tr
        self.select_g.set_x(step - 0.5)
        for bar, v in zip(self.cand_bars.patches, self.C_tilde_t):
            bar.set_height(v)
        self.f_line.set_ydata(self.f_t)
        self.i_line.set_ydata(self.i_t)
        self.o_line.set_ydata(self.o_t)

        written = tr.contributions[1:]                       # (T, T): rows k = 1 … T, columns t = 1 … T
        before = np.arange(T)[None, :] < np.arange(T)[:, None]
        self.image.set_data(np.ma.masked_array(np.clip(written, -1.0, 1.0), mask=before))

        C = tr.C_with_start()
        h = tr.h_with_start()
        self.C_line.set_ydata(C)
        self.h_line.set_ydata(h)
        self.state_text.set_text(f"$C_T$ = {C[-1]:+.3f}   $h_T$ = {h[-1]:+.3f}")

        grad = tr.forget_product
        self.grad_line.set_ydata(np.maximum(grad, FLOOR))
        self.grad_mark.set_data([step], [max(grad[step], FLOOR)])
        self.grad_text.set_text(f"$C_{{{step}}}$ ('{self.words[step - 1]}') → $C_{{{T}}}$: $\\prod f$ = {grad[step]:.4f}")


def memory_simulator_widget(script=SLIDE_SCRIPT, **defaults):
    """Controls (word, f, i, o, C̃, preset) above a live :class:`MemorySimulatorView`; returns the ipywidgets box.

    Choosing another word or preset moves the four gate sliders to that word's stored values.
    """

    view = MemorySimulatorView(script, **defaults)
    style = {"description_width": "initial"}
    options = [(f"{k}: {e.word} ({e.event})", k) for k, e in enumerate(view.script, 1)]
    step = W.Dropdown(options=options,
                      value=view.values["step"], description="edit word", style=style)
    preset = W.Dropdown(options=[(label, key) for key, label in PRESETS.items()], value=view.values["preset"],
                        description="preset", style=style)
    labels = {"f": "forget f_t", "i": "input i_t", "o": "output o_t", "C_tilde": "candidate C̃_t"}
    sliders = float_sliders(view.values, RANGES, labels)
    controls = {"step": step, "preset": preset, **sliders}
    box = interactive_view(view, controls, columns=2)

    def sync(_change=None):
        for name, value in view.stored_values().items():
            sliders[name].value = value

    step.observe(sync, names="value")
    preset.observe(sync, names="value")
    return box


def bench_cases():
    """Every control over its whole range (ends included), word by word, and the largest memory."""
    sweep = sweep_each({}, RANGES, n=11)
    T = len(SLIDE_SCRIPT)
    for s in range(1, T + 1):
        sweep.append({"step": s})
    for preset in PRESETS:
        sweep.append({"preset": preset})
    for s in range(1, T + 1):                      # the extremes at every word: all closed, then all open
        sweep.append({"step": s, "f": 0.0, "i": 0.0, "o": 0.0, "C_tilde": -1.0})
        sweep.append({"step": s, "f": 1.0, "i": 1.0, "o": 1.0, "C_tilde": 1.0})
    extremes = []
    for s in range(1, T + 1):                      # every word writes −1 with everything open: C_T = −T
        extremes.append({"step": s, "f": 0.95, "i": 0.95, "C_tilde": -0.95})
        extremes.append({"step": s, "f": 1.0, "i": 1.0, "C_tilde": -1.0})
    return [("controls", MemorySimulatorView(), sweep), ("largest memory", MemorySimulatorView(), extremes)]
