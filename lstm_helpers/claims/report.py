"""The ledger as text: the CLI's table, notebook 12's markdown tables (and their parser), the counts, the README.

    text_table(results)          the table ``python -m lstm_helpers.claims`` prints
    markdown_tables(results)     one markdown table per slide section (notebook 12 displays them)
    parse_markdown_tables(text)  rows back from that markdown: id, section, slide, verdict, condition, seeds, agree
    counts(rows), summary_lines(rows)   how many claims got each verdict, overall and per section
    readme_section(rows)         README.md's "Where the measurements correct the slides", generated from the rows

``rows`` are dicts with the keys of :meth:`~.ledger.Result.as_dict` (from results, ``--json`` or the parser).
A markdown cell escapes ``\\ ` * _ | [ ] < >`` with a backslash, so any text survives the round trip exactly.
Nothing here prints.
"""
from __future__ import annotations

import re
import textwrap

from .verdicts import DOES_NOT_HOLD, HOLDS, HOLDS_IF, NOT_MEASURABLE, VERDICTS

COLUMNS = ("claim", "the slide says", "verdict", "condition or reason", "measured: median [min, max]", "seeds",
           "agree", "measured in")
WORDS = {HOLDS: "hold", HOLDS_IF: "hold only under a condition", DOES_NOT_HOLD: "do not hold",
         NOT_MEASURABLE: "cannot be measured here"}
README_HEADING = "## Where the measurements correct the slides"
NOTEBOOK_12 = "12_the_slides_audited.ipynb"
_SPECIAL = "\\`*_|[]<>"


def rows_of(results) -> list[dict]:
    """``results`` as rows (dicts); rows pass through unchanged."""
    return [r if isinstance(r, dict) else r.as_dict() for r in results]


def md_escape(text: str) -> str:
    """``text`` for a markdown table cell: the characters ``\\ ` * _ | [ ] < >`` backslash-escaped."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in str(text))


def md_unescape(text: str) -> str:
    """The inverse of :func:`md_escape` (a backslash before any ASCII punctuation is dropped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def reference(row: dict) -> str:
    """'NN §k' for the measuring section (the heading's number), or 'NN: heading' when it has none (a parsed row
    keeps the one its table showed)."""
    if "reference" in row:
        return row["reference"]
    nn = row["notebook"][:2]
    number = re.match(r"^\s*([0-9]+[a-z]?(?:\.[0-9]+)?)", row["heading"])
    return f"{nn} §{number.group(1)}" if number else f"{nn}: {row['heading']}"


def seeds_cell(row: dict) -> tuple[str, str]:
    """The seeds and agree cells: ('5', '4/5'); an exact claim ('exact', '—'), an unmeasurable one ('—', '—')."""
    if row["verdict"] == NOT_MEASURABLE:
        return "—", "—"
    if row["seeds"] == 0:
        return "exact", "—"
    return str(row["seeds"]), f"{row['agree']}/{row['seeds']}"


def markdown_tables(results, sections=None) -> str:
    """One markdown table per slide section (a '### section' heading, the table, the claims' notes under it).

    ``sections``: only these (default: every section of ``results``, in their order). The link of each row is
    relative (``NN_name.ipynb#Section-heading``): it works from notebooks/, where notebook 12 lives.
    """
    rows = rows_of(results)
    wanted = list(dict.fromkeys(r["section"] for r in rows)) if sections is None else list(sections)
    out = []
    for section in wanted:
        members = [r for r in rows if r["section"] == section]
        if not members:
            raise ValueError(f"markdown_tables(): no claim in section {section!r}.")
        out += [f"### {md_escape(section)}", "", "| " + " | ".join(COLUMNS) + " |",
                "|" + "|".join("---" for _ in COLUMNS) + "|"]
        for r in members:
            seeds, agree = seeds_cell(r)
            cells = [f"`{r['id']}`", md_escape(r["slide"]), f"**{r['verdict']}**", md_escape(r["condition"]),
                     md_escape(r["value"]), seeds, agree, f"[{md_escape(reference(r))}]({r['notebook']})"]
            out.append("| " + " | ".join(cells) + " |")
        notes = [f"* `{r['id']}`: {md_escape(r['note'])}" for r in members if r.get("note")]
        out += [""] + (["Notes:", ""] + notes + [""] if notes else [])
    return "\n".join(out).rstrip() + "\n"


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def parse_markdown_tables(text: str) -> list[dict]:
    """Rows of the tables :func:`markdown_tables` writes: id, section, slide, verdict, condition, value, seeds,
    agree, notebook (the link) and reference (its text). ValueError on a row that cannot be read (a wrong verdict,
    a wrong count)."""
    rows, section, header = [], None, None
    for line in text.splitlines():
        if line.startswith("### "):
            section, header = md_unescape(line[4:].strip()), None
            continue
        if not line.strip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            if "claim" in cells and "verdict" in cells:
                header = cells
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue
        if len(cells) != len(header):
            raise ValueError(f"parse_markdown_tables(): a row has {len(cells)} cells, the header {len(header)}: {line!r}")
        cell = dict(zip(header, cells))
        verdict = cell["verdict"].strip("* ")
        if verdict not in VERDICTS:
            raise ValueError(f"parse_markdown_tables(): unknown verdict {verdict!r} in row {line!r}.")
        seeds = 0 if cell["seeds"] in ("exact", "—") else int(cell["seeds"])
        agree = 0 if cell["agree"] == "—" else int(cell["agree"].split("/")[0])
        if cell["agree"] != "—" and int(cell["agree"].split("/")[1]) != seeds:
            raise ValueError(f"parse_markdown_tables(): agree {cell['agree']!r} does not match seeds {seeds}.")
        link = re.match(r"^\[(.*)\]\((.*)\)$", cell["measured in"])
        rows.append({"id": cell["claim"].strip("`"), "section": section, "slide": md_unescape(cell["the slide says"]),
                     "verdict": verdict, "condition": md_unescape(cell["condition or reason"]),
                     "value": md_unescape(cell["measured: median [min, max]"]), "seeds": seeds, "agree": agree,
                     "notebook": link.group(2) if link else "", "reference": md_unescape(link.group(1)) if link else ""})
    return rows


def counts(rows) -> dict[str, int]:
    """{verdict: how many claims got it} for every verdict (0 included)."""
    rows = rows_of(rows)
    return {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}


def summary_lines(rows) -> list[str]:
    """The verdicts counted, overall and per slide section: 'Verdict: …' lines (they do not depend on the machine)."""
    rows = rows_of(rows)
    c = counts(rows)
    lines = [f"Verdict: of {len(rows)} claims of the slides, " + ", ".join(f"{c[v]} {WORDS[v]}" for v in VERDICTS) + "."]
    for section in dict.fromkeys(r["section"] for r in rows):
        s = counts([r for r in rows if r["section"] == section])
        lines.append(f"Verdict: {section}: " + ", ".join(f"{s[v]} {v}" for v in VERDICTS if s[v]) + ".")
    return lines


def _readme_item(r: dict) -> str:
    says = {HOLDS_IF: f"holds only if {r['condition']}", DOES_NOT_HOLD: "does not hold",
            NOT_MEASURABLE: f"cannot be measured here: {r['condition']}"}[r["verdict"]]
    return f"“{r['slide']}” {says} (`{r['id']}`, [{reference(r)}](notebooks/{r['notebook']}))"


def readme_section(rows) -> str:
    """README.md's section "Where the measurements correct the slides", generated from the ledger's rows: the
    counts, then per slide section every claim that does not simply hold, with its verdict and condition."""
    rows = rows_of(rows)
    c = counts(rows)
    intro = (f"Generated from the claims ledger that [notebook 12](notebooks/{NOTEBOOK_12}) runs and stores "
             "(`lstm_helpers.claims`): `tests/test_readme_claims.py` fails when this section says anything the stored "
             "ledger does not, and `python tools/check_claims.py --write-readme` rewrites it. Of the "
             f"{len(rows)} claims of the slides, " + ", ".join(f"{c[v]} {WORDS[v]}" for v in VERDICTS)
             + ". Every claim that does not simply hold, slide by slide (notebook 12 shows all of them, with the "
               "measured values):")
    lines = [README_HEADING, "", textwrap.fill(intro, width=115, break_on_hyphens=False), ""]
    for section in dict.fromkeys(r["section"] for r in rows):
        items = [_readme_item(r) for r in rows if r["section"] == section and r["verdict"] != HOLDS]
        if items:
            lines += [f"- **{section}**"] + [f"  - {item}." for item in items]
    return "\n".join(lines) + "\n"


def text_table(results, width: int = 110) -> str:
    """The ledger as a text table (what the CLI prints): per slide section, one line per claim (id, verdict, agree,
    measured value), then the slide's words, the condition or reason and the measuring notebook section."""
    rows = rows_of(results)
    out = []
    wrap = dict(width=width, initial_indent="      ", subsequent_indent="             ")
    for section in dict.fromkeys(r["section"] for r in rows):
        out += ["", section, "-" * len(section)]
        for r in (r for r in rows if r["section"] == section):
            seeds, agree = seeds_cell(r)
            count = "exact" if seeds == "exact" else ("—" if seeds == "—" else agree)
            out.append(f"  {r['id']:30s} {r['verdict']:20s} {count:>6s}  {r['value']}")
            out.append(textwrap.fill(f"slide: {r['slide']}", **wrap))
            if r["condition"]:
                label = "if:    " if r["verdict"] == HOLDS_IF else "why:   "
                out.append(textwrap.fill(label + r["condition"], **wrap))
            out.append(textwrap.fill(f"in:    {r['notebook'].split('#')[0]} § {r['heading']}", **wrap))
    return "\n".join(out).lstrip("\n") + "\n"
