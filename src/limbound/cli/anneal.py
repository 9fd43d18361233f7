"""``limbound anneal GRAPH``: MaxCut of a G-set/rudy graph in the LIM Ising machine (THEORY §6).

Parses, calls :func:`limbound.solvers.maxcut.solve_maxcut`, prints.  With
``--json``: ``inputs``, ``results``, ``provenance`` (README "JSON output");
``results`` has the keys ``best_cut``, ``mean_cut``,
``heat_J`` (measured heat of one read, mean over reads, as in ``qp`` and
``train``), ``heat_all_reads_J`` (heat summed over ALL reads; before 0.2
``energy_dissipated_per_read_J`` and ``energy_dissipated_J``, kept as aliases),
``energy_to_target_J`` (PER READ: mean, over the reads that reached the
target, of the heat each dissipated until it first did; null if none did),
``success_probability``, ``energy_to_solution_99_J`` (restarts to 99 %),
``spin_updates_per_s``, ``first_law_residual``, ``time_s`` (wall-clock
seconds of the simulation), ``definitions`` (these meanings, in the output
itself) and the full anneal record under ``anneal``; ``inputs`` records the
``graph_sha256`` of the file's bytes.  The same keys at the top level and
``provenance.inputs`` are the pre-0.2 layout (deprecated aliases).
"""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .. import __version__
from ..specs import ANNEAL, BUDGET, MAXCUT
from ._common import (
    add_progress_arg,
    add_thermal_args,
    emit_json,
    epilog,
    g3,
    progress,
    refuse_args,
    table,
    thermal_kwargs,
)

if TYPE_CHECKING:
    from ..solvers.maxcut import MaxCutGraph


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("anneal", help="MaxCut of a G-set/rudy graph annealed in LIM memories, with the heat it dissipates",
                       description="Simulated annealing of MaxCut on a G-set/rudy graph with every spin a two-well "
                                   "LIM memory: the cut found, the heat each read dissipates (measured), the "
                                   "second-law floor and the per-update estimates of each paradigm.",
                       epilog=epilog("limbound anneal G1.txt --reads 16 --sweeps 1000",
                                     "limbound anneal G1.txt --target 11624 --schedule geometric",
                                     "limbound anneal G1.txt --temperature 77K --barrier 20 --json"))
    p.add_argument("graph", metavar="GRAPH", help="G-set / rudy file ('n m' header, then 'i j w' lines, 1-based)")
    ANNEAL.add_arguments(p, ["sweeps", "reads", "schedule", "beta_range"])
    p.add_argument("--readout", type=float, nargs=2, metavar=("FRACTION", "FACTOR"),
                   default=(ANNEAL["readout_fraction"].default, ANNEAL["readout_factor"].default),
                   help="read-out hold: the last FRACTION of the sweeps at FACTOR x beta_cold (default 0.03 5; 0 1 = off)")
    ANNEAL.add_arguments(p, ["acceptance", "seed"])
    MAXCUT.add_arguments(p, ["target_cut"])
    ANNEAL.add_arguments(p, ["barrier_kT"])
    p.add_argument("--merge-duplicates", action="store_true",
                   help="sum the weights of an edge listed twice (default: refuse the file, naming both lines)")
    BUDGET.add_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    add_thermal_args(p)
    add_progress_arg(p)
    refuse_args(p, {"--bits": "every spin is one bit (a two-well memory)",
                    "--dt": "a sweep lasts exp(barrier)/f0; set --barrier and --attempt-frequency"})
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..budget import anneal_seconds, check_budget
    from ..solvers.ising import check_memory, check_time_scale
    from ..solvers.maxcut import read_gset, solve_maxcut

    # every option was read and checked by its declaration (limbound.specs.ANNEAL); --beta-range and --readout here
    args.beta_range = ANNEAL.from_args(args, ("beta_range",)).get("beta_range")
    ANNEAL.check({"readout_fraction": args.readout[0], "readout_factor": args.readout[1]})
    th = thermal_kwargs(args)
    temperature_K, f0 = th["temperature_K"], th["f0_hz"]
    check_time_scale(f0, args.barrier, temperature_K, names=("--attempt-frequency", "--barrier", "--temperature"))  # before any work
    graph = read_gset(args.graph, merge_duplicates=args.merge_duplicates)
    check_memory(graph.n, args.sweeps, args.reads)
    check_budget(*anneal_seconds(graph.n, args.sweeps, args.reads)[::-1], args.max_time)  # before any work
    with progress(args, f"anneal {graph.name}: {args.reads} reads x {args.sweeps} sweeps"):
        res = solve_maxcut(graph, target_cut=args.target, sweeps=args.sweeps, reads=args.reads,
                           schedule=args.schedule, beta_range=args.beta_range, seed=args.seed,
                           acceptance=args.acceptance, temperature_K=temperature_K, f0_hz=f0, barrier_kT=args.barrier,
                           readout_fraction=args.readout[0], readout_factor=args.readout[1])
    out = res.as_dict()
    inputs = dict(graph=str(args.graph), graph_sha256=graph.sha256, sweeps=args.sweeps, reads=args.reads,
                  schedule=args.schedule, beta_range=args.beta_range, readout=list(args.readout),
                  acceptance=args.acceptance, target_cut=args.target, temperature_K=temperature_K, f0_hz=f0, barrier_kT=args.barrier)
    if args.json:  # before 0.2: the result's keys at the top, provenance {version, seed, inputs} (kept as aliases)
        return emit_json(args, out, inputs, seed=args.seed,
                         legacy={**out, "provenance": {"version": __version__, "seed": args.seed, "inputs": inputs}})
    _show(args, graph, out)
    return 0


def _show(args: argparse.Namespace, graph: MaxCutGraph, out: dict) -> None:
    """The anneal's table: each quantity with its kind (measured / floor / estimate), at the terminal's width."""
    a = out["anneal"]
    run_p = a["priced"]["run_all_reads"]
    tgt_p = a["priced"]["to_target_mean_per_read"] or {}
    law = a.get("second_law") or {}
    fl = a.get("floor") or {}
    target = args.target is not None
    se = law.get("heat_sem_J")
    rows = [  # quantity, kind, whole run (all reads) [, to target: mean per read]
        ["best cut / mean cut", "measured", f"{out['best_cut']:g} / {out['mean_cut']:.3g}",
         f"{args.target:g} reached by {a['target_reached_reads']}/{args.reads} reads" if target else ""],
        ["heat per read, mean ± SE [J]", "measured",
         f"{g3(out['heat_J'])} ± {g3(se)}" if se is not None else g3(out["heat_J"]),
         g3(tgt_p.get("lim_measured_J"))],
        ["floor per read (entropy + speed, THEORY §8a) [J]", "floor", g3(fl.get("floor_J")), ""],
        ["tightness (measured / floor)", "ratio", g3(fl.get("tightness")), ""],
        ["heat, all reads [J]", "measured", g3(run_p["lim_measured_J"]), ""],
        ["heat to 99 % success by restarts [J]", "measured", "", g3(out["energy_to_solution_99_J"])],
        ["LIM e_LIM(b=1) x spin updates [J]", "estimate", g3(run_p["lim_estimate_J"]), g3(tgt_p.get("lim_estimate_J"))],
        ["Landauer kT ln2 x spin updates [J]", "estimate", g3(run_p["landauer_J"]), g3(tgt_p.get("landauer_J"))],
        ["static CIM e_static x flips [J]", "estimate", g3(run_p["static_cim_J"]), g3(tgt_p.get("static_cim_J"))],
        ["accelerator FLOPs x e_FLOP [J]", "estimate", g3(run_p["accelerator_J"]), g3(tgt_p.get("accelerator_J"))],
        ["spin updates", "count", g3(run_p["spin_updates"]), g3(tgt_p.get("spin_updates"))],
        ["first-law residual", "check", g3(out["first_law_residual"]), ""],
        ["spin updates per s (simulation)", "speed", g3(out["spin_updates_per_s"]), ""],
        ["wall time / anneal time [s]", "time", f"{g3(out['time_s'])} / {g3(a['anneal_time_s'])}", ""],
    ]
    if not target:  # no empty column or row without --target
        rows = [r[:3] for r in rows if r[2] != ""]
    table(f"limbound anneal {graph.name} ({graph.n} nodes, {graph.m} edges, schedule {args.schedule})",
          ["quantity", "kind", "whole run, all reads", *(["to target, mean per read"] if target else [])], rows,
          footer="measured: simulation; floor: THEORY §8a theorem for this run (tree entropy bound + transport); estimate: each paradigm's model "
                 "priced per spin update (Landauer x updates assumes one bit erased per update, which an anneal "
                 "does not do: only the floor row bounds the measured heat).")
