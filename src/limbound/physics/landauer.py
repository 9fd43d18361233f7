"""Landauer adiabatic reference (THEORY §2a): the per-operation figure every paradigm is compared with.

Derivation and its status (a convention of the seeds, not a floor) in
``docs/theory.md`` §2a; the floors proper are in :mod:`.floors` (§8).

R. Landauer, IBM J. Res. Dev. 5, 183 (1961); measured by Bérut et al.,
Nature 483, 187 (2012).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import T_DEFAULT_K, landauer_J
from ..deprecation import renamed_keywords
from ..errors import check_bits, check_positive


@renamed_keywords(T_K="temperature_K")
def landauer_per_op_J(bits: ArrayLike, temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Per-operation reference of the seeds: overwrite one ``b``-bit word, ``b kT ln 2``.

    A convention of the seeds (every operation erases a word), not a theorem
    about every memory.

    >>> round(float(landauer_per_op_J(16, 300.0)) / 4.141947e-21, 3)
    11.09
    """
    return check_bits(bits) * landauer_J(temperature_K)


@renamed_keywords(T_K="temperature_K")
def final_state_floor_J(params: ArrayLike, bits: ArrayLike, temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Absolute floor set by the final state alone, ``N b kT ln 2``.

    The entropy removed from ``N`` parameters that start random and end known
    to ``b`` bits each, paid once per run whatever the number of operations.

    >>> round(float(final_state_floor_J(1e15, 16, 300.0)) * 1e5, 2)   # 1e15 parameters, 16 bits: 4.59e-5 J
    4.59
    """
    return check_positive("params", params) * np.asarray(check_bits(bits), dtype=float) * landauer_J(temperature_K)
