"""Measurements without training: random draws over seeds (01, 03, 07) and exact ones (04–07, 09, 10).

Each function is registered with :func:`~.measures.measurement` and returns a dict of numbers; it calls the
lesson functions of the notebook named in its docstring, with that notebook's settings.
"""
from __future__ import annotations

import numpy as np

from ..engine.activations import sigmoid, tanh
from ..engine.data import recall_batch
from ..engine.lstm import LSTM
from ..engine.models import SequenceModel
from ..engine.rnn import RNN
from ..lessons import agreement as ag
from ..lessons import comparison as cmp
from ..lessons import memory_sim as msim
from ..lessons import toy_sentences as ts
from ..lessons import vanishing
from ..slides import bptt, gates
from ..support.evidence import DEFAULT_SEEDS
from .measures import measurement

DRAWS = tuple(range(8))            # notebook 01's draws of the RNN and LSTM weights
RHOS = (0.5, 0.9, 1.0, 1.5, 2.0)   # notebook 01's spectral radii
MEMORY_SEEDS = tuple(range(10))    # notebook 03's draws


@measurement("decay_01")
def decay_01(ev) -> dict:
    """01 §4b: ‖∂h_T/∂h_{T-k}‖ of tanh RNNs (H 32, T 100) at 5 spectral radii, 8 draws: the first lag below 1 %
    per draw and radius (NaN: not within T = 100), and the norm 99 lags back."""
    draws = vanishing.decay_over_draws(RHOS, DRAWS)
    return {"seeds": draws.seeds, "rhos": RHOS, "lags": draws.lags, "last": draws.norms[:, :, -1], "T": draws.T}


@measurement("cellpath_01")
def cellpath_01(ev) -> dict:
    """01 §8: untrained LSTMs (H 32) with forget bias 1 and 3, 8 draws: the direct cell path ∏f and the full
    ‖∂C_T/∂C_{T-k}‖ at lag 99, beside the tanh RNN at ρ = 1 (same draws)."""
    paths = vanishing.cell_paths_over_draws([1.0, 3.0], DRAWS)
    decay = ev["decay_01"]
    return {"seeds": paths.seeds, "direct": paths.direct[:, :, -1], "full_above_direct":
            np.all(paths.full[:, :, 1:] >= paths.direct[:, :, 1:], axis=(1, 2)),
            "rnn": decay["last"][:, RHOS.index(1.0)]}


@measurement("memory_03")
def memory_03(ev) -> dict:
    """03 §2: an event's footprint in 4 untrained networks (H 16) over 150 words, 10 draws: the 1 % lag (NaN:
    never), the footprint after 100 words and the rewrite per step."""
    draws = msim.memory_over_seeds(MEMORY_SEEDS, steps=150, batch_size=64, hidden_size=16)
    col = {name: draws.column(name) for name in draws.names}
    lag = draws.lags(0.01)
    return {"seeds": draws.seeds, "rnn": col[msim.MEMORY_MODELS[0]], "lstm1": col[msim.MEMORY_MODELS[2]],
            "lstm3": col[msim.MEMORY_MODELS[3]], "lag": np.where(np.isnan(lag), draws.retention.shape[2], lag),
            "r100": draws.retention[:, :, 100], "rewrite": draws.rewrite}


@measurement("gradflow_07")
def gradflow_07(ev) -> dict:
    """07 §6: ‖∂L/∂x_1‖ / ‖∂L/∂x_T‖ at initialisation on the recall task (lag 40, 64 sequences), H 32, 5 seeds:
    a tanh RNN and LSTMs with forget bias 1 and 3."""
    x, y = recall_batch(np.random.default_rng(0), 64, 40)
    models = {"rnn": dict(cell="rnn"), "lstm1": dict(cell="lstm", forget_bias=1.0),
              "lstm3": dict(cell="lstm", forget_bias=3.0)}
    out = {"seeds": DEFAULT_SEEDS}
    for name, kw in models.items():
        ratios = []
        for seed in DEFAULT_SEEDS:
            model = SequenceModel(input_size=x.shape[2], hidden_size=32, output_size=4, seed=seed, **kw)
            norms = bptt.input_gradient_norms(model, x, y)
            ratios.append(norms[0] / norms[-1])
        out[name] = np.array(ratios)
    return out


@measurement("handwired_04_06")
def handwired_04_06(ev) -> dict:
    """04 §3, 05 §1–2, 06 §1–2: the hand-wired cell on "The cat was hungry. The dog was sleeping and": the forget
    gate at "dog", the update at "sleeping", the output at "and", and the gates set by hand (ts.run overrides)."""
    x = ts.encode(ts.SENTENCE)
    tr = ts.lstm_trace(ts.hand_wired_lstm(), x)
    u = {name: ts.unit_index(name) for name in ts.UNITS}
    t_dog, t_sl, t_and = ts.T_DOG, ts.SENTENCE.index("sleeping"), ts.T_AND
    base = ts.run(x)
    erase = ts.run(x, overrides={"f_t": {(t_dog, "cat"): 0.0}})
    no_pen = ts.run(x, overrides={"i_t": {(t_sl, "sleeping"): 0.0}})
    shut = ts.run(x, overrides={"o_t": {(s, name): 0.0 for s in range(len(ts.SENTENCE)) for name in ts.UNITS}})
    C_and, o_and, h_and = tr["C_t"][t_and], tr["o_t"][t_and], tr["h_t"][t_and]
    C_prev = tr["C_t"][t_sl - 1]                                  # the note before "sleeping"
    kept, written = tr["f_t"][t_sl] * C_prev, tr["i_t"][t_sl] * tr["C_tilde_t"][t_sl]
    return {
        "f_dog": {name: float(tr["f_t"][t_dog, u[name]]) for name in ("cat", "hungry")},
        "update_exact": bool(np.allclose(tr["C_t"][t_sl], kept + written, rtol=0, atol=1e-12)),
        "dog_before": float(C_prev[u["dog"]]), "dog_kept": float(kept[u["dog"]]),
        "sleeping_written": float(written[u["sleeping"]]),
        "C_and": {name: float(C_and[u[name]]) for name in ts.UNITS},
        "o_and": {name: float(o_and[u[name]]) for name in ts.UNITS},
        "shown_of_note": {name: float(h_and[u[name]] / C_and[u[name]]) for name in ts.UNITS},
        "shown_of_tanh": {name: float(h_and[u[name]] / np.tanh(C_and[u[name]])) for name in ts.UNITS},
        "erased_by_f0": bool(erase["C_t"][t_dog, u["cat"]] == 0.0),
        "unwritten_by_i0": bool(np.isclose(no_pen["C_t"][t_sl, u["sleeping"]],
                                           base["f_t"][t_sl, u["sleeping"]] * base["C_prev"][t_sl, u["sleeping"]],
                                           rtol=0, atol=1e-15)),
        "hidden_by_o0": bool(np.array_equal(shut["C_t"], base["C_t"]) and np.abs(shut["h_t"]).max() == 0.0),
    }


@measurement("hiding_06")
def hiding_06(ev) -> dict:
    """06 §2: cells with seeded random weights (10 seeds, gates reading h_{t-1}); "sleeping" hidden at "sleeping"."""
    seeds = tuple(range(10))
    x, t_sl = ts.encode(ts.SENTENCE), ts.SENTENCE.index("sleeping")
    effects = [ts.hiding_effect(x, ts.random_params(s), t_sl, "sleeping") for s in seeds]
    return {"seeds": seeds, "same": np.array([e["same_up_to_step"] for e in effects]),
            "later": np.array([e["later_change"] for e in effects])}


@measurement("structure_07")
def structure_07(ev) -> dict:
    """07 §1 (and 00's smoke test): one LSTM step in the slides' equations (``lh.gates``) against the engine, on
    seeded random inputs; the ranges of the three gates and the candidate."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 2, 3))
    lstm = LSTM(3, 4, seed=0)
    lstm.forward(x)
    g, W = lstm.last_gates(), lstm.gate_weights()
    same = True
    for t in range(1, x.shape[0]):
        step = gates.lstm_step(g["h_t"][t - 1], g["C_t"][t - 1], x[t], W)
        same &= all(np.allclose(step[k], g[k][t], rtol=0, atol=1e-12) for k in ("f_t", "i_t", "C_tilde_t", "o_t",
                                                                                  "C_t", "h_t"))
    in01 = all(bool(np.all((g[k] > 0) & (g[k] < 1))) for k in ("f_t", "i_t", "o_t"))
    return {"gates": ("W_f", "W_i", "W_o"), "blocks": tuple(k for k in W if k.startswith("W_")), "same": bool(same),
            "in01": in01, "candidate_in": bool(np.all(np.abs(g["C_tilde_t"]) < 1))}


@measurement("squash_04_05")
def squash_04_05(ev) -> dict:
    """04 §1 and 05 §3: the sigmoid's range and what the gate keeps; the candidate's range and, on 200 steps of
    uninformative input (1000 streams, seed 5, i_t = 0.5, f_t = 1), the mean C_T with tanh and with a sigmoid."""
    z = np.linspace(-20.0, 20.0, 401)
    f = sigmoid(z)
    kept = gates.cell_update(f, np.ones_like(z), np.zeros_like(z), np.zeros_like(z))
    zz = np.random.default_rng(5).standard_normal((200, 1000))
    half, one = np.full(zz.shape, 0.5), np.ones(zz.shape)
    C_tanh = gates.cell_trajectory(one, half, tanh(zz))[-1]
    C_sig = gates.cell_trajectory(one, half, sigmoid(zz))[-1]
    return {"sigmoid_in01": bool(np.all((f > 0) & (f < 1))), "kept_is_f": bool(np.array_equal(kept, f)),
            "tanh_in": bool(np.all(np.abs(tanh(np.linspace(-5.0, 5.0, 101))) < 1)),
            "mean_tanh": float(C_tanh.mean()), "mean_sigmoid": float(C_sig.mean())}


@measurement("params_10")
def params_10(ev) -> dict:
    """10 §1: parameters of an RNN and an LSTM cell at equal hidden size (recall task: D 9), counted and by
    the formula, and the RNN size of an equal budget."""
    D, C = 9, 4
    sizes = (8, 16, 64, 256)
    ratio = [LSTM(D, H).num_parameters() / RNN(D, H).num_parameters() for H in sizes]
    formula = all(cmp.lstm_parameters(D, H, C) == SequenceModel("lstm", D, H, C).num_parameters()
                  and cmp.rnn_parameters(D, H, C) == SequenceModel("rnn", D, H, C).num_parameters() for H in sizes)
    return {"sizes": sizes, "ratio": np.array(ratio), "formula": formula,
            "equal_budget": cmp.equal_budget_hidden(D, 16, C) / 16}


@measurement("slide_sentence_09")
def slide_sentence_09(ev) -> dict:
    """09 §1: the slide's sentence analysed: the subject, the verb, the distance between them."""
    facts = ag.analyse(ag.tokenize(ag.SLIDE_SENTENCE))
    return {"distance": int(facts["distance"]), "subject": facts["subject"], "attractors": int(facts["attractors"]),
            "last_noun_number": int(facts["last_noun_number"]), "subject_number": int(facts["subject_number"])}
