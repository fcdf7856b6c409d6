"""Shared set-up of the unit tests.

* matplotlib draws headless (Agg) before anything imports pyplot.
* hypothesis is deterministic: the 'ci' profile derandomizes the examples (same examples on
  every run), has no deadline (the CPU is shared) and prints the reproduction blob on failure.
  ``HYPOTHESIS_PROFILE=dev pytest ...`` explores random examples instead.
"""
from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, seeded generator for test data."""
    return np.random.default_rng(1234)
