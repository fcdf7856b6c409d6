"""RNN vs LSTM measurements (lstm_helpers.lessons.comparison): parameter formulas, FLOPs, step timing, gate ablation."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import comparison as cmp
from lstm_helpers import continual as ct


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


def test_time_train_step_trains_and_times():
    model = lh.SequenceModel("lstm", 9, 4, 4, seed=0)
    before = model.cell.weight_hh.copy()
    x, y = lh.recall_batch(np.random.default_rng(0), 8, 5)
    t = cmp.time_train_step(model, x, y, repeats=4, warmup=1)
    assert t.shape == (4,) and np.all(t > 0)
    assert not np.allclose(before, model.cell.weight_hh)       # the update happened
    ref = lh.SequenceModel("lstm", 9, 4, 4, seed=0)             # exactly lh.train's steps: Adam 1e-3, clip 1.0
    lh.train(ref, lambda rng: (x, y), steps=5, lr=1e-3, clip=1.0, progress=False)
    for k, v in model.parameters().items():
        np.testing.assert_array_equal(v, ref.parameters()[k])
    times = cmp.time_cells(lambda rng: lh.recall_batch(rng, 8, 5), 9, 4, (4, 6), repeats=2)
    assert set(times.median) == {("rnn", 4), ("lstm", 4), ("rnn", 6), ("lstm", 6)}
    assert times.ratio(4) == times.median["lstm", 4] / times.median["rnn", 4]
    assert times.flops["lstm", 6] == 4 * times.flops["rnn", 6]
    with pytest.raises(TypeError, match="'model'"):
        cmp.time_train_step(object(), x, y)
    with pytest.raises(ValueError, match="'repeats'"):
        cmp.time_train_step(model, x, y, repeats=0)


def test_ablation_variants_build_the_right_cells():
    test = ct.continual_stream(np.random.default_rng(0), 4, 40)
    res = cmp.run_ablation(list(cmp.ABLATION_VARIANTS), (0,), test, hidden_size=3, length=12, batch_size=4,
                           steps=2, episode_bins=(0, 2, 50), progress=False)
    for v, (label, kwargs, reset) in cmp.ABLATION_VARIANTS.items():
        run = res.runs[v, 0]
        cfg = run.model.cell.config
        for flag in ("input_gate", "forget_gate", "output_gate", "output_activation"):
            assert getattr(cfg, flag) == kwargs.get(flag, True)
        assert (run.cell_norm is None) == reset
        assert 0 <= run.accuracy <= 1 and run.steps == 2
        assert run.by_episode.shape == (2,)
    assert res.accuracy("vanilla").shape == (1,) and res.by_episode("vanilla").shape == (1, 2)
    fig, ax = plt.subplots()
    bars = cmp.plot_ablation(ax, res)
    assert len(bars) == len(cmp.ABLATION_VARIANTS)
    np.testing.assert_allclose([b.get_height() for b in bars], [res.accuracy(v).mean() for v in res.variants])
    plt.close(fig)
    with pytest.raises(ValueError, match="'variant'"):
        cmp.train_continual("no_cell", 0, test)


def test_forget_gate_learns_the_continual_task():
    """Short training: the vanilla LSTM clearly beats chance on long test streams."""
    test = ct.continual_stream(np.random.default_rng(1), 20, 200)
    run = cmp.train_continual("vanilla", 0, test, hidden_size=8, length=30, batch_size=16, steps=100, progress=False)
    assert run.accuracy > 0.9
    assert run.cell_norm.shape == (200,) and np.all(np.isfinite(run.cell_norm))


def test_format_table():
    text = cmp.format_table(("a", "bb"), [("1", "2"), ("333", "4")])
    lines = text.splitlines()
    assert len(lines) == 4 and lines[0].startswith("a   | bb") and set(lines[1]) <= {"-", "+"}
    with pytest.raises(ValueError):
        cmp.format_table(("a", "b"), [("1",)])
    assert [r[0] for r in cmp.SLIDE_TABLE] == ["Memory span", "Parameters", "Training time", "Accuracy", "Best for"]
