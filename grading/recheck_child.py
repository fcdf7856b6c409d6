"""The harness of one isolated re-check (runs inside a sandboxed job of grading/sandbox.py).

Imported once by the re-check server (the zygote) before it enters its jail, so numpy, lstm_helpers,
matplotlib and IPython.display are loaded; :func:`run_job` runs in a fresh fork of it, unprivileged:

1. the engine functions that *are* answers (``payload["block"]``: function names, e.g. forget_gate,
   step_backward, rnn_jacobian_norms, every *_reference of the self-checks) are replaced, wherever
   lstm_helpers holds them, by a function that raises RuntimeError with a clear message; the originals
   are then unreachable (their source files are not in the jail either);
2. for the decay-lag item, DecayExperiment draws from the secret seed instead of the one in the cell;
3. the cells (``payload["cells"]``: the notebook's setup cell, then the answer cells) run in one fresh
   namespace, IPython magics and shell escapes removed; the exercise's given data (``payload["preset"]``,
   e.g. 09's ``correct`` and ``attractors``) is set after the setup cell;
4. the answer (a function called on every secret probe input, or a variable) is written to
   ``out_dir/result.json`` and ``out_dir/result.npz`` as plain float/int arrays (no pickle).

Nothing is compared here: the grader compares the arrays with the reference in its own process.
"""
from __future__ import annotations

import base64
import builtins
import gc
import importlib
import io
import json
import os
import pkgutil
import sys
import traceback
import weakref

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401  (the notebooks' setup cells import it)
import numpy as np  # noqa: E402
from IPython.display import display  # noqa: E402,F401  (idem)

import lstm_helpers  # noqa: E402
from lstm_helpers.lessons import vanishing  # noqa: E402
from lstm_helpers.slides.bptt import StepCache  # noqa: E402

for _m in pkgutil.walk_packages(lstm_helpers.__path__, "lstm_helpers."):   # the jail has no source: import all now
    if not _m.name.endswith("__main__"):
        importlib.import_module(_m.name)

# trusted references, taken before any student code runs
_savez, _asarray, _float64, _int64, _dumps = np.savez, np.asarray, np.float64, np.int64, json.dumps
_open, _isinstance, _int, _callable = builtins.open, builtins.isinstance, builtins.int, callable
_format_exception_only, _extract_tb = traceback.format_exception_only, traceback.extract_tb
CELL_MAGICS_OK = ("%%time", "%%timeit", "%%capture")


def refused(name: str, item: str):
    msg = (f"{name}() is not available when the grader re-checks '{item}': it computes the answer the grader "
           f"compares with. Write the computation yourself with numpy.")

    def refused_engine_function(*args, **kwargs):
        raise RuntimeError(msg)
    refused_engine_function.__name__ = refused_engine_function.__qualname__ = name
    return refused_engine_function


def _holders():
    """(namespace dict or class, key, value) for everything lstm_helpers' modules and classes hold."""
    for mod_name, mod in list(sys.modules.items()):
        if not mod_name.startswith("lstm_helpers") or mod is None:
            continue
        d = vars(mod)
        for k, v in list(d.items()):
            yield mod, k, v
            if isinstance(v, type) and getattr(v, "__module__", "").startswith("lstm_helpers"):
                for ck, cv in list(vars(v).items()):
                    yield v, ck, cv


def _own(v) -> bool:
    """Defined in lstm_helpers."""
    return str(getattr(v, "__module__", "") or "").startswith("lstm_helpers")


def replace(originals: dict, make) -> list[str]:
    """Replace every value in ``originals`` (id -> object) wherever lstm_helpers holds it by ``make(obj)``;
    return the names of those still alive afterwards (should be none)."""
    refs = _weakrefs(originals)
    new, value = {}, None
    for owner, key, value in _holders():
        if id(value) in originals:
            if id(value) not in new:
                new[id(value)] = make(value)
            setattr(owner, key, new[id(value)])
    originals.clear()
    del value
    gc.collect()
    return [name for name, r in refs if r() is not None]


def _weakrefs(objs: dict) -> list:
    out = []
    for v in objs.values():
        try:
            out.append((getattr(v, "__name__", "?"), weakref.ref(v)))
        except TypeError:
            pass
    return out


def block(names: list[str], item: str) -> list[str]:
    """Replace every function (or method) of lstm_helpers whose name is in ``names`` by :func:`refused`."""
    return replace(_named(set(names)), lambda v: refused(getattr(v, "__name__", "function"), item))


def _named(wanted: set[str]) -> dict:
    """id -> function (or method) of lstm_helpers whose name is in ``wanted``."""
    found = {}
    for _, key, value in _holders():
        fn = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if callable(fn) and not isinstance(fn, type) and _own(fn) and getattr(fn, "__name__", None) in wanted:
            found[id(value)] = value
    return found


def force_seed(seed: int) -> None:
    """DecayExperiment(..., seed=anything) draws from ``seed`` (the grader's secret one)."""
    original = vanishing.DecayExperiment

    class DecayExperiment(original):
        def __init__(self, *args, seed=0, **kwargs):
            super().__init__(*args, seed=secret, **kwargs)
    secret = int(seed)
    DecayExperiment.__qualname__ = DecayExperiment.__name__ = original.__name__
    DecayExperiment.__module__ = original.__module__
    for owner, key, value in _holders():
        if value is original and owner is not DecayExperiment:
            setattr(owner, key, DecayExperiment)


def no_ipython():
    raise RuntimeError("get_ipython() is not available when the grader re-checks an answer: the answer cell "
                       "runs as plain Python in a separate process (an answer must not need the IPython shell)")


def python_source(src: str) -> str:
    """A cell's source as plain Python: IPython line magics and shell escapes become ``pass`` (same line
    numbers); a leading %%time / %%timeit / %%capture line is dropped; any other cell magic is not Python."""
    lines = src.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] not in CELL_MAGICS_OK:
            raise SyntaxError(f"the cell is a {lines[0].split()[0]} cell magic, not Python")
        lines[0] = ""
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[:len(line) - len(stripped)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def describe(exc: BaseException, labels: set[str]) -> str:
    """'NameError: ... (line 3 of the answer cell forget_gate)'."""
    text = "".join(_format_exception_only(type(exc), exc)).strip().splitlines()
    text = " ".join(t.strip() for t in text)[-600:]
    where = [f for f in _extract_tb(exc.__traceback__) if f.filename in labels]
    if where:
        text += f" (line {where[-1].lineno} of {where[-1].filename})"
    return text


def decode(arg, arrays):
    if "a" in arg:
        return arrays[arg["a"]].copy()
    if "d" in arg:
        return {k: arrays[v].copy() for k, v in arg["d"].items()}
    if "cache" in arg:
        return StepCache(**{k: arrays[v].copy() for k, v in arg["cache"].items()})
    return arg["v"]


def as_float(value, name: str):
    try:
        a = _asarray(value, dtype=_float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} is {type(value).__name__}, not an array of numbers ({exc})") from None
    return a


def convert(out, spec: dict, k: int, arrays: dict) -> dict:
    """The answer ``out`` of probe ``k`` into ``arrays`` (name -> float array); returns its description."""
    kind = spec["kind"]
    if kind == "arrays":
        names = spec["names"]
        if len(names) == 1:
            out = (out,)
        if not _isinstance(out, (tuple, list)) or len(out) != len(names):
            raise TypeError(f"expected {len(names)} results ({', '.join(names)}), got {type(out).__name__}")
        for n, v in zip(names, out):
            arrays[f"p{k}_{n}"] = as_float(v, n)
        return {"kind": kind}
    if kind == "grads":
        if not _isinstance(out, dict):
            raise TypeError(f"expected a dict of {', '.join(spec['names'])}, got {type(out).__name__}")
        missing = [n for n in spec["names"] if n not in out]
        if missing:
            raise TypeError(f"the result lacks {', '.join(missing)}")
        for n in spec["names"]:
            arrays[f"p{k}_{n}"] = as_float(out[n], n)
        return {"kind": kind}
    if kind == "rates":
        if not hasattr(out, "keys"):
            raise TypeError(f"expected a dict {{group: error rate}}, got {type(out).__name__}")
        keys, values = [], []
        for key in list(out.keys()):
            if _isinstance(key, (bool, np.bool_)) or not _isinstance(key, (_int, np.integer)):
                raise TypeError(f"the keys must be whole numbers (the groups), not {type(key).__name__} {key!r}")
            keys.append(_int(key))
            values.append(float(as_float(out[key], f"the rate of group {key}")))
        arrays[f"p{k}_keys"] = _asarray(keys, dtype=_int64)
        arrays[f"p{k}_rates"] = _asarray(values, dtype=_float64)
        return {"kind": kind}
    raise ValueError(f"unknown output kind {kind!r}")


class Capped(io.TextIOBase):
    """sys.stdout / sys.stderr of a re-check: keeps the first ``cap`` characters, counts the rest (a
    printing answer is not an error here: the kernel's output limits judge printing)."""

    def __init__(self, cap: int = 2000):
        self.cap, self.kept, self.chars = cap, [], 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        if self.chars < self.cap:
            self.kept.append(text[:self.cap - self.chars])
        self.chars += len(text)
        return len(text)

    def flush(self) -> None:
        pass


def run_job(payload: dict, out_dir: str) -> int:
    result = {"status": "error", "stage": "starting", "error": ""}
    arrays: dict = {}
    out = Capped()
    sys.stdout = sys.stderr = out
    result["printed"] = out
    try:
        item = payload["item"]
        alive = block(payload.get("block", []), item)
        if alive:
            result["note"] = "still reachable: " + ", ".join(alive)
        if payload.get("seed") is not None:
            force_seed(payload["seed"])
        inputs = {}
        if payload.get("inputs"):
            with np.load(io.BytesIO(base64.b64decode(payload["inputs"])), allow_pickle=False) as f:
                inputs = {k: f[k] for k in f.files}
        ns = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": no_ipython}
        labels = {cell[0] for cell in payload["cells"]}
        for k, (label, src, required) in enumerate(payload["cells"]):
            if k == 1:                                   # after the setup cell: the exercise's given data
                ns.update({n: inputs[f"preset_{n}"].copy() for n in payload.get("preset", [])})
            result["stage"] = f"running {label}"
            try:
                exec(compile(python_source(src), label, "exec"), ns)
            except BaseException as exc:  # the student's code may raise anything, SystemExit included
                if required:
                    result["error"] = describe(exc, labels)
                    return _write(out_dir, result, arrays)
                result.setdefault("warnings", []).append(f"{label}: {describe(exc, labels)}")
        call = payload["call"]
        name = call["name"]
        if name not in ns:
            result["stage"] = "looking up the answer"
            result["error"] = f"the answer cell does not define {name!r}"
            return _write(out_dir, result, arrays)
        value = ns[name]
        if call["kind"] == "variables":                 # trusted instructor cells: their variables as arrays
            for n in call["names"]:
                arrays[f"v_{n}"] = _asarray(ns[n])
            result.update(status="ok", stage="done")
            return _write(out_dir, result, arrays)
        if call["kind"] == "value":
            result["stage"] = f"reading {name}"
            if _isinstance(value, (bool, np.bool_)) or not _isinstance(value, (_int, np.integer)):
                result["error"] = f"{name} must be a whole number (int), but it is {type(value).__name__} {value!r:.80}"
                return _write(out_dir, result, arrays)
            result.update(status="ok", value=_int(value))
            return _write(out_dir, result, arrays)
        if not _callable(value):
            result["error"] = f"{name} is {type(value).__name__}, not a function"
            return _write(out_dir, result, arrays)
        for k, probe in enumerate(call["probes"]):
            result["stage"] = f"calling {name} on secret input {k + 1}"
            args = [decode(a, inputs) for a in probe]
            try:
                with np.errstate(all="ignore"):
                    out = value(*args)
            except BaseException as exc:  # noqa: BLE001  (any exception of the answer is a failed re-check)
                result.update(error=describe(exc, labels), probe=k)
                return _write(out_dir, result, arrays)
            try:
                convert(out, call["outputs"], k, arrays)
            except (TypeError, ValueError) as exc:
                result.update(error=str(exc), probe=k, stage=f"reading the result of {name} on secret input {k + 1}")
                return _write(out_dir, result, arrays)
        result.update(status="ok", stage="done")
    except BaseException:  # noqa: BLE001
        result["error"] = "the re-check harness failed: " + traceback.format_exc()[-1500:]
    return _write(out_dir, result, arrays)


def _write(out_dir: str, result: dict, arrays: dict) -> int:
    printed = result.get("printed")
    if _isinstance(printed, Capped):
        result["printed"] = {"chars": printed.chars, "head": "".join(printed.kept)}
    if arrays:
        _savez(os.path.join(out_dir, "result.npz"), **arrays)
    with _open(os.path.join(out_dir, "result.json"), "w", encoding="utf-8") as f:
        f.write(_dumps(result))
    return 0
