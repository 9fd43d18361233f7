"""Closed-form physics of THEORY §1-2, §4, §7 and §8: rates, per-operation energies, floors, simulator checks.

The bottom layer (DESIGN.md): every formula of the model lives here, one
formula per function, one topic per module, SI units (energies in kT where
the name ends in ``_kT``); derivations in ``docs/theory.md`` under the same
section numbers.  Functions with more than three parameters take the options
past the third as keywords only.

* :mod:`.rates` -- Arrhenius/Kramers hops, dwell time, tilted rates, retention barrier (§1)
* :mod:`.landauer` -- Landauer adiabatic reference and final-state floor (§2a)
* :mod:`.lim` -- learning-in-memory tilt, barrier and speed trade-off (§2b)
* :mod:`.static` -- static-barrier compute-in-memory write tilt, consolidation (§2c, §2c')
* :mod:`.accelerator` -- digital accelerator energy per FLOP (§2d)
* :mod:`.cooling` -- Carnot work to hold a memory below the ambient (§4a of docs/theory.md)
* :mod:`.floors` -- finite-time floors of hopping and continuous memories (§8a, §8b)
* :mod:`.thermo` -- closed forms the simulators are checked against: Kramers, exact MFPT, optimal drag,
  generalised Landauer bound (§7)
"""
from .accelerator import accelerator_energy_J, energy_per_flop_J
from .landauer import final_state_floor_J, landauer_per_op_J
from .lim import lim_barrier_kT, lim_per_op_J, lim_tilt_kT, precision_eps, precision_tilt_kT, speed_tilt_kT
from .rates import arrhenius_rate, dwell_time_s, retention_barrier_kT, tilted_rates
from .static import consolidation_J, static_per_op_J, static_per_op_kT, write_tilt_kT

__all__ = [
    "arrhenius_rate", "dwell_time_s", "tilted_rates", "retention_barrier_kT",
    "landauer_per_op_J", "final_state_floor_J",
    "precision_eps", "precision_tilt_kT", "speed_tilt_kT", "lim_tilt_kT", "lim_barrier_kT", "lim_per_op_J",
    "write_tilt_kT", "static_per_op_kT", "static_per_op_J", "consolidation_J",
    "energy_per_flop_J", "accelerator_energy_J",
]
