"""One module per notebook topic: the experiments a notebook runs, returning numbers and figures.

    first_gate       00  one gate over k steps: what is kept, what is erased, the half-life
    vanishing        01  gradient decay through a vanilla RNN, the Pascanu bound, clipping
    memory_span      02  measured memory span of RNN and LSTM on the recall task
    span_search      02  the span per seed (lag ladder + bisection), RNN and LSTM starts, each at its best rate
    memory_sim       03  the memory simulator: what an RNN and an LSTM keep of a note
    diagram          00, 03–07  the LSTM cell diagram (any gate highlighted) and its backward graph (07)
    toy_sentences    04–06  the hand-wired cat/dog LSTM the gate notebooks open up
    context_gates    04, 05  hand-wired gates that read h_{t-1}: an eraser that waits for '.', a pen that
                     writes where the dog is; one colour per unit
    output_design    06  the output-gate design exercise: its texts, show/hide rules, the run through the cell
    sentences        08, 09  shared: vocabulary and encoding, the word model and its batches, gate traces
                     and probes of the cell state, training runs compared
    sentence_corpus  08  the animal-sentence language; the slides' gate table measured
    gate_table       08  the gate table over seeds: per-seed models, the forget cut, the old subject, the leak
    agreement        09  subject-verb agreement with attractors
    agreement_errors 09  its error tables by distance, attractors and context, and their figure
    comparison       10  the slides' RNN-vs-LSTM table measured
    continual        10  the continual task of the gate ablation
    ablation_figures 10  the ablation's figure: test error from 0, each seed shown
    charlm           11  character-level language model on offline text (the Python Language Reference)
    charlm_pretrained 11  the longer-trained character model in data/: recipe, training, saving, loading
    charlm_units     11  which unit of the stored model tracks quotes, parentheses, word or line position
    music            11  melodies: the pitch model and its baselines
    seq2seq          11  encoder-decoder toy
    architectures    11  diagrams of one-to-many, many-to-one, many-to-many

Lessons build on ``engine`` and ``slides``; they never import widgets or self-checks.
"""
