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

    Two forward passes give the same logits: :meth:`forward` for training (then :meth:`backward`),
    :meth:`logits` (and :meth:`predict`, its argmax) for evaluation, which keeps nothing for backward().
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
        self._T = None                  # steps and logits shape of the last forward(), for backward()
        self._logits_shape = None
        self._evaluated = False         # was the last pass logits()/predict()? (for backward()'s message)

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

    def _run(self, x, state):
        out, self.final_state = self.cell.forward(x, state)
        return out, self.head.forward(out[-1] if self.readout == "last" else out)

    def forward(self, x, state=None):
        """Training forward: x (T, B, D) -> logits (B, C) for readout 'last', (T, B, C) for 'all'.

        Keeps what :meth:`backward` needs; for evaluation use :meth:`logits` (the same numbers).
        """
        out, logits = self._run(x, state)
        self._T, self._logits_shape, self._evaluated = out.shape[0], logits.shape, False
        return logits

    __call__ = forward

    def logits(self, x, state=None) -> np.ndarray:
        """Evaluation forward: the logits of :meth:`forward` ((B, C) or (T, B, C)), for scoring only.

        Nothing is kept for :meth:`backward`: a backward() after it raises until the next forward(),
        so it can never pair gradients with the wrong inputs. ``final_state`` and the cell's
        ``last_gates()`` do describe this pass.
        """
        x = check_array(x, "x", "SequenceModel.logits()", shape=(None, None, self.cell.input_size),
                        dims=("T", "B", "D"), dtype=self.dtype,
                        hint="Inputs are shaped (time steps, batch, features); for one sequence use x[:, None, :].")
        logits = self._run(x, state)[1]
        self._T = self._logits_shape = None
        self._evaluated = True
        return logits

    def backward(self, d_logits):
        """∂L/∂logits -> ∂L/∂x (T, B, D); fills ``grads``."""
        if self._T is None:
            why = " (logits() and predict() keep nothing for backward())" if self._evaluated else ""
            raise ValueError(f"SequenceModel.backward(): call forward() first{why}.")
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

    def predict(self, x, state=None) -> np.ndarray:
        """Class indices: argmax of :meth:`logits` ((B,) or (T, B)); nothing is kept for backward()."""
        return self.logits(x, state).argmax(axis=-1)
