# Mutant of 'hidden_output': output gate missing

def hidden_output(o_t, C_t):
    return np.tanh(C_t)
