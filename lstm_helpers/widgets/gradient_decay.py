"""Widget of notebook 01: how far back a gradient reaches in an RNN and along the LSTM cell path.

One log-scale axis against the lag k:

* the measured ‖∂h_T/∂h_{T-k}‖₂ of a seeded vanilla RNN (:class:`~lstm_helpers.vanishing.DecayExperiment`)
  whose W_hh has spectral radius ρ, for the chosen nonlinearity and input scale — recomputed on
  every change (:func:`~lstm_helpers.gradflow.rnn_jacobian_norms`);
* ρ^k, the scalar picture of the same product (what the RNN would give without the φ' factors
  and with a normal W_hh);
* the LSTM's direct cell-state path ∂C_T/∂C_{T-k} = ∏ f = f^k for a constant forget gate f
  (:func:`~lstm_helpers.gradflow.forget_path_norms`);
* a read-out of the lag at which each curve falls below 1 % of its start (:func:`~lstm_helpers.gradflow.lag_below`).

``alt`` (what a screen reader reads for ``display(view)``) is rebuilt from those numbers on every update.

Controls: ``rho`` (spectral radius of W_hh), ``input_scale``, ``nonlinearity``
('tanh', 'sigmoid', 'linear') and ``f`` (forget-gate value). The y-limits are fixed
(1e-12 … 1e6) so that a redraw only repaints the curves (blitting).
"""
from __future__ import annotations

import numpy as np

from ..support.checks import check_choice
from ..engine.gradflow import forget_path_norms, lag_below
from ..support.plots import LSTM_COLOR, RNN_COLOR, label_axes
from ..lessons.vanishing import DecayExperiment, scalar_powers
from .base import View, check_slider, float_slider, interactive_view, new_figure, range_corners, sweep_each, unknown_control
import ipywidgets as W

# Slider ranges (min, max, step) of the numeric controls, and the choices of the dropdown.
RANGES = {"rho": (0.1, 2.5, 0.05), "input_scale": (0.0, 3.0, 0.1), "f": (0.0, 1.0, 0.01)}
NONLINEARITY_CHOICES = ("tanh", "sigmoid", "linear")
Y_LIMITS = (1e-12, 1e6)
FLOOR = 1e-300  # zeros (f = 0) are drawn at this value, far below the axis, instead of log(0)


def _lag_text(lag) -> str:
    return f"k = {lag}" if lag is not None else "not within T"


def lag_words(lag, T: int) -> str:
    """'at lag 25' or 'not within T = 100' (a lag from :func:`lag_below`, None when never below 1 %)."""
    return f"at lag {lag}" if lag is not None else f"not within T = {T}"


class GradientDecayView(View):
    """RNN gradient norm vs lag (measured), ρ^k, and the LSTM cell path f^k on one log axis.

    Args: hidden_size, input_size, T, batch, seed: the :class:`DecayExperiment` (the same seeded
    RNN and inputs for every setting); ``**values``: initial control values.

    ``update(rho=..., input_scale=..., nonlinearity=..., f=...)`` takes any subset of the
    controls; the others keep their values. Attributes after an update: ``rnn_norms`` (T,),
    ``forget_norms`` (T,), ``rnn_lag``, ``forget_lag`` (lag below 1 %, or None) and ``alt`` (the figure in words).
    """

    defaults = {"rho": 1.0, "input_scale": 1.0, "nonlinearity": "tanh", "f": 0.95}

    def __init__(self, *, hidden_size: int = 32, input_size: int = 8, T: int = 100, batch: int = 2, seed: int = 0,
                 **values):
        self.experiment = DecayExperiment(hidden_size, input_size, T, batch, seed=seed)
        self.T = T
        self.values = dict(self.defaults)
        self.lags = np.arange(T)
        self.fig, ax = new_figure(figsize=(7.5, 4.2))
        self.ax = ax
        ones = np.ones(T)
        (self.rnn_line,) = ax.semilogy(self.lags, ones, color=RNN_COLOR, lw=2,
                                       label=r"RNN: measured $\|\partial h_T/\partial h_{T-k}\|$")
        (self.rho_line,) = ax.semilogy(self.lags, ones, color=RNN_COLOR, lw=1.2, ls=":",
                                       label=r"$\rho^k$ (scalar picture)")
        (self.forget_line,) = ax.semilogy(self.lags, ones, color=LSTM_COLOR, lw=2, ls="--",
                                          label=r"LSTM cell path: $\prod f = f^k$")
        ax.axhline(0.01, color="0.45", lw=0.9, ls="-.", label="1 % of the start")
        ax.set_xlim(0, T - 1)
        ax.set_ylim(*Y_LIMITS)
        label_axes(ax, "How far back does the gradient reach?", "lag k (steps back from T)",
                   "gradient norm (log scale)")
        ax.legend(loc="upper right", fontsize=8)
        self.readout = ax.text(0.02, 0.03, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=9,
                               bbox={"boxstyle": "round", "fc": "white", "ec": "0.7"})
        (self.rnn_marker,) = ax.plot([0], [0.01], "o", color=RNN_COLOR, ms=7)
        (self.forget_marker,) = ax.plot([0], [0.01], "s", color=LSTM_COLOR, ms=7)
        self.set_dynamic(self.rnn_line, self.rho_line, self.forget_line, self.rnn_marker, self.forget_marker,
                         self.readout)
        self.update(**{**self.defaults, **values})

    def update(self, **values) -> None:
        where = "GradientDecayView.update()"
        new = {}
        for name, value in values.items():   # check everything before changing anything
            if name == "nonlinearity":
                new[name] = check_choice(value, name, where, NONLINEARITY_CHOICES)
            elif name in RANGES:
                new[name] = check_slider(value, name, where, RANGES)
            else:
                raise unknown_control(where, name, [*RANGES, "nonlinearity"])
        self.values.update(new)
        v = self.values
        self.rnn_norms = self.experiment.norms(v["rho"], input_scale=v["input_scale"], nonlinearity=v["nonlinearity"])
        self.forget_norms = forget_path_norms(np.full(self.T, v["f"]))
        self.rnn_lag = lag_below(self.rnn_norms)
        self.forget_lag = lag_below(self.forget_norms)
        self.rnn_line.set_ydata(np.maximum(self.rnn_norms, FLOOR))
        self.rho_line.set_ydata(np.maximum(scalar_powers(v["rho"], self.T), FLOOR))
        self.forget_line.set_ydata(np.maximum(self.forget_norms, FLOOR))
        for marker, lag in ((self.rnn_marker, self.rnn_lag), (self.forget_marker, self.forget_lag)):
            marker.set_data([lag if lag is not None else self.T - 1], [0.01])
            marker.set_visible(lag is not None)
        # short text: every glyph costs render time
        self.readout.set_text(f"below 1 % at: RNN {_lag_text(self.rnn_lag)}, LSTM {_lag_text(self.forget_lag)}")
        self.alt = (f"Line plot, log scale, of the gradient norm against the lag k (0 to {self.T - 1}): the measured "
                    f"RNN curve ({v['nonlinearity']}, spectral radius ρ = {v['rho']:.2f}, input scale "
                    f"{v['input_scale']:.1f}), the scalar picture ρ^k (dotted) and the LSTM cell path f^k for "
                    f"f = {v['f']:.2f} (dashed). Below 1 %: the RNN {lag_words(self.rnn_lag, self.T)}, the LSTM cell "
                    f"path {lag_words(self.forget_lag, self.T)}.")


def gradient_decay_widget(**defaults):
    """Sliders for ρ, input scale, nonlinearity and f above a live :class:`GradientDecayView`."""

    view = GradientDecayView(**defaults)
    labels = {"rho": "ρ (W_hh)", "input_scale": "input scale", "f": "forget gate f"}
    formats = {"rho": ".2f", "input_scale": ".1f", "f": ".2f"}
    controls = {name: float_slider(view.values[name], limits, labels[name], readout_format=formats[name],
                                   wide_label=False)
                for name, limits in RANGES.items()}
    controls["nonlinearity"] = W.Dropdown(options=NONLINEARITY_CHOICES, value=view.values["nonlinearity"],
                                          description="φ")
    order = ("rho", "input_scale", "nonlinearity", "f")
    return interactive_view(view, {k: controls[k] for k in order}, columns=2)


def bench_cases():
    """Every control over its whole range (ends included) with the others at default, then every
    nonlinearity at the extreme corners of ρ and input scale (largest and smallest norms)."""
    view = GradientDecayView()
    sweep = sweep_each(GradientDecayView.defaults, RANGES, n=7)
    corners = range_corners({name: RANGES[name] for name in ("rho", "input_scale")})
    sweep += [{**GradientDecayView.defaults, "nonlinearity": nl, **c} for nl in NONLINEARITY_CHOICES for c in corners]
    return [("sweep", view, sweep)]
