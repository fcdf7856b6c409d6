# Mutant of 'error_rates': divided by total

def error_rates(correct, groups):
    correct, groups = np.asarray(correct, bool), np.asarray(groups)
    return {int(g): float(np.sum(~correct[groups == g]) / len(correct)) for g in np.unique(groups)}
