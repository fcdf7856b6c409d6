"""Subject–verb agreement (notebook 09): the sentence generator's grammar and metadata, reading text,
encoding without padding, the dataset file in data/, the error tables, training and the widget."""
from __future__ import annotations

import pathlib
import warnings

import matplotlib
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import agreement as ag
from lstm_helpers.engine.models import SequenceModel
from lstm_helpers.lessons.sentences import grouped_accuracy
from lstm_helpers.widgets.agreement import AgreementView, agreement_widget, bench_cases

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "agreement.tsv"


@pytest.fixture(scope="module")
def generated():
    """The dataset as the generator makes it (generated once for this module)."""
    return ag.dataset_sentences()


def _last_sentence_start(words) -> int:
    return max((t + 1 for t, w in enumerate(words) if w == ag.END), default=0)


# ----------------------------------------------------------------------------- the generator
@pytest.mark.parametrize("k", range(ag.LONGEST + 1))
@pytest.mark.parametrize("context", [0, 1, 2])
def test_make_sentence_grammar_and_metadata(k, context):
    rng = np.random.default_rng(100 * k + context)
    for a in [None, *range(k + 1)]:
        for _ in range(5):
            s = ag.make_sentence(rng, k, a, context=context)
            verb = s.words[s.verb_index]
            assert verb in ag.VERBS and s.label == ag.VERBS.index(verb)
            assert s.words[s.verb_index + 1] in ag.PREDICATES and len(s.words) == s.verb_index + 2
            start = _last_sentence_start(s.prefix)
            assert s.prefix.count(ag.END) == s.context == context
            last = s.prefix[start:]
            assert last[0] == "the" and ag.NOUN_NUMBER[last[1]] == s.label          # the subject decides the verb
            nouns = [w for w in last if w in ag.NOUN_NUMBER]
            assert len(nouns) == k + 1 == s.modifiers + 1                          # one noun per modifier
            assert len({n for n in nouns}) == k + 1 and len({ag.NOUN_NUMBER[n] for n in nouns} | {0}) <= 2
            others = sum(ag.NOUN_NUMBER[n] != s.label for n in nouns[1:])
            assert s.attractors == others and (a is None or others == a)
            assert s.distance == len(last) - 1 and 3 * k + 1 <= s.distance <= 5 * k + 1
            assert not set(last) & set(ag.VERBS)                   # no number-marked verb inside the sentence
            assert all(w in ag.WORD_INDEX for w in s.prefix)
            facts = ag.analyse(s.words)
            assert (facts["subject_number"], facts["distance"], facts["attractors"], facts["context"]) == (
                s.label, s.distance, s.attractors, s.context)
            assert facts["verb"] == verb and tuple(facts["prefix"]) == s.prefix
            # every earlier sentence is itself a correct agreement sentence
            sentences = " ".join(s.words).split(f" {ag.END} ")
            assert len(sentences) == context + 1
            for earlier in sentences[:-1]:
                f = ag.analyse(earlier.split())
                assert f["verb"] == ag.VERBS[f["subject_number"]]


def test_numbers_are_drawn_fairly():
    rng = np.random.default_rng(7)
    sents = [ag.make_sentence(rng, 3) for _ in range(3000)]
    assert abs(np.mean([s.label for s in sents]) - 0.5) < 0.03
    assert abs(np.mean([s.attractors for s in sents]) / 3 - 0.5) < 0.03
    kinds = {"that_transitive": 0, "that_intransitive": 0, "preposition": 0}
    for s in sents:
        kinds["that_transitive"] += sum(w in ag.TRANSITIVE_VERBS for w in s.prefix)
        kinds["that_intransitive"] += sum(w in dict(ag.INTRANSITIVE_VERBS) for w in s.prefix)
    assert min(kinds["that_transitive"], kinds["that_intransitive"]) > 2000      # each ≈ 1/3 of 9000 modifiers
    again = [ag.make_sentence(np.random.default_rng(7), 3) for _ in range(1)]
    assert again[0] == sents[0]


def test_make_sentence_rejects_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng"):
        ag.make_sentence(0, 1)
    with pytest.raises(ValueError, match="modifiers"):
        ag.make_sentence(rng, ag.LONGEST + 1)
    with pytest.raises(ValueError, match="attractors"):
        ag.make_sentence(rng, 2, 3)
    with pytest.raises(ValueError, match="context"):
        ag.make_sentence(rng, 1, context=ag.MAX_CONTEXT + 1)
    with pytest.raises(TypeError, match="modifiers"):
        ag.make_sentence(rng, 1.5)


# ----------------------------------------------------------------------------- reading text
def test_tokenize_and_split_at_verb():
    words = ag.tokenize(ag.SLIDE_SENTENCE)
    assert words[:2] == ["the", "cat"] and words[-1] == "." and "," not in "".join(words)
    prefix, verb = ag.split_at_verb(words)
    assert verb == "was" and prefix == words[:15]
    text = "The dogs were happy. The cats, near the mouse, were"
    prefix, verb = ag.split_at_verb(ag.tokenize(text))
    assert verb == "were" and prefix == ["the", "dogs", "were", "happy", ".", "the", "cats", "near", "the", "mouse"]
    prefix, verb = ag.split_at_verb(ag.tokenize("the dogs were happy. the cat that"))
    assert verb is None and prefix[-2:] == ["cat", "that"]
    prefix, verb = ag.split_at_verb(ag.tokenize("the dogs were happy."))
    assert verb == "were" and prefix == ["the", "dogs"]
    assert ag.split_at_verb([]) == ([], None)
    with pytest.raises(TypeError):
        ag.tokenize(["the"])
    assert ag.unknown_words(["the", "unicorn", "cat", "unicorn", "xyz"]) == ["unicorn", "xyz"]


def test_analyse_the_slide_sentence_and_its_variants():
    facts = {label: ag.analyse(ag.tokenize(t)) for label, t in ag.SLIDE_VARIANTS.items()}
    slide = facts["slide (no attractor)"]
    assert (slide["subject"], slide["distance"], slide["attractors"], slide["last_noun"]) == ("cat", 14, 0, "table")
    assert facts["mice, cheeses (last noun singular)"]["attractors"] == 2
    tables = facts["mice, cheeses, tables (last noun plural)"]
    assert tables["attractors"] == 3 and tables["last_noun_number"] == ag.PLURAL and tables["subject_number"] == 0
    plural = facts["plural subject, singular nouns"]
    assert plural["subject_number"] == ag.PLURAL and plural["attractors"] == 3 and plural["verb"] == "were"
    after = facts["after a plural sentence"]
    assert after["context"] == 1 and after["subject"] == "cat" and after["distance"] == 14 and after["attractors"] == 0
    assert ag.first_noun_prediction([after["prefix"]])[0] == ag.PLURAL          # the trap of an earlier sentence
    empty = ag.analyse([])
    assert empty["subject"] is None and empty["distance"] is None


def test_shortcuts():
    prefixes = [["the", "cat", "near", "the", "dogs"], ["the", "mice"], ["the", "dogs", "were", "happy", ".", "the",
                                                                         "cat"], ["the", "that"]]
    np.testing.assert_array_equal(ag.last_noun_prediction(prefixes), [1, 1, 0, 0])
    np.testing.assert_array_equal(ag.first_noun_prediction(prefixes), [0, 1, 1, 0])


# ----------------------------------------------------------------------------- encoding
def test_encode_is_one_hot_without_padding():
    prefixes = [["the", "cat", "that"], ["the", "mice", "near"]]
    x = ag.encode(prefixes, dtype=np.float32)
    assert x.shape == (3, 2, len(ag.VOCAB)) and x.dtype == np.float32
    np.testing.assert_array_equal(x.sum(-1), 1.0)
    np.testing.assert_array_equal(x.argmax(-1).T, [[ag.WORD_INDEX[w] for w in p] for p in prefixes])
    with pytest.raises(ValueError, match="group_by_length"):
        ag.encode([["the", "cat"], ["the", "cat", "that"]])
    with pytest.raises(ValueError, match="unknown word.*'unicorn'.*the, that, cat"):
        ag.encode([["the", "unicorn"]])
    with pytest.raises(ValueError, match="non-empty"):
        ag.encode([[]])
    with pytest.raises(TypeError):
        ag.encode("the cat")
    groups = ag.group_by_length([["a"] * 3, ["a"], ["a"] * 3, ["a"] * 2])
    assert list(groups) == [1, 2, 3] and groups[3].tolist() == [0, 2]


def test_batch_sampler_draws_one_length_per_batch(generated):
    data = generated
    train = data["train"]
    by_prefix = {s.prefix: s.label for s in train}
    make_batch = ag.batch_sampler(train, 16, dtype=np.float32)
    lengths = set()
    for seed in range(30):
        x, y = make_batch(np.random.default_rng(seed))
        assert x.ndim == 3 and x.shape[1:] == (16, len(ag.VOCAB)) and x.dtype == np.float32 and y.shape == (16,)
        np.testing.assert_array_equal(x.sum(-1), 1.0)                     # no padding anywhere
        for b in range(16):
            prefix = tuple(ag.VOCAB[i] for i in x[:, b].argmax(-1))
            assert by_prefix[prefix] == y[b]                            # a real training example with its label
        lengths.add(x.shape[0])
        x2, y2 = make_batch(np.random.default_rng(seed))
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(y, y2)
    assert len(lengths) > 5
    with pytest.raises(ValueError):
        ag.batch_sampler([], 4)


def test_valid_set_is_grouped_by_length_and_scored_by_the_evaluation_forward(generated):
    sents = generated["valid"][:40]
    model = ag.make_model("lstm", 8, seed=3, dtype=np.float64)
    xs, y = ag.encode_sentences(sents, dtype=np.float64)
    order = np.concatenate(list(ag.group_by_length([s.prefix for s in sents]).values()))
    assert isinstance(xs, tuple) and len(xs) > 1
    assert [x.shape[0] for x in xs] == sorted({len(s.prefix) for s in sents})     # one batch per length
    assert sum(x.shape[1] for x in xs) == len(sents)
    np.testing.assert_array_equal(y, [sents[i].label for i in order])
    logits = np.concatenate([model.logits(x) for x in xs])
    assert logits.shape == (len(sents), 2)
    np.testing.assert_array_equal(np.concatenate([model.forward(x) for x in xs]), logits)   # the same numbers
    assert grouped_accuracy(model, (xs, y)) == lh.accuracy(logits, y)
    model.logits(xs[0])
    with pytest.raises(ValueError, match=r"forward\(\) first"):
        model.backward(np.zeros((xs[0].shape[1], 2)))     # an evaluation keeps nothing for backward
    p = ag.verb_probabilities(model, [s.prefix for s in sents])
    np.testing.assert_allclose(p.sum(1), 1.0)
    np.testing.assert_allclose(p[order], np.exp(logits) / np.exp(logits).sum(1, keepdims=True), rtol=1e-10)
    for i in (0, 7):   # grouping does not change an example's probabilities
        np.testing.assert_allclose(p[i], ag.verb_probabilities(model, [sents[i].prefix])[0], rtol=1e-12)
    np.testing.assert_array_equal(ag.predictions(model, sents), p.argmax(1))
    np.testing.assert_allclose(ag.sentence_probabilities(model, sents[0].text), p[0], rtol=1e-12)


# ----------------------------------------------------------------------------- the dataset
def test_dataset_file_regenerates_identically_and_parses_back(generated):
    text = ag.dataset_text()
    assert DATA_FILE.read_text() == text
    assert len(text.encode()) < 1_000_000
    assert ag.load_dataset(DATA_FILE) == ag.parse_dataset(text) == generated
    assert ag.dataset_text(seed=1) != text


def test_dataset_design():
    data = ag.load_dataset(DATA_FILE)
    assert {k: len(v) for k, v in data.items() if k in ag.DATASET_SIZES} == ag.DATASET_SIZES
    for split in ("train", "valid"):
        assert {s.modifiers for s in data[split]} == set(range(ag.MAX_MODIFIERS + 1))
    cells = {}
    for s in data["test"]:
        cells[s.modifiers, s.attractors] = cells.get((s.modifiers, s.attractors), 0) + 1
    assert cells == {(k, a): ag.TEST_PER_CELL for k in range(ag.MAX_MODIFIERS + 1) for a in range(k + 1)}
    long_cells = {(s.modifiers, s.attractors) for s in data["test_long"]}
    assert long_cells == {(k, a) for k in ag.LONG_MODIFIERS for a in range(k + 1)}
    assert len(data["test_long"]) == len(long_cells) * ag.LONG_PER_CELL
    for split, sents in data.items():
        assert {s.context for s in sents} == set(ag.CONTEXTS)
        for s in sents:
            f = ag.analyse(s.words)
            assert (f["subject_number"], f["distance"], f["attractors"], f["context"]) == (
                s.label, s.distance, s.attractors, s.context)
    train = {s.prefix for s in data["train"]}
    seen = set()
    for split in ("valid", "test", "test_long"):
        for s in data[split]:
            assert len(s.prefix) == 2 or (s.prefix not in train and s.prefix not in seen)
            seen.add(s.prefix)
    # in training, the shortcut "agree with the last noun" is far from enough
    wrong = ag.last_noun_prediction([s.prefix for s in data["train"]]) != [s.label for s in data["train"]]
    assert 0.3 < wrong.mean() < 0.45


def test_parse_dataset_rejects_a_line_without_its_verb():
    line = "test\twas\t1\t0\t0\t0\tthe cat were happy"
    with pytest.raises(ValueError, match="no verb 'was'"):
        ag.parse_dataset(line)


# ----------------------------------------------------------------------------- analysis
def _sentence(words, label, distance, attractors, context=0):
    words = tuple(words.split())
    return ag.Sentence(words, len(ag.split_at_verb(words)[0]), label, distance, attractors, 0, context)


def test_errors_by_and_summaries():
    sents = [_sentence("the cat was", 0, 1, 0), _sentence("the cats were", 1, 1, 0),
             _sentence("the cat near the dogs was", 0, 4, 1), _sentence("the cat near the dogs was", 0, 4, 1),
             _sentence("the dogs were . the cat was", 0, 1, 0, 1), _sentence("x " * 20 + "the cat was", 0, 25, 0)]
    predicted = np.array([0, 0, 1, 0, 1, 0])
    r = ag.errors_by(sents, predicted)
    assert r["overall"] == pytest.approx(3 / 6)
    assert r["attractors"] == {0: (4, 0.5), 1: (2, 0.5)}
    assert r["context"] == {0: (5, 0.4), 1: (1, 1.0)}
    assert r["distance"] == {(1, 5): (5, 0.6), (21, 25): (1, 0.0)}
    assert r["distance_no_attractor"] == {(1, 5): (3, 2 / 3), (21, 25): (1, 0.0)}
    assert ag.pooled_error(r, "attractors", [0, 1]) == (6, pytest.approx(0.5))
    assert ag.pooled_error(r, "distance", [(21, 25), (26, 31)]) == (1, 0.0)
    with pytest.raises(ValueError):
        ag.pooled_error(r, "attractors", [5])
    r2 = ag.errors_by(sents, np.array([s.label for s in sents]))
    smry = ag.seed_summary([r, r2])
    np.testing.assert_allclose(smry["overall"], [0.5, 0.0])
    assert smry["attractors"][0] == (4, 0.25, 0.0, 0.5)
    with pytest.raises(ValueError):
        ag.errors_by(sents, predicted[:3])
    with pytest.raises(ValueError):
        ag.seed_summary([])
    with pytest.raises(ValueError):
        ag.distance_bin(40)
    assert ag.distance_bin(5) == (1, 5) and ag.distance_bin(6) == (6, 10)
    assert ag.error_table([True, False, True], ["b", "a", "b"]) == {"a": (1, 0.0), "b": (2, 1.0)}


def test_plots_draw_every_run(generated):
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sents = generated["test_long"][:200] + generated["test"][:200]
    labels = np.array([s.label for s in sents])
    runs = {"RNN": [ag.errors_by(sents, labels), ag.errors_by(sents, 1 - labels)],
            "LSTM": [ag.errors_by(sents, labels)]}
    fig, axes = plt.subplots(1, 2)
    ag.plot_errors(axes, runs, baseline=ag.errors_by(sents, ag.last_noun_prediction([s.prefix for s in sents])),
                   colors={"RNN": "#D55E00", "LSTM": "#0072B2", "last noun": "#009E73"}, trained_up_to=(16, 3))
    assert len(axes[0].get_lines()) == 3 and len(axes[1].get_lines()) == 4
    labels_shown = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert "RNN, seed 1" in labels_shown and "last-noun shortcut" in labels_shown
    assert "longer than in training" in labels_shown and "more than in training" in labels_shown
    assert max(axes[1].get_lines()[1].get_ydata()) == pytest.approx(100.0)
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    fig2, ax = plt.subplots()
    h = ag.History(eval_step=[25, 50], eval_accuracy=[0.6, 1.0])
    ag.plot_learning_curves(ax, {("RNN", 0): h, ("LSTM", 0): h}, target=0.995)
    assert len(ax.get_lines()) == 3 and ax.get_lines()[0].get_ydata().tolist() == [60.0, 100.0]
    plt.close("all")


# ----------------------------------------------------------------------------- training
def test_train_model_learns_the_rule_and_is_reproducible(generated):
    data = generated
    small = {"train": data["train"], "valid": data["valid"][:100]}
    runs = []
    for _ in range(2):
        model = ag.make_model("lstm", 16, seed=0)
        hist = ag.train_model(model, small, steps=300, target_accuracy=0.97, progress=False, seed=0)
        runs.append((model, hist))
    (model, hist), (model2, hist2) = runs
    assert hist.reached_target and hist.eval_accuracy[-1] >= 0.97
    assert hist.loss == hist2.loss
    test = data["test"][:300]
    assert ag.evaluate(model, test)["overall"] < 0.1
    for wrong in (SequenceModel("rnn", len(ag.VOCAB), 4, 2, readout="all"), SequenceModel("lstm", 5, 4, 2), "model"):
        with pytest.raises(TypeError, match="'model'"):
            ag.train_model(wrong, small, steps=1, progress=False)
    plain = SequenceModel("rnn", len(ag.VOCAB), 4, 2, seed=1)        # any word model of this language will do
    assert ag.train_model(plain, small, steps=2, eval_every=1, progress=False).eval_step == [1, 2]
    with pytest.raises(ValueError, match="valid"):
        ag.train_model(ag.make_model("rnn", 4), {"train": data["train"]}, steps=1, progress=False)


# ----------------------------------------------------------------------------- the widget
def _models():
    return {"RNN": ag.make_model("rnn", 8, seed=1), "LSTM": ag.make_model("lstm", 8, seed=2)}


def test_agreement_view_shows_each_models_probabilities():
    models = _models()
    view = AgreementView(models)
    assert view.values == AgreementView.defaults and view.message is None
    for text in ag.SLIDE_VARIANTS.values():
        view.update(sentence=text)
        assert view.message is None
        for name, m in models.items():
            p = ag.sentence_probabilities(m, text)
            np.testing.assert_allclose(view.probabilities[name], p, rtol=1e-6)
            np.testing.assert_allclose([view.bars[name, v].get_height() for v in ag.VERBS], p, rtol=1e-6)
            assert view.labels[name, "was"].get_text() == f"{p[0]:.3f}"
    info = " ".join(view.info.get_text().split())
    assert "subject 'cat'" in info and "after 1 earlier sentence" in info
    assert view.render()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("text, shown", [("the unicorn that chased the mice was", "'unicorn'"),
                                         ("", "Type a sentence"), ("hello world", "'hello', 'world'")])
def test_agreement_view_explains_what_it_cannot_read(text, shown):
    view = AgreementView(_models())
    view.update(sentence=text)
    assert view.message is not None and shown in view.message and view.note.get_visible()
    assert all(b.get_height() == 0 for b in view.bars.values())
    assert all(np.all(p == 0) for p in view.probabilities.values())
    vocab_text = " ".join(t.get_text() for ax in view.fig.axes for t in ax.texts)
    assert "Vocabulary: the, that, cat" in vocab_text
    view.update(sentence="the cats")
    assert view.message is None and not view.note.get_visible()


def test_agreement_view_alt_text_names_the_sentence_and_the_probabilities():
    view = AgreementView(_models())
    data, metadata = view._repr_mimebundle_()
    alt = metadata["image/png"]["alt"]
    assert len(alt) >= 30 and alt == view.alt
    for name, p in view.probabilities.items():
        assert f"{name}: P(was) = {p[0]:.3f}" in alt
    assert "subject 'cat' asks for 'was'" in alt and "'tables' for 'were'" in alt
    view.update(sentence="the unicorn")
    assert "'unicorn'" in view.alt and "\n" not in view.alt


def test_agreement_view_rejects_bad_input():
    view = AgreementView(_models())
    with pytest.raises(TypeError, match="sentence"):
        view.update(sentence=3)
    with pytest.raises(TypeError, match="only control"):
        view.update(text="the cat")
    with pytest.raises(TypeError):
        AgreementView({})
    with pytest.raises(TypeError):
        AgreementView({"bad": SequenceModel("rnn", len(ag.VOCAB), 4, 3)})


def test_long_text_stays_short_on_screen():
    view = AgreementView(_models())
    view.update(sentence="the cat " + "that chased the mice near the dogs " * 30 + "was")
    assert view.message is None and " … " in view.info.get_text()
    assert len(view.info.get_text().splitlines()) <= 4


def test_widget_and_bench_cases():
    pytest.importorskip("ipywidgets")
    box = agreement_widget(_models(), sentence="the cats near the dog were")
    text_box = box.children[0].children[0]
    assert text_box.value == "the cats near the dog were"
    before = box.view.probabilities["LSTM"].copy()
    text_box.value = "the cat"
    assert not np.allclose(before, box.view.probabilities["LSTM"])
    cases = bench_cases()
    assert len(cases) == 1
    label, view, sweep = cases[0]
    texts = [kw["sentence"] for kw in sweep]
    assert "" in texts and any("unicorn" in t for t in texts) and all(t in texts for t in ag.SLIDE_VARIANTS.values())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for kw in sweep:
            view.update(**kw)
            view.render()
