"""The rates behind limbound's work budgets (limbound.budget), measured on this machine in one run.

Each rate is measured on the same counts the budget checks use, so a refusal
("this run needs about 3.2 h ...") can be checked against this script:

* anneal: attempted spin updates per second of :func:`limbound.solvers.ising.anneal` (G11 or a
  random graph of 800 nodes, 400 sweeps x 8 reads, after a warm-up) -> ``SPIN_UPDATES_PER_S``;
* QP reference: seconds of ``random_qp(n)`` + ``osqp_reference`` divided by ``n^3`` (largest n measured)
  -> ``QP_REFERENCE_S_PER_N3``;
* QP LIM solve: seconds of ``solve_qp(reference=None)`` per read and update at n=30 (the fixed cost)
  -> ``QP_LIM_S_PER_UPDATE``, and its growth to n=300 per n^2 -> ``QP_LIM_S_PER_N2_UPDATE``;
* training: memory updates (epochs x minibatches x reads x parameters) per second of ``train_digits``
  -> ``TRAIN_UPDATES_PER_S``.

Printed: each measured value next to the constant in limbound.budget; the constants are rounded so
that estimates err on the fast side (a refused run really takes at least the estimate).

Values measured on the 2-core reference machine when the constants were set: spin updates 1.38e8/s (G11, 400 sweeps x 8 reads) -> 1.5e8; QP reference
2.1e-9 .. 3.3e-9 s x n^3 at n=800 (1.1 .. 1.7 s, loaded machine) -> 2.0e-9; QP LIM fixed cost
4.3e-4 s per read-update at n=30 (gradient rule, 30 updates x 4 reads) -> 4.0e-4, growth 1.3e-8 s x n^2
from n=30 to n=300 -> 1.0e-8; training 6.6e4 .. 1.0e5 memory updates/s (logreg, 3 epochs x 2 reads) -> 1.0e5.
Caps checked against these rates when they were set: the QP annealing rule took ~0.3 ms per update (n = 5,
4 reads, one core), so its cap (b <= 18, ``solvers.qp.solve.MAX_ANNEAL_UPDATES``) is ~5 minutes per run and
b = 24 (6.7e7 updates) would take hours; training ran ~4e6 memory updates/s on one core (mlp, 4 reads,
batch 32), so ``solvers.train.MAX_TRAIN_WORK`` = 1e10 is of the order of an hour.

Usage: ``.venv/bin/python benchmarks/bench_budget.py`` (about 30 s).
"""
from __future__ import annotations

import math
import time
from pathlib import Path

from limbound import budget


def main() -> int:
    from limbound.solvers.ising import anneal
    from limbound.solvers.maxcut import maxcut_to_ising, read_gset

    g11 = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "gset" / "G11.txt"
    if g11.is_file():
        prob = maxcut_to_ising(read_gset(g11))
    else:
        from limbound.solvers.maxcut import random_maxcut_graph
        prob = maxcut_to_ising(random_maxcut_graph(800, 0.01, seed=0))
    anneal(prob, sweeps=20, reads=2, seed=0)  # warm-up (numba)
    t = time.perf_counter()
    anneal(prob, sweeps=400, reads=8, seed=1)
    dt = time.perf_counter() - t
    rate = prob.n * 400 * 8 / dt
    print(f"anneal: {rate:.3g} spin updates/s (wall, n={prob.n});   budget.SPIN_UPDATES_PER_S = {budget.SPIN_UPDATES_PER_S:.3g}")

    from limbound.solvers.qp import osqp_reference, random_qp, solve_qp
    c3 = []
    for n in (200, 400, 800):
        t = time.perf_counter()
        p = random_qp(n, seed=0)
        osqp_reference(p)
        c3.append((time.perf_counter() - t) / n**3)
        print(f"QP n={n}: random_qp + OSQP reference {c3[-1] * n**3:.3g} s = {c3[-1]:.3g} s x n^3")
    print(f"QP reference: {c3[-1]:.3g} s per n^3 (n=800);   budget.QP_REFERENCE_S_PER_N3 = {budget.QP_REFERENCE_S_PER_N3:.3g}")
    per = {}
    for n in (30, 300):
        p = random_qp(n, seed=0)
        t = time.perf_counter()
        res = solve_qp(p, reads=4, reference=None, seed=0)
        per[n] = (time.perf_counter() - t) / (4 * max(res.updates, 1))
        print(f"QP LIM n={n}: {res.updates} updates x 4 reads: {per[n]:.3g} s per read-update")
    c2 = max(per[300] - per[30], 0.0) / (300**2 - 30**2)
    print(f"QP LIM: {per[30]:.3g} s per read-update (n=30);   budget.QP_LIM_S_PER_UPDATE = {budget.QP_LIM_S_PER_UPDATE:.3g}")
    print(f"QP LIM: {c2:.3g} s per read-update per n^2;   budget.QP_LIM_S_PER_N2_UPDATE = {budget.QP_LIM_S_PER_N2_UPDATE:.3g}")

    from limbound.solvers.train import N_TRAIN, _n_params, train_digits
    epochs, reads, batch = 3, 2, 32
    t = time.perf_counter()
    train_digits(model="logreg", epochs=epochs, reads=reads, seed=0, float_reference=False)
    dt = time.perf_counter() - t
    work = epochs * math.ceil(N_TRAIN / batch) * reads * _n_params("logreg")
    print(f"train: {work / dt:.3g} memory updates/s;   budget.TRAIN_UPDATES_PER_S = {budget.TRAIN_UPDATES_PER_S:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
