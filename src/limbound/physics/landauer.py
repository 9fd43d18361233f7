"""Landauer adiabatic reference (THEORY §2a).

R. Landauer, IBM J. Res. Dev. 5, 183 (1961); measured by Bérut et al.,
Nature 483, 187 (2012).
"""
from __future__ import annotations

import numpy as np

from ..constants import T_DEFAULT_K, landauer_J
from ..errors import check_bits, check_positive


def landauer_per_op_J(bits, T_K=T_DEFAULT_K):
    """Per-operation reference of the seeds: overwrite one ``b``-bit word, ``b kT ln 2``.

    A convention of the seeds (every operation erases a word), not a theorem
    about every memory.

    >>> round(float(landauer_per_op_J(16, 300.0)) / 4.141947e-21, 3)
    11.09
    """
    return check_bits(bits) * landauer_J(T_K)


def final_state_floor_J(params, bits, T_K=T_DEFAULT_K):
    """Absolute floor set by the final state alone, ``N b kT ln 2``.

    The entropy removed from ``N`` parameters that start random and end known
    to ``b`` bits each, paid once per run whatever the number of operations.
    """
    return check_positive("params", params) * np.asarray(check_bits(bits), dtype=float) * landauer_J(T_K)
