# Mutant of 'decay_lag': one step after the first k below 1 %
ex_12 = lh.DecayExperiment(hidden_size=32, input_size=8, T=100, batch=4, seed=0)   # as in section 4
rnn_12 = ex_12.rnn(1.2)                           # W_hh scaled to spectral radius ρ = 1.2
h_12, _ = rnn_12(ex_12.inputs(1.0))               # h_1 … h_T for the 4 sequences, (T, B, H)
norms_12 = jacobian_norms(rnn_12.weight_hh, h_12[:, 0])
lag_rho_12 = lh.lag_below(norms_12, 0.01) + 1
