# Mutant of 'error_rates': counts for rates

def error_rates(correct, groups):
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): float(np.sum(~correct[groups == g])) for g in np.unique(groups)}
