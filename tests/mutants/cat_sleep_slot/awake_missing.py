# Mutant of 'cat_sleep_slot': the pen does not go down at 'awake'
def cat_sleep_slot(W_i, b_i, W_C, b_C, units, columns):
    """The cat's slot in the slot cell: set the cat_sleeps row of the pen (W_i, b_i) and of the candidate (W_C, b_C)."""
    u = units.index("cat_sleeps")
    b_i[u] = -12.0
    W_i[u, columns.index("x[sleeping]")] = 8.0
    W_i[u, columns.index("h[cat]")] = 10.0
    W_C[u, columns.index("x[sleeping]")] = 3.0
    W_C[u, columns.index("x[awake]")] = -3.0
    return W_i, b_i, W_C, b_C
