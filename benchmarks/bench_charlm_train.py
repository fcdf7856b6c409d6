"""Does the project command reproduce notebook 11's stored character model? And how long does it take?

Trains the model again with ``python -m lstm_helpers.datasets`` in a child process (one BLAS thread, as the
stored weights were made) and times it (wall and CPU time). On the reference platform the weights must equal
``data/charlm_reference.npz`` bit for bit (``--check-charlm``); on another platform, where a different BLAS
kernel changes the training's last digits, it trains into a temporary folder and requires at most 2.0 bits per
character on the held-out text instead.

    .venv/bin/python benchmarks/bench_charlm_train.py            # a few minutes; exit 1 if not reproduced
    .venv/bin/python benchmarks/bench_charlm_train.py --json     # one JSON object on the last line

It is a benchmark, not part of ``make test``, because the command takes about two minutes of CPU time
(more wall time on a busy machine); see benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstm_helpers import env  # noqa: E402
from lstm_helpers.lessons import charlm_pretrained  # noqa: E402

MAX_BITS_PER_CHAR = 2.0


def reference_platform() -> bool:
    """True where the stored weights should be reproduced bit for bit (``lh.env.is_reference_platform()``)."""
    return env.is_reference_platform()


def run(args: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``python -m lstm_helpers.datasets *args``; returns (result, wall s, CPU s of the child)."""
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "lstm_helpers.datasets", *args], cwd=ROOT, env=environment,
                            capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, wall, cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="also print one JSON object as the last line")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    reference = reference_platform()
    with tempfile.TemporaryDirectory() as tmp:
        if reference:
            result, wall, cpu = run(["--check-charlm", str(ROOT / "data")])
            ok = result.returncode == 0
            what = "reproduced bit for bit" if ok else "NOT reproduced bit for bit"
            bpc = None
        else:
            result, wall, cpu = run(["--train-charlm", tmp])
            bpc = charlm_pretrained.load(pathlib.Path(tmp) / charlm_pretrained.WEIGHTS_FILE)[2]["valid_bits_per_char"]
            ok = result.returncode == 0 and bpc <= MAX_BITS_PER_CHAR
            what = f"held-out {bpc:.3f} bits/char ({'<=' if ok else '>'} {MAX_BITS_PER_CHAR})"
    print(f"charlm training command: {what}; wall {wall:.1f} s, CPU {cpu:.1f} s, load average at start {load:.2f}, "
          f"{'reference' if reference else 'other'} platform")
    if not ok:
        print(result.stdout[-2000:] + result.stderr[-3000:], file=sys.stderr)
    if args.json:
        print(json.dumps({"reproduced": ok, "reference_platform": reference, "wall_s": round(wall, 1),
                          "cpu_s": round(cpu, 1), "load_average": round(load, 2), "valid_bits_per_char": bpc}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
