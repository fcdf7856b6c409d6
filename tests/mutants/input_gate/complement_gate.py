# Mutant of 'input_gate': 1 - sigma

def input_gate(h_prev, x_t, W, b):
    hx = np.concatenate([h_prev, x_t], axis=1)
    return 1 - lh.sigmoid(hx @ W.T + b)
