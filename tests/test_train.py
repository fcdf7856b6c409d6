"""The training loop: it learns the recall task, is reproducible, stops early, and is quiet on request."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.engine import train as train_module

LAG, K, M = 3, 4, 4
INPUT = K + M + 1


def make_batch(rng):
    return lh.recall_batch(rng, 32, LAG, num_symbols=K, num_distractors=M)


def eval_batch():
    return lh.recall_batch(np.random.default_rng(99), 128, LAG, num_symbols=K, num_distractors=M)


@pytest.mark.parametrize("cell, optimizer, lr", [("lstm", "adam", 0.02), ("rnn", "adam", 0.02),
                                                 ("lstm", "sgd", 0.1)])
def test_loss_decreases_on_recall_task(cell, optimizer, lr):
    model = lh.SequenceModel(cell, INPUT, 16, K, seed=0)
    hist = lh.train(model, make_batch, steps=200, lr=lr, optimizer=optimizer, seed=1, progress=False)
    assert hist.steps_run == 200 and len(hist.loss) == len(hist.accuracy) == len(hist.grad_norm) == 200
    assert hist.loss[0] == pytest.approx(np.log(K), abs=0.25)  # chance level at the start
    assert np.mean(hist.loss[-20:]) < 0.2 * np.mean(hist.loss[:5])
    ev = eval_batch()
    assert lh.accuracy(model.forward(ev[0]), ev[1]) > 0.9
    assert not hist.reached_target


def test_same_seed_same_history_other_seed_other_history():
    def run(seed):
        model = lh.SequenceModel("lstm", INPUT, 8, K, seed=0)
        return lh.train(model, make_batch, steps=30, seed=seed, progress=False, eval_batch=eval_batch(),
                        eval_every=10), model

    (h1, m1), (h2, m2), (h3, _) = run(5), run(5), run(6)
    assert h1.loss == h2.loss and h1.grad_norm == h2.grad_norm and h1.eval_accuracy == h2.eval_accuracy
    for k, v in m1.parameters().items():
        np.testing.assert_array_equal(v, m2.parameters()[k])
    assert h1.loss != h3.loss


def test_target_accuracy_stops_early():
    model = lh.SequenceModel("lstm", INPUT, 16, K, seed=0)
    ev = eval_batch()
    hist = lh.train(model, make_batch, steps=2000, lr=0.02, seed=1, eval_batch=ev, eval_every=10,
                    target_accuracy=0.95, progress=False)
    assert hist.reached_target
    assert hist.steps_run < 2000
    assert hist.steps_run == hist.eval_step[-1] == len(hist.loss)
    assert hist.eval_accuracy[-1] >= 0.95
    assert all(a < 0.95 for a in hist.eval_accuracy[:-1])
    assert hist.eval_step == list(range(10, hist.steps_run + 1, 10))
    assert lh.accuracy(model.forward(ev[0]), ev[1]) == hist.eval_accuracy[-1]


def test_evaluates_every_eval_every_steps_and_at_the_end():
    model = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
    hist = lh.train(model, make_batch, steps=25, eval_batch=eval_batch(), eval_every=10, progress=False)
    assert hist.eval_step == [10, 20, 25]
    arrays = hist.as_arrays()
    assert set(arrays) == {"loss", "accuracy", "grad_norm", "step_time", "eval_step", "eval_accuracy"}
    assert arrays["loss"].shape == arrays["step_time"].shape == (25,) and arrays["eval_accuracy"].shape == (3,)


def test_clip_records_the_norm_before_clipping():
    model = lh.SequenceModel("lstm", INPUT, 8, K, seed=0)
    hist = lh.train(model, make_batch, steps=5, clip=1e-6, progress=False)
    assert min(hist.grad_norm) > 1e-6
    model2 = lh.SequenceModel("lstm", INPUT, 8, K, seed=0)
    hist2 = lh.train(model2, make_batch, steps=1, clip=None, progress=False)
    assert hist2.grad_norm[0] == pytest.approx(hist.grad_norm[0], rel=1e-12)  # same first batch and weights


def test_progress_false_prints_nothing(capsys):
    model = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
    lh.train(model, make_batch, steps=3, progress=False, eval_batch=eval_batch(), eval_every=1)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_true_shows_a_bar(capsys):
    model = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
    lh.train(model, make_batch, steps=3, progress=True, desc="recall-bar")
    captured = capsys.readouterr()
    assert "recall-bar" in captured.err and "3/3" in captured.err
    assert captured.out == ""


def test_float32_model_trains_in_float32():
    model = lh.SequenceModel("lstm", INPUT, 8, K, dtype=np.float32, seed=0)
    hist = lh.train(model, lambda rng: lh.recall_batch(rng, 16, LAG, dtype=np.float32), steps=20, progress=False)
    assert all(v.dtype == np.float32 for v in model.parameters().values())
    assert np.isfinite(hist.loss).all()


# ----------------------------------------------------------------------------- hooks and timing
def test_default_evaluation_is_the_evaluation_forward():
    model = lh.SequenceModel("lstm", INPUT, 8, K, seed=0)
    ev = eval_batch()
    hist = lh.train(model, make_batch, steps=20, seed=1, eval_batch=ev, eval_every=10, progress=False)
    assert hist.eval_accuracy[-1] == lh.accuracy(model.logits(ev[0]), ev[1])
    with pytest.raises(ValueError, match=r"forward\(\) first"):
        model.backward(np.zeros((ev[0].shape[1], K)))    # the last pass was an evaluation: nothing to pair with


def test_evaluate_hook_scores_the_eval_batch():
    calls = []

    def evaluate(model, batch):
        calls.append((model, batch))
        return 0.25 * len(calls)

    model = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
    ev = ("anything the hook understands", None)
    hist = lh.train(model, make_batch, steps=50, eval_batch=ev, eval_every=5, evaluate=evaluate,
                    target_accuracy=0.75, progress=False)
    assert all(m is model and b is ev for m, b in calls)
    assert hist.eval_accuracy == [0.25, 0.5, 0.75] and hist.eval_step == [5, 10, 15]
    assert hist.reached_target and hist.steps_run == 15


@pytest.mark.parametrize("value, error", [(1.5, ValueError), (float("nan"), ValueError), ("0.5", TypeError),
                                          (None, TypeError), (True, TypeError)])
def test_evaluate_hook_must_return_an_accuracy(value, error):
    model = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
    with pytest.raises(error, match="'evaluate'"):
        lh.train(model, make_batch, steps=2, eval_batch=eval_batch(), eval_every=1, evaluate=lambda m, b: value,
                 progress=False)


def test_forward_hook_replaces_model_forward():
    def reversed_batch(rng):
        x, y = make_batch(rng)
        return x[::-1].copy(), y

    a, b = (lh.SequenceModel("lstm", INPUT, 8, K, seed=0) for _ in range(2))
    ha = lh.train(a, make_batch, steps=15, seed=2, progress=False, forward=lambda m, x: m.forward(x[::-1].copy()))
    hb = lh.train(b, reversed_batch, steps=15, seed=2, progress=False)
    assert ha.loss == hb.loss and ha.grad_norm == hb.grad_norm
    for k, v in a.parameters().items():
        np.testing.assert_array_equal(v, b.parameters()[k])


def test_hooks_are_checked():
    model = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
    for name in ("evaluate", "forward"):
        with pytest.raises(TypeError, match=f"'{name}'"):
            lh.train(model, make_batch, steps=1, progress=False, **{name: 0.5})

    class NoEvaluationForward:                       # a model without logits(x) needs an evaluate hook
        def __init__(self):
            inner = self.inner = lh.SequenceModel("rnn", INPUT, 4, K, seed=0)
            self.forward, self.backward, self.parameters = inner.forward, inner.backward, inner.parameters

        @property
        def grads(self):
            return self.inner.grads

    with pytest.raises(TypeError, match="'evaluate'"):
        lh.train(NoEvaluationForward(), make_batch, steps=1, eval_batch=eval_batch(), progress=False)
    hist = lh.train(NoEvaluationForward(), make_batch, steps=2, eval_batch=eval_batch(), eval_every=1,
                    evaluate=lambda m, b: lh.accuracy(m.forward(b[0]), b[1]), progress=False)
    assert len(hist.eval_accuracy) == 2


def test_step_time_is_the_update_alone(monkeypatch):
    """One entry per step, from forward to the optimizer step: make_batch and the evaluation are not timed."""
    clock = {"now": 0.0}

    class FakeTime:
        @staticmethod
        def perf_counter():
            clock["now"] += 1.0
            return clock["now"]

    def slow_batch(rng):
        clock["now"] += 1000.0                    # a make_batch that takes "1000 s"
        return make_batch(rng)

    def slow_evaluate(model, batch):
        clock["now"] += 1000.0
        return 0.5

    monkeypatch.setattr(train_module, "time", FakeTime)
    hist = lh.train(lh.SequenceModel("rnn", INPUT, 4, K, seed=0), slow_batch, steps=4, eval_batch=eval_batch(),
                    eval_every=1, evaluate=slow_evaluate, progress=False)
    assert len(hist.step_time) == 4 and all(0 < t < 1000 for t in hist.step_time)
