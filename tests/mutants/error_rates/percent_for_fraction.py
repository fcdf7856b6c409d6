# Mutant of 'error_rates': percent for fraction

def error_rates(correct, groups):
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): 100 * float(np.mean(~correct[groups == g])) for g in np.unique(groups)}
