"""The engine: a fast numpy RNN and LSTM with BPTT, training and gradient tools (torch.nn layouts).

Modules, one concern each:
    activations  σ, tanh, softmax (stable for any input)
    rnn          vanilla RNN: forward, BPTT, class RNN (torch.nn.RNN layout)
    lstm         LSTM and its variants: forward, BPTT, class LSTM (torch.nn.LSTM layout); the fast
                 version of the slides' equations in ``lstm_helpers.slides.gates`` / ``.bptt``
    layers       Linear output layer
    losses       softmax cross-entropy, accuracy
    optim        SGD, Adam, clipping by global norm
    models       SequenceModel = recurrent layer + Linear read-out
    train        seeded training loop with a progress bar
    data         task generators (the recall task, one-hot)
    gradcheck    centered-difference gradient checks
    gradflow     ‖∂h_T/∂h_t‖ and ‖∂C_T/∂C_t‖ against the lag
    seeded       S seeds of one SequenceModel trained together (a seed axis through forward, backward,
                 Adam/SGD and clipping); each seed equals its one-seed run to the bit

The engine imports only ``lstm_helpers.support``; nothing here knows a notebook.
"""
