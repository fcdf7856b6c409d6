"""lstm_helpers: the numpy engine of the LSTM teaching notebook series.

The package is layered; a layer imports only the layers above it in this list, never one below
(``tests/test_layers.py`` checks the import graph):

    support/     checks (argument checks), plots (colour-blind-safe style), formatting (numbers in prose),
                 env (pins, platform), evidence (a measurement over seeds: 'holds in k of n seeds')
    engine/      the fast numpy engine: activations, rnn, lstm, layers, losses, optim, models,
                 train, data (task generators), gradcheck, gradflow; seeded (S seeds of one model trained
                 together in one pass, each equal to its one-seed run)
    slides/      the slides' notation, one equation a line: gates (f_t, i_t, C̃_t, C_t, o_t, h_t), bptt
    lessons/     one module per notebook topic (the experiments a notebook runs), see the map below
    selfcheck/   the graded exercises' self-checks (runner + one module per notebook)
    widgets/     base (View, interactive_view) + one module per notebook that only draws
    claims/      the claims ledger: every statement of the slides, measured, with a computed verdict (notebook 12,
                 ``python -m lstm_helpers.claims``)
    datasets     the files in data/ (``python -m lstm_helpers.datasets --write data``)

Where each notebook's code lives:

    notebook                         lessons/ (and slides/)               widgets/            selfcheck/
    00 start here                    first_gate, diagram                  start_here          —
    01 RNN gradient decay            vanishing                            gradient_decay      rnn
    02 the memory gap                memory_span, span_search             —                   —
    03 the cell state                memory_sim, diagram                  memory_simulator    —
    04 forget gate                   toy_sentences, context_gates,        forget_gate         gates, gate_designs
                                     diagram, slides/gates
    05 input gate                    toy_sentences, context_gates,        input_gate          gates, gate_designs
                                     diagram, slides/gates
    06 output gate                   toy_sentences, output_design,        output_gate         gates, output_design
                                     diagram, slides/gates
    07 the full LSTM                 slides/bptt, slides/gates, diagram   —                   lstm_step
    08 processing a sentence         sentence_corpus, gate_table          sentence_gates      —
                                     (sentences)
    09 subject-verb agreement        agreement, agreement_errors          agreement           agreement
                                     (sentences)
    10 RNN vs LSTM                   comparison, continual,               —                   —
                                     ablation_figures
    11 applications                  charlm, charlm_pretrained,           temperature         —
                                     charlm_units, music, seq2seq,
                                     architectures
    12 the slides audited            claims/ (every lesson module above)  —                   —

Notebooks use ``import lstm_helpers as lh``: the engine's names (``lh.LSTM``, ``lh.train``, …), the
lesson modules (``lh.memory_span``, ``lh.gates``, …) and the self-checks (``lh.check_forget_gate``)
are all attributes of the package.
"""
from .support import env, formatting, plots
from .support.plots import OKABE_ITO, label_axes, show, use_course_style
from .support import checks
from .support import evidence
from .support.evidence import DEFAULT_SEEDS, Finding, SeedSummary, finding, per_seed, summarize
from .engine import activations, data, gradcheck, gradflow, layers, losses, lstm, models, optim, rnn
from .engine.activations import sigmoid, sigmoid_grad, softmax, tanh, tanh_grad
from .support.checks import as_array, check_array
from .engine.data import one_hot, recall_batch, recall_tokens
from .engine.gradcheck import check_layer_gradients, check_model_gradients, numerical_gradient, rel_error
from .engine.gradflow import (forget_path_norms, lag_below, lstm_cell_jacobian_norms, lstm_hidden_jacobian_norms,
                              rnn_jacobian_norms, scale_to_spectral_radius, spectral_radius)
from .engine.layers import Linear
from .engine.losses import accuracy, softmax_cross_entropy
from .engine.lstm import LSTM, VARIANTS, LSTMConfig, lstm_backward, lstm_forward
from .engine.models import SequenceModel
from .engine.optim import SGD, Adam, clip_grad_norm, global_norm
from .engine.rnn import RNN, rnn_backward, rnn_forward
from .engine.train import History, train
from .engine import seeded
from .engine.seeded import SeededModel, SeedHistories, train_seeds
from .slides import bptt, gates
from .lessons import (agreement, agreement_errors, architectures, charlm, comparison, continual, diagram,
                      gate_table, memory_sim, memory_span, music, sentence_corpus, sentences, seq2seq, span_search,
                      toy_sentences, vanishing)
from .lessons.vanishing import (DecayExperiment, clipping_effect, derivative_bound, growth_per_step,
                                largest_singular_value, last_state_gradients, mean_derivative, pascanu_bound,
                                scalar_powers, scale_to_largest_singular_value, state_jacobian_bptt,
                                state_jacobian_numerical, state_jacobian_product)
from . import selfcheck, widgets, datasets
from .selfcheck import (check_cell_update, check_decay_lag, check_error_rates, check_forget_gate,
                        check_hidden_output, check_input_gate, check_jacobian_norms, check_lstm_step_backward,
                        check_lstm_step_forward, check_output_gate, check_rnn_step)

__version__ = "0.1.0"
