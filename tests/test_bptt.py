"""lstm_helpers.slides.bptt: the slide-notation step backward gives the engine's gradients, and the
gradient-flow measurement ‖∂L_b/∂x_t‖ is what it says it is."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers import bptt


def _lstm_and_data(rng, T=6, B=3, D=4, H=5, dtype=np.float64):
    lstm = lh.LSTM(D, H, seed=int(rng.integers(1000)), dtype=dtype)
    # move the biases away from the initialisation so that every gate matters
    lstm.bias_ih += rng.normal(0, 1.0, lstm.bias_ih.shape).astype(dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = rng.standard_normal((B, H)).astype(dtype)
    C0 = rng.standard_normal((B, H)).astype(dtype)
    return lstm, x, h0, C0


def test_forward_steps_equal_the_engine(rng):
    lstm, x, h0, C0 = _lstm_and_data(rng)
    out, (h_T, C_T) = lstm.forward(x, (h0, C0))
    outputs, cells, caches = bptt.forward_steps(x, lstm.gate_weights(), h0, C0)
    np.testing.assert_allclose(outputs, out, rtol=0, atol=1e-13)
    np.testing.assert_allclose(cells, lstm.last_gates()["C_t"], rtol=0, atol=1e-13)
    np.testing.assert_allclose(cells[-1], C_T, rtol=0, atol=1e-13)
    assert len(caches) == x.shape[0]
    for key in ("f_t", "i_t", "C_tilde_t", "o_t"):
        np.testing.assert_allclose(np.stack([getattr(c, key) for c in caches]), lstm.last_gates()[key], atol=1e-13)


def test_forward_steps_start_from_zeros(rng):
    lstm, x, _, _ = _lstm_and_data(rng)
    out, _ = lstm.forward(x)
    outputs, _, _ = bptt.forward_steps(x, lstm.gate_weights())
    np.testing.assert_allclose(outputs, out, atol=1e-13)


@pytest.mark.parametrize("with_final", [False, True])
def test_backward_steps_equal_the_engine(rng, with_final):
    lstm, x, h0, C0 = _lstm_and_data(rng)
    T, B, _ = x.shape
    H = lstm.hidden_size
    d_out = rng.standard_normal((T, B, H))
    dh_T, dC_T = (rng.standard_normal((B, H)), rng.standard_normal((B, H))) if with_final else (None, None)
    lstm.forward(x, (h0, C0))
    dx = lstm.backward(d_out, (dh_T, dC_T) if with_final else None)
    p = lstm.gate_weights()
    _, _, caches = bptt.forward_steps(x, p, h0, C0)
    g = bptt.backward_steps(d_out, caches, p, dh_T, dC_T)
    ref = bptt.slide_gradients(lstm)
    assert set(ref) == {"dW_f", "db_f", "dW_i", "db_i", "dW_C", "db_C", "dW_o", "db_o"}
    for k, v in ref.items():
        assert g[k].shape == p[k[1:]].shape
        np.testing.assert_allclose(g[k], v, rtol=1e-11, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(g["x"], dx, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(g["h0"], lstm.grad_state[0], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(g["C0"], lstm.grad_state[1], rtol=1e-11, atol=1e-12)
    # the per-step totals equal the engine's state gradients
    _, _, _, cache = lh.lstm_forward(x, h0, C0, lstm.weight_ih, lstm.weight_hh, lstm.bias_ih + lstm.bias_hh)
    e = lh.lstm_backward(d_out, dh_T, dC_T, cache, keep_state_grads=True)
    np.testing.assert_allclose(g["C"], e["C"], rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(g["h"], e["h"], rtol=1e-11, atol=1e-12)


def test_step_backward_matches_finite_differences(rng):
    """Independent of the engine: one step, loss = Σ r_h ⊙ h_t + Σ r_C ⊙ C_t."""
    lstm, x, h0, C0 = _lstm_and_data(rng, T=1, B=2)
    p = lstm.gate_weights()
    r_h, r_C = rng.standard_normal(h0.shape), rng.standard_normal(h0.shape)
    x_t, h_prev, C_prev = x[0].copy(), h0.copy(), C0.copy()

    def loss():
        h_t, C_t, _ = bptt.step_forward(h_prev, C_prev, x_t, p)
        return float(np.sum(r_h * h_t) + np.sum(r_C * C_t))

    _, _, cache = bptt.step_forward(h_prev, C_prev, x_t, p)
    g = bptt.step_backward(r_h, r_C, cache, p)
    for name, arr, key in [("x_t", x_t, "dx_t"), ("h_prev", h_prev, "dh_prev"), ("C_prev", C_prev, "dC_prev")] + \
                          [(k, p[k], "d" + k) for k in lh.gates.GATE_PARAMS]:
        num = lh.numerical_gradient(loss, arr)
        assert lh.rel_error(g[key], num) < 1e-7, name


def test_cell_path_alone_is_the_forget_gate(rng):
    """With no gradient on h_t, the cell path carries dC_{t-1} = dC_t ⊙ f_t and nothing else."""
    lstm, x, h0, C0 = _lstm_and_data(rng, T=1)
    p = lstm.gate_weights()
    _, _, cache = bptt.step_forward(h0, C0, x[0], p)
    dC = rng.standard_normal(h0.shape)
    g = bptt.step_backward(np.zeros_like(h0), dC, cache, p)
    np.testing.assert_array_equal(g["dC_t"], dC)
    np.testing.assert_allclose(g["dC_prev"], dC * cache.f_t)
    assert not np.allclose(g["dh_prev"], 0)           # the gates still send gradient to h_{t-1}


def test_backward_steps_return_zero_for_zero_upstream(rng):
    lstm, x, h0, C0 = _lstm_and_data(rng)
    p = lstm.gate_weights()
    _, _, caches = bptt.forward_steps(x, p, h0, C0)
    g = bptt.backward_steps(np.zeros((x.shape[0],) + h0.shape), caches, p)
    assert all(np.all(g[k] == 0) for k in g)


def test_argument_errors(rng):
    lstm, x, h0, C0 = _lstm_and_data(rng)
    p = lstm.gate_weights()
    with pytest.raises(ValueError, match="'x'"):
        bptt.forward_steps(x[:, :, :2], p)
    with pytest.raises(ValueError, match="W_o"):
        bptt.forward_steps(x, {k: v for k, v in p.items() if k != "W_o"})
    with pytest.raises(TypeError, match="'params'"):
        bptt.forward_steps(x, [1, 2])
    _, _, caches = bptt.forward_steps(x, p, h0, C0)
    with pytest.raises(ValueError, match="'dh_t'"):
        bptt.step_backward(np.zeros((1, 1)), np.zeros_like(h0), caches[0], p)
    with pytest.raises(TypeError, match="'cache'"):
        bptt.step_backward(np.zeros_like(h0), np.zeros_like(h0), {"C_t": h0}, p)
    with pytest.raises(ValueError, match="'d_out'"):
        bptt.backward_steps(np.zeros((2,) + h0.shape), caches, p)
    with pytest.raises(ValueError, match="backward"):
        bptt.slide_gradients(lh.LSTM(2, 3))
    with pytest.raises(TypeError, match="'lstm'"):
        bptt.slide_gradients(lh.RNN(2, 3))


def _recall_model(cell, seed=0, **kw):
    return lh.SequenceModel(cell, 9, 6, 4, seed=seed, **kw)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_input_gradient_norms_are_per_example(cell):
    """Entry t is the mean over examples of ‖∂L_b/∂x_t‖, L_b the example's own loss."""
    x, y = lh.recall_batch(np.random.default_rng(3), 5, 7)
    model = _recall_model(cell)
    norms = bptt.input_gradient_norms(model, x, y)
    assert norms.shape == (x.shape[0],)
    one = [bptt.input_gradient_norms(model, x[:, b:b + 1], y[b:b + 1]) for b in range(x.shape[1])]
    np.testing.assert_allclose(norms, np.mean(one, axis=0), rtol=1e-12)
    # one example against a finite difference of its loss along one input coordinate
    x1, y1 = x[:, :1].copy(), y[:1]

    def loss():
        return lh.softmax_cross_entropy(model.forward(x1), y1)[0]

    num = lh.numerical_gradient(loss, x1)
    np.testing.assert_allclose(one[0], np.linalg.norm(num[:, 0], axis=1), rtol=1e-6)


def test_input_gradient_norms_show_the_forget_bias(rng):
    """Measured behaviour the notebook relies on: at initialisation a larger forget bias keeps more
    gradient at the first step, relative to the last."""
    x, y = lh.recall_batch(np.random.default_rng(0), 32, 30)
    ratio = {}
    for fb in (1.0, 3.0):
        n = bptt.input_gradient_norms(_recall_model("lstm", forget_bias=fb), x, y)
        ratio[fb] = n[0] / n[-1]
    assert ratio[3.0] > 10 * ratio[1.0]


def test_input_gradient_norms_argument_errors():
    x, y = lh.recall_batch(np.random.default_rng(0), 2, 3)
    with pytest.raises(ValueError, match="readout"):
        bptt.input_gradient_norms(lh.SequenceModel("lstm", 9, 4, 4, readout="all"), x, y)
    with pytest.raises(TypeError, match="'model'"):
        bptt.input_gradient_norms(lh.LSTM(9, 4), x, y)
    with pytest.raises(ValueError, match="'x'"):
        bptt.input_gradient_norms(_recall_model("lstm"), x[:, :, :5], y)


@pytest.mark.parametrize("gate,block", [("f", "f"), ("i", "i"), ("C", "g"), ("o", "o")])
def test_plot_weight_layout_outlines_the_gate_rows(gate, block):
    lstm = lh.LSTM(3, 4, seed=0)
    ax = bptt.plot_weight_layout(lstm, gate=gate)
    try:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        (rect,) = ax.patches
        s = lh.lstm.gate_slice(block, 4)
        assert rect.get_y() == s.start - 0.5 and rect.get_height() == 4 and rect.get_width() == 7
        img = ax.images[0].get_array()
        np.testing.assert_array_equal(img, np.hstack([lstm.weight_hh, lstm.weight_ih]))
        assert ax.get_legend() is not None
    finally:
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="'gate'"):
        bptt.plot_weight_layout(lstm, gate="g")


def test_dropping_the_cell_path_changes_only_multi_step_gradients(rng):
    lstm, x, h0, C0 = _lstm_and_data(rng)
    p = lstm.gate_weights()
    T, B, _ = x.shape
    d_out = np.zeros((T, B, lstm.hidden_size))
    d_out[-1] = rng.standard_normal((B, lstm.hidden_size))
    _, _, caches = bptt.forward_steps(x, p, h0, C0)
    full = bptt.backward_steps(d_out, caches, p)
    cut = bptt.backward_steps(d_out, caches, p, keep_cell_path=False)
    np.testing.assert_array_equal(cut["x"][-1], full["x"][-1])          # the last step is not affected
    assert lh.rel_error(cut["x"][0], full["x"][0]) > 1e-3               # earlier steps are
    assert lh.rel_error(cut["dW_f"], full["dW_f"]) > 1e-3
    np.testing.assert_array_equal(cut["C0"], 0.0)
    # one step: there is no path between steps to drop
    _, _, one = bptt.forward_steps(x[:1], p, h0, C0)
    a = bptt.backward_steps(d_out[-1:], one, p)
    b = bptt.backward_steps(d_out[-1:], one, p, keep_cell_path=False)
    np.testing.assert_array_equal(a["dW_C"], b["dW_C"])
    with pytest.raises(TypeError, match="keep_cell_path"):
        bptt.backward_steps(d_out, caches, p, keep_cell_path="no")


def test_input_gradient_paths_all_paths_is_bptt():
    x, y = lh.recall_batch(np.random.default_rng(4), 6, 9)
    model = _recall_model("lstm", seed=2)
    paths = bptt.input_gradient_paths(model, x, y)
    assert tuple(paths) == bptt.PATHS and all(v.shape == (x.shape[0],) for v in paths.values())
    np.testing.assert_allclose(paths["all paths"], bptt.input_gradient_norms(model, x, y), rtol=1e-10)
    # the last input reaches the loss within its own step: every route gives it the same gradient
    assert paths["cell path only"][-1] == pytest.approx(paths["all paths"][-1], rel=1e-12)
    assert paths["hidden path only"][-1] == pytest.approx(paths["all paths"][-1], rel=1e-12)
    # dropping a route changes what reaches the early inputs, and both routes are needed for the full gradient
    assert not np.allclose(paths["cell path only"][:-1], paths["all paths"][:-1])
    assert not np.allclose(paths["hidden path only"][:-1], paths["all paths"][:-1])


def test_input_gradient_paths_without_recurrent_weights():
    """W_hh = 0: the gates no longer read h_{t-1}, so the cell path is the only route back in time."""
    x, y = lh.recall_batch(np.random.default_rng(5), 4, 6)
    model = _recall_model("lstm", seed=1)
    model.cell.weight_hh[:] = 0.0
    paths = bptt.input_gradient_paths(model, x, y)
    np.testing.assert_allclose(paths["cell path only"], paths["all paths"], rtol=1e-12)
    np.testing.assert_array_equal(paths["hidden path only"][:-1], 0.0)
    assert np.all(paths["all paths"][:-1] > 0)


def test_input_gradient_paths_hidden_only_is_backward_without_the_cell_path():
    x, y = lh.recall_batch(np.random.default_rng(6), 3, 5)
    model = _recall_model("lstm", seed=3)
    paths = bptt.input_gradient_paths(model, x, y)
    p = model.cell.gate_weights()
    _, _, caches = bptt.forward_steps(x, p)
    _, d_logits = lh.softmax_cross_entropy(model.forward(x), y)
    dh_T = (d_logits * x.shape[1]) @ model.head.weight
    T, B, H = x.shape[0], x.shape[1], 6
    cut = bptt.backward_steps(np.zeros((T, B, H)), caches, p, dh_T=dh_T, keep_cell_path=False)
    np.testing.assert_allclose(paths["hidden path only"], np.linalg.norm(cut["x"], axis=2).mean(axis=1), rtol=1e-12)


def test_input_gradient_paths_argument_errors():
    x, y = lh.recall_batch(np.random.default_rng(0), 2, 3)
    with pytest.raises(ValueError, match="'model'"):
        bptt.input_gradient_paths(_recall_model("rnn"), x, y)
    with pytest.raises(ValueError, match="'model'"):
        bptt.input_gradient_paths(lh.SequenceModel("lstm", 9, 4, 4, input_gate=False), x, y)
    with pytest.raises(ValueError, match="readout"):
        bptt.input_gradient_paths(lh.SequenceModel("lstm", 9, 4, 4, readout="all"), x, y)
    with pytest.raises(TypeError, match="'model'"):
        bptt.input_gradient_paths(lh.LSTM(9, 4), x, y)
    with pytest.raises(ValueError, match="'x'"):
        bptt.input_gradient_paths(_recall_model("lstm"), x[:, :, :5], y)


# ----------------------------------------------------------------------------- finite differences inside the graph
def _loss_reading_everything(rng, T, B, H):
    """L = Σ_t r_t ⊙ h_t + r_C ⊙ C_T (every output and the final cell state), and its d_out, dC_T."""
    r_out, r_C = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))

    def loss(outputs, cells):
        return float(np.sum(r_out * outputs) + np.sum(r_C * cells[-1]))
    return loss, r_out, r_C


@pytest.mark.parametrize("node", bptt.NODES)
def test_forward_nudged_by_zero_is_forward_steps(rng, node):
    lstm, x, h0, C0 = _lstm_and_data(rng, T=3, B=2)
    p = lstm.gate_weights()
    outputs, cells, _ = bptt.forward_steps(x, p, h0, C0)
    out0, cells0 = bptt.forward_nudged(x, p, h0, C0, node=node, t=1, nudge=0.0)
    np.testing.assert_allclose(out0, outputs, rtol=0, atol=1e-15)
    np.testing.assert_allclose(cells0, cells, rtol=0, atol=1e-15)
    out1, _ = bptt.forward_nudged(x, p, h0, C0, node=node, t=1, nudge=0.1)
    np.testing.assert_array_equal(out1[0], outputs[0])                # the past is untouched
    assert not np.allclose(out1[2], outputs[2])                        # the future changes


def test_node_gradients_are_the_backward_passs_totals_and_gate_gradients(rng):
    """∂L/∂C_t and ∂L/∂h_t by finite differences are backward_steps' totals dC_t, dh_t; ∂L/∂a^g_t are the
    pre-activation gradients of the module docstring (da_f = dC_t ⊙ C_{t-1} ⊙ f_t(1 − f_t), …)."""
    lstm, x, h0, C0 = _lstm_and_data(rng, T=3, B=2, D=3, H=2)
    p = lstm.gate_weights()
    T, B, _ = x.shape
    H = lstm.hidden_size
    loss, r_out, r_C = _loss_reading_everything(rng, T, B, H)
    _, _, caches = bptt.forward_steps(x, p, h0, C0)
    g = bptt.backward_steps(r_out, caches, p, dC_T=r_C)
    for t in range(T):
        c, dC, dh = caches[t], g["C"][t], g["h"][t]
        want = {"C_t": dC, "h_t": dh, "f_t": dC * c.C_prev, "i_t": dC * c.C_tilde_t, "C_tilde_t": dC * c.i_t,
                "o_t": dh * np.tanh(c.C_t), "a_f": dC * c.C_prev * c.f_t * (1 - c.f_t),
                "a_i": dC * c.C_tilde_t * c.i_t * (1 - c.i_t), "a_C": dC * c.i_t * (1 - c.C_tilde_t ** 2),
                "a_o": dh * np.tanh(c.C_t) * c.o_t * (1 - c.o_t)}
        assert set(want) == set(bptt.NODES)
        for node, w in want.items():
            num = bptt.node_gradient(loss, x, p, node, t, h0, C0)
            assert num.shape == (B, H)
            assert lh.rel_error(num, w) < 1e-7, (node, t)


def test_node_gradient_argument_errors(rng):
    lstm, x, h0, C0 = _lstm_and_data(rng, T=2, B=1)
    p = lstm.gate_weights()

    def loss(outputs, cells):
        return float(outputs.sum())
    with pytest.raises(ValueError, match="'node'"):
        bptt.forward_nudged(x, p, node="g_t", t=0, nudge=0.0)
    with pytest.raises(ValueError, match="'t'"):
        bptt.forward_nudged(x, p, node="C_t", t=2, nudge=0.0)
    with pytest.raises(ValueError, match="'t'"):
        bptt.forward_nudged(x, p, node="C_t", t=True, nudge=0.0)
    with pytest.raises(TypeError, match="'loss'"):
        bptt.node_gradient(3.0, x, p, "C_t", 0)
    with pytest.raises(ValueError, match="'eps'"):
        bptt.node_gradient(loss, x, p, "C_t", 0, eps=0.0)
    with pytest.raises(TypeError, match="'x'"):
        bptt.node_gradient(loss, None, p, "C_t", 0)
    with pytest.raises(TypeError, match="'params'"):
        bptt.node_gradient(loss, x, [1, 2], "C_t", 0)
    with pytest.raises(ValueError, match="W_o"):
        bptt.forward_nudged(x, {k: v for k, v in p.items() if k != "W_o"}, node="C_t", t=0, nudge=0.0)
