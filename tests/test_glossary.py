"""The glossary is enforced: no notebook uses a technical term before the notebook section that defines it.

The rules (what is read, where a term counts as defined, what a definition in place is) are in the docstring of
``lstm_helpers/support/glossary.py``. In short: the notebooks are read in order, as a student reads them:
markdown without code, printed text and figures' alt text; code is not read. A term may be used from the
heading of its defining section on, in that notebook and every later one; before that only in a sentence that
defines it (the term in **bold**, followed by '—', ':', 'is', '(' …).

One test per notebook, so that the list of notebooks that still fail shows what is left to fix; one test per
glossary entry that its defining section exists and writes the term in bold.
"""
from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass

import pytest

from lstm_helpers.support import glossary as g

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BY_NUMBER = {p.name[:2]: p for p in NOTEBOOKS}


@dataclass(frozen=True)
class Block:
    """A piece of a notebook a student reads: a markdown cell (as :func:`glossary.prose`) or one text output."""

    cell: int          # index of the cell in the notebook
    cell_id: str
    kind: str          # 'markdown', 'output' or 'alt text'
    text: str


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def blocks(nb: dict) -> list[Block]:
    """What a student reads in ``nb``, in order (see the module docstring of lstm_helpers.support.glossary)."""
    out = []
    for k, cell in enumerate(nb["cells"]):
        cid = cell.get("id", str(k))
        if cell["cell_type"] == "markdown":
            out.append(Block(k, cid, "markdown", g.prose(_text(cell["source"]))))
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                if o.get("name") == "stdout":
                    out.append(Block(k, cid, "output", _text(o.get("text"))))
                continue
            data = o.get("data", {})
            alt = o.get("metadata", {}).get("image/png", {}).get("alt")
            if alt:
                out.append(Block(k, cid, "alt text", alt))
            if "text/markdown" in data:
                out.append(Block(k, cid, "output", g.prose(_text(data["text/markdown"]))))
            elif set(data) == {"text/plain"}:          # printed results; a figure's or widget's repr is not read
                out.append(Block(k, cid, "output", _text(data["text/plain"])))
    return out


def section_headings(bs: list[Block]) -> list[tuple[tuple[int, int], int, str]]:
    """((cell, offset), level, title) of every heading, in order."""
    return [((b.cell, pos), level, title) for b in bs if b.kind == "markdown" for pos, level, title in g.headings(b.text)]


def section_range(bs: list[Block], piece: str) -> list[tuple[tuple[int, int], tuple[int, int] | None]]:
    """(start, end) of every section whose heading contains ``piece`` (case-insensitive); end None: the end."""
    hs = section_headings(bs)
    found = []
    for j, (pos, level, title) in enumerate(hs):
        if piece.lower() in title.lower():
            end = next((p for p, lv, _ in hs[j + 1:] if lv <= level), None)
            found.append((pos, end))
    return found


def inside(pos: tuple[int, int], rng) -> bool:
    start, end = rng
    return start <= pos and (end is None or pos < end)


def defining_position(term: g.Term, notebooks: dict[str, list[Block]]) -> tuple[int, int] | None:
    """Where ``term``'s defining section starts, or None if its notebook or section does not exist (once)."""
    bs = notebooks.get(term.notebook)
    if bs is None:
        return None
    ranges = section_range(bs, term.section)
    return ranges[0][0] if len(ranges) == 1 else None


def too_early(number: str, bs: list[Block], notebooks: dict[str, list[Block]], terms=g.TERMS) -> list[str]:
    """Every use of a term in notebook ``number`` before its definition, as one line each."""
    exempt = section_range(bs, g.GLOSSARY_HEADING)
    where = {t.name: defining_position(t, notebooks) for t in terms}
    defined_here: set[str] = set()
    bad = []
    for b in bs:
        for term, s, e in g.find_terms(b.text, terms):
            pos = (b.cell, s if b.kind == "markdown" else 0)
            if any(inside(pos, r) for r in exempt) or term.name in defined_here:
                continue
            start = where[term.name]
            if number > term.notebook or (number == term.notebook and start is not None and pos >= start):
                continue
            if b.kind == "markdown" and g.is_definition(b.text, s, e):
                defined_here.add(term.name)
                continue
            line = b.text[max(0, b.text.rfind("\n", 0, s) + 1):].split("\n", 1)[0].strip()
            missing = "" if start is not None else " (that section is missing)"
            bad.append(f"cell {b.cell} (id {b.cell_id}, {b.kind}): '{b.text[s:e]}' is defined in {term.notebook}, "
                       f"section “{term.section}”{missing} [{term.name}]: …{line[:110]}…")
    return bad


def load(path: pathlib.Path) -> list[Block]:
    return blocks(json.loads(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def series() -> dict[str, list[Block]]:
    return {number: load(path) for number, path in BY_NUMBER.items()}


# ----------------------------------------------------------------------------------------- the notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_term_is_used_before_its_definition(path, series):
    bad = too_early(path.name[:2], series[path.name[:2]], series)
    assert not bad, (f"{path.name}: {len(bad)} uses of a term before its definition (define it in place — the term "
                     f"in **bold** followed by '—', ':', 'is' or '(' — or reword; see lstm_helpers/support/glossary.py):\n"
                     + "\n".join(bad))


@pytest.mark.parametrize("term", g.TERMS, ids=lambda t: re.sub(r"[^\x20-\x7e]+", "-", t.name))
def test_defining_section_exists_and_writes_the_term_in_bold(term, series):
    assert term.notebook in series, f"{term.name}: no notebook {term.notebook}_*.ipynb"
    bs = series[term.notebook]
    ranges = section_range(bs, term.section)
    titles = [t for _, _, t in section_headings(bs)]
    assert len(ranges) == 1, (f"{term.name}: {len(ranges)} headings of notebook {term.notebook} contain "
                              f"“{term.section}” (want exactly one); its headings: {titles}")
    rng = ranges[0]
    for b in bs:
        if b.kind != "markdown":
            continue
        for t, s, e in g.find_terms(b.text, [term]):
            if inside((b.cell, s), rng) and g.is_bold(b.text, s, e):
                return
    pytest.fail(f"{term.name}: section “{term.section}” of notebook {term.notebook} never writes the term in "
                f"**bold**; bold marks where a term is defined")


def glossary_table() -> str:
    """The glossary table that notebook 00 shows (links to the notebooks present)."""
    return g.glossary_markdown(titles={p.name[:2]: p.name for p in NOTEBOOKS})


def glossary_cell(nb: dict) -> dict:
    """Notebook 00's glossary cell: the markdown cell of the glossary section that holds the table."""
    bs = blocks(nb)
    (rng,) = section_range(bs, g.GLOSSARY_HEADING)
    (cell,) = [c for k, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown" and inside((k, 0), rng)
               and _text(c["source"]).startswith("| Term |")]
    return cell


def test_notebook_00_shows_the_glossary_as_the_package_makes_it():
    cell = glossary_cell(json.loads(BY_NUMBER["00"].read_text(encoding="utf-8")))
    if _text(cell["source"]) != glossary_table():
        pytest.fail("00_start_here.ipynb: its glossary table is not the current lstm_helpers.support.glossary; "
                    "write it with `.venv/bin/python tests/test_glossary.py --write`")


# ----------------------------------------------------------------------------------------- the glossary itself
def test_entries_are_well_formed():
    names = [t.name for t in g.TERMS]
    assert len(names) == len(set(names)), "a term is listed twice"
    for t in g.TERMS:
        assert re.fullmatch(r"\d\d", t.notebook), t.name
        assert t.section.strip() and t.definition.strip(), t.name
        assert "\n" not in t.definition and len(t.definition) <= 200, f"{t.name}: the definition is one short line"
        assert t.definition.endswith("."), t.name
        assert t.regex.search(t.name), f"{t.name}: none of its spellings matches its own name"


# ----------------------------------------------------------------------------------------- the rules can fail
def _md(cell_id: str, text: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def _out(cell_id: str, text: str) -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "source": "print(...)",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}


TOY = (g.Term("widget", (r"\bwidgets?\b",), "01", "Widgets", "A slider and a figure."),)


def test_rules_on_made_up_notebooks():
    nb0 = {"cells": [_md("a", "# Intro\nA widget appears later.\n`widget()` is code, not a use."),
                     _out("b", "the widget is drawn"),
                     _md("c", "## Glossary\nwidget: a slider."),
                     _md("d", "## After\nA **widget** — a slider and a figure. Now every widget is fine here.")]}
    nb1 = {"cells": [_md("e", "# One\nWe use a widget too early."),
                     _md("f", "## 2. Widgets\nA **widget** is a slider.\nAnother widget."),
                     _out("g", "widget ok")]}
    series = {"00": blocks(nb0), "01": blocks(nb1)}
    bad0 = too_early("00", series["00"], series, TOY)
    assert [line.split(" (")[0] for line in bad0] == ["cell 0", "cell 1"]     # not the code span, glossary, cell d
    assert "defined in 01, section “Widgets”" in bad0[0]
    bad1 = too_early("01", series["01"], series, TOY)
    assert len(bad1) == 1 and bad1[0].startswith("cell 0 (id e, markdown): 'widget'")
    assert too_early("02", series["01"], series, TOY) == [], "a later notebook may use it freely"
    missing = {"00": series["00"], "01": blocks({"cells": [_md("x", "# One\nno such section")]})}
    assert "(that section is missing)" in too_early("00", series["00"], missing, TOY)[0]


@pytest.mark.parametrize("text,name,defines", [
    ("the **spectral radius** $\\rho(W)$, the largest |eigenvalue|", "spectral radius", True),
    ("A **gate** is a number between 0 and 1", "gate", True),
    ("**attractors** (nouns of the other number) stood between", "attractor", True),
    ("* **attractors**: nouns between subject and verb", "attractor", True),
    ("**Adam:** a training rule", "Adam", True),
    ("**The gate opens.** A number", "gate", False),
    ("the **gate** opens", "gate", False),
    ("the gate — a number", "gate", False),          # a definition in place is in bold
    ("**Chrono.** Several units", "chrono initialisation", False),
    ("a **recurrent network** (RNN) is a network that", "recurrent neural network (RNN)", True),
    ("the **LSTM** (Long Short-Term Memory) reads", "LSTM (Long Short-Term Memory)", True),
    ("measured in **bits per character** (bpc) against", "bits per character", False),   # an abbreviation only
    ("the **LSTM** (LSTM) network", "LSTM (Long Short-Term Memory)", False),
])
def test_definition_in_place(text, name, defines):
    term = next(t for t in g.TERMS if t.name == name)
    (_, s, e), *_ = g.find_terms(text, [term])
    assert g.is_definition(text, s, e) is defines


def test_prose_blanks_code_and_keeps_positions():
    md = "A `lh.Adam` and ```\nchrono\n``` and [link](01_x.ipynb) <!-- chrono --> Adam."
    text = g.prose(md)
    assert len(text) == len(md) and text.endswith("Adam.")
    assert [t.name for t, _, _ in g.find_terms(text)] == ["Adam"]


if __name__ == "__main__":   # python tests/test_glossary.py --write: notebook 00's glossary table from the package
    import sys
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_glossary.py --write")
    path = BY_NUMBER["00"]
    notebook = json.loads(path.read_text(encoding="utf-8"))
    glossary_cell(notebook)["source"] = glossary_table().splitlines(keepends=True)  # as Jupyter stores it
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{path.name}: glossary table written ({len(g.TERMS)} terms)")
