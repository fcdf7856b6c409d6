"""S SequenceModels, one per seed, as one model with a leading seed axis on every parameter.

``SeededModel('lstm', D, H, C, seeds=(0, 1, 2, 3, 4))`` holds the weights of
``lh.SequenceModel('lstm', D, H, C, seed=s)`` for every seed s, stacked: 'cell.weight_ih' (S, 4H, D),
'cell.weight_hh' (S, 4H, H), 'cell.bias_ih', 'cell.bias_hh' (S, 4H), 'head.weight' (S, C, H),
'head.bias' (S, C) (an RNN has H in place of 4H). One pass runs every seed at once; seed s's logits
and gradients are bit for bit those of its one-seed model.
"""
from __future__ import annotations

import numpy as np

from ...support.checks import check_array, check_int_array
from ...support.evidence import DEFAULT_SEEDS, check_seeds
from ..models import SequenceModel
from .losses import cross_entropy_per_seed
from .lstm import Workspace, seeded_lstm_backward, seeded_lstm_forward
from .rnn import seeded_rnn_backward, seeded_rnn_forward


class SeededModel:
    """S independent ``SequenceModel(cell, D, H, C, seed=s, ...)``, one per seed in ``seeds``, run together.

    Args:
        cell ('lstm' or 'rnn'), input_size (D), hidden_size (H), output_size (C), readout, dtype,
            **cell_kwargs: as for :class:`~lstm_helpers.models.SequenceModel`.
        seeds: the model seeds (default :data:`~lstm_helpers.support.evidence.DEFAULT_SEEDS`), or a number n
            for 0 … n−1. Seed s's initial weights are drawn by ``SequenceModel(..., seed=s)`` itself.

    Attributes: seeds (S,) tuple; parameters() and grads: dicts of (S, ...) arrays with the keys of
    ``SequenceModel.parameters()``; a seed's place k in ``seeds`` is its row in every array;
    last_logits: the logits of the last :meth:`forward_backward` (valid until the next pass).

    Passes: :meth:`forward` (logits; also for evaluation, x shared by all seeds), :meth:`backward`, and
    :meth:`forward_backward` (the training pass of :func:`~.train.train_seeds`: forward, loss, backward,
    without fresh large arrays). Each can run a subset of the seeds (rows ``which``), e.g. the ones still
    training. :meth:`model` hands one seed back as an ordinary ``SequenceModel``.
    """

    def __init__(self, cell, input_size, hidden_size, output_size, *, seeds=DEFAULT_SEEDS, readout="last",
                 dtype=np.float64, **cell_kwargs):
        self.seeds = check_seeds(seeds, "seeds", "SeededModel()")
        models = [SequenceModel(cell, input_size, hidden_size, output_size, readout=readout, dtype=dtype, seed=s,
                                **cell_kwargs) for s in self.seeds]
        first = models[0]
        self._spec = (cell, input_size, hidden_size, output_size, readout, first.dtype, dict(cell_kwargs))
        self.cell_type, self.readout, self.dtype = first.cell_type, first.readout, first.dtype
        self.input_size, self.hidden_size, self.output_size = input_size, hidden_size, output_size
        if self.cell_type == "lstm":
            self.removed_gates = first.cell.config.removed_gates()
            self.output_activation = first.cell.config.output_activation
        else:
            self.nonlinearity = first.cell.nonlinearity
        # every parameter (and gradient) is a view of ONE (S, P) array, so that an optimizer or a clipping
        # factor can treat all of them in one operation (flat_parameters(), flat_grads)
        shapes = {k: p.shape for k, p in first.parameters().items()}
        self._flat = np.empty((len(self.seeds), sum(int(np.prod(s)) for s in shapes.values())), self.dtype)
        self._flat_grads = np.zeros_like(self._flat)
        self._params, self._grads = self._views(self._flat, shapes), self._views(self._flat_grads, shapes)
        for key, p in self._params.items():
            p[...] = np.stack([m.parameters()[key] for m in models])
        self._last = None           # what backward() needs from the last training forward
        self._work = Workspace()    # scratch arrays reused by every pass (no fresh megabytes per step)
        self.last_logits = None

    def __repr__(self) -> str:
        return (f"SeededModel({self.cell_type!r}, {self.input_size}, {self.hidden_size}, {self.output_size}, "
                f"seeds={self.seeds}, readout={self.readout!r}, dtype={self.dtype.name})")

    @property
    def n_seeds(self) -> int:
        """S, the number of seeds."""
        return len(self.seeds)

    @staticmethod
    def _views(flat, shapes) -> dict:
        views, start = {}, 0
        for key, shape in shapes.items():
            size = int(np.prod(shape))
            views[key] = flat[:, start:start + size].reshape((flat.shape[0],) + shape)
            start += size
        return views

    def parameters(self) -> dict[str, np.ndarray]:
        """The stacked parameter arrays themselves, (S, ...) each (optimizers update them in place)."""
        return self._params

    def flat_parameters(self) -> dict[str, np.ndarray]:
        """All parameters as one (S, P) array, {'all': ...}; ``parameters()`` are views of it."""
        return {"all": self._flat}

    @property
    def flat_grads(self) -> dict[str, np.ndarray]:
        """All gradients as one (S, P) array, {'all': ...}; ``grads`` are views of it."""
        return {"all": self._flat_grads}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """(S, ...) gradients; a backward pass overwrites the rows of the seeds it ran."""
        return self._grads

    def model(self, k: int) -> SequenceModel:
        """A one-seed ``SequenceModel`` (seed ``seeds[k]``) holding a copy of row k's current weights."""
        row = int(self.rows([k], "k", "SeededModel.model()")[0])
        cell, D, H, C, readout, dtype, kwargs = self._spec
        one = SequenceModel(cell, D, H, C, readout=readout, dtype=dtype, seed=self.seeds[row], **kwargs)
        for key, p in one.parameters().items():
            p[...] = self._params[key][row]
        return one

    def subset(self, which) -> "SeededModel":
        """A new SeededModel of the seeds in rows ``which`` (in that order), holding copies of their current
        weights (not their initial ones); e.g. a share of the seeds trained in another process."""
        rows = self.rows(which, "which", "SeededModel.subset()")
        new = object.__new__(SeededModel)
        new.__dict__.update({k: v for k, v in self.__dict__.items() if not k.startswith("_")})
        new._spec, new.seeds = self._spec, tuple(self.seeds[r] for r in rows)
        shapes = {k: v.shape[1:] for k, v in self._params.items()}
        new._flat = self._flat[rows].copy()
        new._flat_grads = np.zeros_like(new._flat)
        new._params, new._grads = self._views(new._flat, shapes), self._views(new._flat_grads, shapes)
        new._last, new._work, new.last_logits = None, Workspace(), None
        return new

    def rows(self, which, name: str = "which", where: str = "SeededModel.forward()") -> np.ndarray:
        """``which`` (positions 0 … S−1 in ``seeds``; None = all) as an int array of distinct rows."""
        if which is None:
            return np.arange(self.n_seeds)
        rows = check_int_array(which, name, where, shape=(None,), dims=("n",), high=self.n_seeds)
        if len(np.unique(rows)) != len(rows):
            raise ValueError(f"{where}: argument '{name}' repeats a row: {rows.tolist()}.")
        return rows

    def _select(self, which, where):
        rows = self.rows(which, "which", where)
        full = len(rows) == self.n_seeds and bool((rows == np.arange(self.n_seeds)).all())
        p = self._params if full else {k: v[rows] for k, v in self._params.items()}
        return rows, full, p

    def _run(self, x, p, out=None, lengths=None):
        """Logits (n, B, C) or (n, T, B, C) (into ``out`` if given), the cell's state, h_0 … h_T (or None for
        readout 'last') and the read-out's input. ``lengths``: None, or each seed's steps (non-increasing; the
        read-out then scores h_{T_s} of seed s)."""
        bias = p["cell.bias_ih"] + p["cell.bias_hh"]
        if self.cell_type == "lstm":
            state = seeded_lstm_forward(x, p["cell.weight_ih"], p["cell.weight_hh"], bias, work=self._work,
                                        removed_gates=self.removed_gates, output_activation=self.output_activation,
                                        lengths=lengths)
        else:
            state = seeded_rnn_forward(x, p["cell.weight_ih"], p["cell.weight_hh"], bias, self.nonlinearity,
                                       work=self._work, lengths=lengths)
        n = bias.shape[0]
        T, B = state.Z.shape[1] - 1, state.Z.shape[2]
        w_t, b = p["head.weight"].transpose(0, 2, 1), p["head.bias"]          # h · Wᵀ + b per seed
        if self.readout == "last" and lengths is not None:
            hs, h = None, state.hidden()[np.arange(n), lengths]               # h_{T_s} of each seed (n, B, H)
            out = np.empty((n, B, self.output_size), self.dtype) if out is None else out
            np.matmul(h, w_t, out=out)
            out += b[:, None, :]
        elif self.readout == "last":
            hs, h = None, np.ascontiguousarray(state.hidden()[:, -1])          # h_T (n, B, H)
            out = np.empty((n, B, self.output_size), self.dtype) if out is None else out
            np.matmul(h, w_t, out=out)
            out += b[:, None, :]
        else:
            hs = state.hidden()                                               # h_0 … h_T (n, T + 1, B, H)
            h = hs[:, 1:]
            out = np.empty((n, T, B, self.output_size), self.dtype) if out is None else out
            np.matmul(h, w_t[:, None], out=out)
            out += b[:, None, None, :]
        return out, state, hs, h

    def _check_x(self, x, n, where):
        D = self.input_size
        arr = check_array(x, "x", where, dtype=self.dtype)
        if arr.ndim == 3:
            return check_array(arr, "x", where, shape=(None, None, D), dims=("T", "B", "D"))
        return check_array(arr, "x", where, shape=(n, None, None, D), dims=("n_seeds", "T", "B", "D"),
                           hint="One batch per seed run (the seeds in 'which'), or one (T, B, D) batch for all.")

    def forward(self, x, which=None) -> np.ndarray:
        """Logits of the seeds in rows ``which`` (default all S; n of them), a new array.

        Args:
            x: (n, T, B, D), one batch per seed (seed which[j] reads x[j]); or (T, B, D), the same batch for
                all; or, for scoring only with readout 'last', a tuple of (T_g, B_g, D) batches of different
                lengths shared by all seeds (logits concatenated along B, like ``agreement.MixedLengths``).
            which: rows of the seeds to run (positions in ``seeds``), None for all.

        Returns:
            logits (n, B, C) for readout 'last', (n, T, B, C) for 'all'. A following :meth:`backward`
            needs x with one batch per seed.
        """
        where = "SeededModel.forward()"
        rows, full, p = self._select(which, where)
        self._last = None
        if isinstance(x, tuple):
            if self.readout != "last":
                raise ValueError(f"{where}: argument 'x' as a tuple of batches of different lengths needs "
                                 f"readout 'last', but this model has readout {self.readout!r}.")
            if not x:
                raise ValueError(f"{where}: argument 'x' is an empty tuple; it needs at least one batch.")
            parts = [check_array(xg, f"x[{g}]", where, shape=(None, None, self.input_size), dims=("T", "B", "D"),
                                 dtype=self.dtype) for g, xg in enumerate(x)]
            return np.concatenate([self._run(xg, p)[0] for xg in parts], axis=1)
        arr = self._check_x(x, len(rows), where)
        logits, state, hs, h = self._run(arr, p)
        if arr.ndim == 4:
            self._last = (rows, full, p, state, hs, h, logits.shape)
        return logits

    __call__ = forward

    def backward(self, d_logits) -> None:
        """∂L/∂logits of the last forward() ((n, B, C) or (n, T, B, C)) -> fills the rows of ``grads``.

        Needs a forward() with one batch per seed (x (n, T, B, D)). ∂L/∂x is not computed.
        """
        where = "SeededModel.backward()"
        if self._last is None:
            raise ValueError(f"{where}: call forward() first, with one batch per seed (x of shape (n, T, B, D)).")
        d = check_array(d_logits, "d_logits", where, shape=self._last[-1], dtype=self.dtype,
                        hint="It must match the logits of the last forward() call.")
        self._backward(d)

    def forward_backward(self, x, targets, which=None) -> np.ndarray:
        """One training pass without fresh large arrays: forward, per-seed mean cross-entropy, backward.

        Args: x (n, T, B, D), or a list of n (T, B, D) batches (one per seed); with readout 'last' the batches
            may differ in length T (seed which[j] then reads its own T_j steps and is scored at its last one,
            all in one pass); targets (n, B) or (n, T, B); which: rows of the seeds to run (None for all).
        Returns: the (n,) losses. Fills the rows of ``grads``; ``last_logits`` holds the logits, valid until the
        next pass (they live in the model's scratch memory).
        """
        where = "SeededModel.forward_backward()"
        rows, full, p = self._select(which, where)
        lengths = order = None
        if isinstance(x, (list, tuple)):
            if len(x) != len(rows):
                raise ValueError(f"{where}: argument 'x' must hold one batch per seed run ({len(rows)}), "
                                 f"but it holds {len(x)}.")
            parts = [check_array(xj, f"x[{j}]", where, shape=(None, None, self.input_size), dims=("T", "B", "D"),
                                 dtype=self.dtype) for j, xj in enumerate(x)]
            steps = [xj.shape[0] for xj in parts]
            if any(xj.shape[1:] != parts[0].shape[1:] for xj in parts) or (
                    self.readout != "last" and len(set(steps)) > 1):
                allowed = "equal (B, D)" if self.readout == "last" else "equal shapes (readout 'all')"
                raise ValueError(f"{where}: argument 'x' holds batches of different shapes "
                                 f"{sorted({xj.shape for xj in parts})}; one pass needs {allowed}.")
            if len(set(steps)) > 1:                                     # longest first: see seeded.lstm
                order = np.argsort([-T_j for T_j in steps], kind="stable")
                rows, full = rows[order], False
                p = {k: v[rows] for k, v in self._params.items()}
                parts, lengths = [parts[j] for j in order], np.array([steps[j] for j in order])
                y = np.asarray(targets)
                targets = y[order] if y.ndim == 2 and len(y) == len(order) else y
            arr = parts                         # written straight into the forward pass's inputs (no copy here)
            n, T, B = len(parts), max(steps), parts[0].shape[1]
        else:
            arr = self._check_x(x, len(rows), where)
            if arr.ndim != 4:
                raise ValueError(f"{where}: argument 'x' must have one batch per seed, shape (n, T, B, D), "
                                 f"but it has shape {arr.shape}.")
            n, T, B = arr.shape[:3]
        shape = (n, B, self.output_size) if self.readout == "last" else (n, T, B, self.output_size)
        logits, state, hs, h = self._run(arr, p, out=self._work.get("logits", shape, self.dtype), lengths=lengths)
        self._last = (rows, full, p, state, hs, h, logits.shape)
        losses, d = cross_entropy_per_seed(logits, targets, out=self._work.get("d_logits", shape, self.dtype))
        self._backward(d)
        self.last_logits = logits
        if order is not None:                       # back to the caller's order; backward() needs a new forward()
            self._last = None
            inverse = np.argsort(order)
            losses, self.last_logits = losses[inverse], logits[inverse]
        return losses

    def _backward(self, d):
        rows, full, p, state, hs, h, _ = self._last
        w_head = p["head.weight"]
        n, C, H = w_head.shape
        d2 = d.reshape(n, -1, C)
        g = {"head.weight": np.matmul(d2.transpose(0, 2, 1), h.reshape(n, -1, H)), "head.bias": d2.sum(axis=1)}
        back = seeded_lstm_backward if self.cell_type == "lstm" else seeded_rnn_backward
        if self.readout == "last":
            cell = back(np.matmul(d, w_head), None, state, work=self._work)        # only ∂L/∂h_T (n, B, H)
        else:
            T = h.shape[1]
            d_out = self._work.get("d_out", (T, n) + h.shape[2:], self.dtype)      # ∂L/∂h_t, time-major
            np.matmul(d, w_head[:, None], out=d_out.transpose(1, 0, 2, 3))
            cell = back(None, d_out, state, hs[:, :T], work=self._work)
        g.update({"cell.weight_ih": cell["weight_ih"], "cell.weight_hh": cell["weight_hh"],
                  "cell.bias_ih": cell["bias"], "cell.bias_hh": cell["bias"]})
        for key, value in g.items():
            if full:
                np.copyto(self._grads[key], value)
            else:
                self._grads[key][rows] = value
