"""nbgrader configuration of the course. `make release` and `make grade` (grading/course.py) build a
course directory in a temporary folder and link this file into it; nbgrader reads it from there.

Per-cell timeout: $GRADE_CELL_TIMEOUT seconds (the Makefile's CELL_TIMEOUT, 120 by default).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # course_preprocessors.py

from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput,  # noqa: E402
                                    ClearSolutions, ComputeChecksums, DeduplicateIds, IncludeHeaderFooter,
                                    InstantiateTests, LockCells, OverwriteKernelspec, SaveCells)
from nbgrader.preprocessors import (AssignLatePenalties, IgnorePattern, LimitOutput, SaveAutoGrades)  # noqa: E402
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402

from course_preprocessors import (ClearExerciseOutputs, FlagModifiedCells, LimitOutputSize, TimedExecute,  # noqa: E402
                                  ZeroFlaggedItems)

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "lstm-first-principles"

# Student version: solutions -> stubs, hidden tests removed, outputs of the Exercises section cleared
# (the demos keep their stored figures and tables, so the notebook reads well before it is run).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, ClearExerciseOutputs, CheckCellMetadata,
    ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums, CheckCellMetadata,
]

# Autograding: every cell gets GRADE_CELL_TIMEOUT seconds, then the kernel is interrupted, the cell gets
# a CellTimeoutError (shown in the feedback) and the next cell runs. Edited read-only cells are restored,
# deleted test cells re-added, both with a note in the feedback; outputs are capped (LimitOutputSize runs
# before LimitOutput, so it measures what a cell really printed). An edited read-only cell, or a cell that
# printed more than LimitOutputSize.zero_above_chars characters, makes its item score 0 (ZeroFlaggedItems,
# after SaveAutoGrades: manual_score 0 and the reason as the answer cell's comment).
c.Execute.timeout = int(os.environ.get("GRADE_CELL_TIMEOUT", "120"))
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0
c.OverwriteCells.add_missing_cells = True
c.LimitOutput.max_lines = 1000
c.LimitOutputSize.max_chars = 20_000
c.LimitOutputSize.zero_above_chars = 1_000_000
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, FlagModifiedCells,
                                      CheckCellMetadata]
#
# Grades are decided outside the student's kernel (grading/recheck.py, grading/sandbox.py): the kernel runs
# sandboxed (no network, no course tree, unprivileged, limits); TamperAudit reports suspicious code in the
# answer cells (never scored); after SaveAutoGrades, IsolatedRecheck re-runs every item that scored, on
# its own in a fresh sandboxed process on secret inputs, and flags it when the result is wrong.
c.IsolatedRecheck.wall = float(os.environ.get("GRADE_RECHECK_WALL", "10"))
# (grading/recheck.py is named, not imported: it loads numpy and lstm_helpers, which only autograding needs)
c.Autograde.autograde_preprocessors = ["recheck.TamperAudit", TimedExecute, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutputSize, LimitOutput, SaveAutoGrades, "recheck.IsolatedRecheck",
                                       ZeroFlaggedItems, AssignLatePenalties, CheckCellMetadata]
