"""One module per notebook topic: the experiments a notebook runs, returning numbers and figures.

    vanishing        01  gradient decay through a vanilla RNN, the Pascanu bound, clipping
    memory_span      02  measured memory span of RNN and LSTM on the recall task
    span_search      02  the span per seed (lag ladder + bisection), RNN and LSTM starts, each at its best rate
    memory_sim       03  the memory simulator: what an RNN and an LSTM keep of a note
    diagram          03  the LSTM cell diagram (any gate highlighted)
    toy_sentences    04–06  the hand-wired cat/dog LSTM the gate notebooks open up
    sentences        08, 09  shared: vocabulary and encoding, the word model and its batches, gate traces
                     and probes of the cell state, training runs compared
    sentence_corpus  08  the animal-sentence language; the slides' gate table measured
    gate_table       08  the gate table over seeds: per-seed models, the forget cut, the old subject, the leak
    agreement        09  subject-verb agreement with attractors
    agreement_errors 09  its error tables by distance, attractors and context, and their figure
    comparison       10  the slides' RNN-vs-LSTM table measured
    continual        10  the continual task of the gate ablation
    charlm           11  character-level language model on offline text
    music            11  melodies: the pitch model and its baselines
    seq2seq          11  encoder-decoder toy
    architectures    11  diagrams of one-to-many, many-to-one, many-to-many

Lessons build on ``engine`` and ``slides``; they never import widgets or self-checks.
"""
