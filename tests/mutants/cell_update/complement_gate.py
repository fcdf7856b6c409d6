# Mutant of 'cell_update': complement gate

def cell_update(f_t, C_prev, i_t, C_tilde_t):
    return (1 - f_t) * C_prev + i_t * C_tilde_t
