"""Memory and CPU of the kernel for every notebook, top to bottom in a fresh kernel: what one student's
kernel needs (classroom/README.md sizes the per-student limits from these numbers).

Reported per notebook, for the kernel process (read from /proc/<pid> after the last cell, before shutdown):
peak RSS (VmHWM), CPU seconds (user + system, its waited-for children included) and wall time. The first
row, `(empty kernel)`, is a kernel that runs `pass`: the floor every student pays.

    .venv/bin/python benchmarks/bench_notebook_resources.py            # table
    .venv/bin/python benchmarks/bench_notebook_resources.py --json     # JSON (one object per notebook)
    .venv/bin/python benchmarks/bench_notebook_resources.py 04 07      # only notebooks whose name starts so

Linux only (/proc). Nothing is written back: the notebooks are executed in memory with nbclient.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_stats(pid: int) -> dict:
    """Peak RSS (MiB) and CPU seconds (user + system + waited-for children) of a live process."""
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    hwm_kib = next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmHWM:"))
    rss_kib = next(int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("VmRSS:"))
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()          # after "pid (comm) "; field 3 of proc(5) is fields[0]
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return {"peak_rss_mib": hwm_kib / 1024, "rss_mib": rss_kib / 1024,
            "cpu_s": (utime + stime + cutime + cstime) / CLK_TCK}


def measure(nb, path: pathlib.Path) -> dict:
    """Execute ``nb`` in a fresh kernel (cwd = ``path``); the kernel's stats after the last cell."""
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path)}})
    last: dict = {}

    def after_cell(**_):
        last.update(proc_stats(client.km.provisioner.process.pid))

    client.on_cell_executed = after_cell
    t0 = time.perf_counter()
    client.execute()
    last["wall_s"] = time.perf_counter() - t0
    return last


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Peak RSS and CPU seconds of each notebook's kernel")
    ap.add_argument("prefixes", nargs="*", help="only notebooks whose file name starts with one of these")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # as the Makefile and the classroom run them
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.prefixes:
        paths = [p for p in paths if p.name.startswith(tuple(args.prefixes))]
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    rows = [{"notebook": "(empty kernel)", **measure(empty, ROOT / "notebooks")}]
    if not args.json:
        print(f"Kernel resources per notebook, fresh kernel each (load average {os.getloadavg()[0]:.2f})")
        print(f"{'notebook':40s} {'peak RSS':>10s} {'CPU':>8s} {'wall':>8s}")
        print(f"{rows[0]['notebook']:40s} {rows[0]['peak_rss_mib']:7.0f} MiB {rows[0]['cpu_s']:6.1f} s "
              f"{rows[0]['wall_s']:6.1f} s", flush=True)
    for p in paths:
        row = {"notebook": p.name, **measure(nbformat.read(p, as_version=4), p.parent)}
        rows.append(row)
        if not args.json:
            print(f"{p.name:40s} {row['peak_rss_mib']:7.0f} MiB {row['cpu_s']:6.1f} s {row['wall_s']:6.1f} s",
                  flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        worst = max(rows[1:], key=lambda r: r["peak_rss_mib"]) if len(rows) > 1 else rows[0]
        print(f"largest peak RSS: {worst['notebook']} {worst['peak_rss_mib']:.0f} MiB; "
              f"CPU seconds in all: {sum(r['cpu_s'] for r in rows[1:]):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
