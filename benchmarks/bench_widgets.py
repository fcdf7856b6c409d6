"""Widget redraw latency, measured inside a real Jupyter kernel.

For every widget module of ``lstm_helpers.widgets`` (those defining ``bench_cases()``), every
case's sweep of control values is applied one by one; each redraw = ``view.update(**values)``
plus rendering the PNG the widget shows. The budget is 100 ms per redraw (median and
95th percentile are reported; the median must be within budget, every single redraw within 2×).

    .venv/bin/python benchmarks/bench_widgets.py            # table
    .venv/bin/python benchmarks/bench_widgets.py --check    # exit 1 if over budget
    .venv/bin/python benchmarks/bench_widgets.py --in-process  # without a kernel (quick look)
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap

BUDGET_MS = 100.0

KERNEL_CODE = textwrap.dedent(
    """
    import json, statistics, numpy as np
    from lstm_helpers.widgets.registry import all_bench_cases
    rows = []
    for label, view, sweep in all_bench_cases():
        view.render()                      # first full draw is not a redraw
        times = [view.redraw_ms(**kw) for kw in sweep for _ in range(2)]
        times.sort()
        rows.append({"case": label, "n": len(times), "median": statistics.median(times),
                     "p95": times[min(len(times) - 1, int(0.95 * len(times)))], "max": times[-1]})
    print("BENCH_JSON" + json.dumps(rows))
    """
)


def run_in_process() -> list[dict]:
    scope: dict = {}
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(KERNEL_CODE, scope)
    return _parse(buf.getvalue())


def run_in_kernel(timeout: float = 300) -> list[dict]:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    out: list[str] = []
    try:
        kc.execute_interactive("%matplotlib inline", timeout=timeout)
        reply = kc.execute_interactive(
            KERNEL_CODE, timeout=timeout,
            output_hook=lambda msg: out.append(msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None,
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"benchmark code failed in the kernel: {reply['content'].get('evalue')}\n{''.join(out)}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return _parse("".join(out))


def _parse(text: str) -> list[dict]:
    line = [ln for ln in text.splitlines() if ln.startswith("BENCH_JSON")][-1]
    return json.loads(line[len("BENCH_JSON"):])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Widget redraw latency")
    ap.add_argument("--check", action="store_true", help="exit 1 if a case is over budget")
    ap.add_argument("--in-process", action="store_true", help="measure in this process instead of a kernel")
    args = ap.parse_args(argv)
    rows = run_in_process() if args.in_process else run_in_kernel()
    where = "in this process" if args.in_process else "in a Jupyter kernel"
    print(f"Widget redraw latency {where} (budget: median <= {BUDGET_MS:.0f} ms, max <= {2 * BUDGET_MS:.0f} ms)")
    print(f"{'case':48s} {'n':>4s} {'median':>8s} {'p95':>8s} {'max':>8s}")
    bad = []
    for r in rows:
        over = r["median"] > BUDGET_MS or r["max"] > 2 * BUDGET_MS
        flag = "  OVER BUDGET" if over else ""
        print(f"{r['case']:48s} {r['n']:4d} {r['median']:7.1f}ms {r['p95']:7.1f}ms {r['max']:7.1f}ms{flag}")
        if over:
            bad.append(r["case"])
    if not rows:
        print("no widget modules found")
        return 1 if args.check else 0
    print(f"widgets: {len(rows) - len(bad)} passed, {len(bad)} failed")
    return 1 if (args.check and bad) else 0


if __name__ == "__main__":
    sys.exit(main())
