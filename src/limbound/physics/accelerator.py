"""Digital accelerator estimate: the memory wall, from published board power and peak throughput (THEORY §2d).

A chip's best published efficiency at full utilisation is board power over
peak dense throughput at the training precision; a board-power figure holds
compute and on-package data movement together.  The catalog rows
(``catalogs/data/hardware.toml``) supply power and peak; derivation in
``docs/theory.md`` §2d.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import check_positive


def energy_per_flop_J(power_W: ArrayLike, peak_flops_per_s: ArrayLike) -> float | NDArray[np.float64]:
    """``e_FLOP = P / peak``.  H100 SXM, BF16 dense: 700 W / 989.4e12 = 0.7075 pJ.

    >>> round(energy_per_flop_J(700.0, 989.4e12) * 1e12, 4)
    0.7075
    """
    return check_positive("power_W", power_W) / check_positive("peak_flops_per_s", peak_flops_per_s)


def accelerator_energy_J(flops: ArrayLike, e_flop_J: ArrayLike, *, bytes_moved: ArrayLike = 0.0,
                         e_byte_J: ArrayLike = 0.0) -> float | NDArray[np.float64]:
    """``FLOPs e_FLOP + bytes e_byte`` (off-chip traffic optional, zero by default).

    >>> round(accelerator_energy_J(1e15, 0.7075e-12, bytes_moved=1e12, e_byte_J=1e-11), 2)   # 707.5 J + 10 J
    717.5
    """
    return (check_positive("flops", flops) * check_positive("e_flop_J", e_flop_J)
            + check_positive("bytes_moved", bytes_moved, allow_zero=True) * check_positive("e_byte_J", e_byte_J, allow_zero=True))
