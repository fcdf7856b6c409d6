# Mutant of 'cell_update': candidate missing

def cell_update(f_t, C_prev, i_t, C_tilde_t):
    return f_t * C_prev + i_t
