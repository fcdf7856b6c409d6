"""The LSTM over a seed axis: S independent LSTMs run forward and backward in one pass.

Shapes carry the seed axis: weights (S, 4H, D), inputs (S, T, B, D); every time step is ONE batched
matrix product (``np.matmul``: one BLAS call per seed, from C) and one elementwise pipeline over all
S·B·4H numbers, so the Python and call overhead of a step is paid once for all seeds. What keeps the
elementwise work cheap: gates are stored gate-major, (T, 4, S, B, H), so that i_t, f_t, C̃_t, o_t of
all seeds are each one contiguous block (the product's (S, B, 4H) layout is regrouped once per
step, by the operation that writes σ); Z = [h_{t-1}, x_t, 1] is seed-major, (S, T + 1, B, H + D + 1),
so that each seed's h_{t-1} rows and x_t rows are one matrix each for the weight gradients (no copy; the
batches are written into Z once, :func:`load_inputs`); the backward pass keeps ∂C_t and ∂h_t of two steps
only; and all scratch memory comes from a :class:`Workspace` reused between calls (fresh megabytes cost
a page fault per 4 KiB every step). What a step costs beyond the arithmetic is the Python and numpy
overhead of its calls, paid once for all seeds: outputs are passed positionally and constants as 0-d
arrays of the model's dtype (``np.multiply(a, b, out)`` with ``one = np.array(1.0, dt)``), measurably
cheaper per call than ``out=`` and Python floats (benchmarks/README.md, ``bench_seeds.py``).

**Equal to the one-seed engine, bit for bit.** Seed s computes exactly what
:func:`lstm_helpers.lstm.lstm_forward` and :func:`~lstm_helpers.lstm.lstm_backward` compute for it:
the same matrix products (one per seed with the same shapes and transposes, so BLAS runs the same
kernel) and the same elementwise operations in the same order, σ and tanh through the same route
(``exp`` from B·4H ≥ 256 numbers per seed in float64, 2048 in float32, else ``tanh``). It must:
training amplifies a difference in the last digit to 1e-8 within a few hundred steps. The only
departures change no bit: 1/a is ``np.divide(1.0, a)`` (the same IEEE division as ``np.reciprocal``,
faster), x + 0 is not computed, and neither are ∂L/∂x, ∂L/∂h_0, ∂L/∂C_0 (training needs none).

**Sequences of different lengths in one pass** (``lengths``, e.g. the sentences of notebook 09, where
each seed draws a batch of its own length T_s): the seeds are sorted longest first, so at every step
the seeds still running are a prefix [:n] of the seed axis and each step runs only them (the steps
come in :func:`active_segments`, runs of equal n). Seed s then computes exactly its T_s steps, and
its weight gradients are its own product over its T_s·B rows, as in its one-seed run.

Slide notation for one step: f_t, i_t, C̃_t (C_tilde_t), o_t = the gates, C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t,
h_t = o_t ⊙ tanh(C_t); the gate blocks of the 4H weight rows are in PyTorch's order i, f, g (= C̃), o.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..lstm import GATE_ORDER, gate_slice

# The batch sizes (B·4H numbers per step and seed) from which the one-seed engine computes the gates with
# exp instead of tanh, and tanh(C_t) with exp (B·H numbers). They must match it: both routes are correct,
# but they round differently.
EXP_GATES_FROM = {np.dtype(np.float64): 256, np.dtype(np.float32): 2048}
EXP_CELL_FROM = {np.dtype(np.float64): 512, np.dtype(np.float32): 16384}
CHUNK = 1 << 20       # numbers per chunk of steps whose backward factors are computed together


class Workspace:
    """Scratch memory reused from one call to the next: ``get(name, shape, dtype)`` returns an uninitialised,
    contiguous array of that shape, a view of the buffer kept under ``name`` (grown when too small).

    Fresh arrays of megabytes cost a page fault per 4 KiB on every call; reusing them is what keeps
    a step of S seeds cheap. The arrays of one call are overwritten by the next call with the same
    workspace: a forward pass's state is valid until the next forward pass.
    """

    def __init__(self):
        self._buffers: dict = {}

    def get(self, name: str, shape: tuple, dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        size = math.prod(shape)                 # (np.prod costs about 3 µs a call, ~15 calls a step)
        buf = self._buffers.get((name, dtype))
        if buf is None or buf.size < size:
            buf = self._buffers[name, dtype] = np.empty(max(size, 1), dtype=dtype)
        return buf[:size].reshape(shape)

    def zeros(self, name: str, shape: tuple, dtype) -> np.ndarray:
        out = self.get(name, shape, dtype)
        out.fill(0)
        return out

    def inputs(self, S: int, T: int, B: int, H: int, D: int, dtype) -> np.ndarray:
        """Z (S, T + 1, B, H + D + 1), rows [h_{t-1}, x_t, 1] of every seed: a view of a buffer kept for up to
        its S and T, whose columns h_0 = 0 and 1 are written once, when it is made (a pass writes only the
        columns of x and of h_1 … h_T); writing them every pass cost a strided pass over all S·T·B rows."""
        K = H + D + 1
        key = ("Z", np.dtype(dtype), H, D)                  # one buffer: a new batch size B makes a new one
        buf = self._buffers.get(key)
        if buf is None or buf.shape[0] < S or buf.shape[1] < T + 1 or buf.shape[2] != B:
            S_max, T_max = (S, T + 1) if buf is None else (max(S, buf.shape[0]), max(T + 1, buf.shape[1]))
            buf = self._buffers[key] = np.empty((S_max, T_max, B, K), dtype=dtype)
            buf[:, 0, :, :H] = 0.0
            buf[..., H + D] = 1.0
        return buf[:S, :T + 1]


@dataclass
class SeededLSTMState:
    """What the backward pass needs (views into the forward pass's :class:`Workspace`).

    Shapes: x (S, T, B, D) the inputs, a view into Z; Z (S, T + 1, B, H + D + 1) the stacked
    [h_{t-1}, x_t, 1] (each seed's rows form one (T·B, H + D + 1) matrix); gates (T, 4, S, B, H) holding
    i_t, f_t, C̃_t, o_t (gates[t, 1] is f_t of every seed); cells (T + 1, S, B, H) holding C_0 … C_T;
    tanh_cells (T, S, B, H) holding tanh(C_t) (C_t itself without output activation); weight_hh (S, 4H, H);
    removed: indices (order i, f, g, o) of removed gates; output_activation; lengths: None (every seed ran
    T steps) or the (S,) steps T_s of each seed, non-increasing (arrays hold garbage beyond a seed's T_s).
    """

    x: np.ndarray
    Z: np.ndarray
    gates: np.ndarray
    cells: np.ndarray
    tanh_cells: np.ndarray
    weight_hh: np.ndarray
    removed: list
    output_activation: bool
    lengths: np.ndarray | None = None

    def hidden(self) -> np.ndarray:
        """h_0 … h_T (S, T + 1, B, H), a view into Z (h_0 = 0)."""
        return self.Z[..., :self.weight_hh.shape[-1]]


def active_segments(lengths, S: int, T: int) -> list[tuple[int, int, int]]:
    """The steps 0 … T−1 as runs (t0, t1, n), in time order: steps t0 … t1−1 run the seeds [:n].

    ``lengths`` None: every seed runs all T steps, [(0, T, S)]. Else the (S,) steps T_s of each seed,
    non-increasing (longest first, T = T_0), so the seeds still running at step t are those with T_s > t,
    a prefix of the seed axis.
    """
    if lengths is None:
        return [(0, T, S)]
    segments, t0 = [], 0
    for n in range(S, 0, -1):                  # seeds [:n] all run while t < lengths[n − 1]
        t1 = int(lengths[n - 1])
        if t1 > t0:
            segments.append((t0, t1, n))
            t0 = t1
    return segments


def load_inputs(Z, x, H: int, D: int) -> None:
    """Write the inputs into the x columns of Z (S, T + 1, B, H + D + 1): x (S, T, B, D), (T, B, D) shared by all
    seeds, or a list of S batches (T_s, B, D) (rows beyond T_s are left as they are: nothing reads them)."""
    if isinstance(x, (list, tuple)):
        for j, xj in enumerate(x):
            Z[j, :len(xj), :, H:H + D] = xj
    else:
        Z[:, :x.shape[-3], :, H:H + D] = x


def constants(dt) -> tuple:
    """0-d arrays 1, 2, −2 of dtype ``dt`` (a ufunc given a Python float spends about 0.4 µs converting it)."""
    return tuple(np.array(v, dtype=dt) for v in (1.0, 2.0, -2.0))


def seeded_lstm_forward(x, weight_ih, weight_hh, bias, *, removed_gates=(), output_activation=True,
                        work: Workspace | None = None, lengths=None):
    """Run S LSTMs from the zero state, one per seed (no argument checks).

    Args:
        x: inputs (S, T, B, D), one batch per seed, or (T, B, D) shared by all seeds, or a list of S batches
            (T_s, B, D) (with ``lengths``, or all of one length T).
        weight_ih (S, 4H, D), weight_hh (S, 4H, H), bias (S, 4H): bias_ih + bias_hh, gate order i, f, g, o.
        removed_gates: names of removed gates ('i', 'f', 'o'; each is then the constant 1).
        output_activation: False for h_t = o_t ⊙ C_t.
        work: a :class:`Workspace` whose buffers are reused (default: fresh arrays).
        lengths: None, or the (S,) steps T_s ≤ T of each seed, non-increasing: seed s reads x[s, :T_s] only.

    Returns:
        a :class:`SeededLSTMState`; its ``hidden()`` is h_0 … h_T (S, T + 1, B, H) (h_{T_s} is seed s's last), its
        ``x`` the inputs (S, T, B, D) as a view into Z.

    Each step is one product and about ten ufunc calls for all seeds, with their outputs given positionally
    and 0-d constants of the model's dtype (both measurably cheaper per call than ``out=`` and Python floats).
    """
    S, G, D = weight_ih.shape
    listed = isinstance(x, (list, tuple))
    T = max(len(xj) for xj in x) if listed else x.shape[-3]
    B = x[0].shape[1] if listed else x.shape[-2]
    H = G // 4
    K = H + D + 1
    dt = weight_ih.dtype
    g_s = gate_slice("g", H)
    exp_gates = B * G >= EXP_GATES_FROM[dt]
    exp_cell = output_activation and B * H >= EXP_CELL_FROM[dt]
    scale = np.full(G, -1.0 if exp_gates else 0.5, dtype=dt)
    mult = np.full(G, 0.5, dtype=dt)
    shift = np.full(G, 0.5, dtype=dt)
    scale[g_s], mult[g_s], shift[g_s] = (-2.0 if exp_gates else 1.0), 1.0, 0.0
    removed = [GATE_ORDER.index(gate) for gate in removed_gates]
    for k in removed:
        blk = slice(k * H, (k + 1) * H)
        scale[blk], mult[blk], shift[blk] = 0.0, 0.0, 1.0
    work = Workspace() if work is None else work
    W = work.get("W", (S, K, G), dt)                   # [W_hh | W_ih | b]ᵀ per seed, columns pre-scaled
    W[:, :H] = weight_hh.transpose(0, 2, 1)
    W[:, H:H + D] = weight_ih.transpose(0, 2, 1)
    W[:, H + D] = bias
    W *= scale
    Z = work.inputs(S, T, B, H, D, dt)                 # Z[:, t] = z_{t+1} = [h_t, x_{t+1}, 1] of every seed
    load_inputs(Z, x, H, D)
    gates = work.get("gates", (T, 4, S, B, H), dt)     # i_t, f_t, C̃_t, o_t, gate-major
    cells = work.get("cells", (T + 1, S, B, H), dt)
    cells[0] = 0.0
    tanh_cells = work.get("tanh_cells", (T, S, B, H), dt) if output_activation else cells[1:]
    a_all = work.get("a", (S, B, G), dt)               # this step's pre-activations, seed-major like the product
    tmp_all = work.get("tmp", (S, B, H), dt)
    gates_sb = gates.transpose(0, 2, 3, 1, 4)          # (T, S, B, 4, H): the product's layout, for writing σ
    one, two, minus_two = constants(dt)
    mult, shift4 = mult.reshape(4, H), shift.reshape(4, H)
    matmul, exp, tanh, add, sub, mul, div = np.matmul, np.exp, np.tanh, np.add, np.subtract, np.multiply, np.divide
    with np.errstate(over="ignore"):                   # e^u = inf gives 1/(1 + inf) = 0, the exact limit
        for t0, t1, n in active_segments(lengths, S, T):   # one run of steps for the seeds [:n]
            Wn, a, tmp = W[:n], a_all[:n], tmp_all[:n]
            a4 = a.reshape(n, B, 4, H)
            gt = gates[t0:t1, :, :n]
            for z, gsb, i, f, g, o, C_prev, C, tC, h in zip(
                    Z[:n, t0:t1].swapaxes(0, 1), gates_sb[t0:t1, :n], gt[:, 0], gt[:, 1], gt[:, 2], gt[:, 3],
                    cells[t0:t1, :n], cells[t0 + 1:t1 + 1, :n], tanh_cells[t0:t1, :n],
                    Z[:n, t0 + 1:t1 + 1, :, :H].swapaxes(0, 1)):
                matmul(z, Wn, a)                       # scaled pre-activations of i, f, C̃, o (n, B, 4H)
                if exp_gates:
                    exp(a, a)
                    add(a, one, a)
                    div(one, a4, gsb)                  # σ for i, f, o; σ(2a) for C̃ ...
                    mul(g, two, g)
                    sub(g, one, g)                     # ... and C̃ = 2σ(2a) − 1 = tanh(a)
                else:
                    tanh(a, a)
                    mul(a4, mult, a4)
                    add(a4, shift4, gsb)               # i_t, f_t, C̃_t, o_t
                for k in removed:
                    (i, f, g, o)[k].fill(1.0)
                mul(f, C_prev, C)                      # C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t
                mul(i, g, tmp)
                add(C, tmp, C)
                if exp_cell:                           # tanh(C_t) = 2 / (1 + e^(−2 C_t)) − 1
                    mul(C, minus_two, tC)
                    exp(tC, tC)
                    add(tC, one, tC)
                    div(two, tC, tC)
                    sub(tC, one, tC)
                elif output_activation:
                    tanh(C, tC)
                mul(o, tC, h)                          # h_t = o_t ⊙ tanh(C_t)
    return SeededLSTMState(Z[:, :T, :, H:H + D], Z, gates, cells, tanh_cells, weight_hh, removed, output_activation,
                           None if lengths is None else np.asarray(lengths))


def seeded_lstm_backward(dh_T, d_out, state: SeededLSTMState, h_prev=None, work: Workspace | None = None):
    """Backpropagation through time for :func:`seeded_lstm_forward`, all seeds at once.

    Args:
        dh_T: ∂L/∂h_T (S, B, H) from a read-out of the last step only, or None; with ``state.lengths``, row s
            is ∂L/∂h_{T_s} (and d_out must be None).
        d_out: ∂L/∂h_t for every step, time-major (T, S, B, H), or None (zero).
        state: from the forward pass.  h_prev: h_0 … h_{T-1} (S, T, B, H) (default: from the state).
        work: a :class:`Workspace` for the scratch arrays (default: fresh arrays).

    Returns:
        dict with 'weight_ih' (S, 4H, D), 'weight_hh' (S, 4H, H), 'bias' (S, 4H).

    The recurrence is that of :func:`lstm_helpers.lstm.lstm_backward` (its docstring derives it)::

        ∂h_t = ∂L/∂h_t + W_hhᵀ ∂a_{t+1},   ∂C_t = ∂h_t ⊙ o_t ⊙ tanh'(C_t) + ∂C_{t+1} ⊙ f_{t+1},
        ∂a_t = [∂C_t ⊙ C̃_t ⊙ σ'(i), ∂C_t ⊙ C_{t-1} ⊙ σ'(f), ∂C_t ⊙ i_t ⊙ tanh'(C̃), ∂h_t ⊙ tanh(C_t) ⊙ σ'(o)]

    with the factors that do not depend on the gradient computed a chunk of steps at a time, and
    the weight gradients as one matrix product per seed over all T·B rows at the end.
    """
    gates = state.gates
    T, _, S, B, H = gates.shape
    G = 4 * H
    D = state.Z.shape[-1] - H - 1
    dt = gates.dtype
    # V[t % 2] = [∂C_t, ∂C_t, ∂C_t, ∂h_t] (4, S, B, H): two steps in turn (a step needs only its own and the
    # next one's). The pair (∂h_t, ∂C_{t+1}) that gives ∂C_t is one strided view, so it takes one multiply:
    # blocks 3 and 4 of V for even t, blocks 7 and 0 for odd t.
    work = Workspace() if work is None else work
    V = work.get("V", (2, 4, S, B, H), dt)
    blocks = V.reshape(8, S, B, H)
    pairs = (blocks[3:5], np.lib.stride_tricks.as_strided(blocks[7], (2, S, B, H), (-7 * blocks.strides[0],)
                                                          + blocks.strides[1:]))
    # ∂h_t is V[t % 2, 3]: with ∂L/∂h_t only at T (d_out None) the product W_hhᵀ ∂a_{t+1} is written there
    # directly, else into dh_next and added to ∂L/∂h_t. Either way ∂h_t equals the one-seed ∂L/∂h_t + W_hhᵀ ∂a_{t+1}
    # (x + 0 = x), and ∂h_{-1} (for h_0) is not computed.
    dh_next = work.zeros("dh_next", (S, B, H), dt)
    if dh_T is not None:
        dh_next[...] = dh_T
    lengths = state.lengths
    if lengths is None:
        V[T % 2, 0] = 0.0                                              # no ∂C_{T+1} from above
        if d_out is None:
            V[(T - 1) % 2, 3] = dh_next
    else:            # seed s starts at its own T_s; the steps after it never touch its rows (they run [:n] only)
        if d_out is not None:
            raise ValueError("seeded_lstm_backward(): sequences of different lengths need d_out None "
                             "(a read-out of each seed's last step only).")
        V[lengths % 2, 0, np.arange(S)] = 0.0
        V[(lengths - 1) % 2, 3, np.arange(S)] = dh_next
    da = work.get("da", (S, T, B, G), dt)               # seed-major: one (T·B, 4H) block per seed
    da_gm = da.reshape(S, T, B, 4, H).transpose(1, 3, 0, 2, 4)      # (T, 4, S, B, H) view of it
    n_chunk = max(1, min(T, CHUNK // (S * B * G)))
    R = work.get("R", (n_chunk, 2, S, B, H), dt)       # [o_t ⊙ tanh'(C_t), f_{t+1}]
    Q = work.get("Q", (n_chunk, 4, S, B, H), dt)       # [C̃ σ'(i), C_{t-1} σ'(f), i tanh'(C̃), tanh(C) σ'(o)]
    pair_all = work.get("pair", (2, S, B, H), dt)
    segments = active_segments(lengths, S, T)
    add, mul, matmul = np.add, np.multiply, np.matmul
    for k in range(len(segments) - 1, -1, -1):         # runs of steps with the seeds [:n] running, last first
        s0, s1, n = segments[k]
        n_on = segments[k + 1][2] if k + 1 < len(segments) else 0    # seeds that run on after step s1 − 1
        pair, W_hh, dh_n = pair_all[:, :n], state.weight_hh[:n], dh_next[:n]
        p0, p1 = pair[0], pair[1]
        V_v, dC_v, dh_v = [(V[0, k, :n], V[1, k, :n]) for k in (slice(None), slice(0, 3), 3)]   # by parity of t
        pairs_v = (pairs[0][:, :n], pairs[1][:, :n])
        for t1 in range(s1, s0, -n_chunk):
            t0 = max(s0, t1 - n_chunk)
            m = t1 - t0
            gt, q, r = gates[t0:t1, :, :n], Q[:m, :, :n], R[:m, :, :n]
            tC = state.tanh_cells[t0:t1, :n]
            for blk in (slice(0, 2), slice(3, 4)):                     # σ(1 − σ) for i, f and o ...
                np.subtract(1.0, gt[:, blk], out=q[:, blk])
                q[:, blk] *= gt[:, blk]
            qg = q[:, 2]
            np.multiply(gt[:, 2], gt[:, 2], out=qg)
            np.subtract(1.0, qg, out=qg)                               # ... but 1 − C̃² for C̃
            q[:, 0] *= gt[:, 2]
            q[:, 1] *= state.cells[t0:t1, :n]
            qg *= gt[:, 0]
            q[:, 3] *= tC
            for g in state.removed:
                q[:, g] = 0.0
            r0, r1 = r[:, 0], r[:, 1]
            if state.output_activation:
                np.multiply(tC, tC, out=r0)
                np.subtract(1.0, r0, out=r0)
                r0 *= gt[:, 3]
            else:
                r0[...] = gt[:, 3]
            r1[:m - 1] = gates[t0 + 1:t1, 1, :n]                       # f_{t+1} ...
            on = n if t1 < s1 else n_on
            if on:
                r1[m - 1, :on] = gates[t1, 1, :on]
            r1[m - 1, on:] = 1.0                                       # ... (no ∂C from above a seed's last step)
            d_o = [None] * m if d_out is None else d_out[t0:t1, :n]
            steps = [range(t0, t1), d_o, r, q, da_gm[t0:t1, :, :n], da[:n, t0:t1].swapaxes(0, 1)]
            for t, do, rt, qt, da_t, dat in zip(*(w[::-1] for w in steps)):
                p = t & 1
                if do is not None:
                    add(do, dh_n, dh_v[p])                             # ∂h_t
                mul(pairs_v[p], rt, pair)                              # [∂h_t ⊙ o_t tanh'(C_t), ∂C_{t+1} ⊙ f_{t+1}]
                add(p0, p1, dC_v[p])                                   # ∂C_t (three copies)
                mul(V_v[p], qt, da_t)                                  # ∂a_t
                if t:                                                  # W_hhᵀ ∂a_t: (part of) ∂h_{t-1}
                    matmul(dat, W_hh, dh_n if d_out is not None else dh_v[1 - p])
    if h_prev is None:
        h_prev = state.hidden()[:, :T]
    return seeded_parameter_grads(da, state.x, h_prev, D, lengths=lengths)


def seeded_parameter_grads(da, x, h_prev, input_size: int, *, lengths=None) -> dict:
    """The gradients that need no recurrence: one matrix product per seed over all T·B rows.

    Args: da ∂L/∂(pre-activations) (S, T, B, G) with G = H (RNN) or 4H (LSTM); x (S, T, B, D);
    h_prev (S, T, B, H) (a view is fine); input_size D; lengths: None, or the (S,) steps T_s of each
    seed (its products then run over its T_s·B rows only, as in its one-seed run).
    Returns: dict with 'weight_ih' (S, G, D), 'weight_hh' (S, G, H), 'bias' (S, G).
    """
    S, T, B, G = da.shape
    if lengths is not None:
        H = h_prev.shape[-1]
        out = {"weight_ih": np.empty((S, G, input_size), da.dtype), "weight_hh": np.empty((S, G, H), da.dtype),
               "bias": np.empty((S, G), da.dtype)}
        for s, T_s in enumerate(int(t) for t in lengths):
            da2 = da[s, :T_s].reshape(T_s * B, G)
            np.matmul(da2.T, x[s, :T_s].reshape(T_s * B, input_size), out=out["weight_ih"][s])
            np.matmul(da2.T, h_prev[s, :T_s].reshape(T_s * B, H), out=out["weight_hh"][s])
            da2.sum(axis=0, out=out["bias"][s])
        return out
    da2 = da.reshape(S, T * B, G)
    daT = da2.transpose(0, 2, 1)
    return {
        "weight_ih": np.matmul(daT, x.reshape(S, T * B, input_size)),
        "weight_hh": np.matmul(daT, h_prev.reshape(S, T * B, h_prev.shape[-1])),
        "bias": da2.sum(axis=1),
    }
