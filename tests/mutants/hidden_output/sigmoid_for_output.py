# Mutant of 'hidden_output': sigmoid for output

def hidden_output(o_t, C_t):
    return o_t * lh.sigmoid(C_t)
