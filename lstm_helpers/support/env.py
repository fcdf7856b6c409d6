"""Environment check for notebook 00: installed versions against the pins in requirements*.txt."""
from __future__ import annotations

import importlib.metadata as md
import json
import pathlib
import platform
import re

import numpy as np
from threadpoolctl import threadpool_info

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)")


def pinned_versions(root=REPO_ROOT) -> dict[str, str]:
    """{package: version} from the ``==`` lines of requirements.txt and requirements-dev.txt."""
    pins = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        pins.update(pinned_versions_of(pathlib.Path(root) / name))
    return pins


def environment_report(root=REPO_ROOT) -> list[dict]:
    """One dict per pinned package: name, pinned, installed (None if missing), ok (installed == pinned)."""
    rows = []
    for name, want in sorted(pinned_versions(root).items()):
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            have = None
        rows.append({"package": name, "pinned": want, "installed": have, "ok": have == want})
    return rows


# ----------------------------------------------------------------------------- the reference platform
# Stored notebook outputs carry trained models' digits, which depend on the CPU's floating point: the BLAS
# kernel OpenBLAS picks for the CPU, numpy's SIMD code paths, the BLAS thread count, the Python and numpy
# versions. The platform the outputs were stored on is recorded in REFERENCE_FILE; `make test` compares
# outputs digit for digit only there (tools/run_tests.py).
REFERENCE_FILE = REPO_ROOT / "notebooks" / "reference_platform.json"

#: What a fingerprint holds, in words (the key -> what a difference means).
FINGERPRINT_KEYS = {
    "machine": "processor architecture",
    "python": "Python version",
    "libc": "C library (libm's exp/tanh)",
    "numpy": "numpy version",
    "numpy_simd": "numpy's SIMD code paths on this CPU",
    "blas": "BLAS library",
    "blas_kernel": "BLAS kernel (OPENBLAS_CORETYPE or the CPU)",
    "blas_threads": "BLAS threads (OPENBLAS_NUM_THREADS)",
    "packages": "versions of the pinned runtime packages",
}


def platform_fingerprint() -> dict:
    """What decides the digits of this machine's results: a dict with the keys of ``FINGERPRINT_KEYS``.

    The BLAS kernel and thread count come from threadpoolctl (numpy's OpenBLAS), numpy's SIMD paths from
    the dispatch targets this CPU supports (e.g. ``["AVX512_ICL", "X86_V3", "X86_V4"]``).
    """
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    first = blas[0] if blas else {}
    try:  # numpy keeps the CPU feature table in its compiled core
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
        simd = sorted(k for k, v in __cpu_features__.items() if v and k in __cpu_dispatch__)
    except ImportError:  # pragma: no cover - other numpy layouts
        simd = []
    libc = " ".join(platform.libc_ver()).strip() or platform.system()
    packages = {}
    for name in sorted(pinned_versions_of(REPO_ROOT / "requirements.txt")):
        try:
            packages[name] = md.version(name)
        except md.PackageNotFoundError:
            packages[name] = None
    return {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "libc": libc,
        "numpy": np.__version__,
        "numpy_simd": simd,
        "blas": f"{first.get('internal_api', 'none')} {first.get('version', '')}".strip(),
        "blas_kernel": first.get("architecture", "unknown"),
        "blas_threads": first.get("num_threads"),
        "packages": packages,
    }


def pinned_versions_of(path) -> dict[str, str]:
    """{package: version} from the ``==`` lines of one requirements file (empty if it does not exist)."""
    p = pathlib.Path(path)
    if not p.exists():
        return {}
    return {m.group(1).lower(): m.group(2) for m in map(PIN.match, p.read_text().splitlines()) if m}


def reference_platform(path=None) -> dict:
    """The fingerprint recorded where the notebooks' outputs were stored (``REFERENCE_FILE``)."""
    p = pathlib.Path(path) if path is not None else REFERENCE_FILE
    if not p.exists():
        raise FileNotFoundError(f"reference_platform(): no record of the reference platform at {p}; "
                                f"make one with `python tools/run_tests.py --record`.")
    return json.loads(p.read_text(encoding="utf-8"))["fingerprint"]


def platform_differences(here: dict | None = None, reference: dict | None = None) -> list[str]:
    """How this machine differs from the reference platform, one readable line per key (empty: it is the reference).

    >>> platform_differences({"blas_kernel": "Haswell"}, {"blas_kernel": "SkylakeX"})
    ['BLAS kernel (OPENBLAS_CORETYPE or the CPU): Haswell here, SkylakeX on the reference platform']
    """
    here = platform_fingerprint() if here is None else here
    reference = reference_platform() if reference is None else reference
    lines = []
    for key, what in FINGERPRINT_KEYS.items():
        a, b = here.get(key), reference.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            changed = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            detail = ", ".join(f"{k} {a.get(k)} here, {b.get(k)} there" for k in changed)
            lines.append(f"{what}: {detail}")
        else:
            lines.append(f"{what}: {a} here, {b} on the reference platform")
    return lines


def is_reference_platform(here: dict | None = None, reference: dict | None = None) -> bool:
    """True when this machine computes the stored outputs' digits (no difference from the reference platform)."""
    return not platform_differences(here, reference)
