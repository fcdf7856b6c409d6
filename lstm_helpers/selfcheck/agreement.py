"""Self-check of notebook 09 (subject-verb agreement): an analysis of the model's errors.

    error_rates(correct, groups) -> {group: error rate}    correct (N,) bool, groups (N,) ints; rates in 0 … 1
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .runner import CheckResult, Raised, call, compare, exception_result, require_callable, result


def error_rates_reference(correct, groups) -> dict:
    """Error rate (fraction wrong, 0 … 1) per group: correct (N,) bool, groups (N,) ints -> {group: rate}."""
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): float(np.mean(~correct[groups == g])) for g in np.unique(groups)}


def check_error_rates(error_rates: Callable) -> CheckResult:
    """Check ``error_rates(correct, groups) -> {group: error rate}``, e.g. the error rate per number of
    attractors measured in notebook 09 (``correct`` (N,) bool, ``groups`` (N,) ints)."""
    item = "error_rates"
    require_callable(error_rates, item)
    rng = np.random.default_rng(909)
    probes = []
    for n in (40, 57):
        groups = rng.integers(0, 4, n)
        probes.append((rng.random(n) < 0.9 - 0.15 * groups, groups))

    def as_vec(d, groups):
        return np.array([d.get(int(g), np.nan) if hasattr(d, "get") else np.nan for g in np.unique(groups)])

    def wrap(fn):
        return lambda correct, groups: as_vec(fn(correct, groups), groups)

    def counts(c, g):
        return {int(k): float(np.sum(~c[g == k])) for k in np.unique(g)}

    def total(c, g):
        return {int(k): float(np.sum(~c[g == k]) / len(c)) for k in np.unique(g)}

    variants = {
        "accuracy_for_error": wrap(lambda c, g: {k: 1 - v for k, v in error_rates_reference(c, g).items()}),
        "percent_for_fraction": wrap(lambda c, g: {k: 100 * v for k, v in error_rates_reference(c, g).items()}),
        "counts_for_rates": wrap(counts),
        "divided_by_total": wrap(total),
        "overall_rate": wrap(lambda c, g: {int(k): float(np.mean(~c)) for k in np.unique(g)}),
    }
    for c, g in probes:
        try:
            out = call(error_rates, c, g)
        except Raised as r:
            return exception_result(item, r.exc)
        if not hasattr(out, "keys"):
            return result(item, "wrong_type", f"Return a dict {{group: error rate}}; got {type(out).__name__}.")
        try:
            keys = sorted(int(k) for k in out.keys())
        except (TypeError, ValueError):
            return result(item, "wrong_type", "The keys of the dict are the groups, whole numbers: {group: error rate}.")
        if keys != sorted(int(k) for k in np.unique(g)):
            return result(item, "wrong_shape", "The dict needs one entry per group present in 'groups'.")
    return compare(item, wrap(error_rates), probes, wrap(error_rates_reference), variants, ("rates",))

