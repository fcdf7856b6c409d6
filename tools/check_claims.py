"""Do the claims ledger's verdicts equal the ones notebook 12 stores?

Notebook 12 (``notebooks/12_the_slides_audited.ipynb``) runs the claims ledger (``lstm_helpers.claims``) and
stores it as markdown tables, one row per claim. This compares, claim by claim, what is stored with a new
run: the **id, verdict, condition, seeds and agree** of every claim. The measured values are not compared:
their digits depend on the machine (the BLAS kernel of its CPU), the verdicts must not.

    python tools/check_claims.py                                   # run the ledger here and compare (about 1 min)
    python tools/check_claims.py --from ledger.json                # a `python -m lstm_helpers.claims --json` output
    python tools/check_claims.py --executed run/12_the_slides_audited.ipynb   # an executed copy of notebook 12
    python tools/check_claims.py --stored other.ipynb              # compare with another notebook than notebook 12
    python tools/check_claims.py --write-readme                    # README's section from the stored ledger

Prints one line per claim that differs and exits 1; otherwise prints "claims: N verdicts as stored". Exit
status 2 on bad arguments, or when a notebook holds no ledger table.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_helpers.claims import report  # noqa: E402  (the repository's package, also when not installed)

STORED = ROOT / "notebooks" / report.NOTEBOOK_12
README = ROOT / "README.md"
COMPARED = ("verdict", "condition", "seeds", "agree")


def output_markdown(notebook: dict) -> str:
    """Every 'text/markdown' output of the notebook's code cells, joined (where notebook 12 shows its tables)."""
    parts = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if text is not None:
                parts.append("".join(text) if isinstance(text, list) else text)
    return "\n\n".join(parts)


def stored_rows(notebook: dict) -> list[dict]:
    """The ledger rows a notebook's outputs hold (:func:`lstm_helpers.claims.report.parse_markdown_tables`)."""
    return report.parse_markdown_tables(output_markdown(notebook))


def read_notebook_rows(path: pathlib.Path) -> list[dict]:
    """The rows of the notebook at ``path``; ValueError when it holds no ledger table."""
    rows = stored_rows(json.loads(path.read_text(encoding="utf-8")))
    if not rows:
        raise ValueError(f"{path} holds no claims-ledger table in its outputs (is it executed?)")
    return rows


def compare(stored: list[dict], other: list[dict]) -> list[str]:
    """One line per claim whose id, verdict, condition, seeds or agree differ between ``stored`` and ``other``."""
    a, b = {r["id"]: r for r in stored}, {r["id"]: r for r in other}
    lines = [f"{i}: stored, missing here" for i in a if i not in b]
    lines += [f"{i}: here, not stored" for i in b if i not in a]
    for i in (i for i in a if i in b):
        diff = [f"{k} {a[i][k]!r} stored, {b[i][k]!r} here" for k in COMPARED if a[i][k] != b[i][k]]
        if diff:
            lines.append(f"{i}: " + "; ".join(diff))
    return lines


def rows_here() -> list[dict]:
    """Run the whole ledger in this process (progress bar on stderr) and return its rows."""
    from lstm_helpers.claims import run_ledger
    return [r.as_dict() for r in run_ledger()]


def write_readme(rows: list[dict], path: pathlib.Path = README) -> bool:
    """Replace README's section (its heading up to the next '## ' heading) by the one generated from ``rows``;
    True if the file changed."""
    text = path.read_text(encoding="utf-8")
    start = text.index(report.README_HEADING + "\n")
    end = text.find("\n## ", start + len(report.README_HEADING))
    end = len(text) if end < 0 else end + 1
    new = text[:start] + report.readme_section(rows) + "\n" + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from", dest="json_file", type=pathlib.Path, metavar="FILE",
                        help="a JSON file written by `python -m lstm_helpers.claims --json`")
    source.add_argument("--executed", type=pathlib.Path, metavar="NOTEBOOK",
                        help="an executed copy of notebook 12: compare its table with the stored one")
    source.add_argument("--write-readme", action="store_true",
                        help="rewrite README.md's section from the stored ledger (nothing is run)")
    parser.add_argument("--stored", type=pathlib.Path, default=STORED, metavar="NOTEBOOK",
                        help=f"the notebook whose stored table is the reference (default {STORED.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    for path in (args.json_file, args.executed, args.stored):
        if path is not None and not path.is_file():
            parser.error(f"no such file: {path}")
    try:
        stored = read_notebook_rows(args.stored)
        if args.write_readme:
            changed = write_readme(stored)
            print(f"README.md: section {'rewritten' if changed else 'already as generated'} from {len(stored)} claims")
            return 0
        if args.json_file is not None:
            other = json.loads(args.json_file.read_text(encoding="utf-8"))
            if not isinstance(other, list) or not all(isinstance(r, dict) and "id" in r for r in other):
                parser.error(f"{args.json_file}: not a JSON list of claims (python -m lstm_helpers.claims --json)")
        elif args.executed is not None:
            other = read_notebook_rows(args.executed)
        else:
            other = rows_here()
    except ValueError as err:
        parser.error(str(err))
    missing = [r.get("id") for r in other if any(k not in r for k in COMPARED)]
    if missing:
        parser.error(f"claims without the fields {', '.join(COMPARED)}: {', '.join(map(str, missing))}")
    differences = compare(stored, other)
    for line in differences:
        print(f"DIFFERS  {line}")
    if differences:
        print(f"claims: {len(differences)} of {len(stored)} differ from the stored verdicts")
        return 1
    print(f"claims: {len(stored)} verdicts as stored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
