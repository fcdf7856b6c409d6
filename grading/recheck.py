"""The isolated re-check of every graded item and the tamper audit: nbgrader preprocessors of the
autograde pipeline (grading/nbgrader_config.py).

nbgrader runs the hidden tests in the student's own kernel, so whatever the student's code changes
there (np.allclose, lh.check_*, IPython's input transformers, builtins, ...) the tests believe. After
SaveAutoGrades, :class:`IsolatedRecheck` therefore re-checks every item that scored in the kernel, in a
sandbox (grading/sandbox.py: a fresh process forked from a clean server, own namespaces, no network,
jail, unprivileged uid, limits) on inputs drawn from a secret seed (``os.urandom`` in the grader, new
for every grading run, different for every student and item). Only plain arrays come back (.npz, no
pickle); the grader compares them with the reference in its own process (grading/recheck_items.py).
An item whose re-check disagrees is flagged: ZeroFlaggedItems then sets it to 0 (manual score) with
the reason as the comment of its answer cell. An item that already scored 0 in the kernel is not
re-checked (its feedback already shows why).

:class:`TamperAudit` scans the answer cells and the cells a student added or changed (grading/audit.py);
its findings are reported (grading_log.json, the summary of ``make grade``), not scored.

Both record what they found in the notebook metadata (``lstm_grader``: ``recheck``, ``audit``) and
append one JSON line per submission to $GRADE_REPORT_FILE, which course.py folds into grading_log.json.
"""
from __future__ import annotations

import atexit
import base64
import hashlib
import io
import json
import os
import time

import numpy as np
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer

import audit
import sandbox
from course_preprocessors import FLAGS_KEY, add_flag, item_of
from kernel_sandbox import DATA, sandbox_dir
from recheck_items import ITEMS, compare_function, decay_seed

SECRET = os.urandom(32)              # this grading run's secret: never written anywhere, never sent to a sandbox
_POOL = None
_MEASURED: dict = {}


def rng_for(*parts: str) -> np.random.Generator:
    """A generator seeded from the secret and ``parts`` (student, notebook, item)."""
    digest = hashlib.sha256(SECRET + "\0".join(parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def pool(size: int = 2) -> sandbox.ZygotePool:
    global _POOL
    if _POOL is None:
        _POOL = sandbox.ZygotePool(size, root=os.path.join(sandbox_dir(), "jail"), data_dir=DATA,
                                   ids=sandbox.sandbox_ids(size + 1)[1:])
        _POOL.start()
        atexit.register(_POOL.close)
    return _POOL


def encode_probes(probes: list, preset: dict | None = None) -> tuple[list, str]:
    """Probe arguments as JSON descriptions plus one .npz (base64) of their arrays (and of the ``preset``
    variables, as 'preset_<name>')."""
    arrays, specs = {f"preset_{k}": np.ascontiguousarray(v) for k, v in (preset or {}).items()}, []

    def put(value):
        key = f"a{len(arrays)}"
        arrays[key] = np.ascontiguousarray(value)
        return key
    for args in probes:
        spec = []
        for a in args:
            if isinstance(a, np.ndarray):
                spec.append({"a": put(a)})
            elif isinstance(a, dict):
                spec.append({"d": {k: put(v) for k, v in a.items()}})
            elif hasattr(a, "__dataclass_fields__"):
                spec.append({"cache": {k: put(getattr(a, k)) for k in a.__dataclass_fields__}})
            else:
                spec.append({"v": a})
        specs.append(spec)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return specs, base64.b64encode(buf.getvalue()).decode()


def decode_npz(b64: str | None) -> dict:
    if not b64:
        return {}
    with np.load(io.BytesIO(base64.b64decode(b64)), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def setup_source(nb) -> str:
    """The notebook's first code cell (imports and course style)."""
    cells = code_cells(nb)
    return cells[0].source if cells else ""


def answer_sources(nb) -> dict[str, str]:
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def source_notebook(assignment: str, notebook: str):
    """The instructor's notebook: the course directory's source/ (course.py copies notebooks/ there)."""
    import nbformat

    for path in (os.path.join("source", assignment, notebook + ".ipynb"),
                 os.path.join(sandbox.ROOT, "notebooks", notebook + ".ipynb")):
        if os.path.exists(path):
            return nbformat.read(path, as_version=4)
    raise FileNotFoundError(f"no source notebook for {assignment}/{notebook}")


def measured(src_nb, cell_id: str, names: tuple[str, ...], wall: float) -> tuple | None:
    """Variables of an instructor cell (e.g. 09's early-LSTM measurement), computed once per run in a sandbox."""
    cell = next((c for c in src_nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == cell_id), None)
    if cell is None:
        return None
    key = hashlib.sha256((setup_source(src_nb) + cell.source).encode()).hexdigest()
    if key not in _MEASURED:
        payload = {"item": cell_id, "block": [], "cells": [["the setup cell", setup_source(src_nb), True],
                                                          [cell_id, cell.source, True]],
                   "call": {"kind": "variables", "name": names[0], "names": list(names)}}
        reply = pool().run([{"payload": payload, "wall": max(wall, 30.0)}])[0]
        arrays = decode_npz(reply.get("npz"))
        ok = (reply.get("result") or {}).get("status") == "ok" and all(f"v_{n}" in arrays for n in names)
        _MEASURED[key] = tuple(arrays[f"v_{n}"] for n in names) if ok else None
    return _MEASURED[key]


def report(kind: str, info: dict, data) -> None:
    path = os.environ.get("GRADE_REPORT_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"kind": kind, "student": info.get("student"), "assignment": info.get("assignment"),
                                "data": data}) + "\n")


def failure_text(reply: dict, item: str) -> str:
    """Why a sandboxed job gave no answer, in words for the student."""
    if reply.get("error"):
        return reply["error"]
    if reply.get("timed_out"):
        return f"it did not finish within {reply.get('seconds', 0):.0f} s"
    res = reply.get("result")
    code = reply.get("exit")
    if res is None:
        if code is not None and code > 128:
            import signal
            sig = signal.Signals(code - 128).name if code - 128 in signal.Signals._value2member_map_ else code - 128
            limits = {"SIGKILL": " (a limit was reached: memory, CPU time or processes)",
                      "SIGXFSZ": " (it wrote more than the file-size limit)", "SIGXCPU": " (CPU time limit)"}
            return f"the process was killed by {sig}{limits.get(sig, '')}"
        return (f"the process ended (exit code {code}) before the re-check could read {item}: "
                "os._exit, sys.exit or a crash in the answer cell")
    return res.get("error") or "unknown error"


class IsolatedRecheck(NbGraderPreprocessor):
    """Re-check, in a sandbox on secret inputs, every item that scored in the kernel; flag those that fail."""

    enabled = Bool(True).tag(config=True)
    wall = Float(10.0, help="wall-clock seconds per re-check").tag(config=True)
    workers = Integer(2, help="re-check servers (one per core)").tag(config=True)
    reason = (
        "Item `{item}` scores 0: the isolated re-check (your answer cell run on its own in a separate, "
        "clean process, on secret inputs) does not agree with the tests that ran in your notebook: {why}."
    )

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        t0 = time.perf_counter()
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        src_nb = source_notebook(assignment, notebook)
        answers = answer_sources(nb)
        grade_cells = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                       if c.metadata.get("nbgrader", {}).get("grade")]
        scores = self._kernel_scores(info, answers, grade_cells)
        verdicts, jobs, pending = {}, [], []
        for item in answers:
            spec = ITEMS.get(item)
            if spec is None:
                verdicts[item] = {"status": "no re-check defined"}
                continue
            if not scores.get(item):
                verdicts[item] = {"status": "skipped", "reason": "0 points in the kernel already"}
                continue
            job, probes, expect = self._job(spec, item, src_nb, answers, student, notebook)
            jobs.append(job)
            pending.append((item, spec, probes, expect))
        replies = self._run(jobs)
        for (item, spec, probes, expect), reply in zip(pending, replies):
            passed, why = self._verdict(spec, item, probes, expect, reply)
            verdicts[item] = {"status": "passed" if passed else "failed", "reason": why,
                              "kernel_score": scores.get(item), "seconds": round(reply.get("seconds") or 0.0, 3)}
            if not passed:
                add_flag(nb, item, item_of(item, grade_cells)[1], self.reason.format(item=item, why=why))
        nb.metadata.setdefault(FLAGS_KEY, {})["recheck"] = verdicts
        report("recheck", info, {"items": verdicts, "seconds": round(time.perf_counter() - t0, 3)})
        return nb, resources

    def _run(self, jobs: list[dict]) -> list[dict]:
        """The replies; a job the sandbox itself failed on (not the answer) is tried once more, and if it
        fails again grading this submission stops with an error (never a silent 0 for the student)."""
        if not jobs:
            return []
        replies = pool(self.workers).run(jobs)
        again = [k for k, r in enumerate(replies) if r.get("error")]
        if again:
            for k, r in zip(again, pool(self.workers).run([jobs[k] for k in again])):
                replies[k] = r
            broken = [replies[k]["error"] for k in again if replies[k].get("error")]
            if broken:
                raise RuntimeError(f"the isolated re-check could not run: {broken[0][-1500:]}")
        return replies

    def _kernel_scores(self, info, answers, grade_cells) -> dict:
        out = {}
        with Gradebook(info["db_url"]) as gb:
            for item in answers:
                total = 0.0
                for gc in item_of(item, grade_cells)[1]:
                    try:
                        g = gb.find_grade(gc, info["notebook"], info["assignment"], info["student"])
                    except MissingEntry:
                        continue
                    total += g.auto_score or 0.0
                out[item] = total
        return out

    def _job(self, spec, item, src_nb, answers, student, notebook):
        rng = rng_for(student, notebook, item)
        cells = [["the setup cell", setup_source(src_nb), True]]
        cells += [[f"the answer cell {n}", answers[n], False] for n in spec.needs if n in answers]
        cells.append([f"the answer cell {item}", answers[item], True])
        payload = {"item": item, "block": list(spec.block), "cells": cells}
        probes, expect = [], None
        if spec.call == "value":
            seed, expect = decay_seed(rng)
            payload["seed"] = seed
            payload["call"] = {"kind": "value", "name": spec.extra["variable"]}
        else:
            ctx, preset = {}, {}
            if "measured_cell" in spec.extra:    # the exercise's given data: measured once, set before the answer
                names = spec.extra["measured_vars"]
                ctx["measured"] = measured(src_nb, spec.extra["measured_cell"], names, self.wall)
                preset = dict(zip(names, ctx["measured"])) if ctx["measured"] is not None else {}
            probes = spec.probes(rng, ctx)
            specs, blob = encode_probes(probes, preset)
            payload["inputs"], payload["preset"] = blob, sorted(preset)
            payload["call"] = {"kind": "function", "name": item, "probes": specs, "outputs": spec.outputs}
        return {"payload": payload, "wall": self.wall}, probes, expect

    def _verdict(self, spec, item, probes, expect, reply) -> tuple[bool, str]:
        res = reply.get("result") or {}
        if res.get("status") != "ok":
            why = failure_text(reply, item)
            stage = res.get("stage")
            if stage and res.get("error"):
                k = res.get("probe")
                shape = ""
                if k is not None and k < len(probes):
                    from recheck_items import shapes
                    shape = f" ({shapes(probes[k], spec.args)})"
                why = f"{why.rstrip('.')}, while {stage}{shape}"
            return False, why
        if spec.call == "value":
            got = res.get("value")
            if got != expect:
                return False, (f"{spec.extra['variable']} is {got}, but the lag the same code measures for a "
                               f"secret seed of the experiment is {expect}: store the measured value, not a number")
            return True, f"{spec.extra['variable']} is the lag measured for a secret seed ({expect})"
        try:
            arrays = decode_npz(reply.get("npz"))
        except Exception as exc:  # noqa: BLE001  (a malformed file is a failed re-check)
            return False, f"its result could not be read ({type(exc).__name__})"
        return compare_function(spec, probes, arrays)


class TamperAudit(NbGraderPreprocessor):
    """Scan answer cells and student-added/changed cells for tampering; report, never score."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            src_nb = source_notebook(info["assignment"], info["notebook"])
            original = {c.source.strip() for c in code_cells(src_nb)}
        except FileNotFoundError:
            original = set()
        findings = []
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                label = f"answer cell {meta.get('grade_id')}"
            elif meta.get("locked") or meta.get("grade"):
                continue                                  # restored from the source by nbgrader
            elif cell.source.strip() in original:
                continue
            else:
                label = f"cell {k + 1} (added or changed by the student)"
            for f in audit.audit_source(cell.source):
                findings.append(dict(f, cell=label))
        nb.metadata.setdefault(FLAGS_KEY, {})["audit"] = findings
        report("audit", info, findings)
        return nb, resources
