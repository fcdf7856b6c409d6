"""Seeds trained together (lstm_helpers.engine.seeded) equal the one-seed engine, seed by seed.

The contract: for every seed s, train_seeds gives the losses, accuracies, gradient norms, evaluations,
early stop and final parameters of ``lh.train(lh.SequenceModel(..., seed=s), make_batch, seed=s, ...)``
to 1e-10 in float64. The one-seed side uses only the engine's public class API.
"""
from __future__ import annotations

import contextlib
import os

import numpy as np
import pytest
import threadpoolctl

import lstm_helpers as lh
from lstm_helpers.engine.seeded import (SeedAdam, SeededModel, SeedHistories, SeedSGD, accuracy_per_seed,
                                        clip_seed_grads, cross_entropy_per_seed, seed_global_norms, train_seeds)
from lstm_helpers.engine.seeded import model as seeded_model
from lstm_helpers.engine.seeded import train as seeded_train
from lstm_helpers.engine.seeded.parallel import one_blas_thread
from lstm_helpers.lessons import continual

TOL = 1e-10
SEEDS = (0, 1, 2)


def recall(batch=16, lag=5):
    return lambda rng: lh.recall_batch(rng, batch, lag)


def stream(batch=16, length=12):
    return lambda rng: continual.continual_batch(rng, batch, length)


def eval_set(readout, batch=64):
    rng = np.random.default_rng(99)
    return lh.recall_batch(rng, batch, 5) if readout == "last" else continual.continual_batch(rng, batch, 12)


def one_seed_runs(cell, readout, make_batch, seeds=SEEDS, data_seeds=None, dtype=np.float64, cell_kwargs=None,
                  **train_kwargs):
    out = []
    for s, d in zip(seeds, data_seeds or seeds):
        model = lh.SequenceModel(cell, 9, 8, 4, readout=readout, seed=s, dtype=dtype, **(cell_kwargs or {}))
        hist = lh.train(model, make_batch, seed=d, progress=False, **train_kwargs)
        out.append((model, hist))
    return out


def assert_same_runs(seeded: SeededModel, result: SeedHistories, runs, tol=TOL):
    assert len(result) == len(runs)
    for k, (model, hist) in enumerate(runs):
        mine = result[k]
        assert mine.steps_run == hist.steps_run
        assert mine.reached_target == hist.reached_target
        assert mine.eval_step == hist.eval_step
        for field in ("loss", "accuracy", "grad_norm", "eval_accuracy"):
            np.testing.assert_allclose(getattr(mine, field), getattr(hist, field), rtol=0, atol=tol, err_msg=field)
        for key, p in model.parameters().items():
            np.testing.assert_allclose(seeded.parameters()[key][k], p, rtol=0, atol=tol, err_msg=key)


# ----------------------------------------------------------------------------- the contract
@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
@pytest.mark.parametrize("clip", [1.0, None])
def test_train_seeds_equals_one_seed_runs_with_early_stopping(cell, readout, clip):
    make_batch = recall() if readout == "last" else stream()
    kwargs = dict(steps=60, lr=2e-2, clip=clip, eval_batch=eval_set(readout), eval_every=10, target_accuracy=0.6)
    seeded = SeededModel(cell, 9, 8, 4, seeds=SEEDS, readout=readout)
    result = train_seeds(seeded, make_batch, progress=False, **kwargs)
    runs = one_seed_runs(cell, readout, make_batch, **kwargs)
    assert_same_runs(seeded, result, runs)
    assert len(set(result.steps_run())) > 1 or not result.reached_target().all()   # seeds stop on their own


def test_equal_on_a_run_that_amplifies_rounding():
    """This LSTM run turns a change in the last bit of the initial weights into 5e-9 to 3e-8 after 300 steps
    (by BLAS kernel), so 1e-10 here needs the one-seed arithmetic exactly (same products, order, σ route)."""
    make_batch = recall(lag=20)
    kwargs = dict(steps=300, lr=1e-2, clip=1.0)
    cell_kwargs = {"forget_bias": "chrono", "chrono_max_lag": 300}
    seeded = SeededModel("lstm", 9, 8, 4, seeds=(0, 1), **cell_kwargs)
    result = train_seeds(seeded, make_batch, progress=False, **kwargs)
    runs = one_seed_runs("lstm", "last", make_batch, seeds=(0, 1), cell_kwargs=cell_kwargs, **kwargs)
    assert_same_runs(seeded, result, runs)
    nudged = lh.SequenceModel("lstm", 9, 8, 4, seed=0, **cell_kwargs)          # the amplification is real
    for p in nudged.parameters().values():
        p *= 1 + 2.0 ** -52
    lh.train(nudged, make_batch, seed=0, progress=False, **kwargs)
    assert max(np.abs(p - runs[0][0].parameters()[k]).max() for k, p in nudged.parameters().items()) > 10 * TOL


@pytest.mark.parametrize("cell, cell_kwargs, batch", [
    ("lstm", {"forget_bias": "chrono", "chrono_max_lag": 30}, 64),   # B·H >= 512: tanh(C_t) through exp
    ("lstm", {"forget_gate": False}, 4),                             # B·4H < 256: the gates through tanh
    ("lstm", {"output_activation": False, "input_gate": False}, 16),
    ("rnn", {"nonlinearity": "tanh"}, 64),                           # B·H >= 512: tanh through exp
    ("rnn", {"nonlinearity": "relu"}, 16),
    ("rnn", {"nonlinearity": "sigmoid"}, 16),
])
def test_variants_routes_and_sgd_equal_one_seed_runs(cell, cell_kwargs, batch):
    make_batch = recall(batch=batch)
    kwargs = dict(steps=40, lr=5e-2, optimizer="sgd", clip=0.5, eval_batch=eval_set("last"), eval_every=20)
    seeded = SeededModel(cell, 9, 8, 4, seeds=SEEDS, **cell_kwargs)
    result = train_seeds(seeded, make_batch, progress=False, **kwargs)
    assert_same_runs(seeded, result, one_seed_runs(cell, "last", make_batch, cell_kwargs=cell_kwargs, **kwargs))


def test_batches_of_different_lengths_and_chosen_data_seeds():
    """Seeds whose batches differ in shape run in separate passes; data_seeds picks the batch generators."""
    def make_batch(rng):
        return lh.recall_batch(rng, 8, int(rng.integers(2, 6)))

    kwargs = dict(steps=30, lr=2e-2, eval_batch=eval_set("last"), eval_every=15)
    seeded = SeededModel("lstm", 9, 8, 4, seeds=(3, 4, 5, 6))
    result = train_seeds(seeded, make_batch, data_seeds=(7, 7, 8, 9), progress=False, **kwargs)
    runs = one_seed_runs("lstm", "last", make_batch, seeds=(3, 4, 5, 6), data_seeds=(7, 7, 8, 9), **kwargs)
    assert_same_runs(seeded, result, runs)
    assert result[0].loss != result[1].loss        # same batches, different initial weights


def test_float32_runs_follow_the_one_seed_runs():
    kwargs = dict(steps=30, lr=2e-2, eval_batch=None)
    make_batch = lambda rng: lh.recall_batch(rng, 16, 4, dtype=np.float32)   # noqa: E731
    seeded = SeededModel("lstm", 9, 8, 4, seeds=SEEDS, dtype=np.float32)
    result = train_seeds(seeded, make_batch, progress=False, **kwargs)
    assert seeded.parameters()["cell.weight_ih"].dtype == np.float32
    assert_same_runs(seeded, result, one_seed_runs("lstm", "last", make_batch, dtype=np.float32, **kwargs), tol=1e-5)


# ----------------------------------------------------------------------------- the model's passes
def test_initial_weights_are_the_one_seed_models_weights():
    seeded = SeededModel("lstm", 9, 8, 4, seeds=(5, 0, 2), forget_bias=2.0)
    for k, s in enumerate((5, 0, 2)):
        one = lh.SequenceModel("lstm", 9, 8, 4, seed=s, forget_bias=2.0)
        for key, p in one.parameters().items():
            assert seeded.parameters()[key].shape == (3,) + p.shape
            np.testing.assert_array_equal(seeded.parameters()[key][k], p)
    copy = seeded.model(1)
    assert isinstance(copy, lh.SequenceModel)
    seeded.parameters()["head.bias"][1] += 1.0                     # the copy does not share memory
    np.testing.assert_array_equal(copy.parameters()["head.bias"], lh.SequenceModel("lstm", 9, 8, 4, seed=0).head.bias)


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_forward_backward_equal_each_seeds_model(cell, readout):
    make_batch = recall() if readout == "last" else stream()
    batches = [make_batch(np.random.default_rng(10 + s)) for s in SEEDS]
    x, y = np.stack([b[0] for b in batches]), np.stack([b[1] for b in batches])
    seeded = SeededModel(cell, 9, 8, 4, seeds=SEEDS, readout=readout)
    logits = seeded.forward(x)
    losses, d = cross_entropy_per_seed(logits, y)
    seeded.backward(d)
    again = SeededModel(cell, 9, 8, 4, seeds=SEEDS, readout=readout)
    np.testing.assert_array_equal(again.forward_backward(x, y), losses)
    np.testing.assert_array_equal(again.last_logits, logits)
    for k, s in enumerate(SEEDS):         # bit for bit: the same products and operations in the same order
        one = lh.SequenceModel(cell, 9, 8, 4, seed=s, readout=readout)
        one_logits = one.forward(batches[k][0])
        loss, d1 = lh.softmax_cross_entropy(one_logits, batches[k][1])
        one.backward(d1)
        np.testing.assert_array_equal(logits[k], one_logits)
        assert losses[k] == pytest.approx(loss, abs=1e-14)
        assert accuracy_per_seed(logits, y)[k] == lh.accuracy(one_logits, batches[k][1])
        for key, g in one.grads.items():
            np.testing.assert_array_equal(seeded.grads[key][k], g, err_msg=key)
            np.testing.assert_array_equal(again.grads[key][k], g, err_msg=key)


def one_seed_pass(cell, s, x, y, readout, dtype, cell_kwargs):
    one = lh.SequenceModel(cell, 9, 8, 4, seed=s, readout=readout, dtype=dtype, **cell_kwargs)
    logits = one.forward(x)
    one.backward(lh.softmax_cross_entropy(logits, y)[1])
    return logits, one.grads


@pytest.mark.parametrize("cell, cell_kwargs", [("lstm", {}), ("lstm", {"output_gate": False}), ("rnn", {})])
@pytest.mark.parametrize("readout, steps", [("all", 11), ("all", 12), ("last", (5, 2, 8, 3)), ("last", (4, 7, 4, 6))])
@pytest.mark.parametrize("dtype, batch", [(np.float64, 4), (np.float64, 64), (np.float32, 4), (np.float32, 128)])
def test_one_pass_bit_for_bit_for_odd_and_even_lengths_routes_and_dtypes(cell, cell_kwargs, readout, steps, dtype,
                                                                       batch):
    """The backward pass keeps ∂C and ∂h of two steps in turn (odd and even t): every parity of T and T_s, both
    activation routes (exp from B·4H = 256 in float64, 2048 in float32), batches given as a list (written straight
    into the forward pass's inputs): logits and gradients equal each seed's one-seed pass bit for bit."""
    seeds = (0, 1, 2, 3)
    if readout == "all":
        batches = [stream(batch, steps)(np.random.default_rng(30 + k)) for k in seeds]
    else:
        batches = [lh.recall_batch(np.random.default_rng(30 + k), batch, lag) for k, lag in zip(seeds, steps)]
    batches = [(x.astype(dtype), y) for x, y in batches]
    seeded = SeededModel(cell, 9, 8, 4, seeds=seeds, readout=readout, dtype=dtype, **cell_kwargs)
    seeded.forward_backward([b[0] for b in batches], np.stack([b[1] for b in batches]))
    for k, s in enumerate(seeds):
        logits, grads = one_seed_pass(cell, s, *batches[k], readout, dtype, cell_kwargs)
        np.testing.assert_array_equal(seeded.last_logits[k], logits)
        for key, g in grads.items():
            np.testing.assert_array_equal(seeded.grads[key][k], g, err_msg=key)


def test_a_subset_of_seeds_shared_inputs_and_batches_of_several_lengths():
    seeded = SeededModel("lstm", 9, 8, 4, seeds=(0, 1, 2, 3))
    x, y = lh.recall_batch(np.random.default_rng(0), 10, 4)
    part = seeded.forward(x, which=[3, 1])                       # (T, B, D) shared by the seeds run
    assert part.shape == (2, 10, 4)
    for j, s in enumerate((3, 1)):
        np.testing.assert_allclose(part[j], lh.SequenceModel("lstm", 9, 8, 4, seed=s).forward(x), atol=TOL, rtol=0)
    short, _ = lh.recall_batch(np.random.default_rng(1), 3, 2)
    both = seeded.forward((x, short))                            # lengths 6 and 4, scored as one set
    assert both.shape == (4, 13, 4)
    np.testing.assert_allclose(both[:, 10:], seeded.forward(short), atol=0, rtol=0)
    before = {k: v.copy() for k, v in seeded.grads.items()}
    xs = np.stack([x, x])
    seeded.forward_backward(xs, np.stack([y, y]), which=[2, 0])
    for key, g in seeded.grads.items():                          # rows 1 and 3 untouched, rows 0 and 2 filled
        np.testing.assert_array_equal(g[[1, 3]], before[key][[1, 3]])
        assert np.abs(g[[0, 2]]).sum() > 0


def test_scratch_memory_reused_between_passes_leaves_no_trace():
    seeded = SeededModel("lstm", 9, 8, 4, seeds=SEEDS, readout="all")
    a = [stream()(np.random.default_rng(s)) for s in SEEDS]
    b = [stream(length=20)(np.random.default_rng(s + 5)) for s in SEEDS]
    first = seeded.forward_backward([p[0] for p in a], np.stack([p[1] for p in a]))
    grads = {k: v.copy() for k, v in seeded.grads.items()}
    seeded.forward_backward([p[0] for p in b], np.stack([p[1] for p in b]))
    np.testing.assert_array_equal(seeded.forward_backward([p[0] for p in a], np.stack([p[1] for p in a])), first)
    for key, g in grads.items():
        np.testing.assert_array_equal(seeded.grads[key], g)


def test_inputs_buffer_keeps_its_constant_columns_across_sizes_and_subsets():
    """Workspace.inputs writes h_0 = 0 and the column of ones once per buffer: passes of other lengths, batch sizes
    and seed subsets (which reuse or replace the buffer) still give each seed's one-seed logits exactly."""
    seeded = SeededModel("lstm", 9, 8, 4, seeds=(0, 1, 2))
    ones = {s: lh.SequenceModel("lstm", 9, 8, 4, seed=s) for s in (0, 1, 2)}
    for k, (batch, lag, which) in enumerate([(16, 5, None), (16, 2, [2]), (16, 9, [0, 2]), (4, 3, None), (16, 4, [1])]):
        x, _ = lh.recall_batch(np.random.default_rng(k), batch, lag)
        rows = [0, 1, 2] if which is None else which
        logits = seeded.forward(np.stack([x] * len(rows)), which=which)
        for j, r in enumerate(rows):
            np.testing.assert_array_equal(logits[j], ones[r].forward(x))


# ----------------------------------------------------------------------------- losses and optimizers
def test_cross_entropy_and_accuracy_per_seed_with_ignored_targets(rng):
    logits = rng.standard_normal((3, 5, 6, 4))
    targets = rng.integers(0, 4, (3, 5, 6))
    targets[0, :, :2] = -1                                        # ignored positions, a different count per seed
    targets[2, 4] = -1
    losses, d = cross_entropy_per_seed(logits, targets)
    acc = accuracy_per_seed(logits, targets)
    for k in range(3):
        loss, d1 = lh.softmax_cross_entropy(logits[k], targets[k])
        assert losses[k] == pytest.approx(loss, abs=1e-13)
        np.testing.assert_array_equal(d[k], d1)
        assert acc[k] == lh.accuracy(logits[k], targets[k])
    with pytest.raises(ValueError, match="nothing to score"):
        cross_entropy_per_seed(logits, np.full((3, 5, 6), -1))


def test_each_seed_is_clipped_by_its_own_norm(rng):
    grads = {"a": rng.standard_normal((3, 4, 5)), "b": rng.standard_normal((3, 7))}
    grads["a"][0] *= 100.0                                        # seed row 0: a large norm; the others small
    for k in (1, 2):
        grads["a"][k] *= 0.01
        grads["b"][k] *= 0.01
    singles = [{key: g[k].copy() for key, g in grads.items()} for k in range(3)]
    expected = [lh.clip_grad_norm(s, 1.0) for s in singles]
    np.testing.assert_allclose(seed_global_norms(grads), expected, rtol=0, atol=TOL)
    norms = clip_seed_grads(grads, 1.0)
    np.testing.assert_allclose(norms, expected, rtol=0, atol=TOL)
    assert norms[0] > 1.0 > norms[1]
    for k in range(3):
        for key in grads:
            np.testing.assert_allclose(grads[key][k], singles[k][key], rtol=0, atol=TOL)
    assert seed_global_norms(grads)[0] == pytest.approx(1.0)
    assert seed_global_norms(grads)[1] == pytest.approx(norms[1])     # unchanged, not scaled up


def test_parameters_and_grads_are_views_of_one_flat_array_per_model():
    seeded = SeededModel("lstm", 9, 8, 4, seeds=SEEDS)
    flat, grads = seeded.flat_parameters()["all"], seeded.flat_grads["all"]
    assert flat.shape == (3, lh.SequenceModel("lstm", 9, 8, 4).num_parameters())
    flat[1] += 1.0                                                # every parameter of seed row 1 moves
    np.testing.assert_array_equal(seeded.parameters()["head.bias"][1],
                                  lh.SequenceModel("lstm", 9, 8, 4, seed=1).head.bias + 1.0)
    x, y = lh.recall_batch(np.random.default_rng(0), 8, 3)
    seeded.forward_backward([x] * 3, np.stack([y] * 3))
    expected = seed_global_norms(seeded.grads)
    norms = clip_seed_grads(seeded.grads, 0.01, scale=seeded.flat_grads)   # one multiply on the flat array
    np.testing.assert_array_equal(norms, expected)
    np.testing.assert_allclose(seed_global_norms(seeded.grads), 0.01, rtol=1e-9)
    assert np.shares_memory(grads, seeded.grads["cell.weight_hh"])


@pytest.mark.parametrize("kind", ["adam", "sgd"])
def test_optimizers_update_each_row_like_a_one_seed_optimizer(kind, rng):
    params = {"w": rng.standard_normal((3, 4, 2)), "b": rng.standard_normal((3, 4))}
    singles = [{key: p[k].copy() for key, p in params.items()} for k in range(3)]
    make = (lambda p: lh.Adam(p, lr=0.1)) if kind == "adam" else (lambda p: lh.SGD(p, lr=0.1, momentum=0.9))
    opt = SeedAdam(params, lr=0.1) if kind == "adam" else SeedSGD(params, lr=0.1, momentum=0.9)
    ones = [make(s) for s in singles]
    for step in range(4):
        grads = {key: rng.standard_normal(p.shape) for key, p in params.items()}
        which = None if step < 2 else [0, 2]                      # row 1 stops after two steps
        opt.step(grads, which)
        for k in ([0, 1, 2] if which is None else which):
            ones[k].step({key: g[k] for key, g in grads.items()})
    for k in range(3):
        for key in params:
            np.testing.assert_allclose(params[key][k], singles[k][key], rtol=0, atol=TOL)
    np.testing.assert_array_equal(opt.t, [4, 2, 4])


# ----------------------------------------------------------------------------- clear errors
def test_bad_arguments_get_clear_messages():
    with pytest.raises(ValueError, match=r"SeededModel\(\): argument 'seeds' must be at least 1.*0"):
        SeededModel("lstm", 9, 8, 4, seeds=0)
    with pytest.raises(ValueError, match="argument 'seeds' is empty"):
        SeededModel("lstm", 9, 8, 4, seeds=[])
    with pytest.raises(TypeError, match=r"argument 'seeds' must hold whole numbers.*seeds\[1\] is float 1.5"):
        SeededModel("lstm", 9, 8, 4, seeds=[0, 1.5])
    seeded = SeededModel("rnn", 9, 8, 4, seeds=2)
    assert seeded.seeds == (0, 1)
    x, y = lh.recall_batch(np.random.default_rng(0), 4, 3)
    with pytest.raises(ValueError, match="call forward"):
        seeded.backward(np.zeros((2, 4, 4)))
    seeded.forward(x)                                             # shared batch: evaluation only
    with pytest.raises(ValueError, match="call forward"):
        seeded.backward(np.zeros((2, 4, 4)))
    with pytest.raises(TypeError, match="dtype float32 but the model computes in float64"):
        seeded.forward_backward([x.astype(np.float32)] * 2, np.stack([y, y]))
    with pytest.raises(ValueError, match="one batch per seed run \\(2\\), but it holds 3"):
        seeded.forward_backward([x] * 3, np.stack([y, y, y]))
    with pytest.raises(ValueError, match="'x' must have shape \\(n_seeds, T, B, D\\)"):
        seeded.forward(np.stack([x] * 3))
    with pytest.raises(ValueError, match="repeats a row"):
        seeded.forward(x, which=[1, 1])
    with pytest.raises(TypeError, match="argument 'model' must be a SeededModel"):
        train_seeds(lh.SequenceModel("rnn", 9, 8, 4), recall(), steps=2, progress=False)
    with pytest.raises(ValueError, match="argument 'data_seeds' must give one seed per model seed \\(2\\)"):
        train_seeds(seeded, recall(), steps=2, data_seeds=(0, 1, 2), progress=False)
    with pytest.raises(ValueError, match="'target_accuracy' needs an 'eval_batch'"):
        train_seeds(seeded, recall(), steps=2, target_accuracy=0.9, progress=False)
    with pytest.raises(TypeError, match="must return a pair"):
        train_seeds(seeded, lambda rng: 3, steps=2, progress=False)


def test_progress_bar_only_when_asked(capsys):
    seeded = SeededModel("rnn", 9, 8, 4, seeds=2)
    result = train_seeds(seeded, recall(), steps=3, progress=False)
    assert capsys.readouterr().err == ""
    assert result.steps_run().tolist() == [3, 3] and len(result.step_time) == 3
    train_seeds(seeded, recall(), steps=3, progress=True, desc="seeds")
    assert "seeds" in capsys.readouterr().err


# ----------------------------------------------------------------------------- batches of different lengths, one pass
@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batches_of_different_lengths_run_in_one_pass_bit_for_bit(cell, dtype):
    """Readout 'last': each seed runs its own T_s steps in the shared pass (logits, loss, gradients exact)."""
    lags = (5, 2, 7, 2)                                           # lengths 7, 4, 9, 4: sorted inside, not here
    batches = [lh.recall_batch(np.random.default_rng(20 + k), 16, lag, dtype=dtype) for k, lag in enumerate(lags)]
    seeds = (0, 1, 2, 3)
    seeded = SeededModel(cell, 9, 8, 4, seeds=seeds, dtype=dtype)
    y = np.stack([b[1] for b in batches])
    losses = seeded.forward_backward([b[0] for b in batches], y)
    for k, s in enumerate(seeds):
        one = lh.SequenceModel(cell, 9, 8, 4, seed=s, dtype=dtype)
        logits = one.forward(batches[k][0])
        loss, d = lh.softmax_cross_entropy(logits, batches[k][1])
        one.backward(d)
        np.testing.assert_array_equal(seeded.last_logits[k], logits)
        assert losses[k] == pytest.approx(loss, rel=1e-6 if dtype == np.float32 else 1e-14)
        for key, g in one.grads.items():
            np.testing.assert_array_equal(seeded.grads[key][k], g, err_msg=key)
    with pytest.raises(ValueError, match="call forward"):              # the pass ran the seeds in another order
        seeded.backward(np.zeros_like(seeded.last_logits))


def test_train_seeds_runs_seeds_of_different_lengths_together(monkeypatch):
    """One forward pass per step for all seeds, whatever length each seed drew; the runs stay exact."""
    calls = []
    forward = seeded_model.seeded_lstm_forward
    monkeypatch.setattr(seeded_model, "seeded_lstm_forward",
                        lambda *a, **k: calls.append(k["lengths"]) or forward(*a, **k))

    def make_batch(rng):
        return lh.recall_batch(rng, 8, int(rng.integers(1, 9)))

    kwargs = dict(steps=25, lr=2e-2, eval_batch=eval_set("last"), eval_every=5, target_accuracy=0.5)
    seeded = SeededModel("lstm", 9, 8, 4, seeds=(0, 1, 2, 3, 4))
    result = train_seeds(seeded, make_batch, progress=False, **kwargs)
    training = [c for c in calls if c is not None]                    # the evaluations pass no lengths
    assert len(training) == result.steps_run().max()                  # one pass per step
    assert any(len(set(c)) > 2 for c in training)
    assert_same_runs(seeded, result, one_seed_runs("lstm", "last", make_batch, seeds=(0, 1, 2, 3, 4), **kwargs),
                     tol=0)


def test_lengths_differ_only_with_readout_last():
    seeded = SeededModel("lstm", 9, 8, 4, seeds=2, readout="all")
    a, b = stream(length=5)(np.random.default_rng(0)), stream(length=7)(np.random.default_rng(1))
    with pytest.raises(ValueError, match=r"different shapes.*equal shapes \(readout 'all'\)"):
        seeded.forward_backward([a[0], b[0]], [a[1], b[1]])
    seeded = SeededModel("lstm", 9, 8, 4, seeds=2)
    x4, y4 = lh.recall_batch(np.random.default_rng(0), 4, 3)
    x5, y5 = lh.recall_batch(np.random.default_rng(0), 5, 3)
    with pytest.raises(ValueError, match=r"different shapes.*equal \(B, D\)"):
        seeded.forward_backward([x4, x5], [y4, y5[:4]])


def test_subset_copies_the_current_weights():
    seeded = SeededModel("rnn", 9, 8, 4, seeds=(4, 5, 6))
    seeded.flat_parameters()["all"][2] += 0.5                        # trained weights, not the initial ones
    part = seeded.subset([2, 0])
    assert part.seeds == (6, 4) and part.n_seeds == 2
    np.testing.assert_array_equal(part.flat_parameters()["all"], seeded.flat_parameters()["all"][[2, 0]])
    kept = seeded.flat_parameters()["all"].copy()
    part.flat_parameters()["all"][...] = 0.0                           # a copy: the model is unchanged
    np.testing.assert_array_equal(seeded.flat_parameters()["all"], kept)
    np.testing.assert_array_equal(part.parameters()["cell.weight_hh"], 0.0)   # and its views are its own


# ----------------------------------------------------------------------------- workers: seeds split over processes
def children_now() -> set:
    psutil = pytest.importorskip("psutil")
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.mark.parametrize("cell, readout", [("lstm", "last"), ("rnn", "all"), ("lstm", "all")])
def test_workers_2_give_the_same_runs_bit_for_bit(cell, readout):
    make_batch = recall() if readout == "last" else stream()
    kwargs = dict(steps=40, lr=2e-2, eval_batch=eval_set(readout), eval_every=10, target_accuracy=0.6,
                  data_seeds=(3, 1, 3, 0, 2))
    seeds = (0, 1, 2, 3, 4)
    here = SeededModel(cell, 9, 8, 4, seeds=seeds, readout=readout)
    one = train_seeds(here, make_batch, progress=False, **kwargs)
    before = children_now()
    split = SeededModel(cell, 9, 8, 4, seeds=seeds, readout=readout)
    two = train_seeds(split, make_batch, progress=False, workers=2, **kwargs)
    assert children_now() == before                                   # the worker process is gone
    assert (one.workers, two.workers) == (1, 2)
    np.testing.assert_array_equal(split.flat_parameters()["all"], here.flat_parameters()["all"])
    for a, b in zip(one, two):
        for name in ("loss", "accuracy", "grad_norm", "eval_step", "eval_accuracy", "steps_run", "reached_target"):
            assert getattr(a, name) == getattr(b, name), name
    assert len(set(two.steps_run())) > 1 or not two.reached_target().all()
    runs = one_seed_runs(cell, readout, make_batch, seeds=seeds, data_seeds=kwargs.pop("data_seeds"), **kwargs)
    assert_same_runs(split, two, runs, tol=0)


def test_workers_beyond_the_seed_count_and_without_fork(monkeypatch):
    kwargs = dict(steps=12, lr=2e-2)
    ref = SeededModel("lstm", 9, 8, 4, seeds=2)
    train_seeds(ref, recall(), progress=False, **kwargs)
    many = SeededModel("lstm", 9, 8, 4, seeds=2)
    assert train_seeds(many, recall(), progress=False, workers=8, **kwargs).workers == 2   # one process per seed
    monkeypatch.setattr(seeded_train, "fork_available", lambda: False)
    here = SeededModel("lstm", 9, 8, 4, seeds=2)
    assert train_seeds(here, recall(), progress=False, workers=2, **kwargs).workers == 1    # no fork: all here
    with pytest.raises(ValueError, match="argument 'workers' must be at least 1"):            # still checked
        train_seeds(here, recall(), progress=False, workers=0, **kwargs)
    for m in (many, here):
        np.testing.assert_array_equal(m.flat_parameters()["all"], ref.flat_parameters()["all"])


@pytest.mark.parametrize("bad, error, message", [
    (0, ValueError, "argument 'workers' must be at least 1.*but it is 0"),
    (-2, ValueError, "argument 'workers' must be at least 1"),
    (1.5, TypeError, "argument 'workers' must be a whole number of processes.*float 1.5"),
    ("2", TypeError, "argument 'workers' must be a whole number of processes.*str '2'"),
    (True, TypeError, "argument 'workers' must be a whole number of processes.*bool True"),
    (None, TypeError, "argument 'workers' must be a whole number of processes.*NoneType None"),
])
def test_bad_workers_get_clear_messages(bad, error, message):
    with pytest.raises(error, match=r"train_seeds\(\): " + message):
        train_seeds(SeededModel("rnn", 9, 8, 4, seeds=2), recall(), steps=2, progress=False, workers=bad)


def test_an_error_or_interrupt_in_a_worker_leaves_no_process_behind():
    parent = os.getpid()
    before = children_now()

    def fails_in_worker(rng):
        if os.getpid() != parent:
            raise ValueError("no batch in the worker")
        return lh.recall_batch(rng, 8, 3)

    with pytest.raises(ValueError, match="no batch in the worker") as info:
        train_seeds(SeededModel("lstm", 9, 8, 4, seeds=4), fails_in_worker, steps=50, progress=False, workers=2)
    assert "worker process 1" in "".join(getattr(info.value, "__notes__", []))
    assert children_now() == before
    steps = []

    def interrupted_here(rng):
        steps.append(1)
        if len(steps) == 10:
            raise KeyboardInterrupt
        return lh.recall_batch(rng, 8, 3)

    with pytest.raises(KeyboardInterrupt):
        train_seeds(SeededModel("lstm", 9, 8, 4, seeds=4), interrupted_here, steps=10_000, progress=False, workers=2)
    assert children_now() == before


def test_progress_bar_with_workers_counts_every_step(capsys):
    seeded = SeededModel("rnn", 9, 8, 4, seeds=3)
    result = train_seeds(seeded, recall(), steps=7, progress=True, desc="split seeds", workers=2)
    err = capsys.readouterr().err
    assert result.workers == 2 and "split seeds" in err and "7/7" in err


@pytest.mark.slow
def test_workers_in_a_jupyter_kernel_same_results_and_interrupt_leaves_no_process(tmp_path):
    """A notebook kernel forks its worker safely; a kernel interrupt (SIGINT to the process group, as JupyterLab
    sends it) stops the run and leaves no process behind."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "import numpy as np, psutil, lstm_helpers as lh\n"
        "def run(workers, steps=40):\n"
        "    m = lh.SeededModel('lstm', 9, 8, 4, seeds=5)\n"
        "    r = lh.train_seeds(m, lambda rng: lh.recall_batch(rng, 16, 5), steps=steps, workers=workers)\n"
        "    return r, m.flat_parameters()['all'].copy()",
        "(r1, p1), (r2, p2) = run(1), run(2)\n"
        "print(r1.workers, r2.workers, np.array_equal(p1, p2), [a.loss == b.loss for a, b in zip(r1, r2)])",
        "run(2, steps=10**7)",
        "import time; time.sleep(0.5); print('left:', psutil.Process().children(recursive=True))",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout_func=lambda cell: 3 if "10**7" in cell.source else 300,
                            interrupt_on_timeout=True, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()   # interrupts the endless run
    text = [o.get("text", "") for c in nb.cells for o in c.outputs if o.output_type == "stream" and o.name == "stdout"]
    assert text[0].strip() == "1 2 True [True, True, True, True, True]"
    assert [o.ename for o in nb.cells[2].outputs if o.output_type == "error"] == ["KeyboardInterrupt"]
    assert text[-1].strip() == "left: []"


def test_each_worker_process_is_held_to_one_blas_thread(monkeypatch):
    """Without the project's environment (OPENBLAS_NUM_THREADS=1), a worker limits BLAS itself (threadpoolctl)."""
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert isinstance(one_blas_thread(), contextlib.nullcontext)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    with one_blas_thread() as limits:
        assert isinstance(limits, threadpoolctl.threadpool_limits)
        blas = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
        assert blas and all(lib["num_threads"] == 1 for lib in blas)
