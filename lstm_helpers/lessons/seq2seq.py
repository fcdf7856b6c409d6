"""A tiny encoder-decoder ("sequence to sequence", Sutskever et al. 2014) on a toy reversal task.

The encoder LSTM reads the source tokens x_1 … x_L; its final state (h_L, C_L), the "thought
vector", is the decoder LSTM's initial state. The decoder reads a start token and then the
previous target token (teacher forcing during training; its own previous output when decoding)
and a Linear head scores the next output token at every step. The only link between the two
LSTMs is that fixed-size state. Task: output the source reversed (Sutskever et al. reversed the
source sentence too, because it shortens the distance between related words).

Tokens: 0 … K−1 are symbols, K is the start token of the decoder.
"""
from __future__ import annotations

import numpy as np

from ..support.checks import check_int_array, check_size
from ..engine.data import one_hot
from ..engine.layers import Linear
from ..engine.lstm import LSTM
from ..engine.train import History, train


def reversal_batch(rng: np.random.Generator, batch_size: int, length: int, num_symbols: int):
    """Source tokens (L, B) in [0, K) and targets (L, B) = the source reversed along time."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError("reversal_batch(): argument 'rng' must be a np.random.Generator.")
    B, L = check_size(batch_size, "batch_size", "reversal_batch()"), check_size(length, "length", "reversal_batch()")
    K = check_size(num_symbols, "num_symbols", "reversal_batch()", minimum=2)
    src = rng.integers(0, K, (L, B))
    return src, src[::-1].copy()


class Seq2Seq:
    """Encoder LSTM (D = K → H), decoder LSTM (D = K + 1 → H, start token K), head Linear(H, K).

    ``forward(src, tgt)`` with tokens (L, B) returns logits (L, B, K) under teacher forcing.
    """

    def __init__(self, num_symbols: int, hidden_size: int, *, seed: int = 0, dtype=np.float32):
        self.K = check_size(num_symbols, "num_symbols", "Seq2Seq()", minimum=2)
        H = check_size(hidden_size, "hidden_size", "Seq2Seq()")
        seed = check_size(seed, "seed", "Seq2Seq()", minimum=0)
        self.encoder = LSTM(self.K, H, dtype=dtype, seed=seed)
        self.decoder = LSTM(self.K + 1, H, dtype=dtype, seed=seed + 1)
        self.head = Linear(H, self.K, dtype=dtype, seed=seed + 2)
        self.dtype = self.encoder.dtype

    def parameters(self) -> dict[str, np.ndarray]:
        p = {f"encoder.{k}": v for k, v in self.encoder.parameters().items()}
        p.update({f"decoder.{k}": v for k, v in self.decoder.parameters().items()})
        p.update({f"head.{k}": v for k, v in self.head.parameters().items()})
        return p

    @property
    def grads(self) -> dict[str, np.ndarray]:
        g = {f"encoder.{k}": v for k, v in self.encoder.grads.items()}
        g.update({f"decoder.{k}": v for k, v in self.decoder.grads.items()})
        g.update({f"head.{k}": v for k, v in self.head.grads.items()})
        return g

    def num_parameters(self) -> int:
        return self.encoder.num_parameters() + self.decoder.num_parameters() + self.head.num_parameters()

    def encode(self, src) -> tuple[np.ndarray, np.ndarray]:
        """Source tokens (L, B) -> the thought vector (h_L, C_L), each (B, H)."""
        src = check_int_array(np.asarray(src), "src", "Seq2Seq.encode()", high=self.K)
        self._L_src = src.shape[0]
        _, state = self.encoder.forward(one_hot(src, self.K, self.dtype))
        return state

    def forward(self, src, tgt) -> np.ndarray:
        """Teacher forcing: decoder inputs are [start, y_1 … y_{L−1}]; returns logits (L, B, K)."""
        tgt = check_int_array(np.asarray(tgt), "tgt", "Seq2Seq.forward()", high=self.K)
        state = self.encode(src)
        dec_in = np.concatenate([np.full((1, tgt.shape[1]), self.K), tgt[:-1]])
        out, _ = self.decoder.forward(one_hot(dec_in, self.K + 1, self.dtype), state)
        return self.head.forward(out)

    def backward(self, d_logits) -> None:
        """Fill ``grads``: head, decoder, and the encoder through the thought vector only."""
        d_out = self.head.backward(d_logits)
        self.decoder.backward(d_out)
        d_h, d_c = self.decoder.grad_state
        zeros = np.zeros((self._L_src,) + d_h.shape, dtype=self.dtype)
        self.encoder.backward(zeros, (d_h, d_c))

    def greedy(self, src, length: int | None = None) -> np.ndarray:
        """Decode without teacher forcing: each step feeds back its own argmax; returns tokens (L, B)."""
        state = self.encode(src)
        L = self._L_src if length is None else check_size(length, "length", "Seq2Seq.greedy()")
        B = state[0].shape[0]
        eye = np.eye(self.K + 1, dtype=self.dtype)
        prev = np.full(B, self.K)
        out = np.empty((L, B), dtype=np.int64)
        for t in range(L):
            state = self.decoder.step(eye[prev], state)
            prev = out[t] = self.head.forward(state[0]).argmax(axis=-1)
        return out


def train_seq2seq(model: Seq2Seq, *, length: int, steps: int, batch_size: int = 64, lr: float = 1e-2,
                  clip: float = 1.0, seed: int = 0, progress: bool = True) -> History:
    """Adam on the reversal task with fresh random batches (:func:`lstm_helpers.train`, teacher forcing).

    Each step draws ``reversal_batch(rng, batch_size, length, K)``; returns the :class:`History`
    (``loss``, ``accuracy`` per step).
    """
    if not isinstance(model, Seq2Seq):
        raise TypeError(f"train_seq2seq(): argument 'model' must be a Seq2Seq, but it is {type(model).__name__}.")
    B = check_size(batch_size, "batch_size", "train_seq2seq()")
    L = check_size(length, "length", "train_seq2seq()")

    def make_batch(rng):
        src, tgt = reversal_batch(rng, B, L, model.K)
        return (src, tgt), tgt

    return train(model, make_batch, steps=steps, lr=lr, clip=clip, seed=seed, progress=progress,
                 forward=lambda m, pair: m.forward(*pair), desc="encoder-decoder")


def position_accuracy(model: Seq2Seq, src, tgt) -> np.ndarray:
    """Greedy-decoding accuracy at each output position (L,)."""
    pred = model.greedy(src, tgt.shape[0])
    return (pred == np.asarray(tgt)).mean(axis=1)
