# Mutant of 'cell_update': f i swapped

def cell_update(f_t, C_prev, i_t, C_tilde_t):
    return i_t * C_prev + f_t * C_tilde_t
