"""What the two sentence notebooks share: 08 (``sentence_corpus``) and 09 (``agreement``).

Both train a word-level :class:`~lstm_helpers.models.SequenceModel` on a small synthetic language
and then measure it. The machinery around such a model is written once, here:

    words      Vocabulary: tokenize text, find unknown words, check word lists, one-hot encode
               them (T, B, D); group_by_length (batches without padding)
    training   the word model and its check; batches of one length for lh.train; an evaluation
               set grouped by length and grouped_accuracy, lh.train's ``evaluate`` hook for it
    probes     what the gates and cell states hold: gate_traces of word lists (slide notation),
               gate_means; about a label: selectivity (η²) of each unit, top_units, label_signal,
               a linear softmax Probe fitted by fit_probe (check_probe)
    runs       training runs compared: error_table, pooled_error, seed_summary, plot_learning_curves
    draws      texts in bulk, bit for bit as drawn word by word: choice_rounds (numpy's scalar draws as
               arrays), id_batch (word ids -> one-hot inputs and next-word targets); sentence_corpus's sampler
"""
from .probes import (GATE_KEYS, Probe, check_probe, fit_probe, gate_means, gate_traces, label_signal, selectivity,
                     top_units)
from .runs import SEED_MARKERS, error_table, plot_learning_curves, pooled_error, seed_summary
from .training import check_word_model, grouped_accuracy, grouped_batch, make_word_model, same_length_sampler
from .words import PUNCTUATION, Vocabulary, group_by_length

__all__ = ["Vocabulary", "PUNCTUATION", "group_by_length", "make_word_model", "check_word_model",
           "same_length_sampler", "grouped_batch", "grouped_accuracy", "GATE_KEYS", "gate_traces", "gate_means",
           "selectivity", "top_units", "label_signal", "Probe", "check_probe", "fit_probe", "SEED_MARKERS",
           "error_table", "pooled_error", "seed_summary", "plot_learning_curves"]
