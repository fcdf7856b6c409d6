"""The character model of notebook 11 trained longer: its recipe, the command that trains it, its weights.

Notebook 11 trains a small character model for a few seconds, then loads this one, trained for a few
minutes by ``python -m lstm_helpers.datasets --train-charlm data`` (:func:`train_reference`), which writes
``data/`` :data:`WEIGHTS_FILE`. Loading (:func:`load`) reads that file; nothing is downloaded.

The recipe (:data:`RECIPE`): ``lh.SequenceModel('lstm', V, H, V, readout='all', dtype=float32, seed=0)``
on the training part of :func:`~lstm_helpers.lessons.charlm.corpus_text` (the pinned text; its last 10 %
is held out and never trained on), random windows of T characters, B windows per step. Adam in phases of
falling learning rate, each phase one ``lh.train`` run (a fresh Adam; batches drawn with ``seed`` = the
recipe's seed + the phase number), gradients clipped to global norm 1. Everything is seeded, so the command
reproduces the stored weights bit for bit on the same machine with one BLAS thread
(``OPENBLAS_NUM_THREADS=1``); another BLAS kernel changes the last digits of training.

The file is an ``.npz`` written byte for byte the same by the same weights (fixed zip timestamps): one
array per parameter (named as ``model.parameters()``), ``vocab`` (the characters in id order) and
``meta`` (JSON: the recipe, the corpus fingerprint, the versions, the held-out bits per character).
"""
from __future__ import annotations

import io
import json
import os
import pathlib
import platform
import zipfile

import numpy as np

from ..engine.models import SequenceModel
from ..engine.train import train
from ..support.checks import check_choice, check_number, check_size
from .charlm import (ALPHABET, CORPUS_SOURCE, Vocab, batch_maker, bits_per_char, corpus_info, corpus_text,
                     eval_batch, split)

WEIGHTS_FILE = "charlm_reference.npz"
RECIPE = {
    "hidden_size": 192,
    "seq_len": 64,
    "batch_size": 32,
    "phases": [[4e-3, 1750], [1e-3, 500], [3e-4, 250]],    # [learning rate, steps] of each phase
    "clip": 1.0,
    "seed": 0,
    "eval_seq_len": 128,                                     # held-out windows scored from a zero state
}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def check_recipe(recipe, where: str) -> dict:
    """``recipe``: a dict with the keys of :data:`RECIPE`, each a valid value; returns a checked copy."""
    if not isinstance(recipe, dict) or set(recipe) != set(RECIPE):
        keys = sorted(recipe) if isinstance(recipe, dict) else type(recipe).__name__
        raise TypeError(f"{where}: argument 'recipe' must be a dict with the keys {sorted(RECIPE)}, but it has {keys}.")
    out = {k: check_size(recipe[k], k, where) for k in ("hidden_size", "seq_len", "batch_size", "eval_seq_len")}
    out["seed"] = check_size(recipe["seed"], "seed", where, minimum=0)
    out["clip"] = check_number(recipe["clip"], "clip", where, low=1e-6)
    phases = recipe["phases"]
    if not isinstance(phases, (list, tuple)) or not phases or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in phases):
        raise TypeError(f"{where}: argument 'phases' must be a non-empty list of [learning rate, steps] pairs, "
                        f"but it is {phases!r}.")
    out["phases"] = [[check_number(lr, "phases learning rate", where, low=1e-6, high=1.0),
                      check_size(steps, "phases steps", where)] for lr, steps in phases]
    return out


def reference_data(*, strict: bool = True) -> tuple[Vocab, np.ndarray, np.ndarray]:
    """The pinned corpus as ids: (vocab over :data:`ALPHABET`, training ids (N_train,), held-out ids (N_valid,))."""
    vocab = Vocab.from_text(ALPHABET)
    train_ids, valid_ids = split(vocab.encode(corpus_text(strict=strict)))
    return vocab, train_ids, valid_ids


def new_model(vocab_size: int, hidden_size: int) -> SequenceModel:
    """The untrained model of the recipe: ``SequenceModel('lstm', V, H, V, readout='all', float32, seed=0)``."""
    return SequenceModel("lstm", vocab_size, hidden_size, vocab_size, readout="all", dtype=np.float32, seed=0)


def train_reference(recipe: dict | None = None, *, progress: bool = True, strict: bool = True):
    """Train the model of ``recipe`` (default :data:`RECIPE`) on the pinned corpus.

    One ``lh.train`` run per phase (a tqdm bar each on stderr when ``progress``).
    Returns ``(model, vocab, meta)``; ``meta`` is what :func:`save` stores (see the module docstring).
    """
    where = "train_reference()"
    recipe = check_recipe(RECIPE if recipe is None else recipe, where)
    vocab, train_ids, valid_ids = reference_data(strict=strict)
    V = len(vocab)
    model = new_model(V, recipe["hidden_size"])
    make_batch = batch_maker(train_ids, V, seq_len=recipe["seq_len"], batch_size=recipe["batch_size"])
    for k, (lr, steps) in enumerate(recipe["phases"]):
        train(model, make_batch, steps=steps, lr=lr, clip=recipe["clip"], seed=recipe["seed"] + k,
              progress=progress, desc=f"char LSTM, phase {k + 1} of {len(recipe['phases'])} (lr {lr:g})")
    bpc = bits_per_char(model, eval_batch(valid_ids, V, seq_len=recipe["eval_seq_len"]))
    text = vocab.decode(np.concatenate([train_ids, valid_ids]))
    meta = {"recipe": recipe, "corpus": {k: v for k, v in corpus_info(text).items() if k != "pinned"},
            "numpy": np.__version__, "machine": platform.machine(),
            "train_characters": int(len(train_ids)), "valid_characters": int(len(valid_ids)),
            "valid_bits_per_char": float(bpc)}
    return model, vocab, meta


def save(model, vocab: Vocab, meta: dict, path) -> pathlib.Path:
    """Write the weights, ``vocab`` and ``meta`` to ``path`` (.npz, the same bytes for the same arrays)."""
    path = check_path(path, "save()")
    arrays = dict(model.parameters())
    arrays["vocab"] = np.array(vocab.chars)
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    return path


def load(path) -> tuple[SequenceModel, Vocab, dict]:
    """Read a file written by :func:`save` -> ``(model, vocab, meta)``; the model is ready to sample from."""
    where = "load()"
    path = check_path(path, where)
    if not path.is_file():
        raise FileNotFoundError(f"{where}: no file {path}; make it with "
                                f"`python -m lstm_helpers.datasets --train-charlm data` (a few minutes).")
    with np.load(path, allow_pickle=False) as stored:
        arrays = {k: stored[k] for k in stored.files}
    missing = {"vocab", "meta"} - set(arrays)
    if missing:
        raise ValueError(f"{where}: {path.name} is not a character model written by save(): no {sorted(missing)}.")
    vocab, meta = Vocab(str(arrays.pop("vocab"))), json.loads(str(arrays.pop("meta")))
    model = new_model(len(vocab), check_size(meta["recipe"]["hidden_size"], "hidden_size", where))
    params = model.parameters()
    if set(arrays) != set(params):
        raise ValueError(f"{where}: {path.name} holds {sorted(arrays)}, but the model has {sorted(params)}.")
    for name, p in params.items():
        if arrays[name].shape != p.shape or arrays[name].dtype != p.dtype:
            raise ValueError(f"{where}: {path.name}: '{name}' has shape {arrays[name].shape} and dtype "
                             f"{arrays[name].dtype}, the model needs {p.shape} {p.dtype}.")
        p[...] = arrays[name]
    return model, vocab, meta


def check_path(path, where: str) -> pathlib.Path:
    """``path`` (a str or path-like) as a ``pathlib.Path``."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: argument 'path' must be a file name (str or pathlib.Path), "
                        f"but it is {type(path).__name__} {path!r}.")
    return pathlib.Path(path)


def differences(model, vocab: Vocab, meta: dict, path) -> list[str]:
    """How a stored file differs from ``(model, vocab, meta)``: one line per array or meta entry ([] if equal).

    Arrays are compared bit for bit (``np.array_equal`` of the same dtype).
    """
    stored_model, stored_vocab, stored_meta = load(path)
    out = [f"vocab: {stored_vocab.chars!r} stored, {vocab.chars!r} here"] if stored_vocab != vocab else []
    mine = model.parameters()
    for name, p in stored_model.parameters().items():
        if not np.array_equal(p, mine[name]):
            out.append(f"{name}: {int(np.sum(p != mine[name]))} of {p.size} numbers differ "
                       f"(largest difference {float(np.max(np.abs(p - mine[name]))):.3g})")
    for key in sorted(set(stored_meta) | set(meta)):
        if stored_meta.get(key) != meta.get(key):
            out.append(f"meta '{key}': {stored_meta.get(key)!r} stored, {meta.get(key)!r} here")
    return out


def describe(meta: dict, *, part: str = "recipe") -> str:
    """One line about a stored model: its 'recipe' (size and training) or its 'corpus' (source and fingerprint)."""
    check_choice(part, "part", "describe()", ("recipe", "corpus"))
    if part == "corpus":
        c = meta["corpus"]
        return (f"{CORPUS_SOURCE} of Python {c['python']}: {c['characters']} characters, {c['lines']} paragraphs, "
                f"sha256 {c['sha256'][:16]}...")
    r = meta["recipe"]
    steps = sum(s for _, s in r["phases"])
    rates = ", ".join(f"{lr:g}" for lr, _ in r["phases"])
    return (f"H = {r['hidden_size']}, {steps} steps of {r['batch_size']} windows of {r['seq_len']} characters "
            f"(learning rate {rates}), trained on {meta['train_characters']} characters")
