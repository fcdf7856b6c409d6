"""Evidence over seeds: a measurement repeated with several random seeds, summarised, and a claim counted.

A number that comes from training a model or drawing random weights is one sample of a random
variable: another seed gives another number, and a claim read off one seed can flip with the
next. This module states such a result the way the course reports it:

    summarize(values, seeds)            -> SeedSummary: the n per-seed values, their median, low … high
    per_seed(measure, seeds)            -> the same for measure(seed) called with every seed
    finding(label, values, above=0.5)   -> Finding: the claim checked in every seed, "holds in k of n seeds"
    finding(label, lstm, above=rnn)     -> the same for a paired comparison (seed s against seed s)

Shapes: ``values`` (n,), one number per seed, in the order of ``seeds`` (n ≥ 1; :data:`DEFAULT_SEEDS`
has 5). A reference is a number or (n,) values paired seed by seed. ``low``/``high`` are the
range (min, max) by default, or a central interval holding ``coverage`` of the values.
The package prints no prose: the only text here is short labels (``verdict``, :meth:`~Finding.format`).
Support layer: imports nothing of the package except ``support.checks``.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from .checks import check_number

DEFAULT_SEEDS = (0, 1, 2, 3, 4)   # n = 5: the fewest seeds a finding of the course is stated over
RELATIONS = {"above": ">", "at_least": ">=", "below": "<", "at_most": "<="}


def check_seeds(seeds, name: str = "seeds", where: str = "check_seeds()", *, distinct: bool = True) -> tuple[int, ...]:
    """Return ``seeds`` as a tuple of ints >= 0, distinct unless ``distinct`` is False; an int n means 0 … n−1.

    >>> check_seeds(3)
    (0, 1, 2)

    Raises TypeError (not an int or a sequence of ints) or ValueError (n < 1, empty, negative, repeated),
    naming ``where``, the argument, what was expected and what was passed.
    """
    if isinstance(seeds, (bool, np.bool_)):
        raise TypeError(f"{where}: argument '{name}' must be a number of seeds (int >= 1) or a list of seeds "
                        f"(ints >= 0), but it is {type(seeds).__name__} {seeds!r}.")
    if isinstance(seeds, numbers.Integral):
        if seeds < 1:
            raise ValueError(f"{where}: argument '{name}' must be at least 1 (a number of seeds), but it is {seeds}.")
        return tuple(range(int(seeds)))
    if isinstance(seeds, np.ndarray) and seeds.ndim != 1:
        raise ValueError(f"{where}: argument '{name}' must be a 1-D list of seeds, but it has shape {seeds.shape}.")
    if isinstance(seeds, (str, bytes, dict, set, frozenset)) or not isinstance(seeds, (list, tuple, range, np.ndarray)):
        raise TypeError(f"{where}: argument '{name}' must be a number of seeds (int >= 1) or a list of seeds "
                        f"(ints >= 0), but it is {type(seeds).__name__} {seeds!r}.")
    if len(seeds) == 0:
        raise ValueError(f"{where}: argument '{name}' is empty; it needs at least one seed, e.g. {DEFAULT_SEEDS}.")
    out = []
    for k, s in enumerate(seeds):
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
            raise TypeError(f"{where}: argument '{name}' must hold whole numbers (int), "
                            f"but {name}[{k}] is {type(s).__name__} {s!r}.")
        if s < 0:
            raise ValueError(f"{where}: argument '{name}' must hold seeds >= 0, but {name}[{k}] is {s}.")
        out.append(int(s))
    repeated = sorted({s for s in out if out.count(s) > 1})
    if repeated and distinct:
        raise ValueError(f"{where}: argument '{name}' repeats seed(s) {repeated}; every seed must be a different run.")
    return tuple(out)


def check_values(values, n: int, name: str, where: str) -> np.ndarray:
    """``values`` as a float array (n,): one finite number per seed; else TypeError/ValueError."""
    if values is None or isinstance(values, (str, bytes, dict, set)):
        raise TypeError(f"{where}: argument '{name}' must be {n} numbers, one per seed, "
                        f"but it is {type(values).__name__}.")
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{where}: argument '{name}' must hold numbers, one per seed, but it holds dtype {arr.dtype}.")
    if arr.shape != (n,):
        raise ValueError(f"{where}: argument '{name}' must have shape (n_seeds,) = ({n},), one value per seed, "
                         f"but it has shape {arr.shape}.")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{where}: argument '{name}' must be finite, but {name}[{bad}] is {arr[bad]}.")
    return arr


def seeds_for(values, seeds, where: str) -> tuple[int, ...]:
    """The seeds of ``values``: ``seeds`` checked, or 0 … n−1 when it is None (n = len(values))."""
    if seeds is not None:
        return check_seeds(seeds, "seeds", where)
    try:
        n = len(values)
    except TypeError:
        raise TypeError(f"{where}: argument 'values' must be a list of numbers, one per seed, "
                        f"but it is {type(values).__name__}.") from None
    if n == 0:
        raise ValueError(f"{where}: argument 'values' is empty; it needs one value per seed (at least one seed).")
    return tuple(range(n))


@dataclass(frozen=True)
class SeedSummary:
    """One measurement over seeds.

    Attributes: seeds (n,) tuple; values (n,) float64, values[j] measured with seeds[j]; n; median;
    low, high: min and max (coverage 1), or the central interval holding ``coverage`` of the values
    (linear-interpolated quantiles); coverage.
    """

    seeds: tuple
    values: np.ndarray
    coverage: float = 1.0
    n: int = field(init=False)
    median: float = field(init=False)
    low: float = field(init=False)
    high: float = field(init=False)

    def __post_init__(self):
        where = "SeedSummary()"
        seeds = check_seeds(self.seeds, "seeds", where)
        values = check_values(self.values, len(seeds), "values", where)
        coverage = check_number(self.coverage, "coverage", where, low=0, high=1)
        values.setflags(write=False)
        tail = (1.0 - coverage) / 2.0
        for key, value in (("seeds", seeds), ("values", values), ("coverage", coverage), ("n", len(seeds)),
                           ("median", float(np.median(values))),
                           ("low", float(np.quantile(values, tail))), ("high", float(np.quantile(values, 1 - tail)))):
            object.__setattr__(self, key, value)

    def format(self, spec: str = ".3f") -> str:
        """'median [low, high] (n seeds)', numbers formatted by ``spec``: e.g. '0.930 [0.880, 0.970] (5 seeds)'."""
        return f"{self.median:{spec}} [{self.low:{spec}}, {self.high:{spec}}] ({self.n} seed{'s' * (self.n != 1)})"


def summarize(values, seeds=None, *, coverage: float = 1.0) -> SeedSummary:
    """Summarise ``values`` (n,), one per seed (``seeds``, default 0 … n−1): median and low … high.

    ``coverage`` 1 gives the range (min, max); e.g. 0.8 gives the 10 % and 90 % quantiles.
    """
    return SeedSummary(seeds_for(values, seeds, "summarize()"), values, coverage)


def per_seed(measure, seeds=DEFAULT_SEEDS, *, coverage: float = 1.0) -> SeedSummary:
    """Call ``measure(seed)`` (a function returning one number) for every seed and summarise the values.

    Args: measure: e.g. ``lambda s: final_accuracy(train(seed=s))``.  seeds: a list, or a number n for 0 … n−1.
    """
    where = "per_seed()"
    if not callable(measure):
        raise TypeError(f"{where}: argument 'measure' must be a function seed -> number, "
                        f"but it is {type(measure).__name__}.")
    seeds = check_seeds(seeds, "seeds", where)
    values = []
    for s in seeds:
        v = measure(s)
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise TypeError(f"{where}: argument 'measure' must return a number, but measure({s}) returned "
                            f"{type(v).__name__} {v!r:.40}.")
        values.append(float(v))
    return SeedSummary(seeds, values, coverage)


@dataclass(frozen=True)
class Finding:
    """A claim checked in every seed: it holds in ``k`` of ``n`` seeds.

    Attributes: label (a short name of the claim); seeds; values (n,) the measured quantity per seed;
    holds (n,) bool, whether the claim holds for seed j; relation (short label such as '> 0.5' or
    '> reference'); coverage (for low/high, as in :class:`SeedSummary`); n; k = number of seeds where
    it holds; median, low, high of ``values``; verdict 'holds in k of n seeds'.
    """

    label: str
    seeds: tuple
    values: np.ndarray
    holds: np.ndarray
    relation: str = ""
    coverage: float = 1.0
    n: int = field(init=False)
    k: int = field(init=False)
    median: float = field(init=False)
    low: float = field(init=False)
    high: float = field(init=False)
    verdict: str = field(init=False)

    def __post_init__(self):
        where = "Finding()"
        if not isinstance(self.label, str) or not self.label.strip():
            raise TypeError(f"{where}: argument 'label' must be a non-empty string naming the claim, "
                            f"but it is {self.label!r}.")
        summary = SeedSummary(self.seeds, self.values, self.coverage)
        holds = np.asarray(self.holds)
        if holds.dtype != np.bool_:
            raise TypeError(f"{where}: argument 'holds' must be booleans (True where the claim holds), "
                            f"but it has dtype {holds.dtype}.")
        if holds.shape != (summary.n,):
            raise ValueError(f"{where}: argument 'holds' must have shape (n_seeds,) = ({summary.n},), "
                             f"but it has shape {holds.shape}.")
        holds = holds.copy()
        holds.setflags(write=False)
        k = int(holds.sum())
        for key, value in (("seeds", summary.seeds), ("values", summary.values), ("holds", holds),
                           ("coverage", summary.coverage), ("n", summary.n), ("k", k), ("median", summary.median),
                           ("low", summary.low), ("high", summary.high),
                           ("verdict", f"holds in {k} of {summary.n} seed{'s' * (summary.n != 1)}")):
            object.__setattr__(self, key, value)

    @property
    def summary(self) -> SeedSummary:
        """The values as a :class:`SeedSummary`."""
        return SeedSummary(self.seeds, self.values, self.coverage)

    @property
    def in_all(self) -> bool:
        """True if the claim holds in every seed (k = n)."""
        return self.k == self.n

    @property
    def in_none(self) -> bool:
        """True if it holds in no seed (k = 0): the opposite claim holds in every seed."""
        return self.k == 0

    @property
    def depends_on_seed(self) -> bool:
        """True if some seeds say yes and some say no (0 < k < n): one seed alone could report either."""
        return 0 < self.k < self.n

    @property
    def failing_seeds(self) -> tuple:
        """The seeds in which the claim does not hold."""
        return tuple(s for s, h in zip(self.seeds, self.holds) if not h)

    def format(self, spec: str = ".3f") -> str:
        """'label: holds in k of n seeds; median [low, high]' with the numbers formatted by ``spec``."""
        rel = f" ({self.relation})" if self.relation else ""
        return f"{self.label}{rel}: {self.verdict}; {self.summary.format(spec)}"


def finding(label: str, values, *, seeds=None, above=None, at_least=None, below=None, at_most=None,
            holds=None, coverage: float = 1.0) -> Finding:
    """Check a claim about ``values`` (n,) in every seed and count the seeds where it holds.

    Give exactly one of:
        above / at_least / below / at_most: a number, or (n,) per-seed references paired with ``values``
            (e.g. ``finding("LSTM beats RNN", lstm_acc, above=rnn_acc)``): the claim is value > (>=, <, <=) it;
        holds: (n,) booleans computed elsewhere.

    Args: label: short name of the claim.  seeds: the seeds of ``values`` (default 0 … n−1).
        coverage: for ``low``/``high`` (1 = range).
    Returns: a :class:`Finding` (``k``, ``n``, ``verdict`` 'holds in k of n seeds', median, low, high).
    """
    where = "finding()"
    seeds = seeds_for(values, seeds, where)
    n = len(seeds)
    arr = check_values(values, n, "values", where)
    given = {name: ref for name, ref in (("above", above), ("at_least", at_least), ("below", below),
                                         ("at_most", at_most), ("holds", holds)) if ref is not None}
    if len(given) != 1:
        raise ValueError(f"{where}: give exactly one of 'above', 'at_least', 'below', 'at_most' or 'holds', "
                         f"but {'none' if not given else ', '.join(repr(k) for k in given)} "
                         f"{'was' if len(given) < 2 else 'were'} given.")
    (how, ref), = given.items()
    if how == "holds":
        mask = np.asarray(ref)
        if mask.dtype != np.bool_:
            raise TypeError(f"{where}: argument 'holds' must be booleans, one per seed, but it has dtype {mask.dtype}.")
        return Finding(label, seeds, arr, mask, "", coverage)
    if isinstance(ref, numbers.Real) and not isinstance(ref, bool):
        ref_arr, ref_label = np.full(n, check_number(ref, how, where)), f"{RELATIONS[how]} {ref:g}"
    else:
        ref_arr, ref_label = check_values(ref, n, how, where), f"{RELATIONS[how]} reference"
    compare = {"above": np.greater, "at_least": np.greater_equal, "below": np.less, "at_most": np.less_equal}[how]
    return Finding(label, seeds, arr, compare(arr, ref_arr), ref_label, coverage)
