"""The machinery every self-check shares: run a learner's function, compare it with a reference and
with the known mistakes, and say which mistake it likely is.

A check runs the learner's function on a few seeded probe inputs (:func:`call`, on copies, so the
learner cannot change them), turns each output into named float arrays (:func:`as_arrays`), and
:func:`compare` s them with the reference and with one implementation per known mistake: the first
mistake that reproduces the learner's outputs on every probe is the diagnosis. The result is a
:class:`CheckResult` whose ``mistake`` is a key of :data:`MISTAKES` (None when it passed).
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

# ----------------------------------------------------------------------------- the known mistakes
MISTAKES = {
    # generic
    "not_implemented": "the function still raises NotImplementedError: replace the stub by your code",
    "raised": "the function raised an exception on a valid input",
    "wrong_shape": "the result has the wrong shape",
    "wrong_type": "the result has the wrong type",
    "not_finite": "the result holds NaN or inf",
    "unknown": "the result is wrong, but it matches none of the common mistakes checked",
    "uses_engine": "the function calls the engine's own implementation instead of computing the step itself",
    # activations
    "sigmoid_instead_of_tanh": "σ (sigmoid) used where tanh belongs",
    "tanh_instead_of_sigmoid": "tanh used where σ (sigmoid) belongs",
    "sigmoid_tanh_swapped": "sigmoid and tanh swapped (the gates need σ, the candidate C̃_t needs tanh)",
    "relu_instead_of_tanh": "ReLU used where tanh belongs",
    "no_activation": "the nonlinearity is missing (the pre-activation is returned as it is)",
    "activation_misplaced": "the nonlinearity is applied to part of the sum only: tanh(W_hh·h_{t-1}) + W_xh·x_t + b",
    # affine part
    "bias_missing": "the bias b is missing",
    "weights_transposed": "a weight matrix is transposed (W_hh·h_{t-1} is W_hh @ h_prev, not h_prev @ W_hh)",
    "weights_swapped": "W_xh and W_hh swapped",
    "no_recurrence": "h_{t-1} is not used (the W_hh · h_{t-1} term is missing)",
    "concat_reversed": "[x_t, h_{t-1}] concatenated the wrong way round: the slides stack [h_{t-1}, x_t]",
    "complement_gate": "1 − σ(…) computed instead of σ(…)",
    # LSTM forward
    "gates_swapped": "gates in the wrong order: W_f/b_f and W_i/b_i swapped (forget gate computed with the input gate's weights)",
    "C_prev_for_C_t": "C_{t-1} used where C_t belongs (h_t = o_t ⊙ tanh(C_{t-1}))",
    "no_output_tanh": "tanh(C_t) missing: h_t = o_t ⊙ C_t",
    "tanh_outside": "tanh applied to the product: h_t = tanh(o_t ⊙ C_t) instead of o_t ⊙ tanh(C_t)",
    "sigmoid_for_output": "σ(C_t) used in h_t where tanh(C_t) belongs",
    "output_gate_missing": "the output gate is missing: h_t = tanh(C_t)",
    "sum_for_product": "o_t + tanh(C_t) instead of the product o_t ⊙ tanh(C_t)",
    "input_gate_missing": "the input gate is not applied: C_t = f_t ⊙ C_{t-1} + C̃_t",
    "forget_gate_missing": "the forget gate is not applied: C_t = C_{t-1} + i_t ⊙ C̃_t",
    "f_i_swapped": "f_t and i_t swapped in the cell update: C_t = i_t ⊙ C_{t-1} + f_t ⊙ C̃_t",
    "product_for_sum": "the cell update multiplies the two terms instead of adding them",
    "tanh_on_cell": "tanh applied to the new cell state: C_t = tanh(f_t ⊙ C_{t-1} + i_t ⊙ C̃_t)",
    "candidate_missing": "the candidate is missing: C_t = f_t ⊙ C_{t-1} + i_t",
    # gradient decay
    "derivative_missing": "the tanh derivative diag(1 − h_s²) is missing: that is ‖W_hh^k‖, not the Jacobian",
    "derivative_one_minus_h": "the derivative of tanh is 1 − h_s², not 1 − h_s",
    "derivative_wrong_step": "the derivative is taken at the wrong step (h_{s−1} instead of h_s)",
    "derivative_wrong_side": "diag(1 − h_s²) is on the wrong side: the Jacobian is diag(1 − h_s²) · W_hh, not W_hh · diag(1 − h_s²)",
    "product_order": "the Jacobians are multiplied in the wrong order (∂h_T/∂h_{T−k} = J_T · J_{T−1} ⋯ J_{T−k+1})",
    "frobenius_norm": "the Frobenius norm used: the exercise asks for the spectral norm ‖·‖₂ (np.linalg.norm(M, 2))",
    "lag_offset": "entry k must be the lag k, starting with k = 0 (the identity, norm 1)",
    "lag_rho_power": "that is what ρ^k predicts, not the measurement (tanh saturation makes the gradient fall faster)",
    "lag_off_by_one_late": "one step too late: the lag is the first k whose norm is already below 1 %",
    "lag_off_by_one_early": "one step too early: the lag is the first k whose norm is below 1 %, not the last one above",
    "lag_threshold": "wrong threshold: the lag is where the norm falls below 1 % (0.01) of its value at k = 0",
    "lag_other_rho": "that is the lag of a different ρ: scale W_hh to the ρ asked for",
    "lag_batch_mean": "that is the lag of the batch-mean norm: the exercise asks for sequence 0 only",
    # LSTM backward
    "forget_not_applied_to_dC": "the forget gate is not applied to dC in backward: dC_{t-1} = dC_t ⊙ f_t",
    "cell_path_missing": "the cell path from step t+1 is missing: dC_t must add dC_next (= dC_{t+1} ⊙ f_{t+1})",
    "tanh_grad_missing": "the tanh derivative is missing in dC_t: dh_t ⊙ o_t ⊙ (1 − tanh² C_t)",
    "sigmoid_grad_wrong": "wrong σ derivative: σ'(a) = σ(a)(1 − σ(a)) (here written with the gate value)",
    "C_t_for_C_prev_in_df": "C_t used where C_{t-1} belongs in da_f (C_t = f_t ⊙ C_{t-1} + …, so ∂C_t/∂f_t = C_{t-1})",
    "C_t_for_tanh_in_do": "C_t used where tanh(C_t) belongs in da_o (h_t = o_t ⊙ tanh(C_t))",
    "candidate_grad_wrong": "wrong tanh derivative for the candidate: 1 − C̃_t², not 1 − C̃_t",
    "split_reversed": "d[h_{t-1}, x_t] split the wrong way round: the first H entries are dh_{t-1}, the last D are dx_t",
    "dW_transposed": "dW is transposed: dW_g = da_gᵀ · [h_{t-1}, x_t] has shape (H, H + D)",
    "db_not_summed": "db must be summed over the batch: shape (H,)",
    # analysis
    "accuracy_for_error": "accuracy computed instead of the error rate (1 − accuracy)",
    "counts_for_rates": "error counts returned instead of error rates (divide by the number of examples in the group)",
    "divided_by_total": "divided by the total number of examples instead of the group's own number",
    "percent_for_fraction": "a percentage returned: the exercise asks for a fraction between 0 and 1",
    "overall_rate": "the overall error rate returned for every group instead of each group's own rate",
}


@dataclass
class CheckResult:
    """What a self-check found. ``passed``: all probes right; ``mistake``: a key of :data:`MISTAKES`
    (None when passed); ``message``: the text shown to the learner; ``details``: numbers behind it."""

    item: str
    passed: bool
    mistake: str | None
    message: str
    details: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's text display
        p.text(self.message)


def result(item: str, mistake: str | None, extra: str = "", **details) -> CheckResult:
    """The :class:`CheckResult` of ``item``: passed when ``mistake`` is None, else failed with the text of
    ``MISTAKES[mistake]``; ``extra`` is a further sentence, ``details`` the numbers behind it."""
    if mistake is None:
        return CheckResult(item, True, None, f"✔ {item}: passed. {extra}".rstrip(), details)
    text = MISTAKES[mistake]
    msg = f"✘ {item}: not yet right. Likely mistake: {text}."
    if extra:
        msg += f"\n  {extra}"
    return CheckResult(item, False, mistake, msg, details)


# ----------------------------------------------------------------------------- running a learner's function
class Raised(Exception):
    """The learner's function raised ``exc`` (kept apart from an error of the check itself)."""

    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.exc = exc


def call(fn, *args):
    """``fn(*args)`` on copies of the arguments, floating-point warnings silenced; any exception it
    raises comes out as :class:`Raised`."""
    try:
        with np.errstate(all="ignore"):
            return fn(*(copy_value(a) for a in args))
    except Exception as exc:  # the learner's code may raise anything
        raise Raised(exc) from None


def copy_value(a):
    """A copy of an array or of a dict of arrays (anything else as it is)."""
    if isinstance(a, np.ndarray):
        return a.copy()
    if isinstance(a, dict):
        return {k: copy_value(v) for k, v in a.items()}
    return a


def exception_result(item: str, exc: BaseException) -> CheckResult:
    """The result for a learner's function that raised ``exc``: a stub (NotImplementedError), or an
    exception named with a hint on shapes when numpy complained about them."""
    if isinstance(exc, NotImplementedError):
        return result(item, "not_implemented")
    hint = ""
    text = f"{type(exc).__name__}: {exc}"
    if "matmul" in str(exc) or "shapes" in str(exc) or "broadcast" in str(exc):
        hint = ("  Check the shapes: each W is (H, H + D) (or W_hh (H, H), W_xh (H, D)); W · v for a vector v "
                "is W @ v, and for a batch (B, H + D) it is v @ W.T.")
    return result(item, "raised", f"{text}.{hint}")


def as_arrays(out, names: tuple[str, ...]):
    """A learner's output as a dict name -> float array, or a str saying why it cannot be."""
    if len(names) == 1:
        out = (out,)
    elif isinstance(out, dict):
        missing = [n for n in names if n not in out]
        if missing:
            return f"the result lacks {', '.join(missing)}"
        out = tuple(out[n] for n in names)
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        return f"expected {len(names)} results ({', '.join(names)}), got {type(out).__name__}"
    arrays = {}
    for n, v in zip(names, out):
        try:
            a = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError):
            return f"{n} is {type(v).__name__}, not an array of numbers"
        arrays[n] = a
    return arrays


def matches(got: dict, want: dict, rtol=1e-6, atol=1e-9) -> bool:
    """Whether every array of ``want`` (name -> array) has the shape and, within tolerance, the values of
    the same name in ``got``."""
    for k, w in want.items():
        g = got[k]
        if g.shape != np.shape(w) or not np.allclose(g, w, rtol=rtol, atol=atol):
            return False
    return True


def compare(item, fn, probes, reference, variants, names, *, extra_pass=""):
    """Run ``fn`` on every probe (a tuple of arguments); compare with ``reference`` and each mistake's
    implementation in ``variants`` (key -> function with the same signature)."""
    got = []
    for args in probes:
        try:
            out = call(fn, *args)
        except Raised as r:
            return exception_result(item, r.exc)
        arr = as_arrays(out, names)
        if isinstance(arr, str):
            return result(item, "wrong_type", arr + ".")
        got.append(arr)
    wants = [as_arrays(reference(*args), names) for args in probes]
    for g, w in zip(got, wants):
        for n in names:
            if g[n].shape != w[n].shape:
                return result(item, "wrong_shape", f"{n} has shape {g[n].shape}, expected {w[n].shape}.")
    if all(matches(g, w) for g, w in zip(got, wants)):
        return result(item, None, extra_pass or f"Right on all {len(probes)} probe inputs.")
    if not all(np.all(np.isfinite(g[n])) for g in got for n in names):
        return result(item, "not_finite")
    for key, variant in variants.items():
        try:
            with np.errstate(all="ignore"):
                vs = [as_arrays(variant(*copy_args(args)), names) for args in probes]
        except Exception:      # a mistake that cannot even run on these shapes is not the diagnosis
            continue
        if all(not isinstance(v, str) and matches(g, v) for g, v in zip(got, vs)):
            return result(item, key)
    # unknown: show where it first differs
    for k, (g, w) in enumerate(zip(got, wants)):
        for n in names:
            if not np.allclose(g[n], w[n], rtol=1e-6, atol=1e-9):
                idx = np.unravel_index(np.argmax(np.abs(g[n] - w[n])), w[n].shape) if w[n].ndim else ()
                return result(item, "unknown", f"Probe {k + 1}: {n}{list(idx) if idx else ''} is "
                              f"{g[n][idx]:.4f}, expected {w[n][idx]:.4f}.")
    return result(item, "unknown")  # pragma: no cover


def copy_args(args):
    """A tuple of arguments with every array and dict of arrays copied."""
    return tuple(copy_value(a) for a in args)


def uses(fn, names: tuple[str, ...]) -> bool:
    """Whether ``fn`` (or a function nested in it) refers to a global or attribute in ``names``
    (an engine function it must not call)."""
    code = getattr(fn, "__code__", None)
    stack = [code] if code is not None else []
    while stack:
        co = stack.pop()
        if set(co.co_names) & set(names):
            return True
        stack.extend(c for c in co.co_consts if inspect.iscode(c))
    return False


def require_callable(fn, item: str) -> None:
    """Raise TypeError when the check of ``item`` was given something other than a function."""
    if not callable(fn):
        raise TypeError(f"{item} check: argument must be your function, but it is {type(fn).__name__}.")

