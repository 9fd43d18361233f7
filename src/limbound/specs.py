"""The declared parameters of every front door, in one place (the framework: :mod:`limbound.params`).

Each :class:`~limbound.params.Spec` below is the one statement of a front door's inputs -- type, range,
units, choices, default and help.  The function checks them at its entry (``@SPEC.validates``), the CLI
builds its options from them (``SPEC.add_arguments``) and the sweep kinds validate their configs with them
(``SPEC.check_config``); ``tests/test_params.py`` walks every parameter declared here.  Choice lists
(schedules, rules, models ...) live here and the modules that dispatch on them import them.

This module imports only the bottom layers (constants, units, errors, physics defaults), so the CLI can build its parser
without importing numba or the solvers.
"""
from __future__ import annotations

from .constants import F0_DEFAULT_HZ, T_DEFAULT_K
from .physics.static import D_RET_DEFAULT, D_W_DEFAULT, RETENTION_DEFAULT_S
from .params import AnyOf, Boolean, Integer, ListOf, Options, Quantity, Real, Spec, Text

# ------------------------------------------------------------------ shared declarations
#: The integer rule and range of a seed (numpy's default_rng, numba streams).
SEED = Integer(0, help="random seed, an integer >= 0", default=0)
BITS = Integer(1, 64, help="bits of precision per parameter, 1..64")
TEMPERATURE = Quantity("temperature", default=T_DEFAULT_K, cli_default="300K", flag="--temperature",
                       help="bath temperature, e.g. 300K")
F0 = Quantity("frequency", default=F0_DEFAULT_HZ, cli_default="1e9/s", flag=["--attempt-frequency", "--f0"],
              metavar="F0", help="attempt frequency f0, e.g. 1e9/s (default 1e9/s; --f0 is an alias)")
PROBABILITY = dict(lo=0.0, hi=1.0, closed="neither")
#: The physics options of every command that simulates memories (``anneal``, ``qp``, ``train``).
THERMAL = Spec("thermal", {"T_K": TEMPERATURE, "f0_hz": F0})

#: Counting conventions of OPS (limbound.counting, THEORY §4).
COUNTINGS = ("per-operation", "per-update")
#: Named consolidation policies of the volatile store (THEORY §2c'); a number >= 0 is also accepted.
CONSOLIDATION_POLICIES = ("per-step", "per-epoch")

# ------------------------------------------------------------------ estimate (bounds.resolve, `limbound estimate`)
_COUNT = dict(lo=0.0, closed="neither", optional=True)
ESTIMATE = Spec("estimate", {
    "params": Real(**_COUNT, help="number of parameters N, e.g. 1e15"),
    "tokens": Real(**_COUNT, help="training tokens or samples D (FLOPs = 6 N D)"),
    "flops": Real(**_COUNT, help="training FLOPs"),
    "ops": Real(**_COUNT, help="memory operations OPS, given directly"),
    "bits": Integer(1, 64, optional=True, help="bits of precision per parameter, 1..64 (default 16)"),
    "time_s": Quantity("time", optional=True, flag="--time",
                       help="time-to-solution, e.g. 30d (default: the workload's published time, else 30d)"),
    "T_K": Quantity("temperature", default=T_DEFAULT_K, cli_default="300K", flag="--temperature",
                    help="bath temperature, e.g. 300K (default 300K)"),
    "T_ambient_K": Quantity("temperature", default=T_DEFAULT_K, cli_default="300K", flag="--ambient",
                            help="ambient temperature, e.g. 300K (default 300K): below it the heat of the kT-scaled "
                                 "paradigms is pumped out at the Carnot work Q (T_amb/T - 1)"),
    "f0_hz": Quantity("frequency", default=F0_DEFAULT_HZ, cli_default="1e9/s", flag="--attempt-frequency",
                      help="attempt frequency f0, e.g. 1e9/s (default 1e9/s)"),
    "retention_s": Quantity("time", default=RETENTION_DEFAULT_S, cli_default="10y", flag="--retention",
                            help="retention time of the static memory, e.g. 10y (default 10y)"),
    "d_ret": Real(**PROBABILITY, default=D_RET_DEFAULT, cli_default="1e-6", flag="--retention-failure",
                  help="retention failure probability d_ret, in (0,1) (default 1e-6)"),
    "d_w": Real(**PROBABILITY, default=D_W_DEFAULT, cli_default="1e-6", flag="--write-failure",
                help="write failure probability d_w, in (0,1) (default 1e-6)"),
    "eps": Real(**PROBABILITY, optional=True, flag=False, help="update error probability (default 2^-(b+1))"),
    "counting": Options(*COUNTINGS, default="per-operation",
                        help="per-operation (OPS = FLOPs, default) or per-update (OPS = N steps)"),
    "batch_tokens": Real(**_COUNT, help="tokens per optimizer step (per-update counting; default 1 = online)"),
    "consolidations": AnyOf(Options(*CONSOLIDATION_POLICIES), Real(0.0), default="per-step",
                            help="consolidations of volatile CIM's short-term store into non-volatile memory: per-step "
                                 "(default: one per optimizer step, tokens / batch-tokens), per-epoch (needs --epochs), "
                                 "or a number (e.g. checkpoints)"),
    "epochs": Real(**_COUNT, help="epochs of the run (for --consolidations per-epoch)"),
    "accelerator": Text(optional=True, help="hardware catalog name (default: the best BF16 part in the catalog)"),
    "precision": Text(default="bf16", flag=False, help="accelerator precision (default bf16)"),
    "workload": Text(optional=True, help="a catalog workload (see `limbound workloads`), or 'all' for one row each"),
    "device": Text(optional=True, help="also price the run on a memory technology from `limbound devices` "
                                       "(cell-level write energy)"),
}, aliases={"time": "time_s", "temperature": "T_K", "attempt_frequency": "f0_hz", "retention": "retention_s"})

# ------------------------------------------------------------------ simulators (no CLI of their own)
SIMULATE = Spec("simulate", {  # limbound.sim.langevin.simulate
    "gamma": Real(0.0, closed="neither", help="friction coefficient"),
    "dt": Real(0.0, closed="neither", help="time step"),
    "seed": Integer(0, help="seed of the per-particle random streams"),
    "kT": Real(0.0, closed="neither", default=1.0, help="thermal energy in the potential's unit"),
    "record_every": Integer(0, default=0, help="save positions every this many steps (0: never)"),
    "n_steps": Integer(1, optional=True, default=None, help="steps (default round(duration / dt))"),
})

GILLESPIE = Spec("gillespie", {  # limbound.sim.gillespie.gillespie
    "n_levels": Integer(2, help="levels per memory"),
    "seed": Integer(0, help="seed of the per-memory random streams"),
    "f0_hz": Quantity("frequency", default=F0_DEFAULT_HZ, help="attempt frequency (1/s)"),
    "record": Boolean(default=False, help="keep a copy of the levels at every segment end"),
    "max_segments": Integer(1, default=10_000_000, help="most segments run"),
})

# ------------------------------------------------------------------ the LIM Ising machine (solvers.ising.anneal)
#: Annealing schedules in beta = lam/kT (solvers.ising.schedules, THEORY §6).
SCHEDULES = ("fn", "linear", "geometric")
#: Acceptance rules of a spin flip (solvers.ising.kernel).
ACCEPTANCES = ("metropolis", "glauber")
#: The read-out hold: the last READOUT_FRACTION of the sweeps at READOUT_FACTOR x beta_cold.
READOUT_FRACTION, READOUT_FACTOR = 0.03, 5.0

ANNEAL = Spec("anneal", {
    "sweeps": Integer(1, default=1000, help="attempts per spin per read (default 1000)"),
    "reads": Integer(1, default=16, help="independent reads from random spins (default 16)"),
    "schedule": Options(*SCHEDULES, default="fn",
                        help="annealing schedule in beta = lam/kT (default fn: lam0 ln(1 + t/t0))"),
    "beta_range": ListOf(Real(0.0, closed="neither"), length=2, optional=True, metavar=("HOT", "COLD"),
                         help="beta per unit of H at the start and end (default: from the couplings)"),
    "seed": Integer(0, default=0, help="random seed (default 0)"),
    "target_energy": Real(optional=True, flag=False, help="record heat and counts until H <= target_energy"),
    "acceptance": Options(*ACCEPTANCES, default="metropolis", help="acceptance rule of a spin flip"),
    "T_K": TEMPERATURE,
    "f0_hz": F0,
    "barrier_kT": Real(0.0, default=0.0, flag="--barrier", metavar="KT",
                       help="barrier above the upper well in kT; a sweep lasts exp(barrier)/f0 (default 0)"),
    "fn_t0_sweeps": Real(0.0, closed="neither", optional=True, flag=False,
                         help="FN time constant in sweeps (default a fraction of the anneal sweeps)"),
    "readout_fraction": Real(0.0, 1.0, closed="left", default=READOUT_FRACTION, flag=False,
                             help="share of the sweeps held at the read-out beta (0: no hold)"),
    "readout_factor": Real(0.0, closed="neither", default=READOUT_FACTOR, flag=False,
                           help="read-out beta over beta_cold"),
})

MAXCUT = Spec("solve_maxcut", {  # solvers.maxcut.solve_maxcut: the anneal of a MaxCut graph
    "target_cut": Real(0.0, optional=True, flag="--target", metavar="CUT",
                       help="target cut: report the energy dissipated until a read first reaches it"),
})

#: Every spec, by front door (tests/test_params.py walks them).
SPECS = {s.name: s for s in (ESTIMATE, SIMULATE, GILLESPIE, ANNEAL, MAXCUT)}
