"""Self-checks for the graded exercises: run a learner's function, say whether it is right and, if
not, name the likely mistake.

Every ``check_*`` function runs the learner's function on a few seeded probe inputs and compares
the result with a reference implementation and with reference implementations of the known
mistakes (sigmoid and tanh swapped, [x_t, h_{t-1}] instead of [h_{t-1}, x_t], bias missing, weights
transposed, C_{t-1} used where C_t belongs, the forget gate not applied to dC in backward, ...).
The first mistake whose implementation reproduces the learner's outputs on every probe is the
diagnosis. :func:`check_lstm_step_backward` grades with a numerical gradient check as well.

Nothing is printed: each check returns a :class:`CheckResult`, whose text is its ``repr`` (a
notebook cell ending in ``lh.check_rnn_step(rnn_step)`` shows it) and whose fields tests assert on:
``passed`` (bool), ``mistake`` (a key of :data:`MISTAKES`, or None) and ``message``.

Shapes used by the exercises (slide notation; W acts on the stacked [h_{t-1}, x_t]):

    rnn_step(x_t, h_prev, W_xh, W_hh, b) -> h_t            x_t (D,), h_prev (H,), W_xh (H, D), W_hh (H, H), b (H,)
    jacobian_norms(W_hh, h) -> (T,)                        W_hh (H, H), h = h_1 … h_T (T, H)
    forget_gate / output_gate(h_prev, x_t, W, b) -> (B, H) h_prev (B, H), x_t (B, D), W (H, H + D), b (H,)
    cell_update(f_t, C_prev, i_t, C_tilde_t) -> C_t        all (B, H)
    hidden_output(o_t, C_t) -> h_t                         all (B, H)
    lstm_step_forward(x_t, h_prev, C_prev, p) -> (h_t, C_t)            p: W_f, b_f, … W_o, b_o
    lstm_step_backward(dh_t, dC_next, cache, p) -> dict                as lh.bptt.step_backward
    error_rates(correct, groups) -> {group: error rate}    correct (N,) bool, groups (N,) ints
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..slides import bptt, gates
from ..engine.activations import sigmoid_unchecked
from ..lessons.vanishing import DecayExperiment
from ..engine.gradflow import lag_below
from ..engine.gradcheck import numerical_gradient, rel_error

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


def _result(item: str, mistake: str | None, extra: str = "", **details) -> CheckResult:
    if mistake is None:
        return CheckResult(item, True, None, f"✔ {item}: passed. {extra}".rstrip(), details)
    text = MISTAKES[mistake]
    msg = f"✘ {item}: not yet right. Likely mistake: {text}."
    if extra:
        msg += f"\n  {extra}"
    return CheckResult(item, False, mistake, msg, details)


# ----------------------------------------------------------------------------- running a learner's function
class _Raised(Exception):
    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.exc = exc


def _call(fn, *args):
    try:
        with np.errstate(all="ignore"):
            return fn(*(_copy(a) for a in args))
    except Exception as exc:  # the learner's code may raise anything
        raise _Raised(exc) from None


def _copy(a):
    if isinstance(a, np.ndarray):
        return a.copy()
    if isinstance(a, dict):
        return {k: _copy(v) for k, v in a.items()}
    return a


def _exception_result(item: str, exc: BaseException) -> CheckResult:
    if isinstance(exc, NotImplementedError):
        return _result(item, "not_implemented")
    hint = ""
    text = f"{type(exc).__name__}: {exc}"
    if "matmul" in str(exc) or "shapes" in str(exc) or "broadcast" in str(exc):
        hint = ("  Check the shapes: each W is (H, H + D) (or W_hh (H, H), W_xh (H, D)); W · v for a vector v "
                "is W @ v, and for a batch (B, H + D) it is v @ W.T.")
    return _result(item, "raised", f"{text}.{hint}")


def _as_arrays(out, names: tuple[str, ...]):
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


def _matches(got: dict, want: dict, rtol=1e-6, atol=1e-9) -> bool:
    for k, w in want.items():
        g = got[k]
        if g.shape != np.shape(w) or not np.allclose(g, w, rtol=rtol, atol=atol):
            return False
    return True


def _compare(item, fn, probes, reference, variants, names, *, extra_pass=""):
    """Run ``fn`` on every probe (a tuple of arguments); compare with ``reference`` and each mistake's
    implementation in ``variants`` (key -> function with the same signature)."""
    got = []
    for args in probes:
        try:
            out = _call(fn, *args)
        except _Raised as r:
            return _exception_result(item, r.exc)
        arr = _as_arrays(out, names)
        if isinstance(arr, str):
            return _result(item, "wrong_type", arr + ".")
        got.append(arr)
    wants = [_as_arrays(reference(*args), names) for args in probes]
    for g, w in zip(got, wants):
        for n in names:
            if g[n].shape != w[n].shape:
                return _result(item, "wrong_shape", f"{n} has shape {g[n].shape}, expected {w[n].shape}.")
    if all(_matches(g, w) for g, w in zip(got, wants)):
        return _result(item, None, extra_pass or f"Right on all {len(probes)} probe inputs.")
    if not all(np.all(np.isfinite(g[n])) for g in got for n in names):
        return _result(item, "not_finite")
    for key, variant in variants.items():
        try:
            with np.errstate(all="ignore"):
                vs = [_as_arrays(variant(*_copy_args(args)), names) for args in probes]
        except Exception:      # a mistake that cannot even run on these shapes is not the diagnosis
            continue
        if all(not isinstance(v, str) and _matches(g, v) for g, v in zip(got, vs)):
            return _result(item, key)
    # unknown: show where it first differs
    for k, (g, w) in enumerate(zip(got, wants)):
        for n in names:
            if not np.allclose(g[n], w[n], rtol=1e-6, atol=1e-9):
                idx = np.unravel_index(np.argmax(np.abs(g[n] - w[n])), w[n].shape) if w[n].ndim else ()
                return _result(item, "unknown", f"Probe {k + 1}: {n}{list(idx) if idx else ''} is "
                               f"{g[n][idx]:.4f}, expected {w[n][idx]:.4f}.")
    return _result(item, "unknown")  # pragma: no cover


def _copy_args(args):
    return tuple(_copy(a) for a in args)


def _uses(fn, names: tuple[str, ...]) -> bool:
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


def _check_callable(fn, item: str):
    if not callable(fn):
        raise TypeError(f"{item} check: argument must be your function, but it is {type(fn).__name__}.")


# ----------------------------------------------------------------------------- notebook 01: the RNN step
def _rnn_ref(act=np.tanh, bias=True, Whh_T=False, rec=True, swap=False, split=False):
    def step(x_t, h_prev, W_xh, W_hh, b):
        Whh = W_hh.T if Whh_T else W_hh
        if swap:
            W_xh, Whh = Whh, W_xh
        a_h = Whh @ h_prev if rec else 0.0
        if split:
            return np.tanh(a_h) + W_xh @ x_t + b
        return act(a_h + W_xh @ x_t + (b if bias else 0.0))
    return step


def rnn_step_reference(x_t, h_prev, W_xh, W_hh, b):
    """h_t = tanh(W_hh · h_{t-1} + W_xh · x_t + b).  x_t (D,), h_prev (H,), W_xh (H, D), W_hh (H, H), b (H,) -> (H,)."""
    return _rnn_ref()(x_t, h_prev, W_xh, W_hh, b)


def _rnn_probes(square: bool = False):
    rng = np.random.default_rng(101)
    probes = []
    for H, D in ((4, 3), (5, 2), (3, 3) if square else (6, 4)):
        probes.append((rng.standard_normal(D), rng.standard_normal(H), rng.standard_normal((H, D)),
                       rng.standard_normal((H, H)), rng.standard_normal(H)))
    return probes


def check_rnn_step(rnn_step: Callable) -> CheckResult:
    """Check ``rnn_step(x_t, h_prev, W_xh, W_hh, b) -> h_t`` (shapes as :func:`rnn_step_reference`)."""
    item = "rnn_step"
    _check_callable(rnn_step, item)
    variants = {
        "sigmoid_instead_of_tanh": _rnn_ref(act=sigmoid_unchecked),
        "relu_instead_of_tanh": _rnn_ref(act=lambda a: np.maximum(a, 0.0)),
        "no_activation": _rnn_ref(act=lambda a: a),
        "bias_missing": _rnn_ref(bias=False),
        "weights_transposed": _rnn_ref(Whh_T=True),
        "no_recurrence": _rnn_ref(rec=False),
        "activation_misplaced": _rnn_ref(split=True),
    }
    res = _compare(item, rnn_step, _rnn_probes(), rnn_step_reference, variants, ("h_t",))
    if res.mistake in ("raised", "unknown"):     # W_xh and W_hh swapped only runs when H = D
        sq = _compare(item, rnn_step, _rnn_probes(square=True)[2:], rnn_step_reference,
                      {"weights_swapped": _rnn_ref(swap=True)}, ("h_t",))
        if sq.mistake == "weights_swapped":
            return sq
    return res


# ----------------------------------------------------------------------------- notebook 01: gradient decay
def _jac_ref(deriv="ok", order="ok", norm=2, offset=False):
    def norms(W_hh, h):
        T, H = h.shape
        M = np.eye(H)
        out = [np.linalg.norm(M, norm)]
        for k in range(1, T + 1 if offset else T):
            s = T - k                           # index of h_{T-k+1} in h (0-based: h[T-1] is h_T)
            if deriv == "ok":
                d = 1 - h[s] ** 2
            elif deriv == "missing":
                d = np.ones(H)
            elif deriv == "one_minus_h":
                d = 1 - h[s]
            else:                               # wrong step: h_{s-1}
                d = 1 - (h[s - 1] ** 2 if s >= 1 else np.zeros(H))
            J = W_hh * d[None, :] if order == "side" else d[:, None] * W_hh
            M = J @ M if order == "reversed" else M @ J
            out.append(np.linalg.norm(M, norm))
        return np.array(out[1:] if offset else out)
    return norms


def jacobian_norms_reference(W_hh, h):
    """‖∂h_T/∂h_{T-k}‖₂ for k = 0 … T−1 of a tanh RNN, from its states.

    W_hh (H, H); h = h_1 … h_T (T, H). ∂h_T/∂h_{T-k} = J_T ⋯ J_{T-k+1} with J_s = diag(1 − h_s²) · W_hh.
    Returns (T,); entry 0 is 1 (the identity).
    """
    return _jac_ref()(np.asarray(W_hh, dtype=np.float64), np.asarray(h, dtype=np.float64))


def _jac_probes():
    rng = np.random.default_rng(202)
    probes = []
    for T, H in ((6, 3), (8, 4)):
        W = rng.standard_normal((H, H)) * 0.9
        h = np.tanh(rng.standard_normal((T, H)))
        probes.append((W, h))
    return probes


def check_jacobian_norms(jacobian_norms: Callable) -> CheckResult:
    """Check ``jacobian_norms(W_hh, h) -> (T,)`` (see :func:`jacobian_norms_reference`)."""
    item = "jacobian_norms"
    _check_callable(jacobian_norms, item)
    variants = {
        "derivative_missing": _jac_ref(deriv="missing"),
        "derivative_one_minus_h": _jac_ref(deriv="one_minus_h"),
        "derivative_wrong_step": _jac_ref(deriv="wrong_step"),
        "derivative_wrong_side": _jac_ref(order="side"),
        "product_order": _jac_ref(order="reversed"),
        "frobenius_norm": _jac_ref(norm=None),
        "lag_offset": _jac_ref(offset=True),
    }
    return _compare(item, jacobian_norms, _jac_probes(), jacobian_norms_reference, variants, ("norms",))


def decay_lag_reference(rho: float, *, experiment=None, sequence: int = 0, fraction: float = 0.01) -> int | None:
    """The measured lag: first k with ‖∂h_T/∂h_{T-k}‖₂ < fraction (of the value 1 at k = 0) for one sequence
    of ``experiment`` (a :class:`~lstm_helpers.vanishing.DecayExperiment`, by default the one of the
    exercise: H = 32, D = 8, T = 100, batch 4, seed 0) with W_hh scaled to spectral radius ρ; None if never."""

    ex = experiment if experiment is not None else DecayExperiment(hidden_size=32, input_size=8, T=100, batch=4, seed=0)
    rnn = ex.rnn(rho)
    out, _ = rnn(ex.inputs(1.0))
    norms = jacobian_norms_reference(rnn.weight_hh, out[:, sequence])
    below = np.nonzero(norms < fraction * norms[0])[0]
    return int(below[0]) if below.size else None


def check_decay_lag(value, rho: float = 1.2, *, experiment=None) -> CheckResult:
    """Check a measured lag (an int; the lag of sequence 0 of :func:`decay_lag_reference`'s experiment) for
    spectral radius ``rho``, or a function ``f(rho) -> lag``."""

    item = f"decay lag for ρ = {rho:g}"
    if callable(value):
        try:
            value = _call(value, rho)
        except _Raised as r:
            return _exception_result(item, r.exc)
    if value is None and rho >= 1:
        return _result(item, "lag_rho_power", f"ρ^k = {rho:g}^k never falls below 1 %, but the measured norm does.")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        return _result(item, "wrong_type", f"The lag is a whole number of steps (int), but it is {type(value).__name__} {value!r}.")
    value = int(value)
    ex = experiment if experiment is not None else DecayExperiment(hidden_size=32, input_size=8, T=100, batch=4, seed=0)
    want = decay_lag_reference(rho, experiment=ex)
    if value == want:
        return _result(item, None, f"The gradient falls below 1 % at lag {want}.")
    rnn = ex.rnn(rho)
    out, _ = rnn(ex.inputs(1.0))
    norms = jacobian_norms_reference(rnn.weight_hh, out[:, 0])
    candidates = {
        "lag_rho_power": int(np.ceil(np.log(0.01) / np.log(rho))) if 0 < rho < 1 else None,
        "lag_off_by_one_late": want + 1 if want is not None else None,
        "lag_off_by_one_early": want - 1 if want is not None else None,
        "lag_threshold": lag_below(norms, 0.1),
        "lag_batch_mean": lag_below(ex.norms(rho)),
        "lag_other_rho": decay_lag_reference(0.9, experiment=ex) if rho != 0.9 else None,
    }
    for key, cand in candidates.items():
        if cand is not None and cand == value and cand != want:
            return _result(item, key)
    return _result(item, "unknown", f"{value} is not the measured lag.")


# ----------------------------------------------------------------------------- notebooks 04 and 06: one gate
def _gate_ref(act=sigmoid_unchecked, bias=True, reverse=False, transpose=False, complement=False):
    def gate(h_prev, x_t, W, b):
        hx = np.concatenate([x_t, h_prev] if reverse else [h_prev, x_t], axis=-1)
        z = (hx @ W if transpose else hx @ W.T) + (b if bias else 0.0)
        y = act(z)
        return 1 - y if complement else y
    return gate


def gate_reference(h_prev, x_t, W, b):
    """σ(W · [h_{t-1}, x_t] + b).  h_prev (B, H), x_t (B, D), W (H, H + D), b (H,) -> (B, H)."""
    return _gate_ref()(h_prev, x_t, W, b)


def _gate_probes():
    rng = np.random.default_rng(404)
    probes = []
    for B, H, D in ((2, 3, 2), (3, 4, 3), (1, 2, 5)):
        probes.append((rng.standard_normal((B, H)), rng.standard_normal((B, D)),
                       rng.standard_normal((H, H + D)), rng.standard_normal(H)))
    # H + D = H is impossible, so a transposed W only runs for a square (H, H + D) view: probe with W of an
    # (H + D, H + D) layer is not a valid input; the 'raised' hint covers transposition instead.
    return probes


# engine functions an answer must not call (they are the answers the tests compare with)
_ENGINE_GATES = ("forget_gate", "input_gate", "output_gate", "candidate", "gate_steps", "_gate", "lstm_step")


def _engine_result(item: str, fn: Callable, names: tuple[str, ...]) -> CheckResult | None:
    if _uses(fn, names):
        return _result(item, "uses_engine", f"Write it yourself with numpy (lh.gates.{item} is the answer to "
                                            "compare with).")
    return None


def _check_gate(fn, item, name):
    _check_callable(fn, item)
    refused = _engine_result(item, fn, _ENGINE_GATES)
    if refused is not None:
        return refused
    variants = {
        "tanh_instead_of_sigmoid": _gate_ref(act=np.tanh),
        "no_activation": _gate_ref(act=lambda z: z),
        "bias_missing": _gate_ref(bias=False),
        "concat_reversed": _gate_ref(reverse=True),
        "complement_gate": _gate_ref(complement=True),
    }
    return _compare(item, fn, _gate_probes(), gate_reference, variants, (name,))


def check_forget_gate(forget_gate: Callable) -> CheckResult:
    """Check ``forget_gate(h_prev, x_t, W_f, b_f) -> f_t`` (batch shapes, see :func:`gate_reference`)."""
    return _check_gate(forget_gate, "forget_gate", "f_t")


def check_input_gate(input_gate: Callable) -> CheckResult:
    """Check ``input_gate(h_prev, x_t, W_i, b_i) -> i_t`` (batch shapes, see :func:`gate_reference`)."""
    return _check_gate(input_gate, "input_gate", "i_t")


def check_output_gate(output_gate: Callable) -> CheckResult:
    """Check ``output_gate(h_prev, x_t, W_o, b_o) -> o_t`` (batch shapes, see :func:`gate_reference`)."""
    return _check_gate(output_gate, "output_gate", "o_t")


# ----------------------------------------------------------------------------- notebook 05: the cell update
def cell_update_reference(f_t, C_prev, i_t, C_tilde_t):
    """C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t; all (B, H)."""
    return f_t * C_prev + i_t * C_tilde_t


def _cell_probes():
    rng = np.random.default_rng(505)
    probes = []
    for B, H in ((2, 3), (3, 4)):
        probes.append((sigmoid_unchecked(rng.standard_normal((B, H))), rng.standard_normal((B, H)),
                       sigmoid_unchecked(rng.standard_normal((B, H))), np.tanh(rng.standard_normal((B, H)))))
    return probes


def check_cell_update(cell_update: Callable) -> CheckResult:
    """Check ``cell_update(f_t, C_prev, i_t, C_tilde_t) -> C_t`` (all (B, H))."""
    item = "cell_update"
    _check_callable(cell_update, item)
    refused = _engine_result(item, cell_update, ("cell_update", "cell_trajectory", "lstm_step"))
    if refused is not None:
        return refused
    variants = {
        "input_gate_missing": lambda f, C, i, Ct: f * C + Ct,
        "forget_gate_missing": lambda f, C, i, Ct: C + i * Ct,
        "f_i_swapped": lambda f, C, i, Ct: i * C + f * Ct,
        "product_for_sum": lambda f, C, i, Ct: (f * C) * (i * Ct),
        "tanh_on_cell": lambda f, C, i, Ct: np.tanh(f * C + i * Ct),
        "candidate_missing": lambda f, C, i, Ct: f * C + i,
        "complement_gate": lambda f, C, i, Ct: (1 - f) * C + i * Ct,
    }
    return _compare(item, cell_update, _cell_probes(), cell_update_reference, variants, ("C_t",))


# ----------------------------------------------------------------------------- notebook 06: h_t
def hidden_output_reference(o_t, C_t):
    """h_t = o_t ⊙ tanh(C_t); both (B, H)."""
    return o_t * np.tanh(C_t)


def check_hidden_output(hidden_output: Callable) -> CheckResult:
    """Check ``hidden_output(o_t, C_t) -> h_t`` (both (B, H))."""
    item = "hidden_output"
    _check_callable(hidden_output, item)
    refused = _engine_result(item, hidden_output, ("hidden_output", "lstm_step"))
    if refused is not None:
        return refused
    rng = np.random.default_rng(606)
    probes = [(sigmoid_unchecked(rng.standard_normal((B, H))), 2 * rng.standard_normal((B, H))) for B, H in ((2, 3), (3, 4))]
    variants = {
        "no_output_tanh": lambda o, C: o * C,
        "tanh_outside": lambda o, C: np.tanh(o * C),
        "sigmoid_for_output": lambda o, C: o * sigmoid_unchecked(C),
        "output_gate_missing": lambda o, C: np.tanh(C),
        "sum_for_product": lambda o, C: o + np.tanh(C),
        "complement_gate": lambda o, C: (1 - o) * np.tanh(C),
    }
    return _compare(item, hidden_output, probes, hidden_output_reference, variants, ("h_t",))


# ----------------------------------------------------------------------------- notebook 07: the LSTM step
def _fwd_ref(gate_act=sigmoid_unchecked, cand_act=np.tanh, reverse=False, bias=True, swap_fi=False, h_from="C_t",
             input_gate=True):
    def step(x_t, h_prev, C_prev, p):
        hx = np.concatenate([x_t, h_prev] if reverse else [h_prev, x_t], axis=-1)

        def pre(g):
            return hx @ p[f"W_{g}"].T + (p[f"b_{g}"] if bias else 0.0)
        f_t = gate_act(pre("i" if swap_fi else "f"))
        i_t = gate_act(pre("f" if swap_fi else "i"))
        C_tilde_t = cand_act(pre("C"))
        o_t = gate_act(pre("o"))
        C_t = f_t * C_prev + (i_t if input_gate else 1.0) * C_tilde_t
        if h_from == "C_t":
            h_t = o_t * np.tanh(C_t)
        elif h_from == "C_prev":
            h_t = o_t * np.tanh(C_prev)
        elif h_from == "no_tanh":
            h_t = o_t * C_t
        else:
            h_t = np.tanh(o_t * C_t)
        return h_t, C_t
    return step


def lstm_step_forward_reference(x_t, h_prev, C_prev, p):
    """One LSTM step with :func:`lstm_helpers.gates.lstm_step`: x_t (B, D), h_prev, C_prev (B, H),
    p = W_f, b_f, … W_o, b_o (W (H, H + D), b (H,)). Returns (h_t, C_t), each (B, H)."""
    out = gates.lstm_step(h_prev, C_prev, x_t, p)
    return out["h_t"], out["C_t"]


def _lstm_probe(rng, B, H, D, scale=1.0):
    p = {}
    for g in ("f", "i", "C", "o"):
        p[f"W_{g}"] = scale * rng.standard_normal((H, H + D))
        p[f"b_{g}"] = rng.standard_normal(H)
    return rng.standard_normal((B, D)), rng.standard_normal((B, H)), rng.standard_normal((B, H)), p


def _lstm_probes():
    rng = np.random.default_rng(707)
    return [_lstm_probe(rng, B, H, D, 0.7) for B, H, D in ((2, 3, 2), (3, 4, 3))]


def check_lstm_step_forward(lstm_step_forward: Callable) -> CheckResult:
    """Check ``lstm_step_forward(x_t, h_prev, C_prev, p) -> (h_t, C_t)`` (see :func:`lstm_step_forward_reference`)."""
    item = "lstm_step_forward"
    _check_callable(lstm_step_forward, item)
    if _uses(lstm_step_forward, ("lstm_step", "step_forward", "step", "lstm_forward", "forward_steps")):
        return _result(item, "uses_engine", "Write the six equations yourself (lh.gates.lstm_step and "
                                            "lh.bptt.step_forward are the answers to compare with).")
    variants = {
        "sigmoid_tanh_swapped": _fwd_ref(gate_act=np.tanh, cand_act=sigmoid_unchecked),
        "sigmoid_instead_of_tanh": _fwd_ref(cand_act=sigmoid_unchecked),
        "concat_reversed": _fwd_ref(reverse=True),
        "bias_missing": _fwd_ref(bias=False),
        "gates_swapped": _fwd_ref(swap_fi=True),
        "C_prev_for_C_t": _fwd_ref(h_from="C_prev"),
        "no_output_tanh": _fwd_ref(h_from="no_tanh"),
        "tanh_outside": _fwd_ref(h_from="tanh_outside"),
        "input_gate_missing": _fwd_ref(input_gate=False),
    }
    return _compare(item, lstm_step_forward, _lstm_probes(), lstm_step_forward_reference, variants, ("h_t", "C_t"))


# ----------------------------------------------------------------------------- notebook 07: backward
GRAD_NAMES = ("dh_prev", "dC_prev", "dx_t", "dW_f", "db_f", "dW_i", "db_i", "dW_C", "db_C", "dW_o", "db_o")


def _bwd_ref(mistake: str | None = None):
    """lh.bptt.step_backward, or the same with one known mistake."""
    def backward(dh_t, dC_next, cache, p):
        c = cache
        H = c.C_t.shape[-1]
        tanh_C = np.tanh(c.C_t)
        dC_t = dh_t * c.o_t * (1 - tanh_C ** 2)
        if mistake == "tanh_grad_missing":
            dC_t = dh_t * c.o_t
        if mistake != "cell_path_missing":
            dC_t = dC_t + dC_next
        sg = (lambda s: s) if mistake == "sigmoid_grad_wrong" else (lambda s: s * (1 - s))
        C_for_f = c.C_t if mistake == "C_t_for_C_prev_in_df" else c.C_prev
        da_f = dC_t * C_for_f * sg(c.f_t)
        da_i = dC_t * c.C_tilde_t * sg(c.i_t)
        cand = (1 - c.C_tilde_t) if mistake == "candidate_grad_wrong" else (1 - c.C_tilde_t ** 2)
        da_C = dC_t * c.i_t * cand
        da_o = dh_t * (c.C_t if mistake == "C_t_for_tanh_in_do" else tanh_C) * sg(c.o_t)
        hx = np.concatenate([c.h_prev, c.x_t], axis=-1)
        d_hx = da_f @ p["W_f"] + da_i @ p["W_i"] + da_C @ p["W_C"] + da_o @ p["W_o"]
        D = c.x_t.shape[-1]
        if mistake == "split_reversed":
            g = {"dx_t": d_hx[..., :D], "dh_prev": d_hx[..., D:]}
        else:
            g = {"dh_prev": d_hx[..., :H], "dx_t": d_hx[..., H:]}
        g["dC_prev"] = dC_t if mistake == "forget_not_applied_to_dC" else dC_t * c.f_t
        for k, da in (("f", da_f), ("i", da_i), ("C", da_C), ("o", da_o)):
            g[f"dW_{k}"] = da.T @ hx
            g[f"db_{k}"] = da.sum(axis=0)
        return g
    return backward


def lstm_step_backward_reference(dh_t, dC_next, cache, p):
    """Backward through one step: :func:`lstm_helpers.bptt.step_backward` (dict with the keys :data:`GRAD_NAMES`)."""
    g = bptt.step_backward(dh_t, dC_next, cache, p)
    return {k: g[k] for k in GRAD_NAMES}


def _numerical_step_grads(x_t, h_prev, C_prev, p, r_h, r_C, eps=1e-6):
    """Centered differences of L = Σ r_h ⊙ h_t + Σ r_C ⊙ C_t through :func:`gates.lstm_step`."""

    x_t, h_prev, C_prev = x_t.copy(), h_prev.copy(), C_prev.copy()
    p = {k: v.copy() for k, v in p.items()}

    def loss():
        out = gates.lstm_step(h_prev, C_prev, x_t, p)
        return float(np.sum(out["h_t"] * r_h) + np.sum(out["C_t"] * r_C))

    num = {"dx_t": numerical_gradient(loss, x_t, eps), "dh_prev": numerical_gradient(loss, h_prev, eps)}
    num["dC_prev"] = numerical_gradient(loss, C_prev, eps)
    for g in ("f", "i", "C", "o"):
        num[f"dW_{g}"] = numerical_gradient(loss, p[f"W_{g}"], eps)
        num[f"db_{g}"] = numerical_gradient(loss, p[f"b_{g}"], eps)
    return num


def check_lstm_step_backward(lstm_step_backward: Callable, *, tolerance: float = 1e-6) -> CheckResult:
    """Check ``lstm_step_backward(dh_t, dC_next, cache, p) -> dict`` of :data:`GRAD_NAMES`.

    ``cache`` is the :class:`~lstm_helpers.bptt.StepCache` of ``lh.bptt.step_forward``. Graded by a
    numerical gradient check: with dh_t = r_h and dC_next = r_C, the gradients must be those of
    L = Σ r_h ⊙ h_t + Σ r_C ⊙ C_t (relative error below ``tolerance`` for every array), on two probes.
    """

    item = "lstm_step_backward"
    _check_callable(lstm_step_backward, item)
    if _uses(lstm_step_backward, ("step_backward", "lstm_backward", "backward_steps", "backward")):
        return _result(item, "uses_engine", "Write the backward step yourself (lh.bptt.step_backward is the "
                                            "answer to compare with).")
    rng = np.random.default_rng(708)
    probes, numeric = [], []
    for B, H, D in ((2, 3, 2), (1, 4, 3)):
        x_t, h_prev, C_prev, p = _lstm_probe(rng, B, H, D, 0.7)
        r_h, r_C = rng.standard_normal((B, H)), rng.standard_normal((B, H))
        _, _, cache = bptt.step_forward(h_prev, C_prev, x_t, p)
        probes.append((r_h, r_C, cache, p))
        numeric.append(_numerical_step_grads(x_t, h_prev, C_prev, p, r_h, r_C))
    got = []
    for args in probes:
        try:
            out = _call(lstm_step_backward, *args)
        except _Raised as r:
            return _exception_result(item, r.exc)
        if not isinstance(out, dict):
            return _result(item, "wrong_type", f"Return a dict with {', '.join(GRAD_NAMES)}; got {type(out).__name__}.")
        arr = _as_arrays(out, GRAD_NAMES)
        if isinstance(arr, str):
            return _result(item, "wrong_type", arr + ".")
        got.append(arr)
    for g, n in zip(got, numeric):
        for k in GRAD_NAMES:
            if g[k].shape != n[k].shape:
                if g[k].shape == n[k].shape[::-1] and k.startswith("dW"):
                    return _result(item, "dW_transposed", f"{k} has shape {g[k].shape}, expected {n[k].shape}.")
                if k.startswith("db") and g[k].ndim == 2:
                    return _result(item, "db_not_summed", f"{k} has shape {g[k].shape}, expected {n[k].shape}.")
                return _result(item, "wrong_shape", f"{k} has shape {g[k].shape}, expected {n[k].shape}.")
    errors = {k: max(rel_error(g[k], n[k]) for g, n in zip(got, numeric)) for k in GRAD_NAMES}
    if all(e < tolerance for e in errors.values()):
        return _result(item, None, f"Numerical gradient check: all {len(GRAD_NAMES)} gradients agree "
                                   f"(relative error < {tolerance:.0e}) on {len(probes)} probes.", errors=errors)
    if not all(np.all(np.isfinite(g[k])) for g in got for k in GRAD_NAMES):
        return _result(item, "not_finite", errors=errors)
    bad = [k for k in GRAD_NAMES if errors[k] >= tolerance]
    extra = ("Numerical gradient check fails for " + ", ".join(f"{k} (rel. error {errors[k]:.1e})" for k in bad) + ".")
    mistakes = ("forget_not_applied_to_dC", "cell_path_missing", "tanh_grad_missing", "sigmoid_grad_wrong",
                "C_t_for_C_prev_in_df", "C_t_for_tanh_in_do", "candidate_grad_wrong", "split_reversed")
    for key in mistakes:
        variant = _bwd_ref(key)
        if all(_matches(g, variant(*args)) for g, args in zip(got, probes)):
            return _result(item, key, extra, errors=errors)
    return _result(item, "unknown", extra, errors=errors)


# ----------------------------------------------------------------------------- notebook 09: an analysis
def error_rates_reference(correct, groups) -> dict:
    """Error rate (fraction wrong, 0 … 1) per group: correct (N,) bool, groups (N,) ints -> {group: rate}."""
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): float(np.mean(~correct[groups == g])) for g in np.unique(groups)}


def check_error_rates(error_rates: Callable) -> CheckResult:
    """Check ``error_rates(correct, groups) -> {group: error rate}``, e.g. the error rate per number of
    attractors measured in notebook 09 (``correct`` (N,) bool, ``groups`` (N,) ints)."""
    item = "error_rates"
    _check_callable(error_rates, item)
    rng = np.random.default_rng(909)
    probes = []
    for n in (40, 57):
        groups = rng.integers(0, 4, n)
        probes.append((rng.random(n) < 0.9 - 0.15 * groups, groups))

    def as_vec(d, groups):
        return np.array([d.get(int(g), np.nan) if hasattr(d, "get") else np.nan for g in np.unique(groups)])

    def wrap(fn):
        return lambda correct, groups: as_vec(fn(correct, groups), groups)

    def counts(c, g):
        return {int(k): float(np.sum(~c[g == k])) for k in np.unique(g)}

    def total(c, g):
        return {int(k): float(np.sum(~c[g == k]) / len(c)) for k in np.unique(g)}

    variants = {
        "accuracy_for_error": wrap(lambda c, g: {k: 1 - v for k, v in error_rates_reference(c, g).items()}),
        "percent_for_fraction": wrap(lambda c, g: {k: 100 * v for k, v in error_rates_reference(c, g).items()}),
        "counts_for_rates": wrap(counts),
        "divided_by_total": wrap(total),
        "overall_rate": wrap(lambda c, g: {int(k): float(np.mean(~c)) for k in np.unique(g)}),
    }
    for c, g in probes:
        try:
            out = _call(error_rates, c, g)
        except _Raised as r:
            return _exception_result(item, r.exc)
        if not hasattr(out, "keys"):
            return _result(item, "wrong_type", f"Return a dict {{group: error rate}}; got {type(out).__name__}.")
        if sorted(int(k) for k in out.keys()) != sorted(int(k) for k in np.unique(g)):
            return _result(item, "wrong_shape", "The dict needs one entry per group present in 'groups'.")
    return _compare(item, wrap(error_rates), probes, wrap(error_rates_reference), variants, ("rates",))


CHECKS = {
    "rnn_step": check_rnn_step,
    "jacobian_norms": check_jacobian_norms,
    "decay_lag": check_decay_lag,
    "forget_gate": check_forget_gate,
    "input_gate": check_input_gate,
    "cell_update": check_cell_update,
    "output_gate": check_output_gate,
    "hidden_output": check_hidden_output,
    "lstm_step_forward": check_lstm_step_forward,
    "lstm_step_backward": check_lstm_step_backward,
    "error_rates": check_error_rates,
}
