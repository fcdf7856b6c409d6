"""Ledger entries of the slides' last part: "When to Use LSTM", every cell of the "LSTM vs RNN" table, the
applications and the key takeaways."""
from __future__ import annotations

import numpy as np

from .entries_architecture import addition_path
from .ledger import Claim
from .measure_trained import NOTES
from .verdicts import exact, not_measurable, seeded, spread

PRACTICE = "Summary: LSTM in Practice"
APPS = "Real World: Applications"
TAKEAWAYS = "Key Takeaways"
NB10, NB11 = "10_rnn_vs_lstm.ipynb", "11_applications.ipynb"
SPAN_HEADING = "3 · Memory span on the long-lag recall task (notebook 02), over seeds"
AGREEMENT_HEADING = "4 · Accuracy on subject–verb agreement (notebook 09, small models), over seeds"
WHEN_HEADING = "6 · When to use LSTM — the slides' four points, measured"
WIRING_HEADING = "4. Translation, speech, video, handwriting: what changes"
CHRONO = "the forget gate starts near 1 (chrono initialisation); the LSTM with the default forget bias 1 fails at lag 100"


def _recall(ev):
    m = ev["recall_10"]
    return m, m["rnn"], m["lstm"], m["threshold"]


def span_rnn(ev):
    m, rnn, _, thr = _recall(ev)
    return seeded(rnn.run(20).accuracy < thr, value=f"longest lag solved in most seeds: {rnn.majority_span()} steps; "
                                                    f"lag 20 accuracy {spread(rnn.run(20).accuracy)}")


def span_lstm(ev):
    m, _, lstm, thr = _recall(ev)
    return seeded(m["bias1_100"] >= thr, lstm.run(100).accuracy >= thr, condition=CHRONO,
                  value=f"longest lag solved in most seeds: {lstm.majority_span()} steps; lag 100 accuracy: chrono "
                        f"{spread(lstm.run(100).accuracy)}, forget bias 1 {spread(m['bias1_100'])}")


def parameters(ev):
    m = ev["params_10"]
    ok = bool(np.allclose(m["ratio"], 4.0, rtol=0, atol=0)) and m["formula"]
    return exact(ok, value=f"LSTM cell = {m['ratio'][0]:.2f} × the RNN cell at equal H (H = {m['sizes'][0]} … "
                           f"{m['sizes'][-1]}); an equal budget buys an RNN {m['equal_budget']:.1f} × as wide")


def training_time(ev):
    _, rnn, lstm, _ = _recall(ev)
    t = ev["timing_10"]
    r10, l10 = rnn.run(10), lstm.run(10)
    return seeded((t["ratio"] > 1.0) & r10.reached & (r10.steps < l10.steps),
                  value=f"matrix work per step LSTM / RNN {t['work']:.2f}; updates to 99 % at lag 10: RNN "
                        f"{spread(r10.steps, '.0f')}, LSTM {spread(l10.steps, '.0f')}")


def accuracy_row(ev):
    _, rnn, lstm, _ = _recall(ev)
    higher = lstm.accuracy > np.median(rnn.accuracy, axis=0)             # (seeds, lags): above the median RNN seed
    lags = list(lstm.lags)
    return seeded(np.all(higher, axis=1), higher[:, lags.index(100)],
                  condition="the dependency is long (lag 100); at short lags both solve the task",
                  value=f"median accuracy RNN | LSTM: lag 10 {np.median(rnn.run(10).accuracy):.2f} | "
                        f"{np.median(lstm.run(10).accuracy):.2f}, lag 100 {np.median(rnn.run(100).accuracy):.2f} | "
                        f"{np.median(lstm.run(100).accuracy):.2f}")


def best_for_rnn(ev):
    m = ev["agreement_10"]
    rnn, lstm = 100 * m["rnn"].short_error["test"], 100 * m["lstm"].short_error["test"]
    return seeded(rnn < lstm, value=f"error on short sentences (1-5 words): RNN {spread(rnn, '.2f')} %, LSTM "
                                    f"{spread(lstm, '.2f')} %")


def best_for_lstm(ev):
    m = ev["agreement_10"]
    rnn, lstm = 100 * m["rnn"].error["test_long"], 100 * m["lstm"].error["test_long"]
    return seeded(lstm < np.median(rnn), value=f"error on longer sentences than any in training: LSTM "
                                               f"{spread(lstm, '.2f')} %, RNN {spread(rnn, '.2f')} %")


def long_sequences(ev):
    m, rnn, lstm, thr = _recall(ev)
    return seeded(m["bias1_100"] >= thr, lstm.run(100).accuracy >= thr, condition=CHRONO,
                  value=f"lag 100 accuracy: LSTM (chrono) {spread(lstm.run(100).accuracy)}, RNN "
                        f"{spread(rnn.run(100).accuracy)}")


def long_dependencies(ev):
    m, rnn, lstm, thr = _recall(ev)
    return seeded(m["bias1_100"] >= thr, lstm.spans() >= 100, condition=CHRONO,
                  value=f"longest lag solved in most seeds: LSTM (chrono) {lstm.majority_span()}, RNN "
                        f"{rnn.majority_span()} steps")


def sequential_context(ev):
    m = ev["ablation_10"]
    return seeded(m["vanilla"] >= 0.99, value=f"continual streams of 500 steps (context kept within an episode, "
                                              f"dropped between): test accuracy {spread(m['vanilla'])}")


def chrono_vs_default(ev):
    m = ev["span_02"]
    return seeded(m["bias1_100"] >= m["threshold"], m["chrono100"] >= m["threshold"],
                  condition="the forget gate starts near 1 (chrono initialisation): with the default forget bias 1 the "
                            "gradient along the cell state still vanishes over 100 steps and the LSTM fails",
                  value=f"learns lag 100: chrono {spread(m['chrono100'])}, forget bias 1 {spread(m['bias1_100'])}")


def generation(kind: str):
    def judge(ev):
        if kind == "text":
            m = ev["charlm_11"]
            return seeded(None, m["lstm"] < m["trigram"],
                          condition="at the scale of notebook 11: a small character model beats n-gram baselines; its "
                                    "samples are not stories",
                          value=f"bits per character: LSTM {spread(m['lstm'])}, trigram {m['trigram']:.3f}")
        m = ev["music_11"]
        return seeded(None, m["lstm"] > m["trigram"],
                      condition="on a melody grammar: next-note accuracy above the trigram table; composition itself "
                                "is not measured",
                      value=f"next-note accuracy: LSTM {spread(m['lstm'])}, trigram {m['trigram']:.3f}")
    return judge


def gates_control(ev):
    m = ev["handwired_04_06"]
    ok = m["erased_by_f0"] and m["unwritten_by_i0"] and m["hidden_by_o0"]
    return exact(ok, value="hand-wired cell: f_t = 0 erases a note, i_t = 0 writes nothing, o_t = 0 shows nothing")


def unmeasurable(reason: str):
    return lambda ev: not_measurable(reason)


CLAIMS = [
    Claim("use-long-sequences", "When to Use LSTM: 1 Long sequences (100+ words)", PRACTICE, NB10, WHEN_HEADING,
          long_sequences, NOTES["recall_10"]),
    Claim("use-long-dependencies", "2 Long-term dependencies needed", PRACTICE, NB10, WHEN_HEADING, long_dependencies,
          NOTES["recall_10"]),
    Claim("use-sequential-context", "3 Sequential data with context", PRACTICE, NB10,
          "7 · Gate ablation on a continual task", sequential_context, NOTES["ablation_10"]),
    Claim("use-grammar", "4 Grammar and structure matter", PRACTICE, NB10, AGREEMENT_HEADING, best_for_lstm),
    Claim("table-span-rnn", "LSTM vs RNN: Memory span: RNN 5-10 steps", PRACTICE, NB10, SPAN_HEADING, span_rnn,
          "the RNN at its best learning rate of a sweep at lag 20"),
    Claim("table-span-lstm", "LSTM vs RNN: Memory span: LSTM 100+ steps", PRACTICE, NB10, SPAN_HEADING, span_lstm,
          NOTES["recall_10"]),
    Claim("table-parameters", "LSTM vs RNN: Parameters: RNN Fewer · LSTM More", PRACTICE, NB10,
          "1 · Parameters: the formula and the count", parameters),
    Claim("table-training-time", "LSTM vs RNN: Training time: RNN Faster · LSTM Slower", PRACTICE, NB10,
          "2 · Training time: measured per step", training_time,
          "per step timed (the fastest of 20 steps, H 8 and 16; not printed, it depends on the machine) and counted in "
          "updates at lag 10; at long lags most RNN seeds never reach the target (10 §3)"),
    Claim("table-accuracy", "LSTM vs RNN: Accuracy: RNN Lower · LSTM Higher", PRACTICE, NB10,
          "5 · The slide's table, regenerated", accuracy_row,
          "recall task; each LSTM seed against the median RNN seed, as notebook 10 compares them; notebook 10's LSTM "
          "starts with chrono"),
    Claim("table-best-for-rnn", "LSTM vs RNN: Best for: RNN Short text", PRACTICE, NB10, AGREEMENT_HEADING,
          best_for_rnn),
    Claim("table-best-for-lstm", "LSTM vs RNN: Best for: LSTM Long text", PRACTICE, NB10, AGREEMENT_HEADING,
          best_for_lstm),
    Claim("app-translation", "Machine Translation: Google Translate", APPS, NB11, WIRING_HEADING,
          unmeasurable("Google Translate's quality (and which model it runs) cannot be measured offline; notebook 11 runs "
                  "only a miniature encoder-decoder that reverses symbol sequences")),
    Claim("app-speech", "Speech Recognition: Siri, Alexa", APPS, NB11, WIRING_HEADING,
          unmeasurable("needs speech recordings and the products' own models; notebook 11 draws the wiring (a bidirectional "
                  "LSTM with CTC)")),
    Claim("app-text-generation", "Text Generation: Story writing", APPS, NB11,
          "2.3 Measured: bits per character against n-gram baselines", generation("text"), NOTES["charlm_11"]),
    Claim("app-video", "Video Analysis: Action recognition", APPS, NB11, WIRING_HEADING,
          unmeasurable("needs video data and a convolutional network; notebook 11 draws the wiring (frame features into an "
                  "LSTM)")),
    Claim("app-music", "Music Generation: Composition", APPS, NB11, "3.2 A small LSTM learns to continue melodies",
          generation("music"), NOTES["music_11"]),
    Claim("app-handwriting", "Handwriting Recognition: OCR systems", APPS, NB11, WIRING_HEADING,
          unmeasurable("needs handwriting data (pen trajectories or images); notebook 11 draws the wiring (a bidirectional "
                  "LSTM with CTC)")),
    Claim("takeaway-gates-control", "3 gates control information flow", TAKEAWAYS, "06_output_gate.ipynb",
          "2. Kept versus shown: the cell keeps what $h_t$ hides", gates_control),
    Claim("takeaway-memory-highway", "Cell state is the memory highway", TAKEAWAYS, "01_rnn_gradient_decay.ipynb",
          "8. Be precise: $\\prod f$ is the direct path, not the whole Jacobian", addition_path),
    Claim("takeaway-solves-vanishing", "Solves vanishing gradient problem", TAKEAWAYS, "02_memory_gap.ipynb",
          '3. When does *"LSTM memory persists 100+"* hold?', chrono_vs_default,
          "also the slides' subtitle, 'Solving the Vanishing Gradient Problem'; " + NOTES["span_02"]),
    Claim("takeaway-essential-nlp", "Essential for modern NLP", TAKEAWAYS, NB11, "Key takeaways of the series",
          unmeasurable("a statement about the field, not about a network: true when the slides' sources were written "
                  "(2014-2017); transformers have since replaced LSTMs in most NLP")),
]
