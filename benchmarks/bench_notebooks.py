"""Wall time of every notebook, top to bottom in a fresh kernel, kernel start included.

Budget: each notebook <= 30 s (notebook 12, which runs the whole claims ledger live, <= 120 s), the whole series
<= 5 min, on the project's 2-core machine.
Nothing is written back: the notebooks are executed in memory with nbclient.

    .venv/bin/python benchmarks/bench_notebooks.py            # table
    .venv/bin/python benchmarks/bench_notebooks.py --check    # exit 1 if over budget
    .venv/bin/python benchmarks/bench_notebooks.py 02 09      # only notebooks whose name starts so
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK_BUDGET_S = 30.0
BUDGET_OVERRIDES_S = {"12_the_slides_audited": 120.0}   # the only notebook allowed over 30 s
SERIES_BUDGET_S = 300.0


def run(path: pathlib.Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Notebook wall times")
    ap.add_argument("prefixes", nargs="*", help="only notebooks whose file name starts with one of these")
    ap.add_argument("--check", action="store_true", help="exit 1 if a notebook or the series is over budget")
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # as the Makefile runs them
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if p.name.startswith(tuple(args.prefixes))]
    print(f"Notebook wall time, fresh kernel included (budget {NOTEBOOK_BUDGET_S:.0f} s each, 12: "
          f"{BUDGET_OVERRIDES_S['12_the_slides_audited']:.0f} s; {SERIES_BUDGET_S:.0f} s in all); "
          f"load average {os.getloadavg()[0]:.2f}")
    total, over = 0.0, []
    for p in paths:
        s = run(p)
        total += s
        flag = "  OVER BUDGET" if s > BUDGET_OVERRIDES_S.get(p.stem, NOTEBOOK_BUDGET_S) else ""
        print(f"{p.name:40s} {s:6.1f} s{flag}", flush=True)
        if flag:
            over.append(p.name)
    series_over = total > SERIES_BUDGET_S
    print(f"{'series':40s} {total:6.1f} s{'  OVER BUDGET' if series_over else ''}")
    print(f"notebooks: {len(paths) - len(over)} passed, {len(over)} failed")
    return 1 if args.check and (over or series_over) else 0


if __name__ == "__main__":
    sys.exit(main())
