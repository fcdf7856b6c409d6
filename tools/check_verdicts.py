"""Do the notebooks' verdicts read the same on another CPU?

A student's laptop runs other BLAS kernels than the machine that stored the outputs, so a trained
model's last digits differ. The course's *words* must not: every verdict a notebook prints must be
the same. This runs notebooks under other OpenBLAS kernels (``OPENBLAS_CORETYPE``: Sandybridge and
Prescott both run on any x86-64 machine) and compares their verdict lines with the stored outputs.

A verdict line is an output line that starts with ``Verdict:`` or counts seeds (``k of n seeds``).
It is compared with its decimal numbers masked (``0.93`` -> ``#``): a median may move in its last
digits, but the words, the counts and whole numbers may not.

    python tools/check_verdicts.py                         # every notebook, Sandybridge and Prescott
    python tools/check_verdicts.py notebooks/02_*.ipynb --coretypes Prescott
    python tools/check_verdicts.py --coretypes here --keep /tmp/run   # this machine as it is; keep the runs

Exit status 1 when a notebook fails to run or a verdict line differs (both are listed), 2 on bad
arguments. Runs the notebooks on two processes; each one as ``make execute`` does (one BLAS thread).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORETYPES = ("Sandybridge", "Prescott")
VERDICT = re.compile(r"^\s*Verdict:|\b\d+ of \d+ seeds?\b")
DECIMAL = re.compile(r"[-+−]?\d+\.\d+(?:[eE][-+]?\d+)?")


def output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def verdict_lines(notebook: dict) -> list[tuple[int, str]]:
    """(code cell index, line with decimals masked) for every verdict line of a notebook's outputs."""
    found = []
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    for k, cell in enumerate(code):
        for output in cell.get("outputs", []):
            for line in output_text(output).splitlines():
                if VERDICT.search(line):
                    found.append((k, DECIMAL.sub("#", line.strip())))
    return found


HERE = "here"  # the --coretypes value that keeps this machine's own kernel (no OPENBLAS_CORETYPE set)


def execute(path: pathlib.Path, coretype: str, out_dir: pathlib.Path, timeout: int) -> tuple[dict | None, str]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if coretype != HERE:
        env["OPENBLAS_CORETYPE"] = coretype
    target = out_dir / coretype
    target.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
           f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", str(target), str(path)]
    run = subprocess.run(cmd, cwd=path.parent, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}"
    return json.loads((target / path.name).read_text(encoding="utf-8")), ""


def compare(stored: list, other: list) -> list[str]:
    """Differences between two lists of verdict lines, as readable lines."""
    if stored == other:
        return []
    out = []
    for k in range(max(len(stored), len(other))):
        a = stored[k] if k < len(stored) else None
        b = other[k] if k < len(other) else None
        if a != b:
            out.append(f"    code cell {(a or b)[0]}: stored  {a[1] if a else '(no such line)'}")
            out.append(f"    {' ' * len(f'code cell {(a or b)[0]}')}: here    {b[1] if b else '(no such line)'}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="notebooks to run (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--coretypes", nargs="+", default=list(CORETYPES), metavar="KERNEL",
                        help=f"OpenBLAS kernels to run under (default: {' '.join(CORETYPES)}); "
                             f"'{HERE}' runs with this machine's own kernel")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    parser.add_argument("--keep", type=pathlib.Path, metavar="DIR",
                        help="keep the executed notebooks in DIR/<kernel>/ (default: a temporary folder)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, but it is {args.jobs}")
    paths = [p.resolve() for p in paths]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp, cf.ThreadPoolExecutor(args.jobs) as pool:
        out_dir = args.keep.resolve() if args.keep else pathlib.Path(tmp)
        jobs = {(p, c): pool.submit(execute, p, c, out_dir, args.timeout)
                for c in args.coretypes for p in paths}
        for (path, coretype), job in jobs.items():
            stored = verdict_lines(json.loads(path.read_text(encoding="utf-8")))
            notebook, error = job.result()
            name = f"{path.name} " + ("on this machine's kernel" if coretype == HERE
                                       else f"under OPENBLAS_CORETYPE={coretype}")
            if notebook is None:
                failures += 1
                print(f"FAIL  {name}: did not run: {error}")
                continue
            diffs = compare(stored, verdict_lines(notebook))
            if diffs:
                failures += 1
                print(f"FAIL  {name}: {len(diffs) // 2} verdict line(s) differ from the stored outputs")
                print("\n".join(diffs))
            else:
                print(f"ok    {name}: {len(stored)} verdict line(s) as stored")
    print(f"verdicts: {len(jobs) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
