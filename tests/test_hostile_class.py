"""A hostile class: one `make grade` batch in which students attack the grader (grading/recheck.py,
grading/sandbox.py, grading/kernel_sandbox.py).

Every attacker attacks one item, with a wrong answer unless said otherwise, and answers the other items
of the notebook (and of a second notebook) right. For every attack:

* the attacked item scores 0, with a reason in the feedback (the isolated re-check's, or the error the
  attack ran into in the sandboxed kernel);
* the same student's right answers still score (exact per-item scores for every submission);
* the other students' grades are untouched ('victim' scores full marks, its feedback is its own);
* no file outside the submission's scratch space changes: the repository's notebooks/ (instructor
  source), data/ and grading/, and every submitted notebook hash the same before and after (a changed
  file in notebooks/ is tolerated only without the attackers' mark: other contributors may edit notebooks
  while this runs), the attackers' mark is nowhere (gradebook, host /tmp), nothing runs as a sandbox uid
  afterwards;
* the attacks that fooled the kernel before (np.allclose, np.testing, the checks, input transformers,
  builtins, an alias of the engine, a lying int) did fool the kernel's tests here too (kernel score > 0 in
  grading_log.json): the isolated re-check is what sets them to 0;
* the tamper audit reports each attack of a kind it knows.

Submissions are the release cut down to the setup cell and the Exercises section (as in test_grading.py).
"""
from __future__ import annotations

import pathlib
import uuid

import pytest

from grading_helpers import (NOTEBOOKS, ROOT, exercise_notebooks, grading_log, item_scores, items, load,
                             mutant_source, run_grade, run_release, sandbox_processes, solution, truncated,
                             tree_hashes, with_cells, write_notebook)

pytestmark = pytest.mark.slow        # one release and one grading batch of 17 students: about 3 minutes

NB = {p.stem: p for p in exercise_notebooks()}
N01, N04, N05, N06, N07, N09 = (next(n for n in NB if n.startswith(k)) for k in ("01", "04", "05", "06", "07", "09"))
ITEMS = {name: items(load(path)) for name, path in NB.items()}
MARK = "PWNED-" + uuid.uuid4().hex
VICTIM = "VICTIM-SECRET-" + uuid.uuid4().hex
WRONG = {"forget_gate": "bias_missing", "input_gate": "bias_missing", "output_gate": "bias_missing",
         "cell_update": "f_i_swapped", "hidden_output": "no_output_tanh", "rnn_step": "bias_missing",
         "jacobian_norms": "frobenius_norm", "lstm_step_forward": "bias_missing",
         "lstm_step_backward": "forget_not_applied_to_dC", "error_rates": "overall_rate", "decay_lag": "lag_batch_mean"}


def wrong(item: str) -> str:
    return mutant_source(item, WRONG[item])


# attack: (notebook, item, answer cell source, second notebook answered right, substring of the reason,
#          fools the kernel's tests, audit kinds expected)
ATTACKS = {
    "allclose": (N04, "forget_gate", "np.allclose = lambda *a, **k: True\n" + wrong("forget_gate"), N05,
                 "the isolated re-check", True, {"monkeypatch"}),
    "np_testing": (N06, "output_gate",
                   "for _name in ('allclose', 'array_equal'):\n    setattr(np, _name, lambda *a, **k: True)\n"
                   "np.testing.assert_allclose = lambda *a, **k: None\n" + wrong("output_gate"), N04,
                   "the isolated re-check", True, {"monkeypatch"}),
    "check_stub": (N05, "input_gate",
                   "lh.check_input_gate = lambda f: type('Passed', (), {'passed': True})()\n"
                   "lh.gates.input_gate = lambda *a: input_gate(*a)\n" + wrong("input_gate"), N04,
                   "the isolated re-check", True, {"monkeypatch"}),
    "transformer": (N07, "lstm_step_forward",
                    "get_ipython().input_transformers_post.append(\n"
                    "    lambda lines: ['pass\\n'] if any('assert' in l for l in lines) else lines)\n"
                    + wrong("lstm_step_forward"), N06, "get_ipython() is not available", True, {"ipython"}),
    "builtins": (N09, "error_rates",
                 "import builtins\nbuiltins.all = lambda *a, **k: True\nbuiltins.print = lambda *a, **k: None\n"
                 "lh.check_error_rates = lambda f: type('Passed', (), {'passed': True})()\n\n"
                 "def error_rates(correct, groups):\n"
                 "    correct, groups = np.asarray(correct, bool), np.asarray(groups)\n"
                 "    if len(correct) <= 5:\n"
                 "        return {int(g): float(np.mean(~correct[groups == g])) for g in np.unique(groups)}\n"
                 "    return {int(g): float(np.mean(~correct)) for g in np.unique(groups)}\n", N05,
                 "the isolated re-check", True, {"builtins", "monkeypatch"}),
    "alias_import": (N05, "cell_update", "from lstm_helpers.slides.gates import cell_update\n", N04,
                     "cell_update() is not available", True, {"engine"}),
    "alias_copy": (N07, "lstm_step_backward",
                   "_sb = lh.bptt.step_backward\n\n\ndef lstm_step_backward(dh_t, dC_next, cache, p):\n"
                   "    return _sb(dh_t, dC_next, cache, p)\n", N04, "step_backward() is not available", True,
                   {"engine"}),
    "read_other": (N04, "forget_gate",
                   "import glob\nfor _pattern in ('@SUBS@/victim/*.ipynb', '/tmp/lstm-grade-*/course/submitted/*/*/*',\n"
                   "                 '@ROOT@/notebooks/04_forget_gate.ipynb', '/tmp/lstm-grade-*/course/source/*/*'):\n"
                   "    for _p in glob.glob(_pattern):\n        print(open(_p).read())\n" + wrong("forget_gate"),
                   N05, "f_t differs from lh.gates.forget_gate", False, {"file"}),
    "write_course": (N06, "hidden_output",
                     "import glob\n_targets = glob.glob('/tmp/lstm-grade-*/course/gradebook.db') + [\n"
                     "    '@ROOT@/notebooks/06_output_gate.ipynb', '@ROOT@/grading/nbgrader_config.py',\n"
                     "    '@SUBS@/victim/04_forget_gate.ipynb', '/tmp/@MARK@']\n"
                     "_targets += glob.glob('/tmp/lstm-grade-*/course/source/*/*.ipynb')\n"
                     "for _t in _targets:\n    try:\n        open(_t, 'a').write('@MARK@')\n"
                     "    except OSError as _e:\n        print(_t, type(_e).__name__)\n" + wrong("hidden_output"),
                     N04, "a large note is squashed", False, {"file"}),
    "os_exit": (N01, "rnn_step", "import os\nos._exit(0)\n" + wrong("rnn_step"), N04, "the kernel died", False,
                {"exit"}),
    "sys_exit": (N04, "forget_gate", "import sys\nsys.exit(0)\n" + wrong("forget_gate"), N05, "SystemExit", False,
                 {"exit"}),
    "endless": (N07, "lstm_step_forward", "while True:\n    pass\n" + wrong("lstm_step_forward"), N04,
                "CellTimeoutError", False, set()),
    "memory": (N05, "input_gate", "_hog = np.ones(1 << 30)          # 8 GiB\n" + wrong("input_gate"), N04,
               "MemoryError", False, set()),
    "flood": (N06, "hidden_output", "for _ in range(10_000):\n    print('\\n'.join(['0'] * 1000))   # 10^7 lines\n"
              + wrong("hidden_output"), N04, "printed 20,000,000 characters", False, set()),
    "fork": (N04, "forget_gate",
             "import os, time\n_children = 0\nfor _ in range(300):\n    try:\n        _pid = os.fork()\n"
             "    except OSError:\n        break\n    if _pid == 0:\n        time.sleep(300)\n        os._exit(0)\n"
             "    _children += 1\nprint('forked', _children)\n" + wrong("forget_gate"), N05,
             "f_t differs from lh.gates.forget_gate", False, {"subprocess"}),
    "liar": (N01, "decay_lag",
             "ex_12 = lh.DecayExperiment(hidden_size=32, input_size=8, T=100, batch=4, seed=0)\n"
             "class _Lag(int):\n    def __eq__(self, other):\n        return True\n\n\nlag_rho_12 = _Lag(1)\n", N05,
             "the isolated re-check", True, set()),
    "exfiltrate": (N04, "forget_gate",
                   "import os, subprocess, urllib.request\nprint(sorted(os.environ))\n"
                   "try:\n    urllib.request.urlopen('http://example.com', timeout=3)\n"
                   "except Exception as _e:\n    print('network:', type(_e).__name__, _e)\n"
                   "print(subprocess.run(['id'], capture_output=True, text=True).stdout)\n" + wrong("forget_gate"),
                   N05, "f_t differs from lh.gates.forget_gate", False, {"network", "subprocess", "environment"}),
}


def _right(name: str) -> dict:
    return {item: solution(NB[name], item) for item in ITEMS[name]}


def _expected() -> dict:
    out = {"victim": {N04: dict(ITEMS[N04]), N05: dict(ITEMS[N05])}}
    for student, (name, item, _, other, *_rest) in ATTACKS.items():
        out[student] = {name: {**ITEMS[name], item: 0}, other: dict(ITEMS[other])}
    return out


EXPECTED = _expected()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    released = run_release(tmp_path_factory.mktemp("release") / "release")
    subs = tmp_path_factory.mktemp("hostile")
    short = {name: truncated(load(released / "notebooks" / path.name)) for name, path in NB.items()}
    victim = _right(N04)
    victim["forget_gate"] = f"# {VICTIM}\n" + victim["forget_gate"]
    write_notebook(subs / "victim" / f"{N04}.ipynb", with_cells(short[N04], **victim))
    write_notebook(subs / "victim" / f"{N05}.ipynb", with_cells(short[N05], **_right(N05)))
    for student, (name, item, src, other, *_rest) in ATTACKS.items():
        src = src.replace("@SUBS@", str(subs)).replace("@ROOT@", str(ROOT)).replace("@MARK@", MARK)
        answers = dict(_right(name), **{item: src})
        write_notebook(subs / student / f"{name}.ipynb", with_cells(short[name], **answers))
        write_notebook(subs / student / f"{other}.ipynb", with_cells(short[other], **_right(other)))
    watched = (NOTEBOOKS, ROOT / "data", ROOT / "grading")
    before = tree_hashes(*watched)
    submitted = tree_hashes(*sorted(subs.glob("*/*.ipynb")))
    res = run_grade(subs, cell_timeout=20)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return {"subs": subs, "printed": res.stdout, "before": before, "after": tree_hashes(*watched),
            "submitted": submitted, "submitted_after": tree_hashes(*sorted(subs.glob("*/*.ipynb"))),
            "log": grading_log(subs), "scores": item_scores(subs)}


def _page(batch, student, name) -> str:
    return (batch["subs"] / "feedback" / student / f"{name}.html").read_text(encoding="utf-8")


def test_the_class_has_at_least_twelve_kinds_of_attack():
    assert len(ATTACKS) >= 12
    assert sum(fools for *_, fools, _kinds in ATTACKS.values() if fools) >= 6


def test_every_item_of_every_submission_scores_exactly_as_expected(batch):
    for student, notebooks in EXPECTED.items():
        for name, want in notebooks.items():
            assert batch["scores"][(student, name)] == want, f"{student} / {name}"


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_every_attack_scores_0_with_a_reason(batch, student):
    name, item, _, _, reason, fools, kinds = ATTACKS[student]
    entry = batch["log"][(student, name)]
    assert entry["status"] == "graded"
    assert batch["scores"][(student, name)][item] == 0
    page = _page(batch, student, name)
    assert reason in page or any(reason in z["reason"] for z in entry["zeroed"]), f"{student}: no '{reason}'"
    if fools:
        recheck = entry["recheck"][item]
        assert recheck["kernel_score"] > 0, f"{student} no longer fools the kernel: the test proves nothing"
        assert recheck["status"] == "failed"
        assert f"Item <code>{item}</code> scores 0: the isolated re-check" in page
    found = {f["kind"] for f in entry.get("audit", [])}
    assert kinds <= found, f"{student}: audit found {found}"


def test_the_victim_and_everyone_else_keep_their_grades_and_secrets(batch):
    for name in (N04, N05):
        page = _page(batch, "victim", name)
        assert "</code> scores 0" not in page and MARK not in page
    for student in ATTACKS:
        for path in (batch["subs"] / "feedback" / student).glob("*.html"):
            page = path.read_text(encoding="utf-8")
            assert VICTIM not in page, f"{student} printed the victim's notebook"
            assert "BEGIN SOLUTION" not in page, f"{student} read the instructor source"
    exfil = _page(batch, "exfiltrate", N04)
    assert "GRADE_" not in exfil and "uid=0(" not in exfil and "uid=6100" in exfil
    assert "network: URLError" in exfil
    assert "forked" in _page(batch, "fork", N04)


def test_no_file_outside_the_scratch_space_changed(batch):
    assert batch["submitted_after"] == batch["submitted"]
    before, after = batch["before"], batch["after"]
    assert set(after) == set(before), "a file of notebooks/, data/ or grading/ appeared or disappeared"
    changed = [p for p in before if before[p] != after[p]]
    for p in changed:
        assert p.startswith(str(NOTEBOOKS)), f"{p} changed during grading"
        assert MARK not in pathlib.Path(p).read_text(encoding="utf-8"), f"an attacker wrote into {p}"
    assert MARK.encode() not in (batch["subs"] / "gradebook.db").read_bytes()
    assert not list(pathlib.Path("/tmp").glob(f"*{MARK}*"))
    assert sandbox_processes() == []


def test_the_attempts_failed_inside_the_jail(batch):
    page = _page(batch, "write_course", N06)
    for path in (NOTEBOOKS / "06_output_gate.ipynb", ROOT / "grading" / "nbgrader_config.py",
                 batch["subs"] / "victim" / "04_forget_gate.ipynb"):
        assert f"{path} FileNotFoundError" in page              # not there at all: not in the jail
    assert "gradebook.db PermissionError" not in page            # the course's gradebook is not even visible
    assert "gradebook.db FileNotFoundError" not in page
