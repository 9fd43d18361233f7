"""Problem drivers built on the memory physics (DESIGN layer 6).

The sampler (``LIMAnnealingSampler``, needs the optional extra ``limbound[ising]``)
lives in :mod:`limbound.solvers.sampler` and is not imported here, so that
dimod stays optional.
"""
from .ising import AnnealResult, IsingProblem, anneal, beta_schedule, default_beta_range, price_operations
from .maxcut import MaxCutGraph, MaxCutResult, cut_values, maxcut_to_ising, read_best_known, read_gset, solve_maxcut

__all__ = [
    "IsingProblem", "AnnealResult", "anneal", "beta_schedule", "default_beta_range", "price_operations",
    "MaxCutGraph", "MaxCutResult", "read_gset", "read_best_known", "maxcut_to_ising", "cut_values", "solve_maxcut",
]
