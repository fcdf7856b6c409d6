"""`make release` and `make grade` end to end, with nbgrader (grading/course.py, grading/nbgrader_config.py).

One release and ONE `make grade` run (module fixtures) serve every test here:

* the release holds no solution code and no hidden test, its exercise cells have no outputs, its demos
  keep theirs;
* 'instructor' submits the full instructor notebooks: full marks, and grading each takes at most its
  run time + 10 s;
* 'untouched' submits the release unchanged: 0 on every item;
* 'partial' has one mutant answer in notebooks 07 and 05: exactly that item's points lost;
* 'hang' never terminates, 'syntax' has a syntax error, 'flood' prints 10 MB in a correct answer, 'locked'
  edits a read-only test cell (and answers right), 'deleted' deletes an answer cell and a test cell,
  'broken' submits a file that is not a notebook: 0 on the affected items with the reason in the
  feedback, every other item graded exactly, every (student, notebook) pair in grades.csv and in the
  gradebook; the test cell as released (hidden tests removed) is not an edit: no grader's note for the
  students who did not touch a read-only cell.

Submissions other than 'instructor' are cut down to the imports and the Exercises section (demo cells
carry no nbgrader metadata, so nbgrader grades such a notebook like the full one) to keep the run short.
Fixture notebooks are written into a temporary folder, never under tests/ (nbval would collect them).
"""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import pathlib
import subprocess

import pytest
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config import Config

from grading_helpers import (ROOT, exercise_notebooks, exercises_start, grade_id, items, load, mutant_source,
                             source, strip_solution_markers, truncated)

pytestmark = pytest.mark.slow  # one nbgrader release + grading batch: about 2 minutes
_spec = importlib.util.spec_from_file_location("course_preprocessors", ROOT / "grading" / "course_preprocessors.py")
course_preprocessors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(course_preprocessors)

NB = {p.stem: p for p in exercise_notebooks()}
N01, N05, N07 = "01_rnn_gradient_decay", "05_input_gate", "07_full_lstm"
CELL_TIMEOUT = 20
ITEMS = {name: items(load(path)) for name, path in NB.items()}      # notebook -> {item: points}


def _make(*args, cwd=ROOT, timeout=900):
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "release"
    res = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "grading" / "course.py"), "release",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


def _write(path: pathlib.Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _replace(nb: dict, gid: str, src: str) -> dict:
    for c in nb["cells"]:
        if grade_id(c) == gid:
            c["source"] = src
            return nb
    raise KeyError(gid)


def _delete(nb: dict, gid: str) -> dict:
    nb["cells"] = [c for c in nb["cells"] if grade_id(c) != gid]
    return nb


def _solution(name, gid):
    return strip_solution_markers(source(next(c for c in load(NB[name])["cells"] if grade_id(c) == gid)))


# expected points per student, notebook and item (notebooks a student does not submit: 0 on every item)
def _full(name):
    return dict(ITEMS[name])


def _zero(name):
    return {k: 0 for k in ITEMS[name]}


SUBMITTED = {
    "instructor": {name: _full(name) for name in NB},
    "untouched": {name: _zero(name) for name in NB},
    "partial": {N01: _zero(N01), N07: {**_full(N07), "lstm_step_backward": 0},
                N05: {**_full(N05), "cell_update": 0}},
    "hang": {N01: _zero(N01), N07: {**_full(N07), "lstm_step_forward": 0}},
    "syntax": {N01: {**_full(N01), "rnn_step": 0}, N07: _zero(N07)},
    "flood": {N01: {**_full(N01), "jacobian_norms": 0}, N07: _zero(N07)},
    "locked": {N01: _zero(N01), N07: {**_full(N07), "lstm_step_forward": 0}},     # right answer, edited tests
    "deleted": {N01: {**_full(N01), "rnn_step": 0}, N07: _zero(N07)},
    "broken": {N01: _zero(N01), N07: _zero(N07)},
}
EXPECTED = {student: {name: got.get(name, _zero(name)) for name in NB} for student, got in SUBMITTED.items()}


@pytest.fixture(scope="module")
def graded(released, tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    inst = {name: load(path) for name, path in NB.items()}
    for name, path in NB.items():
        (subs / "instructor").mkdir(exist_ok=True)
        (subs / "instructor" / path.name).write_bytes(path.read_bytes())
        _write(subs / "untouched" / path.name, truncated(load(released / "notebooks" / path.name)))
    short = {name: truncated(nb) for name, nb in inst.items()}

    def copy(name):
        return json.loads(json.dumps(short[name]))

    _write(subs / "partial" / f"{N07}.ipynb", _replace(copy(N07), "lstm_step_backward",
                                                       mutant_source("lstm_step_backward", "forget_not_applied_to_dC")))
    _write(subs / "partial" / f"{N05}.ipynb", _replace(copy(N05), "cell_update",
                                                       mutant_source("cell_update", "f_i_swapped")))
    _write(subs / "hang" / f"{N07}.ipynb", _replace(copy(N07), "lstm_step_forward",
                                                    "while True:\n    pass\n" + _solution(N07, "lstm_step_forward")))
    _write(subs / "syntax" / f"{N01}.ipynb", _replace(copy(N01), "rnn_step",
                                                      _solution(N01, "rnn_step").replace("b):", "b)", 1)))
    _write(subs / "flood" / f"{N01}.ipynb", _replace(copy(N01), "jacobian_norms",
                                                     "print('x' * 10_000_000)\n" + _solution(N01, "jacobian_norms")))
    _write(subs / "locked" / f"{N07}.ipynb",
           _replace(copy(N07), "lstm_step_forward_tests", "assert True  # all fine\n"))
    _write(subs / "deleted" / f"{N01}.ipynb", _delete(_delete(copy(N01), "rnn_step"), "jacobian_norms_tests"))
    (subs / "broken").mkdir()
    (subs / "broken" / f"{N07}.ipynb").write_text("{ this is not a notebook", encoding="utf-8")
    res = _make("grade", f"SUBMISSIONS={subs}", f"CELL_TIMEOUT={CELL_TIMEOUT}")
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return subs


# ----------------------------------------------------------------------------- hidden tests
HIDDEN = ["a = 1\n### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS",
          "a = 1\n### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS\n",
          "no hidden tests\nassert True\n",
          "",
          "x = 2\n    # BEGIN HIDDEN TESTS (indented, text after it)\n    assert x\n    # END HIDDEN TESTS\nx += 1",
          "one\n### BEGIN HIDDEN TESTS\nh1\n### END HIDDEN TESTS\ntwo\n### BEGIN HIDDEN TESTS\n\nh2\n"
          "### END HIDDEN TESTS\nthree",
          "a stray end line goes too\n### END HIDDEN TESTS\nkept",
          "a\r\n### BEGIN HIDDEN TESTS\r\nb\r\n### END HIDDEN TESTS\r\nc\r\n",
          "### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS"]
MALFORMED = ["### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS", "a\n### BEGIN HIDDEN TESTS\nb\n"]
SECRET = Config({"ClearHiddenTests": {"begin_test_delimeter": "BEGIN SECRET", "end_test_delimeter": "END SECRET"}})


def _nbgrader_clears(src: str, config: Config | None = None) -> str:
    """What nbgrader's ClearHiddenTests makes of a test cell with source ``src``."""
    cell = new_code_cell(src, metadata={"nbgrader": {"grade": True, "grade_id": "t_tests", "points": 1,
                                                     "solution": False, "locked": True, "schema_version": 3}})
    cell, _ = ClearHiddenTests(config=config or Config()).preprocess_cell(cell, {}, 0)
    return cell.source


def _test_cells() -> list[str]:
    return [source(c) for path in NB.values() for c in load(path)["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("src", HIDDEN + _test_cells())
def test_hidden_tests_are_removed_exactly_as_nbgrader_removes_them(src):
    assert course_preprocessors.remove_hidden_tests(src) == _nbgrader_clears(src)
    assert course_preprocessors.FlagModifiedCells().released_source(src) == _nbgrader_clears(src)


def test_hidden_tests_removed_line_by_line():
    assert course_preprocessors.remove_hidden_tests(HIDDEN[0]) == "a = 1"
    assert course_preprocessors.remove_hidden_tests(HIDDEN[1]) == "a = 1\n"
    assert course_preprocessors.remove_hidden_tests(HIDDEN[4]) == "x = 2\nx += 1"
    assert course_preprocessors.remove_hidden_tests(HIDDEN[5]) == "one\ntwo\nthree"
    assert course_preprocessors.remove_hidden_tests(HIDDEN[6]) == "a stray end line goes too\nkept"
    assert sum("HIDDEN TESTS" in src for src in _test_cells()) >= 6        # the notebooks have hidden tests


@pytest.mark.parametrize("src", MALFORMED)
def test_a_malformed_hidden_region_raises_as_in_nbgrader(src):
    with pytest.raises(RuntimeError) as ours:
        course_preprocessors.remove_hidden_tests(src)
    with pytest.raises(RuntimeError) as theirs:
        _nbgrader_clears(src)
    assert str(ours.value) == str(theirs.value)


def test_released_source_uses_the_configured_delimiters():
    src = "a\n# BEGIN SECRET\nb\n# END SECRET\n### BEGIN HIDDEN TESTS\nc\n### END HIDDEN TESTS"
    got = course_preprocessors.FlagModifiedCells(config=SECRET).released_source(src)
    assert got == _nbgrader_clears(src, SECRET) == "a\n### BEGIN HIDDEN TESTS\nc\n### END HIDDEN TESTS"
    assert course_preprocessors.FlagModifiedCells().released_source(src) == "a\n# BEGIN SECRET\nb\n# END SECRET"


# ----------------------------------------------------------------------------- release
def test_release_has_stubs_and_no_solution_or_hidden_test(released):
    for name, path in NB.items():
        inst, rel = load(path), load(released / "notebooks" / path.name)
        text = json.dumps(rel)
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        assert "HIDDEN TESTS" not in text
        rel_sources = "\n".join(source(c) for c in rel["cells"])
        secret, visible = [], []
        for c in inst["cells"]:
            rest = source(c)
            for marker in ("SOLUTION", "HIDDEN TESTS"):
                while f"### BEGIN {marker}" in rest:
                    head, tail = rest.split(f"### BEGIN {marker}", 1)
                    body, rest = tail.split(f"### END {marker}", 1)
                    secret += [ln.strip() for ln in body.splitlines()]
                    rest = head + rest
            visible += [ln.strip() for ln in rest.splitlines()]
        secret = [ln for ln in secret if len(ln) > 12 and ln not in visible]   # lines only a solution / hidden test has
        assert len(secret) >= 10
        for line in secret:
            assert line not in rel_sources, f"{path.name}: the release shows {line!r}"
        answers = [c for c in rel["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
        assert len(answers) == len(ITEMS[name]) >= 1
        assert all("raise NotImplementedError()" in source(c) for c in answers)
        released_tests = {grade_id(c): source(c) for c in rel["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}
        for c in inst["cells"]:                  # a test cell as released: the instructor's, hidden tests removed
            if c["metadata"].get("nbgrader", {}).get("grade"):
                assert released_tests[grade_id(c)] == course_preprocessors.remove_hidden_tests(source(c))


def test_the_release_covers_every_notebook_with_exercises(released):
    assert {p.name for p in (released / "notebooks").glob("*.ipynb")} == {p.name for p in NB.values()}
    assert {n[:2] for n in NB} >= {"01", "04", "05", "06", "07", "09"}
    assert sum(len(v) for v in ITEMS.values()) >= 10


def test_release_clears_exercise_outputs_and_keeps_the_demos(released):
    for name, path in NB.items():
        rel = load(released / "notebooks" / path.name)
        k = exercises_start(rel)
        demo = [c for c in rel["cells"][:k] if c["cell_type"] == "code"]
        exer = [c for c in rel["cells"][k:] if c["cell_type"] == "code"]
        assert sum(len(c["outputs"]) for c in demo) >= len(demo) // 2, f"{path.name}: demo outputs were cleared"
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in exer)
        grade_cells = [c for c in rel["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
        assert grade_cells and all(c["metadata"]["nbgrader"]["locked"] for c in grade_cells)
        assert all(c["metadata"].get("editable") is False for c in grade_cells)
    assert (released / "data" / "recall_eval.csv").read_text() == (ROOT / "data" / "recall_eval.csv").read_text()


# ----------------------------------------------------------------------------- grading
def _grades_csv(subs) -> dict:
    with open(subs / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for col in ("student_id", "assignment", "score", "max_score", "raw_score", "timestamp"):
        assert col in rows[0], f"grades.csv lacks nbgrader's column {col!r}"
    return {(r["student_id"], r["assignment"]): r for r in rows}


def _item_scores(subs) -> dict:
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(f"sqlite:///{subs / 'gradebook.db'}") as gb:
        for student in EXPECTED:
            for name in NB:
                try:
                    nb = gb.find_submission_notebook(name, name, student)
                except MissingEntry:
                    continue
                out[(student, name)] = {g.name[:-len("_tests")]: g.score for g in nb.grades}
    return out


def test_grades_csv_has_every_student_and_notebook_exactly_right(graded):
    rows = _grades_csv(graded)
    assert set(rows) == {(s, n) for s in EXPECTED for n in NB}, "a (student, notebook) pair is missing"
    for (student, name), row in rows.items():
        want = sum(EXPECTED[student][name].values())
        assert float(row["score"]) == want, f"{student} / {name}: score {row['score']}, expected {want}"
        assert float(row["max_score"]) == sum(ITEMS[name].values())


def test_every_item_in_the_gradebook_is_exactly_right(graded):
    scores = _item_scores(graded)
    submitted = {(s, p.stem) for s in EXPECTED for p in (graded / s).glob("*.ipynb")}
    assert set(scores) >= submitted, f"submissions missing from the gradebook: {submitted - set(scores)}"
    for key in submitted:
        student, name = key
        assert scores[key] == EXPECTED[student][name], f"{student} / {name}: {scores[key]}"


def _feedback(subs, student, name) -> str:
    path = subs / "feedback" / student / f"{name}.html"
    assert path.exists(), f"no feedback {path.relative_to(subs)}"
    return path.read_text(encoding="utf-8")


def test_feedback_gives_the_reason(graded):
    assert "CellTimeoutError" in _feedback(graded, "hang", N07)
    assert "SyntaxError" in _feedback(graded, "syntax", N01)
    flood = _feedback(graded, "flood", N01)
    assert "output truncated by the grader" in flood and len(flood) < 2_000_000
    printed = len("x" * 10_000_000 + "\n")
    assert (f"Item <code>jacobian_norms</code> scores 0: cell <code>jacobian_norms</code> printed {printed:,d} "
            "characters") in flood
    locked = _feedback(graded, "locked", N07)
    assert "Grader&#39;s note" in locked or "Grader's note" in locked
    assert ("Item <code>lstm_step_forward</code> scores 0: the submission had changed the read-only cell "
            "<code>lstm_step_forward_tests</code>") in locked
    assert "lstm_step_backward</code> scores 0" not in locked
    for student, name in (("instructor", N01), ("instructor", N07), ("untouched", N01), ("untouched", N07),
                          ("partial", N07), ("hang", N07), ("syntax", N01)):
        page = _feedback(graded, student, name)
        assert "Grader&#39;s note" not in page and "Grader's note" not in page, f"{student} / {name}"
        assert "</code> scores 0" not in page, f"{student} / {name}"
    deleted = _feedback(graded, "deleted", N01)
    assert "NameError" in deleted and "jacobian_norms_tests" in deleted and "had been deleted" in deleted
    assert "not graded" in _feedback(graded, "broken", N07)
    for name in NB:
        assert "AssertionError" not in _feedback(graded, "instructor", name)
    log = {(e["student"], e["assignment"]): e for e in json.loads((graded / "grading_log.json").read_text())}
    assert log[("broken", N07)]["status"] == "failed" and log[("broken", N07)]["reason"]
    assert log[("hang", N07)]["status"] == "graded"


def test_grading_takes_at_most_the_run_time_plus_ten_seconds(graded):
    log = json.loads((graded / "grading_log.json").read_text())
    timed = [e for e in log if e["status"] == "graded"]
    assert len(timed) >= 9
    for e in timed:
        assert e["notebook_run_seconds"] is not None
        assert e["seconds"] <= e["notebook_run_seconds"] + 10, e
    inst = [e for e in timed if e["student"] == "instructor"]
    assert len(inst) == len(NB)
