# Mutant of 'lstm_step_backward': dC_prev = dC_t
def lstm_step_backward(dh_t, dC_next, cache, p):
    """Backward through one LSTM step.  dh_t, dC_next (B, H); cache from lh.bptt.step_forward; p as forward.
    Returns dict dh_prev, dC_prev (B, H), dx_t (B, D), dW_f … dW_o (H, H + D), db_f … db_o (H,)."""
    c = cache
    H = c.C_t.shape[1]
    tanh_C_t = np.tanh(c.C_t)
    dC_t = dh_t * c.o_t * (1 - tanh_C_t ** 2) + dC_next          # cell path: the two paths meet here
    da = {"f": dC_t * c.C_prev * c.f_t * (1 - c.f_t),            # C_t = f_t ⊙ C_{t-1} + ...
          "i": dC_t * c.C_tilde_t * c.i_t * (1 - c.i_t),         # ... + i_t ⊙ C̃_t
          "C": dC_t * c.i_t * (1 - c.C_tilde_t ** 2),
          "o": dh_t * tanh_C_t * c.o_t * (1 - c.o_t)}            # h_t = o_t ⊙ tanh(C_t)
    hx = np.concatenate([c.h_prev, c.x_t], axis=1)               # [h_{t-1}, x_t]
    d_hx = sum(da[g] @ p[f"W_{g}"] for g in da)                  # back through W · [h_{t-1}, x_t]
    grads = {"dh_prev": d_hx[:, :H], "dx_t": d_hx[:, H:], "dC_prev": dC_t}
    for g in da:
        grads[f"dW_{g}"] = da[g].T @ hx
        grads[f"db_{g}"] = da[g].sum(axis=0)
    return grads
