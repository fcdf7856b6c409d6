# Mutant of 'error_rates': overall rate

def error_rates(correct, groups):
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): float(np.mean(~correct)) for g in np.unique(groups)}
