"""Melody corpus from the grammar, tokens, n-gram baselines, continuation, piano roll and synthesis."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import music as mu


def test_degrees_follow_the_major_scale():
    assert [mu.degree_to_midi(60, d) for d in range(8)] == [60, 62, 64, 65, 67, 69, 71, 72]
    assert mu.degree_to_midi(60, -1) == 59 and mu.degree_to_midi(67, 9) == 67 + 16
    assert mu.note_name(60) == "C4" and mu.note_name(69) == "A4" and mu.note_name(66) == "F#4"


@pytest.mark.parametrize("seed", range(5))
def test_melodies_obey_the_grammar(seed):
    for key, kinds, pitches in mu.corpus(50, seed):
        tonic = mu.KEYS[key]
        assert kinds[-1] == "cadence" and len(kinds) == 4 and set(kinds[:3]) <= set(mu.PHRASES)
        assert mu.in_key_fraction(pitches, key) == 1.0
        assert pitches[-1] % 12 == tonic % 12 and pitches[-1] == pitches[-2]
        assert mu.LOW <= min(pitches) and max(pitches) <= mu.HIGH
        assert len(pitches) >= 3 * 5 + 6


def test_phrases():
    rng = np.random.default_rng(0)
    up, down = mu._phrase(rng, "run_up"), mu._phrase(rng, "run_down")
    assert np.all(np.diff(up) == 1) and np.all(np.diff(down) == -1) and 5 <= len(up) <= 8
    arp = mu._phrase(rng, "arpeggio")
    assert np.diff(arp).tolist() == [2, 2, 3, -3, -2]
    seq = np.array(mu._phrase(rng, "sequence")).reshape(3, 3)
    np.testing.assert_array_equal(seq - seq[:, :1], np.tile(seq[0] - seq[0, 0], (3, 1)))  # the same motif
    np.testing.assert_array_equal(np.diff(seq[:, 0]), [1, 1])                              # one degree higher


def test_corpus_is_seeded_and_keys_vary():
    a, b = mu.corpus(40, 1), mu.corpus(40, 1)
    assert a == b and a != mu.corpus(40, 2)
    assert {k for k, _, _ in a} == set(mu.KEYS)
    with pytest.raises(ValueError, match="'key'"):
        mu.make_melody(np.random.default_rng(0), key="H")
    with pytest.raises(TypeError, match="'rng'"):
        mu.make_melody(0)


def test_tokens_round_trip_and_stream():
    mels = mu.corpus(5, 0)
    for _, _, p in mels:
        np.testing.assert_array_equal(mu.to_pitches(mu.to_tokens(p)), p)
    s = mu.stream(mels)
    assert (s == mu.REST).sum() == 5 and s[0] == mu.REST
    assert s.max() < mu.VOCAB_SIZE and len(s) == 5 + sum(len(p) for _, _, p in mels)
    with pytest.raises(ValueError, match="'pitches'"):
        mu.to_tokens([mu.HIGH + 1])


def test_ngram_accuracy():
    periodic = np.tile([1, 2, 3], 100)
    x, y = periodic[:-1, None], periodic[1:, None]
    assert mu.ngram_accuracy(periodic, x, y, 2) == 1.0
    assert mu.ngram_accuracy(periodic, x, y, 1) == pytest.approx(np.mean(y == 1))
    ambiguous = np.tile([1, 2, 1, 3], 100)     # after 1 comes 2 or 3; the note before decides
    x, y = ambiguous[:-1, None], ambiguous[1:, None]
    assert mu.ngram_accuracy(ambiguous, x, y, 2) < 0.8
    assert mu.ngram_accuracy(ambiguous, x, y, 3) > 0.99
    with pytest.raises(ValueError, match="'order'"):
        mu.ngram_accuracy(ambiguous, x, y, 4)


def test_in_key_fraction():
    assert mu.in_key_fraction(np.arange(60, 72), "C") == pytest.approx(7 / 12)
    assert mu.in_key_fraction([66, 71], "G") == 1.0 and mu.in_key_fraction([66, 71], "F") == 0.0
    assert np.isnan(mu.in_key_fraction([0, 0], "C"))


def test_synthesized_tone_has_the_right_pitch():
    rate = 8000
    w = mu.synthesize([69, 0, 81], note_seconds=0.25, rate=rate)
    n = int(0.25 * rate)
    assert w.shape == (3 * n,) and np.abs(w).max() <= 1.0
    assert np.all(w[n:2 * n] == 0.0)                       # a rest is silent
    for k, f in ((0, 440.0), (2, 880.0)):
        spectrum = np.abs(np.fft.rfft(w[k * n:(k + 1) * n]))
        assert np.fft.rfftfreq(n, 1 / rate)[spectrum.argmax()] == pytest.approx(f, abs=rate / n)
    with pytest.raises(ValueError, match="'rate'"):
        mu.synthesize([60], rate=10)


def test_continuation_stops_at_the_boundary_and_respects_min_notes():
    V = mu.VOCAB_SIZE
    m = lh.SequenceModel("lstm", V, 8, V, readout="all", seed=0)
    m.head.bias[mu.REST] = 30.0                            # this model wants to end every melody at once
    prompt = [60, 62, 64]
    assert mu.continue_melody(m, prompt, 10).size == 0
    g = mu.continue_melody(m, prompt, 10, min_notes=4, seed=1)
    assert g.size == 4 and np.all(g >= mu.LOW)
    m.head.bias[mu.REST] = -30.0
    g = mu.continue_melody(m, prompt, 10, seed=1)
    assert g.size == 10 and np.array_equal(g, mu.continue_melody(m, prompt, 10, seed=1))


def test_piano_roll_draws_every_note():
    fig, ax = plt.subplots()
    mu.plot_piano_roll(ax, [("a", 0, [60, 0, 64], "C0"), ("b", 3, [65, 67], "C1")])
    bars = [c for c in ax.collections]
    assert len(bars) == 4                                  # rests are not drawn
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    lo, hi = ax.get_ylim()
    assert lo < 60 and hi > 67
    plt.close(fig)


def test_ngram_sampler_counts_and_backs_off():
    tok = mu.to_tokens
    stream = np.concatenate([[mu.REST], tok([60, 62, 64]), [mu.REST], tok([60, 62, 65])])
    s = mu.NgramSampler(stream, 3)
    assert s.order == 3 and [c.shape for c in s.counts] == [(1, mu.VOCAB_SIZE), (mu.VOCAB_SIZE, mu.VOCAB_SIZE),
                                                              (mu.VOCAB_SIZE ** 2, mu.VOCAB_SIZE)]
    assert s.counts[0].sum() == len(stream) and s.counts[2].sum() == len(stream) - 2
    p = s.distribution(tok([60, 62]))                       # after C4 D4 came E4 once and F4 once
    assert p[tok([64])[0]] == pytest.approx(0.5) and p[tok([65])[0]] == pytest.approx(0.5)
    p = s.distribution(tok([67, 60]))                       # G4 C4 never seen: back off to "after C4"
    assert p[tok([62])[0]] == 1.0
    p = s.distribution(tok([70, 71]))                       # nothing seen: the unigram frequencies
    np.testing.assert_allclose(p, s.counts[0][0] / len(stream))
    p = s.distribution(tok([62, 64]), avoid=mu.REST)        # only REST followed: back off until another token can
    assert p[mu.REST] == 0.0 and p.sum() == pytest.approx(1.0)


def test_ngram_sampler_continues_like_continue_melody():
    periodic = np.tile(mu.to_tokens([60, 62, 64]), 50)      # C D E C D E ... without a boundary
    s = mu.NgramSampler(periodic, 3)
    g = s.continue_melody([60, 62], 7, temperature=0.7, seed=3)
    np.testing.assert_array_equal(g, [64, 60, 62, 64, 60, 62, 64])   # deterministic counts: no choice left
    melodies = np.concatenate([[mu.REST], mu.to_tokens([60, 62]), [mu.REST], mu.to_tokens([60, 64])])
    ends = mu.NgramSampler(melodies, 3)
    assert ends.continue_melody([62], 5, seed=0).size == 0              # after D4 the melody ends
    g = ends.continue_melody([62], 5, seed=0, min_notes=3)
    assert g.size >= 3 and np.all(g >= mu.LOW)
    a = ends.continue_melody([60], 6, temperature=2.0, seed=5, min_notes=6)
    assert np.array_equal(a, ends.continue_melody([60], 6, temperature=2.0, seed=5, min_notes=6))


def test_ngram_sampler_temperature_sharpens():
    rng = np.random.default_rng(0)
    stream = np.concatenate([mu.to_tokens([60, 62]), mu.to_tokens([60, 62]), mu.to_tokens([60, 62]),
                             mu.to_tokens([60, 64])])       # after C4: D4 three times, E4 once
    s = mu.NgramSampler(stream, 2)
    cold = [s.continue_melody([60], 1, temperature=0.2, seed=int(k))[0] for k in rng.integers(0, 10 ** 6, 200)]
    warm = [s.continue_melody([60], 1, temperature=1.0, seed=int(k))[0] for k in rng.integers(0, 10 ** 6, 200)]
    assert np.mean(np.array(cold) == 62) > 0.95 and 0.6 < np.mean(np.array(warm) == 62) < 0.9


@pytest.mark.parametrize("kwargs,err,name", [({"order": 4}, ValueError, "order"), ({"order": 0}, ValueError, "order"),
                                             ({"train_ids": [1, 99]}, ValueError, "train_ids"),
                                             ({"train_ids": "abc"}, TypeError, "train_ids")])
def test_ngram_sampler_argument_errors(kwargs, err, name):
    args = {"train_ids": mu.stream(mu.corpus(3, 0)), "order": 3, **kwargs}
    with pytest.raises(err, match=f"'{name}'"):
        mu.NgramSampler(**args)
    s = mu.NgramSampler(mu.stream(mu.corpus(3, 0)))
    with pytest.raises(ValueError, match="'temperature'"):
        s.continue_melody([60], 3, temperature=0.0)
    with pytest.raises(ValueError, match="'pitches'"):
        s.continue_melody([20], 3)
