"""A recurrent layer (LSTM or RNN) followed by a Linear read-out: the models the notebooks train."""
from __future__ import annotations

import numpy as np

from ..support.checks import check_array, check_choice, check_size
from .layers import Linear
from .lstm import LSTM
from .rnn import RNN

CELLS = {"lstm": LSTM, "rnn": RNN}


class SequenceModel:
    """``cell`` ('lstm' or 'rnn') of size H, then ``Linear(H, output_size)``.

    Args:
        cell: 'lstm' or 'rnn'.  input_size (D), hidden_size (H), output_size (C).
        readout: 'last' scores only h_T -> logits (B, C); 'all' scores every h_t -> (T, B, C).
        dtype, seed: as for the cell; the head uses ``seed + 1``.
        **cell_kwargs: passed to :class:`LSTM` / :class:`RNN` (e.g. forget_bias=3.0).

    Parameters are named like a PyTorch ``state_dict``: 'cell.weight_ih', ..., 'head.weight', 'head.bias'.
    """

    def __init__(self, cell, input_size, hidden_size, output_size, *, readout="last",
                 dtype=np.float64, seed=0, **cell_kwargs):
        where = "SequenceModel()"
        self.cell_type = check_choice(cell, "cell", where, tuple(CELLS))
        self.readout = check_choice(readout, "readout", where, ("last", "all"))
        check_size(output_size, "output_size", where)
        seed = check_size(seed, "seed", where, minimum=0)
        self.cell = CELLS[cell](input_size, hidden_size, dtype=dtype, seed=seed, **cell_kwargs)
        self.head = Linear(hidden_size, output_size, dtype=dtype, seed=seed + 1)
        self.dtype = self.cell.dtype
        self._T = None
        self._logits_shape = None

    def __repr__(self) -> str:
        return f"SequenceModel({self.cell!r} -> {self.head!r}, readout={self.readout!r})"

    def parameters(self) -> dict[str, np.ndarray]:
        p = {f"cell.{k}": v for k, v in self.cell.parameters().items()}
        p.update({f"head.{k}": v for k, v in self.head.parameters().items()})
        return p

    @property
    def grads(self) -> dict[str, np.ndarray]:
        g = {f"cell.{k}": v for k, v in self.cell.grads.items()}
        g.update({f"head.{k}": v for k, v in self.head.grads.items()})
        return g

    def num_parameters(self) -> int:
        return self.cell.num_parameters() + self.head.num_parameters()

    def forward(self, x, state=None):
        """x (T, B, D) -> logits: (B, C) for readout 'last', (T, B, C) for 'all'."""
        out, self.final_state = self.cell.forward(x, state)
        self._T = out.shape[0]
        logits = self.head.forward(out[-1] if self.readout == "last" else out)
        self._logits_shape = logits.shape
        return logits

    __call__ = forward

    def backward(self, d_logits):
        """∂L/∂logits -> ∂L/∂x (T, B, D); fills ``grads``."""
        if self._T is None:
            raise ValueError("SequenceModel.backward(): call forward() first.")
        dims = ("B", "C") if self.readout == "last" else ("T", "B", "C")
        d_logits = check_array(d_logits, "d_logits", "SequenceModel.backward()", shape=self._logits_shape,
                               dims=dims, dtype=self.dtype, hint="It must match the logits of the last forward() call.")
        d_h = self.head.backward(d_logits)
        if self.readout == "last":
            d_out = np.zeros((self._T,) + d_h.shape, dtype=self.dtype)
            d_out[-1] = d_h
        else:
            d_out = d_h
        return self.cell.backward(d_out)

    def predict(self, x) -> np.ndarray:
        """Class indices: argmax of the logits."""
        return self.forward(check_array(x, "x", "SequenceModel.predict()")).argmax(axis=-1)
