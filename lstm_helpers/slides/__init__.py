"""The slides' notation, line by line: the readable version of the engine's LSTM.

    gates   f_t, i_t, C̃_t, C_t, o_t, h_t as on the slides, one equation a function (notebooks 04–07)
    bptt    one step forward and back in slide notation, ‖∂L/∂x_t‖ over the lag (notebook 07)

``tests/test_gates.py`` and ``tests/test_bptt.py`` check that these equal the fast engine
(``lstm_helpers.engine.lstm``) to rounding error.
"""
