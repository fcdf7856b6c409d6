"""Memory-span measurement (lstm_helpers.lessons.memory_span): the span definition, the training runs per lag,
the fixed evaluation inputs, the linear read-out of the final memory, and the plot."""
from __future__ import annotations

import pathlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import memory_span as ms
from lstm_helpers.engine.train import History

FAST = dict(hidden_size=8, batch_size=16, lr=2e-2, eval_every=10, validation_size=100, progress=False)


def small_eval_sets(lags, n=100, seed=7):
    """Eval sets shaped like datasets.load_recall_eval's, for short lags (fast to train)."""
    rng = np.random.default_rng(seed)
    return {lag: lh.recall_tokens(rng, n, lag) for lag in lags}


# ----------------------------------------------------------------------------- memory_span()
def test_span_is_the_largest_solved_lag():
    lags = [5, 10, 20, 50]
    assert ms.memory_span(lags, [1.0, 0.99, 0.5, 0.3]) == 10
    assert ms.memory_span(lags, [1.0, 1.0, 1.0, 1.0]) == 50
    assert ms.memory_span(lags, [0.2, 0.3, 0.25, 0.2]) is None
    # a solved lag after an unsolved one still counts: "largest lag solved"
    assert ms.memory_span(lags, [1.0, 0.5, 0.97, 0.3]) == 20
    # the threshold is inclusive and adjustable
    assert ms.memory_span(lags, [1.0, 0.95, 0.94, 0.0]) == 10
    assert ms.memory_span(lags, [1.0, 0.95, 0.94, 0.0], threshold=0.9) == 20


def test_span_checks_arguments():
    with pytest.raises(ValueError, match="'accuracies'.*shape"):
        ms.memory_span([5, 10], [1.0])
    with pytest.raises(ValueError, match="'accuracies'.*\\[0, 1\\]"):
        ms.memory_span([5, 10], [1.0, 1.5])
    with pytest.raises(TypeError, match="'lags'"):
        ms.memory_span([5.0, 10.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="'threshold'"):
        ms.memory_span([5], [1.0], threshold=2.0)


# ----------------------------------------------------------------------------- eval_inputs()
def test_eval_inputs_are_one_hot_tokens_of_the_file():
    sets = lh.datasets.load_recall_eval(pathlib.Path(__file__).resolve().parent.parent / "data" / "recall_eval.csv")
    for lag in (5, 100):
        x, y = ms.eval_inputs(sets, lag)
        tokens, targets = sets[lag]
        assert x.shape == (lag + 2, tokens.shape[1], ms.NUM_TOKENS) and x.dtype == np.float64
        np.testing.assert_array_equal(x.argmax(-1), tokens)
        np.testing.assert_array_equal(x.sum(-1), 1.0)
        np.testing.assert_array_equal(y, targets)
        np.testing.assert_array_equal(x[0].argmax(-1), y)    # step 0 shows the answer


def test_eval_inputs_checks_arguments():
    sets = small_eval_sets([3])
    with pytest.raises(ValueError, match="'lag' is 4.*\\[3\\]"):
        ms.eval_inputs(sets, 4)
    with pytest.raises(TypeError, match="'eval_sets'"):
        ms.eval_inputs([sets[3]], 3)
    bad = {3: (sets[3][0][:-1], sets[3][1])}     # one step missing
    with pytest.raises(ValueError, match="tokens"):
        ms.eval_inputs(bad, 3)


# ----------------------------------------------------------------------------- train_recall()
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_short_lag_is_learned_and_stops_early(cell):
    sets = small_eval_sets([3])
    run = ms.train_recall(cell, 3, sets, max_steps=400, target_accuracy=0.99, **FAST)
    assert run.cell == cell and run.lag == 3
    assert run.reached_target and run.steps < 400
    assert run.steps == run.history.steps_run == len(run.history.loss)
    assert run.history.eval_accuracy[-1] >= 0.99
    x, y = ms.eval_inputs(sets, 3)
    assert run.accuracy == lh.accuracy(run.model.forward(x), y)   # accuracy is on the fixed eval set
    assert run.accuracy >= ms.SPAN_THRESHOLD
    assert run.seconds > 0


def test_budget_caps_the_steps_and_runs_are_reproducible():
    sets = small_eval_sets([20])
    a = ms.train_recall("rnn", 20, sets, max_steps=7, **FAST)
    b = ms.train_recall("rnn", 20, sets, max_steps=7, **FAST)
    c = ms.train_recall("rnn", 20, sets, max_steps=7, seed=1, **FAST)
    assert a.steps == 7 and not a.reached_target
    assert a.history.loss == b.history.loss and a.accuracy == b.accuracy
    for k, v in a.model.parameters().items():
        np.testing.assert_array_equal(v, b.model.parameters()[k])
    assert a.history.loss != c.history.loss


def test_cell_kwargs_reach_the_cell():
    sets = small_eval_sets([3])
    run = ms.train_recall("lstm", 3, sets, max_steps=1, forget_bias=7.0, **FAST)
    b_f = run.model.cell.gate_weights()["b_f"]
    assert np.all(b_f > 6.5)                      # one Adam step of lr 0.02 moves it by at most ~0.02
    with pytest.raises(ValueError, match="chrono_max_lag"):
        ms.train_recall("lstm", 3, sets, max_steps=1, forget_bias="chrono", **FAST)


def test_train_recall_checks_arguments():
    sets = small_eval_sets([3])
    with pytest.raises(ValueError, match="'cell'.*'gru'"):
        ms.train_recall("gru", 3, sets, **FAST)
    with pytest.raises(ValueError, match="'lag' is 5"):
        ms.train_recall("rnn", 5, sets, **FAST)
    with pytest.raises(ValueError, match="'max_steps'|'steps'"):
        ms.train_recall("rnn", 3, sets, max_steps=0, **FAST)


# ----------------------------------------------------------------------------- measure_memory_span()
def test_measure_memory_span_collects_one_run_per_lag():
    lags = (1, 3, 30)
    sets = small_eval_sets(lags)
    res = ms.measure_memory_span("rnn", lags, sets, max_steps=60, label="my RNN", **FAST)
    assert res.label == "my RNN" and res.cell == "rnn"
    np.testing.assert_array_equal(res.lags, lags)
    for arr in (res.accuracy, res.steps, res.seconds):
        assert arr.shape == (3,)
    assert np.all(res.steps <= 60)
    assert res.span == ms.memory_span(res.lags, res.accuracy)
    assert res.run(3) is res.runs[1] and res.run(3).lag == 3
    with pytest.raises(ValueError, match="no run at lag 4"):
        res.run(4)
    # the same settings train the same model at the same lag
    single = ms.train_recall("rnn", 3, sets, max_steps=60, **FAST)
    assert single.accuracy == res.run(3).accuracy and single.steps == res.run(3).steps


@pytest.mark.parametrize("lags", [(10, 5), (5, 5), ()])
def test_measure_memory_span_needs_increasing_lags(lags):
    with pytest.raises(ValueError, match="'lags'"):
        ms.measure_memory_span("rnn", lags, small_eval_sets([5, 10]), **FAST)


# ----------------------------------------------------------------------------- read-out of the memory
def test_final_memory_is_C_T_for_lstm_and_h_T_for_rnn():
    x, _ = lh.recall_batch(np.random.default_rng(0), 5, 4)
    lstm = lh.SequenceModel("lstm", ms.NUM_TOKENS, 6, ms.NUM_SYMBOLS, seed=0)
    _, (h_T, C_T) = lstm.cell.forward(x)
    np.testing.assert_array_equal(ms.final_memory(lstm, x), C_T)
    rnn = lh.SequenceModel("rnn", ms.NUM_TOKENS, 6, ms.NUM_SYMBOLS, seed=0)
    _, h_T = rnn.cell.forward(x)
    np.testing.assert_array_equal(ms.final_memory(rnn, x), h_T)
    with pytest.raises(TypeError, match="'model'"):
        ms.final_memory(lstm.cell, x)


def test_probe_reads_a_memory_that_holds_the_symbol():
    # lag 0: h_T is a function of the symbol alone (the query is constant), so a linear read-out is exact
    fit = lh.recall_batch(np.random.default_rng(1), 200, 0)
    test = lh.recall_batch(np.random.default_rng(2), 200, 0)
    rnn = lh.SequenceModel("rnn", ms.NUM_TOKENS, 8, ms.NUM_SYMBOLS, seed=0)
    before = {k: v.copy() for k, v in rnn.parameters().items()}
    assert ms.memory_probe_accuracy(rnn, fit, test) == 1.0
    for k, v in rnn.parameters().items():          # the probe does not touch the model
        np.testing.assert_array_equal(v, before[k])


def test_probe_is_at_chance_when_the_memory_forgets_everything():
    # f_t = σ(−50) ≈ 0 and no recurrent weights: C_T is what the (constant) query step writes,
    # the same for every sequence, so it carries nothing about step 0
    fit = lh.recall_batch(np.random.default_rng(1), 400, 2)
    test = lh.recall_batch(np.random.default_rng(2), 400, 2)
    lstm = lh.SequenceModel("lstm", ms.NUM_TOKENS, 8, ms.NUM_SYMBOLS, seed=0, forget_bias=-50.0)
    lstm.cell.weight_hh[:] = 0.0
    C_T = ms.final_memory(lstm, test[0])
    assert np.ptp(C_T, axis=0).max() < 1e-12 and np.abs(C_T).max() > 0
    acc = ms.memory_probe_accuracy(lstm, fit, test)
    # a constant input can only predict one class: the accuracy is that class's share of the test set
    shares = np.bincount(test[1], minlength=4) / test[1].size
    assert any(acc == pytest.approx(s) for s in shares)
    assert acc <= shares.max()


def test_chrono_start_keeps_the_symbol_far_longer_than_bias_1():
    lag = 60
    fit = lh.recall_batch(np.random.default_rng(1), 400, lag)
    test = lh.recall_batch(np.random.default_rng(2), 200, lag)
    acc = {}
    for name, kw in (("bias1", dict(forget_bias=1.0)), ("chrono", dict(forget_bias="chrono", chrono_max_lag=300))):
        model = lh.SequenceModel("lstm", ms.NUM_TOKENS, 8, ms.NUM_SYMBOLS, seed=0, **kw)
        acc[name] = ms.memory_probe_accuracy(model, fit, test)
        model.forward(test[0])
        path = lh.forget_path_norms(model.cell.last_gates()["f_t"])
        acc[name + "_path"] = path[lag]
    assert acc["chrono_path"] > 1e3 * acc["bias1_path"]
    assert acc["chrono"] > acc["bias1"] + 0.3


def test_probe_checks_arguments():
    model = lh.SequenceModel("rnn", ms.NUM_TOKENS, 4, ms.NUM_SYMBOLS, seed=0)
    batch = lh.recall_batch(np.random.default_rng(0), 10, 2)
    with pytest.raises(TypeError, match="'fit_batch'"):
        ms.memory_probe_accuracy(model, batch[0], batch)
    with pytest.raises(TypeError, match="'model'"):
        ms.memory_probe_accuracy(model.cell, batch, batch)
    with pytest.raises(ValueError, match="test_batch"):
        ms.memory_probe_accuracy(model, batch, (batch[0], np.full(10, 7)))


# ----------------------------------------------------------------------------- plot
def _fake_result(label, lags, accs):
    runs = [ms.RecallRun("rnn", lag, acc, 10, acc >= 0.95, 0.1, History(), None) for lag, acc in zip(lags, accs)]
    return ms.MemorySpanResult("rnn", label, runs)


def test_plot_memory_span_draws_each_result_and_reference_lines():
    a = _fake_result("A", [5, 10, 20], [1.0, 0.96, 0.3])
    b = _fake_result("B", [5, 10, 20], [1.0, 1.0, 1.0])
    fig, ax = plt.subplots()
    lines = ms.plot_memory_span(ax, [a, b], colors=["#D55E00", "#0072B2"])
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_ydata(), a.accuracy)
    np.testing.assert_array_equal(lines[1].get_xdata(), b.lags)
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "A (span: 10)" in labels and "B (span: 20)" in labels
    assert any("chance" in s for s in labels) and any("0.95" in s for s in labels)
    assert ax.get_xscale() == "log"
    assert lines[0].get_color() == "#D55E00"
    # B at accuracy 1 everywhere must not hide A where A is 1 too: own marker and style, A on top
    assert lines[0].get_marker() != lines[1].get_marker() and lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_zorder() > lines[1].get_zorder()
    plt.close(fig)
