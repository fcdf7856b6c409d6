# Mutant of 'lstm_step_forward': calls the engine instead of computing the step (and is otherwise right)

def lstm_step_forward(x_t, h_prev, C_prev, p):
    out = lh.gates.lstm_step(h_prev, C_prev, x_t, p)
    return out["h_t"] + 0.0, out["C_t"] + 0.0
