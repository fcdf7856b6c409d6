"""Time one training step of S seeds trained together against one seed with the one-seed engine.

    .venv/bin/python benchmarks/bench_seeds.py             # the table
    .venv/bin/python benchmarks/bench_seeds.py --json      # a JSON list, one object per (configuration, S)
    .venv/bin/python benchmarks/bench_seeds.py --help      # rounds, repeats, configurations, seed counts

One step = forward, softmax cross-entropy, backward, per-seed global-norm clipping (1.0) and an Adam
update. One-seed engine: ``lh.SequenceModel.forward``, ``lh.softmax_cross_entropy``, ``.backward``,
``lh.clip_grad_norm``, ``lh.Adam.step``. Seeds together: ``SeededModel.forward_backward``,
``clip_seed_grads``, ``SeedAdam.step`` for S seeds, each seed on its own batch (drawn by the lesson's
batch function with that seed's generator, as ``train_seeds`` draws it).

Configurations (the notebooks' training runs): 02 recall task at lag 100 (LSTM H 8 with chrono init,
RNN H 16; B 16, T 102; notebook 10's memory-span runs are the same), 08 word-level language model
(LSTM H 16, B 32, T 21, a read-out at every step), 09 agreement (float32; H 32, B 32 and the notebook's
H 24, B 64; sentences of the median length T 13), 10 gate ablation on the continual task (LSTM H 8,
B 16, T 30, read-out at every step).

Method: one BLAS thread (environment variables before numpy is imported, and threadpoolctl), so a
step runs on one thread and its cost is that thread's CPU time (``time.thread_time``). In every round
each case is timed in turn (one seed, then S = 5, then S = 8; the order rotates from round to round
so that a change in machine load hits all): 3 warm-up steps, then the median of ``--repeats`` steps.
Reported: the median over rounds of those medians, and ratio = time of all seeds / time of one seed
(target: <= 2.5 for 5 seeds, <= 4 for 8). The wall-clock ratio is printed too: on an idle machine
the two agree, but the machine is shared, and with more runnable processes than cores the wall
clock also counts the time a step waits for a CPU (the load average is printed with the table).
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lstm_helpers as lh  # noqa: E402
from lstm_helpers.engine.seeded import SeedAdam, SeededModel, clip_seed_grads  # noqa: E402
from lstm_helpers.lessons import agreement, continual, sentence_corpus  # noqa: E402

TARGETS = {5: 2.5, 8: 4.0}
AGREEMENT_T = 13          # the median sentence length of the agreement training set


def recall(rng, batch=16, lag=100):
    return lh.recall_batch(rng, batch, lag)


def _agreement_batches(batch: int, dtype):
    sample = agreement.batch_sampler(agreement.load_dataset(ROOT / "data" / "agreement.tsv")["train"], batch, dtype)

    def make_batch(rng):
        while True:                 # a batch of the median length (the sampler draws the length first)
            x, y = sample(rng)
            if x.shape[0] == AGREEMENT_T:
                return x, y
    return make_batch


def configurations() -> dict:
    """name -> (model kwargs, make_batch(rng))."""
    chrono = {"forget_bias": "chrono", "chrono_max_lag": 300}
    f32 = np.float32
    return {
        "02 LSTM recall H8 B16 T102": (dict(cell="lstm", input_size=9, hidden_size=8, output_size=4, **chrono), recall),
        "02 RNN recall H16 B16 T102": (dict(cell="rnn", input_size=9, hidden_size=16, output_size=4), recall),
        "08 LSTM language model H16 B32 T21": (
            dict(cell="lstm", input_size=len(sentence_corpus.VOCAB), hidden_size=16,
                 output_size=len(sentence_corpus.VOCAB), readout="all"), sentence_corpus.batch_sampler(32, 3)),
        "09 LSTM agreement H32 B32 T13 f32": (
            dict(cell="lstm", input_size=len(agreement.VOCAB), hidden_size=32, output_size=2, dtype=f32),
            _agreement_batches(32, f32)),
        "09 RNN agreement H32 B32 T13 f32": (
            dict(cell="rnn", input_size=len(agreement.VOCAB), hidden_size=32, output_size=2, dtype=f32),
            _agreement_batches(32, f32)),
        "09 LSTM agreement H24 B64 T13 f32 (notebook)": (
            dict(cell="lstm", input_size=len(agreement.VOCAB), hidden_size=24, output_size=2, dtype=f32),
            _agreement_batches(64, f32)),
        "09 RNN agreement H24 B64 T13 f32 (notebook)": (
            dict(cell="rnn", input_size=len(agreement.VOCAB), hidden_size=24, output_size=2, dtype=f32),
            _agreement_batches(64, f32)),
        "10 LSTM ablation H8 B16 T30": (
            dict(cell="lstm", input_size=continual.NUM_TOKENS, hidden_size=8, output_size=continual.NUM_SYMBOLS,
                 readout="all"), lambda rng: continual.continual_batch(rng, 16, 30)),
    }


def one_seed_step(kwargs: dict, batch):
    kw = dict(kwargs)
    model = lh.SequenceModel(kw.pop("cell"), kw.pop("input_size"), kw.pop("hidden_size"), kw.pop("output_size"),
                             seed=0, **kw)
    x, y = batch
    x = x.astype(model.dtype)
    opt = lh.Adam(model.parameters(), lr=1e-3)

    def step():
        logits = model.forward(x)
        _, d_logits = lh.softmax_cross_entropy(logits, y)
        model.backward(d_logits)
        grads = model.grads
        lh.clip_grad_norm(grads, 1.0)
        opt.step(grads)
    return step


def seeds_step(kwargs: dict, batches, S: int):
    kw = dict(kwargs)
    model = SeededModel(kw.pop("cell"), kw.pop("input_size"), kw.pop("hidden_size"), kw.pop("output_size"),
                        seeds=S, **kw)
    x = np.stack([b[0] for b in batches[:S]]).astype(model.dtype)
    y = np.stack([b[1] for b in batches[:S]])
    opt = SeedAdam(model.flat_parameters(), lr=1e-3)

    def step():
        model.forward_backward(x, y)
        clip_seed_grads(model.grads, 1.0, scale=model.flat_grads)
        opt.step(model.flat_grads)
    return step


def median_seconds(step, repeats: int) -> tuple[float, float]:
    """Median (CPU, wall) seconds of ``repeats`` steps after 3 warm-up steps."""
    for _ in range(3):
        step()
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.thread_time(), time.perf_counter()
        step()
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def measure(names, seed_counts, rounds: int, repeats: int) -> list[dict]:
    configs = configurations()
    rows = []
    for name in names:
        kwargs, make_batch = configs[name]
        batches = [make_batch(np.random.default_rng(s)) for s in range(max(seed_counts))]
        cases = [("one", one_seed_step(kwargs, batches[0]))]
        cases += [(S, seeds_step(kwargs, batches, S)) for S in seed_counts]
        times = {key: [] for key, _ in cases}
        for r in range(rounds):
            k = r % len(cases)
            for key, step in cases[k:] + cases[:k]:
                times[key].append(median_seconds(step, repeats))
        one_cpu, one_wall = (statistics.median(t[i] for t in times["one"]) for i in (0, 1))
        dtype = np.dtype(kwargs.get("dtype", np.float64)).name
        for S in seed_counts:
            cpu, wall = (statistics.median(t[i] for t in times[S]) for i in (0, 1))
            rows.append({"config": name, "seeds": S, "dtype": dtype, "clock": "thread CPU time",
                         "seconds_one_seed": one_cpu, "seconds_all_seeds": cpu, "ratio": cpu / one_cpu,
                         "wall_seconds_one_seed": one_wall, "wall_seconds_all_seeds": wall, "wall_ratio": wall / one_wall,
                         "target": TARGETS.get(S),
                         "meets_target": None if S not in TARGETS else bool(cpu / one_cpu <= TARGETS[S]),
                         "rounds": rounds, "repeats": repeats, "load_average": os.getloadavg()[0]})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["one training step (forward, loss, backward, clip, Adam): median over rounds of the median step; "
             f"load average {os.getloadavg()[0]:.2f}",
             f"{'configuration':46s} {'dtype':8s} {'S':>2s} {'1 seed ms':>10s} {'S seeds ms':>11s} {'ratio':>6s} "
             f"{'target':>10s} {'wall ratio':>11s}"]
    for r in rows:
        target = "" if r["target"] is None else f"<= {r['target']:.1f}" + (" ok" if r["meets_target"] else " MISS")
        lines.append(f"{r['config']:46s} {r['dtype']:8s} {r['seeds']:2d} {1e3 * r['seconds_one_seed']:10.3f} "
                     f"{1e3 * r['seconds_all_seeds']:11.3f} {r['ratio']:6.2f} {target:>10s} {r['wall_ratio']:11.2f}")
    lines.append("ms and ratio: thread CPU time (what the step costs); wall ratio: wall-clock time, which also "
                 "counts waiting for a CPU on a busy machine")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of the table")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (each case is timed once per round)")
    parser.add_argument("--repeats", type=int, default=15, help="timed steps per case and round (median)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[5, 8], help="seed counts S")
    parser.add_argument("--configs", nargs="+", default=None,
                        help="configuration names, or prefixes such as '02' or '09 LSTM' (default: all)")
    parser.add_argument("--check", action="store_true", help="exit with status 1 if a ratio misses its target")
    args = parser.parse_args(argv)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:
        pass
    names = list(configurations())
    if args.configs:
        names = [n for n in names if any(n.startswith(p) for p in args.configs)]
        if not names:
            parser.error(f"no configuration starts with {args.configs}; they are: {list(configurations())}")
    rows = measure(names, args.seeds, args.rounds, args.repeats)
    print(json.dumps(rows, indent=1) if args.json else table(rows))
    return 1 if args.check and any(r["meets_target"] is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
