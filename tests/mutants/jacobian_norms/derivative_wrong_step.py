# Mutant of 'jacobian_norms': derivative of the step before
def jacobian_norms(W_hh, h):
    """‖∂h_T/∂h_{T-k}‖₂ for k = 0 … T−1.  W_hh (H, H); h = h_1 … h_T of one sequence, (T, H). Returns (T,)."""
    T, H = h.shape
    M = np.eye(H)                                   # ∂h_T/∂h_T
    norms = [np.linalg.norm(M, 2)]
    for k in range(1, T):
        J = (1 - (h[T - k - 1] if T - k >= 1 else 0 * h[0]) ** 2)[:, None] * W_hh     # J_s = diag(1 − h_s²) · W_hh for s = T − k + 1 (row T − k)
        M = M @ J                                   # ∂h_T/∂h_{T-k} = (∂h_T/∂h_{T-k+1}) · J_{T-k+1}
        norms.append(np.linalg.norm(M, 2))
    return np.array(norms)
