"""README.md's "Where the measurements correct the slides" can never say something the claims ledger does not.

The section is generated from the ledger notebook 12 stores (``lstm_helpers.claims.report.readme_section``;
``python tools/check_claims.py --write-readme`` rewrites it): these tests require the README's text to be exactly
that, and, claim by claim, that each verdict the README states is the stored one.
"""
from __future__ import annotations

import importlib.util
import pathlib
import re

import pytest

from lstm_helpers.claims import report

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SPEC = importlib.util.spec_from_file_location("check_claims", ROOT / "tools" / "check_claims.py")
cc = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(cc)
SAYS = {"holds only if": "holds-if", "does not hold": "does-not-hold", "cannot be measured here": "not-measurable-here"}
ITEM = re.compile(r"” (holds only if|does not hold|cannot be measured here)\b.*?\(`([a-z0-9-]+)`, \[")


def section(text: str) -> str:
    """README's section: from its heading to the next '## ' heading (without it)."""
    start = text.index(report.README_HEADING + "\n")
    end = text.find("\n## ", start + len(report.README_HEADING))
    return text[start:] if end < 0 else text[start:end + 1]


def stated_verdicts(text: str) -> list[tuple[str, str]]:
    """(claim id, verdict) for every claim the section names, as its words state the verdict."""
    return [(cid, SAYS[says]) for says, cid in ITEM.findall(text)]


def mismatches(text: str, rows: list[dict]) -> list[str]:
    """Claims the section names with a verdict other than the stored one, or that the ledger does not have;
    and claims that do not simply hold but are missing from the section."""
    stored = {r["id"]: r["verdict"] for r in rows}
    named = stated_verdicts(text)
    out = [f"{cid}: README says {v!r}, the ledger {stored.get(cid, 'has no such claim')!r}"
           for cid, v in named if stored.get(cid) != v]
    out += [f"{cid}: {v!r} in the ledger, missing from the README" for cid, v in stored.items()
            if v != "holds" and cid not in dict(named)]
    return out


@pytest.fixture(scope="module")
def rows():
    return cc.read_notebook_rows(cc.STORED)


def test_readme_section_is_the_one_generated_from_the_stored_ledger(rows):
    assert section(README.read_text(encoding="utf-8")) == report.readme_section(rows) + "\n", (
        "README.md's section differs from the stored ledger: run `python tools/check_claims.py --write-readme`")


def test_every_verdict_the_readme_states_is_the_stored_one(rows):
    assert mismatches(section(README.read_text(encoding="utf-8")), rows) == []
    assert len(stated_verdicts(section(README.read_text(encoding="utf-8")))) == sum(r["verdict"] != "holds" for r in rows)


def test_a_changed_verdict_or_an_invented_claim_is_caught(rows):
    text = section(README.read_text(encoding="utf-8"))
    said = stated_verdicts(text)
    cid, verdict = next((c, v) for c, v in said if v == "does-not-hold")
    item = re.search(rf"“[^“]*” does not hold \(`{cid}`", text).group(0)
    wrong = text.replace(item, item.replace("does not hold", "holds only if it rains"))
    assert any(m.startswith(f"{cid}: README says 'holds-if'") for m in mismatches(wrong, rows))
    invented = text + "- **X.** “Y” does not hold (`no-such-claim`, [01 §1](notebooks/01_rnn_gradient_decay.ipynb)).\n"
    assert any(m.startswith("no-such-claim:") for m in mismatches(invented, rows))
    dropped = text.replace(item, "")
    assert any(m.startswith(f"{cid}:") and "missing" in m for m in mismatches(dropped, rows))
    changed = [dict(r, verdict="holds-if", condition="x") if r["id"] == cid else r for r in rows]
    assert report.readme_section(changed) != report.readme_section(rows)


def test_readme_lists_notebook_12():
    text = README.read_text(encoding="utf-8")
    assert f"(notebooks/{report.NOTEBOOK_12})" in text.split(report.README_HEADING)[0], \
        "the README's list of notebooks names notebook 12"
