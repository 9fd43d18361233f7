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
from .params import AnyOf, Boolean, Integer, Limit, ListOf, Options, Quantity, Real, Spec, Text
from .physics.static import D_RET_DEFAULT, D_W_DEFAULT, RETENTION_DEFAULT_S

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
THERMAL = Spec("thermal", {"temperature_K": TEMPERATURE, "f0_hz": F0})

#: Default work budget of one command (s): about 10 minutes on the 2-core reference machine (limbound.budget).
DEFAULT_MAX_TIME_S = 600.0
#: The work budget of a command that can run long (``anneal``, ``qp``, ``train``, ``sweep``): a run estimated
#: above it is refused before any work (limbound.budget.check_budget); ``--max-time none`` lifts it.
MAX_TIME = Limit("time", default=DEFAULT_MAX_TIME_S, flag="--max-time", metavar="TIME",
                 help="refuse runs estimated longer than this, e.g. 2h, or 'none' (default 10min)")
BUDGET = Spec("check_budget", {"max_time_s": MAX_TIME})  # limbound.budget.check_budget

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
    "temperature_K": Quantity("temperature", default=T_DEFAULT_K, cli_default="300K", flag="--temperature",
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
}, aliases={"time": "time_s", "temperature": "temperature_K", "attempt_frequency": "f0_hz", "retention": "retention_s"})

GAP = Spec("gap_orders", {  # bounds.gap_orders, `limbound gap` (its run: the ESTIMATE options, in gap's words)
    "measured_J": Quantity("energy", flag="--measured", help="measured energy with its unit, e.g. 1287MWh, 4.6TJ, "
                                                             "3e9J (with --flops and --params, or a --workload)"),
})

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

FIRST_PASSAGE = Spec("first_passage", {  # limbound.sim.langevin.first_passage (the Langevin settings as simulate's)
    "target": Real(help="position to reach (every particle starts on the same side of it)"),
    "gamma": SIMULATE["gamma"],
    "dt": SIMULATE["dt"],
    "seed": SIMULATE["seed"],
    "max_time": Real(0.0, closed="neither", help="longest time a particle runs"),
    "kT": SIMULATE["kT"],
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
    "temperature_K": TEMPERATURE,
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

# ------------------------------------------------------------------ LIM memories as solvers (solvers.qp, solvers.train)
#: LIM update rules (THEORY §6) and the engines of the gradient rule (the array simulator).
RULES = ("gradient", "anneal")
ENGINES = ("poisson", "sync")
#: Gradient-rule drivers of solve_qp: interior point (default) or OSQP's ADMM.
QP_METHODS = ("ipm", "admm")
#: Models of solvers.train.
MODELS = ("logreg", "mlp")
#: Largest random QP: P is dense (n x n float64, 3.2 GB at 20000).
MAX_RANDOM_N = 20_000
#: Largest condition number of a random problem.  P = Q diag(e) Q' is formed in double precision, with rounding
#: errors of about 2.2e-16 * lambda_max * sqrt(n) in every eigenvalue: from kappa ~ 1e9 the smallest eigenvalues
#: sit at the solver's singularity tolerance (``_PSD_RTOL`` = 1e-9 of lambda_max, so ``QPProblem.kappa`` turns
#: inf) and OSQP (eps 1e-9) stops at its iteration limit on most seeds (measured: n = 5, 50, seeds 0-2 all
#: solved at 1e8, 3 of 6 at 1e9, none at 1e10); kappa = 1e300 gives a P that OSQP finds non-convex.
MAX_RANDOM_KAPPA = 1e8

_LIM = {  # the parameters solve_qp and train_digits share, declared once
    "rule": Options(*RULES, default="gradient", help="LIM update rule (THEORY §6)"),
    "reads": Integer(2, why="entropy over reads", default=4, help="independent runs (>= 2; entropy over reads) (default 4)"),
    "dt_s": Quantity("time", default=1e-6, cli_default="1us", flag="--dt", help="update time, e.g. 1us (default 1us)"),
    "f0_hz": F0,
    "temperature_K": TEMPERATURE,
    "seed": SEED,
    "engine": Options(*ENGINES, default="poisson", flag=False, help="engine of the gradient rule"),
    "C": Real(0.0, closed="neither", default=1.0, flag=False, help="constant of the convergence class (THEORY §3)"),
}

QP = Spec("solve_qp", {
    "bits": Integer(2, 24, default=16, why="the QP solver", help="bits per memory, 2..24 (default 16)"),
    **_LIM,
    "seed": Integer(0, default=0, help="seed of the problem, the initial levels and the hops (default 0)"),
    "max_updates": Integer(1, optional=True, flag=False, help="cap on LIM updates of each read"),
    "inner_tol": Real(0.0, 1.0, closed="right", default=0.5, flag=False,
                      why="beyond one level an inner solve may end before the memories sit next to their "
                          "conditional optima",
                      help="annealing rule: an inner solve ends when every memory is within this many levels of "
                           "its conditional optimum"),
    "max_inner": Integer(1, optional=True, flag=False, help="inner updates per outer step"),
    "max_outer": Integer(1, default=60, flag=False, help="augmented-Lagrangian outer steps"),
    "constraint_tol": Real(0.0, closed="neither", default=1e-4, flag=False, help="constraint tolerance"),
    "rho": Real(0.0, closed="right", optional=True, flag=False, why="it divides the multipliers",
                help="augmented-Lagrangian penalty (default lambda_max(P)/||A||^2)"),
    "reference": Options("osqp", default="osqp", optional=True, flag=False, help="'osqp' or None"),
    "read_energy_J": Real(0.0, default=0.0, flag=False, help="energy per memory read (memory wall)"),
    "eps": Real(0.0, closed="neither", default=1e-4, flag=False, help="tolerance of the status solved (relative)"),
    "max_iter": Integer(1, optional=True, flag=False, help="iterations per read (default 200 ipm, 4000 admm)"),
    "time_limit_s": Real(0.0, closed="neither", default=60.0, flag=False, help="wall-clock budget of the run (s)"),
    "banks": Integer(1, 4, default=4, flag=False, help="memories per variable (precision banks)"),
    "method": Options(*QP_METHODS, default="ipm", flag=False, help="gradient-rule driver"),
}, aliases={"dt": "dt_s"})

RANDOM_QP = Spec("random_qp", {  # solvers.qp.random_qp
    "n": Integer(2, MAX_RANDOM_N, why="P is dense", flag="--random", metavar="N",
                 help="a random well-conditioned convex QP with N variables"),
    "seed": Integer(0, default=0, flag=False, help="seed of the problem"),
    "kappa": Real(1.0, MAX_RANDOM_KAPPA, default=10.0,
                  why="P is built in double precision: beyond that it is singular to the solver's 1e-9 tolerance "
                      "and OSQP does not converge", help="condition number of the random P (default 10)"),
    "m_ineq": Integer(0, optional=True, flag=False, help="inequality rows (default n // 10)"),
    "m_eq": Integer(0, optional=True, flag=False, help="equality rows (default n // 50)"),
    "box": Real(0.0, closed="neither", default=1.0, flag=False, help="half-width of the box"),
})

TRAIN = Spec("train_digits", {  # solvers.train.train_digits
    "model": Options(*MODELS, default="logreg", help="model (default logreg)"),
    "bits": Integer(2, 24, default=8, why="training", help="bits per weight memory, 2..24 (default 8)"),
    **_LIM,
    "reads": Integer(2, why="entropy over reads", default=4, help="independent runs (>= 2) (default 4)"),
    "seed": Integer(0, default=0, help="seed (default 0)"),
    "epochs": Integer(1, default=30, help="epochs (default 30)"),
    "batch": Integer(1, default=32, flag=False, help="minibatch size"),
    "lr": Real(0.0, closed="neither", optional=True, flag=False, help="learning rate (default 0.5 logreg, 0.2 mlp)"),
    "l2": Real(0.0, default=1e-3, flag=False, help="L2 penalty"),
    "float_reference": Boolean(default=True, flag=False, help="also train the float32 model"),
}, aliases={"dt": "dt_s"})

# ------------------------------------------------------------------ validation and the report
VALIDATE = Spec("validate", {  # sim.validate.run_all, `limbound validate`
    "quick": Boolean(default=False, help="smaller samples (well under a minute); same physics"),
    "seed": Integer(0, default=0, help="seed of every random stream, integer >= 0 (default 0)"),
    "only": Text(optional=True, metavar="GROUP[,GROUP...]",
                 help="run only these groups (exact names, comma-separated): kramers, drag, erasure, master, lim, "
                      "static, design"),
    "alpha": Real(0.0, 1.0, closed="neither", default=0.01, flag=False,
                  help="family-wise false-alarm probability (stats.FAMILY_ALPHA)"),
})

# The groups of the validation suite, one spec per group function (sim.validate.<group>_cases): the inputs of a
# `limbound sweep` point of kind "validate" (group = NAME).  Not declared: kramers' ``splitting`` (a table of
# forward-flux settings, which a sweep config cannot give) and the design group's (not a sweep group).
_POSITIVE = dict(lo=0.0, closed="neither")
_GAMMA = Real(**_POSITIVE, default=1.0, help="friction coefficient")
_GROUP_SEED = Integer(0, default=0, help="seed of the group's random streams")
KRAMERS_CASES = Spec("kramers_cases", {
    "barriers": ListOf(Real(**_POSITIVE), default=(4.0, 6.0, 8.0, 10.0), help="barriers in kT"),
    "direct": ListOf(Real(**_POSITIVE), empty=True, default=(4.0,),
                     help="barriers measured by direct first passage (the others by splitting)"),
    "n_direct": Integer(1, default=20000, help="particles of a direct first-passage case"),
    "dt": Real(**_POSITIVE, default=5e-4, help="Langevin time step"),
    "separate": Boolean(default=True, help="also require the measured time to reject Kramers' formula"),
    "seed": _GROUP_SEED,
    "a": Real(**_POSITIVE, default=1.0, help="half-distance between the wells"),
    "gamma": _GAMMA,
})
DRAG_CASES = Spec("drag_cases", {
    "n_particles": Integer(1, default=100_000, help="particles simulated"),
    "k": Real(**_POSITIVE, default=1.0, help="trap stiffness"),
    "L": Real(**_POSITIVE, default=3.0, help="drag distance"),
    "tau": Real(**_POSITIVE, default=1.0, help="protocol duration"),
    "gamma": _GAMMA,
    "dt": Real(**_POSITIVE, default=1e-3, help="Langevin time step"),
    "seed": _GROUP_SEED,
})
ERASURE_CASES = Spec("erasure_cases", {
    "taus": ListOf(Real(**_POSITIVE), default=(10.0, 20.0, 40.0, 80.0, 160.0), help="protocol durations"),
    "n_particles": Integer(1, default=4000, help="particles simulated per duration"),
    "barrier": Real(**_POSITIVE, default=12.0, help="barrier in kT"),
    "tilt": Real(0.0, default=8.0, help="tilt in kT"),
    "gamma": _GAMMA,
    "dt": Real(**_POSITIVE, default=1e-3, help="Langevin time step"),
    "seed": _GROUP_SEED,
})
MASTER_CASES = Spec("master_cases", {
    "n_levels": Integer(2, default=6, help="levels per memory"),
    "n_memories": Integer(1, default=200_000, help="memories simulated"),
    "f0_hz": Quantity("frequency", default=F0_DEFAULT_HZ, help="attempt frequency (1/s)"),
    "seed": _GROUP_SEED,
    "sync": Boolean(default=True, help="also check the synchronous engine"),
})
LIM_CASES = Spec("lim_cases", {
    "bits": ListOf(BITS, default=(4, 8), help="bits per memory, one case set each"),
    "n_memories": Integer(1, default=100_000, help="memories simulated"),
    "dt_s": Quantity("time", default=1e-6, help="update time (s)"),
    "f0_hz": Quantity("frequency", default=F0_DEFAULT_HZ, help="attempt frequency (1/s)"),
    "seed": _GROUP_SEED,
    "settle_dt": Real(**_POSITIVE, default=20.0, help="update times held before the stationary occupancy is read"),
})
STATIC_CASES = Spec("static_cases", {
    "n_memories": Integer(1, default=1_000_000, help="memories simulated"),
    "dt_s": Quantity("time", default=1e-6, help="write time (s)"),
    "retention_s": Quantity("time", default=RETENTION_DEFAULT_S, help="retention time (s)"),
    "f0_hz": Quantity("frequency", default=F0_DEFAULT_HZ, help="attempt frequency (1/s)"),
    "probs": ListOf(Real(**PROBABILITY), default=(1e-2, 1e-3), help="failure probabilities counted directly"),
    "default_prob": Real(**PROBABILITY, default=1e-6, help="failure probability sampled by first passage"),
    "n_rate": Integer(1, default=100_000, help="memories of the first-passage rate estimate"),
    "seed": _GROUP_SEED,
})
#: The sweep's validation groups (kind "validate", input ``group``) and the spec of each group function.
VALIDATE_CASES = {s.name.removesuffix("_cases"): s for s in (KRAMERS_CASES, DRAG_CASES, ERASURE_CASES, MASTER_CASES,
                                                               LIM_CASES, STATIC_CASES)}
VALIDATE_GROUP = Options(*VALIDATE_CASES, help="the validation group a sweep point runs")

REPRODUCE = Spec("reproduce", {  # report.reproduce.reproduce, `limbound reproduce`
    "quick": Boolean(default=False, help="small grids and short simulations (under 2 minutes on 2 cores)"),
    "seed": Integer(0, default=0, help="seed of every random panel (integer >= 0, default 0)"),
    "progress": Boolean(default=True, flag=False, help="show a progress bar (on a terminal)"),
    "force": Boolean(default=False, help="write into a folder another limbound command wrote"),
})

# ------------------------------------------------------------------ the catalogs and what they cite
#: The shipped catalogs (``catalogs/data/<name>.toml``); ``limbound workloads | hardware | devices`` list three.
CATALOGS = ("workloads", "hardware", "devices", "chips", "ising_machines")
CATALOG = Spec("load", {  # catalogs.load; at the CLI the command's name is the catalog
    "kind": Options(*CATALOGS, flag=False, help="the catalog"),
})
SOURCES = Spec("citations", {  # catalogs.citations, `limbound sources ID ...` (a positional list)
    "ids": ListOf(Text(), empty=True, default=(), positional=True, metavar="ID",
                  help="source ids such as S7 or [S7] (default: all)"),
})

#: The ladder's switch for catalog rows whose value was not read in the source's text.
_UNVERIFIED = Boolean(default=False, help="also use rows not read in their source's text (marked)")
WORKLOAD_LADDER = Spec("workload_ladder", {  # report.ladder.workload_ladder, `limbound ladder --workload`
    "workload": Text(help="a catalog workload, e.g. gpt-3"),
    "include_unverified": _UNVERIFIED,
})
ISING_LADDER = Spec("ising_ladder", {  # report.ladder.ising_ladder, `limbound ladder --ising` (--gset-dir: a path)
    "instance": Text(flag="--ising", metavar="INSTANCE", help="a G-set instance in the G-set folder, e.g. G1"),
    "sweeps": Integer(1, 10**7, default=1000, help="anneal sweeps per read for --ising (default 1000)"),
    "reads": Integer(1, 10**6, default=16, help="anneal reads for --ising (default 16)"),
    "seed": Integer(0, 2**63 - 1, default=0, help="anneal seed for --ising (default 0)"),
    "target_fraction": Real(0.0, 1.0, closed="right", default=0.99,
                            help="target cut = this fraction of the best known (default 0.99)"),
    "include_unverified": _UNVERIFIED,
})

SWEEP = Spec("run_sweep", {  # report.sweep.run_sweep, `limbound sweep` (the grid itself: report.sweep.config)
    "scheduler": Text(optional=True, metavar="ADDRESS", help="address of a running Dask scheduler, e.g. "
                                                             "tcp://host:8786 (default: start a local cluster)"),
    "n_workers": Integer(1, default=2, flag="--workers", help="workers of the local cluster (default 2)"),
    "processes": Boolean(default=True, flag=False, help="a local cluster of processes (False: threads; --threads)"),
    "max_points": Integer(0, optional=True, help="run at most this many pending points, then stop (resume later)"),
    "progress": Boolean(default=True, flag=False, help="show progress on stderr, on a terminal (--no-progress)"),
    "force": Boolean(default=False, help="run into a --out that holds another config's (or command's) results"),
    "max_time_s": MAX_TIME,
})

#: Every spec, by front door (tests/test_params.py walks them).
SPECS = {s.name: s for s in (BUDGET, ESTIMATE, GAP, SIMULATE, FIRST_PASSAGE, GILLESPIE, ANNEAL, MAXCUT, QP, RANDOM_QP, TRAIN, VALIDATE,
                              *VALIDATE_CASES.values(), REPRODUCE, CATALOG, SOURCES, WORKLOAD_LADDER, ISING_LADDER, SWEEP)}
