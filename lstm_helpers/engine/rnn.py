"""The vanilla (Elman) RNN in numpy: forward over a sequence and backpropagation through time.

Slide notation, for one time step::

    h_t = tanh(W_hh · h_{t-1} + W_xh · x_t + b)

Storage follows ``torch.nn.RNN``: ``weight_ih`` (H, D), ``weight_hh`` (H, H), ``bias_ih`` (H,),
``bias_hh`` (H,). The nonlinearity is tanh by default; 'relu', 'sigmoid' and 'linear' exist so
that the gradient-decay notebook can compare them. The initialisation (:data:`INITS`) is PyTorch's by
default; 'orthogonal' and 'identity' (with 'relu': the IRNN) change only the start of W_hh (and, for
'identity', the biases), so that a memory experiment can give the RNN a fair start.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import NONLINEARITIES
from ..support.checks import check_array, check_choice, check_dtype, check_size

INITS = ("default", "orthogonal", "identity")   # the starts of W_hh that RNN(init=...) knows


@dataclass
class RNNCache:
    """Values kept for backward: x (T, B, D), h_prev (T, B, H), h (T, B, H) and the weights."""

    x: np.ndarray
    h_prev: np.ndarray
    h: np.ndarray
    weight_ih: np.ndarray
    weight_hh: np.ndarray
    nonlinearity: str


def rnn_forward(x, h0, weight_ih, weight_hh, bias, nonlinearity: str = "tanh"):
    """Run the RNN over a sequence (no argument checks: use :class:`RNN` for those).

    Args: x (T, B, D), h0 (B, H), weight_ih (H, D), weight_hh (H, H), bias (H,).
    Returns: outputs h_1..h_T (T, B, H), final h_T (B, H), and an :class:`RNNCache`.

    For speed, each step is ONE matrix product of the stacked z_t = [h_{t-1}, x_t, 1] (K = H + D + 1)
    with W = [W_hh | W_ih | b]ᵀ (K, H), written straight into the slot where the loop reads
    h_t back, then the nonlinearity in place. σ and, for large float64 batches, tanh are computed
    as in :func:`lstm_forward` (columns of W pre-scaled by a power of two, which is exact).
    """
    T, B, D = x.shape
    H = weight_hh.shape[0]
    K = H + D + 1
    dt = x.dtype
    # float64 tanh is slow in numpy; tanh(a) = 2/(1 + e^(−2a)) − 1 pays off once a step has enough numbers.
    exp_tanh = nonlinearity == "tanh" and dt == np.float64 and B * H >= 512
    W = np.empty((K, H), dtype=dt)
    W[:H] = weight_hh.T
    W[H:H + D] = weight_ih.T
    W[H + D] = bias
    if nonlinearity == "sigmoid":
        W *= 0.5                                    # σ(a) = ½·tanh(a/2) + ½
    elif exp_tanh:
        W *= -2.0
    Z = np.empty((T + 1, B, K), dtype=dt)           # z_t; the loop writes h_t into z_{t+1}
    Z[0, :, :H] = h0
    Z[:T, :, H:H + D] = x
    Z[T, :, H:H + D] = 0.0
    Z[:, :, H + D] = 1.0
    zs, hs = Z[:T], Z[1:, :, :H]
    if B == 1:
        zs, hs = zs[:, 0], hs[:, 0]
    f = NONLINEARITIES[nonlinearity][0]
    product = np.dot if B == 1 else np.matmul       # np.dot: less overhead on vectors; needs a contiguous out
    with np.errstate(over="ignore"):                # e^(−2a) = inf gives tanh(a) = −1: exact
        for z, h in zip(zs, hs):
            product(z, W, out=h)
            if nonlinearity == "tanh":
                if exp_tanh:
                    np.exp(h, out=h)
                    h += 1.0
                    np.divide(2.0, h, out=h)
                    h -= 1.0
                else:
                    np.tanh(h, out=h)
            elif nonlinearity == "sigmoid":
                np.tanh(h, out=h)
                h *= 0.5
                h += 0.5
            elif nonlinearity == "relu":
                np.maximum(h, 0.0, out=h)
            elif nonlinearity != "linear":
                h[...] = f(h)
    out = Z[1:, :, :H].copy()
    return out, out[-1].copy(), RNNCache(x, Z[:T, :, :H], out, weight_ih, weight_hh, nonlinearity)


def rnn_backward(d_out, dh_T, cache: RNNCache, *, keep_state_grads: bool = False):
    """BPTT for :func:`rnn_forward`.

    Args: d_out ∂L/∂h_t (T, B, H); dh_T ∂L/∂(final h) (B, H) or None.
    Returns: dict with 'x' (T, B, D), 'h0' (B, H), 'weight_ih', 'weight_hh', 'bias', and with
    ``keep_state_grads`` also 'h' (T, B, H), the total gradient reaching each h_t.

    φ'(a_t) is computed for all steps at once from the stored h_t; the sequential loop is then
    ∂h_t = ∂L/∂h_t + W_hhᵀ ∂a_{t+1},  ∂a_t = ∂h_t ⊙ φ'(a_t)  (three numpy calls per step), and the
    weight gradients are matrix products over all steps at once.
    """
    x = cache.x
    T, B, D = x.shape
    H = cache.weight_hh.shape[0]
    dt = x.dtype
    whh = cache.weight_hh
    fprime = NONLINEARITIES[cache.nonlinearity][1](cache.h)    # φ'(a_t) for every t (T, B, H)
    da = np.empty((T, B, H), dtype=dt)
    dh_all = np.empty((T, B, H), dtype=dt)
    dh_next = np.zeros((B, H), dtype=dt) if dh_T is None else np.array(dh_T, dtype=dt, order="C")
    views = [d_out, dh_all, fprime, da]
    dh_next_v = dh_next
    if B == 1:
        views = [v[:, 0] for v in views]
        dh_next_v = dh_next[0]
    for do, dh, fp, dat in zip(*(v[::-1] for v in views)):
        np.add(do, dh_next_v, out=dh)                 # ∂h_t
        np.multiply(dh, fp, out=dat)                   # ∂a_t = ∂h_t ⊙ φ'(a_t)
        np.dot(dat, whh, out=dh_next_v)                # ∂h_{t-1} = W_hhᵀ ∂a_t
    grads = parameter_grads(da, x, cache.h_prev, cache.weight_ih)
    grads["h0"] = dh_next
    if keep_state_grads:
        grads["h"] = dh_all
    return grads


def parameter_grads(da, x, h_prev, weight_ih) -> dict:
    """The gradients that need no recurrence, as matrix products over all T·B rows at once.

    Args: da ∂L/∂(pre-activations) (T, B, G) with G = H (RNN) or 4H (LSTM); x (T, B, D); h_prev (T, B, H);
    weight_ih (G, D). Returns a dict with 'x' (T, B, D), 'weight_ih' (G, D), 'weight_hh' (G, H), 'bias' (G,).
    """
    T, B, D = x.shape
    da2 = da.reshape(T * B, da.shape[-1])
    return {
        "x": (da2 @ weight_ih).reshape(T, B, D),
        "weight_ih": da2.T @ x.reshape(T * B, D),
        "weight_hh": da2.T @ h_prev.reshape(T * B, h_prev.shape[-1]),
        "bias": da2.sum(axis=0),
    }


def orthogonal(rng, n: int) -> np.ndarray:
    """A random orthogonal matrix (n, n) (QᵀQ = I) in float64, drawn from ``rng``.

    Q of the QR decomposition of a standard normal (n, n) matrix, each column's sign multiplied by the
    sign of R's diagonal (as ``torch.nn.init.orthogonal_`` does): then Q is uniformly distributed.
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    d = np.sign(np.diag(r))
    d[d == 0] = 1.0
    return q * d


def check_backward_start(cache, d_outputs, hidden_size: int, dtype, where: str):
    """Before a layer's backward(): the forward() ``cache`` exists and ``d_outputs`` matches its outputs.

    Returns (T, B, H, d_outputs as a checked (T, B, H) array of ``dtype``).
    """
    if cache is None:
        raise ValueError(f"{where}: call forward() first; backward() needs the values it stored.")
    T, B, _ = cache.x.shape
    H = hidden_size
    d_out = check_array(d_outputs, "d_outputs", where, shape=(T, B, H), dims=("T", "B", "H"), dtype=dtype,
                        hint="It must match the outputs of the last forward() call.")
    return T, B, H, d_out


class RNN:
    """A single-layer vanilla RNN with the interface of ``torch.nn.RNN`` (seq-first).

    Args:
        input_size (D), hidden_size (H): sizes.
        nonlinearity: 'tanh' (default), 'relu', 'sigmoid' or 'linear'.
        init: how the weights start (:data:`INITS`); every option first draws the default weights, so
            models of one seed differ only where the option says:

            * 'default': every weight and bias ~ U(−1/√H, 1/√H), as in PyTorch;
            * 'orthogonal': W_hh (H, H) a random orthogonal matrix (all singular values 1; QR of a
              standard normal (H, H) drawn next from the same generator, signs fixed as
              ``torch.nn.init.orthogonal_`` fixes them), the rest as 'default';
            * 'identity': W_hh = I and both biases 0, W_ih as 'default'. With ``nonlinearity='relu'``
              this is the IRNN of Le, Jaitly & Hinton (2015).
        dtype: np.float64 (default) or np.float32.
        seed: the generator ``np.random.default_rng(seed)`` of the weights.

    Attributes:
        weight_ih (H, D), weight_hh (H, H), bias_ih (H,), bias_hh (H,).
        grads: same keys, filled by :meth:`backward`. grad_state: ∂L/∂h_0.
    """

    param_names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")

    def __init__(self, input_size, hidden_size, *, nonlinearity="tanh", init="default", dtype=np.float64, seed=0):
        where = "RNN()"
        self.input_size = D = check_size(input_size, "input_size", where)
        self.hidden_size = H = check_size(hidden_size, "hidden_size", where)
        self.nonlinearity = check_choice(nonlinearity, "nonlinearity", where, tuple(NONLINEARITIES))
        self.init = check_choice(init, "init", where, INITS)
        self.dtype = check_dtype(dtype, where)
        rng = np.random.default_rng(check_size(seed, "seed", where, minimum=0))
        k = 1.0 / np.sqrt(H)
        self.weight_ih = rng.uniform(-k, k, (H, D)).astype(self.dtype)
        self.weight_hh = rng.uniform(-k, k, (H, H)).astype(self.dtype)
        self.bias_ih = rng.uniform(-k, k, H).astype(self.dtype)
        self.bias_hh = rng.uniform(-k, k, H).astype(self.dtype)
        if init == "orthogonal":
            self.weight_hh = orthogonal(rng, H).astype(self.dtype)
        elif init == "identity":
            self.weight_hh = np.eye(H, dtype=self.dtype)
            self.bias_ih[:] = 0.0
            self.bias_hh[:] = 0.0
        self.grads: dict[str, np.ndarray] = {}
        self.grad_state = None
        self._cache: RNNCache | None = None

    def __repr__(self) -> str:
        init = "" if self.init == "default" else f", init={self.init!r}"
        return (f"RNN({self.input_size}, {self.hidden_size}, nonlinearity={self.nonlinearity!r}{init}, "
                f"dtype={self.dtype.name})")

    def parameters(self) -> dict[str, np.ndarray]:
        """The parameter arrays themselves (optimizers update them in place)."""
        return {n: getattr(self, n) for n in self.param_names}

    def num_parameters(self) -> int:
        """H·D + H·H + 2H."""
        D, H = self.input_size, self.hidden_size
        return H * (D + H + 2)

    def forward(self, x, state=None):
        """Run ``x`` (T, B, D) from ``state`` = h_0 (B, H) or zeros; returns ``(outputs, h_T)``."""
        where = "RNN.forward()"
        D, H = self.input_size, self.hidden_size
        x = check_array(x, "x", where, shape=(None, None, D), dims=("T", "B", "D"), dtype=self.dtype,
                        hint="Inputs are shaped (time steps, batch, features); for one sequence use x[:, None, :].")
        B = x.shape[1]
        if state is None:
            h0 = np.zeros((B, H), dtype=self.dtype)
        else:
            h0 = check_array(state, "state (h_0)", where, shape=(B, H), dims=("B", "H"), dtype=self.dtype)
        out, hT, self._cache = rnn_forward(x, h0, self.weight_ih, self.weight_hh,
                                           self.bias_ih + self.bias_hh, self.nonlinearity)
        return out, hT

    __call__ = forward

    def step(self, x_t, state=None):
        """One time step: ``x_t`` (B, D) -> h_t (B, H)."""
        x_t = check_array(x_t, "x_t", "RNN.step()", shape=(None, self.input_size), dims=("B", "D"),
                          dtype=self.dtype, hint="For one example use x_t[None, :].")
        return self.forward(x_t[None], state)[1]

    def backward(self, d_outputs, d_state=None):
        """BPTT from ∂L/∂outputs (T, B, H) and optional ∂L/∂h_T (B, H); returns ∂L/∂x (T, B, D)."""
        where = "RNN.backward()"
        T, B, H, d_out = check_backward_start(self._cache, d_outputs, self.hidden_size, self.dtype, where)
        dh_T = None
        if d_state is not None:
            dh_T = check_array(d_state, "d_state (dh_T)", where, shape=(B, H), dims=("B", "H"), dtype=self.dtype)
        g = rnn_backward(d_out, dh_T, self._cache)
        self.grads = {"weight_ih": g["weight_ih"], "weight_hh": g["weight_hh"],
                      "bias_ih": g["bias"], "bias_hh": g["bias"].copy()}
        self.grad_state = g["h0"]
        return g["x"]

    @property
    def cache(self) -> RNNCache | None:
        """The values stored by the last forward pass (None before the first)."""
        return self._cache
