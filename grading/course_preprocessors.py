"""nbgrader preprocessors of this course (loaded by grading/nbgrader_config.py).

ClearExerciseOutputs  generate_assignment: clear the outputs of the "Exercises" section only, so the
                      released notebook still shows every demo's stored figures and tables.
FlagModifiedCells     autograde: nbgrader's OverwriteCells (restores locked/test cells a student
                      edited, re-adds deleted test cells) that also puts a visible note into the
                      graded notebook, hence into the feedback, saying what was restored and why.
LimitOutputSize       autograde: cap every output at ``max_chars`` characters (nbgrader's LimitOutput
                      counts lines only, and 10 MB on one line would pass it).
TimedExecute          autograde: nbgrader's Execute that appends how long the notebook took to run
                      (kernel start to shutdown) to the file named by $GRADE_TIMING_FILE.
"""
from __future__ import annotations

import json
import os
import time

from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer, Unicode

EXERCISES_HEADING = "## exercises"


def exercises_start(nb) -> int | None:
    """Index of the markdown cell that opens the Exercises section (a '## Exercises' heading), or None."""
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().lower().startswith(EXERCISES_HEADING):
            return k
    return None


class ClearExerciseOutputs(NbGraderPreprocessor):
    """Clear outputs and execution counts from the Exercises heading on, and of every nbgrader cell."""

    def preprocess(self, nb, resources):
        start = exercises_start(nb)
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if (start is not None and k > start) or "nbgrader" in cell.metadata:
                cell.outputs = []
                cell.execution_count = None
        return nb, resources


class FlagModifiedCells(OverwriteCells):
    """OverwriteCells, plus a markdown note before every cell it restored or re-added."""

    note = Unicode(
        "**Grader's note:** the submission had changed this read-only cell `{grade_id}` ({what}). "
        "The original cell was restored before grading; your answer was graded with the original tests.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        self._changes: dict[str, list[str]] = {}
        before = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        nb, resources = super().preprocess(nb, resources)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid and gid not in before:
                self._changes.setdefault(gid, []).append("it had been deleted")
        k = 0
        while k < len(nb.cells):
            gid = nb.cells[k].metadata.get("nbgrader", {}).get("grade_id")
            if gid in self._changes:
                nb.cells.insert(k, new_markdown_cell(self.note.format(grade_id=gid, what="; ".join(self._changes.pop(gid)))))
                k += 1
            k += 1
        return nb, resources

    def add_missing_grade_cells(self, nb, resources):
        """Re-add deleted test cells after the nearest earlier cell of the source that is still there
        (nbgrader 0.9.6's own version fails with a KeyError when that earlier cell is a read-only cell)."""
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        cells = {c.name: c for c in source_nb.source_cells}
        order = [c.name for c in source_nb.source_cells]
        grade_cells = {c.name: c for c in source_nb.grade_cells}
        solution_ids = {c.name for c in source_nb.solution_cells}

        def position(gid):
            for k, cell in enumerate(nb.cells):
                if cell.metadata.get("nbgrader", {}).get("grade_id") == gid:
                    return k
            return None

        for gid in order:
            if gid not in grade_cells or position(gid) is not None:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", gid)
            new = self.missing_cell_transform(cells[gid], grade_cells[gid].max_score, is_solution=gid in solution_ids)
            at = 0
            for prev in reversed(order[:order.index(gid)]):
                k = position(prev)
                if k is not None:
                    at = k + 1
                    break
            nb.cells.insert(at, new)
        return nb, resources

    def report_change(self, name, attr, old, new):
        super().report_change(name, attr, old, new)
        what = "its code had been edited" if attr == "checksum" else f"its {attr} had been changed"
        self._changes.setdefault(name, []).append(what)


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate every stream / text output of a code cell to ``max_chars`` characters."""

    max_chars = Integer(20_000, help="characters kept per output").tag(config=True)

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return (text[:self.max_chars] + f"\n... [output truncated by the grader: {len(text):,d} characters "
                f"printed, the first {self.max_chars:,d} kept]\n")

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = out.get("text", "")
                out["text"] = self._cut("".join(text) if isinstance(text, list) else text)
            elif out.get("output_type") in ("execute_result", "display_data"):
                data = out.get("data", {})
                for mime in list(data):
                    if mime.startswith("text/"):
                        v = data[mime]
                        data[mime] = self._cut("".join(v) if isinstance(v, list) else v)
            elif out.get("output_type") == "error":
                out["evalue"] = self._cut(str(out.get("evalue", "")))
                out["traceback"] = [self._cut(line) for line in out.get("traceback", [])]
        return cell, resources


class TimedExecute(Execute):
    """Execute, and record the notebook's run time (fresh kernel, first to last cell) for the timing test."""

    def preprocess(self, nb, resources=None, km=None):
        t0 = time.perf_counter()
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            path = os.environ.get("GRADE_TIMING_FILE")
            if path:
                info = (resources or {}).get("nbgrader", {})
                with open(path, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"student": info.get("student"), "assignment": info.get("assignment"),
                                        "run_seconds": time.perf_counter() - t0}) + "\n")
