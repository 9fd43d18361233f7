"""``limbound estimate``: energy-to-solution estimates on every paradigm, with the walls, and the workload's floors.

Every figure says its kind (THEORY §8): the paradigms' figures are *estimates*
(the paper's model, assumptions listed in ``--json``); ``floors`` are theorems
(second-law ``N b kT ln 2``, speed term ``N kT M^2 / (16 f0 tau)``).  The JSON
keys under ``paradigms`` are unchanged so scripts keep working.
"""
from __future__ import annotations

import argparse

from .. import __version__, bounds, catalogs
from ..specs import ESTIMATE
from . import _uncertain
from ._common import add_physics_args, emit_json, epilog, g3, note, physics_kwargs, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("estimate", help="energy-to-solution estimates (LIM, Landauer reference, static/volatile CIM, accelerator) and floors",
                       description="Energy-to-solution estimates of a training or optimization run on each paradigm, "
                                   "with the breakdown by wall (memory, update, consolidation), and the workload's "
                                   "floors (theorems: second law, speed term).",
                       epilog=epilog("limbound estimate --workload gpt-3", "limbound estimate --params 1e15 --tokens 1e12 --bits 16 --time 30d",
                                     "limbound estimate --workload all --json"))
    ESTIMATE.add_arguments(p, ["workload", "params"], typed=False)
    ESTIMATE.add_arguments(p.add_mutually_exclusive_group(), ["tokens", "flops", "ops"], typed=False)
    ESTIMATE.add_arguments(p, ["batch_tokens", "time_s", "counting", "accelerator", "device", "consolidations",
                               "epochs"], typed=False)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_physics_args(p)
    _uncertain.add_args(p)
    p.set_defaults(func=run)


def _inputs(args: argparse.Namespace, workload: str | None = None) -> bounds.Inputs:
    """``bounds.resolve`` of the options: each read by its declaration (limbound.specs.ESTIMATE) and checked there."""
    kw = physics_kwargs(args)
    kw.update(ESTIMATE.from_args(args, ("params", "tokens", "flops", "ops", "batch_tokens", "consolidations", "epochs",
                                        "time_s", "T_ambient_K")))
    return bounds.resolve(workload=workload, counting=args.counting, accelerator=args.accelerator,
                          device=args.device, **kw)


def _record(x: bounds.Inputs) -> dict:
    est = bounds.estimate(x)
    return {"inputs": x.as_dict(), "paradigms": {p: b.as_dict() for p, b in est.items()}, "floors": bounds.floors(x)}


def _run_uncertain(args: argparse.Namespace, unc: dict) -> int:
    if args.workload == "all":
        from ..errors import ParameterError
        raise ParameterError("--workload all takes numbers only; give one workload with ranges or distributions")
    policy = args.consolidations if args.consolidations in bounds.CONSOLIDATION_POLICIES else None
    epochs = ESTIMATE.from_args(args, ("epochs",)).get("epochs")
    fixed = _uncertain.fixed_inputs(args, unc, workload=args.workload, counting=args.counting,
                                    accelerator=args.accelerator, device=args.device, consolidations=policy,
                                    epochs=epochs)
    rec = _uncertain.analyse(_uncertain.U.Problem(fixed, unc), args)
    return _uncertain.emit(rec, args, f"{args.workload or 'run'}: bands (median, 5-95 %) over uncertain inputs")


def run(args: argparse.Namespace) -> int:
    unc = _uncertain.uncertain_inputs(args)
    if unc:
        return _run_uncertain(args, unc)
    if args.workload == "all":
        return _run_all(args)
    if args.workload is None and args.params is None:
        from ..errors import ParameterError
        raise ParameterError("--params (or --workload) is required; e.g. --params 1e15 --tokens 1e12")
    x = _inputs(args, args.workload)
    rec = _record(x)
    if args.json:
        return emit_json(args, {k: rec[k] for k in ("paradigms", "floors")}, rec["inputs"],
                         legacy={"version": __version__, **rec})
    _show(rec)
    return 0


def _run_all(args: argparse.Namespace) -> int:
    """``--workload all``: one row per catalog workload with the tokens or FLOPs to price it."""
    names = [k for k in catalogs.load("workloads")]
    records = []
    for name in names:
        w = catalogs.workload(name)
        if w.tokens is None and w.flops is None:
            continue
        if args.counting == "per-update" and w.tokens is None:
            continue
        rec = _record(_inputs(args, name))
        rec["measured_energy_J"] = w.measured_energy_J
        records.append(rec)
    if args.json:
        return emit_json(args, {"workloads": records}, {"workload": "all", "counting": args.counting})
    rows = []
    for r in records:
        x, pr = r["inputs"], r["paradigms"]
        rows.append([x["workload"], g3(x["params"]), g3(x["ops"]), g3(x["dt_s"]),
                     g3(r["floors"]["total_J"]), g3(pr["landauer"]["energy_J"]), g3(pr["lim"]["energy_J"]),
                     g3(pr["static_cim"]["energy_J"]), g3(pr["volatile_cim"]["energy_J"]),
                     g3(pr["accelerator"]["energy_J"]), g3(r["measured_energy_J"])])
    acc = records[0]["inputs"]["accelerator"] if records else ""
    table(f"Energy-to-solution, joules ({args.counting} counting; accelerator {acc})",
          ["workload", "params", "OPS", "dt [s]", "floor [J]", "Landauer ref. [J]", "LIM [J]", "static CIM [J]",
           "volatile CIM [J]", "accelerator [J]", "measured [J]"], rows,
          optional=("volatile CIM [J]", "Landauer ref. [J]", "OPS", "params", "dt [s]"),
          footer="floor: a theorem (N b kT ln2 + speed term, THEORY §8a); Landauer reference (b kT ln2 per "
                 "operation), LIM, static CIM, volatile CIM, accelerator: estimates (the paper's model); "
                 "measured: the published training energy.")
    return 0


def _show(rec: dict) -> None:
    """One run's estimates per paradigm, its floors and notes, at the terminal's width."""
    xi = rec["inputs"]
    rows = []
    for name, b in rec["paradigms"].items():
        w = b["walls"]
        rows.append([name, g3(b["energy_J"]), g3(b["energy_kWh"]), g3(b["per_op_J"]), g3(b["per_op_kT"]),
                     g3(w["memory_J"]), g3(w["update_J"]), g3(w["consolidation_J"])])
    title = (f"{xi['workload'] or 'run'}: N={xi['params']:.3g}, OPS={xi['ops']:.3g} ({xi['counting']}), b={xi['bits']}, "
             f"tau={xi['time_s']:.3g} s, dt={xi['dt_s']:.3g} s, T={xi['temperature_K']:g} K, accelerator={xi['accelerator']}")
    table(title, ["paradigm", "estimate [J]", "estimate [kWh]", "per op [J]", "per op [kT]", "memory wall [J]",
                  "update wall [J]", "consolidation [J]"], rows, optional=("per op [J]",),
          footer="every row is an estimate (the paper's model under the assumptions in --json), not a bound")
    fl = rec["floors"]
    table("floors (theorems, THEORY §8a)", ["floor", "energy [J]"],
          [["second law N b kT ln2", g3(fl["second_law_J"])], ["speed term N kT M^2/(16 f0 tau)", g3(fl["speed_J"])],
           ["total", g3(fl["total_J"])]])
    note(fl["why"], prefix="")
    lim = rec["paradigms"]["lim"]
    note(f"LIM barrier E_b* = {lim['barrier_kT']:.3g} kT; accelerator / LIM = "
         f"{rec['paradigms']['accelerator']['energy_J'] / lim['energy_J']:.3g}", prefix="")
    cooled = {p: b["walls"]["cooling_J"] for p, b in rec["paradigms"].items() if b["walls"].get("cooling_J")}
    if cooled:
        print(f"cooling wall (Carnot work to pump the heat from {xi['temperature_K']:g} K to {xi['T_ambient_K']:g} K, "
              f"included in energy): " + ", ".join(f"{p} {g3(v)} J" for p, v in cooled.items()))
    for n in xi["notes"]:
        note(n)
