"""Vanishing and exploding gradients in a vanilla RNN: the tools behind notebook 01.

Slide notation: h_t = φ(W_hh · h_{t-1} + W_xh · x_t + b) with φ = tanh (or sigmoid, linear).
By the chain rule the gradient that reaches h_{T-k} from h_T is a product of k Jacobians,

    ∂h_T/∂h_{T-k} = ∏_{t=T-k+1}^{T} diag(φ'(a_t)) · W_hh        (a_t the pre-activation),

so its norm behaves like a k-th power: the scalar picture is w^k (:func:`scalar_powers`).
This module provides

* the Jacobian three ways, to check the formula: the explicit product
  (:func:`state_jacobian_product`), what backpropagation through time computes
  (:func:`state_jacobian_bptt`, using :func:`~lstm_helpers.rnn.rnn_backward`), and centered
  finite differences (:func:`state_jacobian_numerical`);
* :class:`DecayExperiment`: one seeded RNN and input batch whose W_hh is rescaled to any
  spectral radius ρ cheaply (used by the notebook and by its widget);
* Pascanu, Mikolov & Bengio (2013): with γ = max|φ'| (:func:`derivative_bound`) and
  s_max = ‖W_hh‖₂ the largest singular value of W_hh (the paper's λ₁; written s_max here so that σ stays the
  sigmoid), ‖∂h_T/∂h_{T-k}‖ ≤ (γ s_max)^k (:func:`pascanu_bound`), so s_max < 1/γ is sufficient for vanishing;
* gradient clipping by global norm on the exploding side: :func:`last_state_gradients` and
  :func:`clipping_effect` (norms before/after and the cosine between the directions);
* the same measurements over several random draws (seeds) of the weights, so that a finding is
  stated as "holds in k of n seeds": :func:`decay_over_draws` (the RNN's ρ sweep) and
  :func:`cell_paths_over_draws` (an untrained LSTM's direct cell path ∏f and its full ∂C_T/∂C_{T-k}).

All arrays indexed by the lag k = 0 … T−1 hold the value for ∂h_T/∂h_{T-k} (k = 0 is the identity).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.activations import NONLINEARITIES
from ..support.checks import check_array, check_choice, check_number, check_size
from ..engine.gradflow import (forget_path_norms, lag_below, lstm_cell_jacobian_norms, rnn_jacobian_norms,
                               spectral_radius)
from ..engine.lstm import LSTM
from ..engine.optim import clip_grad_norm, global_norm
from ..engine.rnn import RNN, rnn_backward, rnn_forward
from ..support.evidence import DEFAULT_SEEDS, check_seeds

# γ = max over a of |φ'(a)|: tanh' = 1 − tanh² ≤ 1, σ' = σ(1 − σ) ≤ 1/4.
DERIVATIVE_BOUNDS = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}


def derivative_bound(nonlinearity: str) -> float:
    """γ = max |φ'| of the nonlinearity: 1 for 'tanh', 1/4 for 'sigmoid', 1 for 'relu' and 'linear'."""
    return DERIVATIVE_BOUNDS[check_choice(nonlinearity, "nonlinearity", "derivative_bound()",
                                          tuple(DERIVATIVE_BOUNDS))]


def scalar_powers(w, T: int) -> np.ndarray:
    """w^k for k = 0 … T−1: the one-unit picture of a product of k equal Jacobians.

    Args: w: a number or a 1-D array of N numbers; T: number of lags.
    Returns: (T,) for a number, (N, T) for an array.
    """
    where = "scalar_powers()"
    T = check_size(T, "T", where)
    scalar = np.ndim(w) == 0
    if scalar:
        w = np.array([check_number(w, "w", where)])
    else:
        w = check_array(np.asarray(w, dtype=np.float64), "w", where, shape=(None,), dims=("N",))
    out = w[:, None] ** np.arange(T)[None, :]
    return out[0] if scalar else out


def largest_singular_value(W) -> float:
    """s_max(W) = ‖W‖₂, the largest singular value of a matrix W (R, C): the most W stretches a vector.

    Pascanu et al. call it λ₁; the notebooks write s_max so that σ stays the sigmoid. Returns a float.
    """
    W = check_array(W, "W", "largest_singular_value()")
    if W.ndim != 2:
        raise ValueError(f"largest_singular_value(): argument 'W' must be a matrix (rows, cols), "
                         f"but it has shape {W.shape}.")
    return float(np.linalg.norm(W, 2))


def scale_to_largest_singular_value(W, lambda_1: float) -> np.ndarray:
    """Return ``W`` rescaled so that its largest singular value s_max is ``lambda_1`` (same shape, dtype).

    The argument keeps the paper's name λ₁ (``lambda_1``); the notebooks call the value s_max.
    """
    lambda_1 = check_number(lambda_1, "lambda_1", "scale_to_largest_singular_value()", low=0)
    s = largest_singular_value(W)
    if s == 0:
        raise ValueError("scale_to_largest_singular_value(): 'W' is all zeros and cannot be rescaled.")
    W = np.asarray(W)
    return (W * (lambda_1 / s)).astype(W.dtype)


def pascanu_bound(W_hh, nonlinearity: str, T: int) -> np.ndarray:
    """(γ s_max)^k for k = 0 … T−1: an upper bound on ‖∂h_T/∂h_{T-k}‖₂ of any input sequence.

    Each factor diag(φ'(a_t)) W_hh has norm ≤ γ s_max(W_hh), and the norm of a product is at most
    the product of the norms. Args: W_hh (H, H); nonlinearity as in :func:`derivative_bound`.
    Returns: (T,).
    """
    W_hh = check_array(W_hh, "W_hh", "pascanu_bound()")
    if W_hh.ndim != 2 or W_hh.shape[0] != W_hh.shape[1]:
        raise ValueError(f"pascanu_bound(): argument 'W_hh' must be a square matrix (H, H), "
                         f"but it has shape {W_hh.shape}.")
    gamma = derivative_bound(nonlinearity)
    return scalar_powers(gamma * largest_singular_value(W_hh), T)


# --------------------------------------------------------------------------- the Jacobian, three ways
def _check_rnn_x(rnn, x, lag, where):
    if not isinstance(rnn, RNN):
        raise TypeError(f"{where}: argument 'rnn' must be an RNN, but it is {type(rnn).__name__}.")
    x = check_array(x, "x", where, shape=(None, None, rnn.input_size), dims=("T", "B", "D"), dtype=rnn.dtype,
                    hint="Inputs are shaped (time steps, batch, features); for one sequence use x[:, None, :].")
    T = x.shape[0]
    lag = check_size(lag, "lag", where, minimum=0)
    if lag > T - 1:
        raise ValueError(f"{where}: argument 'lag' must be at most T − 1 = {T - 1} (h_T back to h_1), but it is {lag}.")
    return x, lag


def _run(rnn, x):
    B = x.shape[1]
    h0 = np.zeros((B, rnn.hidden_size), rnn.dtype)
    return rnn_forward(x, h0, rnn.weight_ih, rnn.weight_hh, rnn.bias_ih + rnn.bias_hh, rnn.nonlinearity)


def state_jacobian_product(rnn: RNN, x, lag: int) -> np.ndarray:
    """∂h_T/∂h_{T-lag} as the explicit product ∏ diag(φ'(a_t)) · W_hh, from h_0 = 0.

    Args: rnn; x (T, B, D); lag in 0 … T−1. Returns: (B, H, H), entry [b, i, j] = ∂h_T[i]/∂h_{T-lag}[j].
    """
    x, lag = _check_rnn_x(rnn, x, lag, "state_jacobian_product()")
    out, _, _ = _run(rnn, x)
    T, B, _ = x.shape
    fprime = NONLINEARITIES[rnn.nonlinearity][1]
    J = np.broadcast_to(np.eye(rnn.hidden_size, dtype=rnn.dtype), (B, rnn.hidden_size, rnn.hidden_size)).copy()
    for t in range(T - 1, T - 1 - lag, -1):   # out[t] is h_{t+1}; multiply by ∂h_{t+1}/∂h_t on the right
        J = (J * fprime(out[t])[:, None, :]) @ rnn.weight_hh
    return J


def state_jacobian_bptt(rnn: RNN, x, lag: int) -> np.ndarray:
    """∂h_T/∂h_{T-lag} as backpropagation through time computes it (:func:`rnn_backward`).

    BPTT is linear in the gradient it starts from: starting it from the H unit vectors e_i at
    h_T gives the H rows ∂h_T[i]/∂h_{T-lag} of the Jacobian. Returns: (B, H, H).
    """
    x, lag = _check_rnn_x(rnn, x, lag, "state_jacobian_bptt()")
    T, B, D = x.shape
    H = rnn.hidden_size
    xr = np.repeat(x, H, axis=1)                                  # (T, B·H, D): H copies of each sequence
    _, _, cache = _run(rnn, xr)
    seed = np.tile(np.eye(H, dtype=rnn.dtype), (B, 1))            # copy i of sequence b starts from e_i
    g = rnn_backward(np.zeros((T, B * H, H), rnn.dtype), seed, cache, keep_state_grads=True)
    return g["h"][T - 1 - lag].reshape(B, H, H).copy()


def state_jacobian_numerical(rnn: RNN, x, lag: int, *, eps: float = 1e-6) -> np.ndarray:
    """∂h_T/∂h_{T-lag} by centered differences: nudge h_{T-lag} by ±eps·e_j and run on to h_T.

    Returns: (B, H, H). Costs 2H forward runs of the last ``lag`` steps.
    """
    where = "state_jacobian_numerical()"
    x, lag = _check_rnn_x(rnn, x, lag, where)
    eps = check_number(eps, "eps", where, low=1e-12, high=1.0)
    out, _, _ = _run(rnn, x)
    T, B, _ = x.shape
    H = rnn.hidden_size
    if lag == 0:
        return np.broadcast_to(np.eye(H, dtype=rnn.dtype), (B, H, H)).copy()
    h_start = out[T - 1 - lag]                                    # h_{T-lag}
    x_rest = x[T - lag:]
    b = rnn.bias_ih + rnn.bias_hh
    J = np.empty((B, H, H), rnn.dtype)
    for j in range(H):
        e = np.zeros(H, rnn.dtype)
        e[j] = eps
        _, hp, _ = rnn_forward(x_rest, h_start + e, rnn.weight_ih, rnn.weight_hh, b, rnn.nonlinearity)
        _, hm, _ = rnn_forward(x_rest, h_start - e, rnn.weight_ih, rnn.weight_hh, b, rnn.nonlinearity)
        J[:, :, j] = (hp - hm) / (2 * eps)
    return J


def mean_derivative(rnn: RNN, x) -> float:
    """Mean of φ'(a_t) over all steps, sequences and units (1 − h_t² for tanh): how much the
    diagonal factors of the Jacobians shrink a gradient on average. Args: x (T, B, D)."""
    where = "mean_derivative()"
    if not isinstance(rnn, RNN):
        raise TypeError(f"{where}: argument 'rnn' must be an RNN, but it is {type(rnn).__name__}.")
    x = check_array(x, "x", where, shape=(None, None, rnn.input_size), dims=("T", "B", "D"), dtype=rnn.dtype)
    out, _, _ = _run(rnn, x)
    return float(np.mean(NONLINEARITIES[rnn.nonlinearity][1](out)))


def growth_per_step(norms, *, start: int = 0) -> float:
    """Geometric-mean factor per step of a norm-versus-lag curve from lag ``start`` to the end:
    (norms[-1] / norms[start]) ** (1 / (T − 1 − start)). Below 1: vanishing, above 1: exploding."""
    where = "growth_per_step()"
    norms = check_array(norms, "norms", where, shape=(None,), dims=("lag",))
    start = check_size(start, "start", where, minimum=0)
    if start > norms.size - 2:
        raise ValueError(f"{where}: argument 'start' must be at most len(norms) − 2 = {norms.size - 2}, but it is {start}.")
    if norms[start] <= 0 or norms[-1] <= 0:
        return 0.0
    return float(np.exp((np.log(norms[-1]) - np.log(norms[start])) / (norms.size - 1 - start)))


# --------------------------------------------------------------------------- one RNN, any spectral radius
class DecayExperiment:
    """A seeded RNN and a seeded input batch, with W_hh rescaled to any spectral radius ρ.

    The base recurrent matrix W (drawn as in :class:`RNN`) is stored divided by its spectral
    radius, so W_hh = ρ · W has spectral radius exactly ρ and rescaling costs one multiply.
    Inputs are x = input_scale · z with z ~ N(0, 1) fixed by the seed.

    Args:
        hidden_size (H), input_size (D), T (steps), batch (B): sizes.
        seed: seeds the weights (``RNN(seed=seed)``) and the inputs (``default_rng(seed + 1)``).

    Attributes: W_unit (H, H) with spectral radius 1; z (T, B, D).
    """

    def __init__(self, hidden_size: int = 32, input_size: int = 8, T: int = 100, batch: int = 4, *, seed: int = 0):
        where = "DecayExperiment()"
        H = check_size(hidden_size, "hidden_size", where)
        D = check_size(input_size, "input_size", where)
        self.T = check_size(T, "T", where, minimum=2)
        self.batch = check_size(batch, "batch", where)
        self._rnn = RNN(D, H, seed=seed)
        self.W_unit = self._rnn.weight_hh / spectral_radius(self._rnn.weight_hh)
        self.z = np.random.default_rng(seed + 1).standard_normal((self.T, self.batch, D))

    def __repr__(self) -> str:
        r = self._rnn
        return f"DecayExperiment(hidden_size={r.hidden_size}, input_size={r.input_size}, T={self.T}, batch={self.batch})"

    def _check(self, rho, input_scale, nonlinearity, where):
        rho = check_number(rho, "rho", where, low=0)
        input_scale = check_number(input_scale, "input_scale", where, low=0)
        nonlinearity = check_choice(nonlinearity, "nonlinearity", where, tuple(NONLINEARITIES))
        return rho, input_scale, nonlinearity

    def rnn(self, rho: float, nonlinearity: str = "tanh") -> RNN:
        """A new :class:`RNN` with W_hh = ρ · W_unit (spectral radius ρ) and the seeded W_xh, b."""
        rho, _, nonlinearity = self._check(rho, 0.0, nonlinearity, "DecayExperiment.rnn()")
        r = RNN(self._rnn.input_size, self._rnn.hidden_size, nonlinearity=nonlinearity)
        for name in ("weight_ih", "bias_ih", "bias_hh"):
            setattr(r, name, getattr(self._rnn, name).copy())
        r.weight_hh = rho * self.W_unit
        return r

    def inputs(self, input_scale: float = 1.0) -> np.ndarray:
        """The seeded inputs times ``input_scale``: (T, B, D)."""
        input_scale = check_number(input_scale, "input_scale", "DecayExperiment.inputs()", low=0)
        return input_scale * self.z

    def norms(self, rho: float, *, input_scale: float = 1.0, nonlinearity: str = "tanh") -> np.ndarray:
        """‖∂h_T/∂h_{T-k}‖₂ for k = 0 … T−1 (batch mean), measured by :func:`rnn_jacobian_norms`. (T,)"""
        rho, input_scale, nonlinearity = self._check(rho, input_scale, nonlinearity, "DecayExperiment.norms()")
        r = self._rnn                       # reuse one RNN object: only W_hh and φ change
        r.weight_hh = rho * self.W_unit
        r.nonlinearity = nonlinearity
        return rnn_jacobian_norms(r, input_scale * self.z)


# --------------------------------------------------------------------------- clipping the exploding side
def last_state_gradients(rnn: RNN, x, u=None) -> dict[str, np.ndarray]:
    """Parameter gradients of L = Σ_b u · h_T (a fixed read-out of the last state), by BPTT.

    Args: rnn; x (T, B, D); u (H,) or None for u = (1, …, 1)/√H.
    Returns: dict like ``rnn.grads`` (weight_ih (H, D), weight_hh (H, H), bias_ih, bias_hh (H,)).
    """
    where = "last_state_gradients()"
    if not isinstance(rnn, RNN):
        raise TypeError(f"{where}: argument 'rnn' must be an RNN, but it is {type(rnn).__name__}.")
    x = check_array(x, "x", where, shape=(None, None, rnn.input_size), dims=("T", "B", "D"), dtype=rnn.dtype)
    H = rnn.hidden_size
    u = np.full(H, 1 / np.sqrt(H), rnn.dtype) if u is None else check_array(
        u, "u", where, shape=(H,), dims=("H",), dtype=rnn.dtype)
    T, B, _ = x.shape
    rnn.forward(x)
    rnn.backward(np.zeros((T, B, H), rnn.dtype), np.broadcast_to(u, (B, H)).copy())
    return {k: v.copy() for k, v in rnn.grads.items()}


def _flat(grads):
    return np.concatenate([np.ravel(grads[k]) for k in sorted(grads)])


def clipping_effect(grads: dict, max_norm: float) -> dict[str, float]:
    """Clip a copy of ``grads`` by global norm (:func:`clip_grad_norm`) and compare with the original.

    Returns: dict with 'norm_before', 'norm_after' (global L2 norms), 'scale' (after/before) and
    'cosine' between the flattened gradients before and after (1 means the direction is kept).
    ``grads`` itself is not changed.
    """
    where = "clipping_effect()"
    if not isinstance(grads, dict) or not grads:
        raise TypeError(f"{where}: argument 'grads' must be a non-empty dict of arrays like model.grads.")
    max_norm = check_number(max_norm, "max_norm", where, low=0)
    clipped = {k: np.array(v, dtype=np.float64) for k, v in grads.items()}
    before = clip_grad_norm(clipped, max_norm)
    after = global_norm(clipped)
    a, b = _flat(grads).astype(np.float64), _flat(clipped)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    cosine = float(a @ b / (na * nb)) if na > 0 and nb > 0 else 0.0
    return {"norm_before": before, "norm_after": after, "scale": after / before if before > 0 else 1.0,
            "cosine": cosine}


# --------------------------------------------------------------------------- over several random draws
def _check_list(values, name: str, where: str, *, low: float | None = None) -> np.ndarray:
    """A non-empty 1-D list of finite numbers (each >= ``low`` if given) as a float array (n,)."""
    if isinstance(values, (str, bytes, dict, set)) or values is None:
        raise TypeError(f"{where}: argument '{name}' must be a list of numbers, but it is {type(values).__name__}.")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: argument '{name}' must be a list of numbers, but it is {values!r}.") from None
    arr = check_array(arr, name, where, shape=(None,), dims=("n",))
    if arr.size == 0:
        raise ValueError(f"{where}: argument '{name}' is empty; it needs at least one number.")
    if low is not None and np.any(arr < low):
        raise ValueError(f"{where}: argument '{name}' must hold numbers >= {low:g}, but it is {values!r}.")
    return arr


@dataclass(frozen=True)
class DecayDraws:
    """The ρ sweep of notebook 01 repeated for several random draws of the RNN (one per seed).

    Attributes (S seeds, R radii, T lags):
        seeds (S,) tuple; rhos (R,); T.
        norms (S, R, T): ‖∂h_T/∂h_{T-k}‖₂ (batch mean) of :meth:`DecayExperiment.norms` with that seed.
        lags (S, R): first lag below ``fraction`` of lag 0 (:func:`lag_below`), NaN when it never gets there
            within T (censored: the lag is then at least T).
        growth (S, R): the measured factor per step (:func:`growth_per_step`).
        mean_derivative (S, R): mean φ'(a_t) (:func:`mean_derivative`).
        lambda_1 (S, R): s_max, the largest singular value of W_hh (the paper's λ₁).
        fraction: the threshold of ``lags`` (0.01 = 1 %).
    """

    seeds: tuple
    rhos: np.ndarray
    T: int
    norms: np.ndarray
    lags: np.ndarray
    growth: np.ndarray
    mean_derivative: np.ndarray
    lambda_1: np.ndarray
    fraction: float

    def at(self, rho: float) -> int:
        """The column of ``rho`` in the (S, R) arrays; ValueError if it was not measured."""
        hits = np.flatnonzero(np.isclose(self.rhos, rho, rtol=0, atol=1e-12))
        if hits.size == 0:
            raise ValueError(f"DecayDraws.at(): argument 'rho' must be one of the measured radii "
                             f"{', '.join(f'{r:g}' for r in self.rhos)}, but it is {rho!r}.")
        return int(hits[0])


def decay_over_draws(rhos, seeds=DEFAULT_SEEDS, *, hidden_size: int = 32, input_size: int = 8, T: int = 100,
                     batch: int = 4, input_scale: float = 1.0, nonlinearity: str = "tanh",
                     fraction: float = 0.01) -> DecayDraws:
    """Run the ρ sweep for every seed: ``DecayExperiment(..., seed=s)`` draws W_hh, W_xh, b and the inputs.

    Seed s's row equals what the notebook measures with ``DecayExperiment(seed=s)`` (seed 0 is its table).
    Args: rhos: spectral radii (R,), each >= 0; seeds: a list of seeds or a number n (0 … n−1);
    sizes as :class:`DecayExperiment`; input_scale, nonlinearity as :meth:`DecayExperiment.norms`;
    fraction: the threshold of the lags. Returns: a :class:`DecayDraws`.
    """
    where = "decay_over_draws()"
    rhos = _check_list(rhos, "rhos", where, low=0)
    seeds = check_seeds(seeds, "seeds", where)
    input_scale = check_number(input_scale, "input_scale", where, low=0)
    nonlinearity = check_choice(nonlinearity, "nonlinearity", where, tuple(NONLINEARITIES))
    fraction = check_number(fraction, "fraction", where, low=0, high=1)
    S, R = len(seeds), rhos.size
    norms, lags = None, np.full((S, R), np.nan)
    growth, mean_d, lam = np.empty((S, R)), np.empty((S, R)), np.empty((S, R))
    for i, seed in enumerate(seeds):
        ex = DecayExperiment(hidden_size, input_size, T, batch, seed=seed)
        if norms is None:
            norms = np.empty((S, R, ex.T))
        x = ex.inputs(input_scale)
        for j, rho in enumerate(rhos):
            norms[i, j] = ex.norms(rho, input_scale=input_scale, nonlinearity=nonlinearity)
            lag = lag_below(norms[i, j], fraction)
            lags[i, j] = np.nan if lag is None else lag
            growth[i, j] = growth_per_step(norms[i, j])
            rnn = ex.rnn(rho, nonlinearity)
            mean_d[i, j] = mean_derivative(rnn, x)
            lam[i, j] = largest_singular_value(rnn.weight_hh)
    return DecayDraws(seeds, rhos, norms.shape[2], norms, lags, growth, mean_d, lam, fraction)


@dataclass(frozen=True)
class CellPathDraws:
    """Untrained LSTMs, one per seed and forget bias: the direct cell path ∏f against the full Jacobian.

    Attributes (S seeds, F forget biases, T lags):
        seeds (S,) tuple; forget_biases (F,); T.
        direct (S, F, T): ‖∏_{t=T-k+1}^{T} diag(f_t)‖₂ (:func:`forget_path_norms`: the cell-state highway
            alone).
        full (S, F, T): ‖∂C_T/∂C_{T-k}‖₂ through every path (:func:`lstm_cell_jacobian_norms`).
        mean_f (S, F): the mean forget gate over steps, sequences and units.
    """

    seeds: tuple
    forget_biases: np.ndarray
    T: int
    direct: np.ndarray
    full: np.ndarray
    mean_f: np.ndarray


def cell_paths_over_draws(forget_biases, seeds=DEFAULT_SEEDS, *, hidden_size: int = 32, input_size: int = 8,
                          T: int = 100, batch: int = 4) -> CellPathDraws:
    """For every seed s and forget bias b: ``LSTM(input_size, hidden_size, forget_bias=b, seed=s)`` run on the
    inputs of ``DecayExperiment(..., seed=s)`` (input scale 1), its direct path ∏f and full ∂C_T/∂C_{T-k}.

    Args: forget_biases (F,) numbers; seeds: a list of seeds or a number n; sizes as :class:`DecayExperiment`.
    Returns: a :class:`CellPathDraws`.
    """
    where = "cell_paths_over_draws()"
    biases = _check_list(forget_biases, "forget_biases", where)
    seeds = check_seeds(seeds, "seeds", where)
    H = check_size(hidden_size, "hidden_size", where)
    D = check_size(input_size, "input_size", where)
    S, F = len(seeds), biases.size
    direct = full = None
    mean_f = np.empty((S, F))
    for i, seed in enumerate(seeds):
        x = DecayExperiment(H, D, T, batch, seed=seed).inputs(1.0)
        if direct is None:
            direct, full = np.empty((S, F, x.shape[0])), np.empty((S, F, x.shape[0]))
        for j, b_f in enumerate(biases):
            lstm = LSTM(D, H, forget_bias=float(b_f), seed=seed)
            lstm.forward(x)
            f_t = lstm.last_gates()["f_t"]                        # (T, B, H)
            direct[i, j] = forget_path_norms(f_t)
            full[i, j] = lstm_cell_jacobian_norms(lstm, x)
            mean_f[i, j] = f_t.mean()
    return CellPathDraws(seeds, biases, direct.shape[2], direct, full, mean_f)
