"""The files in ``data/``: every one is generated here from a fixed seed.

    python -m lstm_helpers.datasets --write data     # regenerate the text files
    python -m lstm_helpers.datasets --check data     # exit 1 if a text file differs from its generator
    python -m lstm_helpers.datasets --train-charlm data        # train notebook 11's character model (minutes)
    python -m lstm_helpers.datasets --check-charlm data        # train it again; exit 1 unless bit for bit as stored

Each entry of :data:`DATASETS` maps a file name to a function returning its full text. The character
model's weights (:data:`CHARLM_FILE`, binary) are not in it: training them takes minutes, so they have
their own two commands (:mod:`lstm_helpers.lessons.charlm_pretrained`).
"""
from __future__ import annotations

import argparse
import pathlib
import sys

import numpy as np

from .lessons.agreement import dataset_text as agreement_text  # notebook 09
from .lessons import charlm_pretrained                          # notebook 11
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


CHARLM_FILE = charlm_pretrained.WEIGHTS_FILE

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
    g.add_argument("--train-charlm", metavar="FOLDER",
                   help=f"train notebook 11's character model (minutes), write FOLDER/{CHARLM_FILE}")
    g.add_argument("--check-charlm", metavar="FOLDER",
                   help=f"train it again; exit 1 unless FOLDER/{CHARLM_FILE} is equal bit for bit")
    args = ap.parse_args(argv)
    if args.train_charlm or args.check_charlm:
        return charlm_command(args.train_charlm or args.check_charlm, write=bool(args.train_charlm))
    if args.write:
        for p in write_all(args.write):
            print(f"wrote {p}")
        return 0
    bad = differing(args.check)
    for n in bad:
        print(f"differs from its generator: {n}", file=sys.stderr)
    return 1 if bad else 0


def charlm_command(folder, *, write: bool) -> int:
    """Train the character model (tqdm bars on stderr); write it to ``folder``, or compare it with the file there."""
    path = pathlib.Path(folder) / CHARLM_FILE
    model, vocab, meta = charlm_pretrained.train_reference(progress=True)
    print(f"held-out bits per character: {meta['valid_bits_per_char']:.4f}")
    if write:
        print(f"wrote {charlm_pretrained.save(model, vocab, meta, path)}")
        return 0
    diffs = charlm_pretrained.differences(model, vocab, meta, path)
    for line in diffs:
        print(f"differs from the stored {path}: {line}", file=sys.stderr)
    if not diffs:
        print(f"{path}: reproduced bit for bit")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
