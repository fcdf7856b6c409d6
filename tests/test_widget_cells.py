"""The widget cells of the notebooks keep working after the exercises ran (issue "The house", point 2).

The graded exercise of notebook 04 defines ``def forget_gate(...)`` (05: ``input_gate``, 06:
``output_gate``). A notebook that imported the widget *module* under that name
(``from lstm_helpers.widgets import forget_gate``) found a function instead of the module when a
learner scrolled back up and re-ran the widget cell. Notebooks therefore import a widget's functions
by name. The first test runs every code cell of 04–06 in order in one namespace, as a kernel does,
and then runs the widget cells again; the second checks the import style of every notebook.
"""
from __future__ import annotations

import ast
import re

import ipywidgets as W
import matplotlib.pyplot as plt
import pytest

from grading_helpers import NOTEBOOKS, load, source
from lstm_helpers.widgets import View

WIDGET_IMPORT = re.compile(r"^\s*from\s+lstm_helpers\.widgets\.(\w+)\s+import\s+(.+)$", re.M)
EXERCISE_NAME = {"04": "forget_gate", "05": "input_gate", "06": "output_gate"}


def _notebook(prefix: str):
    (path,) = NOTEBOOKS.glob(f"{prefix}_*.ipynb")
    return path


def _code_cells(nb: dict) -> list[str]:
    """The code cells' sources with IPython magics (``%matplotlib inline``) left out."""
    return ["\n".join(line for line in source(c).splitlines() if not line.lstrip().startswith("%"))
            for c in nb["cells"] if c["cell_type"] == "code"]


def _run_cell(src: str, ns: dict, label: str):
    """Execute a cell like a kernel: the statements, then the value of a last bare expression."""
    tree = ast.parse(src, filename=label)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, label, "exec"), ns)
    if last is not None:
        return eval(compile(ast.Expression(last.value), label, "eval"), ns)
    return None


def _widget_names(setup: str) -> set[str]:
    """Names the setup cell imports from lstm_helpers.widgets.<module>."""
    names = set()
    for _module, imported in WIDGET_IMPORT.findall(setup):
        names |= {n.strip().split(" as ")[-1] for n in imported.strip("() ").split(",") if n.strip()}
    return names


@pytest.mark.parametrize("prefix", sorted(EXERCISE_NAME))
def test_widget_cells_still_work_after_the_exercise_defined_the_gate_function(prefix):
    cells = _code_cells(load(_notebook(prefix)))
    names = _widget_names(cells[0])
    assert names, f"notebook {prefix}: the first code cell imports no widget function by name"
    widget_cells = [k for k, src in enumerate(cells) if any(re.search(rf"\b{n}\b", src) for n in names) and k > 0]
    assert len(widget_cells) >= 2, f"notebook {prefix}: expected a static view cell and a live widget cell"
    exercise = EXERCISE_NAME[prefix]
    ns: dict = {"__name__": "__notebook__"}
    try:
        for k, src in enumerate(cells):                         # the whole notebook, top to bottom
            _run_cell(src, ns, f"{prefix} cell {k}")
        assert callable(ns[exercise]) and ns[exercise].__module__ == "__notebook__", \
            f"the exercise of notebook {prefix} defines {exercise}()"
        for k in widget_cells:                                  # scroll back up and run the widgets again
            value = _run_cell(cells[k], ns, f"{prefix} widget cell {k} (again)")
            if isinstance(value, W.Widget):
                assert isinstance(value.view, View)
        assert isinstance(ns["view"], View)                     # the static cell rebuilt its view
        assert isinstance(value, W.Box), "the last widget cell returns the live widget"
        assert ns[exercise].__module__ == "__notebook__", "re-running a widget cell must not undo the exercise"
    finally:
        plt.close("all")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name[:2])
def test_notebooks_import_widget_functions_by_name(path):
    for src in _code_cells(load(path)):
        assert not re.search(r"^\s*from\s+lstm_helpers\.widgets\s+import\s", src, re.M), \
            f"{path.name}: import a widget's functions by name (from lstm_helpers.widgets.<module> import ...)"
        assert not re.search(r"^\s*import\s+lstm_helpers\.widgets", src, re.M), path.name
