"""Helpers of tests/test_selfcheck.py and tests/test_grading.py: read the exercises of the instructor
notebooks, run them in-process with one answer cell replaced, cut a notebook down to its exercises."""
from __future__ import annotations

import copy
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MUTANTS = pathlib.Path(__file__).resolve().parent / "mutants"


def load(path) -> dict:
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def exercise_notebooks() -> list[pathlib.Path]:
    return [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
            if any("nbgrader" in c.get("metadata", {}) for c in load(p)["cells"])]


def items(nb: dict) -> dict[str, int]:
    """Graded items of a notebook: answer-cell grade_id -> points of its test cell '<id>_tests'."""
    points = {grade_id(c): c["metadata"]["nbgrader"]["points"] for c in nb["cells"]
              if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    return {grade_id(c): points[grade_id(c) + "_tests"] for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def exercises_start(nb: dict) -> int:
    for k, c in enumerate(nb["cells"]):
        if c["cell_type"] == "markdown" and source(c).lstrip().lower().startswith("## exercises"):
            return k
    raise ValueError("no '## Exercises' section")


def setup_cell(nb: dict) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "code")


def truncated(nb: dict) -> dict:
    """The notebook cut down to its first code cell (imports) and its Exercises section."""
    out = copy.deepcopy(nb)
    out["cells"] = [copy.deepcopy(setup_cell(nb))] + copy.deepcopy(nb["cells"][exercises_start(nb):])
    return out


def _python(src: str) -> str:
    return "\n".join(line for line in src.splitlines() if not line.lstrip().startswith("%"))


def run_exercises(nb: dict, replace: dict[str, str] | None = None, stop_after: str | None = None) -> dict:
    """Run the setup cell and the Exercises section in one namespace, answer cells replaced by ``replace``
    (grade_id -> source). Returns grade_id -> value: the CheckResult of a self-check cell ('<id>_check'),
    and for a test cell ('<id>_tests') None if it passed or the exception it raised (= 0 points)."""
    replace = replace or {}
    ns: dict = {"__name__": "__exercises__"}
    exec(compile(_python(source(setup_cell(nb))), "<setup>", "exec"), ns)
    results = {}
    for cell in nb["cells"][exercises_start(nb):]:
        if cell["cell_type"] != "code":
            continue
        gid = grade_id(cell)
        src = _python(replace.get(gid, source(cell)))
        if gid and gid.endswith("_check"):
            results[gid] = eval(compile(src, gid, "eval"), ns)
        elif gid and gid.endswith("_tests"):
            try:
                exec(compile(src, gid, "exec"), ns)
                results[gid] = None
            except Exception as exc:  # a failing test cell scores 0
                results[gid] = exc
        else:
            exec(compile(src, gid or "<cell>", "exec"), ns)
        if gid == stop_after:
            break
    return results


def strip_solution_markers(src: str) -> str:
    return re.sub(r"[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", "", src).rstrip() + "\n"


def mutants(item: str) -> list[str]:
    return sorted(p.stem for p in (MUTANTS / item).glob("*.py"))


def mutant_source(item: str, mistake: str) -> str:
    return (MUTANTS / item / f"{mistake}.py").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- end-to-end grading batches
# (tests/test_grading_isolation.py, tests/test_hostile_class.py, benchmarks/bench_grading.py)
GRADING = ROOT / "grading"
PYTHON = ROOT / ".venv" / "bin" / "python"


def solution(path, gid: str) -> str:
    """The instructor's answer cell ``gid`` of notebook ``path``, without the solution markers."""
    return strip_solution_markers(source(next(c for c in load(path)["cells"] if grade_id(c) == gid)))


def with_cells(nb: dict, **sources: str) -> dict:
    """A copy of ``nb`` with the cells named by the keywords (grade_id=source) replaced."""
    out = copy.deepcopy(nb)
    left = dict(sources)
    for c in out["cells"]:
        if grade_id(c) in left:
            c["source"] = left.pop(grade_id(c))
    if left:
        raise KeyError(f"no cells {sorted(left)}")
    return out


def write_notebook(path, nb: dict) -> None:
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def run_release(out) -> pathlib.Path:
    """`grading/course.py release --out <out>` (what `make release` runs); returns ``out``."""
    import subprocess

    res = subprocess.run([str(PYTHON), str(GRADING / "course.py"), "release", "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return pathlib.Path(out)


def run_grade(subs, cell_timeout: int = 20, timeout: float = 3600):
    """`make grade SUBMISSIONS=<subs> CELL_TIMEOUT=<cell_timeout>`; the CompletedProcess (text)."""
    import os
    import subprocess

    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "--no-print-directory", "grade", f"SUBMISSIONS={subs}",
                           f"CELL_TIMEOUT={cell_timeout}"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def item_scores(subs) -> dict:
    """(student, notebook) -> {item: score} from <subs>/gradebook.db (every submission in it)."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{pathlib.Path(subs) / 'gradebook.db'}") as gb:
        for a in gb.assignments:
            for sub in a.submissions:
                for nb in sub.notebooks:
                    out[(sub.student.id, nb.name)] = {g.name[:-len("_tests")]: g.score for g in nb.grades}
    return out


def grading_log(subs) -> dict:
    """(student, notebook) -> the entry of <subs>/grading_log.json."""
    return {(e["student"], e["assignment"]): e
            for e in json.loads((pathlib.Path(subs) / "grading_log.json").read_text(encoding="utf-8"))}


def tree_hashes(*roots) -> dict[str, str]:
    """path -> sha256 of every file under ``roots`` (files or folders; __pycache__ left out)."""
    import hashlib

    out = {}
    for root in roots:
        root = pathlib.Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in files:
            if "__pycache__" not in p.parts:
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def sandbox_processes(wait: float = 10.0) -> list[str]:
    """Processes running as a sandbox uid (grading/sandbox.py: FIRST_ID and above), after waiting up to
    ``wait`` seconds for them to go (a sandbox that just shut down takes a moment to be torn down)."""
    import subprocess
    import sys
    import time

    deadline = time.monotonic() + wait
    while True:
        left = _sandbox_processes()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def _sandbox_processes() -> list[str]:
    import subprocess
    import sys

    sys.path.insert(0, str(GRADING))
    import sandbox

    out = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split() and int(line.split()[0]) >= sandbox.FIRST_ID
            and int(line.split()[0]) < sandbox.FIRST_ID + 1000]
