# Mutant of 'lstm_step_forward': h_t = tanh(o_t * C_t)
def lstm_step_forward(x_t, h_prev, C_prev, p):
    """One LSTM step.  x_t (B, D); h_prev, C_prev (B, H); p: W_f, b_f, W_i, b_i, W_C, b_C, W_o, b_o with
    W (H, H + D) acting on [h_{t-1}, x_t] and b (H,).  Returns (h_t, C_t), each (B, H)."""
    hx = np.concatenate([h_prev, x_t], axis=1)              # [h_{t-1}, x_t], (B, H + D)
    f_t = lh.sigmoid(hx @ p["W_f"].T + p["b_f"])
    i_t = lh.sigmoid(hx @ p["W_i"].T + p["b_i"])
    C_tilde_t = np.tanh(hx @ p["W_C"].T + p["b_C"])
    C_t = f_t * C_prev + i_t * C_tilde_t
    o_t = lh.sigmoid(hx @ p["W_o"].T + p["b_o"])
    h_t = np.tanh(o_t * C_t)
    return h_t, C_t
