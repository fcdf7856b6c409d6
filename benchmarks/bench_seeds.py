"""Time S seeds trained together against one seed: per training step (one process) and per whole run (1-2).

    .venv/bin/python benchmarks/bench_seeds.py                  # both tables (5-10 minutes)
    .venv/bin/python benchmarks/bench_seeds.py --json           # a JSON list, one object per (config, S, measure)
    .venv/bin/python benchmarks/bench_seeds.py --parts step     # only the per-step CPU table (about a minute)
    .venv/bin/python benchmarks/bench_seeds.py --help           # rounds, repeats, configurations, seed counts

Configurations (the notebooks' training runs): 02 recall task at lag 100 (LSTM H 8 with chrono init,
RNN H 16; B 16, T 102; notebook 10's memory-span runs are the same), 08 word-level language model
(float32; LSTM H 16, B 32, T 21, a read-out at every step), 09 agreement (float32; H 32, B 32 and the
notebook's H 24, B 64), 10 gate ablation on the continual task (LSTM H 8, B 16, T 30, read-out at every
step). 09's sentences differ in length: "T13" rows use batches of the median length 13 only ('step'
only), "drawn T" rows draw each batch as the notebook does (``agreement.train_model_seeds``: the seeds
share one drawn sequence of lengths, 2 to 36, and each seed draws its own sentences of that length).
Each notebook trains its seeds with ``workers`` = :data:`NOTEBOOK_WORKERS` (02 and 09 use a second
process, 08 and 10 one); the last table gives every configuration's ratio as its notebook trains it.

Two measures, each against the same work for one seed (target: ratio <= 2.5 for 5 seeds, <= 4 for 8):

* ``step`` - thread CPU time of ONE training step in ONE process: forward, softmax cross-entropy,
  backward, per-seed global-norm clipping (1.0), Adam. One seed: the one-seed engine
  (``lh.SequenceModel.forward``, ``lh.softmax_cross_entropy``, ``.backward``, ``lh.clip_grad_norm``,
  ``lh.Adam.step``); S seeds: ``SeededModel.forward_backward``, ``clip_seed_grads``, ``SeedAdam.step``,
  each seed on its own batch. This is what S seeds cost on a machine whose other core is busy (e.g.
  ``make test``, two nbval workers on two cores). Thread CPU time, not wall time, so that waiting for
  a CPU on a shared machine does not count (the cache and memory bandwidth that other jobs use still do).
* ``run`` - a WHOLE training run of N steps: ``lh.train`` of one seed against ``lh.train_seeds`` of S
  seeds with ``workers=1`` and ``workers=2`` (the second process is forked inside the call: its start
  counts), batches drawn by ``make_batch`` in the loop (its cost counts too), no evaluation. The ratio
  is that of the CPU time of the busiest process (this process, or the forked worker, counted by
  ``os.times`` once it has been waited for): on idle cores that is the wall time a student waits, and
  unlike the wall time it does not grow when other jobs keep the cores busy. The measured wall ratio is printed
  beside it; with 2 workers it only shows the gain when the second core is free (``make test`` runs two nbval
  workers on two cores: there ``workers=2`` saves nothing, and the ``step`` ratio is what counts).

Method: one BLAS thread (environment variables before numpy is imported, and threadpoolctl). Rounds
are interleaved: in every round each case of a configuration is timed in turn, the order rotating from
round to round, so that a change in machine load hits all cases. Reported: the seconds as medians over
rounds, and the ratio as the median over rounds of the ratio within a round (one seed and S seeds timed
seconds apart, so that a machine that runs faster or slower for a while cancels out), with the range of
those per-round ratios ("in rounds": how much a single measurement moves on this machine).
``step``: per round 3 warm-up steps, then the median of ``--repeats`` steps (the mean over a fixed
pool of drawn batches for "drawn T"). ``run``: per round one run of each case.
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
from lstm_helpers.engine.seeded import SeedAdam, SeededModel, clip_seed_grads, train_seeds  # noqa: E402
from lstm_helpers.engine.seeded.parallel import fork_available  # noqa: E402
from lstm_helpers.lessons import agreement, continual, sentence_corpus  # noqa: E402
from lstm_helpers.lessons.sentences.training import shared_length_sampler  # noqa: E402

TARGETS = {5: 2.5, 8: 4.0}
NOTEBOOK_WORKERS = {"02": 2, "08": 1, "09": 2, "10": 1}     # train_seeds(workers=...) as each notebook calls it
AGREEMENT_T = 13          # the median sentence length of the agreement training set
POOL = 12                 # drawn-length configurations: steps of batches timed in turn (per seed)
MEASURES = {"step": "thread CPU time of one training step, one process",
            "run": "CPU time of the busiest process in a whole training run of {steps} steps (process start "
                   "included): the wall time on idle cores"}


def recall(rng, batch=16, lag=100):
    return lh.recall_batch(rng, batch, lag)


def same(make_batch):
    """A sampler factory that hands out ``make_batch`` itself every time (a sampler that keeps no state)."""
    return lambda: make_batch


def _agreement_sampler(batch: int, dtype, fixed_length: bool):
    """A sampler factory (a fresh sampler for every run). Fixed length: batches of the median length only;
    else the notebook's sampler (as ``agreement.train_model_seeds`` makes it, ``length_seed`` 0)."""
    train = agreement.load_dataset(ROOT / "data" / "agreement.tsv")["train"]
    if not fixed_length:
        return lambda: shared_length_sampler(agreement.WORDS, [s.prefix for s in train], [s.label for s in train],
                                             batch, dtype, length_seed=0, where="bench_seeds", name="prefixes")
    sample = agreement.batch_sampler(train, batch, dtype)

    def make_batch(rng):
        while True:                 # a batch of the median length (the sampler draws the length first)
            x, y = sample(rng)
            if x.shape[0] == AGREEMENT_T:
                return x, y
    return same(make_batch)


def configurations() -> dict:
    """name -> (model kwargs, a factory of make_batch(rng) (called for every run), steps of a whole run, or None:
    no 'run' measure).

    The "T13" rows are a stand-in for 'step' only: their make_batch draws until the length is 13,
    which a run would time too; the notebook's runs are the "drawn T" rows."""
    chrono = {"forget_bias": "chrono", "chrono_max_lag": 300}
    f32 = np.float32
    V, A = len(sentence_corpus.VOCAB), len(agreement.VOCAB)
    return {
        "02 LSTM recall H8 B16 T102": (dict(cell="lstm", input_size=9, hidden_size=8, output_size=4, **chrono),
                                       same(recall), 100),
        "02 RNN recall H16 B16 T102": (dict(cell="rnn", input_size=9, hidden_size=16, output_size=4),
                                       same(recall), 200),
        "08 LSTM language model H16 B32 T21 f32": (
            dict(cell="lstm", input_size=V, hidden_size=16, output_size=V, readout="all",
                 dtype=sentence_corpus.DTYPE),
            lambda: sentence_corpus.batch_sampler(32, 3, sentence_corpus.DTYPE), 150),
        "09 LSTM agreement H32 B32 T13 f32": (
            dict(cell="lstm", input_size=A, hidden_size=32, output_size=2, dtype=f32),
            _agreement_sampler(32, f32, True), None),
        "09 RNN agreement H32 B32 T13 f32": (
            dict(cell="rnn", input_size=A, hidden_size=32, output_size=2, dtype=f32),
            _agreement_sampler(32, f32, True), None),
        "09 LSTM agreement H24 B64 T13 f32 (notebook)": (
            dict(cell="lstm", input_size=A, hidden_size=24, output_size=2, dtype=f32),
            _agreement_sampler(64, f32, True), None),
        "09 RNN agreement H24 B64 T13 f32 (notebook)": (
            dict(cell="rnn", input_size=A, hidden_size=24, output_size=2, dtype=f32),
            _agreement_sampler(64, f32, True), None),
        "09 LSTM agreement H24 B64 drawn T f32 (notebook)": (
            dict(cell="lstm", input_size=A, hidden_size=24, output_size=2, dtype=f32),
            _agreement_sampler(64, f32, False), 200),
        "09 RNN agreement H24 B64 drawn T f32 (notebook)": (
            dict(cell="rnn", input_size=A, hidden_size=24, output_size=2, dtype=f32),
            _agreement_sampler(64, f32, False), 300),
        "10 LSTM ablation H8 B16 T30": (
            dict(cell="lstm", input_size=continual.NUM_TOKENS, hidden_size=8, output_size=continual.NUM_SYMBOLS,
                 readout="all"), same(lambda rng: continual.continual_batch(rng, 16, 30)), 200),
    }


def _split(kwargs: dict):
    kw = dict(kwargs)
    return (kw.pop("cell"), kw.pop("input_size"), kw.pop("hidden_size"), kw.pop("output_size")), kw


def one_seed_model(kwargs: dict):
    args, kw = _split(kwargs)
    return lh.SequenceModel(*args, seed=0, **kw)


def seeded_model(kwargs: dict, S: int):
    args, kw = _split(kwargs)
    return SeededModel(*args, seeds=S, **kw)


# ----------------------------------------------------------------------------- measure 'step'
def one_seed_step(kwargs: dict, pool):
    """pool: batches (x, y) taken in turn, one per step."""
    model = one_seed_model(kwargs)
    pool = [(x.astype(model.dtype), y) for x, y in pool]
    opt = lh.Adam(model.parameters(), lr=1e-3)
    turn = [0]

    def step():
        x, y = pool[turn[0] % len(pool)]
        turn[0] += 1
        logits = model.forward(x)
        _, d_logits = lh.softmax_cross_entropy(logits, y)
        model.backward(d_logits)
        grads = model.grads
        lh.clip_grad_norm(grads, 1.0)
        opt.step(grads)
    return step


def seeds_step(kwargs: dict, pool, S: int):
    """pool: steps, each a list of one batch per seed (at least S), taken in turn."""
    model = seeded_model(kwargs, S)
    pool = [([b[0].astype(model.dtype) for b in batches[:S]], np.stack([b[1] for b in batches[:S]]))
            for batches in pool]
    opt = SeedAdam(model.flat_parameters(), lr=1e-3)
    turn = [0]

    def step():
        x, y = pool[turn[0] % len(pool)]
        turn[0] += 1
        model.forward_backward(x, y)
        clip_seed_grads(model.grads, 1.0, scale=model.flat_grads)
        opt.step(model.flat_grads)
    return step


def step_seconds(step, repeats: int, pooled: bool) -> float:
    """Thread CPU seconds of a step: median of ``repeats`` steps after 3 warm-up steps (pooled: their mean)."""
    for _ in range(3):
        step()
    cpu = []
    for _ in range(repeats):
        c0 = time.thread_time()
        step()
        cpu.append(time.thread_time() - c0)
    return statistics.fmean(cpu) if pooled else statistics.median(cpu)


def interleaved(cases: list, rounds: int, timer) -> dict:
    """{key: [timer(case) of every round]}, the order of the cases rotating from round to round."""
    times: dict = {key: [] for key, _ in cases}
    for r in range(rounds):
        k = r % len(cases)
        for key, case in cases[k:] + cases[:k]:
            times[key].append(timer(case))
    return times


def round_ratios(many: list, one: list) -> list:
    """The ratio S seeds / one seed of each round (both timed in the same round, seconds apart)."""
    return [a / b for a, b in zip(many, one)]


def measure_steps(name: str, seed_counts, rounds: int, repeats: int) -> list[dict]:
    """Fixed-shape configurations: one batch per seed, the median step. Drawn lengths: a pool of POOL steps of
    batches per seed; S seeds run the steps of seeds 0 … S−1, one seed runs each of those S·POOL batches in
    turn (the same lengths), and a round's time is the mean over the whole pool."""
    kwargs, sampler, _ = configurations()[name]
    make_batch = sampler()
    drawn = "drawn" in name
    rngs = [np.random.default_rng(s) for s in range(max(seed_counts))]
    pool = [[make_batch(rng) for rng in rngs] for _ in range(POOL if drawn else 1)]   # pool[step][seed]
    load0 = os.getloadavg()[0]
    if drawn:
        cases = [(("one", S), (one_seed_step(kwargs, [b for batches in pool for b in batches[:S]]), POOL * S))
                 for S in seed_counts]
        cases += [(S, (seeds_step(kwargs, pool, S), POOL)) for S in seed_counts]
    else:
        cases = [("one", (one_seed_step(kwargs, [pool[0][0]]), repeats))]
        cases += [(S, (seeds_step(kwargs, pool, S), repeats)) for S in seed_counts]
    times = interleaved(cases, rounds, lambda case: step_seconds(case[0], case[1], drawn))
    return [_row(name, kwargs, S, 1, "step", times[("one", S) if drawn else "one"], times[S], rounds,
                 POOL if drawn else repeats, (load0, os.getloadavg()[0])) for S in seed_counts]


# ----------------------------------------------------------------------------- measure 'run'
def measure_runs(name: str, seed_counts, rounds: int, steps: int | None, worker_counts) -> list[dict]:
    kwargs, sampler, default_steps = configurations()[name]
    if default_steps is None:
        return []
    steps = steps or default_steps
    load0 = os.getloadavg()[0]

    def one():        # the model is built inside the timed call on both sides
        lh.train(one_seed_model(kwargs), sampler(), steps=steps, seed=0, progress=False)

    def many(S, w):
        return lambda: train_seeds(seeded_model(kwargs, S), sampler(), steps=steps, progress=False, workers=w)

    cases = [("one", one)] + [((S, w), many(S, w)) for S in seed_counts for w in worker_counts]
    times = {key: [] for key, _ in cases}
    for r in range(rounds):
        k = r % len(cases)
        for key, run in cases[k:] + cases[:k]:
            times[key].append(_clocks(run))
    load = (load0, os.getloadavg()[0])
    rows = []
    for S in seed_counts:
        for w in worker_counts:
            one, many = times["one"], times[(S, w)]
            row = _row(name, kwargs, S, w, "run", [t[1] for t in one], [t[2] for t in many], rounds, steps, load)
            wall1, wall = statistics.median(t[0] for t in one), statistics.median(t[0] for t in many)
            row.update({"wall_seconds_one_seed": wall1, "wall_seconds_all_seeds": wall,
                        "wall_ratio": statistics.median(round_ratios([t[0] for t in many], [t[0] for t in one])),
                        "cpu_seconds_all_processes": statistics.median(t[1] for t in many)})
            rows.append(row)
    return rows


def _clocks(run) -> tuple[float, float, float]:
    """(wall, CPU of all processes, CPU of the busiest process) of ``run()``, in seconds. A worker process is
    counted when it has been waited for (``os.times`` children), which ``train_seeds`` does before it returns."""
    t0, c0, k0 = time.perf_counter(), time.process_time(), os.times()
    run()
    wall, own = time.perf_counter() - t0, time.process_time() - c0
    k1 = os.times()
    children = (k1.children_user - k0.children_user) + (k1.children_system - k0.children_system)
    return wall, own + children, max(own, children)   # with 2 workers there is one child: the busiest is known


def _row(name, kwargs, S, workers, measure, one: list, many: list, rounds, repeats, load) -> dict:
    """One result: ``one`` and ``many`` hold the seconds of every round; the ratio is the median over rounds of
    the ratio within a round (the two were timed seconds apart, so a slower or faster machine cancels out)."""
    ratios = round_ratios(many, one)
    ratio = statistics.median(ratios)
    return {"config": name, "seeds": S, "dtype": np.dtype(kwargs.get("dtype", np.float64)).name,
            "workers": workers, "measure": measure, "measures": MEASURES[measure].format(steps=repeats),
            "seconds_one_seed": statistics.median(one), "seconds_all_seeds": statistics.median(many),
            "ratio": ratio, "ratio_range": [min(ratios), max(ratios)], "target": TARGETS.get(S),
            "meets_target": None if S not in TARGETS else bool(ratio <= TARGETS[S]),
            "notebook_workers": NOTEBOOK_WORKERS[name[:2]],
            "as_in_notebook": measure == "run" and workers == NOTEBOOK_WORKERS[name[:2]],
            "rounds": rounds, "repeats" if measure == "step" else "steps": repeats,
            "load_average": [round(v, 2) for v in load], "cpus": os.cpu_count()}


def warm_up(seconds: float) -> None:
    """Keep the CPU busy for ``seconds`` (matrix products and ufuncs) before measuring: on the benchmark machine
    a CPU coming out of idle changed speed during its first second or so (the same step 1.4 or 2.1-2.5 ms)."""
    a = np.random.default_rng(0).standard_normal((64, 64))
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        np.tanh(a @ a, out=a)


# ----------------------------------------------------------------------------- output
def table(rows: list[dict]) -> str:
    lines = []
    heads = {"step": "per training step (forward, loss, backward, clip, Adam): thread CPU time, one process",
             "run": "whole training runs (lh.train of one seed vs lh.train_seeds, batches drawn in the loop): CPU time "
                    "of the busiest process = wall time on idle cores; wall = as measured here, at this load"}
    for measure in ("step", "run"):
        part = [r for r in rows if r["measure"] == measure]
        if not part:
            continue
        unit, scale = ("ms", 1e3) if measure == "step" else ("s", 1.0)
        lines += ["", heads[measure],
                  f"{'configuration':50s} {'dtype':7s} {'S':>2s} {'proc':>4s} {'1 seed ' + unit:>10s} "
                  f"{'S seeds ' + unit:>11s} {'ratio':>6s} {'in rounds':>11s} {'target':>11s}"
                  + (f" {'wall ratio':>10s}" if measure == "run" else "") + f" {'load':>9s}"]
        for r in part:
            target = "" if r["target"] is None else f"<= {r['target']:.1f}" + (" ok" if r["meets_target"] else " MISS")
            load = "-".join(f"{v:.1f}" for v in r["load_average"])
            wall = f" {r['wall_ratio']:10.2f}" if measure == "run" else ""
            lines.append(f"{r['config']:50s} {r['dtype']:7s} {r['seeds']:2d} {r['workers']:4d} "
                         f"{scale * r['seconds_one_seed']:10.3f} {scale * r['seconds_all_seeds']:11.3f} "
                         f"{r['ratio']:6.2f} {'{:.2f}-{:.2f}'.format(*r['ratio_range']):>11s} {target:>11s}{wall} {load:>9s}")
    mine = [r for r in rows if r["as_in_notebook"] and r["target"] is not None]
    if mine:
        lines += ["", "the targets, as each notebook trains its seeds (whole runs, the notebook's workers; the "
                      "busiest process's CPU time = the wall time on idle cores)",
                  f"{'configuration':50s} {'S':>2s} {'proc':>4s} {'ratio':>6s} {'in rounds':>11s} {'target':>11s}"]
        for r in mine:
            target = f"<= {r['target']:.1f}" + (" ok" if r["meets_target"] else " MISS")
            lines.append(f"{r['config']:50s} {r['seeds']:2d} {r['workers']:4d} {r['ratio']:6.2f} "
                         f"{'{:.2f}-{:.2f}'.format(*r['ratio_range']):>11s} {target:>11s}")
    lines.append(f"load: 1-minute load average at the start and end of each configuration ({os.cpu_count()} CPUs); "
                 "other jobs on the machine count in it.")
    return "\n".join(lines).lstrip("\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of the table")
    parser.add_argument("--parts", nargs="+", choices=("step", "run"), default=["step", "run"],
                        help="which measures: 'step' (CPU per step, one process), 'run' (whole runs, 1 and 2 workers)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 'step' (each case timed once per round)")
    parser.add_argument("--repeats", type=int, default=24, help="timed steps per case and round of 'step'")
    parser.add_argument("--run-rounds", type=int, default=3, help="rounds of 'run'")
    parser.add_argument("--run-steps", type=int, default=None, help="steps of every run (default: per configuration)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts of 'run'")
    parser.add_argument("--seeds", type=int, nargs="+", default=[5, 8], help="seed counts S")
    parser.add_argument("--configs", nargs="+", default=None,
                        help="configuration names, or prefixes such as '02' or '09 LSTM' (default: all)")
    parser.add_argument("--warm-up", type=float, default=2.0,
                        help="seconds of busy work before the first measurement (a CPU coming out of idle "
                             "changes speed during its first second or so)")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 if a ratio misses its target: a whole run as the notebook trains "
                             "(with --parts run) or, with --parts step only, a step in one process")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    warm_up(args.warm_up)
    names = list(configurations())
    if args.configs:
        names = [n for n in names if any(n.startswith(p) for p in args.configs)]
        if not names:
            parser.error(f"no configuration starts with {args.configs}; they are: {list(configurations())}")
    if "run" in args.parts and max(args.workers) > 1 and not fork_available():
        print("(no os.fork here: train_seeds runs every seed in this process whatever 'workers' says)", file=sys.stderr)
    rows = []
    for name in names:
        if "step" in args.parts:
            rows += measure_steps(name, args.seeds, args.rounds, args.repeats)
        if "run" in args.parts:
            rows += measure_runs(name, args.seeds, args.run_rounds, args.run_steps, args.workers)
    rows.sort(key=lambda r: (r["measure"] != "step", names.index(r["config"]), r["seeds"], r["workers"]))
    print(json.dumps(rows, indent=1) if args.json else table(rows))
    checked = [r for r in rows if r["as_in_notebook"]] if "run" in args.parts else rows
    return 1 if args.check and any(r["meets_target"] is False for r in checked) else 0


if __name__ == "__main__":
    sys.exit(main())
