# Mutant of 'hidden_output': tanh outside

def hidden_output(o_t, C_t):
    return np.tanh(o_t * C_t)
