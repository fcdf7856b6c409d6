"""The files in ``data/``: every one is generated here from a fixed seed, as diff-friendly text.

    python -m lstm_helpers.datasets --write data     # regenerate
    python -m lstm_helpers.datasets --check data     # exit 1 if a file differs from its generator

Each entry of :data:`DATASETS` maps a file name to a function returning its full text.
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

from .lessons.agreement import dataset_text as agreement_text  # notebook 09
from .engine.data import recall_tokens

RECALL_LAGS = (5, 10, 20, 50, 100)
RECALL_EVAL_SIZE = 200
RECALL_SEED = 2024


def recall_eval_text() -> str:
    """Fixed evaluation sequences of the recall task: one line per sequence, 'lag,target,tokens'."""
    lines = ["# lag,target,tokens (symbols 0-3, distractors 4-7, query 8); seed %d" % RECALL_SEED]
    rng = np.random.default_rng(RECALL_SEED)
    for lag in RECALL_LAGS:
        tokens, targets = recall_tokens(rng, RECALL_EVAL_SIZE, lag)
        for b in range(RECALL_EVAL_SIZE):
            lines.append(f"{lag},{targets[b]}," + " ".join(map(str, tokens[:, b])))
    return "\n".join(lines) + "\n"


def load_recall_eval(path) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Read ``recall_eval.csv`` -> {lag: (tokens (T, N), targets (N,))}."""
    rows: dict[int, list] = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        lag, target, toks = line.split(",")
        rows.setdefault(int(lag), []).append((int(target), [int(t) for t in toks.split()]))
    return {lag: (np.array([r[1] for r in rs]).T, np.array([r[0] for r in rs])) for lag, rs in rows.items()}


DATASETS = {
    "agreement.tsv": agreement_text,
    "recall_eval.csv": recall_eval_text,
}


def write_all(folder) -> list[pathlib.Path]:
    """Write every dataset into ``folder``; returns the paths."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in DATASETS.items():
        p = folder / name
        p.write_text(make())
        paths.append(p)
    return paths


def differing(folder) -> list[str]:
    """Names of datasets whose file in ``folder`` is missing or differs from a fresh generation."""
    folder = pathlib.Path(folder)
    return [n for n, make in DATASETS.items() if not (folder / n).exists() or (folder / n).read_text() != make()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", metavar="FOLDER")
    g.add_argument("--check", metavar="FOLDER")
    args = ap.parse_args(argv)
    if args.write:
        for p in write_all(args.write):
            print(f"wrote {p}")
        return 0
    bad = differing(args.check)
    for n in bad:
        print(f"differs from its generator: {n}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
