"""Energy books of a :class:`~limbound.sim.lim_array.LIMArray` run and its drivers' result mixin (THEORY §6, §8a).

:class:`MemoryBooks` holds a run's heat, work and floors (per read and over reads); :class:`VersusBound` is the
mixin of the QP and training results (measured heat against the floors and the LIM estimate);
:func:`floor_columns` flattens a floor record for a sweep row; :func:`estimate_J` is the LIM estimate of a run
(THEORY §2b, §3, §6).  How the floors are computed: :mod:`limbound.sim.lim_floor`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K, kT
from ..deprecation import deprecated_alias, renamed_keywords
from ..display import Result
from ..physics.lim import lim_per_op_J
from .ledger import Ledger
from .lim_floor import floor_summary


def heat_entries(heat_J: float, heat_sem_J: float) -> dict:
    """The measured heat's JSON entries: ``heat_J``, ``heat_sem_J`` and their names before 0.2, ``dissipated_J`` and
    ``dissipated_sem_J`` (deprecated aliases, printed beside them for one release)."""
    return {"heat_J": heat_J, "heat_sem_J": heat_sem_J, "dissipated_J": heat_J, "dissipated_sem_J": heat_sem_J}


@dataclass
class MemoryBooks:
    """Energy books of an :class:`LIMArray` run (per read and over reads)."""

    heat_per_read_J: np.ndarray
    work_per_read_J: np.ndarray
    dU_per_read_J: np.ndarray
    first_law_residual: float
    ledger: Ledger
    bound_J: float
    bound_plugin_J: float
    entropy_initial_nats: float
    entropy_final_mm_nats: float
    bound_mm_J: float
    entropy_final_upper_nats: float
    hops_forward: int
    hops_backward: int
    levels_net: float
    #: THEORY §8a segmented speed term (kT): estimate, its standard error, the conservative value used
    speed_estimate_kT: float = 0.0
    speed_se_kT: float = 0.0
    speed_lower_kT: float = 0.0
    transport_center: str = "range centre"
    #: per-update conditional floor of the gradient rule (kT, mean over reads minus 3 SE), None if not computed
    conditional_kT: float | None = None

    @property
    def floor_J(self) -> float:
        """The finite-time floor of THEORY §8a for the mean heat (J): the larger of the ensemble floor (entropy
        term + segmented speed term) and the per-update conditional floor (gradient rule, poisson engine)."""
        k = kT(self.ledger.temperature_K)
        ens = self.bound_J + self.speed_lower_kT * k
        return ens if self.conditional_kT is None else max(ens, self.conditional_kT * k)

    def floor_dict(self) -> dict:
        """``floor_J`` with its parts, tightness and whether the mean heat clears it (module notes)."""
        k = kT(self.ledger.temperature_K)
        return floor_summary(conditional_J=None if self.conditional_kT is None else self.conditional_kT * k,
                             entropy_J=self.bound_J, speed_J=self.speed_lower_kT * k,
                             speed_estimate_J=self.speed_estimate_kT * k, speed_se_J=self.speed_se_kT * k,
                             mean_J=self.heat_J, sem_J=self.heat_sem_J, center=self.transport_center)


    @property
    def heat_J(self) -> float:
        """Mean heat over reads (J): the measured energy-to-solution of one run."""
        return float(np.mean(self.heat_per_read_J))

    @property
    def heat_sem_J(self) -> float:
        """Standard error of the mean heat over reads (J); 0 with a single read."""
        h = self.heat_per_read_J
        return float(np.std(h, ddof=1) / math.sqrt(h.size)) if h.size > 1 else 0.0

    #: their names before 0.2 (deprecated aliases)
    dissipated_J = deprecated_alias("heat_J", "dissipated_J")
    dissipated_sem_J = deprecated_alias("heat_sem_J", "dissipated_sem_J")

    def as_dict(self) -> dict:
        return {
            **heat_entries(self.heat_J, self.heat_sem_J),
            "heat_per_read_J": self.heat_per_read_J.tolist(),
            "bound_J": self.bound_J,
            "bound_mm_J": self.bound_mm_J,
            "bound_plugin_J": self.bound_plugin_J,
            "entropy_initial_nats": self.entropy_initial_nats,
            "entropy_final_upper_nats": self.entropy_final_upper_nats,
            "entropy_final_miller_madow_nats": self.entropy_final_mm_nats,
            "first_law_residual": self.first_law_residual,
            "hops_forward_per_read": self.hops_forward / self.heat_per_read_J.size,
            "hops_backward_per_read": self.hops_backward / self.heat_per_read_J.size,
            "levels_net_per_read": self.levels_net,
            "ledger": self.ledger.as_dict(),
        }

    def walk_breakdown(self, n_params: int, D_kT: float, n_predicted: float) -> dict:
        """What drives ``measured / estimate``: levels per parameter, measured against predicted.

        ``along_tilt`` = mean heat / (D N) is the net number of levels walked
        along the tilt per parameter (exact for the gradient rule, where every
        level costs ``D``), so ``measured / estimate = along_tilt / n_predicted``.
        It splits into ``net`` = ``|n_end - n_start|`` (the unavoidable walk
        from a random start, about ``2**b / 3`` levels) and the excess
        (overshoot and back-and-forth of a coupled, noisy descent).
        """
        along = self.heat_J / kT(self.ledger.temperature_K) / (D_kT * n_params)
        net = self.levels_net / n_params
        return {"levels_along_tilt_per_param": along, "levels_net_per_param": net,
                "levels_excess_per_param": along - net, "levels_predicted_per_param": float(n_predicted)}


class VersusBound(Result):
    """Mixin of a solver's result: measured dissipation against the second-law bound and the LIM estimate.

    The class provides ``heat_J`` and ``heat_sem_J`` (mean heat of a read and
    its standard error, :class:`MemoryBooks`; measured), ``bound_J`` (THEORY
    §6) and ``estimate_J`` (:func:`estimate_J`).  ``dissipated_J`` and
    ``dissipated_sem_J`` are their names before 0.2 (deprecated aliases).
    """

    dissipated_J = deprecated_alias("heat_J", "dissipated_J")
    dissipated_sem_J = deprecated_alias("heat_sem_J", "dissipated_sem_J")

    def _records(self) -> list:
        """One row (notebooks: ``to_pandas()``, ``_repr_html_``): the result's scalar fields, measured heat first."""
        head = {"heat_J (measured)": self.heat_J, "heat_sem_J": self.heat_sem_J,
                "floor_J (floor)": self.floor_J, "estimate_J (estimate)": self.estimate_J, "tightness": self.tightness}
        rest = {k: v for k, v in self.as_dict().items()
                if not isinstance(v, (dict, list, tuple, np.ndarray)) and k not in ("heat_J", "heat_sem_J", "dissipated_J",
                                                                                     "dissipated_sem_J", "floor_J",
                                                                                     "estimate_J", "tightness")}
        return [{**head, **rest}]

    @property
    def tightness(self) -> float:
        """``heat_J / floor_J``: measured over the THEORY §8a floor (inf when the floor is not positive)."""
        f = self.floor_J
        return self.heat_J / f if f > 0 else math.inf

    @property
    def floor_J(self) -> float:
        """THEORY §8a floor (entropy + segmented speed term) from ``books``; the second-law ``bound_J`` if absent."""
        return float(self._books().get("floor_J", self.bound_J))

    def _books(self) -> dict:
        return getattr(self, "books", None) or {}

    @property
    def measured_over_estimate(self) -> float:
        """``heat_J / estimate_J`` (inf when the estimate is not positive)."""
        return self.heat_J / self.estimate_J if self.estimate_J > 0 else math.inf

    def bound_dict(self) -> dict:
        """The measured-against-bound entries of ``as_dict``."""
        return {
            **heat_entries(self.heat_J, self.heat_sem_J),
            "floor_J": self.floor_J,
            "floor_parts": self._books().get("floor_parts"),
            "floor_holds": self._books().get("floor_holds"),
            "bound_J": self.bound_J,
            "estimate_J": self.estimate_J,
            "tightness": self.tightness,
            "tightness_second_law": self.heat_J / self.bound_J if self.bound_J > 0 else math.inf,
            "measured_over_estimate": self.measured_over_estimate,
            "dissipated_minus_3sem_J": self.heat_J - 3.0 * self.heat_sem_J,
            "second_law_margin_sem": self.second_law_margin_sem,
            "second_law_holds": self.second_law_holds,
        }

    @property
    def second_law_margin_sem(self) -> float:
        """``(heat_J - bound_J) / heat_sem_J``: the floor's margin in standard errors of the mean heat."""
        diff = self.heat_J - self.bound_J
        if self.heat_sem_J > 0:
            return diff / self.heat_sem_J
        return math.inf if diff >= 0 else -math.inf

    @property
    def second_law_holds(self) -> bool:
        """False only if the mean heat is clearly below the floor, ``mean + 3 SE < bound_J`` (THEORY §6)."""
        return bool(self.heat_J + 3.0 * self.heat_sem_J >= self.bound_J)


#: The flat floor columns of a sweep row (THEORY §8a), in order: see :func:`floor_columns`.
FLOOR_COLUMNS = ("floor_J", "floor_entropy_J", "floor_speed_J", "tightness", "floor_holds")


def floor_columns(d: dict) -> dict:
    """The floor of one run as flat scalars for a sweep row or CSV (THEORY §8a).

    ``d`` is a result's floor record: ``as_dict()`` of a QP/training result or ``AnnealResult.floor()``
    (``floor_J``, ``floor_parts`` = {entropy_J, speed_J}, ``tightness`` = measured / floor, ``floor_holds``).
    A non-finite tightness (floor 0) becomes None, so stores of finite numbers stay valid.
    """
    parts = d.get("floor_parts") or {}
    t = d.get("tightness")
    holds = d.get("floor_holds")
    return {"floor_J": float(d["floor_J"]),
            "floor_entropy_J": None if parts.get("entropy_J") is None else float(parts["entropy_J"]),
            "floor_speed_J": None if parts.get("speed_J") is None else float(parts["speed_J"]),
            "tightness": float(t) if t is not None and math.isfinite(t) else None,
            "floor_holds": None if holds is None else bool(holds)}


def predicted_updates(kind: str, bits: float, *, kappa: float | None = None, C: float = 1.0) -> float:
    """Updates to converge to ``2**-b`` for a convergence class (THEORY §3), via :mod:`limbound.counting`."""
    from ..counting import updates_for_convergence
    return float(updates_for_convergence(kind, bits, kappa=kappa, C=C))


@renamed_keywords(T_K="temperature_K")
def estimate_J(bits: float, dt_s: float, n_params: float, n_updates: float, *, temperature_K: float = T_DEFAULT_K,
               f0_hz: float = F0_DEFAULT_HZ) -> float:
    """LIM estimate of a run, ``e_LIM(b, dt) * N * n`` in J (THEORY §2b, §3, §6)."""
    return float(lim_per_op_J(bits, dt_s, temperature_K, f0_hz=f0_hz)) * float(n_params) * float(n_updates)
