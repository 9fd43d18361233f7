"""Convex quadratic programs solved on b-bit LIM memories, with measured dissipation against the bound (THEORY §2b, §3, §6).

Problem
-------
    minimise   f(x) = 1/2 x'Px + q'x + r
    subject to lb <= x <= ub        (optional; +-inf allowed; single-variable rows of A become bounds)
               l <= Ax <= u         (rows with l = u are equalities; +-inf allowed in l, u)

Input (``.npz`` or the qpbenchmark/OSQP ``.mat`` layout), bound rows, infinities and the finite ranges the
memories need (bounds, bound propagation, an adaptive box): :mod:`limbound.solvers.qp.input` and
docs/theory.md §6a.

Gradient rule (default): the memories hold the iterate of a digital driver -- Mehrotra's interior-point method
(:mod:`limbound.solvers.qp.ipm`, default) or OSQP's ADMM (:mod:`limbound.solvers.qp.admm`, ``method="admm"``);
each iteration they walk to the driver's target under the gradient rule and are read back; each variable is
held by ``banks`` memories of ``b`` bits (precision banks); the status (``solved``, ``inaccurate``,
``max_iter``, ``time_limit``, ``infeasible``, ``unbounded``) is judged on the values the memories hold.

Annealing rule (``rule="anneal"``): each ``x_i`` is one b-bit LIM memory whose ``2**b`` levels span its range;
the linear constraints are handled by the augmented Lagrangian, inner annealing updates and outer multiplier
updates per read (:mod:`limbound.solvers.qp.annealing`).

Reads are independent runs.  The second-law floor of THEORY §6 is a
statement about the mean over independent runs, so every piece of the
driver's state is per read: multipliers, ``rho``, step size, ``lam``, the
inner and outer stopping decisions and the update cap.  A read that has
finished is frozen (its memories keep their landscape behind an infinite
barrier: no hop, no heat, no work) while the others go on; ``updates`` is the
largest count over reads, ``books['updates_per_read']`` the counts, and
``time_to_solution_s`` and the memory wall use the mean count (one run).
The multipliers (``m`` numbers per read) live in the digital driver; they are
not LIM memories and their (digital) cost is not in the books -- the report
gives the number of outer iterations.

Gradients in memory (the memory wall)
-------------------------------------
Each update reads the ``N`` memories once to form the gradient in the
array (``P x`` as an in-memory matrix-vector product).  In the ideal LIM
model of the paper a non-destructive read dissipates nothing, so the memory
wall is ``reads * read_energy_J`` with ``read_energy_J = 0`` by default; pass
a per-read energy to charge it (``N`` reads per update per run).

Schedules driven by the solve
-----------------------------
Gradient rule: each iteration moves the memories to the driver's target with
``g = x - target``, ``eta = 1`` (:mod:`limbound.solvers.qp.admm` notes); the
barriers follow ``|g_i|`` (THEORY §6), so they rise by themselves as the
solve converges.
Annealing rule: the ``lam`` schedule of :mod:`limbound.solvers.qp.annealing`.

Energy books and the two numbers (THEORY §6)
--------------------------------------------
``heat_J`` (measured: mean heat of a read, from the simulator; first-law residual
reported; ``dissipated_J`` is its deprecated alias), ``bound_J`` (second-law floor with an upper estimate of the final
marginal entropies over reads: the larger of Miller-Madow and the
maximum-entropy bound from the spread over reads, see
:mod:`limbound.sim.lim_array`), ``estimate_J = e_LIM(b, dt) * N * n`` with ``n`` predicted before
the run: linear class ``n = kappa b ln 2`` with ``kappa = lambda_max /
lambda_min`` of ``P``, or the sublinear class ``n = C 2**b`` when ``P`` is
singular (THEORY §3).  ``tightness = heat / floor``,
``measured_over_estimate = heat / estimate``.

What drives the two ratios
--------------------------
* Gradient rule: every net level walked along the tilt releases exactly
  ``D = e_LIM``, so ``measured / estimate`` is a ratio of levels: the levels
  a parameter walks (``books['walk']``) over the ``kappa b ln 2`` the
  convergence class predicts.  From uniformly random levels (needed for a
  non-zero floor) a parameter must walk ``|n_0 - n*|``, about ``2**b / 3``
  levels (more when its optimum sits on the box), plus an excess from the
  overshoot of a coupled, noisy descent and from the multiplier updates
  (~25 % on the random QPs).  The ratio therefore grows like
  ``2**b / (3 kappa b ln 2)``: near 1 at b ~ 7 for kappa = 10 and ~230 at
  b = 16.  The §3 count is a count of iterations, not of levels; a warm start
  (or a coarse-to-fine precision schedule) would bring the two together, but
  would also bring the floor to zero.
* Tightness: the floor counts only the entropy removed, at most ``b ln 2``
  per memory, while every level walked costs ``D >= b ln 2``; so the
  tightness is about ``(D / b ln 2)`` times the levels walked per parameter.
* Annealing rule: its tilt grows with ``lam |g|``, so memories far from their
  optimum dissipate much more than ``D`` per level once ``lam`` has grown;
  at b = 16 it spends several hundred times the gradient rule's heat.
* Update time: the heat is flat while ``f0 dt`` is large; below ``~1/f0``
  the tilt grows (``D_speed``) and each update delivers at most
  ``2 f0 dt sinh(D/2)`` levels, so more updates are needed.
"""
from __future__ import annotations

from ...specs import MAX_RANDOM_KAPPA, MAX_RANDOM_N
from .gradient import DRIVERS
from .problem import (
                      QPProblem,
                      check_random_inputs,
                      constraint_violation,
                      load_qp,
                      objective,
                      random_qp,
                      save_qp,
                      validate_qp,
)
from .reference import OSQP_ACCEPTED, checked_reference, osqp_reference
from .result import QPResult
from .solve import MAX_ANNEAL_UPDATES, check_solve_inputs, solve_qp

__all__ = ["QPProblem", "QPResult", "validate_qp", "load_qp", "save_qp", "random_qp", "osqp_reference", "solve_qp", "objective",
           "check_random_inputs", "check_solve_inputs", "constraint_violation", "checked_reference", "OSQP_ACCEPTED",
           "DRIVERS", "MAX_RANDOM_N", "MAX_RANDOM_KAPPA", "MAX_ANNEAL_UPDATES"]
