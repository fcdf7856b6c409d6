# Mutant of 'cell_update': tanh on cell

def cell_update(f_t, C_prev, i_t, C_tilde_t):
    return np.tanh(f_t * C_prev + i_t * C_tilde_t)
