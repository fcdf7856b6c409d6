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
c.Autograde.autograde_preprocessors = [TimedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutputSize,
                                       LimitOutput, SaveAutoGrades, ZeroFlaggedItems, AssignLatePenalties,
                                       CheckCellMetadata]
