"""Stochastic-thermodynamics simulators with exact energy books (THEORY §1, §7)."""
from .ledger import Ledger
from .kmc import max_step_s, seed_kernels, sync_step

__all__ = ["Ledger", "max_step_s", "seed_kernels", "sync_step"]
