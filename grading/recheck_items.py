"""What the isolated re-check does for each graded item: which cells run, what is called on which
secret inputs, which engine functions are refused, and how the answer is compared with the reference.

Every graded item of the notebooks (the grade_id of its answer cell) has an :class:`Item` in ``ITEMS``
(tests/test_grading_isolation.py checks that). Inputs are drawn from a ``numpy.random.Generator`` the
grader seeds with its secret (grading/recheck.py); sizes vary too. References run in the grader's own
process, from lstm_helpers (the functions the hidden tests compare with).

Cells of a re-check: the notebook's setup cell (its first code cell, from the instructor source, never
the student's), then the student's answer cells the item needs (``needs``: decay_lag uses the student's
jacobian_norms), then the item's own answer cell. The exercise's given data is set before the answer
cells run (09: ``correct`` and ``attractors`` of the read-only cell error_rates_data, measured once per
grading run in a sandbox from the instructor's cell). No other cell of the student runs: an answer that relies on a helper
defined in another cell fails the re-check (the exercises ask for self-contained cells).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lstm_helpers.engine.activations import sigmoid
from lstm_helpers.lessons.vanishing import DecayExperiment
from lstm_helpers.selfcheck import (GRAD_NAMES, cell_update_reference, decay_lag_reference, error_rates_reference,
                                    gate_reference, hidden_output_reference, jacobian_norms_reference,
                                    lstm_step_forward_reference, rnn_step_reference)
from lstm_helpers.selfcheck import gate_designs
from lstm_helpers.slides import bptt
from lstm_helpers.selfcheck.output_design import output_gate_design_reference, output_gate_design_verdict

# ----------------------------------------------------------------------------- refused engine functions (by name)
REFERENCES = ("rnn_step_reference", "jacobian_norms_reference", "decay_lag_reference", "gate_reference",
              "cell_update_reference", "hidden_output_reference", "lstm_step_forward_reference",
              "error_rates_reference", "_rnn_ref", "_jac_ref", "_gate_ref", "_fwd_ref", "_bwd_ref",
              "_numerical_step_grads")
JACOBIANS = ("rnn_jacobian_norms", "lstm_cell_jacobian_norms", "lstm_hidden_jacobian_norms",
             "_lstm_state_jacobian_norms", "_spectral_norms", "state_jacobian_product", "state_jacobian_bptt",
             "state_jacobian_numerical", "last_state_gradients", "norms")
RNN_ANSWERS = ("rnn_forward", "rnn_backward", "forward", "step", "backward", "_run") + JACOBIANS
LSTM_ANSWERS = ("forget_gate", "input_gate", "output_gate", "candidate", "cell_update", "hidden_output", "lstm_step",
                "gate_steps", "_gate", "gate_value", "cell_trajectory", "step_forward", "step_backward",
                "forward_steps", "backward_steps", "slide_gradients", "lstm_forward", "lstm_backward", "forward",
                "step", "backward", "last_gates")
ANALYSIS_ANSWERS = ("error_table", "errors_by", "evaluate")


@dataclass
class Item:
    """One graded item. ``call``: 'function' (``name`` called on every probe) or 'value' (variable
    ``name`` read); ``outputs``: how the answer is read (see recheck_child.convert); ``probes(rng, ctx)``:
    the secret inputs (tuples of arguments); ``reference(*args)``: the right answer, in the form of
    ``outputs``; ``args``: argument names (for the reason text)."""

    name: str
    call: str
    outputs: dict
    probes: Callable | None
    reference: Callable
    block: tuple[str, ...]
    args: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def _normal(rng, *shape, scale=1.0):
    return scale * rng.standard_normal(shape)


def _sizes(rng, B=(1, 5), H=(2, 6), D=(1, 5)):
    return int(rng.integers(*B, endpoint=True)), int(rng.integers(*H, endpoint=True)), int(rng.integers(*D, endpoint=True))


def rnn_step_probes(rng, ctx=None):
    out = []
    for _ in range(3):
        _, H, D = _sizes(rng, H=(2, 7), D=(1, 6))
        out.append((_normal(rng, D), _normal(rng, H), _normal(rng, H, D), _normal(rng, H, H), _normal(rng, H)))
    return out


def jacobian_probes(rng, ctx=None):
    out = []
    for _ in range(2):
        T, H = int(rng.integers(4, 12, endpoint=True)), int(rng.integers(2, 6, endpoint=True))
        out.append((_normal(rng, H, H, scale=0.9), np.tanh(_normal(rng, T, H))))
    return out


def gate_probes(rng, ctx=None):
    out = []
    for k in range(3):
        B, H, D = _sizes(rng)
        if k == 2:
            B = 1
        out.append((_normal(rng, B, H), _normal(rng, B, D), _normal(rng, H, H + D), _normal(rng, H)))
    return out


def cell_probes(rng, ctx=None):
    out = []
    for _ in range(3):
        B, H, _ = _sizes(rng)
        out.append((sigmoid(_normal(rng, B, H)), _normal(rng, B, H, scale=3.0), sigmoid(_normal(rng, B, H)),
                    np.tanh(_normal(rng, B, H))))
    return out


def hidden_probes(rng, ctx=None):
    out = []
    for _ in range(3):
        B, H, _ = _sizes(rng)
        out.append((sigmoid(_normal(rng, B, H)), _normal(rng, B, H, scale=3.0)))
    return out


def _lstm_params(rng, H, D):
    p = {}
    for g in ("f", "i", "C", "o"):
        p[f"W_{g}"] = _normal(rng, H, H + D, scale=0.7)
        p[f"b_{g}"] = _normal(rng, H)
    return p


def forward_probes(rng, ctx=None):
    out = []
    for _ in range(3):
        B, H, D = _sizes(rng)
        out.append((_normal(rng, B, D), _normal(rng, B, H), _normal(rng, B, H), _lstm_params(rng, H, D)))
    return out


def backward_probes(rng, ctx=None):
    out = []
    for _ in range(3):
        B, H, D = _sizes(rng)
        x_t, h_prev, C_prev, p = _normal(rng, B, D), _normal(rng, B, H), _normal(rng, B, H), _lstm_params(rng, H, D)
        _, _, cache = bptt.step_forward(h_prev, C_prev, x_t, p)
        out.append((_normal(rng, B, H), _normal(rng, B, H), cache, p))
    return out


def backward_reference(dh_t, dC_next, cache, p):
    g = bptt.step_backward(dh_t, dC_next, cache, p)
    return {k: g[k] for k in GRAD_NAMES}


def error_rate_probes(rng, ctx=None):
    out = []
    for _ in range(2):
        n = int(rng.integers(20, 80, endpoint=True))
        labels = rng.choice(np.arange(-2, 9), size=int(rng.integers(2, 5, endpoint=True)), replace=False)
        groups = rng.choice(labels, size=n)
        out.append((rng.random(n) < rng.uniform(0.3, 0.9), groups.astype(np.int64)))
    if ctx and ctx.get("measured") is not None:               # the measured exercise: the early LSTM's results
        out.append(ctx["measured"])
    return out


DECAY = {"hidden_size": 32, "input_size": 8, "T": 100, "batch": 4, "rho": 1.2, "cell_seed": 0}


def decay_seed(rng) -> tuple[int, int]:
    """A secret experiment seed whose measured lag exists and differs from the one of the notebook's seed."""
    shown = decay_lag_reference(DECAY["rho"], experiment=_experiment(DECAY["cell_seed"]))
    while True:
        seed = int(rng.integers(1, 2**31 - 1))
        lag = decay_lag_reference(DECAY["rho"], experiment=_experiment(seed))
        if lag is not None and lag != shown:
            return seed, lag


def _experiment(seed):
    return DecayExperiment(hidden_size=DECAY["hidden_size"], input_size=DECAY["input_size"], T=DECAY["T"],
                           batch=DECAY["batch"], seed=seed)


def design_probes(rng=None, ctx=None):
    """06's design exercise has no input: output_gate_design() is called once and returns (W_o, b_o)."""
    return [()]


def output_design_judge(probes, arrays) -> tuple[bool, str]:
    """A design is judged by its behaviour: the grader runs the returned (W_o, b_o) through its own cell on every
    text of the language (lstm_helpers.lessons.output_design), not compared with one reference design."""
    return output_gate_design_verdict(arrays.get("p0_W_o"), arrays.get("p0_b_o"))


# ----------------------------------------------------------------------------- design exercises on sentences (04, 05)
class DesignProbes(list):
    """Probes of a design exercise: one call of the learner's function on the cell's starting arrays, and,
    in ``secret``, the sentences the grader runs the returned design on in its own process (drawn from the
    grader's secret; never sent to the sandbox)."""

    secret: list = []


def sentence_design_probes(inputs: Callable, secret: Callable) -> Callable:
    """probes(rng, ctx) of a design item: ``inputs()`` is the call's arguments, ``secret(rng)`` the sentences."""
    def probes(rng, ctx=None):
        out = DesignProbes([inputs()])
        out.secret = secret(rng)
        return out
    return probes


def sentence_design_judge(verdict: Callable, sentences: Callable, names: tuple[str, ...]) -> Callable:
    """judge(probes, arrays) -> (passed, why) of a design item: the returned arrays (``names``) are run through
    the grader's own cell by ``verdict`` on the exercise's ``sentences()``, then on the secret ones."""
    def judge(probes, arrays):
        got = [arrays.get(f"p0_{n}") for n in names]
        for n, g, w in zip(names, got, probes[0]):
            if g is None:
                return False, f"no result {n}"
            if g.shape != np.shape(w) or not np.all(np.isfinite(g)):
                return False, f"{n} has shape {g.shape} (expected {np.shape(w)}) or holds NaN or inf"
        secret = list(getattr(probes, "secret", []))
        for label, words in (("the exercise's sentences", sentences()), ("a secret sentence", secret)):
            v = verdict(*got, words)
            if not v["passed"]:
                return False, f"the design, run through the grader's own cell on {label}: {v['failures'][0]}"
        return True, f"the design is right on {len(secret)} secret sentences and the exercise's {len(sentences())}"
    return judge


ARRAYS = "arrays"
ITEMS = {
    "rnn_step": Item("rnn_step", "function", {"kind": ARRAYS, "names": ["h_t"]}, rnn_step_probes,
                     rnn_step_reference, REFERENCES + RNN_ANSWERS, ("x_t", "h_prev", "W_xh", "W_hh", "b")),
    "jacobian_norms": Item("jacobian_norms", "function", {"kind": ARRAYS, "names": ["norms"]}, jacobian_probes,
                           jacobian_norms_reference, REFERENCES + RNN_ANSWERS, ("W_hh", "h")),
    "decay_lag": Item("decay_lag", "value", {"kind": "int"}, None, None, REFERENCES + JACOBIANS,
                      needs=("jacobian_norms",), extra={"variable": "lag_rho_12"}),
    "forget_gate": Item("forget_gate", "function", {"kind": ARRAYS, "names": ["f_t"]}, gate_probes, gate_reference,
                        REFERENCES + LSTM_ANSWERS, ("h_prev", "x_t", "W_f", "b_f")),
    "input_gate": Item("input_gate", "function", {"kind": ARRAYS, "names": ["i_t"]}, gate_probes, gate_reference,
                       REFERENCES + LSTM_ANSWERS, ("h_prev", "x_t", "W_i", "b_i")),
    "output_gate": Item("output_gate", "function", {"kind": ARRAYS, "names": ["o_t"]}, gate_probes, gate_reference,
                        REFERENCES + LSTM_ANSWERS, ("h_prev", "x_t", "W_o", "b_o")),
    "cell_update": Item("cell_update", "function", {"kind": ARRAYS, "names": ["C_t"]}, cell_probes,
                        cell_update_reference, REFERENCES + LSTM_ANSWERS, ("f_t", "C_prev", "i_t", "C_tilde_t")),
    "hidden_output": Item("hidden_output", "function", {"kind": ARRAYS, "names": ["h_t"]}, hidden_probes,
                          hidden_output_reference, REFERENCES + LSTM_ANSWERS, ("o_t", "C_t")),
    "lstm_step_forward": Item("lstm_step_forward", "function", {"kind": ARRAYS, "names": ["h_t", "C_t"]},
                              forward_probes, lstm_step_forward_reference, REFERENCES + LSTM_ANSWERS,
                              ("x_t", "h_prev", "C_prev", "p")),
    "lstm_step_backward": Item("lstm_step_backward", "function", {"kind": "grads", "names": list(GRAD_NAMES)},
                               backward_probes, backward_reference, REFERENCES + LSTM_ANSWERS,
                               ("dh_t", "dC_next", "cache", "p")),
    "error_rates": Item("error_rates", "function", {"kind": "rates"}, error_rate_probes, error_rates_reference,
                        REFERENCES + ANALYSIS_ANSWERS, ("correct", "groups"),
                        extra={"measured_cell": "error_rates_data", "measured_vars": ("correct", "attractors")}),
    "period_eraser": Item("period_eraser", "function", {"kind": ARRAYS, "names": ["W_f", "b_f"]},
                          sentence_design_probes(gate_designs.period_eraser_inputs, gate_designs.period_eraser_secret),
                          None, REFERENCES + ("check_period_eraser", "period_eraser_verdict"),
                          ("W_f", "b_f", "units", "columns"),
                          extra={"judge": sentence_design_judge(gate_designs.period_eraser_verdict,
                                                                gate_designs.period_eraser_sentences, ("W_f", "b_f"))}),
    "cat_sleep_slot": Item("cat_sleep_slot", "function", {"kind": ARRAYS, "names": ["W_i", "b_i", "W_C", "b_C"]},
                           sentence_design_probes(gate_designs.cat_sleep_slot_inputs,
                                                  gate_designs.cat_sleep_slot_secret),
                           None, REFERENCES + ("check_cat_sleep_slot", "cat_sleep_slot_verdict"),
                           ("W_i", "b_i", "W_C", "b_C", "units", "columns"),
                           extra={"judge": sentence_design_judge(gate_designs.cat_sleep_slot_verdict,
                                                                 gate_designs.cat_sleep_slot_sentences,
                                                                 ("W_i", "b_i", "W_C", "b_C"))}),
    "output_gate_design": Item("output_gate_design", "function", {"kind": ARRAYS, "names": ["W_o", "b_o"]},
                               design_probes, output_gate_design_reference,
                               REFERENCES + ("output_gate_design_reference",), extra={"judge": output_design_judge}),
}


# ----------------------------------------------------------------------------- comparing
RTOL, ATOL = 1e-6, 1e-9


def shapes(args, names) -> str:
    """'h_prev (3, 4), x_t (3, 2), W_f (4, 6), b_f (4,)' for the reason text."""
    parts = []
    for n, a in zip(names, args):
        if isinstance(a, np.ndarray):
            parts.append(f"{n} {a.shape}" if a.dtype != bool else f"{n} {a.shape} bool")
        elif isinstance(a, dict):
            first = next(iter(a))
            parts.append(f"{n} ({len(a)} arrays, {first} {np.shape(a[first])})")
        elif isinstance(a, bptt.StepCache):
            parts.append(f"{n} (StepCache, C_t {a.C_t.shape}, x_t {a.x_t.shape})")
        else:
            parts.append(f"{n} = {a!r}")
    return ", ".join(parts)


def _first_difference(got: np.ndarray, want: np.ndarray) -> str:
    if got.shape != want.shape:
        return f"has shape {got.shape}, expected {want.shape}"
    if not np.all(np.isfinite(got)):
        return "holds NaN or inf"
    diff = np.abs(got - want)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), want.shape)) if want.ndim else ()
    where = f" at {list(idx)}" if idx else ""
    return f"differs from the reference: {got[idx]:.6g} instead of {want[idx]:.6g}{where}"


def compare_function(item: Item, probes: list, arrays: dict) -> tuple[bool, str]:
    """(passed, what was compared / why not) for a function item, from the arrays the sandbox returned."""
    if "judge" in item.extra:                     # a design: its behaviour is judged (extra["judge"]), not its numbers
        return item.extra["judge"](probes, arrays)
    kind = item.outputs["kind"]
    for k, args in enumerate(probes):
        want = item.reference(*args)
        on = f"secret input {k + 1} ({shapes(args, item.args)})"
        if kind == "rates":
            keys, rates = arrays.get(f"p{k}_keys"), arrays.get(f"p{k}_rates")
            if keys is None or rates is None:
                return False, f"no result for {on}"
            got = dict(zip(keys.tolist(), rates.tolist()))
            if sorted(got) != sorted(want):
                return False, f"on {on}: the groups are {sorted(got)}, expected {sorted(want)}"
            bad = [g for g in want if not np.isclose(got[g], want[g], rtol=0, atol=ATOL)]
            if bad:
                return False, (f"on {on}: the rate of group {bad[0]} is {got[bad[0]]:.6g}, expected "
                               f"{want[bad[0]]:.6g}")
            continue
        names = item.outputs["names"]
        want = {names[0]: want} if len(names) == 1 else (want if isinstance(want, dict) else dict(zip(names, want)))
        for n in names:
            got = arrays.get(f"p{k}_{n}")
            if got is None:
                return False, f"no result {n} for {on}"
            w = np.asarray(want[n], dtype=np.float64)
            if got.shape != w.shape or not np.all(np.isfinite(got)) or not np.allclose(got, w, rtol=RTOL, atol=ATOL):
                return False, f"on {on}: {n} {_first_difference(got, w)}"
    return True, f"right on {len(probes)} secret inputs"
