"""Estimators of limbound.stats: each one's direction of error, checked against exact values."""
import itertools
import math

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

from limbound import stats
from limbound.errors import ParameterError


def test_mean_se_and_z_threshold():
    m, se = stats.mean_se([2.0, 4.0, 6.0, 8.0])
    assert m == 5.0 and se == pytest.approx(math.sqrt(20.0 / 3.0) / 2.0)
    # Phi^-1(1 - 0.01/2) = 2.5758 (tables); Bonferroni over 40: Phi^-1(1 - 0.01/80) = 3.6623
    assert stats.z_threshold(1) == pytest.approx(2.5758, abs=1e-4)
    assert stats.z_threshold(40) == pytest.approx(3.6623, abs=1e-4)
    from limbound.sim import validate  # re-exported for the validation suite
    assert validate.z_threshold is stats.z_threshold


def test_w1_chain_matches_scipy():
    rng = np.random.default_rng(0)
    for _ in range(100):
        M = int(rng.integers(2, 12))
        p, q = rng.dirichlet(np.ones(M)), rng.dirichlet(np.ones(M))
        assert stats.w1_chain(p, q) == pytest.approx(wasserstein_distance(np.arange(M), np.arange(M), p, q), rel=1e-9, abs=1e-12)


def test_w1_marginal_sum_is_below_the_joint_w1():
    # two memories on 0..2; joint W1 (hop metric = L1) by linear programming over couplings
    from scipy.optimize import linprog
    rng = np.random.default_rng(1)
    states = list(itertools.product(range(3), repeat=2))
    C = np.array([[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in states] for a in states], dtype=float)
    for _ in range(20):
        p, q = rng.dirichlet(np.ones(9)), rng.dirichlet(np.ones(9))
        n = 9
        A_eq = np.zeros((2 * n, n * n))
        for i in range(n):
            A_eq[i, i * n:(i + 1) * n] = 1
            A_eq[n + i, i::n] = 1
        joint = linprog(C.ravel(), A_eq=A_eq, b_eq=np.concatenate([p, q]), bounds=(0, None)).fun
        marg = [stats.w1_chain(p.reshape(3, 3).sum(axis=1 - k), q.reshape(3, 3).sum(axis=1 - k)) for k in (0, 1)]
        assert stats.w1_marginal_sum(marg) <= joint + 1e-9


def test_w1_lower_from_reads_is_below_truth_in_95_percent():
    # true W1 between N(0,1) and N(0.3,1) on a fine grid is 0.3; reads of 8 pairs
    rng = np.random.default_rng(2)
    below = sum(stats.w1_lower_from_reads(x := rng.normal(0, 1, 8), x + rng.normal(0.3, 0.5, 8)) <= 0.3
                for _ in range(400))
    assert below >= 0.95 * 400


def test_w2_sorted_exact_for_shift():
    x = np.random.default_rng(3).normal(size=1000)
    assert stats.w2_sorted(x, x + 2.5) == pytest.approx(2.5, rel=1e-12)
    assert stats.w2_sorted(x, 3 * x) == pytest.approx(2 * math.sqrt(np.mean(x ** 2)), rel=1e-12)


def test_activity_estimates():
    rng = np.random.default_rng(4)
    above = sum(stats.activity_upper_counted(rng.poisson(50.0, 8)) >= 50.0 for _ in range(400))
    assert above >= 0.95 * 400
    assert stats.activity_upper_prior(memories=10, neighbours=2, f0_hz=1e9, tau_s=1e-6) == pytest.approx(2e4)


def _entropy(p):
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def test_final_entropy_upper_above_truth_in_95_percent():
    rng = np.random.default_rng(5)
    M, N, R = 8, 30, 8
    p = np.array([0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.0])
    true = N * _entropy(p)
    ok = sum(stats.final_entropy_upper(rng.choice(M, size=(R, N), p=p), M)[1] >= true for _ in range(200))
    assert ok >= 0.95 * 200


def _ising_chain_joint(n, J, h):
    """Exact Boltzmann law (beta = 1) of an open Ising chain by enumeration: states (2^n, n) in {0,1}, probs."""
    states = np.array(list(itertools.product((0, 1), repeat=n)))
    s = 2 * states - 1
    E = -np.sum(J * s[:, :-1] * s[:, 1:], axis=1) - s @ h
    w = np.exp(-(E - E.min()))
    return states, w / w.sum()


def test_tree_entropy_upper_above_exact_joint_entropy_in_95_percent():
    # a frustrated loop (ring of 6 with a diagonal): the tree bound on a fixed max-|J| tree is an upper bound
    rng = np.random.default_rng(6)
    n = 6
    edges = [(i, (i + 1) % n) for i in range(n)] + [(0, 3)]
    J = {e: rng.choice([-1.2, 0.8, 1.0]) for e in edges}
    h = rng.normal(0, 0.3, n)
    states = np.array(list(itertools.product((0, 1), repeat=n)))
    s = 2 * states - 1
    E = -sum(J[(a, b)] * s[:, a] * s[:, b] for a, b in edges) - s @ h
    w = np.exp(-(E - E.min()))
    p = w / w.sum()
    S_true = _entropy(p)
    ii, jj = zip(*edges, strict=True)
    tree = stats.max_abs_spanning_tree(n, ii, jj, [J[e] for e in edges])
    assert tree.shape == (n - 1, 2)
    R = 64
    hits = 0
    for _ in range(200):
        x = states[rng.choice(len(p), size=R, p=p)]
        hits += stats.tree_entropy_upper(x, tree)["upper_nats"] >= S_true
    assert hits >= 0.95 * 200


def test_tree_bound_exact_for_a_chain_and_never_below_joint_entropy():
    # population tree bound: for a chain distribution along the tree it equals the joint entropy; the plug-in
    # on the exact population (huge R with exact frequencies) reproduces it
    n = 5
    states, p = _ising_chain_joint(n, np.array([1.0, -0.5, 0.7, 1.3]), np.array([0.2, 0.0, -0.4, 0.1, 0.3]))
    counts = np.round(p * 1e6).astype(int)
    x = np.repeat(states, counts, axis=0)
    chain = np.array([[i, i + 1] for i in range(n - 1)])
    r = stats.tree_entropy_upper(x[::500], chain, z=0.0)
    # plug-in on all samples
    from limbound.stats import _tree_entropy_plugin
    a, b = x[:, chain[:, 0]], x[:, chain[:, 1]]
    cells = np.stack([a & b, a & (1 - b), (1 - a) & b, (1 - a) & (1 - b)], axis=-1).sum(axis=0)
    deg = np.bincount(chain.ravel(), minlength=n).astype(float)
    assert _tree_entropy_plugin(x.sum(axis=0), cells, x.shape[0], deg) == pytest.approx(_entropy(p), rel=1e-4)
    assert r["plugin_nats"] > 0


@pytest.mark.parametrize("mutant", ["no_jackknife", "data_tree"])
def test_mutant_tree_entropy_estimates_fall_below_truth(mutant):
    """Without the bias correction and margin, or with a tree picked from the reads, the estimate is too low."""
    rng = np.random.default_rng(7)
    n, R = 40, 8
    p = 0.5
    fails = 0
    for _ in range(100):
        x = (rng.random((R, n)) < p).astype(int)  # independent fair spins: S = n ln 2 exactly
        if mutant == "no_jackknife":
            est = stats.tree_entropy_upper(x, np.array([[i, i + 1] for i in range(n - 1)]))["plugin_nats"]
        else:  # Chow-Liu tree from the reads' own mutual informations (overfits)
            ii, jj = np.triu_indices(n, 1)
            c11 = (x.T @ x)[ii, jj] / R
            p1 = x.mean(axis=0)
            cells = np.stack([c11, p1[ii] - c11, p1[jj] - c11, 1 - p1[ii] - p1[jj] + c11], axis=-1)
            marg = np.stack([p1[ii] * p1[jj], p1[ii] * (1 - p1[jj]), (1 - p1[ii]) * p1[jj],
                             (1 - p1[ii]) * (1 - p1[jj])], axis=-1)
            with np.errstate(divide="ignore", invalid="ignore"):
                mi = np.sum(np.where(cells > 0, cells * np.log(cells / marg), 0.0), axis=-1)
            tree = stats.max_abs_spanning_tree(n, ii, jj, mi + 1e-12)
            est = stats.tree_entropy_upper(x, tree)["upper_nats"]
        fails += est < n * math.log(2)
    assert fails > 50
    # the real estimator on the same kind of data holds
    ok = sum(stats.tree_entropy_upper((rng.random((R, n)) < p).astype(int),
                                      np.array([[i, i + 1] for i in range(n - 1)]))["upper_nats"] >= n * math.log(2) - 1e-9
             for _ in range(100))
    assert ok >= 95


def test_jackknife_removes_1_over_R_bias():
    x = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    loo = np.array([np.var(np.delete(x, r)) for r in range(x.size)])
    assert stats.jackknife(np.var(x), loo)[0] == pytest.approx(np.var(x, ddof=1), rel=1e-12)
    with pytest.raises(ParameterError):
        stats.jackknife(1.0, [1.0])


def test_mutants_of_the_margined_estimators_fail():
    """Without their margins, the W1 lower estimate and the activity upper estimate go the wrong way too often."""
    rng = np.random.default_rng(12)
    # W1 from reads without the margin (z = 0): |mean| is biased up (Jensen), above the true 0.05 in most draws
    over = sum(stats.w1_lower_from_reads(x := rng.normal(0, 1, 8), x + rng.normal(0.05, 0.5, 8), z=0.0) > 0.05
               for _ in range(400))
    assert over > 0.4 * 400
    ok = sum(stats.w1_lower_from_reads(x := rng.normal(0, 1, 8), x + rng.normal(0.05, 0.5, 8)) <= 0.05
             for _ in range(400))
    assert ok >= 0.95 * 400
    # activity without the margin: below the true mean about half of the time
    under = sum(stats.activity_upper_counted(rng.poisson(50.0, 8), z=0.0) < 50.0 for _ in range(400))
    assert under > 0.3 * 400


def test_mutant_marginal_entropy_without_correction_is_below_truth():
    """The plug-in marginal entropies (no Miller-Madow, no max-entropy bound, no margin) fall below the truth."""
    rng = np.random.default_rng(13)
    M, N, R = 8, 30, 8
    p = np.array([0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05, 0.0])
    true = N * _entropy(p)
    low = sum(float(stats.marginal_entropies(rng.choice(M, size=(R, N), p=p), M)[0].sum()) < true for _ in range(100))
    assert low > 90


# --- binary spins (the anneal's floor, THEORY §6) ----------------------------------------------------------------

def _hb(p):
    return -(p * math.log(p) + (1 - p) * math.log(1 - p))


def test_binary_entropy_upper_exact_cases():
    n = 7
    assert stats.binary_entropy_upper(np.ones((8, n), dtype=int)) == 0.0          # every read equal: no spread, no SE
    # each column 1,1,0,0: read-pair disagreement 2*2*2/(4*3) = 2/3, every leave-one-out value 2/3 (SE 0);
    # capped at 1/2, i.e. p = 1/2: n ln 2
    cols = np.tile(np.array([[1], [1], [0], [0]]), (1, n))
    assert stats.binary_entropy_upper(cols) == pytest.approx(n * math.log(2), rel=1e-15)
    assert stats.binary_entropy_upper(np.zeros((2, n), dtype=int)) == n * math.log(2)  # < 3 reads: no estimate


def test_binary_entropy_upper_above_truth_in_95_percent_and_its_mutant_below():
    rng = np.random.default_rng(21)
    n, R, p = 100, 8, 0.15
    true = n * _hb(p)
    draws = [(rng.random((R, n)) < p).astype(int) for _ in range(200)]
    assert sum(stats.binary_entropy_upper(x) >= true for x in draws) >= 0.95 * 200


def test_binary_entropy_upper_without_margin_falls_below_truth(monkeypatch):
    """Mutant: no jackknife margin (ENTROPY_Z = 0): the unbiased disagreement alone is below the truth often."""
    monkeypatch.setattr(stats, "ENTROPY_Z", 0.0)
    rng = np.random.default_rng(21)
    n, R, p = 100, 8, 0.15
    below = sum(stats.binary_entropy_upper((rng.random((R, n)) < p).astype(int)) < n * _hb(p) for _ in range(200))
    assert below > 0.3 * 200


def test_w1_spin_lower_from_reads():
    # every read ends all-up: p_i = 1 with SE 0, W1 from p0 = 1/2 is exactly n/2
    assert stats.w1_spin_lower_from_reads(np.ones((5, 6))) == 3.0
    rng = np.random.default_rng(22)
    q = rng.uniform(0.0, 1.0, 40)
    true = float(np.sum(np.abs(q - 0.5)))                         # sum of the spins' exact W1 (w1_spin)
    below = sum(stats.w1_spin_lower_from_reads(rng.random((8, 40)) < q) <= true for _ in range(300))
    assert below >= 0.95 * 300
    over = sum(stats.w1_spin_lower_from_reads(rng.random((8, 40)) < q, z=0.0) > true for _ in range(300))
    assert over > 0.5 * 300                                        # mutant without margin: biased up (Jensen)
