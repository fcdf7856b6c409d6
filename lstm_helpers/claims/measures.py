"""The measurements of one ledger run: each is made once, on first use, and shared by every claim that needs it.

A measurement is a function ``f(ev) -> dict`` registered under a name with :func:`measurement`; it calls the
same lesson functions as the notebook that measures the claim (``measure_*.py``), over the seeds protocol. A
claim's test reads ``ev["name"]`` (:class:`Evidence`), so a measurement several claims share runs once per run,
and a run of a few claims (``--only``) makes only the measurements those claims need.

``data_path(name)`` is a file of the course's ``data/`` folder (the notebooks' fixed test sets; :func:`data_dirs` says where).
"""
from __future__ import annotations

import pathlib
from typing import Callable

import numpy as np

MEASUREMENTS: dict[str, Callable] = {}
DATA_DIR = pathlib.Path(__file__).resolve().parents[2] / "data"      # the repository's data/, beside the package


def measurement(name: str):
    """Register ``f(ev) -> dict`` as the measurement ``name`` (a decorator)."""
    def register(f):
        if name in MEASUREMENTS:
            raise ValueError(f"measurement(): the name {name!r} is registered twice.")
        MEASUREMENTS[name] = f
        return f
    return register


class Evidence:
    """The measurements of one run, made on first use: ``ev["recall_10"]``. ``made`` lists them in order."""

    def __init__(self):
        self._done: dict[str, dict] = {}
        self.made: list[str] = []

    def __getitem__(self, name: str) -> dict:
        if name not in MEASUREMENTS:
            raise KeyError(f"Evidence: no measurement {name!r}; registered: {', '.join(sorted(MEASUREMENTS))}.")
        if name not in self._done:
            self._done[name] = MEASUREMENTS[name](self)
            self.made.append(name)
        return self._done[name]


def data_dirs() -> list[pathlib.Path]:
    """Where the ledger looks for the course's data/ folder, in order: the repository's (beside the package), then
    ``data`` and ``../data`` of the working directory, as the notebooks read it (``../data`` from notebooks/, or
    from an assignment folder on the class hub, where the package is installed as a copy without the repository)."""
    cwd = pathlib.Path.cwd()
    return list(dict.fromkeys([DATA_DIR, cwd / "data", cwd.parent / "data"]))


def data_path(name: str) -> pathlib.Path:
    """The file ``name`` of the course's data/ folder (the first of :func:`data_dirs` that has it);
    FileNotFoundError naming every place looked in, and the fix, if none has it."""
    for folder in data_dirs():
        if (folder / name).is_file():
            return folder / name
    tried = ", ".join(str(folder / name) for folder in data_dirs())
    raise FileNotFoundError(f"the claims ledger needs data/{name} and found it in none of: {tried}; regenerate "
                            "data/ with `python -m lstm_helpers.datasets --write data` (or `make data`).")


def recall_eval_sets() -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Notebook 02's and 10's fixed recall test sequences, data/recall_eval.csv: {lag: (tokens (T, N), targets (N,))}.

    The file's format is the one ``lstm_helpers.datasets`` writes (a line 'lag,target,tokens'); the ledger reads
    it here because a layer of the package never imports the package top, where ``datasets`` stands.
    """
    rows: dict[int, list] = {}
    for line in data_path("recall_eval.csv").read_text().splitlines():
        if line and not line.startswith("#"):
            lag, target, tokens = line.split(",")
            rows.setdefault(int(lag), []).append((int(target), [int(t) for t in tokens.split()]))
    return {lag: (np.array([r[1] for r in rs]).T, np.array([r[0] for r in rs])) for lag, rs in rows.items()}
