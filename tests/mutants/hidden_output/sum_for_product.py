# Mutant of 'hidden_output': sum for product

def hidden_output(o_t, C_t):
    return o_t + np.tanh(C_t)
