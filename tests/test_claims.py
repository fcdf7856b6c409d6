"""The claims ledger (lstm_helpers.claims), its command line, notebook 12's stored table and tools/check_claims.py.

Fast tests check the entries (every claim the issue names is there, with valid fields and a real notebook section),
the verdict rules, the command line on cheap claims, the markdown round trip and the checker; the full ledger run
(about a minute of CPU) is marked slow.
"""
from __future__ import annotations

import importlib.util
import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from lstm_helpers import claims
from lstm_helpers.claims import measures, report

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NB12 = NOTEBOOKS / report.NOTEBOOK_12
SLIDES = ROOT / "lstm_helpers" / "claims" / "slides.txt"           # the course slides' text, kept with the ledger
SHARED_SLIDES = ROOT.parent / "shared" / "seeds" / "000_14b06fa645590694.txt"   # where the course keeps them
SPEC = importlib.util.spec_from_file_location("check_claims", ROOT / "tools" / "check_claims.py")
cc = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(cc)

# Every claim the issue lists, by the id the ledger gives it.
EXPECTED = {
    "addition vs multiplication": ["addition-not-multiplication"],
    "the RNN forgets 'cat' / predicts 'were', the LSTM predicts 'was'": ["rnn-forgets-cat", "lstm-predicts-was"],
    "memory 5-10 words vs 100+": ["rnn-memory-5-10", "lstm-memory-100"],
    "gradient vanishes / flows through the cell state": ["rnn-gradient-vanishes", "lstm-gradient-flows"],
    "better grammar, improved translation, more coherent text": ["better-grammar", "better-translation",
                                                                 "coherent-text"],
    "the forget gate's 10 % / 20 %": ["forget-cat-10", "forget-hungry-20"],
    "the input gate's 'dog is sleeping'": ["input-dog-sleeping"],
    "the output gate's 90 % / 70 % / 10 %": ["output-dog-90", "output-sleeping-70", "output-old-10"],
    "every row of 'Processing a sentence'": [f"sentence-row-{k}-{w}" for k, w in
                                             enumerate(("the", "cat", "was", "hungry", "period", "the", "dog", "was"), 1)],
    "clears old subject at period, adds new subject, maintains context": ["sentence-forget-clears",
                                                                          "sentence-input-new-subject",
                                                                          "sentence-cell-context"],
    "the checkpoint answer": ["checkpoint-answer"],
    "RNN rewrites entire memory, LSTM selectively updates": ["rnn-rewrites-memory", "lstm-selective-update"],
    "every cell of the RNN vs LSTM table": ["table-span-rnn", "table-span-lstm", "table-parameters",
                                            "table-training-time", "table-accuracy", "table-best-for-rnn",
                                            "table-best-for-lstm"],
    "the applications": ["app-translation", "app-speech", "app-text-generation", "app-video", "app-music",
                         "app-handwriting"],
    "solves the vanishing gradient problem": ["takeaway-solves-vanishing"],
    "essential for modern NLP": ["takeaway-essential-nlp"],
}


def headings(path: pathlib.Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out += [m.group(1).strip() for m in re.finditer(r"^#{1,4} (.+)$", src, re.M)]
    return out


def run_cli(*args, timeout=600):
    return subprocess.run([sys.executable, "-m", "lstm_helpers.claims", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


# ----------------------------------------------------------------------------- the entries
@pytest.mark.parametrize("item", sorted(EXPECTED))
def test_every_claim_the_issue_names_has_an_entry(item):
    missing = [i for i in EXPECTED[item] if i not in claims.claim_ids()]
    assert not missing, f"{item}: no entry {missing}"


def test_entries_are_well_formed_and_in_the_slides_order():
    ids = claims.claim_ids()
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    order = [claims.SECTIONS.index(c.section) for c in claims.CLAIMS]
    assert order == sorted(order), "the entries are grouped by slide section, in the slides' order"
    assert claims.SECTIONS[0] == "The Problem: Vanishing Gradients" and claims.SECTIONS[-1] == "Key Takeaways"


@pytest.mark.parametrize("claim", claims.CLAIMS, ids=lambda c: c.id)
def test_each_claim_links_to_a_section_that_exists(claim):
    path = NOTEBOOKS / claim.notebook
    assert path.is_file(), f"{claim.id}: no notebook {claim.notebook}"
    assert claim.heading in headings(path), f"{claim.id}: {claim.notebook} has no heading {claim.heading!r}"
    assert claim.link.startswith(claim.notebook + "#") and " " not in claim.link


def slides_text() -> str:
    """The slides as one line: no bold markers, no bullet dashes, every run of whitespace one space."""
    lines = [re.sub(r"^-\s+", "", line.strip()) for line in SLIDES.read_text(encoding="utf-8").splitlines()]
    return " ".join(" ".join(lines).replace("**", "").split())


@pytest.mark.skipif(not SHARED_SLIDES.is_file(), reason=f"no course copy of the slides at {SHARED_SLIDES}")
def test_the_slides_kept_with_the_ledger_are_the_course_slides():
    assert SLIDES.read_bytes() == SHARED_SLIDES.read_bytes()


@pytest.mark.parametrize("claim", claims.CLAIMS, ids=lambda c: c.id)
def test_slide_words_are_the_slides_own(claim):
    """Each piece of a claim's slide words (bullets joined by ' · ', a heading and its line by ': ') is on the
    slides; a cell of the RNN-vs-LSTM table is written 'RNN <cell>' or 'LSTM <cell>' after its row's name."""
    slides = slides_text()
    for piece in re.split(r" · |: ", claim.slide):
        cell = re.sub(r"^(RNN|LSTM) ", "", piece) if claim.id.startswith("table-") else piece
        assert piece in slides or cell in slides, f"{claim.id}: {piece!r} is not on the slides"


def test_anchor_is_the_heading_without_emphasis():
    assert claims.anchor('3. When does *"LSTM memory persists 100+"* hold?') == \
        '3.-When-does-"LSTM-memory-persists-100+"-hold?'
    assert claims.anchor("8. Be precise: $\\prod f$ is *it*") == "8.-Be-precise:-$\\prod-f$-is-it"


# ----------------------------------------------------------------------------- the verdict rules
def test_verdict_is_the_majority_of_the_seeds():
    yes, no = np.ones(5, bool), np.zeros(5, bool)
    assert claims.seeded(np.array([1, 1, 1, 0, 0], bool)).verdict == "holds"
    o = claims.seeded(np.array([1, 1, 0, 0, 0], bool), yes, condition="c")
    assert (o.verdict, o.agree, o.seeds, o.condition) == ("holds-if", 3, 5, "c")
    o = claims.seeded(np.array([1, 0, 0, 0, 0], bool), np.array([1, 1, 0, 0, 0], bool), condition="c")
    assert (o.verdict, o.agree, o.condition) == ("does-not-hold", 4, "")
    assert claims.seeded(None, yes, condition="c").agree == 5
    assert claims.seeded(no, True, condition="exact condition").verdict == "holds-if"


def test_exact_and_unmeasurable_have_no_seeds():
    assert (claims.exact(True).verdict, claims.exact(True).seeds) == ("holds", 0)
    assert claims.exact(False, True, condition="c").verdict == "holds-if"
    assert claims.exact(False).verdict == "does-not-hold"
    o = claims.not_measurable("no data here")
    assert (o.verdict, o.condition, o.seeds, o.agree) == ("not-measurable-here", "no data here", 0, 0)


@pytest.mark.parametrize("call, error", [
    (lambda: claims.seeded(np.zeros(5, bool), np.ones(5, bool)), ValueError),            # holds-if without a condition
    (lambda: claims.seeded(np.zeros(5), None), TypeError),                               # not booleans
    (lambda: claims.seeded(np.zeros(5, bool), np.ones(4, bool), condition="c"), ValueError),
    (lambda: claims.not_measurable(" "), ValueError),
    (lambda: claims.exact(1), TypeError),
    (lambda: claims.Outcome("holds mostly", "", "", 5, 5), ValueError),
    (lambda: claims.Outcome("holds", "a condition", "", 5, 5), ValueError),
    (lambda: claims.Outcome("holds", "", "", 5, 6), ValueError),
])
def test_bad_outcomes_are_refused(call, error):
    with pytest.raises(error):
        call()


def test_select_names_the_valid_ids():
    with pytest.raises(ValueError, match="three-gates"):
        claims.select(["no-such-id"])
    with pytest.raises(TypeError):
        claims.select("three-gates")
    assert [c.id for c in claims.select(["cat-15-words", "three-gates"])] == ["cat-15-words", "three-gates"]


def test_a_claim_entry_is_checked():
    with pytest.raises(ValueError, match="kebab"):
        claims.Claim("Not An Id", "words", "s", "02_memory_gap.ipynb", "h", lambda ev: None)
    with pytest.raises(ValueError, match="notebook"):
        claims.Claim("an-id", "words", "s", "memory_gap", "h", lambda ev: None)


# ----------------------------------------------------------------------------- the command line
def test_cli_json_of_cheap_claims():
    run = run_cli("--only", "three-gates", "cat-15-words", "--json", "--no-progress")
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [r["id"] for r in rows] == ["cat-15-words", "three-gates"]
    for r in rows:
        assert {"id", "slide", "notebook", "verdict", "condition", "seeds", "agree", "value"} <= set(r)
        assert r["verdict"] in claims.VERDICTS and r["seeds"] == 0
        assert re.fullmatch(r"\d\d_\w+\.ipynb#\S+", r["notebook"]), r["notebook"]
    assert rows[0]["verdict"] == "holds-if" and "counting both" in rows[0]["condition"]


def test_cli_table_and_progress_bar_on_stderr():
    run = run_cli("--only", "three-gates")
    assert run.returncode == 0, run.stderr
    assert re.search(r"three-gates\s+holds\s+exact", run.stdout) and "LSTM Architecture: The Big Picture" in run.stdout
    assert "claims ledger" in run.stderr, "the tqdm progress bar goes to stderr"


@pytest.mark.parametrize("args", [("--only", "no-such-id"), ("--only", "three-gates", "Three-Gates"), ("--bogus",),
                                  ("--only",)])
def test_cli_bad_input_exits_2_with_a_message(args):
    run = run_cli(*args)
    assert run.returncode == 2 and run.stdout == ""
    assert "takeaway-essential-nlp" in run.stderr and "three-gates" in run.stderr, "the message lists the valid ids"
    if "--only" in args and len(args) > 1:
        assert "unknown claim id" in run.stderr


def test_cli_list_measures_nothing():
    run = run_cli("--list")
    assert run.returncode == 0 and len(run.stdout.splitlines()) == len(claims.CLAIMS)


# ----------------------------------------------------------------------------- markdown and the checker
TRICKY = [{"id": "a-claim", "section": "S: one | two", "slide": 'It *is* "x_t" [1] <b> \\ `c`', "verdict": "holds-if",
           "condition": "a | b and C_{t-1} * 2", "value": "0.5 [0.1, 0.9]", "seeds": 5, "agree": 4, "note": "n_1",
           "notebook": "02_memory_gap.ipynb#2.-A", "heading": "2. A"},
          {"id": "b-claim", "section": "S: one | two", "slide": "exact one", "verdict": "holds", "condition": "",
           "value": "4.00", "seeds": 0, "agree": 0, "note": "", "notebook": "10_rnn_vs_lstm.ipynb#1", "heading": "1"},
          {"id": "c-claim", "section": "T", "slide": "no data", "verdict": "not-measurable-here", "condition": "why",
           "value": "—", "seeds": 0, "agree": 0, "note": "", "notebook": "11_applications.ipynb#x", "heading": "x"}]


def test_data_is_found_beside_the_package_or_where_a_notebook_runs(tmp_path, monkeypatch):
    """The class hub installs the package as a copy (no repository around it): the ledger then reads the course's
    data/ as the notebooks do, from the working directory's data/ or ../data; a missing file names every place."""
    monkeypatch.setattr(measures, "DATA_DIR", tmp_path / "site-packages" / "data")      # an installed copy's
    assignment = tmp_path / "home" / "09_agreement"
    assignment.mkdir(parents=True)
    monkeypatch.chdir(assignment)
    with pytest.raises(FileNotFoundError, match="found it in none of") as err:
        measures.data_path("agreement.tsv")
    for place in (tmp_path / "site-packages" / "data", assignment / "data", tmp_path / "home" / "data"):
        assert str(place / "agreement.tsv") in str(err.value)
    (tmp_path / "home" / "data").mkdir()
    (tmp_path / "home" / "data" / "agreement.tsv").write_text("x")
    assert measures.data_path("agreement.tsv") == tmp_path / "home" / "data" / "agreement.tsv"
    (assignment / "data").mkdir()
    (assignment / "data" / "agreement.tsv").write_text("y")                              # ./data comes first
    assert measures.data_path("agreement.tsv") == assignment / "data" / "agreement.tsv"
    monkeypatch.setattr(measures, "DATA_DIR", ROOT / "data")                            # the repository's first
    assert measures.data_path("agreement.tsv") == ROOT / "data" / "agreement.tsv"


def test_markdown_tables_round_trip_exactly():
    parsed = report.parse_markdown_tables(report.markdown_tables(TRICKY))
    keys = ("id", "section", "slide", "verdict", "condition", "value", "seeds", "agree", "notebook")
    assert [{k: r[k] for k in keys} for r in parsed] == [{k: r[k] for k in keys} for r in TRICKY]


@pytest.mark.parametrize("old, new", [("**holds-if**", "**holds mostly**"), ("| 4/5 |", "| 4/6 |")])
def test_parser_refuses_a_row_it_cannot_read(old, new):
    text = report.markdown_tables(TRICKY)
    assert old in text
    with pytest.raises(ValueError):
        report.parse_markdown_tables(text.replace(old, new))


def test_compare_reports_a_changed_verdict_and_a_missing_claim():
    changed = [dict(r) for r in TRICKY]
    changed[0]["verdict"], changed[0]["condition"] = "does-not-hold", ""
    lines = cc.compare(TRICKY, changed[:2])
    assert any(line.startswith("a-claim: verdict 'holds-if' stored, 'does-not-hold' here") for line in lines)
    assert "c-claim: stored, missing here" in lines and cc.compare(TRICKY, TRICKY) == []


def notebook_with(rows) -> dict:
    return {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"text/markdown": report.markdown_tables(rows),
                                                 "text/plain": "<IPython.core.display.Markdown object>"}}]}]}


def test_check_claims_exit_status_and_lines(tmp_path, capsys):
    stored = tmp_path / "stored.ipynb"
    stored.write_text(json.dumps(notebook_with(TRICKY)))
    same, other = tmp_path / "same.json", tmp_path / "other.json"
    same.write_text(json.dumps(TRICKY))
    changed = [dict(r) for r in TRICKY]
    changed[1]["verdict"] = "does-not-hold"
    other.write_text(json.dumps(changed))
    assert cc.main(["--from", str(same), "--stored", str(stored)]) == 0
    assert capsys.readouterr().out.strip() == "claims: 3 verdicts as stored"
    assert cc.main(["--from", str(other), "--stored", str(stored)]) == 1
    out = capsys.readouterr().out
    assert "DIFFERS  b-claim: verdict 'holds' stored, 'does-not-hold' here" in out
    executed = tmp_path / "executed.ipynb"
    executed.write_text(json.dumps(notebook_with(changed)))
    assert cc.main(["--executed", str(executed), "--stored", str(stored)]) == 1
    with pytest.raises(SystemExit) as e:
        cc.main(["--from", str(tmp_path / "none.json"), "--stored", str(stored)])
    assert e.value.code == 2
    empty = tmp_path / "empty.ipynb"
    empty.write_text(json.dumps({"cells": []}))
    with pytest.raises(SystemExit) as e:
        cc.main(["--from", str(same), "--stored", str(empty)])
    assert e.value.code == 2 and "no claims-ledger table" in capsys.readouterr().err


# ----------------------------------------------------------------------------- notebook 12 as stored
@pytest.fixture(scope="module")
def stored():
    return cc.read_notebook_rows(NB12)


def test_notebook_12_stores_every_claim_in_order(stored):
    assert [r["id"] for r in stored] == claims.claim_ids()
    assert [r["section"] for r in stored] == [c.section for c in claims.CLAIMS]
    assert [r["slide"] for r in stored] == [c.slide for c in claims.CLAIMS]
    assert [r["notebook"] for r in stored] == [c.link for c in claims.CLAIMS]


def test_stored_verdicts_are_valid_and_over_at_least_5_seeds(stored):
    for r in stored:
        assert r["verdict"] in claims.VERDICTS
        assert r["seeds"] == 0 or r["seeds"] >= 5, f"{r['id']}: a measurement over seeds needs n >= 5"
        assert 0 <= r["agree"] <= r["seeds"]
        assert bool(r["condition"]) == (r["verdict"] in ("holds-if", "not-measurable-here")), r["id"]


# ----------------------------------------------------------------------------- the whole ledger
@pytest.mark.slow
def test_the_whole_ledger_gives_the_stored_verdicts(stored):
    results = claims.run_ledger(progress=False)
    rows = [r.as_dict() for r in results]
    assert cc.compare(stored, rows) == []
    assert all(r.seeds >= 5 or r.seeds == 0 for r in results)
