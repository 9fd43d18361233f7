"""Compute-in-memory on a static-barrier non-volatile memory: the update wall (THEORY §2c); consolidation (§2c').

The barrier stays at the retention barrier ``E_ret``; a write within ``dt``
must tilt the landscape until the forward rate completes it with probability
``1 - d_w``, and that tilt is dissipated.  Derivations in ``docs/theory.md`` §2c and §2c'.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, YEAR_S, kT, landauer_J
from ..deprecation import renamed_keywords
from ..errors import check_bits, check_positive, check_probability
from .lim import precision_eps, precision_tilt_kT
from .rates import retention_barrier_kT

RETENTION_DEFAULT_S = 10 * YEAR_S
D_RET_DEFAULT = 1e-6
D_W_DEFAULT = 1e-6


def write_tilt_kT(dt_s: ArrayLike, retention_s: ArrayLike = RETENTION_DEFAULT_S, d_ret: ArrayLike = D_RET_DEFAULT, *,
                  d_w: ArrayLike = D_W_DEFAULT, f0_hz: ArrayLike = F0_DEFAULT_HZ) -> float | NDArray[np.float64]:
    """Tilt a static memory needs to complete a write within ``dt``.

    ``D_w = 2 (E_ret - ln(f0 dt / ln(1/d_w))) = 2 ln(T_ret ln(1/d_w) / (d_ret dt))``
    (from ``r+ dt >= ln(1/d_w)`` with ``r+ = f0 exp(-(E_ret - D/2))``).

    Notes
    -----
    For ``dt < ln(1/d_w)/f0`` (13.8 ns at the defaults) the tilt exceeds
    ``2 E_ret``: the forward barrier is gone and the Arrhenius rate would
    exceed ``f0``.  The formula is then an extrapolation (THEORY §2c keeps
    it, e.g. 127.28 kT at 1 ps); a barrier-free hop cannot in fact be faster
    than about ``1/f0``.  :func:`write_arrhenius_valid` tells which regime
    applies, and the bounds report it among their assumptions.

    >>> round(float(write_tilt_kT(1e-6)), 2)
    99.65
    """
    dt = check_positive("dt_s", dt_s)
    dw = check_probability("d_w", d_w)
    e_ret = retention_barrier_kT(retention_s, d_ret, f0_hz)
    return 2.0 * (e_ret - np.log(f0_hz * dt / -np.log(dw)))


def write_arrhenius_valid(dt_s: ArrayLike, d_w: ArrayLike = D_W_DEFAULT,
                          f0_hz: ArrayLike = F0_DEFAULT_HZ) -> bool | NDArray[np.bool_]:
    """True where the write tilt keeps a forward barrier (``dt >= ln(1/d_w)/f0``).

    >>> bool(write_arrhenius_valid(1e-6)), bool(write_arrhenius_valid(1e-9))   # the limit is 13.8 ns
    (True, False)
    """
    return check_positive("dt_s", dt_s) * check_positive("f0_hz", f0_hz) >= -np.log(check_probability("d_w", d_w))


def static_per_op_kT(bits: ArrayLike, dt_s: ArrayLike, retention_s: ArrayLike = RETENTION_DEFAULT_S, *,
                     d_ret: ArrayLike = D_RET_DEFAULT, d_w: ArrayLike = D_W_DEFAULT, f0_hz: ArrayLike = F0_DEFAULT_HZ,
                     eps: ArrayLike | None = None) -> float | NDArray[np.float64]:
    """Static-CIM energy per level written, ``max(D_prec, D_w)`` in kT.

    Reference values (THEORY §5): b=16, dt=1 us: 99.65; dt=1 ps: 127.28.

    >>> round(float(static_per_op_kT(16, 1e-6)), 2)
    99.65
    """
    e = precision_eps(bits) if eps is None else eps
    return np.maximum(precision_tilt_kT(e), write_tilt_kT(dt_s, retention_s, d_ret, d_w=d_w, f0_hz=f0_hz))


@renamed_keywords(T_K="temperature_K")
def static_per_op_J(bits: ArrayLike, dt_s: ArrayLike, temperature_K: ArrayLike = T_DEFAULT_K, *,
                    retention_s: ArrayLike = RETENTION_DEFAULT_S, d_ret: ArrayLike = D_RET_DEFAULT,
                    d_w: ArrayLike = D_W_DEFAULT, f0_hz: ArrayLike = F0_DEFAULT_HZ,
                    eps: ArrayLike | None = None) -> float | NDArray[np.float64]:
    """Static-CIM energy per operation in joules, ``max(D_prec, D_w) kT``.

    >>> round(float(static_per_op_J(16, 1e-6, 300.0) / kT(300.0)), 2)
    99.65
    """
    return static_per_op_kT(bits, dt_s, retention_s, d_ret=d_ret, d_w=d_w, f0_hz=f0_hz, eps=eps) * kT(temperature_K)


@renamed_keywords(T_K="temperature_K")
def consolidation_J(params: ArrayLike, bits: ArrayLike, n_consolidations: ArrayLike, *, e_static_J: ArrayLike,
                    temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Consolidation wall of a volatile short-term store (THEORY §2c'), an estimate in J.

    ``E_cons = n_cons N (b kT ln 2 + e_static)``: at each of ``n_cons`` consolidation events every one of the
    ``N`` words is read and reset in the short-term store (``b kT ln 2``, the Landauer reference of one b-bit
    word) and written into the long-term non-volatile memory (``e_static``, one level written per word:
    ``e_static_J`` is per word, not per bit).

    >>> from limbound.constants import kT
    >>> round(consolidation_J(1, 16, 1, e_static_J=99.65 * kT(300.0)) / kT(300.0), 2)   # 16 ln 2 + 99.65
    110.74
    """
    n = check_positive("params", params)
    b = check_bits(bits)
    c = check_positive("n_consolidations", n_consolidations, allow_zero=True)
    return c * n * (b * landauer_J(temperature_K) + check_positive("e_static_J", e_static_J))
