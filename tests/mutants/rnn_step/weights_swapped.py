# Mutant of 'rnn_step': W_xh and W_hh swapped
def rnn_step(x_t, h_prev, W_xh, W_hh, b):
    """h_t = tanh(W_hh · h_{t-1} + W_xh · x_t + b).  x_t (D,), h_prev (H,), W_xh (H, D), W_hh (H, H), b (H,) -> (H,)."""
    return np.tanh(W_xh @ h_prev + W_hh @ x_t + b)
