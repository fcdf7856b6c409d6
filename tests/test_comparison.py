"""RNN vs LSTM measurements over seeds (lstm_helpers.lessons.comparison): parameter formulas, FLOPs, step timing,
time to a target with censored runs, the recall task and the agreement task for several seeds at once."""
from __future__ import annotations

import pathlib

import matplotlib
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import agreement as ag
from lstm_helpers import comparison as cmp
from lstm_helpers import memory_span as ms

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def eval_sets():
    return lh.datasets.load_recall_eval(DATA_DIR / "recall_eval.csv")


@pytest.fixture(scope="module")
def agreement_data():
    return ag.load_dataset(DATA_DIR / "agreement.tsv")


# ----------------------------------------------------------------------------- parameters and work
@pytest.mark.parametrize("D,H,C", [(1, 1, 0), (9, 8, 4), (32, 16, 2), (5, 64, 0)])
def test_parameter_formulas_match_the_models(D, H, C):
    rnn, lstm = lh.RNN(D, H), lh.LSTM(D, H)
    assert cmp.rnn_parameters(D, H) == rnn.num_parameters() == sum(p.size for p in rnn.parameters().values())
    assert cmp.lstm_parameters(D, H) == sum(p.size for p in lstm.parameters().values())
    assert cmp.lstm_parameters(D, H) == 4 * cmp.rnn_parameters(D, H)
    if C:
        m = lh.SequenceModel("lstm", D, H, C)
        assert cmp.lstm_parameters(D, H, C) == sum(p.size for p in m.parameters().values())
        assert cmp.rnn_parameters(D, H, C) == lh.SequenceModel("rnn", D, H, C).num_parameters()
    no_f = lh.LSTM(D, H, forget_gate=False)
    assert cmp.lstm_parameters(D, H, blocks=3) == no_f.num_parameters()


def test_equal_budget_hidden_is_the_closest_size():
    for D, H, C in ((9, 8, 4), (32, 16, 2), (9, 64, 4)):
        h = cmp.equal_budget_hidden(D, H, C)
        target = cmp.lstm_parameters(D, H, C)
        gap = abs(cmp.rnn_parameters(D, h, C) - target)
        assert gap <= abs(cmp.rnn_parameters(D, h + 1, C) - target)
        assert h == 1 or gap <= abs(cmp.rnn_parameters(D, h - 1, C) - target)
        assert 1.5 * H < h < 3 * H


def test_matmul_flops():
    assert cmp.matmul_flops("rnn", 9, 16, 2) == 2 * 16 * (16 + 9 + 1)
    assert cmp.matmul_flops("lstm", 9, 16, 2) == 4 * cmp.matmul_flops("rnn", 9, 16, 2)
    with pytest.raises(ValueError, match="'cell'"):
        cmp.matmul_flops("gru", 9, 16)


# ----------------------------------------------------------------------------- time per step
def test_step_timer_makes_the_update_of_lh_train():
    x, y = lh.recall_batch(np.random.default_rng(0), 8, 5)
    model = lh.SequenceModel("lstm", 9, 4, 4, seed=0)
    step = cmp.step_timer(model, x, y)
    seconds = [step() for _ in range(5)]
    assert all(isinstance(t, float) and t > 0 for t in seconds)
    ref = lh.SequenceModel("lstm", 9, 4, 4, seed=0)             # exactly lh.train's steps: Adam 1e-3, clip 1.0
    lh.train(ref, lambda rng: (x, y), steps=5, lr=1e-3, clip=1.0, progress=False)
    for k, v in model.parameters().items():
        np.testing.assert_array_equal(v, ref.parameters()[k])
    with pytest.raises(TypeError, match="'model'"):
        cmp.step_timer(object(), x, y)


def test_time_cells_times_every_pair_and_seed():
    times = cmp.time_cells(lambda rng: lh.recall_batch(rng, 8, 5), 9, 4, (4, (6, 9)), seeds=(0, 2), repeats=2,
                           warmup=1)
    assert times.pairs == [(4, 4), (6, 9)] and times.seeds == (0, 2)
    assert times.lstm.shape == times.rnn.shape == (2, 2) and np.all(times.lstm > 0) and np.all(times.rnn > 0)
    np.testing.assert_array_equal(times.ratio(4), times.lstm[0] / times.rnn[0])
    np.testing.assert_array_equal(times.ratio(6, 9), times.lstm[1] / times.rnn[1])
    assert times.work_ratio(4) == 4.0
    assert times.work_ratio(6, 9) == cmp.matmul_flops("lstm", 9, 6, 8) / cmp.matmul_flops("rnn", 9, 9, 8)
    with pytest.raises(ValueError, match=r"\(6, 6\) was not timed"):
        times.ratio(6)


def test_time_cells_argument_checks():
    make = lambda rng: lh.recall_batch(rng, 4, 2)                  # noqa: E731
    with pytest.raises(ValueError, match="'pairs'"):
        cmp.time_cells(make, 9, 4, ())
    with pytest.raises(ValueError, match="'pairs'"):
        cmp.time_cells(make, 9, 4, ((4, 5, 6),))
    with pytest.raises(ValueError, match="'seeds'"):
        cmp.time_cells(make, 9, 4, (4,), seeds=())
    with pytest.raises(TypeError, match="'seeds'"):
        cmp.time_cells(make, 9, 4, (4,), seeds=(0.5,))
    with pytest.raises(ValueError, match="'repeats'"):
        cmp.time_cells(make, 9, 4, (4,), repeats=0)
    with pytest.raises(TypeError, match="'make_batch'"):
        cmp.time_cells(None, 9, 4, (4,))


# ----------------------------------------------------------------------------- time to a target
def test_time_to_target_keeps_censored_runs_out_of_the_median():
    t = cmp.time_to_target([50, 300, 100, 300, 75], np.array([True, False, True, False, True]), 300)
    assert (t.k, t.n, t.cap) == (3, 5, 300)
    assert (t.median, t.low, t.high) == (75.0, 50.0, 100.0)          # the two capped runs are not 300-update runs
    assert t.format() == "reached in 3 of 5 seeds, median 75 [50, 100] updates; cap 300"
    none = cmp.time_to_target([300, 300], np.array([False, False]), 300, seeds=(4, 7))
    assert none.k == 0 and np.isnan(none.median) and none.seeds == (4, 7)
    assert none.format() == "reached in 0 of 2 seeds; cap 300"
    one = cmp.time_to_target([40], np.array([True]), 100)
    assert one.format() == "reached in 1 of 1 seed, median 40 [40, 40] updates; cap 100"


def test_time_to_target_argument_checks():
    with pytest.raises(ValueError, match="'steps'"):
        cmp.time_to_target([50, 400], np.array([True, False]), 300)      # more updates than the cap
    with pytest.raises(ValueError, match="'reached'"):
        cmp.time_to_target([50, 60], [1, 0], 300)                        # not booleans
    with pytest.raises(ValueError, match="'reached'"):
        cmp.time_to_target([50, 60], np.array([True]), 300)
    with pytest.raises(ValueError, match="'cap'"):
        cmp.time_to_target([50], np.array([True]), 0)
    with pytest.raises(ValueError, match="'steps' is empty"):
        cmp.time_to_target([], np.array([], dtype=bool), 10)


# ----------------------------------------------------------------------------- recall over seeds
def test_train_recall_seeds_equals_one_seed_runs(eval_sets):
    kw = dict(hidden_size=4, max_steps=40, batch_size=8, lr=3e-2, eval_every=10, validation_size=50)
    run = cmp.train_recall_seeds("rnn", 5, eval_sets, seeds=(0, 3), progress=False, **kw)
    assert run.seeds == (0, 3) and run.accuracy.shape == run.steps.shape == run.reached.shape == (2,)
    for k, s in enumerate(run.seeds):
        one = ms.train_recall("rnn", 5, eval_sets, seed=s, progress=False, **kw)
        assert run.accuracy[k] == one.accuracy and run.steps[k] == one.steps
        assert run.reached[k] == one.reached_target
        assert run.validation[k] == one.history.eval_accuracy[-1]
        for key, p in one.model.parameters().items():
            np.testing.assert_allclose(run.models[k].parameters()[key], p, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(run.solved(0.5), run.accuracy >= 0.5)
    t = run.time_to_target()
    assert t.cap == 40 and t.k == run.reached.sum()


def test_train_recall_seeds_passes_cell_options(eval_sets):
    run = cmp.train_recall_seeds("lstm", 5, eval_sets, seeds=(1,), hidden_size=3, max_steps=2, eval_every=1,
                                 progress=False, forget_bias="chrono", chrono_max_lag=50)
    ref = lh.SequenceModel("lstm", 9, 3, 4, seed=1, forget_bias="chrono", chrono_max_lag=50)
    lh.train(ref, lambda rng: lh.recall_batch(rng, 16, 5), steps=2, lr=1e-2, seed=1, progress=False)
    np.testing.assert_allclose(run.models[0].parameters()["cell.bias_hh"], ref.parameters()["cell.bias_hh"], atol=1e-12)
    with pytest.raises(ValueError, match="'cell'"):
        cmp.train_recall_seeds("gru", 5, eval_sets)
    with pytest.raises(ValueError, match="'lag'"):
        cmp.train_recall_seeds("rnn", 7, eval_sets, progress=False)            # no evaluation set at lag 7


def _fake_run(lag, accuracy, reached=None, validation=None, lr=1e-2, cell="rnn"):
    acc = np.asarray(accuracy, dtype=float)
    n = acc.size
    reached = np.asarray(reached if reached is not None else acc >= 0.99)
    return cmp.RecallSeeds(cell, lag, lr, tuple(range(n)), acc, np.asarray(validation if validation is not None else acc),
                           np.where(reached, 50, 300), reached, 300, None, [])


def test_span_over_seeds_counts_solved_seeds_per_lag():
    runs = [_fake_run(5, [1, 1, 1, 0.7, 1]), _fake_run(20, [1, 0.5, 1, 1, 0.3]),
            _fake_run(50, [0.3, 0.99, 0.4, 0.96, 0.2]), _fake_run(100, [0.3, 0.3, 0.3, 0.3, 0.97])]
    res = cmp.SpanSeeds("rnn", "RNN", runs)
    np.testing.assert_array_equal(res.lags, [5, 20, 50, 100])
    assert res.accuracy.shape == res.steps.shape == res.solved.shape == (5, 4)
    np.testing.assert_array_equal(res.solved_count, [4, 3, 2, 1])
    assert res.majority_span() == 20                          # solved in 3 of 5 seeds; lag 50 only in 2
    np.testing.assert_array_equal(res.spans(), [20, 50, 20, 50, 100])   # each seed's largest solved lag
    assert res.run(50) is runs[2]
    with pytest.raises(ValueError, match="no run at lag 10"):
        res.run(10)
    assert cmp.SpanSeeds("rnn", "RNN", [_fake_run(5, [0.2, 0.3])]).majority_span() == 0
    assert cmp.SpanSeeds("rnn", "RNN", [_fake_run(5, [1.0, 0.3])]).majority_span() == 0   # half is not most


def test_measure_span_seeds_reuses_matching_runs_only(eval_sets):
    kw = dict(seeds=(0, 1), hidden_size=3, max_steps=3, eval_every=1, progress=False)
    first = cmp.train_recall_seeds("rnn", 5, eval_sets, lr=2e-2, **kw)
    res = cmp.measure_span_seeds("rnn", (5, 10), eval_sets, lr=2e-2, reuse=[first], **kw)
    assert res.run(5) is first and res.run(10).lag == 10 and res.label == "RNN"
    with pytest.raises(ValueError, match="'reuse'"):
        cmp.measure_span_seeds("rnn", (5,), eval_sets, lr=1e-2, reuse=[first], **kw)        # other rate
    with pytest.raises(ValueError, match="'reuse'"):
        cmp.measure_span_seeds("lstm", (5,), eval_sets, lr=2e-2, reuse=[first], **kw)       # other cell
    with pytest.raises(TypeError, match="'reuse'"):
        cmp.measure_span_seeds("rnn", (5,), eval_sets, reuse=[object()], **kw)
    with pytest.raises(ValueError, match="'lags'"):
        cmp.measure_span_seeds("rnn", (10, 5), eval_sets, **kw)


def test_pick_learning_rate_counts_seeds_at_the_target_then_validation_then_the_smaller_rate():
    runs = {1e-2: _fake_run(20, [1, 0.5, 0.5], reached=[True, False, False]),
            3e-2: _fake_run(20, [1, 1, 0.5], reached=[True, True, False]),
            1e-1: _fake_run(20, [0.5, 0.5, 0.5], reached=[False, False, False])}
    assert cmp.pick_learning_rate(runs) == 3e-2
    tie = {1e-2: _fake_run(20, [0.5] * 3, reached=[False] * 3, validation=[0.6, 0.7, 0.8]),
           3e-3: _fake_run(20, [0.5] * 3, reached=[False] * 3, validation=[0.6, 0.6, 0.9])}
    assert cmp.pick_learning_rate(tie) == 1e-2                 # higher median validation accuracy
    same = {3e-2: _fake_run(20, [1, 1]), 1e-2: _fake_run(20, [1, 1])}
    assert cmp.pick_learning_rate(same) == 1e-2                # all equal: the smaller rate
    with pytest.raises(ValueError, match="'runs'"):
        cmp.pick_learning_rate({})


def test_plot_span_seeds_draws_every_seed():
    res = cmp.SpanSeeds("rnn", "RNN", [_fake_run(5, [1, 0.5, 1]), _fake_run(20, [0.3, 0.2, 1])])
    fig, ax = plt.subplots()
    lines = cmp.plot_span_seeds(ax, [res], colors=["red"])
    np.testing.assert_allclose(lines[0].get_ydata(), [1.0, 0.3])            # the medians
    dots = [ln for ln in ax.lines if ln.get_label() == "RNN: one seed"][0]
    assert len(dots.get_ydata()) == 6
    plt.close(fig)


def test_plot_span_seeds_keeps_equal_results_visible():
    """Two models with the same accuracies (e.g. both 1 at short lags): neither line hides the other."""
    runs = [_fake_run(5, [1, 1, 1]), _fake_run(20, [1, 1, 1])]
    rnn, lstm = cmp.SpanSeeds("rnn", "RNN", runs), cmp.SpanSeeds("lstm", "LSTM", runs)
    fig, ax = plt.subplots()
    a, b = cmp.plot_span_seeds(ax, [rnn, lstm], colors=["red", "blue"])
    assert not np.allclose(a.get_xdata(), b.get_xdata())                 # side by side on the lag axis
    assert a.get_marker() != b.get_marker() and a.get_linestyle() != b.get_linestyle()
    assert a.get_zorder() > b.get_zorder()                                # the first result drawn on top
    dots = [ln for ln in ax.lines if ln.get_label() == "RNN: one seed"][0]
    assert len(set(np.round(dots.get_xdata(), 9))) == 6                   # the seeds' dots apart too
    plt.close(fig)


# ----------------------------------------------------------------------------- agreement over seeds
def test_train_agreement_seeds_equals_one_seed_runs(agreement_data):
    kw = dict(steps=12, lr=1e-2, batch_size=16, target_accuracy=0.99, eval_every=5)
    run = cmp.train_agreement_seeds("rnn", agreement_data, seeds=(0, 2), hidden_size=4, progress=False, **kw)
    assert run.steps.tolist() == [12, 12] and not run.reached.any() and run.max_steps == 12
    for k, s in enumerate(run.seeds):
        one = ag.make_model("rnn", 4, seed=s, dtype=np.float64)
        hist = ag.train_model(one, agreement_data, seed=s, progress=False, **kw)
        assert run.validation[k] == hist.eval_accuracy[-1]
        for key, p in one.parameters().items():
            np.testing.assert_allclose(run.models[k].parameters()[key], p, rtol=0, atol=1e-10)
        for split in ("test", "test_long"):
            result = ag.evaluate(one, agreement_data[split])
            assert run.error[split][k] == pytest.approx(result["overall"], abs=1e-12)
            short = result["distance"].get((1, 5), (0, np.nan))[1]          # test_long has no short sentence
            np.testing.assert_allclose(run.short_error[split][k], short, rtol=0, atol=1e-12)
    assert np.isnan(run.short_error["test_long"]).all() and not np.isnan(run.short_error["test"]).any()


def test_agreement_seeds_evaluate_later_and_argument_checks(agreement_data):
    run = cmp.train_agreement_seeds("lstm", agreement_data, seeds=(1,), hidden_size=3, steps=2, splits=(),
                                    progress=False)
    assert run.error == {} and run.short_error == {}
    assert run.evaluate(agreement_data, ("test",), (6, 10)) is run
    assert set(run.error) == {"test"} and 0 <= run.short_error["test"][0] <= 1
    assert run.time_to_target().format() == "reached in 0 of 1 seed; cap 2"
    with pytest.raises(ValueError, match="'short'"):
        run.evaluate(agreement_data, ("test",), (1, 4))
    with pytest.raises(ValueError, match="'data'"):
        run.evaluate(agreement_data, ("nope",))
    with pytest.raises(ValueError, match="'data'"):
        cmp.train_agreement_seeds("rnn", {"train": []}, progress=False)
    with pytest.raises(ValueError, match="'cell'"):
        cmp.train_agreement_seeds("gru", agreement_data)


# ----------------------------------------------------------------------------- text
def test_spread_and_format_table():
    assert cmp.spread([3, 1, 2]) == "2.000 [1.000, 3.000]"
    assert cmp.spread([0.5, 0.25], ".2f") == "0.38 [0.25, 0.50]"
    text = cmp.format_table(("a", "bb"), [("1", "2"), ("333", "4")])
    lines = text.splitlines()
    assert len(lines) == 4 and lines[0].startswith("a   | bb") and set(lines[1]) <= {"-", "+"}
    with pytest.raises(ValueError):
        cmp.format_table(("a", "b"), [("1",)])
    assert [r[0] for r in cmp.SLIDE_TABLE] == ["Memory span", "Parameters", "Training time", "Accuracy", "Best for"]
