# Mutant of 'cell_update': forget gate missing

def cell_update(f_t, C_prev, i_t, C_tilde_t):
    return C_prev + i_t * C_tilde_t
