"""Seeds trained together (lstm_helpers.engine.seeded) equal the one-seed engine, seed by seed.

The contract: for every seed s, train_seeds gives the losses, accuracies, gradient norms, evaluations,
early stop and final parameters of ``lh.train(lh.SequenceModel(..., seed=s), make_batch, seed=s, ...)``
to 1e-10 in float64. The one-seed side uses only the engine's public class API.
"""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine.seeded import (SeedAdam, SeededModel, SeedHistories, SeedSGD, accuracy_per_seed,
                                        clip_seed_grads, cross_entropy_per_seed, seed_global_norms, train_seeds)
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
