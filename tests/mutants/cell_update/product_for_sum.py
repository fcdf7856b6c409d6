# Mutant of 'cell_update': product for sum

def cell_update(f_t, C_prev, i_t, C_tilde_t):
    return (f_t * C_prev) * (i_t * C_tilde_t)
