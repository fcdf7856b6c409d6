"""Time one training step of the LSTM layer: forward over the sequence + BPTT backward.

    .venv/bin/python benchmarks/bench_step.py            # what `make bench` runs
    .venv/bin/python benchmarks/bench_step.py --help     # rounds, repeats, threads, sizes, dtypes

One step = ``lh.LSTM.forward(x)`` from a zero state, the loss L = Σ outputs ⊙ r for a fixed
random tensor r, and ``LSTM.backward(r)`` (= ∂L/∂outputs): every parameter gradient and ∂L/∂x.
Sizes (B, T, D, H) = (64, 100, 64, 128) and (1, 200, 8, 32), in float32 and float64.

FLOP count (matrix products only; the O(T·B·H) elementwise work is not counted):
    forward   2·T·B·4H·(D+H)   the gate pre-activations [h_{t-1}, x_t] -> 4H for every step
    backward  2·T·B·4H·(D+H)   ∂L/∂[h_{t-1}, x_t] from ∂L/∂(pre-activations)
            + 2·T·B·4H·(D+H)   the weight gradients
    total     FLOPS = 24·T·B·H·(D+H)

When torch is importable, ``torch.nn.LSTM`` on the CPU does the same work (same sizes, dtype,
loss, and the gradient with respect to x as well). Every measurement runs in its OWN process
with the SAME thread count (OMP/OPENBLAS/MKL_NUM_THREADS in its environment, threadpoolctl when
installed, ``torch.set_num_threads``); numpy and torch processes ALTERNATE for several rounds
(which one goes first alternates too), and the reported ratio is the median over rounds of
numpy_time / torch_time, each time being the median of the repeats inside one process.
torch is never a dependency of the project: install it into .venv only, for this measurement,
with ``.venv/bin/pip install torch==2.13.0``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

CASES = {"big": (64, 100, 64, 128), "small": (1, 200, 8, 32)}  # (B, T, D, H)
DTYPES = ("float32", "float64")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def flops(B: int, T: int, D: int, H: int) -> int:
    """Matrix-product FLOPs of one forward + backward step: 24·T·B·H·(D+H)."""
    return 24 * T * B * H * (D + H)


# --------------------------------------------------------------------------- worker processes
def _blas_info() -> dict:
    """BLAS library, its kernel (core type) and thread count, as numpy's process sees them."""
    try:
        from threadpoolctl import threadpool_info
        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            i = infos[0]
            return {"blas": f"{i.get('internal_api')} {i.get('version')}", "kernel": i.get("architecture"),
                    "blas_threads": i.get("num_threads"), "via": "threadpoolctl"}
    except ImportError:
        pass
    import ctypes
    info = {"via": "ctypes"}
    try:
        with open("/proc/self/maps") as fh:
            libs = sorted({line.split()[-1] for line in fh if "openblas" in line.lower() and "/" in line})
    except OSError:
        libs = []
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                corename = getattr(lib, f"{prefix}get_corename{suffix}", None)
                if corename is None:
                    continue
                corename.restype = ctypes.c_char_p
                config = getattr(lib, f"{prefix}get_config{suffix}")
                config.restype = ctypes.c_char_p
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
                info.update(blas=" ".join(config().decode().split()[:2]), kernel=corename().decode(),
                            blas_threads=int(threads()))
                return info
    return info


def _median_ms(step, repeats: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times), 1e3 * min(times)


def worker_numpy(B, T, D, H, dtype, repeats, threads) -> dict:
    import numpy as np
    limiter = None
    try:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(threads)
    except ImportError:
        pass
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import lstm_helpers as lh

    rng = np.random.default_rng(0)
    layer = lh.LSTM(D, H, dtype=np.dtype(dtype), seed=0)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    r = rng.standard_normal((T, B, H)).astype(dtype)
    sink = []

    def step():
        out, _ = layer.forward(x)
        loss = float(np.sum(out * r))
        dx = layer.backward(r)      # ∂L/∂outputs = r
        sink.append((loss, dx[0, 0, 0]))

    med, best = _median_ms(step, repeats)
    del limiter
    return {"ms": med, "best_ms": best, "numpy": np.__version__, **_blas_info()}


def worker_torch(B, T, D, H, dtype, repeats, threads) -> dict:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    tdt = getattr(torch, dtype)
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(D, H).to(tdt)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((T, B, D)), dtype=tdt, requires_grad=True)
    r = torch.tensor(rng.standard_normal((T, B, H)), dtype=tdt)
    params = list(lstm.parameters())

    def step():
        for p in params:
            p.grad = None
        x.grad = None
        out, _ = lstm(x)
        loss = (out * r).sum()
        loss.backward()

    med, best = _median_ms(step, repeats)
    return {"ms": med, "best_ms": best, "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "mkldnn": bool(torch.backends.mkldnn.is_available())}


# --------------------------------------------------------------------------- driver
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _torch_status() -> tuple[str | None, str]:
    """(torch version, '') if a fresh process can import torch, else (None, the reason)."""
    res = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                         capture_output=True, text=True, check=False)
    if res.returncode == 0:
        return res.stdout.strip(), ""
    lines = res.stderr.strip().splitlines()
    return None, lines[-1] if lines else f"exit code {res.returncode}"


def _run_worker(kind, case, dtype, args) -> dict:
    B, T, D, H = case
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(args.threads)
    if args.unset_openblas_coretype:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    repeats = args.repeats or (20 if B * T * H > 100_000 else 50)
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, "--case", ",".join(map(str, case)),
           "--worker-dtype", dtype, "--repeats", str(repeats), "--threads", str(args.threads)]
    try:
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        print(f"  ({kind} {dtype} {case}: no result within {args.timeout} s - machine overloaded? - left out)",
              flush=True)
        return None
    if res.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="alternating numpy/torch rounds per case (default 5)")
    ap.add_argument("--repeats", type=int, default=0, help="timed steps per process (default 20 big / 50 small)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads for BOTH libraries (default: all cores)")
    ap.add_argument("--cases", default="big,small", help="comma list of: " + ", ".join(CASES))
    ap.add_argument("--dtypes", default=",".join(DTYPES))
    ap.add_argument("--no-torch", action="store_true", help="skip torch even if it is importable")
    ap.add_argument("--unset-openblas-coretype", action="store_true",
                    help="remove OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE from the workers' environment")
    ap.add_argument("--timeout", type=float, default=300, help="seconds one worker process may take (default 300)")
    ap.add_argument("--json", help="also write the results to this file")
    ap.add_argument("--worker", choices=("numpy", "torch"), help=argparse.SUPPRESS)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--worker-dtype", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        B, T, D, H = map(int, args.case.split(","))
        fn = worker_numpy if args.worker == "numpy" else worker_torch
        print(json.dumps(fn(B, T, D, H, args.worker_dtype, args.repeats, args.threads)))
        return 0

    cases = [(name, CASES[name]) for name in args.cases.split(",")]
    dtypes = args.dtypes.split(",")
    torch_version, why = (None, "--no-torch given") if args.no_torch else _torch_status()
    have_torch = torch_version is not None
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    print(f"CPU: {_cpu_model()}, {os.cpu_count()} cores; threads used by both libraries: {args.threads}")
    print(f"Python {platform.python_version()}; OPENBLAS_CORETYPE in this shell: {coretype or 'not set'}"
          f"{' (removed for the workers)' if args.unset_openblas_coretype and coretype else ''}")
    if args.no_torch:
        print("torch column SKIPPED: --no-torch given.")
    elif not have_torch:
        print(f"torch column SKIPPED: torch is not importable ({why}). To compare, install it into .venv "
              f"only (never into requirements): .venv/bin/pip install torch==2.13.0")
    print(f"FLOPs per step = 24*T*B*H*(D+H) (matrix products only); {args.rounds} alternating rounds per case, "
          f"each number is a median over rounds of per-process medians.\n")

    header = (f"{'case':26s} {'dtype':8s} {'numpy ms':>9s} {'GFLOP/s':>8s}"
              + (f" {'torch ms':>9s} {'GFLOP/s':>8s} {'numpy/torch':>12s} {'(min-max)':>12s} {'best/best':>9s}"
                 if have_torch else "")
              + f" {'load':>5s}")
    print(header)
    print("-" * len(header))
    results, info_printed = [], False
    for name, case in cases:
        B, T, D, H = case
        for dtype in dtypes:
            load0 = os.getloadavg()[0]
            np_ms, th_ms, ratios, np_best, th_best = [], [], [], [], []
            for rnd in range(args.rounds):
                order = ("numpy", "torch") if rnd % 2 == 0 else ("torch", "numpy")
                got = {}
                for kind in order:
                    if kind == "torch" and not have_torch:
                        continue
                    got[kind] = _run_worker(kind, case, dtype, args)
                if got["numpy"] is None or (have_torch and got["torch"] is None):
                    continue
                np_ms.append(got["numpy"]["ms"])
                np_best.append(got["numpy"]["best_ms"])
                if have_torch:
                    th_ms.append(got["torch"]["ms"])
                    th_best.append(got["torch"]["best_ms"])
                    ratios.append(got["numpy"]["ms"] / got["torch"]["ms"])
                if not info_printed:
                    n = got["numpy"]
                    line = f"numpy {n['numpy']}, BLAS {n.get('blas', '?')} kernel {n.get('kernel', '?')} " \
                           f"({n.get('blas_threads', '?')} threads, read via {n['via']})"
                    if have_torch:
                        t = got["torch"]
                        line += f"; torch {t['torch']} ({t['torch_threads']} threads, mkldnn {t['mkldnn']})"
                    print(line)
                    info_printed = True
            load = max(load0, os.getloadavg()[0])
            if not np_ms:
                print(f"B={B:<3d} T={T:<3d} D={D:<3d} H={H:<3d}   {dtype:8s}  no complete round", flush=True)
                continue
            f = flops(*case)
            row = {"case": name, "B": B, "T": T, "D": D, "H": H, "dtype": dtype, "flops": f,
                   "numpy_ms": statistics.median(np_ms), "numpy_ms_rounds": np_ms, "numpy_best_ms": min(np_best),
                   "load": load}
            text = (f"B={B:<3d} T={T:<3d} D={D:<3d} H={H:<3d}   {dtype:8s} {row['numpy_ms']:9.2f} "
                    f"{f / row['numpy_ms'] / 1e6:8.1f}")
            if have_torch:
                row.update(torch_ms=statistics.median(th_ms), torch_ms_rounds=th_ms, torch_best_ms=min(th_best),
                           ratio=statistics.median(ratios), ratio_rounds=ratios,
                           best_ratio=min(np_best) / min(th_best))
                text += (f" {row['torch_ms']:9.2f} {f / row['torch_ms'] / 1e6:8.1f} {row['ratio']:12.2f}"
                         f" {f'({min(ratios):.2f}-{max(ratios):.2f})':>12s} {row['best_ratio']:9.2f}")
            print(text + f" {load:5.2f}", flush=True)
            results.append(row)
    print("\nnumpy/torch = median over rounds of the per-round ratio; best/best = fastest numpy step / fastest torch "
          "step over all rounds\n(less sensitive to other work on the machine). load = the highest 1-minute load "
          f"average seen around that case\n(with {os.cpu_count()} cores, a load well above the thread count means "
          "other processes competed for the CPU).")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"threads": args.threads, "cpu": _cpu_model(), "results": results,
                       "unset_openblas_coretype": args.unset_openblas_coretype,
                       "date": time.strftime("%Y-%m-%d %H:%M")}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
