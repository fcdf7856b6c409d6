"""The character-level language model: the pinned corpus from the interpreter, vocabulary, batches,
bits per character, n-gram baselines, temperature and step-by-step sampling with carried state."""
from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import charlm as cl


@pytest.fixture(scope="module")
def text():
    return cl.corpus_text()


def _model(V, H=8, seed=0):
    return lh.SequenceModel("lstm", V, H, V, readout="all", dtype=np.float64, seed=seed)


def test_corpus_is_the_pinned_text_and_normalised(text):
    assert cl.corpus_text() == text
    assert set(text) <= set(cl.ALPHABET)
    assert text.endswith("\n") and "\n\n" not in text and "  " not in text
    assert text == text.lower()
    assert ">>>" not in text and "::=" not in text
    assert len(text) > 200_000                    # enough text to learn from
    info = cl.corpus_info(text)
    assert info["sha256"] == hashlib.sha256(text.encode()).hexdigest() == cl.CORPUS_SHA256
    assert info["characters"] == len(text) and info["lines"] == text.count("\n") and info["pinned"]
    assert info["source"] == "pydoc_data.topics"
    assert info["python"] == cl.PINNED_PYTHON, "the stored model and notebook outputs need this Python version"
    assert cl.Vocab.from_text(text) == cl.Vocab.from_text(cl.ALPHABET)   # every character of the alphabet occurs


def test_corpus_holds_the_prose_of_the_language_reference(text):
    lines = text.splitlines()
    assert 'the "while" statement is used for repeated execution as long as an expression is true:' in lines
    # an indented paragraph of prose (a method's description) is kept, in ASCII quotes
    assert any(line.startswith("return a new view of the dictionary's values.") for line in lines)
    assert not any("while_stmt" in line for line in lines)              # the grammar rule is dropped
    raw = cl.topic_paragraphs()
    assert [p for p in map(cl.normalise, raw) if p] == lines
    assert raw[0].startswith('The "assert" statement')                   # topics in sorted order


def test_another_pythons_text_is_a_clear_error(monkeypatch, text):
    monkeypatch.setattr(cl, "CORPUS_SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match=r"not the pinned one \(Python 3\.11\.7.*strict=False"):
        cl.corpus_text()
    assert cl.corpus_text(strict=False) == text
    assert not cl.corpus_info(text)["pinned"]


def test_normalise_keeps_prose_and_drops_code():
    doc = "   Return The \u201cSum\u201d of a list \u2014 it\u2019s   added\n   starting from the left."
    assert cl.normalise(doc) == 'return the "sum" of a list - it\'s added starting from the left.'
    assert cl.normalise(doc.replace("starting from", "from")) == ""     # a line opening like code drops it all
    for code in ("   def f(x):\n       return x + 1", ">>> add([1, 2]) and some more words here",
                 'for_stmt ::= "for" target_list "in" starred_list ":" suite',
                 "object.__getattr__(self, name) is a method of the object", "-----\n| a | b | c | d | e | f |",
                 "Too short."):
        assert cl.normalise(code) == "", code
    assert cl.is_prose("an ordinary sentence with more than six words in it.")


def test_vocab_round_trip_and_errors():
    v = cl.Vocab.from_text("banana split")
    assert v.chars == " abilnpst"
    ids = v.encode("nab")
    assert ids.dtype == np.int64 and v.decode(ids) == "nab"
    with pytest.raises(ValueError, match="'text'"):
        v.encode("xyz")
    with pytest.raises(ValueError, match="'chars'"):
        cl.Vocab("aa")
    with pytest.raises(ValueError, match="'ids'"):
        v.decode([len(v)])


def test_split_windows_and_batches():
    ids = np.arange(100) % 7
    tr, va = cl.split(ids, 0.1)
    assert len(tr) == 90 and len(va) == 10 and np.array_equal(np.concatenate([tr, va]), ids)
    x, y = cl.windows(ids, np.array([0, 5]), 4)
    assert x.shape == y.shape == (4, 2)
    np.testing.assert_array_equal(y[:-1], x[1:])             # targets are the inputs shifted by one
    np.testing.assert_array_equal(x[:, 1], ids[5:9])
    with pytest.raises(ValueError, match="past the end"):
        cl.windows(ids, np.array([97]), 4)
    make = cl.batch_maker(ids, 7, seq_len=6, batch_size=3)
    xb, yb = make(np.random.default_rng(0))
    assert xb.shape == (6, 3, 7) and yb.shape == (6, 3) and xb.dtype == np.float32
    np.testing.assert_array_equal(xb.argmax(-1)[1:], yb[:-1])
    ex, ey = cl.eval_batch(ids, 7, seq_len=10)
    assert ex.shape[1] == len(range(0, 100 - 11, 10))
    np.testing.assert_array_equal(ey[-1, :-1], ex.argmax(-1)[0, 1:])   # consecutive windows


def test_bits_per_char_of_a_uniform_model_is_log2_V():
    V = 5
    m = _model(V)
    for p in m.head.parameters().values():
        p[...] = 0.0
    batch = cl.eval_batch(np.arange(60) % V, V, seq_len=8, dtype=np.float64)
    assert cl.bits_per_char(m, batch) == pytest.approx(math.log2(V), abs=1e-12)


def test_ngram_baselines():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 4, 5000)
    counts = np.bincount(ids, minlength=4) / len(ids)
    entropy = -(counts * np.log2(counts)).sum()
    assert cl.ngram_bits_per_char(ids, ids, 4, 1, alpha=1e-9) == pytest.approx(entropy, rel=1e-6)
    periodic = np.tile([0, 1, 2, 3], 200)       # next char is fixed by the previous one
    assert cl.ngram_bits_per_char(periodic, periodic, 4, 2, alpha=1e-3) < 0.01
    assert cl.ngram_bits_per_char(periodic, periodic, 4, 1) == pytest.approx(2.0, abs=1e-3)
    ambiguous = np.tile([0, 1, 0, 2], 200)      # after 0 comes 1 or 2: only two characters decide
    assert cl.ngram_bits_per_char(ambiguous, ambiguous, 3, 3, alpha=1e-3) < 0.01
    assert cl.ngram_bits_per_char(ambiguous, ambiguous, 3, 2, alpha=1e-3) > 0.4
    with pytest.raises(ValueError, match="'order'"):
        cl.ngram_bits_per_char(ids, ids, 4, 4)


def test_temperature_reshapes_but_keeps_the_order():
    z = np.array([2.0, 1.0, 0.0, -1.0])
    np.testing.assert_allclose(cl.next_distribution(z, 1.0), lh.softmax(z))
    cold, hot = cl.next_distribution(z, 0.05), cl.next_distribution(z, 50.0)
    assert cold[0] > 0.999 and np.allclose(hot, 0.25, atol=0.01)
    for p in (cold, hot, cl.next_distribution(z, 0.7)):
        assert np.all(np.diff(p) <= 0) and p.sum() == pytest.approx(1.0)
    assert cl.entropy_bits(cold) < cl.entropy_bits(cl.next_distribution(z, 1.0)) < cl.entropy_bits(hot)
    assert cl.entropy_bits(np.full(8, 1 / 8)) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="'temperature'"):
        cl.next_distribution(z, 0.0)


def test_sampling_is_seeded():
    V = 6
    m = _model(V)
    a = cl.generate(m, [1, 2, 3], 30, temperature=1.5, seed=3)
    assert np.array_equal(a, cl.generate(m, [1, 2, 3], 30, temperature=1.5, seed=3))
    assert not np.array_equal(a, cl.generate(m, [1, 2, 3], 30, temperature=1.5, seed=4))
    assert a.shape == (30,) and a.min() >= 0 and a.max() < V
    v = cl.Vocab("abcdef")
    assert cl.sample_text(m, v, "abc", 30, temperature=1.5, seed=3) == v.decode(a)


def test_carried_state_equals_rereading_the_whole_sequence():
    """Greedy sampling with the state carried step by step gives the argmax of a full forward pass."""
    V = 7
    m = _model(V, H=10, seed=2)
    prompt = np.array([3, 1, 4, 1, 5])
    out = cl.generate(m, prompt, 12, temperature=1e-3, seed=0)
    seq = list(prompt)
    for tok in out:
        logits = m.forward(lh.one_hot(np.array(seq), V)[:, None, :])[-1, 0]
        assert tok == logits.argmax()
        seq.append(tok)
    logits, (h, C) = cl.prime(m, prompt)
    full, state = m.cell.forward(lh.one_hot(prompt, V)[:, None, :])
    np.testing.assert_allclose(h, state[0]) and np.testing.assert_allclose(C, state[1])
    np.testing.assert_allclose(logits, m.head.forward(full[-1, 0]))


def test_avoided_token_is_not_drawn_before_min_length():
    V = 4
    m = _model(V)
    m.head.bias[:] = [20.0, 0.0, 0.0, 0.0]     # token 0 almost always
    out = cl.generate(m, [1], 10, seed=0, avoid=0, min_length=6)
    assert np.all(out[:6] != 0) and np.all(out[6:] == 0)
    with pytest.raises(ValueError, match="'avoid'"):
        cl.generate(m, [1], 3, avoid=V)


def test_prime_rejects_bad_prompts():
    m = _model(4)
    with pytest.raises(ValueError, match="'prompt_ids'"):
        cl.prime(m, [0, 4])
    with pytest.raises(ValueError, match="'prompt_ids'"):
        cl.prime(m, np.zeros((2, 2), dtype=int))
    with pytest.raises(TypeError, match="'length'"):
        cl.generate(m, [0], 2.5)


def test_training_beats_the_unigram_baseline(text):
    """A short run already predicts better than character frequencies (the notebook's claim, small)."""
    v = cl.Vocab.from_text(text)
    tr, va = cl.split(v.encode(text))
    V = len(v)
    m = lh.SequenceModel("lstm", V, 32, V, readout="all", dtype=np.float32, seed=0)
    batch = cl.eval_batch(va[:3000], V, seq_len=64)
    before = cl.bits_per_char(m, batch)
    lh.train(m, cl.batch_maker(tr, V, seq_len=24, batch_size=16), steps=150, lr=2e-2, progress=False)
    after = cl.bits_per_char(m, batch)
    assert after < cl.ngram_bits_per_char(tr, va[:3000], V, 1) < before
