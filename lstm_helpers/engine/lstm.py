"""The LSTM in numpy, the FAST version: forward over a sequence, backpropagation through time, variants.

This module is arranged for speed (all four gates in one matrix product, one transcendental call
per step, chunks of steps at once backward), which makes it hard to read. The READABLE version of
the same arithmetic is in the slides' notation, one equation a line:

    lstm_helpers/slides/gates.py   forward: forget_gate, input_gate, candidate, cell_update,
                                   output_gate, hidden_output, lstm_step   (= lstm_forward, LSTM.step)
    lstm_helpers/slides/bptt.py    backward: step_forward / step_backward, forward_steps /
                                   backward_steps                           (= lstm_forward / lstm_backward)

They are equal line by line to rounding error (tests/test_gates.py and tests/test_bptt.py compare
them with this module). Read those first; come here for the names a notebook calls.

Slide notation, for one time step (⊙ is the elementwise product, [h_{t-1}, x_t] stacks the
previous output on top of the current input)::

    f_t  = σ(W_f · [h_{t-1}, x_t] + b_f)        forget gate   (eraser)
    i_t  = σ(W_i · [h_{t-1}, x_t] + b_i)        input gate    (pen)
    C̃_t  = tanh(W_C · [h_{t-1}, x_t] + b_C)     candidate values
    C_t  = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t            cell state    (the notebook)
    o_t  = σ(W_o · [h_{t-1}, x_t] + b_o)        output gate   (highlighter)
    h_t  = o_t ⊙ tanh(C_t)                      output

Storage follows ``torch.nn.LSTM`` so that students can move to PyTorch unchanged:
``weight_ih`` (4H, D), ``weight_hh`` (4H, H), ``bias_ih`` (4H,), ``bias_hh`` (4H,), with the
four row blocks in PyTorch's gate order i, f, g, o (g is the candidate C̃_t). The slide's
W_f is ``[weight_hh[f] | weight_ih[f]]`` and b_f is ``bias_ih[f] + bias_hh[f]``;
:meth:`LSTM.gate_weights` and :meth:`LSTM.set_gate_weights` translate between the two.

Variants (for ablation notebooks): any one gate can be removed (it is then fixed at 1),
the output tanh can be removed (h_t = o_t ⊙ C_t), and ``forget_gate=False`` gives the
original 1997 LSTM, C_t = C_{t-1} + i_t ⊙ C̃_t.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..support.checks import check_array, check_choice, check_dtype, check_number, check_size
from .rnn import check_backward_start, parameter_grads

GATE_ORDER = ("i", "f", "g", "o")  # PyTorch's row-block order
# Keys of LSTM.last_gates() (ASCII, easy to type) for PyTorch's gate blocks.
SLIDE_NAMES = {"i": "i_t", "f": "f_t", "g": "C_tilde_t", "o": "o_t"}
VARIANTS = ("vanilla", "no_input_gate", "no_forget_gate", "no_output_gate", "no_output_activation")


@dataclass(frozen=True)
class LSTMConfig:
    """Which parts of the cell exist. A removed gate is the constant 1."""

    input_gate: bool = True
    forget_gate: bool = True
    output_gate: bool = True
    output_activation: bool = True

    @classmethod
    def from_variant(cls, variant: str) -> "LSTMConfig":
        check_choice(variant, "variant", "LSTMConfig.from_variant()", VARIANTS)
        return {
            "vanilla": cls(),
            "no_input_gate": cls(input_gate=False),
            "no_forget_gate": cls(forget_gate=False),
            "no_output_gate": cls(output_gate=False),
            "no_output_activation": cls(output_activation=False),
        }[variant]

    def removed_gates(self) -> tuple[str, ...]:
        return tuple(g for g, on in (("i", self.input_gate), ("f", self.forget_gate), ("o", self.output_gate)) if not on)


def gate_slice(gate: str, hidden_size: int) -> slice:
    """Rows of ``weight_ih``/``weight_hh``/biases that belong to gate 'i', 'f', 'g' or 'o'."""
    k = GATE_ORDER.index(gate)
    return slice(k * hidden_size, (k + 1) * hidden_size)


@dataclass
class LSTMCache:
    """What the backward pass needs; also the gate values of the last forward pass.

    Shapes: x (T, B, D); h_prev (h_{t-1}), C_prev (C_{t-1}), C (C_t), tanh_C (tanh(C_t); C itself
    when the output tanh is removed) (T, B, H); gates (T, B, 4H) holding i_t, f_t, C̃_t, o_t side by
    side (after their nonlinearities).
    """

    x: np.ndarray
    h_prev: np.ndarray
    C_prev: np.ndarray
    gates: np.ndarray
    C: np.ndarray
    tanh_C: np.ndarray
    weight_ih: np.ndarray
    weight_hh: np.ndarray
    config: LSTMConfig


def lstm_forward(x, h0, C0, weight_ih, weight_hh, bias, config: LSTMConfig = LSTMConfig()):
    """Run the LSTM over a whole sequence (no argument checks: use :class:`LSTM` for those).

    The readable version is :func:`lstm_helpers.slides.bptt.forward_steps` (tests/test_bptt.py).

    Args:
        x: inputs (T, B, D).  h0, C0: initial state h_0, C_0 (B, H).
        weight_ih (4H, D), weight_hh (4H, H), bias (4H,): gate order i, f, g, o.
        config: which gates exist.

    Returns:
        outputs h_1..h_T (T, B, H), final h_T (B, H), final C_T (B, H), and an :class:`LSTMCache`.

    The arithmetic is the slides' (see the module docstring), arranged for speed:

    * one matrix product per step gives all four pre-activations: z_t @ W with the stacked
      z_t = [h_{t-1}, x_t, 1] (K = H + D + 1) and W = [W_hh | W_ih | b]ᵀ (K, 4H); the loop writes
      h_t straight into z_{t+1};
    * one elementwise pipeline activates all four gates. The columns of W are pre-scaled (by −1,
      −2 or ½, which is exact in floating point) so that with one transcendental call for all gates
        σ(a) = 1/(1 + e^(−a))   and  tanh(a) = 2/(1 + e^(−2a)) − 1   (large batches), or
        σ(a) = ½·tanh(a/2) + ½  and  tanh(a)                        (small batches),
      because numpy's exp costs a fraction of its tanh per number while the tanh route makes fewer
      calls. A removed gate is exactly 1;
    * all buffers are contiguous and every view is made before the loop: about nine numpy calls
      per step, on 1-D vectors when B = 1 (np.dot: less overhead than np.matmul for those).
    """
    T, B, D = x.shape
    H = weight_hh.shape[1]
    G, K = 4 * H, H + D + 1
    dt = x.dtype
    i_s, f_s, g_s, o_s = (gate_slice(g, H) for g in GATE_ORDER)
    # Where the exp route starts to pay, measured on the benchmark machine (benchmarks/README.md).
    exp_gates = B * G >= (256 if dt == np.float64 else 2048)
    exp_cell = config.output_activation and B * H >= (512 if dt == np.float64 else 16384)
    scale = np.full(G, -1.0 if exp_gates else 0.5, dtype=dt)
    mult = np.full(G, 0.5, dtype=dt)                  # tanh route only: y = mult·tanh(a') + shift
    shift = np.full(G, 0.5, dtype=dt)
    scale[g_s], mult[g_s], shift[g_s] = (-2.0 if exp_gates else 1.0), 1.0, 0.0
    removed = [gate_slice(gate, H) for gate in config.removed_gates()]
    for blk in removed:
        scale[blk], mult[blk], shift[blk] = 0.0, 0.0, 1.0
    W = np.empty((K, G), dtype=dt)
    W[:H] = weight_hh.T
    W[H:H + D] = weight_ih.T
    W[H + D] = bias
    W *= scale
    # Z[t] = z_{t+1} = [h_t, x_{t+1}, 1] (Z[T] only holds h_T)
    Z = np.empty((T + 1, B, K), dtype=dt)
    Z[0, :, :H] = h0
    Z[:T, :, H:H + D] = x
    Z[T, :, H:] = 0.0
    Z[:T, :, H + D] = 1.0
    gates = np.empty((T, B, G), dtype=dt)          # scaled pre-activations, then i_t, f_t, C̃_t, o_t in place
    C_all = np.empty((T + 1, B, H), dtype=dt)      # C_0 .. C_T
    C_all[0] = C0
    tanh_C = np.empty((T, B, H), dtype=dt) if config.output_activation else C_all[1:]
    tmp = np.empty((B, H), dtype=dt)
    views = [Z[:T], gates, gates[..., i_s], gates[..., f_s], gates[..., g_s], gates[..., o_s],
             C_all[:T], C_all[1:], tanh_C, Z[1:, :, :H]]
    if B == 1:  # one example: loop over 1-D vectors (vector-matrix products, cheaper calls)
        views, tmp = [v[:, 0] for v in views], tmp[0]
    tanh_out = config.output_activation
    with np.errstate(over="ignore"):  # e^u = inf gives 1/(1 + inf) = 0, the exact limit: not an error
        for z, a, i, f, g, o, C_prev, C, tC, h in zip(*views):
            np.dot(z, W, out=a)                            # scaled pre-activations of i, f, C̃, o
            if exp_gates:
                np.exp(a, out=a)
                a += 1.0
                np.reciprocal(a, out=a)                    # σ for i, f, o; σ(2a) for C̃ ...
                g *= 2.0
                g -= 1.0                                   # ... and C̃ = 2σ(2a) − 1 = tanh(a)
                for blk in removed:
                    a[..., blk] = 1.0
            else:
                np.tanh(a, out=a)
                a *= mult
                a += shift                                 # i_t, f_t, C̃_t, o_t
            np.multiply(f, C_prev, out=C)                  # C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t
            np.multiply(i, g, out=tmp)
            C += tmp
            if exp_cell:                                   # tanh(C_t) = 2 / (1 + e^(−2 C_t)) − 1
                np.multiply(C, -2.0, out=tC)
                np.exp(tC, out=tC)
                tC += 1.0
                np.divide(2.0, tC, out=tC)
                tC -= 1.0
            elif tanh_out:
                np.tanh(C, out=tC)
            np.multiply(o, tC, out=h)                      # h_t = o_t ⊙ tanh(C_t)
    out = Z[1:, :, :H].copy()
    cache = LSTMCache(x, Z[:T, :, :H], C_all[:T], gates, C_all[1:], tanh_C, weight_ih, weight_hh, config)
    return out, out[-1].copy(), C_all[T].copy(), cache


def lstm_backward(d_out, dh_T, dC_T, cache: LSTMCache, *, keep_state_grads: bool = False):
    """Backpropagation through time for :func:`lstm_forward`.

    The readable version is :func:`lstm_helpers.slides.bptt.backward_steps` (tests/test_bptt.py).

    Args:
        d_out: ∂L/∂h_t for every step (T, B, H). dh_T, dC_T: ∂L/∂(final h_T, C_T) (B, H) or None.
        keep_state_grads: also return ∂L/∂C_t and ∂L/∂h_t for every t (for gradient-flow plots).

    Returns:
        dict with 'x' (T, B, D), 'h0', 'C0' (B, H), 'weight_ih', 'weight_hh', 'bias' and, if asked,
        'C' and 'h' (T, B, H): the total gradient reaching C_t and h_t.

    From step t back to t−1 (a = pre-activations, σ' = σ(1 − σ), tanh' = 1 − tanh²)::

        ∂h_t = ∂L/∂h_t (direct) + W_hhᵀ ∂a_{t+1}
        ∂C_t = ∂h_t ⊙ o_t ⊙ tanh'(C_t) + ∂C_{t+1} ⊙ f_{t+1}
        ∂a_t = [∂C_t ⊙ C̃_t ⊙ σ'(i), ∂C_t ⊙ C_{t-1} ⊙ σ'(f), ∂C_t ⊙ i_t ⊙ tanh'(C̃), ∂h_t ⊙ tanh(C_t) ⊙ σ'(o)]

    The factors after ∂C_t and ∂h_t do not depend on the gradient: they are computed for a
    chunk of steps at once just before the chunk is used (small enough to stay in cache), so the
    sequential loop is five numpy calls per step. The weight gradients are matrix products over
    all steps at the end.
    """
    x, gates, cfg = cache.x, cache.gates, cache.config
    T, B, D = x.shape
    H = cache.weight_hh.shape[1]
    G = 4 * H
    dt = x.dtype
    i_s, f_s, g_s, o_s = (gate_slice(g, H) for g in GATE_ORDER)
    removed = [gate_slice(g, H) for g in cfg.removed_gates()]
    whh = cache.weight_hh
    # V[t] = [∂C_t, ∂C_t, ∂C_t, ∂h_t] (4, B, H), totals, so that ∂a_t = V[t] ⊙ Q_t is one multiply;
    # in this layout the pair (∂h_t, ∂C_{t+1}) = (V[t, 3], V[t+1, 0]) that gives ∂C_t is also one
    # contiguous block. V[T, 0] = ∂L/∂C_T from above.
    V = np.empty((T + 1, 4, B, H), dtype=dt)
    V[T, 0] = 0.0 if dC_T is None else dC_T
    pairs = V.reshape(4 * (T + 1), B, H)[3:3 + 4 * T].reshape(T, 4, B, H)[:, :2]   # (∂h_t, ∂C_{t+1})
    VT = V.transpose(0, 2, 1, 3)                                                      # (T + 1, B, 4, H)
    dh_next = np.zeros((B, H), dtype=dt) if dh_T is None else np.array(dh_T, dtype=dt, order="C")
    da = np.empty((T, B, G), dtype=dt)
    n_chunk = max(1, min(T, 65536 // (B * G)))
    R = np.empty((n_chunk, 2, B, H), dtype=dt)     # [o_t ⊙ tanh'(C_t), f_{t+1}]
    Q = np.empty((n_chunk, B, G), dtype=dt)        # [C̃ σ'(i), C_{t-1} σ'(f), i tanh'(C̃), tanh(C) σ'(o)]
    pair = np.empty((2, B, H), dtype=dt)
    da4, Q4 = da.reshape(T, B, 4, H), Q.reshape(n_chunk, B, 4, H)
    # one example (B = 1): loop over 1-D vectors, i.e. drop the batch axis (at position `axis`)
    drop_b = (lambda v, axis=1: v[(slice(None),) * axis + (0,)]) if B == 1 else (lambda v, axis=1: v)
    dh_next_v, pair_v = (dh_next[0], pair[:, 0]) if B == 1 else (dh_next, pair)
    p0, p1 = pair_v[0], pair_v[1]
    for t1 in range(T, 0, -n_chunk):
        t0 = max(0, t1 - n_chunk)
        n = t1 - t0
        gt, q, r = gates[t0:t1], Q[:n], R[:n]
        tC = cache.tanh_C[t0:t1]
        np.subtract(1.0, gt, out=q)
        q *= gt                                                    # σ(1 − σ) for every block ...
        qg = q[..., g_s]
        np.multiply(gt[..., g_s], gt[..., g_s], out=qg)
        np.subtract(1.0, qg, out=qg)                               # ... but 1 − C̃² for C̃
        q[..., i_s] *= gt[..., g_s]
        q[..., f_s] *= cache.C_prev[t0:t1]
        qg *= gt[..., i_s]
        q[..., o_s] *= tC
        for blk in removed:
            q[..., blk] = 0.0
        r0, r1 = r[:, 0], r[:, 1]
        if cfg.output_activation:
            np.multiply(tC, tC, out=r0)
            np.subtract(1.0, r0, out=r0)
            r0 *= gt[..., o_s]
        else:
            r0[...] = gt[..., o_s]
        r1[:n - 1] = gates[t0 + 1:t1, :, f_s]                      # f_{t+1} ...
        r1[n - 1] = 1.0 if t1 == T else gates[t1, :, f_s]          # ... (∂C_T comes in directly)
        views = [drop_b(d_out[t0:t1]), drop_b(V[t0:t1, 3]), drop_b(pairs[t0:t1], 2), drop_b(r, 2),
                 drop_b(V[t0:t1, :3], 2), drop_b(VT[t0:t1]), drop_b(Q4[:n]), drop_b(da4[t0:t1]), drop_b(da[t0:t1])]
        for do, dh, dh_dc, rt, dc3, v, q4, da_4, dat in zip(*(w[::-1] for w in views)):
            np.add(do, dh_next_v, out=dh)                          # ∂h_t
            np.multiply(dh_dc, rt, out=pair_v)                     # [∂h_t ⊙ o_t tanh'(C_t), ∂C_{t+1} ⊙ f_{t+1}]
            np.add(p0, p1, out=dc3)                                # ∂C_t (three copies)
            np.multiply(v, q4, out=da_4)                           # ∂a_t
            np.dot(dat, whh, out=dh_next_v)                        # W_hhᵀ ∂a_t: ∂h_{t-1} from step t
    grads = parameter_grads(da, x, cache.h_prev, cache.weight_ih)
    grads["h0"] = dh_next
    grads["C0"] = V[0, 0] * gates[0, :, f_s]
    if keep_state_grads:
        grads["C"], grads["h"] = V[:T, 0].copy(), V[:T, 3].copy()
    return grads


class LSTM:
    """A single-layer LSTM with the interface of ``torch.nn.LSTM`` (seq-first, no batch_first).

    Args:
        input_size (D), hidden_size (H): sizes.
        forget_bias: initial b_f, a number (1.0 by default; ≈3 for memory over ~100 steps at
            initialisation) or ``"chrono"`` for chrono initialisation (Tallec & Ollivier 2018):
            b_f = log(u), u ~ U(1, chrono_max_lag − 1), and b_i = −b_f.
        chrono_max_lag: the longest dependency expected, for ``forget_bias="chrono"``.
        input_gate, forget_gate, output_gate, output_activation: remove parts for ablations.
        dtype: np.float64 (default, for gradient checks) or np.float32.
        seed: weights ~ U(−1/√H, 1/√H) from ``np.random.default_rng(seed)`` as in PyTorch.

    Attributes:
        weight_ih (4H, D), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,): gate order i, f, g, o.
        grads: dict with the same keys, filled (overwritten) by :meth:`backward`.
        grad_state: (∂L/∂h_0, ∂L/∂C_0) from the last backward.
    """

    param_names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")

    def __init__(self, input_size, hidden_size, *, forget_bias=1.0, chrono_max_lag=None,
                 input_gate=True, forget_gate=True, output_gate=True, output_activation=True,
                 dtype=np.float64, seed=0):
        where = "LSTM()"
        self.input_size = D = check_size(input_size, "input_size", where)
        self.hidden_size = H = check_size(hidden_size, "hidden_size", where)
        self.dtype = check_dtype(dtype, where)
        flags = {"input_gate": input_gate, "forget_gate": forget_gate, "output_gate": output_gate,
                 "output_activation": output_activation}
        for flag, value in flags.items():
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{where}: argument '{flag}' must be True or False, but it is {value!r}.")
        self.config = LSTMConfig(*(bool(v) for v in flags.values()))
        rng = np.random.default_rng(check_size(seed, "seed", where, minimum=0))
        k = 1.0 / np.sqrt(H)
        self.weight_ih = rng.uniform(-k, k, (4 * H, D)).astype(self.dtype)
        self.weight_hh = rng.uniform(-k, k, (4 * H, H)).astype(self.dtype)
        self.bias_ih = rng.uniform(-k, k, 4 * H).astype(self.dtype)
        self.bias_hh = rng.uniform(-k, k, 4 * H).astype(self.dtype)
        fs, is_ = gate_slice("f", H), gate_slice("i", H)
        if isinstance(forget_bias, str):
            check_choice(forget_bias, "forget_bias", where, ("chrono",))
            if chrono_max_lag is None:
                raise ValueError(f"{where}: forget_bias='chrono' needs argument 'chrono_max_lag', the longest lag expected.")
            t_max = check_number(chrono_max_lag, "chrono_max_lag", where, low=3)
            b_f = np.log(rng.uniform(1.0, t_max - 1.0, H))
            self.bias_ih[fs], self.bias_ih[is_] = b_f, -b_f
            self.bias_hh[fs], self.bias_hh[is_] = 0.0, 0.0
        else:
            self.bias_ih[fs] = check_number(forget_bias, "forget_bias", where, low=-50, high=50)
            self.bias_hh[fs] = 0.0
        self.grads: dict[str, np.ndarray] = {}
        self.grad_state = None
        self._cache: LSTMCache | None = None

    # ----------------------------------------------------------------- construction helpers
    @classmethod
    def variant(cls, name: str, input_size, hidden_size, **kwargs) -> "LSTM":
        """Build one of :data:`VARIANTS` ('vanilla', 'no_input_gate', 'no_forget_gate', ...)."""
        check_choice(name, "name", "LSTM.variant()", VARIANTS)
        cfg = LSTMConfig.from_variant(name)
        return cls(input_size, hidden_size, input_gate=cfg.input_gate, forget_gate=cfg.forget_gate,
                   output_gate=cfg.output_gate, output_activation=cfg.output_activation, **kwargs)

    @classmethod
    def original_1997(cls, input_size, hidden_size, **kwargs) -> "LSTM":
        """Hochreiter & Schmidhuber's 1997 LSTM: no forget gate, C_t = C_{t-1} + i_t ⊙ C̃_t."""
        return cls(input_size, hidden_size, forget_gate=False, **kwargs)

    def __repr__(self) -> str:
        removed = self.config.removed_gates()
        extra = "".join(f", no_{ {'i': 'input', 'f': 'forget', 'o': 'output'}[g]}_gate" for g in removed)
        if not self.config.output_activation:
            extra += ", no_output_activation"
        return f"LSTM({self.input_size}, {self.hidden_size}, dtype={self.dtype.name}{extra})"

    # ----------------------------------------------------------------- parameters
    def parameters(self) -> dict[str, np.ndarray]:
        """The parameter arrays themselves (optimizers update them in place)."""
        return {n: getattr(self, n) for n in self.param_names}

    def num_parameters(self, *, active_only: bool = True) -> int:
        """Number of trainable numbers; removed gates' rows do not count when ``active_only``."""
        D, H = self.input_size, self.hidden_size
        blocks = 4 - (len(self.config.removed_gates()) if active_only else 0)
        return blocks * H * (D + H + 2)

    def gate_weights(self) -> dict[str, np.ndarray]:
        """The slides' per-gate parameters (copies): W_f, b_f, W_i, b_i, W_C, b_C, W_o, b_o.

        Each W acts on the stacked vector [h_{t-1}, x_t], so it has shape (H, H + D);
        each b has shape (H,) and is bias_ih + bias_hh of that gate.
        """
        H = self.hidden_size
        out = {}
        for gate, sym in (("f", "f"), ("i", "i"), ("g", "C"), ("o", "o")):
            s = gate_slice(gate, H)
            out[f"W_{sym}"] = np.hstack([self.weight_hh[s], self.weight_ih[s]])
            out[f"b_{sym}"] = self.bias_ih[s] + self.bias_hh[s]
        return out

    def set_gate_weights(self, **params) -> None:
        """Write slide-notation parameters back, e.g. ``set_gate_weights(W_f=W, b_f=b)``.

        W_* must have shape (H, H + D) (columns: h_{t-1} first, then x_t); b_* shape (H,).
        The whole bias goes to ``bias_ih``; ``bias_hh`` of that gate becomes 0.
        """
        H, D = self.hidden_size, self.input_size
        where = "LSTM.set_gate_weights()"
        names = {"f": "f", "i": "i", "C": "g", "o": "o"}
        for key, value in params.items():
            if len(key) != 3 or key[:2] not in ("W_", "b_") or key[2] not in names:
                raise TypeError(f"{where}: unknown argument '{key}'; use W_f, b_f, W_i, b_i, W_C, b_C, W_o, b_o.")
            s = gate_slice(names[key[2]], H)
            if key[0] == "W":
                W = check_array(value, key, where, shape=(H, H + D), dims=("H", "H+D"), dtype=self.dtype,
                                hint="Columns act on [h_{t-1}, x_t]: the first H on h_{t-1}, the last D on x_t.")
                self.weight_hh[s], self.weight_ih[s] = W[:, :H], W[:, H:]
            else:
                b = check_array(value, key, where, shape=(H,), dims=("H",), dtype=self.dtype)
                self.bias_ih[s], self.bias_hh[s] = b, 0.0

    # ----------------------------------------------------------------- forward / backward
    def _check_input(self, x, state, where):
        D, H = self.input_size, self.hidden_size
        x = check_array(x, "x", where, shape=(None, None, D), dims=("T", "B", "D"), dtype=self.dtype,
                        hint="Inputs are shaped (time steps, batch, features); for one sequence use x[:, None, :].")
        B = x.shape[1]
        if state is None:
            h0 = np.zeros((B, H), dtype=self.dtype)
            C0 = np.zeros((B, H), dtype=self.dtype)
        else:
            if not isinstance(state, (tuple, list)) or len(state) != 2:
                raise TypeError(f"{where}: argument 'state' must be a pair (h_0, C_0) or None, "
                                f"but it is {type(state).__name__}.")
            h0 = check_array(state[0], "state[0] (h_0)", where, shape=(B, H), dims=("B", "H"), dtype=self.dtype)
            C0 = check_array(state[1], "state[1] (C_0)", where, shape=(B, H), dims=("B", "H"), dtype=self.dtype)
        return x, h0, C0

    def forward(self, x, state=None):
        """Run the sequence ``x`` (T, B, D) from ``state`` = (h_0, C_0), each (B, H), or zeros.

        Returns ``(outputs, (h_T, C_T))`` with outputs = h_1 … h_T of shape (T, B, H).
        """
        x, h0, C0 = self._check_input(x, state, "LSTM.forward()")
        out, h_T, C_T, self._cache = lstm_forward(x, h0, C0, self.weight_ih, self.weight_hh,
                                                  self.bias_ih + self.bias_hh, self.config)
        return out, (h_T, C_T)

    __call__ = forward

    def step(self, x_t, state=None):
        """One time step: ``x_t`` (B, D) -> ``(h_t, C_t)``, each (B, H)."""
        x_t = check_array(x_t, "x_t", "LSTM.step()", shape=(None, self.input_size), dims=("B", "D"),
                          dtype=self.dtype, hint="For one example use x_t[None, :].")
        _, state = self.forward(x_t[None], state)
        return state

    def backward(self, d_outputs, d_state=None):
        """BPTT from ∂L/∂outputs (T, B, H) and optional ∂L/∂(h_T, C_T); returns ∂L/∂x (T, B, D).

        Fills ``self.grads`` (keys as :attr:`param_names`) and ``self.grad_state``.
        """
        where = "LSTM.backward()"
        T, B, H, d_out = check_backward_start(self._cache, d_outputs, self.hidden_size, self.dtype, where)
        dh_T = dC_T = None
        if d_state is not None:
            if not isinstance(d_state, (tuple, list)) or len(d_state) != 2:
                raise TypeError(f"{where}: argument 'd_state' must be a pair (dh_T, dC_T) or None.")
            dh_T = None if d_state[0] is None else check_array(
                d_state[0], "d_state[0] (dh_T)", where, shape=(B, H), dims=("B", "H"), dtype=self.dtype)
            dC_T = None if d_state[1] is None else check_array(
                d_state[1], "d_state[1] (dC_T)", where, shape=(B, H), dims=("B", "H"), dtype=self.dtype)
        g = lstm_backward(d_out, dh_T, dC_T, self._cache)
        self.grads = {"weight_ih": g["weight_ih"], "weight_hh": g["weight_hh"],
                      "bias_ih": g["bias"], "bias_hh": g["bias"].copy()}
        self.grad_state = (g["h0"], g["C0"])
        return g["x"]

    def last_gates(self) -> dict[str, np.ndarray]:
        """Gate values of the last forward pass in slide notation, each (T, B, H).

        Keys: 'f_t', 'i_t', 'C_tilde_t' (C̃_t), 'o_t', 'C_t', 'h_t'. A removed gate shows as all ones.
        """
        if self._cache is None:
            raise ValueError("LSTM.last_gates(): call forward() first.")
        H, cache = self.hidden_size, self._cache
        gates = {SLIDE_NAMES[g]: cache.gates[:, :, gate_slice(g, H)].copy() for g in ("f", "i", "g", "o")}
        gates["C_t"] = cache.C.copy()
        o = gates["o_t"]
        gates["h_t"] = o * cache.tanh_C
        return gates

    @property
    def cache(self) -> LSTMCache | None:
        """The values stored by the last forward pass (None before the first)."""
        return self._cache
