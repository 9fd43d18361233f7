"""A solve's operation counts priced in the other paradigms (THEORY §2a, §2c, §2d, §6).

Operation counts (for pricing the same solve in other paradigms, THEORY §2)
---------------------------------------------------------------------------
* *spin updates* (``attempts``): one memory operation per attempt
  (Landauer: each overwrites a 1-bit word, ``kT ln 2``);
* *flips*: the writes that change a memory (static CIM pays ``e_static`` per
  level written, ``b = 1``, ``dt`` = one sweep);
* *FLOPs* of the digital realisation we run: ``2`` per attempt (``2 s_i f_i``
  and its scaling by ``beta``) plus ``2`` per CSR nonzero touched when a
  flip updates the neighbours' local fields (one multiply-add each);
  exponentials, random numbers and comparisons are not counted, so this is
  a lower count.

"""
from __future__ import annotations

from ...bounds import REFERENCE_PRECISION, price_counts
from ...constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ...deprecation import renamed_keywords
from ...errors import check_positive

__all__ = ["price_operations"]


@renamed_keywords(T_K="temperature_K")
def price_operations(spin_updates: float, flips: float, nnz_touched: float, *, temperature_K: float = T_DEFAULT_K,
                     sweep_time_s: float = 1.0 / F0_DEFAULT_HZ, f0_hz: float = F0_DEFAULT_HZ) -> dict:
    """Price a solve's operation counts in the other paradigms (THEORY §2a, §2c, §2d), in joules.

    * Landauer: ``spin_updates * kT ln 2`` (each spin update overwrites one bit, ``b = 1``);
    * static CIM: ``flips * e_static(b=1, dt=sweep_time_s, f0=f0_hz)`` (only flips write a level);
    * accelerator: ``(2 spin_updates + 2 nnz_touched) * e_FLOP`` (module notes) of
      :data:`limbound.bounds.REFERENCE_ACCELERATOR` at its dense BF16 peak;
    * LIM estimate, predicted before the run (THEORY §6, item 2):
      ``spin_updates * e_LIM(b=1, dt=sweep_time_s, f0=f0_hz)``, to set beside the measured heat.

    Every price is a per-operation estimate of :data:`limbound.bounds.REGISTRY`, through
    :func:`limbound.bounds.price_counts` (the one pricing path).  ``f0_hz`` is the memories' attempt
    frequency (the same one that set ``sweep_time_s``): the static and LIM prices depend on ``f0 dt`` and on
    ``f0 T_ret``.

    Example
    -------
    One spin update at 300 K on the Landauer reference is ``kT ln 2``:

    >>> round(price_operations(1, 0, 0)["landauer_J"] * 1e21, 3)
    2.871
    """
    su = check_positive("spin_updates", spin_updates, allow_zero=True)
    fl = check_positive("flips", flips, allow_zero=True)
    nz = check_positive("nnz_touched", nnz_touched, allow_zero=True)
    f0_hz = check_positive("f0_hz", f0_hz)
    flops = 2.0 * su + 2.0 * nz
    p = price_counts({"landauer": su, "static_cim": fl, "accelerator": flops, "lim": su}, bits=1, dt_s=sweep_time_s,
                     temperature_K=temperature_K, f0_hz=f0_hz)
    acc = p["accelerator"][1]
    return {
        "spin_updates": su, "flips": fl, "flops": flops,
        "landauer_J": p["landauer"][0],
        "static_cim_J": p["static_cim"][0],
        "static_cim_per_write_J": p["static_cim"][1].per_op_J,
        "accelerator_J": p["accelerator"][0], "accelerator_e_flop_J": acc.per_op_J,
        "accelerator": f"catalog {acc.extras['accelerator']} ({acc.extras['accelerator_name']}), "
                       f"{REFERENCE_PRECISION} dense: {acc.sources[0]}",
        "lim_estimate_J": p["lim"][0],
    }
