"""What a word LSTM's gates and cell states hold: traces along word lists, and a label read from them.

:func:`gate_traces` runs the LSTM of a word model over word lists and returns every gate and state
in slide notation, word by word. Given cell states C (N, H) of N words and a label per word (N,) in
0 … K−1 (e.g. the subject of the current sentence), or −1 for words left out, :func:`selectivity`
says how much of each unit's variance the label explains (η²), :func:`label_signal` how large the
label's imprint is, and a :class:`Probe` is a linear softmax read-out of the label from the whole state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from ...engine.activations import softmax_unchecked
from ...engine.models import SequenceModel
from ...engine.optim import Adam
from ...support.checks import check_array, check_int_array, check_number, check_size
from .words import Vocabulary

GATE_KEYS = ("f_t", "i_t", "o_t")             # the columns of gate_means()


def gate_traces(model: SequenceModel, vocab: Vocabulary, word_lists: Sequence[Sequence[str]], *,
                where: str = "gate_traces()", name: str = "texts") -> dict[str, np.ndarray]:
    """Run the model's LSTM over B word lists at once (one right-padded batch, each from zero state).

    Returns 'f_t', 'i_t', 'C_tilde_t', 'o_t', 'C_t', 'h_t' and 'C_prev' (C_{t−1}), each (N, H) float64
    over the N words of all lists, list after list (no padding), plus 'word' (N,) (index in the
    vocabulary), 'text' (N,) and 'pos' (N,) (which list, which word of it).
    """
    lists = vocab.check_word_lists(word_lists, where, name)
    model.cell.forward(vocab.encode(lists, model.dtype, where=where, name=name))
    g = {k: v.astype(np.float64) for k, v in model.cell.last_gates().items()}
    T, B, H = g["C_t"].shape
    g["C_prev"] = np.concatenate([np.zeros((1, B, H)), g["C_t"][:-1]])
    keep = np.zeros((T, B), dtype=bool)
    for b, words in enumerate(lists):
        keep[:len(words), b] = True
    out = {k: v.transpose(1, 0, 2)[keep.T] for k, v in g.items()}     # list by list: (B, T) order first
    out["word"] = np.concatenate([vocab.ids(words) for words in lists])
    out["text"] = np.concatenate([np.full(len(words), b) for b, words in enumerate(lists)])
    out["pos"] = np.concatenate([np.arange(len(words)) for words in lists])
    return out


def gate_means(tr: Mapping[str, np.ndarray], units=None) -> np.ndarray:
    """Mean of f_t, i_t, o_t over ``units`` (default all) at every word: (T, 3), columns :data:`GATE_KEYS`."""
    if not isinstance(tr, Mapping) or any(k not in tr for k in GATE_KEYS):
        raise TypeError("gate_means(): argument 'tr' must be a trace dict with 'f_t', 'i_t', 'o_t' (from trace()).")
    H = check_array(tr["f_t"], "tr['f_t']", "gate_means()", shape=(None, None), dims=("T", "H")).shape[1]
    idx = np.arange(H) if units is None else check_int_array(np.asarray(units), "units", "gate_means()", high=H)
    return np.stack([tr[k][:, idx].mean(axis=1) for k in GATE_KEYS], axis=1)


def _states_and_labels(C, labels, num_classes: int, where: str, name: str):
    """(C float (N', H), labels (N',)) without the positions labelled −1."""
    C = check_array(C, "C", where, shape=(None, None), dims=("N", "H"))
    s = check_int_array(labels, name, where, shape=(C.shape[0],), dims=("N",), high=num_classes, allowed_extra=-1)
    return C[s >= 0], s[s >= 0]


def selectivity(C, labels, num_classes: int, *, where: str = "selectivity()", name: str = "labels") -> np.ndarray:
    """How much of each unit's variance the label explains (η², 0 … 1), shape (H,).

    Args:
        C: cell states (N, H).  labels: (N,) in 0 … num_classes − 1; positions with −1 are left out.
    η²[u] = Σ_s n_s (mean_s − mean)² / Σ (C[:, u] − mean)²: 1 = the unit is a pure code of the label.
    """
    C, s = _states_and_labels(C, labels, num_classes, where, name)
    if len(np.unique(s)) < 2:
        raise ValueError(f"{where}: need positions of at least two different {name}.")
    mean = C.mean(axis=0)
    between = sum((s == k).sum() * (C[s == k].mean(axis=0) - mean) ** 2 for k in np.unique(s))
    total = ((C - mean) ** 2).sum(axis=0)
    return between / np.maximum(total, 1e-300)


def top_units(C, labels, num_classes: int, k: int = 3, *, where: str = "top_units()",
              name: str = "labels") -> np.ndarray:
    """Indices (k,) of the k units whose cell state is most tied to the label (largest :func:`selectivity`)."""
    eta = selectivity(C, labels, num_classes, where=where, name=name)
    k = check_size(k, "k", where)
    if k > eta.size:
        raise ValueError(f"{where}: argument 'k' must be at most H = {eta.size}, but it is {k}.")
    return np.argsort(-eta, kind="stable")[:k]


def label_signal(S, labels) -> np.ndarray:
    """How LARGE a label's imprint on states S (n, P, H) is at each of P positions, shape (P,).

    The n states are grouped by ``labels`` (n,); the signal is the root-mean-square, over the groups
    and the H units, of the group mean minus the overall mean: sqrt(mean_u Σ_s w_s (mean_s[u] − mean[u])²),
    w_s the share of group s, after subtracting what random groups of the same sizes would give
    ((K − 1)/n times the within-group variance, K groups). In the units of S; about 0 without a trace.
    """
    n, groups = len(labels), np.unique(labels)
    mean = S.mean(axis=0)                                        # (P, H)
    between = sum((labels == k).mean() * (S[labels == k].mean(axis=0) - mean) ** 2 for k in groups)
    within = sum(((S[labels == k] - S[labels == k].mean(axis=0)) ** 2).sum(axis=0) for k in groups)
    within /= max(n - len(groups), 1)
    # random groups of a finite sample differ a little too: remove that expected amount
    between = np.maximum(between - (len(groups) - 1) / n * within, 0.0)
    return np.sqrt(between.mean(axis=1))


@dataclass
class Probe:
    """Softmax read-out of a label from a cell state: P(label | C_t) = softmax(W·(C_t − m)/s + b).

    W (K, H), b (K,), m and s (H,) (the standardisation of the training states); ``classes`` names
    the K labels (for :meth:`readout`).
    """

    W: np.ndarray
    b: np.ndarray
    m: np.ndarray
    s: np.ndarray
    classes: tuple = ()

    def probabilities(self, C) -> np.ndarray:
        """C (N, H) or (H,) -> P(label) (N, K) or (K,)."""
        C = np.asarray(C, dtype=np.float64)
        C = check_array(C, "C", "Probe.probabilities()", shape=(None,) * (C.ndim - 1) + (self.m.size,),
                        dims=("N",) * (C.ndim - 1) + ("H",))
        return softmax_unchecked(((C - self.m) / self.s) @ self.W.T + self.b)

    def readout(self, C) -> list[tuple[str, float]]:
        """(most probable class name, its probability) at each cell state C (T, H)."""
        P = self.probabilities(C)
        return [(self.classes[int(k)], float(p[k])) for k, p in zip(P.argmax(axis=1), P)]


def check_probe(probe, where: str) -> Probe:
    """``probe`` if it is a :class:`Probe`; else a TypeError naming 'probe'."""
    if not isinstance(probe, Probe):
        raise TypeError(f"{where}: argument 'probe' must be a Probe from fit_probe(), "
                        f"but it is {type(probe).__name__}.")
    return probe


def fit_probe(C, labels, classes: Sequence[str], *, steps: int = 300, lr: float = 0.1, l2: float = 1e-3,
              where: str = "fit_probe()", name: str = "labels") -> Probe:
    """Fit a :class:`Probe` (multinomial logistic regression, full-batch Adam, deterministic).

    Args:
        C: cell states (N, H).  labels: (N,) in 0 … K−1 (K = len(classes)), or −1 for positions left out.
        The weights start from the least-squares fit of the one-hot labels.
    """
    K = len(classes)
    C = check_array(C, "C", where, shape=(None, None), dims=("N", "H")).astype(np.float64)
    steps = check_size(steps, "steps", where)
    lr = check_number(lr, "lr", where, low=0)
    l2 = check_number(l2, "l2", where, low=0)
    C, s = _states_and_labels(C, labels, K, where, name)
    if C.shape[0] == 0:
        raise ValueError(f"{where}: every label is −1; nothing to fit.")
    m, sd = C.mean(axis=0), C.std(axis=0) + 1e-6
    Z = (C - m) / sd
    Y = np.eye(K)[s]
    A = np.hstack([Z, np.ones((len(Z), 1))])
    sol = np.linalg.lstsq(A, Y, rcond=None)[0]
    params = {"W": np.ascontiguousarray(sol[:-1].T), "b": sol[-1].copy()}
    opt = Adam(params, lr=lr)
    n = len(Z)
    for _ in range(steps):
        P = softmax_unchecked(Z @ params["W"].T + params["b"])
        d = (P - Y) / n
        opt.step({"W": d.T @ Z + l2 * params["W"], "b": d.sum(axis=0)})
    return Probe(params["W"], params["b"], m, sd, tuple(classes))
