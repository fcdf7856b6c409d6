"""nbgrader preprocessors of this course (loaded by grading/nbgrader_config.py).

ClearExerciseOutputs  generate_assignment: clear the outputs of the "Exercises" section only, so the
                      released notebook still shows every demo's stored figures and tables.
FlagModifiedCells     autograde: nbgrader's OverwriteCells (restores locked/test cells a student
                      edited, re-adds deleted test cells) that also puts a visible note into the
                      graded notebook, hence into the feedback, saying what was restored and why.
                      An edited read-only cell (code, type, lock or points) flags its item: 0 points.
LimitOutputSize       autograde: cap every output at ``max_chars`` characters (nbgrader's LimitOutput
                      counts lines only, and 10 MB on one line would pass it). A cell of an item that
                      printed more than ``zero_above_chars`` characters flags the item: 0 points.
ZeroFlaggedItems      autograde, after SaveAutoGrades: the flagged items get manual_score = 0 in the
                      gradebook (it overrides the auto score in every total) and the reason as the
                      comment of their answer cell (shown in the feedback).

Items. A graded item is one grade cell ('<id>_tests') and the cells named '<id>', '<id>_text',
'<id>_check', ... ('<id>' or '<id>_<anything>'). Flags travel in the notebook metadata
(``nb.metadata["lstm_grader"]["flags"]``: a list of {"item", "grade_cells", "reason"}), from the
sanitize pass (FlagModifiedCells) through the autograded notebook to ZeroFlaggedItems.
TimedExecute          autograde: nbgrader's Execute in a sandboxed kernel (kernel_sandbox.py) that
                      appends how long the notebook took to run (kernel start to shutdown) to the file
                      named by $GRADE_TIMING_FILE, and survives a kernel that dies: the cell it died in
                      flags its item and the notebook runs again without that cell.

remove_hidden_tests(source, begin, end) is what nbgrader's ClearHiddenTests does to a cell's source
(FlagModifiedCells compares a submitted test cell with the released one).
"""
from __future__ import annotations

import json
import os
import time

from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Integer, Unicode

EXERCISES_HEADING = "## exercises"
FLAGS_KEY = "lstm_grader"


def item_of(grade_id: str | None, grade_cells) -> tuple[str | None, list[str]]:
    """The item a cell named ``grade_id`` belongs to and that item's grade cells, or (None, [])."""
    if not grade_id:
        return None, []
    items: dict[str, list[str]] = {}
    for g in grade_cells:
        items.setdefault(g[:-len("_tests")] if g.endswith("_tests") else g, []).append(g)
    owners = [b for b in items if grade_id == b or grade_id.startswith(b + "_")]
    if not owners:
        return None, []
    best = max(owners, key=len)
    return best, sorted(items[best])


def remove_hidden_tests(source: str, begin: str = "BEGIN HIDDEN TESTS", end: str = "END HIDDEN TESTS") -> str:
    """``source`` without its hidden-test regions, line for line as nbgrader 0.9.6's ClearHiddenTests
    (``begin`` / ``end`` are its ``begin_test_delimeter`` / ``end_test_delimeter``): a line containing
    ``begin`` opens a region, a line containing ``end`` closes it; both lines and everything between go.
    A line containing ``end`` outside a region goes too. Raises RuntimeError, with nbgrader's message,
    for a region opened inside another one or never closed."""
    kept = []
    in_test = False
    for line in source.split("\n"):
        if begin in line:
            if in_test:
                raise RuntimeError("Encountered nested begin hidden tests statements")
            in_test = True
        elif end in line:
            in_test = False
        elif not in_test:
            kept.append(line)
    if in_test:
        raise RuntimeError("No end hidden tests statement found")
    return "\n".join(kept)


def add_flag(nb, item: str, grade_cells: list[str], reason: str) -> None:
    """Record in the notebook metadata that ``item`` (its ``grade_cells``) scores 0, and why."""
    nb.metadata.setdefault(FLAGS_KEY, {}).setdefault("flags", []).append(
        {"item": item, "grade_cells": list(grade_cells), "reason": reason})


def owner_item(nb, k: int) -> tuple[str | None, list[str]]:
    """The item cell ``k`` belongs to and that item's grade cells: by its own grade_id if it has one, else
    that of the nearest cell above it that belongs to an item, else below it; (None, []) if none."""
    gids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    grade_cells = [g for c, g in zip(nb.cells, gids) if g and c.metadata.get("nbgrader", {}).get("grade")]
    owner = gids[k] or next((g for g in gids[k::-1] if item_of(g, grade_cells)[0]), None) \
        or next((g for g in gids[k:] if item_of(g, grade_cells)[0]), None)
    return item_of(owner, grade_cells)


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
    """OverwriteCells, plus a markdown note before every cell it restored or re-added; an edited
    read-only cell flags its item (0 points). A test cell as released (hidden tests removed) is not an edit."""

    note = Unicode(
        "**Grader's note:** the submission had changed this read-only cell `{grade_id}` ({what}). "
        "The original cell was restored before grading; your answer was graded with the original tests.",
    ).tag(config=True)
    note_zero = Unicode(
        "**Grader's note:** the submission had changed this read-only cell `{grade_id}` ({what}). "
        "The original cell was restored and ran, but changing a read-only cell is not allowed: "
        "item `{item}` scores 0.",
    ).tag(config=True)
    reason_zero = Unicode(
        "Item `{item}` scores 0: the submission had changed the read-only cell `{grade_id}` ({what}). "
        "Read-only cells (task, self-check and test cells) must stay as they were handed out.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        self._changes: dict[str, list[str]] = {}
        self._edited: set[str] = set()
        before = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        nb, resources = super().preprocess(nb, resources)
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        grade_cells = [c.name for c in source_nb.grade_cells]
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid and gid not in before:
                self._changes.setdefault(gid, []).append("it had been deleted")
        k = 0
        while k < len(nb.cells):
            gid = nb.cells[k].metadata.get("nbgrader", {}).get("grade_id")
            if gid in self._changes:
                what = "; ".join(self._changes.pop(gid))
                item, cells = item_of(gid, grade_cells) if gid in self._edited else (None, [])
                if item:
                    text = self.note_zero.format(grade_id=gid, what=what, item=item)
                    add_flag(nb, item, cells, self.reason_zero.format(grade_id=gid, what=what, item=item))
                else:
                    text = self.note.format(grade_id=gid, what=what)
                nb.cells.insert(k, new_markdown_cell(text))
                k += 1
            k += 1
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        self._submitted_source = cell.get("source", "")
        return super().preprocess_cell(cell, resources, cell_index)

    def released_source(self, source: str) -> str:
        """A source cell's code as released: its hidden tests removed with the delimiters that
        ClearHiddenTests has in this configuration."""
        hidden = ClearHiddenTests(parent=self)
        return remove_hidden_tests(source, hidden.begin_test_delimeter, hidden.end_test_delimeter)

    def _as_released(self, name: str) -> bool:
        """The submitted source is the released one: the source cell with its hidden tests removed."""
        released = self.released_source(self.gradebook.find_source_cell(name, self.notebook_id,
                                                                         self.assignment_id).source)

        def norm(text):
            return [line.rstrip() for line in text.strip().splitlines()]
        return norm(released) == norm(self._submitted_source)

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
        if attr == "checksum" and self._as_released(name):
            return                                   # the test cell as released: its hidden tests come back
        super().report_change(name, attr, old, new)
        what = "its code had been edited" if attr == "checksum" else f"its {attr} had been changed"
        self._changes.setdefault(name, []).append(what)
        if self.gradebook.find_source_cell(name, self.notebook_id, self.assignment_id).locked:
            self._edited.add(name)


class LimitOutputSize(NbGraderPreprocessor):
    """Truncate every stream / text output of a code cell to ``max_chars`` characters; a cell of the
    Exercises section whose outputs total more than ``zero_above_chars`` characters flags its item
    (a cell without a grade_id belongs to the item of the nearest nbgrader cell above it, else below)."""

    max_chars = Integer(20_000, help="characters kept per output").tag(config=True)
    zero_above_chars = Integer(1_000_000, help="an item whose cell printed more scores 0").tag(config=True)
    reason_zero = Unicode(
        "Item `{item}` scores 0: cell `{cell}` printed {chars:,d} characters (the limit is {limit:,d}); "
        "its output was truncated.",
    ).tag(config=True)

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return (text[:self.max_chars] + f"\n... [output truncated by the grader: {len(text):,d} characters "
                f"printed, the first {self.max_chars:,d} kept]\n")

    @staticmethod
    def _size(cell) -> int:
        """Characters of text a code cell printed or displayed (stream, text/* data, error)."""
        def chars(v):
            return len(v) if isinstance(v, str) else sum(len(x) for x in v)
        n = 0
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                n += chars(out.get("text", ""))
            elif out.get("output_type") in ("execute_result", "display_data"):
                n += sum(chars(v) for mime, v in out.get("data", {}).items() if mime.startswith("text/"))
            elif out.get("output_type") == "error":
                n += len(str(out.get("evalue", ""))) + chars(out.get("traceback", []))
        return n

    def preprocess(self, nb, resources):
        start = exercises_start(nb)
        gids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
        flagged = set()
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or start is None or k < start:
                continue
            chars = self._size(cell)
            if chars <= self.zero_above_chars:
                continue
            item, cells = owner_item(nb, k)
            if item and item not in flagged:
                flagged.add(item)
                add_flag(nb, item, cells, self.reason_zero.format(item=item, cell=gids[k] or f"#{k}", chars=chars,
                                                                  limit=self.zero_above_chars))
        return super().preprocess(nb, resources)

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


class ZeroFlaggedItems(NbGraderPreprocessor):
    """After SaveAutoGrades: every flagged item's grade cells get manual_score 0 (nbgrader's Grade.score is
    the manual score when one is set), and its answer cell's comment gives the reason (feedback 'Comments')."""

    def preprocess(self, nb, resources):
        flags = nb.metadata.get(FLAGS_KEY, {}).get("flags", [])
        if not flags:
            return nb, resources
        info = resources["nbgrader"]
        ids = (info["notebook"], info["assignment"], info["student"])
        reasons: dict[str, list[str]] = {}
        with Gradebook(info["db_url"]) as gb:
            for flag in flags:
                for gc in flag["grade_cells"]:
                    grade = gb.find_grade(gc, *ids)
                    grade.manual_score = 0.0
                    grade.needs_manual_grade = False
                reasons.setdefault(flag["item"], []).append(flag["reason"])
            for item, why in reasons.items():
                try:
                    comment = gb.find_comment(item, *ids)
                except MissingEntry:
                    self.log.warning("no answer cell %s to comment on", item)
                    continue
                comment.manual_comment = "\n\n".join(dict.fromkeys(why))
            gb.db.commit()
        return nb, resources


class TimedExecute(Execute):
    """Execute in a sandboxed kernel (kernel_sandbox.SandboxKernelManager), record how long the notebook
    took (fresh kernel, first to last cell; for the timing test), and survive a kernel that dies: the
    cell that was running when it died (os._exit, a crash) gets an error output and flags its item, and
    the notebook runs again from the start without that cell (at most ``max_kernel_deaths`` times)."""

    max_kernel_deaths = Integer(3, help="kernel deaths survived per notebook").tag(config=True)
    reason_died = Unicode(
        "Item `{item}` scores 0: the kernel died while running cell `{cell}` (os._exit, a crash or a limit of "
        "the sandbox). The notebook was run again from the start without that cell.",
    ).tag(config=True)

    def __init__(self, **kwargs):
        from kernel_sandbox import SandboxKernelManager   # not at import time: release needs no kernel
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(**kwargs)

    def preprocess(self, nb, resources=None, km=None):
        t0 = time.perf_counter()
        self._dead: set[int] = set()
        self._current = None
        try:
            while True:
                try:
                    return super().preprocess(nb, resources, km=km)
                except DeadKernelError:
                    k = self._current
                    if k is None or k in self._dead or len(self._dead) >= self.max_kernel_deaths:
                        raise
                    self._dead.add(k)
                    item, cells = owner_item(nb, k)
                    gid = nb.cells[k].metadata.get("nbgrader", {}).get("grade_id") or f"#{k}"
                    self.log.warning("the kernel died in cell %s; running the notebook again without it", gid)
                    if item:
                        add_flag(nb, item, cells, self.reason_died.format(item=item, cell=gid))
        finally:
            path = os.environ.get("GRADE_TIMING_FILE")
            if path:
                info = (resources or {}).get("nbgrader", {})
                with open(path, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"student": info.get("student"), "assignment": info.get("assignment"),
                                        "run_seconds": time.perf_counter() - t0}) + "\n")

    def preprocess_cell(self, cell, resources, index):
        self._current = index
        if index in self._dead:
            cell.outputs = [new_output("error", ename="KernelDied",
                                       evalue="the kernel died while running this cell",
                                       traceback=["KernelDied: the kernel died while running this cell (os._exit, "
                                                  "a crash or a limit of the sandbox); the notebook was run again "
                                                  "from the start without it."])]
            cell.execution_count = None
            return cell, self.resources
        return super().preprocess_cell(cell, resources, index)
