"""Notebook 00's first gate: a note in memory, multiplied by one gate value at every step.

The smallest picture of an LSTM's forget gate: the memory holds one number, the note C_0 (the slides'
C_{t-1}); at every step the gate, a number f between 0 and 1, multiplies it, and nothing new is written:

    C_t = f · C_{t-1}        so after k steps      C_k = f^k · C_0.

One step keeps f · C_0 and erases (1 − f) · C_0. The half-life ln 0.5 / ln f (from
:func:`lstm_helpers.slides.gates.half_life_steps`) is the number of steps after which half the note is left;
notebook 01 states this rule and the later notebooks reuse it. Unlike a forget gate computed by a sigmoid
(which never reaches 0 or 1), f here may be exactly 0 (erase everything at once) or 1 (keep forever), the
two ends of the widget's slider.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..slides.gates import half_life_steps, retention
from ..support.checks import check_number, check_size


@dataclass(frozen=True)
class GateOverSteps:
    """A note under a constant gate f (all numbers are floats; ``C`` has shape (steps + 1,)).

    Attributes:
        f: the gate value, in [0, 1].
        C: C_0, C_1, …, C_steps: the note after t = 0 … steps steps, C_t = f^t · C_0.
        kept: f · C_0, what one step keeps.
        erased: (1 − f) · C_0, what one step erases.
        half_life: steps until half the note is left, ln 0.5 / ln f; 0.0 for f = 0 (gone at the first step)
            and ``inf`` for f = 1 (never halves).
    """

    f: float
    C: np.ndarray
    kept: float
    erased: float
    half_life: float

    @property
    def left(self) -> float:
        """What is left after the last step, C_steps."""
        return float(self.C[-1])


def gate_over_steps(f, steps, C_0=1.0) -> GateOverSteps:
    """A note C_0 kept by a constant gate f for ``steps`` steps, nothing written: C_t = f^t · C_0.

    Args:
        f: the gate value, a number in [0, 1] (0 erases everything, 1 keeps everything).
        steps: how many steps, a whole number >= 1.
        C_0: the note before the first step (the slides' C_{t-1}), a number (default 1).

    Returns:
        :class:`GateOverSteps` with ``C`` of shape (steps + 1,).
    """
    where = "gate_over_steps()"
    f = check_number(f, "f", where, low=0.0, high=1.0)
    steps = check_size(steps, "steps", where)
    C_0 = check_number(C_0, "C_0", where)
    t = np.arange(steps + 1)
    if f == 0.0:                                   # 0^0 = 1: the note is whole before the first step
        fraction = (t == 0).astype(np.float64)
        half = 0.0
    else:
        fraction = retention(f, t)
        half = float("inf") if f == 1.0 else float(half_life_steps(f))
    return GateOverSteps(f=f, C=C_0 * fraction, kept=f * C_0, erased=(1.0 - f) * C_0, half_life=half)
