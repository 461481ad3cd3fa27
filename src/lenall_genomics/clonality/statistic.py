"""The Ostrovnaya-Begg likelihood-ratio test of clonal relatedness, p-value by simulation."""

from __future__ import annotations

import math
from collections.abc import Sequence

XI_GRID = 1001  # xi in [0, 1] in steps of 0.001


def locus_log_likelihoods(p: float, xi: float) -> tuple[float, float]:
    """(log P(shared | >=1 mutated), log P(private | >=1 mutated)) at clonal fraction xi.

    Shared: xi*p + (1-xi)*p^2; private (either tumour): 2(1-xi)p(1-p); both divided by
    P(>=1 mutated) = p*(xi + (1-xi)(2-p)) (Ostrovnaya & Begg; docs/methods.md d).
    """
    denominator = xi + (1 - xi) * (2 - p)
    shared = math.log((xi + (1 - xi) * p) / denominator)
    private = math.log(2 * (1 - xi) * (1 - p) / denominator) if xi < 1 else -math.inf
    return shared, private


def _likelihood_tables(freqs: Sequence[float]):
    """(shared, private) log-likelihoods, one row per locus and one column per xi. Computed once
    per distinct frequency (most loci have the default one) and repeated: the values are
    element-wise, so each row is the same as computed on its own."""
    import numpy as np

    distinct, which = np.unique(np.asarray(freqs, dtype=float), return_inverse=True)
    shared, private = _distinct_tables(distinct)
    which = which.reshape(-1)
    return shared[which], private[which]


def _distinct_tables(freqs):
    import numpy as np

    p = np.asarray(freqs, dtype=float)[:, None]
    xi = np.linspace(0.0, 1.0, XI_GRID)[None, :]
    denominator = xi + (1 - xi) * (2 - p)
    shared = np.log((xi + (1 - xi) * p) / denominator)
    with np.errstate(divide="ignore"):
        private = np.log(2 * (1 - xi) * (1 - p) / denominator)
    private[:, -1] = 0.0  # xi = 1 is impossible with a private locus; handled by the caller
    return shared, private


def _lr_rows(shared_matrix, shared_ll, private_ll):
    """LR = max over xi of l(xi) - l(0), one per row of the 0/1 shared matrix."""
    import numpy as np

    s = np.asarray(shared_matrix, dtype=float)
    loglik = s @ shared_ll + (1.0 - s) @ private_ll
    any_private = (s < 0.5).any(axis=1)
    loglik[any_private, -1] = -np.inf
    return loglik.max(axis=1) - loglik[:, 0]


def _lr_simulated_rows(draws, shared_ll, private_ll):
    """_lr_rows of a 0/1 matrix of simulated datasets, without its two matrix products.

    Mutations are rare, so a simulated dataset shares few loci, and 2,000 datasets of ~100 loci
    hold a few dozen distinct ones: each distinct row is computed once, as the all-private
    log-likelihood plus (shared - private) at each shared locus. The sums are taken in another
    order than the products', so a value may differ from _lr_rows' in the last bits (about
    1e-13); lr_test counts datasets within 1e-9 of the observed LR as extreme, so the p-value
    is the same."""
    import numpy as np

    rows, loci = draws.shape
    if not rows or not loci:
        return _lr_rows(draws, shared_ll, private_ll)
    packed = np.ascontiguousarray(np.packbits(draws, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _keys, first, which = np.unique(keys, return_index=True, return_inverse=True)
    distinct = draws[first]
    loglik = np.repeat(private_ll.sum(axis=0)[None, :], len(distinct), axis=0)
    row, locus = np.nonzero(distinct)
    if len(row):
        # rows of np.nonzero come in order: one sum per row with a shared locus
        starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        loglik[row[starts]] += np.add.reduceat(shared_ll[locus] - private_ll[locus], starts,
                                               axis=0)
    loglik[~distinct.all(axis=1), -1] = -np.inf
    return (loglik.max(axis=1) - loglik[:, 0])[which.reshape(-1)]


def lr_statistic(shared: Sequence[float], private: Sequence[float]) -> float:
    """Log-likelihood ratio of clonal (max over xi) vs independent (xi = 0) tumours."""
    if not shared and not private:
        return 0.0
    freqs = list(shared) + list(private)
    shared_ll, private_ll = _likelihood_tables(freqs)
    row = [[1.0] * len(shared) + [0.0] * len(private)]
    return max(0.0, float(_lr_rows(row, shared_ll, private_ll)[0]))


def lr_test(shared: Sequence[float], private: Sequence[float], *, simulations: int,
            seed: int) -> tuple[float, float | None]:
    """(LR statistic, Monte-Carlo p-value) under independence: each locus is shared with
    probability p/(2-p). p = (1 + #{LR_sim >= LR_obs}) / (1 + simulations). No loci: (0, None)."""
    import numpy as np

    if not shared and not private:
        return 0.0, None
    freqs = np.asarray(list(shared) + list(private), dtype=float)
    shared_ll, private_ll = _likelihood_tables(freqs)
    observed = [[1.0] * len(shared) + [0.0] * len(private)]
    lr_obs = float(_lr_rows(observed, shared_ll, private_ll)[0])
    rng = np.random.default_rng(seed)
    draws = rng.random((simulations, len(freqs))) < (freqs / (2 - freqs))[None, :]
    lr_sim = _lr_simulated_rows(draws, shared_ll, private_ll)
    # a relative tolerance so that datasets equal to the observed one count as "as extreme"
    extreme = int((lr_sim >= lr_obs - 1e-9 * max(1.0, abs(lr_obs))).sum())
    return max(0.0, lr_obs), (1 + extreme) / (1 + simulations)
