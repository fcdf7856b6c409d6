"""Notebook 11's character model trained longer: recipe checks, saving and loading, the stored weights in data/.

That the project command reproduces the stored weights bit for bit is checked by benchmarks/bench_charlm_train.py
(about two minutes of CPU time, so not in `make test`)."""
from __future__ import annotations

import pathlib
import re
import time

import numpy as np
import pytest

from lstm_helpers import charlm as cl
from lstm_helpers.lessons import charlm_pretrained as cp

ROOT = pathlib.Path(__file__).resolve().parent.parent
STORED = ROOT / "data" / cp.WEIGHTS_FILE
TINY = {**cp.RECIPE, "hidden_size": 6, "phases": [[1e-2, 3], [1e-3, 2]], "eval_seq_len": 64}


@pytest.fixture(scope="module")
def tiny():
    return cp.train_reference(TINY, progress=False)


@pytest.fixture(scope="module")
def stored():
    return cp.load(STORED)


@pytest.fixture(scope="module")
def data():
    return cp.reference_data()


def test_tiny_training_is_seeded_and_records_its_recipe(tiny):
    model, vocab, meta = tiny
    again, _, meta_again = cp.train_reference(TINY, progress=False)
    for name, p in model.parameters().items():
        assert np.array_equal(p, again.parameters()[name]), name
    assert meta == meta_again
    assert meta["recipe"] == TINY and meta["corpus"]["sha256"] == cl.CORPUS_SHA256
    assert vocab == cl.Vocab.from_text(cl.ALPHABET)
    assert model.cell.hidden_size == 6 and model.dtype == np.float32
    untrained = cp.new_model(len(vocab), 6)
    assert not np.array_equal(untrained.parameters()["cell.weight_ih"], model.parameters()["cell.weight_ih"])


def test_save_load_round_trip_is_byte_for_byte(tiny, tmp_path):
    model, vocab, meta = tiny
    a = cp.save(model, vocab, meta, tmp_path / "a.npz")
    time.sleep(1.1)                                    # a zip's timestamps have a resolution of 2 s
    b = cp.save(model, vocab, meta, tmp_path / "sub" / "b.npz")
    assert a.read_bytes() == b.read_bytes()
    loaded, loaded_vocab, loaded_meta = cp.load(a)
    assert loaded_vocab == vocab and loaded_meta == meta
    for name, p in model.parameters().items():
        q = loaded.parameters()[name]
        assert q.dtype == p.dtype and np.array_equal(q, p), name
    assert cp.differences(model, vocab, meta, a) == []
    model.parameters()["head.bias"][0] += 1.0
    try:
        diffs = cp.differences(model, vocab, {**meta, "numpy": "0"}, a)
    finally:
        model.parameters()["head.bias"][0] -= 1.0
    assert diffs[0].startswith("head.bias: 1 of 53 numbers differ") and diffs[1].startswith("meta 'numpy'")


def test_load_errors_say_what_to_do(tiny, tmp_path):
    with pytest.raises(FileNotFoundError, match="--train-charlm data"):
        cp.load(tmp_path / "missing.npz")
    with pytest.raises(TypeError, match="'path'"):
        cp.load(None)
    with pytest.raises(TypeError, match="'path'"):
        cp.save(*tiny, 3)
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match="not a character model"):
        cp.load(tmp_path / "other.npz")
    model, vocab, meta = tiny
    cp.save(model, vocab, {**meta, "recipe": {**meta["recipe"], "hidden_size": 7}}, tmp_path / "wrong.npz")
    with pytest.raises(ValueError, match=r"'cell.weight_ih' has shape \(24, 53\) .* needs \(28, 53\)"):
        cp.load(tmp_path / "wrong.npz")


@pytest.mark.parametrize("change, error, match", [
    ({"hidden_size": 0}, ValueError, "'hidden_size'"),
    ({"phases": []}, TypeError, "'phases'"),
    ({"phases": [[1e-3]]}, TypeError, "'phases'"),
    ({"phases": [[0.0, 10]]}, ValueError, "'phases learning rate'"),
    ({"clip": "1"}, TypeError, "'clip'"),
])
def test_recipe_is_checked(change, error, match):
    with pytest.raises(error, match=match):
        cp.train_reference({**cp.RECIPE, **change}, progress=False)
    with pytest.raises(TypeError, match="'recipe'"):
        cp.train_reference({"hidden_size": 4}, progress=False)


def test_describe():
    meta = {"recipe": cp.RECIPE, "train_characters": 1000,
            "corpus": {"python": "3.11.7", "characters": 10, "lines": 2, "sha256": "ab" * 32}}
    assert cp.describe(meta) == ("H = 192, 2500 steps of 32 windows of 64 characters (learning rate 0.004, 0.001, "
                                 "0.0003), trained on 1000 characters")
    assert cp.describe(meta, part="corpus") == ("pydoc_data.topics of Python 3.11.7: 10 characters, 2 paragraphs, "
                                                "sha256 abababababababab...")
    with pytest.raises(ValueError, match="'part'"):
        cp.describe(meta, part="weights")


# ------------------------------------------------------------------------------------------- the stored model

def test_stored_model_is_small_and_made_from_the_pinned_text_by_the_recipe(stored, data):
    assert STORED.stat().st_size < 3_000_000
    model, vocab, meta = stored
    assert meta["recipe"] == cp.RECIPE
    assert meta["corpus"]["sha256"] == cl.CORPUS_SHA256 and meta["corpus"]["python"] == cl.PINNED_PYTHON
    assert vocab == data[0]
    assert (meta["train_characters"], meta["valid_characters"]) == (len(data[1]), len(data[2]))


def test_stored_model_reaches_2_bits_per_char_on_held_out_text(stored, data):
    model, vocab, meta = stored
    _, train_ids, valid_ids = data
    bpc = cl.bits_per_char(model, cl.eval_batch(valid_ids, len(vocab), seq_len=cp.RECIPE["eval_seq_len"]))
    assert bpc == pytest.approx(meta["valid_bits_per_char"], abs=1e-4)
    assert bpc <= 2.0
    assert bpc < cl.ngram_bits_per_char(train_ids, valid_ids, len(vocab), 3) - 0.5


def test_stored_model_writes_words_of_the_language(stored, data):
    """Readable: at temperature 0.5 nearly every sampled word is a word of the training text."""
    model, vocab, _ = stored
    known = set(vocab.decode(data[1]).split())
    sample = cl.sample_text(model, vocab, "the value of ", 600, temperature=0.5, seed=0)
    words = re.findall(r"[a-z]+", sample)
    assert len(words) > 60
    assert np.mean([w in known for w in words]) >= 0.9
    # an untrained model of the same size writes no words
    gibberish = re.findall(r"[a-z]+", cl.sample_text(cp.new_model(len(vocab), 192), vocab, "the value of ", 600,
                                                     temperature=0.5, seed=0))
    assert np.mean([w in known for w in gibberish]) < 0.5
