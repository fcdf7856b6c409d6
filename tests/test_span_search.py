"""Memory span over seeds (lstm_helpers.lessons.span_search): the starts and their initial weights, joint training
equal to one-seed training, the learning-rate pick, the grid-and-bisection search, the untrained read-out, the plot."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import memory_span as ms
from lstm_helpers.engine.lstm import gate_slice
from lstm_helpers.lessons import span_search as ss

H = 6
SMALL = ss.Budget(max_steps=40, batch_size=8, eval_every=10, target_accuracy=0.99, validation_size=60)


def small_eval_sets(lags, n=80, seed=7):
    rng = np.random.default_rng(seed)
    return {lag: lh.recall_tokens(rng, n, lag) for lag in lags}


def starts():
    return {"rnn": ss.rnn_start("RNN", H), "orth": ss.rnn_start("orth", H, init="orthogonal"),
            "irnn": ss.rnn_start("IRNN", H, init="identity", nonlinearity="relu"),
            "b1": ss.lstm_start("b1", H), "b3": ss.lstm_start("b3", H, forget_bias=3.0),
            "chrono": ss.lstm_start("chrono", H, forget_bias="chrono", chrono_max_lag=50),
            "f_only": ss.lstm_start("f only", H, forget_bias="chrono", input_bias="default", chrono_max_lag=50),
            "i_only": ss.lstm_start("i only", H, forget_bias=1.0, input_bias="chrono", chrono_max_lag=50)}


# ----------------------------------------------------------------------------- starts
@pytest.mark.parametrize("key, kwargs", [("rnn", {}), ("orth", {"init": "orthogonal"}),
                                         ("irnn", {"init": "identity", "nonlinearity": "relu"}),
                                         ("b1", {"forget_bias": 1.0}), ("b3", {"forget_bias": 3.0}),
                                         ("chrono", {"forget_bias": "chrono", "chrono_max_lag": 50})])
def test_standard_starts_are_the_sequence_models_own(key, kwargs):
    start = starts()[key]
    for seed in (0, 3):
        ref = lh.SequenceModel(start.cell, ms.NUM_TOKENS, H, ms.NUM_SYMBOLS, seed=seed, **kwargs).parameters()
        params = start.parameters(seed)
        assert list(params) == list(ref)
        for k in ref:
            np.testing.assert_array_equal(params[k], ref[k])
        for k, p in start.model(seed).parameters().items():
            np.testing.assert_array_equal(p, ref[k])


def test_chrono_halves_differ_from_chrono_only_in_one_gate_bias():
    s = starts()
    f, i = gate_slice("f", H), gate_slice("i", H)
    for seed in (0, 1):
        p = {key: s[key].parameters(seed) for key in ("b1", "chrono", "f_only", "i_only")}
        for key in p["b1"]:                               # every weight matrix and the head: shared by all four
            if "bias" not in key or key.startswith("head"):
                for other in ("chrono", "f_only", "i_only"):
                    np.testing.assert_array_equal(p[other][key], p["b1"][key])
        for b in ("cell.bias_ih", "cell.bias_hh"):
            np.testing.assert_array_equal(p["f_only"][b][f], p["chrono"][b][f])    # chrono's b_f ...
            np.testing.assert_array_equal(p["f_only"][b][i], p["b1"][b][i])        # ... default b_i
            np.testing.assert_array_equal(p["i_only"][b][f], p["b1"][b][f])        # b_f = 1 ...
            np.testing.assert_array_equal(p["i_only"][b][i], p["chrono"][b][i])    # ... chrono's b_i
            rest = np.ones(4 * H, bool)
            rest[f] = rest[i] = False
            for key in ("f_only", "i_only", "chrono"):
                np.testing.assert_array_equal(p[key][b][rest], p["b1"][b][rest])
        b_f = p["chrono"]["cell.bias_ih"][f] + p["chrono"]["cell.bias_hh"][f]
        b_i = p["chrono"]["cell.bias_ih"][i] + p["chrono"]["cell.bias_hh"][i]
        np.testing.assert_array_equal(b_i, -b_f)
        assert np.all((b_f >= 0) & (b_f <= np.log(49)))


def test_a_numeric_input_bias_sets_b_i():
    p = ss.lstm_start("quiet 3", H, forget_bias=3.0, input_bias=-3.0).parameters(2)
    i, f = gate_slice("i", H), gate_slice("f", H)
    np.testing.assert_array_equal(p["cell.bias_ih"][i] + p["cell.bias_hh"][i], -3.0)
    np.testing.assert_array_equal(p["cell.bias_ih"][f] + p["cell.bias_hh"][f], 3.0)


def test_starts_check_their_arguments():
    with pytest.raises(TypeError, match="rnn_start\\(\\): argument 'label'"):
        ss.rnn_start("", H)
    with pytest.raises(ValueError, match="'init'.*'xavier'"):
        ss.rnn_start("x", H, init="xavier")
    with pytest.raises(ValueError, match="'nonlinearity'"):
        ss.rnn_start("x", H, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="'hidden_size'"):
        ss.lstm_start("x", 0)
    with pytest.raises(ValueError, match="'forget_bias'"):
        ss.lstm_start("x", H, forget_bias="chrono2")
    with pytest.raises(ValueError, match="'input_bias'"):
        ss.lstm_start("x", H, input_bias="loud")
    with pytest.raises(TypeError, match="'input_bias'"):
        ss.lstm_start("x", H, input_bias=[1.0])
    with pytest.raises(ValueError, match="'chrono_max_lag'"):
        ss.lstm_start("x", H, forget_bias="chrono", chrono_max_lag=2)
    with pytest.raises(ValueError, match="'seed'"):
        starts()["rnn"].parameters(-1)


# ----------------------------------------------------------------------------- joint training
def test_each_run_equals_its_one_seed_run():
    """Runs of several families, seeds and learning rates trained together give what train_recall gives alone."""
    s = starts()
    sets = small_eval_sets([3])
    rows = [(s["orth"], 1, 2e-2), (s["chrono"], 0, 1e-2), (s["orth"], 4, 2e-2), (s["irnn"], 2, 1e-2),
            (s["chrono"], 3, 2e-2)]
    res = ss.train_rows(rows, 3, budget=SMALL, eval_sets=sets)
    kwargs = {"orth": dict(init="orthogonal"), "chrono": dict(forget_bias="chrono", chrono_max_lag=50),
              "irnn": dict(init="identity", nonlinearity="relu")}
    for j, (start, seed, lr) in enumerate(rows):
        key = next(k for k, v in s.items() if v == start)
        one = ms.train_recall(start.cell, 3, sets, hidden_size=H, max_steps=SMALL.max_steps,
                              batch_size=SMALL.batch_size, lr=lr, seed=seed, target_accuracy=SMALL.target_accuracy, eval_every=SMALL.eval_every,
                              validation_size=SMALL.validation_size, progress=False, **kwargs[key])
        assert res.steps[j] == one.steps and res.reached[j] == one.reached_target
        assert res.accuracy[j] == one.accuracy
        np.testing.assert_allclose(res.histories[j].loss, one.history.loss, rtol=1e-10, atol=0)
        assert res.histories[j].eval_accuracy == one.history.eval_accuracy


def test_fixed_test_set_comes_from_the_file_or_its_own_seed():
    sets = small_eval_sets([3])
    x, y = ss.fixed_test_set(3, sets)
    np.testing.assert_array_equal(x.argmax(-1), sets[3][0])
    x4, y4 = ss.fixed_test_set(4, sets)
    assert x4.shape == (6, ss.TEST_SIZE, ms.NUM_TOKENS)
    x4b, y4b = ss.fixed_test_set(4)
    np.testing.assert_array_equal(x4, x4b)
    val = lh.recall_batch(np.random.default_rng(ms.VALIDATION_SEED + 4), ss.TEST_SIZE, 4)
    assert not np.array_equal(val[0], x4)


def test_train_rows_checks_rows():
    s = starts()["rnn"]
    with pytest.raises(TypeError, match="'rows'"):
        ss.train_rows([], 3, budget=SMALL)
    with pytest.raises(TypeError, match="'rows'.*rows\\[0\\]"):
        ss.train_rows([("rnn", 0, 1e-2)], 3, budget=SMALL)
    with pytest.raises(ValueError, match="rows\\[1\\] seed"):
        ss.train_rows([(s, 0, 1e-2), (s, -1, 1e-2)], 3, budget=SMALL)
    with pytest.raises(TypeError, match="rows\\[0\\] seed"):
        ss.train_rows([(s, 0.5, 1e-2)], 3, budget=SMALL)
    with pytest.raises(TypeError, match="'budget'"):
        ss.train_rows([(s, 0, 1e-2)], 3, budget={"max_steps": 3})
    with pytest.raises(ValueError, match="Budget\\(\\): argument 'max_steps'"):
        ss.Budget(max_steps=0)
    with pytest.raises(ValueError, match="'target_accuracy'"):
        ss.Budget(target_accuracy=1.5)


# ----------------------------------------------------------------------------- search and sweep (scripted runs)
class Scripted:
    """Stands in for train_rows: run (label, seed) solves every lag <= limit[label][seed] (accuracy 1, else 0.3)."""

    def __init__(self, limits, lr_effect=None):
        self.limits, self.lr_effect, self.calls = limits, lr_effect or {}, []

    def __call__(self, rows, lag, **kwargs):
        self.calls.append((lag, [(s.label, seed, lr) for s, seed, lr in rows]))
        acc = []
        for s, seed, lr in rows:
            limit = self.limits[s.label][seed] * self.lr_effect.get((s.label, lr), 1)
            acc.append(1.0 if lag <= limit else 0.3)
        R = len(rows)
        return ss.RowResults(lag, np.array(acc), np.full(R, 5), np.array(acc) > 0.9, [None] * R)


def test_search_walks_the_grid_then_bisects(monkeypatch):
    a, b = ss.rnn_start("A", H), ss.lstm_start("B", H)
    fake = Scripted({"A": {0: 3, 1: 12, 2: 40}, "B": {0: 500, 1: 60, 2: 0}})
    monkeypatch.setattr(ss, "train_rows", fake)
    res = ss.search_spans([a, b], seeds=(0, 1, 2), lr=1e-2, grid=(5, 10, 20, 50, 100), rounds=1, progress=False)
    # A0: 5 fails -> bisect (0, 5): 2 solved;  A1: 20 fails -> 15 fails;  A2: 50 fails -> 35 solved
    np.testing.assert_array_equal(res.span["A"], [2, 10, 35])
    np.testing.assert_array_equal(res.failed["A"], [5, 15, 50])
    # B0 solves the whole grid (censored); B1: 100 fails -> 75 fails; B2: 5 fails -> 2 fails
    np.testing.assert_array_equal(res.span["B"], [100, 50, 0])
    np.testing.assert_array_equal(res.failed["B"], [0, 75, 2])
    np.testing.assert_array_equal(res.censored["B"], [True, False, False])
    assert res.tested["A"][1] == {5: 1.0, 10: 1.0, 15: 0.3, 20: 0.3}
    # every lag is trained once, all runs that need it together, lags in increasing order within a step
    lags = [lag for lag, _ in fake.calls]
    assert lags == [5, 10, 20, 50, 100, 2, 15, 35, 75]
    assert res.runs == sum(len(rows) for _, rows in fake.calls)


def test_more_rounds_narrow_the_gap_down_to_one(monkeypatch):
    a = ss.rnn_start("A", H)
    monkeypatch.setattr(ss, "train_rows", Scripted({"A": {0: 27}}))
    res = ss.search_spans([a], seeds=(0,), lr=1e-2, grid=(10, 40), rounds=10, progress=False)
    assert (res.span["A"][0], res.failed["A"][0]) == (27, 28)
    monkeypatch.setattr(ss, "train_rows", Scripted({"A": {0: 27}}))
    res0 = ss.search_spans([a], seeds=(0,), lr=1e-2, grid=(10, 40), rounds=0, progress=False)
    assert (res0.span["A"][0], res0.failed["A"][0]) == (10, 40)


def test_sweep_picks_most_solved_then_accuracy_then_smaller_rate_and_search_reuses_it(monkeypatch):
    a, b = ss.rnn_start("A", H), ss.rnn_start("B", H)
    limits = {"A": {0: 30, 1: 30}, "B": {0: 30, 1: 30}}
    # A: lr 0.1 solves lag 20 in no seed, 0.01 and 0.001 in both -> the smaller one; B: only 0.1 solves
    effect = {("A", 0.1): 0.5, ("B", 0.01): 0.5, ("B", 0.001): 0.5}
    fake = Scripted(limits, effect)
    monkeypatch.setattr(ss, "train_rows", fake)
    sweep = ss.sweep_learning_rates([a, b], seeds=(0, 1), lag=20, learning_rates=(0.1, 0.01, 0.001), progress=False)
    assert sweep.best == {"A": 0.001, "B": 0.1}
    assert sweep.accuracy["A"].shape == (3, 2) and sweep.steps["B"].shape == (3, 2)
    fake.calls.clear()
    res = ss.search_spans([a, b], seeds=(0, 1), lr=sweep.best, grid=(5, 20, 40), rounds=0, known=sweep,
                          progress=False)
    assert 20 not in [lag for lag, _ in fake.calls]                  # lag 20 came from the sweep
    np.testing.assert_array_equal(res.span["A"], [20, 20])
    assert res.lr == {"A": 0.001, "B": 0.1}


def test_search_checks_arguments():
    a = ss.rnn_start("A", H)
    with pytest.raises(TypeError, match="'starts'"):
        ss.search_spans(["A"], progress=False)
    with pytest.raises(ValueError, match="repeats a label"):
        ss.search_spans([a, ss.lstm_start("A", H)], progress=False)
    with pytest.raises(ValueError, match="'lr' has no learning rate for \\['A'\\]"):
        ss.search_spans([a], lr={"B": 1e-2}, progress=False)
    with pytest.raises(ValueError, match="'grid'"):
        ss.search_spans([a], grid=(10, 5), progress=False)
    with pytest.raises(ValueError, match="'seeds' is empty"):
        ss.search_spans([a], seeds=[], progress=False)
    with pytest.raises(TypeError, match="'seeds'"):
        ss.sweep_learning_rates([a], seeds="01", progress=False)
    with pytest.raises(ValueError, match="'learning_rates' is empty"):
        ss.sweep_learning_rates([a], learning_rates=(), progress=False)


# ----------------------------------------------------------------------------- untrained memory
def test_readout_span_stops_at_the_first_failed_lag(monkeypatch):
    score = {1: 1.0, 2: 0.97, 3: 0.5, 4: 1.0}
    monkeypatch.setattr(ss, "memory_probe_accuracy", lambda model, fit, test: score[test[0].shape[0] - 2])
    out = ss.readout_spans([ss.rnn_start("A", H)], seeds=(0, 1), lags=(1, 2, 3, 4), fit_size=10)
    np.testing.assert_array_equal(out["A"], [2, 2])


def test_readout_span_of_real_starts():
    s = starts()
    out = ss.readout_spans([s["rnn"], s["chrono"]], seeds=(0, 1), lags=(1, 40), fit_size=200)
    assert set(out) == {"RNN", "chrono"} and out["RNN"].shape == out["chrono"].shape == (2,)
    assert np.all(out["RNN"] <= 1)                 # a tanh RNN at its default start loses the symbol within 40 steps


def test_untrained_lstms_measure_gates_path_and_readout():
    s = starts()
    out = ss.untrained_lstms([s["b1"], s["chrono"], s["f_only"]], seeds=(0, 1), lag=30, fit_size=200)
    for u in out.values():
        assert u.mean_f.shape == u.mean_i.shape == u.readout.shape == (2,) and u.path.shape == (2, 32)
        np.testing.assert_array_equal(u.path[:, 0], 1.0)
    assert np.all(out["chrono"].path[:, 30] > 100 * out["b1"].path[:, 30])
    assert np.all(out["chrono"].mean_i < 0.2) and np.all(out["f only"].mean_i > 0.3)   # quiet writes
    np.testing.assert_allclose(out["f only"].path[:, 30], out["chrono"].path[:, 30], rtol=0.5)
    with pytest.raises(ValueError, match="LSTM starts only"):
        ss.untrained_lstms([s["rnn"]], seeds=(0,))


# ----------------------------------------------------------------------------- plot
def test_plot_spans_draws_dots_brackets_censored_and_untrained(monkeypatch):
    a, b = ss.rnn_start("A", H), ss.lstm_start("B", H)
    monkeypatch.setattr(ss, "train_rows", Scripted({"A": {0: 7, 1: 30}, "B": {0: 999, 1: 999}}))
    res = ss.search_spans([a, b], seeds=(0, 1), lr=1e-2, grid=(5, 10, 50), rounds=1, progress=False)
    fig, ax = plt.subplots()
    dots = ss.plot_spans(ax, res, colors=["#D55E00", "#0072B2"], untrained={"A": np.array([3, 0])})
    assert len(dots) == 2
    np.testing.assert_array_equal(dots[0].get_offsets()[:, 0], res.span["A"])
    assert len(dots[1].get_offsets()) == 0                            # B solved every grid lag: triangles only
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "A"]
    labels = ax.get_legend_handles_labels()[1]
    assert any("untrained" in s for s in labels) and any("slide" in s for s in labels)
    # A's row is y = 1 (rows top to bottom: A, B): trained dots in its upper half, untrained circles in its lower half
    (circles,) = [c for c in ax.collections if len(c.get_offsets()) == 2
                  and np.array_equal(c.get_offsets()[:, 0], [3, 1])]     # untrained spans 3 and 0 (drawn at 1)
    assert np.all(circles.get_offsets()[:, 1] < 1) and np.all(dots[0].get_offsets()[:, 1] > 1)
    assert np.all(circles.get_offsets()[:, 1] > 0.5) and np.all(dots[0].get_offsets()[:, 1] < 1.5)   # both in A's row
    with pytest.raises(ValueError, match="'colors'"):
        ss.plot_spans(ax, res, colors=["#D55E00"])
    plt.close(fig)
