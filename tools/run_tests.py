"""`make test`: strict where the stored outputs were made, verdicts everywhere else.

The notebooks are stored executed, and nbval compares every output digit for digit. Trained models'
digits depend on the CPU's floating point (the BLAS kernel OpenBLAS picks for the CPU, numpy's SIMD
paths, thread count, library versions), so a student's laptop cannot reproduce them all. What defines the
platform the outputs were stored on is recorded in ``notebooks/reference_platform.json``
(``lstm_helpers.support.env.platform_fingerprint``). This script:

* on the reference platform runs the unit tests and nbval **strict** on every notebook (as always);
* anywhere else runs the unit tests, then executes every cell of every notebook (any error fails) and
  compares every verdict line (``tools/check_verdicts.py``) and every verdict of the claims ledger as
  stored in notebook 12 (``tools/check_claims.py``) with the stored outputs. It does not compare the
  digits that depend on the machine, and says so in its first line.

Nothing is pinned or overridden to make outputs match (no ``OPENBLAS_CORETYPE``): the student's CPU decides.

    python tools/run_tests.py [pytest arguments]      # what `make test` runs
    python tools/run_tests.py --explain                # only the first line: which mode, and why
    python tools/run_tests.py --record                 # record this machine as the reference platform
"""
from __future__ import annotations

import argparse
import datetime
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_helpers.support import env  # noqa: E402  (the repository's package, also when not installed)

CLAIMS_NOTEBOOK = "12_the_slides_audited.ipynb"


def summary(fp: dict) -> str:
    """A short description of a fingerprint: kernel, SIMD, numpy, Python, threads."""
    simd = "/".join(fp.get("numpy_simd") or []) or "no SIMD dispatch"
    return (f"{fp.get('blas_kernel')} BLAS kernel, {simd}, numpy {fp.get('numpy')}, "
            f"Python {fp.get('python')}, {fp.get('blas_threads')} BLAS thread(s)")


def banner(differences: list[str], here: dict) -> str:
    """The one line `make test` starts with."""
    if not differences:
        return (f"make test: reference platform ({summary(here)}): every notebook output is compared "
                f"digit for digit (nbval strict).")
    return ("make test: NOT the reference platform (" + "; ".join(differences) + "): every cell of every notebook "
            "is executed and must not fail, every verdict line and every claims-ledger verdict must equal the "
            "stored one; the digits of trained models are not compared (they depend on the CPU). "
            "See notebooks/reference_platform.json.")


def record(path: pathlib.Path) -> int:
    fp = env.platform_fingerprint()
    if fp["blas_threads"] != 1:
        print("record: run with OPENBLAS_NUM_THREADS=1 (as make does); the stored outputs are made with one "
              f"BLAS thread, this process has {fp['blas_threads']}.", file=sys.stderr)
        return 2
    payload = {
        "about": "The platform the notebooks' stored outputs were executed on. `make test` compares outputs "
                 "digit for digit only on a machine with this fingerprint (tools/run_tests.py).",
        "recorded": datetime.date.today().isoformat(),
        "fingerprint": fp,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"recorded {path.relative_to(ROOT)}: {summary(fp)}")
    return 0


def run(cmd: list[str]) -> int:
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT).returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Other arguments are passed to pytest (e.g. -n 2 --dist loadfile).")
    parser.add_argument("--record", action="store_true", help="record this machine as the reference platform")
    parser.add_argument("--explain", action="store_true", help="print which mode `make test` runs in, and why")
    args, pytest_args = parser.parse_known_args(argv)
    if args.record:
        return record(env.REFERENCE_FILE)
    here = env.platform_fingerprint()
    try:
        differences = env.platform_differences(here, env.reference_platform())
    except FileNotFoundError as err:
        differences = [str(err)]
    print(banner(differences, here), flush=True)
    if args.explain:
        return 0
    py = sys.executable
    if not differences:
        return run([py, "-m", "pytest", "tests", "notebooks", "--nbval", "--nbval-current-env",
                    "--nbval-cell-timeout=300", *pytest_args])
    status = {"unit tests": run([py, "-m", "pytest", "tests", *pytest_args])}
    with tempfile.TemporaryDirectory() as tmp:
        status["notebooks and verdict lines"] = run(
            [py, str(ROOT / "tools" / "check_verdicts.py"), "--coretypes", "here", "--keep", tmp])
        executed = pathlib.Path(tmp) / "here" / CLAIMS_NOTEBOOK
        checker = ROOT / "tools" / "check_claims.py"
        if checker.exists() and executed.exists():
            status["claims ledger"] = run([py, str(checker), "--executed", str(executed)])
    failed = [k for k, v in status.items() if v != 0]
    print(("make test (not the reference platform): " + ", ".join(f"{k} {'failed' if v else 'passed'}"
                                                              for k, v in status.items())), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
