# Mutant of 'input_gate': no sigmoid

def input_gate(h_prev, x_t, W, b):
    hx = np.concatenate([h_prev, x_t], axis=1)
    return hx @ W.T + b
