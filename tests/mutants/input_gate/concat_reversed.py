# Mutant of 'input_gate': [x_t, h_{t-1}]

def input_gate(h_prev, x_t, W, b):
    hx = np.concatenate([x_t, h_prev], axis=1)
    return lh.sigmoid(hx @ W.T + b)
