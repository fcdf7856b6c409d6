"""Self-checks for the graded exercises: run a learner's function, say whether it is right and, if
not, name the likely mistake.

Every ``check_*`` function runs the learner's function on a few seeded probe inputs and compares
the result with a reference implementation and with reference implementations of the known
mistakes (sigmoid and tanh swapped, [x_t, h_{t-1}] instead of [h_{t-1}, x_t], bias missing, weights
transposed, C_{t-1} used where C_t belongs, the forget gate not applied to dC in backward, ...).
The first mistake whose implementation reproduces the learner's outputs on every probe is the
diagnosis. :func:`check_lstm_step_backward` grades with a numerical gradient check as well.

Nothing is printed: each check returns a :class:`CheckResult`, whose text is its ``repr`` (a
notebook cell ending in ``lh.check_rnn_step(rnn_step)`` shows it) and whose fields tests assert on:
``passed`` (bool), ``mistake`` (a key of :data:`MISTAKES`, or None) and ``message``.

Modules: ``runner`` (the shared machinery and :data:`MISTAKES`), then one per notebook: ``rnn`` (01),
``gates`` (04–06), ``output_design`` (06's design exercise), ``lstm_step`` (07), ``agreement`` (09).
Shapes used by the exercises (slide notation; W acts on the stacked [h_{t-1}, x_t]):

    rnn_step(x_t, h_prev, W_xh, W_hh, b) -> h_t            x_t (D,), h_prev (H,), W_xh (H, D), W_hh (H, H), b (H,)
    jacobian_norms(W_hh, h) -> (T,)                        W_hh (H, H), h = h_1 … h_T (T, H)
    forget_gate / output_gate(h_prev, x_t, W, b) -> (B, H) h_prev (B, H), x_t (B, D), W (H, H + D), b (H,)
    cell_update(f_t, C_prev, i_t, C_tilde_t) -> C_t        all (B, H)
    hidden_output(o_t, C_t) -> h_t                         all (B, H)
    lstm_step_forward(x_t, h_prev, C_prev, p) -> (h_t, C_t)            p: W_f, b_f, … W_o, b_o
    lstm_step_backward(dh_t, dC_next, cache, p) -> dict                as lh.bptt.step_backward
    error_rates(correct, groups) -> {group: error rate}    correct (N,) bool, groups (N,) ints
    output_gate_design() -> (W_o, b_o)                     06's design: W_o (4, 12), b_o (4,), judged by its behaviour
    period_eraser(W_f, b_f, units, columns) -> (W_f, b_f)  04's design (gate_designs): W_f (3, 11), b_f (3,), judged
    cat_sleep_slot(W_i, b_i, W_C, b_C, units, columns) -> (W_i, b_i, W_C, b_C)   05's design (gate_designs), judged

``CHECKS`` maps each graded item (the grade_id of its answer cell) to its check.
"""
from .agreement import check_error_rates, error_rates_reference
from .gate_designs import check_cat_sleep_slot, check_period_eraser
from .gates import (cell_update_reference, check_cell_update, check_forget_gate, check_hidden_output,
                    check_input_gate, check_output_gate, gate_reference, hidden_output_reference)
from .lstm_step import GRAD_NAMES, check_lstm_step_backward, check_lstm_step_forward, lstm_step_forward_reference
from .output_design import check_output_gate_design, output_gate_design_reference, output_gate_design_verdict
from .rnn import (check_decay_lag, check_jacobian_norms, check_rnn_step, decay_lag_reference,
                  jacobian_norms_reference, rnn_step_reference)
from .runner import MISTAKES, CheckResult

CHECKS = {
    "rnn_step": check_rnn_step,
    "jacobian_norms": check_jacobian_norms,
    "decay_lag": check_decay_lag,
    "forget_gate": check_forget_gate,
    "input_gate": check_input_gate,
    "cell_update": check_cell_update,
    "output_gate": check_output_gate,
    "hidden_output": check_hidden_output,
    "lstm_step_forward": check_lstm_step_forward,
    "lstm_step_backward": check_lstm_step_backward,
    "error_rates": check_error_rates,
    "output_gate_design": check_output_gate_design,
    "period_eraser": check_period_eraser,
    "cat_sleep_slot": check_cat_sleep_slot,
}

__all__ = ["CHECKS", "GRAD_NAMES", "MISTAKES", "CheckResult", "check_cat_sleep_slot", "check_period_eraser",
           "cell_update_reference", "check_cell_update",
           "check_decay_lag", "check_error_rates", "check_forget_gate", "check_hidden_output", "check_input_gate",
           "check_jacobian_norms", "check_lstm_step_backward", "check_lstm_step_forward", "check_output_gate",
           "check_output_gate_design", "output_gate_design_reference", "output_gate_design_verdict",
           "check_rnn_step", "decay_lag_reference", "error_rates_reference", "gate_reference",
           "hidden_output_reference", "jacobian_norms_reference", "lstm_step_forward_reference",
           "rnn_step_reference"]
