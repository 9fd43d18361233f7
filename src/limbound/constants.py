"""Physical constants (CODATA via :mod:`scipy.constants`) and thermal energy scales.

Nothing here is retyped: ``k_B`` is the exact SI value (2019 redefinition)
as shipped by SciPy.  Every energy of THEORY §1-2 is a multiple of ``kT``
(``docs/theory.md`` §1); the defaults (300 K, ``f0 = 1e9 /s``) are those of
THEORY §5.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import constants as _c

from .deprecation import renamed_keywords
from .errors import ParameterError, check_positive, check_real

#: Boltzmann constant, J/K (exact SI, CODATA 2018).
k_B: float = _c.Boltzmann
#: Julian year in seconds (365.25 d, the IAU year used for retention times).
YEAR_S: float = _c.Julian_year
#: Day in seconds.
DAY_S: float = _c.day

#: Default temperature, K.
T_DEFAULT_K: float = 300.0
#: Default attempt frequency of thermally activated hops, 1/s (THEORY §1; the
#: "tau0 = 1 ns" customarily assumed for MRAM, arXiv 2007.02152).
F0_DEFAULT_HZ: float = 1e9


@renamed_keywords(T_K="temperature_K")
def kT(temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Thermal energy ``k_B T`` in joules.

    Example
    -------
    >>> round(kT(300.0) * 1e21, 4)
    4.1419
    """
    return k_B * check_positive("temperature_K", temperature_K)


@renamed_keywords(T_K="temperature_K")
def landauer_J(temperature_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Landauer's erasure cost of one bit, ``k_B T ln 2`` in joules.

    Example
    -------
    >>> round(landauer_J(300.0) * 1e21, 3)
    2.871
    """
    return kT(temperature_K) * math.log(2.0)


#: ``kT`` must stay a normal double well inside the range (products with counts and ln-terms follow it).
KT_RANGE_J = (1e-290, 1e290)


@renamed_keywords(T_K="temperature_K")
def check_temperature(temperature_K: object, name: str = "temperature_K") -> float:
    """A bath temperature whose ``kT`` is a normal double (``T >= 7.2e-268 K``); one-line error otherwise.

    >>> check_temperature(300.0)
    300.0
    """
    T = check_positive(name, check_real(name, temperature_K, allowed="a temperature in K > 0"))
    if not KT_RANGE_J[0] <= k_B * T <= KT_RANGE_J[1]:
        raise ParameterError(f"{name}={temperature_K!r} K gives kT = {k_B * T:.3g} J, outside the normal double range; "
                             f"allowed: {name} >= {KT_RANGE_J[0] / k_B:.2g} K")
    return T
