"""Digital accelerator estimate: the memory wall, from published board power and peak throughput (THEORY §2d).

A chip's best published efficiency at full utilisation is board power over
peak dense throughput at the training precision; a board-power figure holds
compute and on-package data movement together.
"""
from __future__ import annotations

from ..errors import check_positive


def energy_per_flop_J(power_W, peak_flops_per_s):
    """``e_FLOP = P / peak``.  H100 SXM, BF16 dense: 700 W / 989.4e12 = 0.7075 pJ.

    >>> round(energy_per_flop_J(700.0, 989.4e12) * 1e12, 4)
    0.7075
    """
    return check_positive("power_W", power_W) / check_positive("peak_flops_per_s", peak_flops_per_s)


def accelerator_energy_J(flops, e_flop_J, bytes_moved=0.0, e_byte_J=0.0):
    """``FLOPs e_FLOP + bytes e_byte`` (off-chip traffic optional, zero by default)."""
    return (check_positive("flops", flops) * check_positive("e_flop_J", e_flop_J)
            + check_positive("bytes_moved", bytes_moved, allow_zero=True) * check_positive("e_byte_J", e_byte_J, allow_zero=True))
