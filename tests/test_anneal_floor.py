"""The anneal's THEORY §8a floor (tree entropy bound + spin transport) against the exact mean heat of the same
sequential Metropolis chain, computed by evolving the law over all 2^n states (100 seeded small problems)."""
import itertools

import numpy as np

from limbound.solvers import ising
from limbound.solvers.ising import IsingProblem, anneal


def _problem(seed, n=6):
    rng = np.random.default_rng(seed)
    edges = [(i, (i + 1) % n) for i in range(n)] + [(0, n // 2), (1, n - 2)]
    i, j = map(np.array, zip(*edges, strict=True))
    J = rng.choice([-1.0, 1.0, 2.0], len(edges))
    h = rng.choice([0.0, 0.0, 1.0, -1.0], n) if seed % 2 else np.zeros(n)
    return IsingProblem.from_edges(n, i, j, J, h), (i, j, J, h)


def _exact_mean_heat_kT(n, edges, betas):
    """Exact mean heat of sequential Metropolis sweeps (spin 0..n-1 each sweep) from uniformly random spins."""
    i, j, J, h = edges
    S = np.array(list(itertools.product((-1, 1), repeat=n)), dtype=float)  # state index: bits, spin 0 is the MSB
    W = np.zeros((n, n))
    W[i, j] = J
    W[j, i] = J
    p = np.full(len(S), 1.0 / len(S))
    q = 0.0
    idx = np.arange(len(S))
    for beta in betas:
        for k in range(n):
            dH = 2.0 * S[:, k] * (h[k] + S @ W[k])
            a = np.minimum(1.0, np.exp(-beta * dH))
            q += float(np.sum(p * a * (-beta * dH)))
            flip = idx ^ (1 << (n - 1 - k))
            p = p * (1.0 - a) + p[flip] * a[flip]
    return q


def test_anneal_floor_below_exact_mean_heat_on_100_seeds():
    betas = np.linspace(0.0, 2.0, 20)
    viol, ratios = 0, []
    for seed in range(100):
        prob, edges = _problem(seed)
        r = anneal(prob, sweeps=20, reads=16, betas=betas, seed=seed)
        f = r.floor()
        exact_J = _exact_mean_heat_kT(prob.n, edges, betas) * r.kT_J
        viol += f["floor_J"] > exact_J
        ratios.append(f["floor_J"] / exact_J)
    assert viol == 0
    assert np.median(ratios) > 0.3  # informative: the tree bound sees the ordering


def test_mutant_tree_from_reads_breaks_the_floor(monkeypatch):
    """A tree picked from the reads' own correlations (overfit) gives a floor above the exact heat on some seeds."""
    from limbound import stats

    real = stats.tree_entropy_upper

    def overfit(x, tree, **kw):
        n = x.shape[1]
        xs = (np.asarray(x) > 0).astype(float)
        c = np.abs(np.corrcoef(xs.T + 1e-9 * np.random.default_rng(0).random(xs.T.shape)))
        ii, jj = np.triu_indices(n, 1)
        t = stats.max_abs_spanning_tree(n, ii, jj, np.nan_to_num(c[ii, jj]) + 1e-12)
        return {**real(x, t, z=0.0), "upper_nats": real(x, t, z=0.0)["plugin_nats"]}

    from limbound.solvers.ising import result

    monkeypatch.setattr(result, "tree_entropy_upper", overfit)  # the name the floor calls
    betas = np.linspace(0.0, 0.3, 5)  # hot: nearly independent spins, where an overfit tree invents structure
    viol = 0
    for seed in range(20):
        prob, edges = _problem(seed)
        r = anneal(prob, sweeps=5, reads=4, betas=betas, seed=seed)
        viol += r.floor()["floor_J"] > _exact_mean_heat_kT(prob.n, edges, betas) * r.kT_J
    assert viol > 0


def test_floor_tree_is_a_spanning_tree_of_the_largest_couplings():
    prob, _ = _problem(3)
    t = ising.floor_tree(prob)
    assert t.shape == (prob.n - 1, 2)
