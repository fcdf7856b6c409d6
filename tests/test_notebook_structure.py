"""Static checks of every notebook in notebooks/: stored executed in order, no errors, the
course structure (learning goals, checkpoint, key takeaways), tags used sparingly, a static
figure before every figure widget, and nothing machine-specific in the outputs."""
from __future__ import annotations

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ALLOWED_TAGS = {"nbval-ignore-output", "raises-exception"}
ABSOLUTE_PATH = re.compile(r"(?<![:\w/.])/(?:root|home|work|tmp|usr|opt)/[A-Za-z0-9_.-]+")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no NN_name.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_executed_in_order_without_errors(path):
    nb = _load(path)
    cells = _code_cells(nb)
    counts = [c.get("execution_count") for c in cells]
    assert all(isinstance(n, int) for n in counts), f"{path.name}: cells never run: stored outputs must come from Run All"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: not one clean top-to-bottom run: {counts}"
    for c in cells:
        for out in c.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: stored error output {out.get('ename')}"
            text = json.dumps(out)
            assert "Error displaying widget" not in text
            assert "Traceback (most recent call last)" not in text
            m = ABSOLUTE_PATH.search(text)
            assert m is None, f"{path.name}: an output shows a machine path {m.group(0)!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_course_structure(path):
    md = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown").lower()
    for heading in ("learning goals", "checkpoint", "key takeaways"):
        assert heading in md, f"{path.name}: no '{heading}' section"
    assert md.index("learning goals") < md.index("key takeaways")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_tags_are_sparing(path):
    nb = _load(path)
    assert "nbval" not in json.dumps(nb.get("metadata", {})), f"{path.name}: notebook-level nbval metadata"
    cells = _code_cells(nb)
    tagged = [c for c in cells if "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])]
    for c in cells:
        unknown = set(c.get("metadata", {}).get("tags", [])) - ALLOWED_TAGS
        assert not unknown, f"{path.name}: unexpected tags {unknown}"
        assert "# NBVAL_IGNORE_OUTPUT" not in _source(c) and "# NBVAL_SKIP" not in _source(c)
    assert len(tagged) <= max(1, len(cells) // 3), f"{path.name}: {len(tagged)} of {len(cells)} code cells ignore output"
    for c in tagged:
        # allowed: a widget (tqdm's notebook bar is one too), a progress bar on stderr, or a timing measurement
        outputs = c.get("outputs", [])
        src = _source(c)
        shows_widget = WIDGET_MIME in json.dumps(outputs)
        shows_progress = any(o.get("name") == "stderr" for o in outputs)
        measures_time = re.search(r"\btime|perf_counter|timing", src) is not None
        assert shows_widget or shows_progress or measures_time, (
            f"{path.name}: a cell ignores its output but shows no widget, progress bar or timing:\n{src[:200]}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_static_figure_before_each_figure_widget(path):
    cells = _code_cells(_load(path))
    for k, c in enumerate(cells):
        if "_widget(" in _source(c) and WIDGET_MIME in json.dumps(c.get("outputs", [])):
            before = json.dumps([o for cc in cells[max(0, k - 2):k] for o in cc.get("outputs", [])])
            assert "image/png" in before, (
                f"{path.name}: widget cell {k} has no static figure right before it "
                "(the notebook must read well before it is run)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_size_is_modest(path):
    assert path.stat().st_size < 3_000_000, f"{path.name} is {path.stat().st_size / 1e6:.1f} MB"
