"""``AnnealResult``: the states, energies and energy books of every read of an anneal (THEORY §6, §8a)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ...constants import kT
from ...counting import restarts_for_99
from ...deprecation import renamed_keywords
from ...display import Result
from ...physics.floors import transport_term_kT
from ...physics.rates import dwell_time_s
from ...sim.ledger import ArrayBooks
from ...stats import MARGIN_Z, activity_upper_counted, mean_se, tree_entropy_upper, w1_spin_lower_from_reads
from .floors import MIN_FLOOR_READS, second_law_floor_kT
from .pricing import price_operations

__all__ = ["AnnealResult", "JSON_DEFINITIONS"]


@renamed_keywords(T_K="temperature_K")  # the constructor keyword and the attribute (deprecated)
@dataclass
class AnnealResult(ArrayBooks, Result):
    """Outcome of :func:`anneal`: states, energies and the energy books of every read.

    Energies of the problem (``energies``, ``best_energies``) are in units of
    ``H``; energy books (``heat_kT`` ...) in kT per read, converted to joules
    by the ``*_J`` properties.  ``attempts_to_target`` etc. are ``-1`` for a
    read that never reached ``target_energy``.  ``first_law_residuals`` (per
    read), ``first_law_residual`` (largest) and ``ledger`` (summed over reads)
    come from :class:`~limbound.sim.ledger.ArrayBooks`, with ``U_end_kT``
    recomputed from the final state.
    """

    samples: np.ndarray            # (R, n) int8, final states
    best_samples: np.ndarray       # (R, n) int8, lowest-H state seen at a sweep end (or at the target)
    energies: np.ndarray           # (R,) H(final), recomputed
    best_energies: np.ndarray      # (R,) H(best_samples), recomputed
    initial_energies: np.ndarray   # (R,) H(initial random state)
    heat_kT: np.ndarray            # (R,) Q, heat released to the bath
    work_kT: np.ndarray            # (R,) W, protocol work
    U_start_kT: np.ndarray         # (R,) beta_0 H(initial)
    U_end_kT: np.ndarray           # (R,) beta_last H(final) (recomputed)
    tracked_energies: np.ndarray   # (R,) H from the running sum of dH (consistency check)
    flips: np.ndarray              # (R,) accepted flips
    nnz_touched: np.ndarray        # (R,) CSR nonzeros updated by flips
    reached: np.ndarray            # (R,) bool, target reached
    heat_to_target_kT: np.ndarray  # (R,) NaN if not reached
    attempts_to_target: np.ndarray  # (R,) -1 if not reached
    flips_to_target: np.ndarray
    nnz_to_target: np.ndarray
    betas: np.ndarray              # (S,) per unit of H
    schedule: dict
    n: int
    sweeps: int
    reads: int
    seed: int
    target_energy: float | None
    acceptance: str
    temperature_K: float           # bath temperature (K); T_K before 0.2 (deprecated alias)
    f0_hz: float
    barrier_kT: float
    wall_time_s: float
    extra: dict = field(default_factory=dict)

    # ---- derived quantities
    @property
    def kT_J(self) -> float:
        return float(kT(self.temperature_K))

    @property
    def sweep_time_s(self) -> float:
        """Physical duration of a sweep, ``exp(E_b/kT)/f0`` (:func:`limbound.physics.rates.dwell_time_s`)."""
        return dwell_time_s(self.barrier_kT, self.f0_hz)

    @property
    def attempts(self) -> int:
        """Spin updates per read (one attempt per spin per sweep)."""
        return self.sweeps * self.n

    @property
    def spin_updates_per_s(self) -> float:
        return self.reads * self.attempts / self.wall_time_s if self.wall_time_s > 0 else math.inf

    @property
    def heat_per_read_J(self) -> np.ndarray:
        """Measured heat released by each read (J)."""
        return self.heat_kT * self.kT_J

    @property
    def heat_J(self) -> float:
        """Measured heat of one read, mean over reads (J): the ``heat_J`` of the JSON and of qp/train results."""
        return float(self.heat_kT.mean()) * self.kT_J if self.reads else math.nan

    @property
    def work_per_read_J(self) -> np.ndarray:
        """Protocol work done on each read (J)."""
        return self.work_kT * self.kT_J

    @property
    def work_J(self) -> float:
        """Protocol work of one read, mean over reads (J), as :attr:`heat_J` (each read's: :attr:`work_per_read_J`)."""
        return float(self.work_kT.mean()) * self.kT_J if self.reads else math.nan

    def energy_to_target_J(self) -> float | None:
        """Mean heat (J) a read dissipated until it first reached the target; ``None`` if no read did."""
        if self.target_energy is None or not np.any(self.reached):
            return None
        return float(np.mean(self.heat_to_target_kT[self.reached])) * self.kT_J

    def energy_to_solution_99_J(self) -> float | None:
        """Heat to reach the target with 99 % confidence by independent restarts, ``<Q_read> * max(1, ln 0.01 / ln(1 - p))``.

        The restart factor is ``counting.restarts_for_99`` (shared with ``report.ladder.tts99_s``).

        ``p`` the fraction of reads that reached the target, ``<Q_read>`` the
        mean heat of a whole read (the energy analogue of the time-to-solution
        TTS99 of Ising-machine benchmarks, e.g. Hamerly et al., Sci. Adv. 5,
        eaau0823 (2019)); ``None`` if no read reached it.
        """
        if self.target_energy is None or not np.any(self.reached):
            return None
        runs = restarts_for_99(float(np.mean(self.reached)))
        return float(np.mean(self.heat_kT)) * self.kT_J * runs

    def priced(self) -> dict:
        """The whole run and the solve-to-target priced in every paradigm (J, summed over reads / mean per successful read)."""
        run = price_operations(self.reads * self.attempts, int(self.flips.sum()), int(self.nnz_touched.sum()),
                               temperature_K=self.temperature_K, sweep_time_s=self.sweep_time_s, f0_hz=self.f0_hz)
        run["lim_measured_J"] = float(self.heat_kT.sum()) * self.kT_J
        out = {"run_all_reads": run, "to_target_mean_per_read": None}
        if self.target_energy is not None and np.any(self.reached):
            m = self.reached
            tgt = price_operations(float(self.attempts_to_target[m].mean()), float(self.flips_to_target[m].mean()),
                                   float(self.nnz_to_target[m].mean()), temperature_K=self.temperature_K, sweep_time_s=self.sweep_time_s,
                                   f0_hz=self.f0_hz)
            tgt["lim_measured_J"] = self.energy_to_target_J()
            out["to_target_mean_per_read"] = tgt
        return out

    def second_law_floor_J(self) -> dict:
        """THEORY §6 floor for the mean heat per read, from the final states (see :func:`second_law_floor_kT`).

        ``second_law_holds`` is false only when the mean heat is clearly below
        the floor, ``mean + 3 SE < floor`` (the test of
        :attr:`limbound.sim.lim_books.MemoryBooks.second_law_holds`; SE is
        0 with a single read).
        """
        z2 = bool(self.extra.get("z2_symmetric", False))
        floor_J = second_law_floor_kT(self.samples, z2_symmetric=z2) * self.kT_J
        mean, se = mean_se(self.heat_kT)
        mean_J, se_J = mean * self.kT_J, se * self.kT_J
        return {"floor_J": floor_J, "heat_J": mean_J, "heat_sem_J": se_J,
                "mean_heat_J": mean_J, "mean_heat_stderr_J": se_J,  # deprecated aliases of heat_J, heat_sem_J
                "second_law_holds": bool(mean_J + 3.0 * se_J >= floor_J),
                "z2_symmetric": z2,
                "note": "kT (N ln2 - sum_i H_i(final)), runs start uniformly random; H_i an upper estimate of spin i's "
                        "final marginal entropy over reads (stats.final_entropy_upper: max of Miller-Madow and "
                        "the max-entropy bound from the spread, clipped at ln 2, + 2 SE on the sum; or, if larger, "
                        "n phi(mean read-pair disagreement + 2 jackknife SE), phi concave; floor 0 below 4 reads); for H(s) = H(-s) the states are first mapped to s_0 = +1 and the floor is "
                        "kT ((N-1) ln2 - sum_{i>0} H_i). Valid for the mean heat: second_law_holds is "
                        "mean + 3 SE >= floor."}

    def floor(self) -> dict:
        """THEORY §8a floor of the mean heat per read, its parts, tightness and whether the mean heat clears it.

        * entropy part ``kT [N ln 2 - S_tau(upper)]``: the larger of the tree (Chow-Liu) bound on a maximum-``|J|``
          spanning tree fixed from the couplings alone (:func:`limbound.stats.tree_entropy_upper`, jackknife +
          2 SE) and the marginal floor of :meth:`second_law_floor_J`; both are conservative, so is the larger;
        * speed part ``2 kT W1^2 / A`` (:func:`limbound.physics.floors.transport_term_kT`):
          ``W1 >= sum_i max(0, |p_i(+) - 1/2| - 3 SE)`` (spins start at 1/2, THEORY
          §8a spin form), ``A <=`` mean flips per read + 3 SE (every flip is one hop).

        Runs must start uniformly random (the default) and have >= :data:`MIN_FLOOR_READS` reads; otherwise 0.
        ``floor_holds``: mean heat + 3 SE >= floor.
        """
        k = self.kT_J
        q_mean, q_se = mean_se(self.heat_kT) if self.reads > 0 else (0.0, 0.0)
        ent = spd = 0.0
        tree_nats = None
        if self.extra.get("random_start", True) and self.reads >= MIN_FLOOR_READS and self.n > 0:
            tree = self.extra.get("floor_tree")
            if tree is not None and len(tree):
                tree_nats = tree_entropy_upper(self.samples, tree)["upper_nats"]
                ent = self.n * math.log(2.0) - tree_nats
            ent = max(ent, self.second_law_floor_J()["floor_J"] / k)
            w1 = w1_spin_lower_from_reads((self.samples > 0).astype(float), p0=0.5, z=MARGIN_Z)
            a_up = activity_upper_counted(self.flips.astype(float))
            spd = float(transport_term_kT(w1, a_up)) if a_up > 0 else 0.0  # no hop counted: no transport
        f = ent + spd
        return {"floor_J": f * k, "floor_parts": {"entropy_J": ent * k, "speed_J": spd * k},
                "tree_entropy_upper_nats": tree_nats,
                "heat_J": q_mean * k, "heat_sem_J": q_se * k,
                "mean_heat_J": q_mean * k, "mean_heat_stderr_J": q_se * k,  # deprecated aliases of heat_J, heat_sem_J
                "tightness": q_mean / f if f > 0 else math.inf,
                "floor_holds": bool(q_mean + 3.0 * q_se >= f),
                "method": "THEORY §8a: kT [N ln2 - S_tau(upper)] + 2 kT W1^2/A; S_tau by the tree bound on a "
                          "maximum-|J| spanning tree fixed from the couplings (jackknife + 2 SE) or the marginal "
                          "estimate, whichever gives the larger floor; W1 spin form minus 3 SE; A = flips + 3 SE"}

    def _records(self) -> list:
        """One row per read (notebooks: ``to_pandas()``, ``_repr_html_``): measured heat and work in J."""
        heat, work = self.heat_per_read_J, self.work_per_read_J
        return [{"read": r, "energy": float(self.energies[r]), "best_energy": float(self.best_energies[r]),
                 "heat_J (measured)": float(heat[r]), "work_J": float(work[r]), "flips": int(self.flips[r]),
                 **({"reached_target": bool(self.reached[r])} if self.target_energy is not None else {})}
                for r in range(self.reads)]

    def _title(self) -> str:
        return (f"AnnealResult: {self.n} spins, {self.reads} reads x {self.sweeps} sweeps, best energy "
                f"{float(np.min(self.best_energies)) if self.reads else float('nan'):g}, mean heat per read "
                f"{self.heat_J:.3g} J (measured)")

    def as_dict(self) -> dict:
        """JSON-ready summary (no per-spin arrays)."""
        k = self.kT_J
        total_J = float(self.heat_kT.sum()) * k
        work_total_J = float(self.work_kT.sum()) * k
        return {
            "n_spins": self.n, "sweeps": self.sweeps, "reads": self.reads, "seed": self.seed,
            "acceptance": self.acceptance, "schedule": dict(self.schedule),
            "lambda_range_J": [float(self.betas[0]) * k, float(self.betas[-1]) * k],
            "temperature_K": self.temperature_K, "f0_hz": self.f0_hz, "barrier_kT": self.barrier_kT,
            "sweep_time_s": self.sweep_time_s, "anneal_time_s": self.sweeps * self.sweep_time_s,
            "best_energy": float(self.best_energies.min()), "mean_energy": float(self.energies.mean()),
            "heat_J": self.heat_J,
            "heat_all_reads_J": total_J,
            "energy_dissipated_J": total_J,  # deprecated alias of heat_all_reads_J
            "energy_dissipated_per_read_J": self.heat_J,  # deprecated alias of heat_J
            "heat_per_read_J": (self.heat_kT * k).tolist(),
            "work_J": work_total_J,  # its 0.1 meaning, the total over reads, for one release (deprecated)
            "work_all_reads_J": work_total_J,
            "work_per_read_J": (self.work_kT * k).tolist(),
            "delta_U_J": float((self.U_end_kT - self.U_start_kT).sum()) * k,
            "first_law_residual": self.first_law_residual,
            "target_energy": self.target_energy,
            "target_reached_reads": int(self.reached.sum()) if self.target_energy is not None else None,
            "energy_to_target_J": self.energy_to_target_J(),
            "success_probability": float(np.mean(self.reached)) if self.target_energy is not None else None,
            "energy_to_solution_99_J": self.energy_to_solution_99_J(),
            "time_to_target_s": (float(self.attempts_to_target[self.reached].mean()) / self.n * self.sweep_time_s
                                 if self.target_energy is not None and np.any(self.reached) else None),
            "spin_updates": self.reads * self.attempts, "flips": int(self.flips.sum()),
            "spin_updates_per_s": self.spin_updates_per_s, "time_s": self.wall_time_s,
            "priced": self.priced(), "second_law": self.second_law_floor_J(), "floor": self.floor(),
            "definitions": dict(JSON_DEFINITIONS),
            "status": self.status, "message": self.message,
        }

    @property
    def status(self) -> str:
        """``success``; with a target, ``target_reached`` (by some read) or ``target_not_reached``."""
        if self.target_energy is None:
            return "success"
        return "target_reached" if np.any(self.reached) else "target_not_reached"

    @property
    def message(self) -> str:
        done = f"{self.reads} reads x {self.sweeps} sweeps annealed"
        if self.target_energy is None:
            return done
        return f"{done}; {int(self.reached.sum())} of {self.reads} reads reached the target energy {self.target_energy:g}"


#: What the energy keys of :meth:`AnnealResult.as_dict` (and the ``anneal`` CLI JSON) mean.
JSON_DEFINITIONS = {
    "heat_J": "measured: heat released to the bath by one read, mean over reads (J), as heat_J of qp and train",
    "heat_all_reads_J": "measured: heat released to the bath, summed over all reads (J) = heat_J x reads",
    # the names before 0.2 (deprecated aliases of heat_all_reads_J and heat_J), their text unchanged
    "energy_dissipated_J": "heat released to the bath, summed over all reads (J)",
    "energy_dissipated_per_read_J": "heat released by one read, mean over reads (J) = energy_dissipated_J / reads",
    "energy_to_target_J": "per read: heat a read released until its energy first reached the target, mean over "
                          "the reads that reached it (J); null if none did",
    "energy_to_solution_99_J": "per solve: mean heat of a whole read times the restarts needed for 99 % success (J)",
    "work_J": "protocol work, summed over all reads (J)",
    "work_all_reads_J": "protocol work done on the spins, summed over all reads (J); work_J holds the same total "
                        "until the next release, then the mean per read (as heat_J)",
    "work_per_read_J": "protocol work done on each read (J)",
    "priced.run_all_reads": "the whole run, all reads, in every paradigm (J)",
    "priced.to_target_mean_per_read": "per read, mean over the reads that reached the target (J)",
}
