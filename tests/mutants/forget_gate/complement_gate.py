# Mutant of 'forget_gate': 1 - sigma

def forget_gate(h_prev, x_t, W, b):
    hx = np.concatenate([h_prev, x_t], axis=1)
    return 1 - lh.sigmoid(hx @ W.T + b)
