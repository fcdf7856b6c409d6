"""Per-seed optimizers and gradient clipping for stacked parameters (S, ...): every seed on its own.

Each row s of every array belongs to one seed. :func:`seed_global_norms` gives each seed the global
norm of ITS gradients, :func:`clip_seed_grads` scales each seed's gradients by its own factor, and
:class:`SeedAdam` / :class:`SeedSGD` update each row exactly as ``lh.Adam`` / ``lh.SGD`` update
that seed's one-seed model (same operations in the same order, with that seed's step count), so the
results agree bit for bit. ``which`` (rows, default all) restricts a call to some seeds, e.g.
the ones that have not stopped early; the other rows are left as they are.
"""
from __future__ import annotations

import numpy as np

from ...support.checks import check_int_array, check_number
from ..optim import check_adam_args


def _rows(which, S: int, where: str):
    """``which`` as (rows array, all rows?); None means every row."""
    if which is None:
        return np.arange(S), True
    rows = check_int_array(which, "which", where, shape=(None,), dims=("n",), high=S)
    return rows, len(rows) == S and bool((rows == np.arange(S)).all())


def _check_stacked(arrays, name: str, where: str) -> int:
    """Number of rows S shared by a non-empty dict of float arrays (S, ...); else TypeError/ValueError."""
    if not isinstance(arrays, dict) or not arrays:
        raise TypeError(f"{where}: argument '{name}' must be a non-empty dict of stacked (S, ...) arrays like "
                        f"SeededModel.{'grads' if name == 'grads' else 'parameters()'}, but it is {arrays!r:.60}.")
    sizes = set()
    for k, v in arrays.items():
        if not isinstance(v, np.ndarray) or v.dtype.kind != "f" or v.ndim < 1:
            raise TypeError(f"{where}: argument '{name}'[{k!r}] must be a float array (S, ...), "
                            f"but it is {type(v).__name__}.")
        sizes.add(v.shape[0])
    if len(sizes) != 1:
        raise ValueError(f"{where}: argument '{name}' mixes seed counts {sorted(sizes)} on the first axis.")
    return sizes.pop()


def _row_shape(rows, ndim: int) -> tuple:
    return (len(rows),) + (1,) * (ndim - 1)


def seed_global_norms(grads: dict, which=None) -> np.ndarray:
    """(n,) float64: √(Σ‖g‖²) over all gradient arrays, per seed row in ``which`` (as ``lh.global_norm``)."""
    where = "seed_global_norms()"
    rows, full = _rows(which, _check_stacked(grads, "grads", where), where)
    total = np.zeros(len(rows))
    for g in grads.values():
        g = g if full else g[rows]
        sq = g.astype(np.float64)                      # exact; then the square and the pairwise row sums of
        np.square(sq, out=sq)                          # np.square(g, dtype=float64).sum() for each seed
        total = total + sq.reshape(len(rows), -1).sum(axis=1)
    return np.sqrt(total)


def clip_seed_grads(grads: dict, max_norm: float, which=None, *, scale: dict | None = None) -> np.ndarray:
    """Scale each seed's gradients (in place) so that ITS global norm is at most ``max_norm``.

    Args: grads: dict of (S, ...) gradients; max_norm; which: rows (default all); scale: optional other arrays
        holding the same gradients (e.g. ``SeededModel.flat_grads``) to scale instead of ``grads``.
    Returns the (n,) norms before clipping (as ``lh.clip_grad_norm`` does for one seed).
    """
    where = "clip_seed_grads()"
    max_norm = check_number(max_norm, "max_norm", where, low=0)
    rows, full = _rows(which, _check_stacked(grads, "grads", where), where)
    norms = seed_global_norms(grads, rows)
    clipped = norms > max_norm
    if max_norm > 0 and clipped.any():
        factors = np.where(clipped, max_norm / (norms + 1e-12), 1.0)   # × 1.0 leaves a seed unchanged, exactly
        for g in (grads if scale is None else scale).values():
            factor = factors.astype(g.dtype).reshape(_row_shape(rows, g.ndim))
            if full:
                g *= factor
            else:
                g[rows] *= factor
    return norms


class SeedOptimizer:
    """Shared set-up of :class:`SeedAdam` and :class:`SeedSGD`: stacked params, per-row step counts."""

    name = "SeedOptimizer"

    def __init__(self, params: dict, lr: float):
        where = f"{self.name}()"
        self.S = _check_stacked(params, "params", where)
        self.params = params
        self.lr = check_number(lr, "lr", where, low=0)
        self.t = np.zeros(self.S, dtype=np.int64)      # updates made so far, per seed row

    def _begin(self, grads: dict, which):
        where = f"{self.name}.step()"
        if _check_stacked(grads, "grads", where) != self.S or set(grads) != set(self.params):
            raise ValueError(f"{where}: argument 'grads' must have the keys {sorted(self.params)} with {self.S} "
                             f"rows each, like the parameters.")
        for k, p in self.params.items():
            if grads[k].shape != p.shape:
                raise ValueError(f"{where}: gradient '{k}' must have shape {p.shape} like the parameter, "
                                 f"but it has shape {grads[k].shape}.")
            if not np.isfinite(grads[k]).all():
                raise ValueError(f"{where}: gradient '{k}' contains NaN or inf; lower the learning rate or clip.")
        rows, full = _rows(which, self.S, where)
        self.t[rows] += 1
        return rows, full


class SeedAdam(SeedOptimizer):
    """Adam (Kingma & Ba 2015) with bias correction, one independent Adam per seed row."""

    name = "SeedAdam"

    def __init__(self, params: dict, lr: float = 1e-2, betas=(0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        where = "SeedAdam()"
        self.b1, self.b2, self.eps = check_adam_args(betas, eps, where)
        self._m = {k: np.zeros_like(p) for k, p in params.items()}
        self._v = {k: np.zeros_like(p) for k, p in params.items()}
        self._tmp: dict = {}

    def step(self, grads: dict, which=None) -> None:
        """Update the rows ``which`` (default all) from ``grads`` (same keys and shapes as the params)."""
        rows, full = self._begin(grads, which)
        steps = self.t[rows]
        # θ ← θ − (lr / c1) · m / (√(v / c2) + eps), with each row's own step count in c1, c2
        c1 = np.array([1 - self.b1 ** int(t) for t in steps])
        c2 = np.array([1 - self.b2 ** int(t) for t in steps])
        lr_c1 = np.array([self.lr / c for c in c1])
        for k, p in self.params.items():
            g, m, v = grads[k], self._m[k], self._v[k]
            shape = _row_shape(rows, p.ndim)
            a, b = lr_c1.astype(p.dtype).reshape(shape), c2.astype(p.dtype).reshape(shape)
            if not full:
                g, m, v, p_rows = g[rows], m[rows], v[rows], p[rows]
            else:
                p_rows = p
            t1, t2 = self._scratch(k, g.shape, p.dtype)
            m *= self.b1
            np.multiply(g, 1 - self.b1, out=t1)
            m += t1                                        # m ← b1·m + (1 − b1)·g
            v *= self.b2
            np.multiply(g, 1 - self.b2, out=t1)
            t1 *= g
            v += t1                                        # v ← b2·v + ((1 − b2)·g)·g
            np.multiply(a, m, out=t1)
            np.divide(v, b, out=t2)
            np.sqrt(t2, out=t2)
            t2 += self.eps
            t1 /= t2
            p_rows -= t1                                   # θ ← θ − (lr / c1)·m / (√(v / c2) + eps)
            if not full:
                self._m[k][rows], self._v[k][rows], p[rows] = m, v, p_rows

    def _scratch(self, key, shape, dtype):
        """Two temporary arrays of ``shape`` for parameter ``key``, kept between steps."""
        have = self._tmp.get(key)
        if have is None or have[0].shape != shape:
            have = self._tmp[key] = (np.empty(shape, dtype), np.empty(shape, dtype))
        return have


class SeedSGD(SeedOptimizer):
    """θ ← θ − lr · v,  v ← momentum · v + g, one independent momentum buffer per seed row."""

    name = "SeedSGD"

    def __init__(self, params: dict, lr: float = 0.1, momentum: float = 0.0):
        super().__init__(params, lr)
        self.momentum = check_number(momentum, "momentum", "SeedSGD()", low=0, high=1)
        self._v = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads: dict, which=None) -> None:
        """Update the rows ``which`` (default all) from ``grads``."""
        rows, full = self._begin(grads, which)
        for k, p in self.params.items():
            g, v = grads[k], self._v[k]
            if not full:
                g, v, p_rows = g[rows], v[rows], p[rows]
            else:
                p_rows = p
            v *= self.momentum
            v += g
            p_rows -= self.lr * v
            if not full:
                self._v[k][rows], p[rows] = v, p_rows
