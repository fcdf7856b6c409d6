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
