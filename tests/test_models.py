"""SequenceModel: a recurrent cell followed by a Linear read-out of h_T or of every h_t."""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh

D, H, C, T, B = 3, 4, 5, 6, 2


def _x(seed=0):
    return np.random.default_rng(seed).standard_normal((T, B, D))


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_forward_is_head_of_cell_outputs(cell, readout):
    model = lh.SequenceModel(cell, D, H, C, readout=readout, seed=3)
    x = _x(1)
    logits = model.forward(x)
    out, state = model.cell.forward(x)
    expected = model.head.forward(out[-1] if readout == "last" else out)
    assert logits.shape == ((B, C) if readout == "last" else (T, B, C))
    np.testing.assert_array_equal(logits, expected)
    np.testing.assert_array_equal(model.predict(x), logits.argmax(axis=-1))
    final = model.final_state if cell == "rnn" else model.final_state[0]
    np.testing.assert_array_equal(final, out[-1])


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_backward_returns_input_gradient(cell, readout):
    model = lh.SequenceModel(cell, D, H, C, readout=readout, seed=4)
    x = _x(2)
    R = np.random.default_rng(5).standard_normal(model.forward(x).shape)
    dx = model.backward(R)
    num = lh.numerical_gradient(lambda: float(np.sum(model.forward(x) * R)), x)
    assert dx.shape == x.shape
    assert lh.rel_error(dx, num) < 1e-7


def test_parameters_grads_and_count():
    model = lh.SequenceModel("lstm", D, H, C, seed=6)
    names = ["cell.weight_ih", "cell.weight_hh", "cell.bias_ih", "cell.bias_hh", "head.weight", "head.bias"]
    params = model.parameters()
    assert list(params) == names
    assert params["cell.weight_hh"] is model.cell.weight_hh and params["head.weight"] is model.head.weight
    assert model.num_parameters() == sum(p.size for p in params.values())
    assert model.num_parameters() == model.cell.num_parameters() + (H * C + C)
    assert model.grads == {}
    with pytest.raises(ValueError, match=r"forward\(\) first"):
        model.backward(np.ones((B, C)))
    model.forward(_x())
    model.backward(np.ones((B, C)))
    assert list(model.grads) == names
    for k in names:
        assert model.grads[k].shape == params[k].shape


def test_seed_dtype_and_cell_options():
    a = lh.SequenceModel("lstm", D, H, C, seed=7)
    b = lh.SequenceModel("lstm", D, H, C, seed=7)
    np.testing.assert_array_equal(a.head.weight, b.head.weight)
    np.testing.assert_array_equal(a.head.weight, lh.Linear(H, C, seed=8).weight)  # the head uses seed + 1
    np.testing.assert_array_equal(a.cell.weight_ih, lh.LSTM(D, H, seed=7).weight_ih)
    m32 = lh.SequenceModel("rnn", D, H, C, dtype=np.float32, nonlinearity="relu")
    assert m32.dtype == np.float32 and m32.cell.nonlinearity == "relu"
    assert m32.forward(_x().astype(np.float32)).dtype == np.float32
    m = lh.SequenceModel("lstm", D, H, C, forget_bias=2.0, forget_gate=True, output_gate=False)
    np.testing.assert_array_equal(m.cell.gate_weights()["b_f"], 2.0)
    assert m.cell.config.removed_gates() == ("o",)
    text = repr(m)
    assert "SequenceModel(" in text and "LSTM(3, 4" in text and "Linear(4, 5" in text and "'last'" in text


# ----------------------------------------------------------------------------- the evaluation forward
@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_logits_are_the_forward_logits_and_predict_their_argmax(cell, readout):
    model = lh.SequenceModel(cell, D, H, C, readout=readout, seed=3)
    x = _x(1)
    logits = model.logits(x)
    np.testing.assert_array_equal(logits, model.forward(x))
    np.testing.assert_array_equal(model.predict(x), logits.argmax(axis=-1))
    state = model.final_state
    np.testing.assert_array_equal(model.logits(x[:2], state),
                                  model.forward(x[:2], state))


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
@pytest.mark.parametrize("readout", ["last", "all"])
def test_logits_do_not_disturb_a_following_forward_backward_pair(cell, readout):
    x, other = _x(1), np.random.default_rng(9).standard_normal((T + 3, B + 1, D))
    R = np.random.default_rng(5).standard_normal(lh.SequenceModel(cell, D, H, C, readout=readout).forward(x).shape)
    ref = lh.SequenceModel(cell, D, H, C, readout=readout, seed=4)
    ref.forward(x)
    dx_ref = ref.backward(R)
    model = lh.SequenceModel(cell, D, H, C, readout=readout, seed=4)
    model.logits(other)                           # an evaluation of other data first
    model.predict(other)
    model.forward(x)
    dx = model.backward(R)
    np.testing.assert_array_equal(dx, dx_ref)
    for k, g in ref.grads.items():
        np.testing.assert_array_equal(model.grads[k], g)


@pytest.mark.parametrize("evaluate", ["logits", "predict"])
def test_backward_after_an_evaluation_raises_instead_of_pairing_wrongly(evaluate):
    model = lh.SequenceModel("lstm", D, H, C, seed=4)
    logits = model.forward(_x(1))
    getattr(model, evaluate)(_x(2))               # the cell's cache now belongs to _x(2)
    with pytest.raises(ValueError, match=r"call forward\(\) first \(logits\(\) and predict\(\) keep nothing"):
        model.backward(np.ones_like(logits))
    model.forward(_x(1))
    assert model.backward(np.ones_like(logits)).shape == (T, B, D)


def test_logits_reject_bad_input_clearly_and_keep_the_pending_pair():
    model = lh.SequenceModel("lstm", D, H, C, seed=4)
    x = _x(1)
    cases = [(np.ones((T, B, D + 1)), ValueError, "(6, 2, 4)"), (np.ones((T, D)), ValueError, "(6, 3)"),
             (x.astype(np.float32), TypeError, "float32"), (np.full((T, B, D), np.nan), ValueError, "NaN"),
             (x.astype(np.int64), TypeError, "int64"), (None, TypeError, "None"), ("x", TypeError, "str")]
    R = np.ones((B, C))
    ref = lh.SequenceModel("lstm", D, H, C, seed=4)
    ref.forward(x)
    ref.backward(R)
    model.forward(x)
    for bad, error, text in cases:
        with pytest.raises(error, match="SequenceModel.logits\\(\\): argument 'x'") as info:
            model.logits(bad)
        assert text in str(info.value)
        with pytest.raises(error, match="'x'"):
            model.predict(bad)
    with pytest.raises(ValueError, match="'state"):
        model.logits(x, (np.zeros((B + 1, H)), np.zeros((B, H))))
    model.backward(R)                             # the rejected calls left forward()'s values in place
    for k, g in ref.grads.items():
        np.testing.assert_array_equal(model.grads[k], g)
