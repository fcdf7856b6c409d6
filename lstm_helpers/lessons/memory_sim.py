"""The cell state as a notebook: the memory recurrence with gate values you choose, and memory measurements.

Part 1, the memory simulator. You play the gates: for every step t you choose the forget gate
f_t (eraser), the input gate i_t (pen), the candidate C̃_t (what the pen would write) and the
output gate o_t (highlighter), and :func:`simulate_memory` runs the LSTM's memory equations::

    C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t        the notebook (cell state)
    h_t = o_t ⊙ tanh(C_t)                  what is shown to the rest of the network

It also returns the two things the highway picture is about:

* ``forget_product[t] = ∏_{s=t+1}^{T} f_s``: how much of C_t survives to C_T, which is also
  ∂C_T/∂C_t along the cell-state highway (the path that adds, not squashes);
* ``contributions[k, t]``: the part of C_t that was written at step k,
  i_k C̃_k ∏_{s=k+1}^{t} f_s (k = 0 is the initial state C_0). Summed over k it gives C_t.

:data:`SLIDE_SCRIPT` is the slides' table "The cat was hungry. The dog was" with the slides' gate
values per word; the candidate C̃_t is chosen here for one memory cell that holds the subject
(+1 = cat, −1 = dog, 0 = this word says nothing about the subject). :func:`preset_arrays` turns a
script into the gate arrays of one of :data:`PRESETS` (the script as it is, an RNN-like rewrite at
every step, or never erasing): the simulator widget of notebook 03 loads them and only draws.

Part 2, measuring memory in real networks: :func:`event_streams` builds the same word stream with
and without an event at step 1, :func:`memory_states` reads a model's memory (h_t of an RNN, C_t of
an LSTM), :func:`event_retention` measures how much of the event is still in memory k steps later,
and :func:`rewrite_fraction` how much of the memory changes per step. :func:`memory_models` builds the
four untrained networks notebook 03 compares (:data:`MEMORY_MODELS`), and :func:`memory_over_seeds` repeats
the whole measurement for several seeds (a new draw of weights and word streams per seed).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..support.checks import check_array, check_choice, check_int_array, check_number, check_size
from ..engine.data import one_hot
from ..engine.gradflow import scale_to_spectral_radius
from ..support.evidence import DEFAULT_SEEDS, check_seeds
from ..slides.gates import cell_trajectory, hidden_output
from ..engine.lstm import LSTM, lstm_forward
from ..engine.rnn import RNN, rnn_forward


# --------------------------------------------------------------------------------------------- script
@dataclass(frozen=True)
class ScriptedEvent:
    """One step of a scripted sequence: the word, what happens, and the gate values set for it.

    f, i, o lie in [0, 1]; C_tilde (C̃_t) in [−1, 1].
    """

    word: str
    event: str
    f: float
    i: float
    o: float
    C_tilde: float


# The slides' table "Example: Processing a Sentence" (f, i, o per word, as printed there).
# C_tilde is this module's choice for a single memory cell holding the subject: +1 cat, −1 dog.
SLIDE_SCRIPT: tuple[ScriptedEvent, ...] = (
    ScriptedEvent("The", "an article", 0.9, 0.3, 0.2, 0.0),
    ScriptedEvent("cat", "the cat arrives (subject)", 0.8, 0.9, 0.8, 1.0),
    ScriptedEvent("was", "a verb", 0.9, 0.7, 0.9, 0.0),
    ScriptedEvent("hungry", "the cat is hungry", 0.8, 0.8, 0.7, 0.0),
    ScriptedEvent(".", "full stop", 0.3, 0.4, 0.3, 0.0),
    ScriptedEvent("The", "a new sentence", 0.1, 0.8, 0.2, 0.0),
    ScriptedEvent("dog", "the dog arrives (new subject)", 0.7, 0.9, 0.9, -1.0),
    ScriptedEvent("was", "a verb", 0.9, 0.8, 0.9, 0.0),
)


def script_arrays(script=SLIDE_SCRIPT) -> dict[str, np.ndarray]:
    """The gate values of a script as arrays: keys 'f_t', 'i_t', 'o_t', 'C_tilde_t', each (T,).

    Also 'words', a tuple of the T words, and 'events', a tuple of the T event descriptions.
    """
    where = "script_arrays()"
    script = tuple(script)
    if not script or not all(isinstance(e, ScriptedEvent) for e in script):
        raise TypeError(f"{where}: argument 'script' must be a non-empty sequence of ScriptedEvent.")
    out = {key: np.array([getattr(e, attr) for e in script], dtype=np.float64)
           for key, attr in (("f_t", "f"), ("i_t", "i"), ("o_t", "o"), ("C_tilde_t", "C_tilde"))}
    out["words"] = tuple(e.word for e in script)
    out["events"] = tuple(e.event for e in script)
    return out


# Whole-script settings of the simulator: name -> what it does (the widget's menu shows these texts).
PRESETS = {
    "slides": "the slides' table",
    "rewrite": "rewrite every step (RNN-like: f = 0, i = 1)",
    "never_erase": "never erase (f = 1)",
}


def preset_arrays(preset: str, script=SLIDE_SCRIPT) -> dict[str, np.ndarray]:
    """The gate values of a script under a preset: keys 'f_t', 'i_t', 'o_t', 'C_tilde_t', each (T,) float64.

    Also 'words' and 'events' (tuples of T strings), as :func:`script_arrays` returns them.

    Args:
        preset: one of :data:`PRESETS`. 'slides': the script as it is; 'rewrite': f_t = 0 and
            i_t = 1 at every step (the memory is replaced each step, as an RNN's is); 'never_erase':
            f_t = 1 at every step. o_t and C̃_t are always the script's.
        script: a non-empty sequence of :class:`ScriptedEvent` (default :data:`SLIDE_SCRIPT`).
    """
    check_choice(preset, "preset", "preset_arrays()", tuple(PRESETS))
    a = script_arrays(script)
    if preset == "rewrite":
        a["f_t"] = np.zeros_like(a["f_t"])
        a["i_t"] = np.ones_like(a["i_t"])
    elif preset == "never_erase":
        a["f_t"] = np.ones_like(a["f_t"])
    return a


# ----------------------------------------------------------------------------------------- simulator
@dataclass(frozen=True)
class MemoryTrace:
    """Result of :func:`simulate_memory`. T steps; trailing shape S is () for one memory cell or (H,).

    Attributes:
        f_t, i_t, o_t, C_tilde_t: the gate values used, (T, *S).
        C_0: the initial cell state, S.
        C_t, h_t: the cell state and the output after each step 1 … T, (T, *S).
        forget_product: (T + 1, *S); entry t (t = 0 … T) is ∏_{s=t+1}^{T} f_s = ∂C_T/∂C_t along
            the highway (entry T is 1: an empty product).
        contributions: (T + 1, T, *S); entry [k, t − 1] is the part of C_t written at step k
            (k = 0: the initial state C_0 ∏_{s=1}^{t} f_s; k ≥ 1: i_k C̃_k ∏_{s=k+1}^{t} f_s,
            zero for t < k). Summing over k gives C_t.
    """

    f_t: np.ndarray
    i_t: np.ndarray
    o_t: np.ndarray
    C_tilde_t: np.ndarray
    C_0: np.ndarray
    C_t: np.ndarray
    h_t: np.ndarray
    forget_product: np.ndarray
    contributions: np.ndarray

    @property
    def steps(self) -> int:
        """T, the number of steps."""
        return self.C_t.shape[0]

    def C_with_start(self) -> np.ndarray:
        """C_0, C_1, …, C_T stacked: (T + 1, *S)."""
        return np.concatenate([self.C_0[None], self.C_t])

    def h_with_start(self, h_0=0.0) -> np.ndarray:
        """h_0, h_1, …, h_T stacked: (T + 1, *S); h_0 is 0 unless given."""
        h0 = np.broadcast_to(np.asarray(h_0, dtype=np.float64), self.C_0.shape)
        return np.concatenate([h0[None], self.h_t])


def _gate_input(value, name: str, where: str, low: float, high: float) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64) if isinstance(value, (int, float, list, tuple)) else value
    arr = check_array(arr, name, where)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{where}: argument '{name}' must have shape (T,) or (T, H), but it has shape {arr.shape}.")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < low or hi > high:
        raise ValueError(f"{where}: argument '{name}' must lie in [{low:g}, {high:g}], "
                         f"but it holds values from {lo:.4g} to {hi:.4g}.")
    return arr.astype(np.float64, copy=False)


def simulate_memory(f_t, i_t, o_t, C_tilde_t, C_0=0.0) -> MemoryTrace:
    """Run C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t and h_t = o_t ⊙ tanh(C_t) with gate values you choose.

    Args:
        f_t, i_t, o_t: gate values in [0, 1], each (T,) for one memory cell or (T, H); a (T,)
            gate next to (T, H) arrays is shared by all H cells (as in the slides' table, one
            value per word).
        C_tilde_t: candidate values C̃_t in [−1, 1] (the range of tanh), (T,) or (T, H).
        C_0: initial cell state, a number or (H,).

    Returns:
        a :class:`MemoryTrace`; its arrays are (T,) / (T + 1,) when every input is (T,),
        else (T, H) / (T + 1, H).
    """
    where = "simulate_memory()"
    f = _gate_input(f_t, "f_t", where, 0.0, 1.0)
    i = _gate_input(i_t, "i_t", where, 0.0, 1.0)
    o = _gate_input(o_t, "o_t", where, 0.0, 1.0)
    g = _gate_input(C_tilde_t, "C_tilde_t", where, -1.0, 1.0)
    T = f.shape[0]
    for name, arr in (("i_t", i), ("o_t", o), ("C_tilde_t", g)):
        if arr.shape[0] != T:
            raise ValueError(f"{where}: argument '{name}' has {arr.shape[0]} steps but 'f_t' has {T}; "
                             f"every gate needs one value per step.")
    widths = {arr.shape[1] for arr in (f, i, o, g) if arr.ndim == 2}
    if len(widths) > 1:
        raise ValueError(f"{where}: the (T, H) arguments disagree on H: {sorted(widths)}.")
    H = widths.pop() if widths else None
    C0 = np.asarray(C_0, dtype=np.float64) if isinstance(C_0, (int, float)) else C_0
    C0 = check_array(C0, "C_0", where)
    if H is None:
        if C0.ndim != 0:
            raise ValueError(f"{where}: argument 'C_0' must be a number when the gates are (T,), "
                             f"but it has shape {C0.shape}.")
        f, i, o, g = (a[:, None] for a in (f, i, o, g))
        C0 = C0.reshape(1)
        H1 = 1
    else:
        H1 = H
        f, i, o, g = (a if a.ndim == 2 else np.repeat(a[:, None], H, axis=1) for a in (f, i, o, g))
        if C0.ndim == 0:
            C0 = np.full(H, float(C0))
        elif C0.shape != (H,):
            raise ValueError(f"{where}: argument 'C_0' must have shape (H,) = ({H},), but it has shape {C0.shape}.")
    C = cell_trajectory(f, i, g, C0)                                  # C_t = f_t ⊙ C_{t-1} + i_t ⊙ C̃_t
    h = hidden_output(o, C)                                           # h_t = o_t ⊙ tanh(C_t)
    prod = np.ones((T + 1, H1))
    for t in range(T - 1, -1, -1):          # prod[t] = f_{t+1} … f_T (f[t] is f_{t+1})
        prod[t] = prod[t + 1] * f[t]
    # cum[t] = ∏_{s=1}^{t} f_s; contributions[k, t-1] = write_k ∏_{s=k+1}^{t} f_s for t ≥ k.
    writes = np.concatenate([C0[None], i * g])                      # (T + 1, H1), k = 0 … T
    contrib = np.zeros((T + 1, T, H1))
    for k in range(T + 1):
        run = writes[k].copy()
        for t in range(max(k, 1), T + 1):
            if t > k:
                run = run * f[t - 1]
            contrib[k, t - 1] = run
    squeeze = H is None

    def out(a):
        return a[..., 0] if squeeze else a

    return MemoryTrace(f_t=out(f), i_t=out(i), o_t=out(o), C_tilde_t=out(g), C_0=out(C0),
                       C_t=out(C), h_t=out(h), forget_product=out(prod), contributions=out(contrib))


# ------------------------------------------------------------------------------ memory in real networks
def event_streams(rng: np.random.Generator, steps: int, batch_size: int, *, num_distractors: int = 4,
                  dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """The same one-hot word stream twice: with an event at step 1 and without it.

    Token 0 is the event (say "cat"); tokens 1 … M are distractor words. Steps 2 … T are the
    same random distractors in both streams; at step 1 the first stream shows the event, the
    second a random distractor.

    Returns:
        (x_event, x_without), each (T, B, 1 + M).
    """
    where = "event_streams()"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: argument 'rng' must be a np.random.Generator, e.g. np.random.default_rng(0).")
    T = check_size(steps, "steps", where, minimum=2)
    B = check_size(batch_size, "batch_size", where)
    M = check_size(num_distractors, "num_distractors", where)
    tokens = rng.integers(1, M + 1, (T, B))
    with_event = tokens.copy()
    with_event[0] = 0
    return one_hot(with_event, M + 1, dtype), one_hot(tokens, M + 1, dtype)


def memory_states(model, x) -> np.ndarray:
    """The memory a model keeps after each step: h_t for an :class:`RNN`, C_t for an :class:`LSTM`.

    Args: model: an RNN or LSTM; x: inputs (T, B, D). Starts from zeros; the model is not changed.
    Returns: (T, B, H).
    """
    where = "memory_states()"
    if isinstance(model, LSTM):
        x = check_array(x, "x", where, shape=(None, None, model.input_size), dims=("T", "B", "D"), dtype=model.dtype)
        zeros = np.zeros((x.shape[1], model.hidden_size), model.dtype)
        _, _, _, cache = lstm_forward(x, zeros, zeros, model.weight_ih, model.weight_hh,
                                      model.bias_ih + model.bias_hh, model.config)
        return cache.C.copy()
    if isinstance(model, RNN):
        x = check_array(x, "x", where, shape=(None, None, model.input_size), dims=("T", "B", "D"), dtype=model.dtype)
        zeros = np.zeros((x.shape[1], model.hidden_size), model.dtype)
        out, _, _ = rnn_forward(x, zeros, model.weight_ih, model.weight_hh, model.bias_ih + model.bias_hh,
                                model.nonlinearity)
        return out
    raise TypeError(f"{where}: argument 'model' must be an RNN or an LSTM, but it is {type(model).__name__}.")


def event_retention(mem_event, mem_without, *, event_step: int = 0) -> np.ndarray:
    """How much of an event is still in memory k steps after it, relative to right after it.

    r(k) = ‖m_{s+k} − m'_{s+k}‖ / ‖m_s − m'_s‖, averaged over the batch, where m is the memory
    of the stream with the event, m' of the stream without it and s = ``event_step`` (0-based).

    Args: mem_event, mem_without: memories (T, B, H), e.g. from :func:`memory_states`.
    Returns: r(k) for k = 0 … T − 1 − s, shape (T − s,); r(0) = 1.
    """
    where = "event_retention()"
    a = check_array(mem_event, "mem_event", where, shape=(None, None, None), dims=("T", "B", "H"))
    b = check_array(mem_without, "mem_without", where, shape=a.shape, dims=("T", "B", "H"))
    s = int(check_int_array(np.asarray(event_step), "event_step", where, high=a.shape[0]))
    d = np.linalg.norm(a[s:] - b[s:], axis=2)                          # (T − s, B)
    if np.any(d[0] == 0):
        raise ValueError(f"{where}: the two memories are identical at step {s}, so there is no event to follow; "
                         "check that the streams differ at 'event_step'.")
    return (d / d[0]).mean(axis=1)


def rewrite_fraction(mem) -> float:
    """Mean relative change of the memory per step, ‖m_t − m_{t−1}‖ / ‖m_{t−1}‖ (t ≥ 2, batch mean).

    1 means the memory is replaced by something as large as itself every step; 0 means untouched.
    Steps whose previous memory is exactly zero are skipped.

    Args: mem: memories (T, B, H) with T ≥ 2.
    """
    where = "rewrite_fraction()"
    m = check_array(mem, "mem", where, shape=(None, None, None), dims=("T", "B", "H"))
    if m.shape[0] < 2:
        raise ValueError(f"{where}: argument 'mem' needs at least 2 steps, but it has {m.shape[0]}.")
    prev = np.linalg.norm(m[:-1], axis=2)
    change = np.linalg.norm(m[1:] - m[:-1], axis=2)
    ok = prev > 0
    if not ok.any():
        raise ValueError(f"{where}: the memory is zero at every step; there is nothing to compare.")
    return float((change[ok] / prev[ok]).mean())


# ------------------------------------------------------------------------------ the four networks, over seeds
MEMORY_MODELS = ("RNN (PyTorch init)", "RNN (W_hh at rho = 1)", "LSTM (b_f = 1)", "LSTM (b_f = 3)")


def memory_models(input_size: int, hidden_size: int, seed: int) -> dict:
    """The four untrained networks of notebook 03, drawn with ``seed``, by the names of :data:`MEMORY_MODELS`:
    an RNN with PyTorch's initialisation, the same RNN with W_hh rescaled to spectral radius 1, and LSTMs
    with forget-gate bias 1 and 3 (each ``(input_size, hidden_size)``, weights from ``seed``)."""
    where = "memory_models()"
    D = check_size(input_size, "input_size", where)
    H = check_size(hidden_size, "hidden_size", where)
    seed = check_size(seed, "seed", where, minimum=0)
    rnn, rnn_edge = RNN(D, H, seed=seed), RNN(D, H, seed=seed)
    rnn_edge.weight_hh[:] = scale_to_spectral_radius(rnn_edge.weight_hh, 1.0)
    return dict(zip(MEMORY_MODELS, (rnn, rnn_edge, LSTM(D, H, forget_bias=1.0, seed=seed),
                                    LSTM(D, H, forget_bias=3.0, seed=seed))))


@dataclass(frozen=True)
class MemoryDraws:
    """The memory measurement of notebook 03 for every seed and network.

    Attributes (S seeds, M = 4 networks, T steps):
        seeds (S,) tuple; names (M,) = :data:`MEMORY_MODELS`; horizon.
        retention (S, M, T): r(k) of :func:`event_retention` (k = 0 … T − 1).
        rewrite (S, M): :func:`rewrite_fraction` of the stream with the event.
        forget_product (S, M): mean over streams and units of the product of the ``horizon`` forget gates after
            the event, ∏_{t=2}^{1+horizon} f_t (the direct cell path to r(horizon)); NaN for the RNNs.
    """

    seeds: tuple
    names: tuple
    horizon: int
    retention: np.ndarray
    rewrite: np.ndarray
    forget_product: np.ndarray

    def column(self, name: str) -> int:
        """The column of network ``name`` (one of :data:`MEMORY_MODELS`)."""
        return self.names.index(check_choice(name, "name", "MemoryDraws.column()", self.names))

    def lags(self, fraction: float) -> np.ndarray:
        """(S, M): the first k with r(k) < ``fraction`` (as :func:`~lstm_helpers.engine.gradflow.lag_below`),
        NaN where the footprint stays above it for all T − 1 steps (censored: the lag is then at least T)."""
        fraction = check_number(fraction, "fraction", "MemoryDraws.lags()", low=0, high=1)
        below = self.retention < fraction                                   # r(0) = 1 is never below
        first = np.argmax(below, axis=2).astype(np.float64)
        first[~below.any(axis=2)] = np.nan
        return first


def memory_over_seeds(seeds=DEFAULT_SEEDS, *, steps: int = 150, batch_size: int = 64, hidden_size: int = 16,
                      num_distractors: int = 4, horizon: int = 10) -> MemoryDraws:
    """For every seed s: word streams ``event_streams(np.random.default_rng(s), ...)`` and the networks
    ``memory_models(D, hidden_size, s)``; their retention, rewrite per step and forget-gate product.

    Seed s's row is what notebook 03 measures with that seed. Args: seeds (a list, or n for 0 … n−1);
    steps (T), batch_size (B), hidden_size (H), num_distractors as :func:`event_streams`; horizon: how many
    forget gates after the event go into ``forget_product`` (1 … T − 1). Returns: a :class:`MemoryDraws`.
    """
    where = "memory_over_seeds()"
    seeds = check_seeds(seeds, "seeds", where)
    T = check_size(steps, "steps", where, minimum=2)
    horizon = check_size(horizon, "horizon", where)
    if horizon > T - 1:
        raise ValueError(f"{where}: argument 'horizon' must be at most steps − 1 = {T - 1}, but it is {horizon}.")
    S, M = len(seeds), len(MEMORY_MODELS)
    retention, rewrite = np.empty((S, M, T)), np.empty((S, M))
    product = np.full((S, M), np.nan)
    for i, seed in enumerate(seeds):
        x_event, x_without = event_streams(np.random.default_rng(seed), T, batch_size, num_distractors=num_distractors)
        models = memory_models(x_event.shape[2], hidden_size, seed)
        for j, model in enumerate(models.values()):
            with_event = memory_states(model, x_event)
            retention[i, j] = event_retention(with_event, memory_states(model, x_without))
            rewrite[i, j] = rewrite_fraction(with_event)
            if isinstance(model, LSTM):
                model.forward(x_event)
                f_t = model.last_gates()["f_t"]                       # (T, B, H)
                product[i, j] = np.prod(f_t[1:1 + horizon], axis=0).mean()
    return MemoryDraws(seeds, MEMORY_MODELS, horizon, retention, rewrite, product)
