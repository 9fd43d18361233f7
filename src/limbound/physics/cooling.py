"""Work to pump heat out of a memory held below the ambient temperature (Carnot; THEORY §4, docs/theory.md §4a).

A memory at temperature ``T`` below the ambient ``T_amb`` dissipates heat
``Q`` into its cold bath; a refrigerator must lift that heat to the ambient.
By the second law (Carnot's theorem) its coefficient of performance is at
most ``T / (T_amb - T)``, so the work it needs is at least

    W_cool = Q (T_amb / T - 1)              (T < T_amb; 0 otherwise)

and the total the ambient world pays is ``Q + W_cool = Q T_amb / T``.  At
4 K and 300 K ambient the factor is 75: the per-operation energies that scale
with ``kT`` (every paradigm of THEORY §2 but the accelerator) are no cheaper
at the wall than at ambient temperature.  Real cryocoolers reach 1-30 % of
Carnot at 4 K, so this is a floor on the cooling work for a given heat, and
an estimate when the heat itself is an estimate.

References
----------
S. Carnot, *Réflexions sur la puissance motrice du feu* (1824);
H. B. Callen, *Thermodynamics and an Introduction to Thermostatistics*,
2nd ed. (Wiley, 1985), ch. 4 (maximum-work theorem; refrigerator
coefficient of performance ``T_c / (T_h - T_c)``).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..constants import T_DEFAULT_K
from ..deprecation import renamed_keywords
from ..errors import check_positive


@renamed_keywords(T_K="temperature_K")
def carnot_cooling_work_J(heat_J: ArrayLike, temperature_K: ArrayLike,
                          T_ambient_K: ArrayLike = T_DEFAULT_K) -> float | NDArray[np.float64]:
    """Least work to pump ``heat_J`` from ``temperature_K`` up to ``T_ambient_K``: ``Q (T_amb/T - 1)``, 0 when ``T >= T_amb``.

    Example
    -------
    One joule removed at 4 K with a 300 K ambient costs at least 74 J of work.

    >>> float(carnot_cooling_work_J(1.0, 4.0, 300.0))
    74.0
    >>> float(carnot_cooling_work_J(1.0, 300.0, 300.0))
    0.0
    """
    q = check_positive("heat_J", heat_J, allow_zero=True)
    t = check_positive("temperature_K", temperature_K)
    ta = check_positive("ambient_K", T_ambient_K)
    return q * np.maximum(ta / t - 1.0, 0.0)
