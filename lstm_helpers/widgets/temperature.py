"""Widget of notebook 11: sampling temperature and the next-character distribution.

After reading a prompt, the character model's logits z (V,) give the next-character distribution
p = softmax(z / temperature). Low temperatures sharpen p towards the most likely character
(repetitive text), high ones flatten it towards uniform (gibberish). The view shows p over the
whole vocabulary (the faint bars are temperature 1), its entropy, and a continuation sampled with
that temperature from a fixed seed ('|' marks the end of the prompt, '/' a newline).
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..lessons.charlm import ALPHABET, Vocab, entropy_bits, generate, next_distribution, prime
from ..engine.models import SequenceModel
from ..support.plots import OKABE_ITO
from .base import View, check_slider, float_slider, interactive_view, new_figure, unknown_control
import ipywidgets as W

PROMPTS = ("the value of ", 'the "for" statement ', "if the argument is ", "a list of ")
RANGES = {"temperature": (0.1, 2.0, 0.05)}
SAMPLE_LENGTH = 48


def char_label(c: str) -> str:
    """How a character is shown on the axis: 'sp' for space, 'nl' for newline."""
    return {" ": "sp", "\n": "nl"}.get(c, c)


class TemperatureView(View):
    """Bars of p = softmax(z / temperature) for the next character after a prompt, and a sample.

    Args:
        model: a trained ``SequenceModel('lstm', V, H, V, readout='all')``; vocab: its :class:`Vocab`.
        prompts: the prompts offered (all characters must be in ``vocab``).
        sample_seed: seed of the sampled continuation.

    ``update(temperature=..., prompt=...)``; afterwards ``self.p`` (V,) is the distribution shown,
    ``self.sample`` the sampled text and ``self.alt`` the figure's alt text (what ``display(view)``
    stores with the image), built from those numbers.
    """

    alt = ("Bar chart of the next-character probabilities of a character model after a prompt, at a chosen "
           "temperature, with the temperature-1 bars behind them and a sampled continuation below.")

    def __init__(self, model, vocab: Vocab, *, prompts=PROMPTS, sample_seed: int = 0, **values):
        self.model, self.vocab, self.prompts, self.sample_seed = model, vocab, tuple(prompts), sample_seed
        if not self.prompts:
            raise ValueError("TemperatureView(): argument 'prompts' must name at least one prompt.")
        self.defaults = {"temperature": 1.0, "prompt": self.prompts[0]}
        self.values = dict(self.defaults)
        self._primed = {}
        V = len(vocab)
        self.fig, (ax, tx) = new_figure(2, 1, figsize=(9.0, 3.7), gridspec_kw={"height_ratios": [3.0, 0.45]})
        self.ax, self.tx = ax, tx
        xs = np.arange(V)
        # Bars as one LineCollection of thick vertical segments each: two artists instead of 2V patches
        # keeps a redraw fast.
        self._xs = xs
        self.ref_bars = LineCollection(self._segments(np.zeros(V)), linewidths=9, colors=OKABE_ITO["sky_blue"],
                                       alpha=0.5, label="temperature 1 (reference)", capstyle="butt")
        self.bars = LineCollection(self._segments(np.zeros(V)), linewidths=4, colors=OKABE_ITO["blue"],
                                   label="p at this temperature", capstyle="butt")
        ax.add_collection(self.ref_bars)
        ax.add_collection(self.bars)
        ax.set_xticks(xs, [char_label(c) for c in vocab.chars], fontsize=8)
        ax.set_xlim(-0.7, V - 0.3)
        ax.set_ylim(0.0, 1.02)
        ax.set_xlabel("next character")
        ax.set_ylabel("probability")
        ax.set_title(r"Next-character distribution $p = \mathrm{softmax}(z\,/\,\mathrm{temperature})$")
        ax.legend(loc="upper right", fontsize=8)
        self.readout = ax.text(0.01, 0.95, "", transform=ax.transAxes, ha="left", va="top", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        tx.axis("off")
        tx.text(0.0, 1.0, f"sample (seed {sample_seed}):", transform=tx.transAxes, ha="left", va="top", fontsize=9)
        self.sample_text = tx.text(0.16, 1.0, "", transform=tx.transAxes, ha="left", va="top", fontsize=9,
                                   family="monospace")
        self.set_dynamic(self.ref_bars, self.bars, self.readout, self.sample_text)
        self.update(**{**self.defaults, **values})

    def _segments(self, heights) -> np.ndarray:
        """One vertical segment (x, 0) -> (x, height) per character: (V, 2, 2)."""
        seg = np.zeros((len(self._xs), 2, 2))
        seg[:, :, 0] = self._xs[:, None]
        seg[:, 1, 1] = heights
        return seg

    def _logits(self, prompt: str) -> np.ndarray:
        if prompt not in self._primed:
            self._primed[prompt] = prime(self.model, self.vocab.encode(prompt))[0]
        return self._primed[prompt]

    def update(self, **values) -> None:
        where = "TemperatureView.update()"
        new = {}                                   # applied once every value is valid
        for name, value in values.items():
            if name == "temperature":
                new[name] = check_slider(value, name, where, RANGES)
            elif name == "prompt":
                if value not in self.prompts:
                    raise ValueError(f"{where}: argument 'prompt' must be one of {', '.join(map(repr, self.prompts))}, "
                                     f"but it is {value!r}.")
                new[name] = value
            else:
                raise unknown_control(where, name, ("temperature", "prompt"))
        self.values.update(new)
        temperature, prompt = self.values["temperature"], self.values["prompt"]
        z = self._logits(prompt)
        self.p = next_distribution(z, temperature)
        p1 = next_distribution(z, 1.0)
        self.bars.set_segments(self._segments(self.p))
        self.ref_bars.set_segments(self._segments(p1))
        top = int(np.argmax(self.p))
        self.readout.set_text(f"entropy {entropy_bits(self.p):.2f} bits\n"
                              f"top: '{char_label(self.vocab.chars[top])}' p = {self.p[top]:.3f}")
        ids = generate(self.model, self.vocab.encode(prompt), SAMPLE_LENGTH, temperature=temperature,
                       seed=self.sample_seed)
        self.sample = self.vocab.decode(ids)
        self.sample_text.set_text((prompt + "|" + self.sample).replace("\n", "/"))
        entropy, ref_entropy = entropy_bits(self.p), entropy_bits(p1)
        compare = "lower than" if entropy < ref_entropy - 5e-3 else "higher than" if entropy > ref_entropy + 5e-3 \
            else "the same as"
        self.alt = (f"Bar chart of the next-character probabilities after the prompt {prompt!r} at temperature "
                    f"{temperature:.2f}, over the {len(self.p)} characters, with the temperature-1 bars behind them. "
                    f"The most likely character is '{char_label(self.vocab.chars[top])}' with p = {self.p[top]:.3f}; "
                    f"the entropy, {entropy:.2f} bits, is {compare} the {ref_entropy:.2f} bits at temperature 1. "
                    f"Below, a sampled continuation: {self.sample!r}.")


def temperature_widget(model, vocab: Vocab, **defaults):
    """A temperature slider and a prompt menu above a live :class:`TemperatureView`; returns the ipywidgets box."""

    view = TemperatureView(model, vocab, **defaults)
    controls = {
        "temperature": float_slider(view.values["temperature"], RANGES["temperature"], "temperature"),
        "prompt": W.Dropdown(options=list(view.prompts), value=view.values["prompt"], description="prompt"),
    }
    return interactive_view(view, controls, columns=2)


def demo_view() -> TemperatureView:
    """A view on an untrained model over :data:`ALPHABET` (for tests and benchmarks; no training)."""
    vocab = Vocab(ALPHABET)
    model = SequenceModel("lstm", len(vocab), 32, len(vocab), readout="all", dtype=np.float32, seed=0)
    model.head.weight *= 8.0      # an untrained model is close to uniform; spread its logits a little
    return TemperatureView(model, vocab)


def bench_cases():
    """The temperature swept over its whole range (ends included) for every prompt."""
    view = demo_view()
    lo, hi, _ = RANGES["temperature"]
    sweep = [{"temperature": float(t), "prompt": p} for p in PROMPTS for t in np.linspace(lo, hi, 7)]
    return [("temperature and prompt", view, sweep)]
