# Mutant of 'error_rates': accuracy for error

def error_rates(correct, groups):
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): float(np.mean(correct[groups == g])) for g in np.unique(groups)}
