"""lstm_helpers: the numpy engine of the LSTM teaching notebook series.

Modules, one concern each:
    activations  σ, tanh, softmax (stable for any input)
    checks       argument checks with messages for learners
    rnn          vanilla RNN: forward, BPTT, class RNN (torch.nn.RNN layout)
    lstm         LSTM and its variants: forward, BPTT, class LSTM (torch.nn.LSTM layout)
    layers       Linear output layer
    losses       softmax cross-entropy, accuracy
    optim        SGD, Adam, clipping by global norm
    models       SequenceModel = recurrent layer + Linear read-out
    train        seeded training loop with a progress bar
    gradcheck    centered-difference gradient checks
    gradflow     ‖∂h_T/∂h_t‖ and ‖∂C_T/∂C_t‖ against the lag
    data         task generators;  datasets: the files in data/
    plots        colour-blind-safe style;  env: environment check
"""
from .activations import sigmoid, sigmoid_grad, softmax, tanh, tanh_grad
from .checks import check_array
from .data import one_hot, recall_batch, recall_tokens
from .gradcheck import check_layer_gradients, check_model_gradients, numerical_gradient, rel_error
from .gradflow import (forget_path_norms, lag_below, lstm_cell_jacobian_norms, lstm_hidden_jacobian_norms,
                       rnn_jacobian_norms, scale_to_spectral_radius, spectral_radius)
from .layers import Linear
from .losses import accuracy, softmax_cross_entropy
from .lstm import LSTM, VARIANTS, LSTMConfig, lstm_backward, lstm_forward
from .models import SequenceModel
from .optim import SGD, Adam, clip_grad_norm, global_norm
from .rnn import RNN, rnn_backward, rnn_forward
from .train import History, train
from .vanishing import (DecayExperiment, clipping_effect, derivative_bound, growth_per_step,  # notebook 01
                        largest_singular_value, last_state_gradients, mean_derivative, pascanu_bound,
                        scalar_powers, scale_to_largest_singular_value, state_jacobian_bptt,
                        state_jacobian_numerical, state_jacobian_product)

__version__ = "0.1.0"
from .plots import OKABE_ITO, label_axes, use_course_style
from . import datasets, env, formatting, plots, widgets  # noqa: E402  (submodules used as lh.widgets.x, lh.plots.x)
from . import gates, toy_sentences  # noqa: E402  (notebooks 04-06: the gate equations, the hand-wired example)
from . import memory_span  # noqa: E402  (notebook 02: measured memory span on the recall task)
from . import diagram, memory_sim  # noqa: E402  (notebook 03: the cell diagram, the memory simulator)
from . import bptt  # noqa: E402  (notebook 07: BPTT step by step in slide notation, ‖∂L/∂x_t‖)
from . import agreement  # noqa: E402  (notebook 09: subject-verb agreement)
from . import architectures, charlm, music, seq2seq  # noqa: E402  (notebook 11: applications)
from . import sentence_corpus  # noqa: E402  (notebook 08: the animal-sentence language, the gate table measured)
from . import comparison, continual  # noqa: E402  (notebook 10: RNN vs LSTM measured, gate ablation)
from . import selfcheck  # noqa: E402  (graded exercises: self-checks that name the likely mistake)
from .selfcheck import (check_cell_update, check_decay_lag, check_error_rates, check_forget_gate,  # noqa: E402
                        check_hidden_output, check_input_gate, check_jacobian_norms, check_lstm_step_backward,
                        check_lstm_step_forward, check_output_gate, check_rnn_step)
