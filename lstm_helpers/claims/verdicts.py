"""Verdicts of the ledger, computed from per-seed measurements, and the values they are shown with.

A claim of the slides is tested by its entry (``entries_*.py``) with up to two per-seed tests:

* ``stated``: the claim as the slide states it, one bool per seed (None when it cannot be tested as stated,
  e.g. "more coherent than an RNN" with no RNN text model in the series);
* ``conditioned``: the claim under a named condition (e.g. "the forget gate starts near 1"), one bool per
  seed, or one bool for an exact condition (a hand-wired cell, a formula), or None.

The verdict is what most seeds show (n seeds; a majority is more than n / 2):

    holds           the stated test holds in a majority of the seeds;   agree = seeds where it holds
    holds-if        else, the conditioned test holds in a majority;     agree = seeds where the stated test
                    fails and the conditioned one holds (both seen in the same seed)
    does-not-hold   else;                                               agree = seeds where the stated test fails
    not-measurable-here   nothing in the series can measure it (``condition`` holds the reason); seeds = agree = 0

Exact claims (a count, a formula, a hand-wired cell: no random draw) have seeds = agree = 0.
``condition`` is the condition in words for ``holds-if``, the reason for ``not-measurable-here``, else "".
Shapes: per-seed tests (n,) bool, in the order of the measurement's seeds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..support.evidence import summarize

HOLDS, HOLDS_IF, DOES_NOT_HOLD, NOT_MEASURABLE = "holds", "holds-if", "does-not-hold", "not-measurable-here"
VERDICTS = (HOLDS, HOLDS_IF, DOES_NOT_HOLD, NOT_MEASURABLE)


@dataclass(frozen=True)
class Outcome:
    """What a claim's test found.

    Attributes: verdict (one of :data:`VERDICTS`); condition (words: the condition of holds-if, the reason of
    not-measurable-here, else ""); value (short text: median [min, max] over the seeds, or the exact value);
    seeds (n, 0 for an exact or unmeasurable claim); agree (seeds agreeing with the verdict, see the module);
    stated, conditioned: the per-seed tests (tuples of bools) or None, kept to explain the verdict.
    """

    verdict: str
    condition: str
    value: str
    seeds: int
    agree: int
    stated: tuple | None = None
    conditioned: tuple | None = None

    def __post_init__(self):
        where = "Outcome()"
        if self.verdict not in VERDICTS:
            raise ValueError(f"{where}: argument 'verdict' must be one of {VERDICTS}, but it is {self.verdict!r}.")
        if (self.verdict in (HOLDS_IF, NOT_MEASURABLE)) != bool(self.condition.strip()):
            raise ValueError(f"{where}: verdict {self.verdict!r} needs a condition (holds-if) or a reason "
                             f"(not-measurable-here) and no other verdict has one, but condition is {self.condition!r}.")
        if not 0 <= self.agree <= self.seeds:
            raise ValueError(f"{where}: 'agree' must lie in 0 … seeds = {self.seeds}, but it is {self.agree}.")


def _tests(values, name: str, where: str) -> np.ndarray | None:
    if values is None:
        return None
    arr = np.asarray(values)
    if arr.dtype != np.bool_ or arr.ndim > 1:
        raise TypeError(f"{where}: argument '{name}' must be booleans, one per seed (or one for an exact test), "
                        f"but it has dtype {arr.dtype} and shape {arr.shape}.")
    return arr


def seeded(stated, conditioned=None, *, condition: str = "", value: str = "") -> Outcome:
    """The verdict of per-seed tests (see the module): ``stated`` (n,) bool or None; ``conditioned`` (n,) bool,
    one bool (an exact condition, the same in every seed) or None; ``condition`` in words (used for holds-if)."""
    where = "seeded()"
    s, c = _tests(stated, "stated", where), _tests(conditioned, "conditioned", where)
    if s is None and (c is None or c.ndim == 0):
        raise ValueError(f"{where}: give per-seed booleans in 'stated' or 'conditioned' (an exact claim uses exact()).")
    n = len(s) if s is not None else len(c)
    if c is not None and c.ndim == 1 and len(c) != n:
        raise ValueError(f"{where}: 'stated' and 'conditioned' must hold one test per seed each ({n}), "
                         f"but 'conditioned' holds {len(c)}.")
    if c is not None and c.ndim == 0:
        c = np.full(n, bool(c))
    keep = (tuple(bool(v) for v in s) if s is not None else None, tuple(bool(v) for v in c) if c is not None else None)
    if s is not None and 2 * s.sum() > n:
        return Outcome(HOLDS, "", value, n, int(s.sum()), *keep)
    if c is not None and 2 * c.sum() > n:
        if not condition.strip():
            raise ValueError(f"{where}: the conditioned test decides the verdict (holds-if), so 'condition' must "
                             "say the condition in words.")
        agree = c if s is None else (~s & c)
        return Outcome(HOLDS_IF, condition.strip(), value, n, int(agree.sum()), *keep)
    fails = ~s if s is not None else ~c
    return Outcome(DOES_NOT_HOLD, "", value, n, int(fails.sum()), *keep)


def exact(stated, conditioned=None, *, condition: str = "", value: str = "") -> Outcome:
    """The verdict of an exact claim (no seeds): ``stated`` one bool (or None: not testable as stated);
    ``conditioned`` one bool or None; seeds = agree = 0."""
    where = "exact()"
    for name, v in (("stated", stated), ("conditioned", conditioned)):
        if v is not None and not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"{where}: argument '{name}' must be one bool (or None), but it is {type(v).__name__}.")
    if stated:
        return Outcome(HOLDS, "", value, 0, 0)
    if conditioned:
        if not condition.strip():
            raise ValueError(f"{where}: a holds-if verdict needs 'condition' in words.")
        return Outcome(HOLDS_IF, condition.strip(), value, 0, 0)
    if stated is None and conditioned is None:
        raise ValueError(f"{where}: give 'stated' or 'conditioned' (an unmeasurable claim uses not_measurable()).")
    return Outcome(DOES_NOT_HOLD, "", value, 0, 0)


def not_measurable(reason: str) -> Outcome:
    """A claim nothing in the series can measure; ``reason`` says why, in words."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("not_measurable(): argument 'reason' must say in words why the claim cannot be measured here.")
    return Outcome(NOT_MEASURABLE, reason.strip(), "—", 0, 0)


def spread(values, spec: str = ".3f") -> str:
    """'median [min, max]' of per-seed ``values`` (n,), each formatted with ``spec``; one value: just it."""
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return format(float(values.ravel()[0]), spec)
    s = summarize(values)
    return f"{s.median:{spec}} [{s.low:{spec}}, {s.high:{spec}}]"


def count(tests) -> str:
    """'k/n' of per-seed booleans."""
    tests = np.asarray(tests, dtype=bool)
    return f"{int(tests.sum())}/{tests.size}"
