"""Notebook 00's first gate (lstm_helpers.lessons.first_gate): a note under a constant gate f, C_t = f^t · C_0."""
from __future__ import annotations

import math

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.lessons.first_gate import GateOverSteps, gate_over_steps


@pytest.mark.parametrize("f", [0.1, 0.5, 0.9, 0.99])
def test_the_note_is_multiplied_by_f_at_every_step(f):
    r = gate_over_steps(f, 12, C_0=2.0)
    assert isinstance(r, GateOverSteps) and r.C.shape == (13,)
    C = 2.0
    for t in range(13):                              # the recurrence C_t = f · C_{t-1}, step by step
        assert r.C[t] == pytest.approx(C, rel=1e-12)
        C = f * C
    assert r.kept == pytest.approx(2.0 * f) and r.erased == pytest.approx(2.0 * (1 - f))
    assert r.kept + r.erased == pytest.approx(2.0)
    assert r.left == pytest.approx(2.0 * f ** 12, rel=1e-12)


@pytest.mark.parametrize("f", [0.3, 0.9, 0.999])
def test_half_life_is_where_half_the_note_is_left(f):
    h = gate_over_steps(f, 5).half_life
    assert h == pytest.approx(float(lh.gates.half_life_steps(f)))
    assert f ** h == pytest.approx(0.5, rel=1e-12)


def test_the_two_ends_erase_at_once_and_keep_forever():
    gone = gate_over_steps(0.0, 4)
    np.testing.assert_array_equal(gone.C, [1.0, 0.0, 0.0, 0.0, 0.0])
    assert gone.half_life == 0.0 and gone.kept == 0.0 and gone.erased == 1.0
    kept = gate_over_steps(1.0, 4, C_0=0.5)
    np.testing.assert_array_equal(kept.C, np.full(5, 0.5))
    assert math.isinf(kept.half_life) and kept.erased == 0.0


@pytest.mark.parametrize("kwargs,exc,name", [
    ({"f": 1.2, "steps": 3}, ValueError, "'f'"),
    ({"f": -0.1, "steps": 3}, ValueError, "'f'"),
    ({"f": "half", "steps": 3}, TypeError, "'f'"),
    ({"f": 0.5, "steps": 0}, ValueError, "'steps'"),
    ({"f": 0.5, "steps": 2.5}, TypeError, "'steps'"),
    ({"f": 0.5, "steps": 3, "C_0": float("nan")}, ValueError, "'C_0'"),
])
def test_bad_arguments_are_named(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        gate_over_steps(**kwargs)
