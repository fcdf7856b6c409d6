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
