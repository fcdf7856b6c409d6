# Mutant of 'output_gate_design': columns placed as if the gate read [x_t, h_{t-1}] (word j in column j)

def output_gate_design():
    """The output gate of the hand-wired cell: returns (W_o, b_o), W_o (H, H + D) = (4, 12), b_o (H,) = (4,)."""
    row = {u: k for k, u in enumerate(lh.toy_sentences.UNITS)}      # row["dog"] = 1: the row of a memory unit
    col = {c: k for k, c in enumerate(lh.toy_sentences.COLUMNS)}    # col["x[and]"] = 11: the column of an input
    W_o = np.zeros((4, 12))                                          # every weight 0 and every bias 0:
    b_o = np.zeros(4)                                                # o_t = σ(0) = 0.5 for every unit and word
    b_o[:] = -4.0
    W_o[row["cat"], lh.toy_sentences.VOCAB.index("was")] = 8.0
    W_o[row["dog"], lh.toy_sentences.VOCAB.index("was")] = 8.0
    W_o[:, lh.toy_sentences.VOCAB.index("and")] = 8.0
    return W_o, b_o
