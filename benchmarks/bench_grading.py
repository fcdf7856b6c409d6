"""`make grade` for a class: seconds per submission, per item re-check, and in all.

Builds ``--students`` students (default 30) who each submit every notebook with exercises. Each answer
is the instructor's (right) or one of the common mistakes of tests/mutants/<item>/ (wrong), drawn with a
fixed seed (about half of the answers are wrong); students are the release, cut down to the setup cell
and the Exercises section (``--full``: the whole release, demos included, as students hand it in). Then
runs `make grade` once (sandboxed kernel, isolated re-checks, tamper audit) and reports from its
grading_log.json:

* per notebook: submissions, seconds per submission (mean / max; nbgrader's whole autograde, the kernel
  run included), seconds of the notebook's own run in the kernel, seconds of the isolated re-check of
  the notebook (all its items), and the slowest single item re-check;
* the total wall time of `make grade`, and how many answers scored right/wrong (a sanity check: every
  right answer scores, every mutant does not).

Budget: the isolated re-check of one item <= 2 s (``--check`` exits 1 if one is slower).

    .venv/bin/python benchmarks/bench_grading.py                 # table
    .venv/bin/python benchmarks/bench_grading.py --json out.json # also the numbers as JSON
    .venv/bin/python benchmarks/bench_grading.py --students 5 --full
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from grading_helpers import (exercise_notebooks, item_scores, items, load, mutant_source, mutants,  # noqa: E402
                             run_grade, run_release, solution, truncated, with_cells, write_notebook)

RECHECK_BUDGET_S = 2.0


def build_class(subs: pathlib.Path, released: pathlib.Path, students: int, full: bool, seed: int = 0) -> dict:
    """Write the submissions; return (student, notebook) -> {item: expected score}."""
    import numpy as np

    rng = np.random.default_rng(seed)
    expected = {}
    for path in exercise_notebooks():
        rel = load(released / "notebooks" / path.name)
        base = rel if full else truncated(rel)
        points = items(load(path))
        for k in range(students):
            student = f"student{k:02d}"
            answers, want = {}, {}
            for item, pts in points.items():
                options = mutants(item)
                if options and rng.random() < 0.5:
                    answers[item] = mutant_source(item, options[int(rng.integers(len(options)))])
                    want[item] = 0
                else:
                    answers[item] = solution(path, item)
                    want[item] = pts
            if "decay_lag" in answers and want.get("jacobian_norms") == 0 and want["decay_lag"]:
                want["decay_lag"] = None            # measured with a wrong jacobian_norms: right or not
            write_notebook(subs / student / path.name, with_cells(base, **answers))
            expected[(student, path.stem)] = want
    return expected


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--full", action="store_true", help="submit whole notebooks (the demos run too)")
    ap.add_argument("--cell-timeout", type=int, default=60)
    ap.add_argument("--json", type=pathlib.Path, help="also write the numbers to this file")
    ap.add_argument("--check", action="store_true", help=f"exit 1 if an item's re-check took > {RECHECK_BUDGET_S} s")
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as t:
        tmp = pathlib.Path(t)
        released = run_release(tmp / "release")
        subs = tmp / "submissions"
        expected = build_class(subs, released, args.students, args.full)
        t0 = time.perf_counter()
        res = run_grade(subs, cell_timeout=args.cell_timeout, timeout=6 * 3600)
        total = time.perf_counter() - t0
        if res.returncode != 0:
            print(res.stdout[-3000:], res.stderr[-3000:])
            return 2
        log = json.loads((subs / "grading_log.json").read_text(encoding="utf-8"))
        scores = item_scores(subs)
    rows, slow = [], []
    for path in exercise_notebooks():
        entries = [e for e in log if e["assignment"] == path.stem and e["status"] == "graded"]
        item_s = [v["seconds"] for e in entries for v in e.get("recheck", {}).values() if "seconds" in v]
        slow += [(e["student"], path.stem, i, v["seconds"]) for e in entries
                 for i, v in e.get("recheck", {}).items() if v.get("seconds", 0) > RECHECK_BUDGET_S]
        rows.append({"notebook": path.stem, "submissions": len(entries),
                     "seconds_mean": statistics.mean(e["seconds"] for e in entries),
                     "seconds_max": max(e["seconds"] for e in entries),
                     "kernel_run_mean": statistics.mean(e["notebook_run_seconds"] or 0 for e in entries),
                     "recheck_mean": statistics.mean(e.get("recheck_seconds", 0) for e in entries),
                     "items_rechecked": len(item_s),
                     "item_recheck_mean": statistics.mean(item_s) if item_s else 0.0,
                     "item_recheck_max": max(item_s) if item_s else 0.0})
    right = wrong = mismatches = 0
    for key, want in expected.items():
        for item, pts in want.items():
            got = scores.get(key, {}).get(item)
            if pts is None:
                continue
            right += pts > 0
            wrong += pts == 0
            mismatches += got != pts
    n = sum(r["submissions"] for r in rows)
    print(f"make grade: {args.students} students x {len(rows)} notebooks = {n} submissions "
          f"({'whole notebooks' if args.full else 'setup cell + Exercises'}), load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'notebook':28s} {'subs':>4s} {'s/sub mean':>10s} {'max':>6s} {'kernel run':>10s} {'re-check':>9s} "
          f"{'items':>5s} {'s/item':>7s} {'max':>6s}")
    for r in rows:
        print(f"{r['notebook']:28s} {r['submissions']:4d} {r['seconds_mean']:10.2f} {r['seconds_max']:6.2f} "
              f"{r['kernel_run_mean']:10.2f} {r['recheck_mean']:9.2f} {r['items_rechecked']:5d} "
              f"{r['item_recheck_mean']:7.3f} {r['item_recheck_max']:6.3f}")
    print(f"total: {total:.1f} s for {n} submissions ({total / max(n, 1):.2f} s per submission, setup included); "
          f"answers right {right}, wrong {wrong}, scored otherwise than expected: {mismatches}")
    print(f"item re-checks over {RECHECK_BUDGET_S:.0f} s: {len(slow)}" + (f" {slow[:5]}" if slow else ""))
    if args.json:
        args.json.write_text(json.dumps({"students": args.students, "full": args.full, "total_seconds": total,
                                         "submissions": n, "notebooks": rows, "slow_items": slow,
                                         "mismatches": mismatches, "load_average": os.getloadavg()[0]}, indent=1))
    return 1 if (args.check and slow) or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
