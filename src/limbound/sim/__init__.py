"""Stochastic-thermodynamics simulators with exact energy books (THEORY §1, §7).

* :mod:`.langevin` -- overdamped Langevin ensembles in time-dependent potentials (:mod:`.protocols`)
* :mod:`.gillespie` -- exact continuous-time KMC of small arrays of multi-level memories
* :mod:`.kmc` -- synchronous (uniformized) KMC steps for large arrays (kernels in :mod:`.kmc_kernels`)
* :mod:`.lim_array` -- arrays of b-bit LIM memories driven by an optimizer (engines :mod:`.lim_engines`,
  floors :mod:`.lim_floor`, books :mod:`.lim_books`)
* :mod:`.master` -- exact master-equation solutions (matrix exponentials) for checks
* :mod:`.validate` -- the published-physics validation cases (``limbound validate``)
"""
from ._rng import stream_states
from .gillespie import KMCResult, Segment, gillespie, v_landscape
from .kmc import max_step_s, seed_kernels, sync_step, sync_step_par
from .langevin import LangevinResult, first_passage, simulate
from .ledger import Ledger
from .validate import Case
from .validate import run_all as run_validation

__all__ = ["Ledger", "max_step_s", "seed_kernels", "sync_step", "sync_step_par", "stream_states",
           "Segment", "KMCResult", "gillespie", "v_landscape", "LangevinResult", "simulate", "first_passage",
           "Case", "run_validation"]
