"""The LIM Ising machine: annealing inside barrier-modulated two-well memories (THEORY §6).

Physics
-------
Spin ``s_i = +-1`` is the well a two-well memory sits in.  The problem energy
is

    H(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i ,

and the drive tilts memory ``i`` by ``lam(t) dH_i``, where
``dH_i = 2 s_i (h_i + sum_j J_ij s_j)`` is the change of ``H`` if ``i``
flips and ``lam(t)`` (joules per unit of ``H``) follows the annealing
schedule.  Internally everything is in kT units: ``beta(t) = lam(t)/kT`` is
the effective inverse temperature (per unit of ``H``), the internal energy
of the array is ``U = beta H`` (kT), a flip releases the heat
``q = -beta dH_i`` (negative when it climbs), and changing ``beta`` from
``beta_old`` to ``beta_new`` at fixed state does the work
``(beta_new - beta_old) H(s)`` -- the discrete form of
``W = integral (dlam/dt) H(s(t)) dt``.  The first law
``U_end - U_start = W - Q`` then holds on every trajectory; we check it with
``U_end`` recomputed from the final state (not from the running sums), so a
wrong heat or a wrong incremental field shows up as a residual above rounding.

Dynamics and time (the conventions, stated)
-------------------------------------------
* One *sweep* visits the spins in index order and gives each one attempt
  (sequential-update Metropolis or Glauber, the standard single-spin-flip
  Markov chain; every attempt obeys detailed balance at the physical kT with
  the tilt ``beta dH_i``, so the heat of each flip is exact).
* ``beta`` is held fixed during a sweep and changes between sweeps (the work
  is done there).
* Physical time: a memory attempts a hop at the Arrhenius rate
  ``f0 exp(-E_b/kT)`` (THEORY §1), ``E_b`` the barrier above the *upper*
  well (Metropolis: the drive lowers the lower well, the barrier top stays,
  so the uphill hop is slowed by ``exp(-beta dH)`` and the downhill one is
  not).  One sweep -- one attempt per memory, all memories in parallel --
  therefore lasts ``sweep_time_s = exp(E_b/kT) / f0``; the default
  ``E_b = 0`` gives 1 ns per sweep at ``f0 = 1e9 /s``.

Modules
-------
* :mod:`.problem`: the sparse Ising problem ``IsingProblem`` and ``H(s)``;
* :mod:`.schedules`: the annealing schedules in ``beta`` and their default range;
* :mod:`.kernel`: the numba kernel that anneals every read and keeps the books;
* :mod:`.checks`: the front door's refusals (time scale, memory, books range);
* :mod:`.annealer`: :func:`anneal`, the front door;
* :mod:`.result`: :class:`AnnealResult`, its books, prices and floors;
* :mod:`.pricing`: a solve's operation counts priced in the other paradigms;
* :mod:`.floors`: the second-law floor of the mean heat per read.

References
----------
N. Metropolis et al., J. Chem. Phys. 21, 1087 (1953); R. J. Glauber,
J. Math. Phys. 4, 294 (1963); S. Kirkpatrick, C. D. Gelatt & M. P. Vecchi,
Science 220, 671 (1983); K. Sekimoto, *Stochastic Energetics* (2010).
"""
from __future__ import annotations

from ...specs import ACCEPTANCES
from .annealer import anneal
from .checks import (
                     BOOKS_MAX_KT,
                     MEMORY_FRACTION,
                     check_books_range,
                     check_memory,
                     check_time_scale,
                     physical_memory_bytes,
)
from .floors import MIN_FLOOR_READS, floor_tree, second_law_floor_kT
from .pricing import price_operations
from .problem import IsingProblem, ising_energy
from .result import JSON_DEFINITIONS, AnnealResult
from .schedules import (
                     COLD_FIELD_UNITS,
                     FN_T0_FRACTION,
                     READOUT_FACTOR,
                     READOUT_FRACTION,
                     SCHEDULES,
                     beta_schedule,
                     default_beta_range,
)

__all__ = [
    "IsingProblem", "AnnealResult", "anneal", "beta_schedule", "default_beta_range",
    "ising_energy", "price_operations", "second_law_floor_kT", "SCHEDULES", "ACCEPTANCES",
    "BOOKS_MAX_KT", "MEMORY_FRACTION", "check_books_range", "check_memory", "check_time_scale",
    "physical_memory_bytes", "MIN_FLOOR_READS", "floor_tree", "JSON_DEFINITIONS", "COLD_FIELD_UNITS",
    "FN_T0_FRACTION", "READOUT_FACTOR", "READOUT_FRACTION",
]
