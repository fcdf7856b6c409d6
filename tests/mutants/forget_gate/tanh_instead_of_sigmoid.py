# Mutant of 'forget_gate': tanh

def forget_gate(h_prev, x_t, W, b):
    hx = np.concatenate([h_prev, x_t], axis=1)
    return np.tanh(hx @ W.T + b)
