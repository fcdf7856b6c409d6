"""Task generators (one_hot, recall task) and the files in data/, which must regenerate exactly."""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import datasets
from lstm_helpers.lessons import charlm_pretrained

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def test_one_hot():
    idx = np.array([[0, 2], [1, 0]])
    y = lh.one_hot(idx, 3)
    assert y.shape == (2, 2, 3) and y.dtype == np.float64
    np.testing.assert_array_equal(y.argmax(-1), idx)
    np.testing.assert_array_equal(y.sum(-1), 1.0)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert lh.one_hot([1], 2, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(lh.one_hot(np.array(2), 4), [0.0, 0.0, 1.0, 0.0])


@pytest.mark.parametrize("lag, K, M", [(0, 2, 1), (1, 4, 4), (7, 3, 5)])
def test_recall_tokens(lag, K, M):
    tokens, targets = lh.recall_tokens(np.random.default_rng(0), 50, lag, num_symbols=K, num_distractors=M)
    assert tokens.shape == (lag + 2, 50) and targets.shape == (50,)
    assert tokens.dtype.kind == "i" and targets.dtype.kind == "i"
    np.testing.assert_array_equal(tokens[0], targets)          # step 0 shows the symbol
    assert np.all((targets >= 0) & (targets < K))
    assert np.all((tokens[1:-1] >= K) & (tokens[1:-1] < K + M))  # distractors in between
    np.testing.assert_array_equal(tokens[-1], K + M)           # the query marker last
    assert np.unique(targets).size == K                         # every symbol occurs in 50 draws
    again, _ = lh.recall_tokens(np.random.default_rng(0), 50, lag, num_symbols=K, num_distractors=M)
    np.testing.assert_array_equal(again, tokens)


def test_recall_batch_is_one_hot_of_recall_tokens():
    tokens, targets = lh.recall_tokens(np.random.default_rng(3), 8, 5)
    x, y = lh.recall_batch(np.random.default_rng(3), 8, 5)
    assert x.shape == (7, 8, 9) and x.dtype == np.float64
    np.testing.assert_array_equal(x.argmax(-1), tokens)
    np.testing.assert_array_equal(x.sum(-1), 1.0)
    np.testing.assert_array_equal(y, targets)
    x32, _ = lh.recall_batch(np.random.default_rng(3), 8, 5, num_symbols=2, num_distractors=3, dtype=np.float32)
    assert x32.shape == (7, 8, 6) and x32.dtype == np.float32


def test_data_folder_regenerates_identically():
    assert datasets.differing(DATA) == []
    for name, make in datasets.DATASETS.items():
        assert (DATA / name).read_text() == make()


def _run_check(folder):
    return subprocess.run([sys.executable, "-m", "lstm_helpers.datasets", "--check", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_check_command_passes_on_data_and_fails_on_a_modified_copy(tmp_path):
    ok = _run_check("data")
    assert ok.returncode == 0, ok.stderr
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    assert _run_check(copy).returncode == 0
    f = copy / "recall_eval.csv"
    raw = bytearray(f.read_bytes())
    i = len(raw) // 2
    raw[i] = ord("0") if raw[i] != ord("0") else ord("1")
    f.write_bytes(bytes(raw))
    bad = _run_check(copy)
    assert bad.returncode == 1
    assert "recall_eval.csv" in bad.stderr


def test_differing_reports_missing_and_changed_files(tmp_path):
    assert datasets.differing(tmp_path) == sorted(datasets.DATASETS)
    paths = datasets.write_all(tmp_path)
    assert sorted(p.name for p in paths) == sorted(datasets.DATASETS)
    assert datasets.differing(tmp_path) == []
    for p in paths:
        assert p.read_bytes() == (DATA / p.name).read_bytes()
    (tmp_path / "recall_eval.csv").write_text((tmp_path / "recall_eval.csv").read_text() + "\n")
    assert datasets.differing(tmp_path) == ["recall_eval.csv"]


def test_main_write_and_check(tmp_path, capsys):
    assert datasets.main(["--write", str(tmp_path / "out")]) == 0
    assert "recall_eval.csv" in capsys.readouterr().out
    assert datasets.main(["--check", str(tmp_path / "out")]) == 0
    assert datasets.main(["--check", str(tmp_path / "missing")]) == 1


def test_load_recall_eval_matches_the_generator():
    sets = datasets.load_recall_eval(DATA / "recall_eval.csv")
    assert sorted(sets) == sorted(datasets.RECALL_LAGS)
    rng = np.random.default_rng(datasets.RECALL_SEED)
    for lag in datasets.RECALL_LAGS:  # the same generator calls, in the same order
        tokens, targets = lh.recall_tokens(rng, datasets.RECALL_EVAL_SIZE, lag)
        got_tokens, got_targets = sets[lag]
        assert got_tokens.shape == (lag + 2, datasets.RECALL_EVAL_SIZE)
        np.testing.assert_array_equal(got_tokens, tokens)
        np.testing.assert_array_equal(got_targets, targets)


# ------------------------------------------------------------------- notebook 11's character model (binary, minutes)

TINY_CHARLM = {**charlm_pretrained.RECIPE, "hidden_size": 4, "phases": [[1e-2, 2]], "eval_seq_len": 64}


def test_charlm_weights_are_in_data_but_not_among_the_text_datasets():
    assert datasets.CHARLM_FILE == charlm_pretrained.WEIGHTS_FILE
    assert (DATA / datasets.CHARLM_FILE).is_file()
    assert datasets.CHARLM_FILE not in datasets.DATASETS          # --write/--check never retrain it


def test_train_and_check_charlm_commands(tmp_path, monkeypatch, capsys):
    """The commands' logic with a tiny recipe (the real one takes minutes: tests/test_charlm_pretrained.py)."""
    monkeypatch.setattr(charlm_pretrained, "RECIPE", TINY_CHARLM)
    assert datasets.main(["--train-charlm", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "held-out bits per character:" in out and datasets.CHARLM_FILE in out
    assert datasets.main(["--check-charlm", str(tmp_path)]) == 0
    assert "reproduced bit for bit" in capsys.readouterr().out
    monkeypatch.setattr(charlm_pretrained, "RECIPE", {**TINY_CHARLM, "seed": 1})
    assert datasets.main(["--check-charlm", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "differs from the stored" in err and "cell.weight_ih" in err and "meta 'recipe'" in err
    with pytest.raises(SystemExit):
        datasets.main(["--train-charlm", str(tmp_path), "--check", "data"])     # one command at a time
