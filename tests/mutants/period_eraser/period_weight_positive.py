# Mutant of 'period_eraser': the weight from x['.'] has the wrong sign
def period_eraser(W_f, b_f, units, columns):
    """The cat unit's eraser in the eraser cell: set its row of W_f (3, 11) and its bias in b_f (3,)."""
    cat = units.index("cat")
    b_f[cat] = 8.0
    W_f[cat, columns.index("x[.]")] = 12.0
    return W_f, b_f
