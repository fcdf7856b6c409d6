# Mutant of 'input_gate': no bias

def input_gate(h_prev, x_t, W, b):
    hx = np.concatenate([h_prev, x_t], axis=1)
    return lh.sigmoid(hx @ W.T)
