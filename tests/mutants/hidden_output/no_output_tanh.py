# Mutant of 'hidden_output': no output tanh

def hidden_output(o_t, C_t):
    return o_t * C_t
