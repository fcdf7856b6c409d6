# Mutant of 'output_gate_design': W_o built as (H + D, H), one row per column of [h_{t-1}, x_t]

def output_gate_design():
    """The output gate of the hand-wired cell: returns (W_o, b_o), W_o (H, H + D) = (4, 12), b_o (H,) = (4,)."""
    row = {u: k for k, u in enumerate(lh.toy_sentences.UNITS)}      # row["dog"] = 1: the row of a memory unit
    col = {c: k for k, c in enumerate(lh.toy_sentences.COLUMNS)}    # col["x[and]"] = 11: the column of an input
    W_o = np.zeros((4, 12))                                          # every weight 0 and every bias 0:
    b_o = np.zeros(4)                                                # o_t = σ(0) = 0.5 for every unit and word
    W_o = np.zeros((12, 4))
    b_o[:] = -4.0
    W_o[col["x[was]"], row["cat"]] = 8.0
    W_o[col["x[was]"], row["dog"]] = 8.0
    W_o[col["x[and]"], :] = 8.0
    return W_o, b_o
