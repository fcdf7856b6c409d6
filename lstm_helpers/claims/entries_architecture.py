"""Ledger entries of the slides' middle part: the big picture (three gates, the smart notebook, the cell state,
the key difference from an RNN) and the forget, input and output gates in detail."""
from __future__ import annotations

import numpy as np

from .ledger import Claim
from .measure_trained import NOTES
from .verdicts import exact, seeded, spread

PICTURE = "LSTM Architecture: The Big Picture"
FORGET = "Theory: Forget Gate in Detail"
INPUT = "Input Gate: What to Remember?"
OUTPUT = "Output Gate: What to Output?"
WEIGHTS_CHOSEN = "the weights are chosen for it (the hand-wired cell of notebooks 04–06): an illustrative value"


def three_gates(ev):
    m = ev["structure_07"]
    ok = len(m["gates"]) == 3 and m["in01"] and m["candidate_in"] and m["same"]
    return exact(ok, value="3 sigmoid gates f_t, i_t, o_t in (0, 1) and the candidate C̃_t in (−1, 1); the slides' "
                           "six equations equal the engine's step to 1e-12")


def forget_eraser(ev):
    m = ev["ablation_10"]
    return seeded(m["vanilla"] > m["no_forget"],
                  value=f"continual task (topic = episode): test accuracy with a forget gate {spread(m['vanilla'])}, "
                        f"without {spread(m['no_forget'])}")


def input_decides(ev):
    m = ev["gates_08"]["measured"]
    lowest = m.mean_all[:, :, 1].min(axis=1)                         # (seeds,) lowest mean i_t over the words
    return seeded(lowest < 0.5, value=f"trained LSTMs: lowest mean input gate over the slide sentence's words "
                                      f"{spread(lowest, '.2f')}")


def input_adds(ev):
    m = ev["handwired_04_06"]
    ok = m["update_exact"] and m["dog_kept"] > 0.5 * m["dog_before"]
    return exact(ok, value=f"C_t = f_t ⊙ C_{{t-1}} + i_t ⊙ C̃_t: at 'sleeping' the dog note {m['dog_before']:.3f} "
                           f"keeps {m['dog_kept']:.3f} while {m['sleeping_written']:.3f} is written beside it")


def output_shares(ev):
    m = ev["hiding_06"]
    return seeded(m["same"], value=f"o_t = 0 at one step: C_t unchanged up to it in random-weight cells; later C_t "
                                   f"move by {spread(m['later'], '.3f')} (the next gates read h_t)")


def cell_stores(ev):
    m = ev["gates_08"]
    return seeded(m["sound_accuracy"] > 0.95,
                  value=f"the one word that needs memory (the sound after 'and'): right on held-out texts "
                        f"{spread(m['sound_accuracy'])}")


def cell_persists(ev):
    m = ev["memory_03"]
    r100 = m["r100"]
    return seeded(r100[:, m["lstm1"]] > 0.1, r100[:, m["lstm3"]] > 0.1,
                  condition="the forget gate rests near 1 (forget bias 3); with the default bias 1 an event fades "
                            "within a few dozen words",
                  value=f"share of an event left after 100 words: forget bias 3 {spread(r100[:, m['lstm3']])}, "
                        f"bias 1 {spread(r100[:, m['lstm1']], '.1e')}")


def cell_protected(ev):
    m = ev["handwired_04_06"]
    ok = m["hidden_by_o0"] and m["unwritten_by_i0"] and m["erased_by_f0"]
    return exact(ok, value="C_t changes only through f_t (erase) and i_t (write); closing o_t everywhere leaves every "
                           "C_t as it was")


def addition_path(ev):
    m = ev["cellpath_01"]
    direct1, direct3 = m["direct"][:, 0], m["direct"][:, 1]
    return seeded(direct1 >= 0.01, (direct3 >= 0.01) & m["full_above_direct"],
                  condition="the forget gates stay near 1 (forget bias 3): along the highway information and gradient "
                            "are multiplied by every forget gate",
                  value=f"∏f at lag 99: forget bias 1 {spread(direct1, '.1e')}, bias 3 {spread(direct3, '.1e')}; "
                        "the full ‖∂C_T/∂C_t‖ is at least ∏f")


def rnn_rewrites(ev):
    m = ev["memory_03"]
    rewrite, lag = m["rewrite"][:, m["rnn"]], m["lag"][:, m["rnn"]]
    return seeded(rewrite >= 1.0, value=f"untrained RNN: rewrite per step {spread(rewrite)} of its memory's size; an "
                                        f"event below 1 % after {spread(lag, '.0f')} words")


def lstm_selective(ev):
    m = ev["memory_03"]
    w = m["rewrite"]
    return seeded(np.maximum(w[:, m["lstm1"]], w[:, m["lstm3"]]) < w[:, m["rnn"]],
                  value=f"rewrite per step: LSTM (bias 1) {spread(w[:, m['lstm1']])}, (bias 3) "
                        f"{spread(w[:, m['lstm3']])}, RNN {spread(w[:, m['rnn']])}")


def forget_range(ev):
    m = ev["squash_04_05"]
    return exact(m["sigmoid_in01"] and m["kept_is_f"], value="σ(z) in (0, 1) for z in −20 … 20, never 0 or 1 exactly; "
                                                             "with the pen up the kept share of a note is f_t")


def forget_cat_10(ev):
    hand = ev["handwired_04_06"]["f_dog"]["cat"]
    m = ev["gates_08"]["measured"]
    share = m.signal_old[:, 3] / m.signal_old[:, 2]                # old subject's signal kept across the new subject
    return seeded(share <= 0.2, bool(np.isclose(hand, 0.1)), condition=WEIGHTS_CHOSEN + "; a trained LSTM keeps a "
                  "larger share of the old subject across 'dog'",
                  value=f"hand-wired f_t[cat] at 'dog' {hand:.3f}; trained LSTMs keep {spread(share, '.2f')} of the "
                        "old subject's signal across 'dog'")


def forget_hungry_20(ev):
    hand = ev["handwired_04_06"]["f_dog"]["hungry"]
    return exact(None, bool(np.isclose(hand, 0.2)), condition=WEIGHTS_CHOSEN + "; not measured in a trained LSTM (the "
                 "language of notebook 08 never needs the state word again)", value=f"hand-wired f_t[hungry] at 'dog' "
                 f"{hand:.3f}")


def forget_at_dog(ev):
    m = ev["gates_08"]["measured"]
    kept_at_dog = m.kept()[:, 3]
    new_over_old = m.signal_new[:, 3] / m.signal_old[:, 3]
    return seeded(kept_at_dog <= 0.1, new_over_old > 1.0,
                  condition="forgetting is partial: by 'dog' the new subject outweighs the old one in C_t, which is "
                            "not erased",
                  value=f"old subject's signal left at 'dog' {spread(kept_at_dog, '.2f')} of its size; new / old "
                        f"{spread(new_over_old, '.2f')}")


def candidate_range(ev):
    m = ev["squash_04_05"]
    return exact(m["tanh_in"], value=f"C̃_t = tanh(·) in (−1, 1); on uninformative input the cell drifts by "
                                     f"{m['mean_tanh']:+.2f} over 200 steps (a sigmoid candidate: {m['mean_sigmoid']:+.2f})")


def dog_sleeping(ev):
    m = ev["gates_08"]
    return seeded(m["dog_sleeping_top"], value=f"after 'The dog was sleeping and' trained LSTMs give the dog's sound "
                                               f"P = {spread(m['p_barking'], '.2f')}")


def output_share(name: str, p: float):
    def judge(ev):
        m = ev["handwired_04_06"]
        of_note, gate = m["shown_of_note"][name], m["o_and"][name]
        return exact(bool(abs(of_note - p) <= 0.05), bool(np.isclose(gate, p) and np.isclose(m["shown_of_tanh"][name], p)),
                     condition="read as the gate value, the share of tanh(C_t) that reaches h_t (" + WEIGHTS_CHOSEN
                               + "); a smaller share of the note C_t itself reaches h_t",
                     value=f"o_t = {gate:.2f}; h_t / C_t = {of_note:.3f} (note C_t = {m['C_and'][name]:.3f})")
    return judge


CLAIMS = [
    Claim("three-gates", "LSTM Architecture: Three Smart Gates", PICTURE, "07_full_lstm.ipynb",
          "1. One step: six equations, one cell", three_gates),
    Claim("forget-gate-eraser", "Forget Gate (Eraser): Professor changes topic · You cross out old notes · "
          "Make room for new information", PICTURE, "10_rnn_vs_lstm.ipynb", "7 · Gate ablation on a continual task",
          forget_eraser, NOTES["ablation_10"]),
    Claim("input-gate-decides", "Input Gate (Pen): Write down important points · Decide what's worth noting", PICTURE,
          "08_processing_a_sentence.ipynb", "5. Gates are vectors: the per-unit picture", input_decides,
          "a hand-wired cell can be built to decide (05 §2); trained LSTMs keep the pen down at every word and let the "
          "candidate C̃_t decide what is written"),
    Claim("input-gate-adds", "Add to existing notes", PICTURE, "05_input_gate.ipynb",
          '1. Two decisions at "sleeping", line by line', input_adds),
    Claim("output-gate-highlighter", "Output Gate (Highlighter): Highlight relevant parts · Focus on what's needed "
          "now · Share selected information", PICTURE, "06_output_gate.ipynb",
          "2. Kept versus shown: the cell keeps what $h_t$ hides", output_shares),
    Claim("cell-state-stores", "Cell State (C_t): Your notebook · Stores all important information", PICTURE,
          "08_processing_a_sentence.ipynb", "2. Train small LSTM language models, one per seed", cell_stores,
          "measured for what this language needs remembered: the subject, for the sound after 'and'"),
    Claim("cell-state-persists", "Persists across time steps", PICTURE, "03_cell_state.ipynb",
          '2 · "RNN rewrites its memory each time; LSTM selectively updates it"', cell_persists,
          "untrained LSTMs, as in notebook 03; training can learn forget gates near 1 (02 §3)"),
    Claim("cell-state-protected", "Protected by gates", PICTURE, "06_output_gate.ipynb",
          "2. Kept versus shown: the cell keeps what $h_t$ hides", cell_protected),
    Claim("information-highway", "Information highway", PICTURE, "01_rnn_gradient_decay.ipynb",
          "8. Be precise: $\\prod f$ is the direct path, not the whole Jacobian", addition_path),
    Claim("rnn-rewrites-memory", "Key Difference from RNN: RNN: Rewrites entire memory each time", PICTURE,
          "03_cell_state.ipynb", '2 · "RNN rewrites its memory each time; LSTM selectively updates it"', rnn_rewrites,
          "not all of it, but the trace of one word is gone within about the slide's 5-10 words"),
    Claim("lstm-selective-update", "LSTM: Selectively updates memory", PICTURE, "03_cell_state.ipynb",
          '2 · "RNN rewrites its memory each time; LSTM selectively updates it"', lstm_selective),
    Claim("forget-gate-range", "Output: 0 to 1 · Lower values (close to 0) = FORGET · Higher values (close to 1) = KEEP",
          FORGET, "04_forget_gate.ipynb", '1. The sigmoid turns any number into "how much to keep"', forget_range),
    Claim("forget-cat-10", '"cat" info 10% Forget! (new subject)', FORGET, "04_forget_gate.ipynb",
          '3. $f_t$ at "dog", line by line', forget_cat_10,
          "the trained side: notebook 08's LSTMs, the old subject's signal in C_t before and after 'dog' (08 §7)"),
    Claim("forget-hungry-20", '"hungry" info 20% Forget! (not relevant)', FORGET, "04_forget_gate.ipynb",
          '3. $f_t$ at "dog", line by line', forget_hungry_20),
    Claim("forget-at-dog", 'Intuition: When you see "dog", forget information about "cat"', FORGET,
          "08_processing_a_sentence.ipynb", '7. Checkpoint: why forget "cat" when seeing "."?', forget_at_dog,
          "over notebook 08's 600 sentence boundaries; the deep cut comes at 'The' or at the new subject, by seed"),
    Claim("candidate-range", "Create candidate values (tanh gives -1 to 1)", INPUT, "05_input_gate.ipynb",
          "3. Why tanh for the candidate and a sigmoid for the gate", candidate_range),
    Claim("input-dog-sleeping", 'Intuition: Remember "dog is sleeping" for future predictions', INPUT,
          "08_processing_a_sentence.ipynb", '8. The leak after the second "and"', dog_sleeping,
          "trained LSTMs are tested on what a later word depends on, the subject; the hand-wired cell of 05 §2 keeps "
          "'sleeping' too, because its pen is wired to"),
    Claim("output-dog-90", '"dog" info 90% Output! (subject)', OUTPUT, "06_output_gate.ipynb",
          '1. $o_t$ and $h_t$ at "and", line by line', output_share("dog", 0.9)),
    Claim("output-sleeping-70", '"sleeping" info 70% Output! (state)', OUTPUT, "06_output_gate.ipynb",
          '1. $o_t$ and $h_t$ at "and", line by line', output_share("sleeping", 0.7)),
    Claim("output-old-10", "old context 10% Hide (not needed)", OUTPUT, "06_output_gate.ipynb",
          '1. $o_t$ and $h_t$ at "and", line by line', output_share("cat", 0.1),
          "an illustrative value: the weights of the hand-wired cell are chosen for it; a small note passes tanh "
          "almost unchanged, so the gate value is also the share of the note"),
]
