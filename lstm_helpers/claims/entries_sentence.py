"""Ledger entries of "Example: Processing a Sentence" (every row of its table and its key observations) and of
the checkpoint, tested on notebook 08's trained LSTMs (8 seeds)."""
from __future__ import annotations

import numpy as np

from ..lessons import sentence_corpus as sc
from .ledger import Claim
from .verdicts import not_measurable, seeded, spread

SENTENCE = "Example: Processing a Sentence"
CHECKPOINT = "Checkpoint: Understanding"
NB08 = "08_processing_a_sentence.ipynb"
TABLE_HEADING = "4. The slides' table, measured"
TOLERANCE = 0.16        # a row counts as followed when its 3 gates differ from the slide's by at most this on average
ROWS = (  # the slide's row, verbatim (its columns joined by ' · '), and an id
    ("sentence-row-1-the", '"The" · Keep all (0.9) · Add article (0.3) · Output little (0.2) · [article]'),
    ("sentence-row-2-cat", '"cat" · Keep article (0.8) · Add subject (0.9) · Output subject (0.8) · [cat, article]'),
    ("sentence-row-3-was", '"was" · Keep subject (0.9) · Add verb (0.7) · Output for pred. (0.9) · [cat, was]'),
    ("sentence-row-4-hungry", '"hungry" · Keep subject (0.8) · Add state (0.8) · Output state (0.7) · [cat, hungry]'),
    ("sentence-row-5-period", '"." · Reduce old (0.3) · New sentence (0.4) · Low output (0.3) · [sentence end]'),
    ("sentence-row-6-the", '"The" · Clear old (0.1) · New article (0.8) · Low output (0.2) · [article]'),
    ("sentence-row-7-dog", '"dog" · Keep article (0.7) · New subject (0.9) · Output subject (0.9) · [dog, article]'),
    ("sentence-row-8-was", '"was" · Keep subject (0.9) · Add verb (0.8) · Output for pred. (0.9) · [dog, was]'),
)


def table_row(t: int):
    """The test of row ``t`` of the slide's table: in each seed, the mean f_t, i_t, o_t over all units differ from
    the slide's values by at most TOLERANCE on average, and where the slide's cell state names a subject, the probe
    reads it (P > 0.5)."""
    word, f, i, o, cell = sc.SLIDE_TABLE[t]
    subject = next((a for a in sc.ANIMALS if a in cell), None)

    def judge(ev):
        m = ev["gates_08"]
        measured = m["measured"].mean_all[:, t, :]                          # (seeds, 3)
        follows = np.abs(measured - np.array([f, i, o])).mean(axis=1) <= TOLERANCE
        value = ", ".join(f"{g} {spread(measured[:, k], '.2f')}" for k, g in enumerate(("f", "i", "o")))
        if subject is not None:
            p = m["probe_slide"][:, t, sc.ANIMALS.index(subject)]
            follows &= p > 0.5
            value += f"; probe P({subject}) {spread(p, '.2f')}"
        return seeded(follows, value=value)
    return judge


def forget_clears(ev):
    m = ev["gates_08"]["measured"]
    kept = m.kept()[:, 1]
    cuts = m.cut_counts()
    return seeded(kept < 0.5, value=f"old subject's signal at '.' {spread(kept, '.2f')} of its size; deepest forget cut "
                                    f"at 'The' in {cuts['The']}/{m.n}, at the new subject in {cuts['new subject']}/{m.n}")


def input_new_subject(ev):
    m = ev["gates_08"]["measured"]
    i_new, p_new = m.i_sub[:, 3], m.p_new[:, 3]
    return seeded((i_new > 0.5) & (p_new > 0.5), value=f"subject units' input gate at the new subject "
                                                       f"{spread(i_new, '.2f')}; probe P(new subject) {spread(p_new, '.2f')}")


def cell_context(ev):
    acc = ev["gates_08"]["measured"].probe_accuracy
    return seeded(acc > 0.95, value=f"probe reads the current subject from C_t on held-out words: {spread(acc)} "
                                    "(chance 0.250)")


def checkpoint_answer(ev):
    m = ev["gates_08"]
    change = np.abs(m["p_singing_two"] - m["p_singing_alone"])
    return seeded(change < 0.05, value=f"P(singing) after the second 'and' {spread(m['p_singing_two'], '.2f')}; "
                                       f"without the first sentence it changes by {spread(change, '.3f')}")


def row_note(t: int) -> str:
    """What 'followed' means for row ``t`` of the table."""
    probe = any(a in sc.SLIDE_TABLE[t][4] for a in sc.ANIMALS)
    return (f"a row counts as followed in a seed when its three gate values (each the mean over all 16 units) differ "
            f"from the slide's by at most {TOLERANCE} on average" + (" and the probe reads the subject its cell state "
                                                                    "names" if probe else ""))


CLAIMS = [Claim(cid, words, SENTENCE, NB08, TABLE_HEADING, table_row(t), row_note(t))
          for t, (cid, words) in enumerate(ROWS)]
CLAIMS += [
    Claim("sentence-forget-clears", "Key Observations: Forget gate clears old subject at period", SENTENCE, NB08,
          '7. Checkpoint: why forget "cat" when seeing "."?', forget_clears,
          "over notebook 08's 600 sentence boundaries: the old subject's signal in C_t"),
    Claim("sentence-input-new-subject", 'Input gate adds new subject ("dog")', SENTENCE, NB08,
          '7. Checkpoint: why forget "cat" when seeing "."?', input_new_subject,
          "it adds the new subject, but the input gate is open at every word (08 §5): not a decision taken at 'dog'"),
    Claim("sentence-output-adjusts", "Output gate adjusts based on task", SENTENCE, NB08, TABLE_HEADING,
          lambda ev: not_measurable("the series trains each model on one task; how the output gate changes from one "
                                    "task to another is not measured")),
    Claim("sentence-cell-context", "Cell state maintains context", SENTENCE, NB08,
          "3. Which units hold the subject? What does $C_t$ hold?", cell_context),
    Claim("checkpoint-answer", 'Q: Why forget "cat" when seeing "."? A: New sentence starting, old subject no longer '
          "relevant for predictions", CHECKPOINT, NB08, '8. The leak after the second "and"', checkpoint_answer,
          "the answer's reason holds: removing the old sentence does not change the prediction; the question's premise, "
          "forgetting at '.', is sentence-forget-clears"),
]
