"""The seed protocol (lstm_helpers.support.evidence): summaries over seeds and "holds in k of n seeds"."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_helpers.support import evidence as ev

VALUES = [0.91, 0.97, 0.88, 0.95, 0.99]


def test_default_seeds_are_five_distinct_seeds():
    assert len(ev.DEFAULT_SEEDS) >= 5
    assert ev.check_seeds(ev.DEFAULT_SEEDS) == tuple(ev.DEFAULT_SEEDS)


@pytest.mark.parametrize("seeds, expected", [(3, (0, 1, 2)), ([4, 2, 9], (4, 2, 9)), ((0,), (0,)),
                                             (range(2, 5), (2, 3, 4)), (np.array([5, 6]), (5, 6)),
                                             ([np.int64(1), 3], (1, 3))])
def test_check_seeds_accepts_a_count_or_a_list(seeds, expected):
    out = ev.check_seeds(seeds)
    assert out == expected and all(type(s) is int for s in out)


@pytest.mark.parametrize("seeds, error, message", [
    (0, ValueError, r"f\(\): argument 'seeds' must be at least 1 \(a number of seeds\), but it is 0"),
    (-2, ValueError, "must be at least 1"),
    ([], ValueError, r"argument 'seeds' is empty; it needs at least one seed, e.g. \(0, 1, 2, 3, 4\)"),
    (2.0, TypeError, "must be a number of seeds .* or a list of seeds .*, but it is float 2.0"),
    ("0,1", TypeError, "but it is str '0,1'"),
    (None, TypeError, "but it is NoneType None"),
    (True, TypeError, "but it is bool True"),
    ({1, 2}, TypeError, "but it is set"),
    ([0, 1.5], TypeError, r"must hold whole numbers \(int\), but seeds\[1\] is float 1.5"),
    ([0, "1"], TypeError, r"seeds\[1\] is str '1'"),
    ([3, -1], ValueError, r"must hold seeds >= 0, but seeds\[1\] is -1"),
    ([1, 2, 1], ValueError, r"repeats seed\(s\) \[1\]"),
    (np.zeros((2, 2), int), ValueError, r"1-D list of seeds, but it has shape \(2, 2\)"),
])
def test_check_seeds_rejects_bad_input_naming_argument_expected_and_actual(seeds, error, message):
    with pytest.raises(error, match=message):
        ev.check_seeds(seeds, "seeds", "f()")


def test_repeats_allowed_on_request():
    assert ev.check_seeds([7, 7], distinct=False) == (7, 7)


def test_summary_median_and_range_or_interval():
    s = ev.summarize(VALUES, seeds=[10, 11, 12, 13, 14])
    assert (s.n, s.median, s.low, s.high) == (5, 0.95, 0.88, 0.99)
    assert s.seeds == (10, 11, 12, 13, 14)
    np.testing.assert_array_equal(s.values, VALUES)
    assert s.format(".2f") == "0.95 [0.88, 0.99] (5 seeds)"
    half = ev.summarize(VALUES, coverage=0.5)
    assert (half.low, half.high) == (np.quantile(VALUES, 0.25), np.quantile(VALUES, 0.75))
    assert half.seeds == (0, 1, 2, 3, 4)
    one = ev.summarize([0.5])
    assert (one.median, one.low, one.high) == (0.5, 0.5, 0.5) and one.format(".1f") == "0.5 [0.5, 0.5] (1 seed)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.median = 0.0
    with pytest.raises(ValueError, match="read-only"):
        s.values[0] = 0.0


def test_per_seed_calls_the_measurement_once_per_seed():
    calls = []
    s = ev.per_seed(lambda seed: calls.append(seed) or np.random.default_rng(seed).uniform(), seeds=4)
    assert calls == [0, 1, 2, 3] and s.seeds == (0, 1, 2, 3)
    np.testing.assert_array_equal(s.values, [np.random.default_rng(k).uniform() for k in range(4)])
    assert ev.per_seed(float).seeds == ev.DEFAULT_SEEDS
    with pytest.raises(TypeError, match=r"'measure' must return a number, but measure\(0\) returned str 'x'"):
        ev.per_seed(lambda seed: "x")
    with pytest.raises(TypeError, match="argument 'measure' must be a function seed -> number, but it is int"):
        ev.per_seed(3)
    with pytest.raises(ValueError, match=r"per_seed\(\): argument 'seeds' must be at least 1"):
        ev.per_seed(float, seeds=0)


@pytest.mark.parametrize("values, seeds, error, message", [
    ([], None, ValueError, "argument 'values' is empty"),
    ([0.1, 0.2], [0, 1, 2], ValueError, r"shape \(n_seeds,\) = \(3,\), one value per seed, but it has shape \(2,\)"),
    ([0.1, np.nan], None, ValueError, r"must be finite, but values\[1\] is nan"),
    (["a", "b"], None, TypeError, "must hold numbers"),
    (3.0, None, TypeError, "must be a list of numbers, one per seed, but it is float"),
    ([0.1, 0.2], [0, 0], ValueError, "repeats seed"),
])
def test_summarize_rejects_bad_values(values, seeds, error, message):
    with pytest.raises(error, match=message):
        ev.summarize(values, seeds)


def test_finding_counts_the_seeds_where_a_threshold_claim_holds():
    f = ev.finding("accuracy reaches 0.9", VALUES, at_least=0.9)
    assert (f.n, f.k) == (5, 4) and f.verdict == "holds in 4 of 5 seeds"
    assert (f.median, f.low, f.high) == (0.95, 0.88, 0.99)
    assert f.depends_on_seed and not f.in_all and not f.in_none
    assert f.failing_seeds == (2,)
    assert f.relation == ">= 0.9"
    assert f.format(".2f") == "accuracy reaches 0.9 (>= 0.9): holds in 4 of 5 seeds; 0.95 [0.88, 0.99] (5 seeds)"
    assert ev.finding("x", VALUES, above=0.99).k == 0 and ev.finding("x", VALUES, at_least=0.99).k == 1
    assert ev.finding("x", VALUES, below=0.88).in_none and ev.finding("x", VALUES, at_most=0.99).in_all
    assert ev.finding("x", [3], above=2).verdict == "holds in 1 of 1 seed"


def test_paired_comparison_and_precomputed_outcomes():
    lstm, rnn = np.array([0.9, 0.8, 0.95]), np.array([0.5, 0.85, 0.6])
    f = ev.finding("LSTM beats RNN", lstm, above=rnn, seeds=[3, 4, 5])
    assert f.k == 2 and f.failing_seeds == (4,) and f.relation == "> reference"
    g = ev.finding("converged", [120, 300, 80], holds=np.array([True, False, True]))
    assert (g.k, g.median, g.relation) == (2, 120.0, "")
    np.testing.assert_array_equal(g.holds, [True, False, True])


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, "give exactly one of 'above', 'at_least', 'below', 'at_most' or 'holds', but none was given"),
    ({"above": 0.5, "below": 0.9}, ValueError, "but 'above', 'below' were given"),
    ({"above": [0.1, 0.2]}, ValueError, r"argument 'above' must have shape \(n_seeds,\) = \(5,\)"),
    ({"above": "0.5"}, TypeError, "argument 'above' must be 5 numbers, one per seed, but it is str"),
    ({"above": ["a"] * 5}, TypeError, "argument 'above' must hold numbers, one per seed, but it holds dtype <U1"),
    ({"holds": [1, 0, 1, 1, 1]}, TypeError, "argument 'holds' must be booleans"),
    ({"holds": np.ones(4, bool)}, ValueError, r"'holds' must have shape \(n_seeds,\) = \(5,\)"),
    ({"above": float("inf")}, ValueError, "argument 'above' must be finite"),
])
def test_finding_rejects_bad_claims(kwargs, error, message):
    with pytest.raises(error, match=message):
        ev.finding("claim", VALUES, **kwargs)


def test_finding_needs_a_label():
    with pytest.raises(TypeError, match="argument 'label' must be a non-empty string"):
        ev.finding("  ", VALUES, above=0.5)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=12), st.floats(-1e6, 1e6))
def test_k_counts_values_above_and_the_rest_are_at_most(values, threshold):
    above = ev.finding("v > t", values, above=threshold)
    at_most = ev.finding("v <= t", values, at_most=threshold)
    assert above.k == sum(v > threshold for v in values)
    assert above.k + at_most.k == above.n == len(values)
    assert above.low <= above.median <= above.high
    assert above.low == min(values) and above.high == max(values)
    assert above.depends_on_seed == (0 < above.k < above.n)
