"""tools/check_verdicts.py: which output lines are verdicts, and what counts as the same verdict."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

SPEC = importlib.util.spec_from_file_location(
    "check_verdicts", pathlib.Path(__file__).resolve().parents[1] / "tools" / "check_verdicts.py")
cv = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(cv)


def notebook(*outputs):
    """A notebook with one code cell per output text (stream) plus a markdown cell that is ignored."""
    cells = [{"cell_type": "markdown", "source": "Verdict: not an output"}]
    cells += [{"cell_type": "code", "outputs": [{"output_type": "stream", "text": t}]} for t in outputs]
    return {"cells": cells}


def test_verdict_lines_are_the_seed_counts_and_verdict_prefixed_lines_with_decimals_masked():
    nb = notebook("loss 0.123\nLSTM beats RNN: holds in 5 of 5 seeds; median 0.93 [0.88, 0.97]\n",
                  "Verdict: the span is longer than the slide's 10 steps (20 steps)\n")
    assert cv.verdict_lines(nb) == [
        (0, "LSTM beats RNN: holds in 5 of 5 seeds; median # [#, #]"),
        (1, "Verdict: the span is longer than the slide's 10 steps (20 steps)"),
    ]


def test_execute_result_text_counts_too():
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "execute_result", "data": {"text/plain": ["'holds in 3 of 5 seeds'"]}}]}]}
    assert cv.verdict_lines(nb) == [(0, "'holds in 3 of 5 seeds'")]


@pytest.mark.parametrize("other, same", [
    ("A: holds in 5 of 5 seeds; median 0.91 [0.80, 0.99]\n", True),    # other digits: the same verdict
    ("A: holds in 4 of 5 seeds; median 0.93 [0.88, 0.97]\n", False),   # a seed flipped
    ("A: holds in 5 of 5 seeds; median 0.93 [0.88, 0.97]\nB: holds in 1 of 5 seeds\n", False),  # a new line
    ("Verdict: 21 steps\n", False),                                     # whole numbers are compared
])
def test_compare_ignores_decimals_only(other, same):
    stored = cv.verdict_lines(notebook("A: holds in 5 of 5 seeds; median 0.93 [0.88, 0.97]\n"))
    diffs = cv.compare(stored, cv.verdict_lines(notebook(other)))
    assert (diffs == []) is same
    if not same:
        assert any("stored" in d for d in diffs) and any("here" in d for d in diffs)


def test_bad_arguments_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        cv.main([str(tmp_path / "no_such.ipynb")])
    assert e.value.code == 2 and "no such notebook" in capsys.readouterr().err
