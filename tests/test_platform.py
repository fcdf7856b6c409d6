"""The reference platform: what defines it, and how `make test` decides strict nbval or verdicts only."""
from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

from lstm_helpers.support import env

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("run_tests", ROOT / "tools" / "run_tests.py")
run_tests = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(run_tests)


def test_fingerprint_has_every_key_and_names_the_blas_kernel():
    fp = env.platform_fingerprint()
    assert set(fp) == set(env.FINGERPRINT_KEYS)
    assert fp["blas"].startswith("openblas") and fp["blas_kernel"] not in ("", "unknown")
    assert fp["python"].count(".") == 2 and fp["packages"]["numpy"] == fp["numpy"]


def test_the_reference_record_is_a_complete_fingerprint_made_with_one_blas_thread():
    ref = env.reference_platform()
    assert set(ref) == set(env.FINGERPRINT_KEYS)
    assert ref["blas_threads"] == 1


def test_differences_name_what_differs_and_nothing_else():
    ref = env.reference_platform()
    assert env.platform_differences(dict(ref), ref) == [] and env.is_reference_platform(dict(ref), ref)
    other = dict(ref, blas_kernel="Haswell", packages=dict(ref["packages"], numpy="0.0"))
    diffs = env.platform_differences(other, ref)
    assert len(diffs) == 2 and not env.is_reference_platform(other, ref)
    assert f"Haswell here, {ref['blas_kernel']} on the reference platform" in diffs[0]
    assert "numpy 0.0 here" in diffs[1]


def test_missing_record_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="--record"):
        env.reference_platform(tmp_path / "none.json")


def test_banner_says_what_is_compared_in_each_mode():
    fp = env.reference_platform()
    strict = run_tests.banner([], fp)
    assert "reference platform" in strict and "digit for digit" in strict and "NOT" not in strict
    lax = run_tests.banner(["BLAS kernel: Prescott here, SkylakeX there"], fp)
    assert lax.startswith("make test: NOT the reference platform (BLAS kernel: Prescott here")
    assert "every verdict line" in lax and "not compared" in lax
    assert "\n" not in lax and "\n" not in strict


def test_another_blas_kernel_is_not_the_reference_platform():
    """OPENBLAS_CORETYPE=Prescott simulates another CPU: `make test` must switch to verdicts only."""
    e = dict(os.environ, OPENBLAS_CORETYPE="Prescott", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "run_tests.py"), "--explain"], env=e,
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("make test: NOT the reference platform (") and "BLAS kernel" in out
    assert out.count("\n") == 1
