"""``limbound gap``: how many orders of magnitude a measured training energy sits above each paradigm's estimate."""
from __future__ import annotations

import argparse
import sys

from .. import bounds, catalogs
from ..errors import ParameterError
from ..specs import ESTIMATE, GAP
from ..units import parse_number
from . import _uncertain
from ._common import add_physics_args, emit_json, epilog, g3, note, physics_kwargs, table


def _header(paradigm: str) -> str:
    """A paradigm's column header: words, so a narrow terminal wraps it between them (static_cim -> static CIM)."""
    return {"landauer": "Landauer", "lim": "LIM"}.get(paradigm, paradigm.replace("_cim", " CIM").replace("_", " "))


_HEADERS = [_header(p) for p in bounds.PARADIGMS]


#: gap's wording of the estimate options it takes (the run a measurement is of)
_HELP = {
    "workload": "a catalog workload with a published energy, or 'all'; with --codecarbon or --measured: the workload "
                "the measurement is of (its params and FLOPs)",
    "flops": "training FLOPs (with --measured or --codecarbon)",
    "tokens": "training tokens (with --params: FLOPs = 6 N D)",
    "params": "number of parameters (with --measured or --codecarbon)",
    "time_s": "time-to-solution (default: published, CodeCarbon's duration, else 30d)",
    "accelerator": "hardware catalog name (default: the best BF16 part; with --codecarbon the part its gpu_model "
                   "names, if the catalog has it)",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gap", help="orders of magnitude between a measured training energy and each estimate",
                       description="How many orders of magnitude (log10) a measured training energy sits above each "
                                   "paradigm's energy-to-solution (Landauer floor; LIM, static CIM, volatile CIM, "
                                   "accelerator estimates) and where each estimate's memory, update and consolidation "
                                   "walls bite: a catalog workload's published energy, your own measurement, or the "
                                   "runs of a CodeCarbon emissions.csv.",
                       epilog=epilog("limbound gap --workload all", "limbound gap --measured 1287MWh --flops 3.14e23 --params 1.75e11",
                                     "limbound gap --codecarbon emissions.csv --workload bert-large"))
    # the measured run's options are estimate's declarations (limbound.specs.ESTIMATE), worded for gap; kept as
    # text: they also take ranges and distributions (cli/_uncertain)
    ESTIMATE.add_arguments(p, ["workload"], typed=False, help=_HELP)
    GAP.add_arguments(p, ["measured_J"], typed=False)
    p.add_argument("--measured-kwh", help=argparse.SUPPRESS)  # deprecated alias: --measured NkWh
    p.add_argument("--codecarbon", metavar="EMISSIONS.csv",
                   help="a CodeCarbon emissions.csv: each run's energy_consumed (kWh) and duration (time-to-solution "
                        "unless --time); the workload from --workload or --params with --flops/--tokens")
    ESTIMATE.add_arguments(p, ["flops", "tokens", "params", "time_s", "accelerator"], typed=False, help=_HELP)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_physics_args(p)
    _uncertain.add_args(p)
    p.set_defaults(func=run)


_WALLS = ("memory_J", "update_J", "consolidation_J", "cooling_J")


def _walls(x: bounds.Inputs) -> dict:
    """Each paradigm's estimate and its walls, as the estimate reports them (``Bound.as_dict()["walls"]``, THEORY §4)."""
    out = {}
    for p, b in bounds.estimate(x).items():
        d = b.as_dict()
        out[p] = {"estimate_J": d["energy_J"], **{k: d["walls"][k] for k in _WALLS}}
    return out


def _walls_table(out: dict) -> None:
    """Where each wall bites: one row per (workload, paradigm), within the terminal's width (cooling dropped first)."""
    rows = []
    for o in out:
        for i, (p, w) in enumerate(o["walls"].items()):
            rows.append([o["workload"] if i == 0 else "", p, g3(w["estimate_J"]),
                         *[g3(w[k]) for k in _WALLS]])
    table("Walls of each paradigm's estimate (THEORY §4): where the energy goes",
          ["workload", "paradigm", "estimate [J]", "memory wall [J]", "update wall [J]", "consolidation [J]",
           "cooling [J]"], rows, optional=("cooling [J]",),
          footer="landauer: floor reference (one write per operation); the others are estimates, not bounds; "
                 "volatile_cim pays consolidation into non-volatile memory, LIM keeps weights in place (0).")


def _run_uncertain(args: argparse.Namespace, unc: dict) -> int:
    if args.workload == "all":
        raise ParameterError("--workload all takes numbers only; give one workload with ranges or distributions")
    fixed = _uncertain.fixed_inputs(args, unc, workload=args.workload, accelerator=args.accelerator)
    if "measured_J" not in fixed and "measured_J" not in unc:
        w = catalogs.workload(args.workload) if args.workload else None
        if w is None or w.measured_energy_J is None:
            raise ParameterError("give --measured ENERGY (a value with its unit, or a range), or a --workload with a published energy")
        fixed["measured_J"] = w.measured_energy_J
    rec = _uncertain.analyse(_uncertain.U.Problem(fixed, unc), args)
    return _uncertain.emit(rec, args, f"{args.workload or 'measured'}: orders above each estimate, bands over uncertain inputs")


def _deprecated_kwh(args: argparse.Namespace) -> None:
    """``--measured-kwh N`` is the old spelling of ``--measured NkWh``: accepted, with a note on stderr."""
    if args.measured_kwh is not None:
        if args.measured is not None:
            raise ParameterError("give --measured (with its unit) or the deprecated --measured-kwh, not both")
        args.deprecated_note = f"limbound: note: --measured-kwh is deprecated; write --measured {args.measured_kwh}kWh\n"


def _workload_inputs(args: argparse.Namespace, time_s: float, kw: dict) -> bounds.Inputs:
    """The run a measurement is of: a catalog --workload, or --params with --flops or --tokens."""
    if args.workload:
        return bounds.resolve(workload=args.workload, time_s=time_s, accelerator=args.accelerator, **kw)
    if args.params is None or (args.flops is None and args.tokens is None):
        raise ParameterError("a measured energy needs the run it is of: --workload NAME, or --params with --flops "
                             "or --tokens")
    run = ESTIMATE.from_args(args, ("params", "flops", "tokens"))  # read and checked by their declarations
    return bounds.resolve(time_s=time_s, accelerator=args.accelerator, **run, **kw)


def _run_codecarbon(args: argparse.Namespace, kw: dict, time_s: float) -> int:
    from ..codecarbon import match_accelerator, read_emissions

    if args.workload == "all":
        raise ParameterError("--codecarbon compares with one workload: give --workload NAME or --params with --flops")
    runs = read_emissions(args.codecarbon)
    matched = None
    if args.accelerator is None:
        matched = match_accelerator(runs[0].gpu_model, catalogs.load("hardware"))
        if matched is not None:
            args.accelerator = matched
    out = []
    for r in runs:  # each run priced over its own duration unless --time is given
        x = _workload_inputs(args, time_s if time_s is not None else r.duration_s, kw)
        out.append({"run_id": r.run_id, "codecarbon": r.as_dict(), "measured_energy_J": r.energy_J,
                    "inputs": x.as_dict(), "orders_above": bounds.gap_orders(r.energy_J, x), "walls": _walls(x)})
    if args.json:
        return emit_json(args, {"gaps": out}, dict(codecarbon=str(args.codecarbon), workload=args.workload,
                                                    accelerator_from_gpu_model=matched))
    table(f"Orders of magnitude (log10) each CodeCarbon run sits above each paradigm "
          f"({args.workload or 'given run'}, accelerator {out[0]['inputs']['accelerator']})",
          ["run", "measured [J]", "duration [s]", *_HEADERS],
          [[f"{i} {o['codecarbon']['timestamp'][:10]}".strip(), g3(o["measured_energy_J"]), g3(o["codecarbon"]["duration_s"]),
            *[f"{o['orders_above'][p]:.2f}" for p in bounds.PARADIGMS]] for i, o in enumerate(out, start=1)],
          footer="measured: CodeCarbon's energy_consumed (CPU + GPU + RAM, kWh); every paradigm column is an "
                 "estimate (the Landauer reference b kT ln 2 per operation too); the floors are in `limbound estimate`.")
    r0 = runs[0]
    if matched:
        on = f"; accelerator estimate on {matched} (matched from gpu_model)"
    elif r0.gpu_model and args.accelerator is None:
        on = (f"; no catalog accelerator of this family and form factor (`limbound hardware`), so the "
              f"estimate is on {out[0]['inputs']['accelerator']}: give --accelerator to choose")
    else:
        on = ""
    note(f"hardware: {r0.gpu_model or 'no GPU'}; {r0.cpu_model or 'cpu not recorded'}{on}")
    return 0


def run(args: argparse.Namespace) -> int:
    _deprecated_kwh(args)
    if args.codecarbon is None and args.measured is None and args.measured_kwh is None and \
            (args.flops is not None or args.params is not None) and args.workload is None:
        raise ParameterError("--flops/--params describe a measured run: add --measured ENERGY (e.g. 1287MWh)")
    unc = _uncertain.uncertain_inputs(args)
    if unc:
        return _run_uncertain(args, unc)
    kw = {**physics_kwargs(args), **ESTIMATE.from_args(args, ("T_ambient_K",))}
    time_s = ESTIMATE.from_args(args, ("time_s",)).get("time_s")
    items = []
    extra = [f"--{k}" for k in ("flops", "params", "tokens") if getattr(args, k, None) is not None]
    if args.workload and extra:  # never silently ignored: the workload brings its own params and FLOPs
        raise ParameterError(f"--workload and {', '.join(extra)} are both given; allowed: --workload NAME (its params "
                             "and FLOPs; with --measured ENERGY, a measurement of it), or --params with --flops/--tokens")
    if args.codecarbon is not None:
        return _run_codecarbon(args, kw, time_s)
    measured = None
    if args.measured is not None:
        measured = GAP.from_args(args, ("measured_J",))["measured_J"]
    elif args.measured_kwh is not None:
        measured = parse_number(args.measured_kwh, "--measured-kwh") * 3.6e6
    if measured is not None:
        if args.workload == "all":
            raise ParameterError("--measured is one run's energy: give --workload NAME (not all) or --params with --flops")
        x = _workload_inputs(args, time_s, kw)
        items.append((args.workload or "measured", measured, x))
    elif args.workload:
        names = [k for k, w in catalogs.load("workloads").items() if w.measured_energy_J] if args.workload == "all" else [args.workload]
        for name in names:
            w = catalogs.workload(name)
            if w.measured_energy_J is None:
                with_energy = ", ".join(k for k, v in catalogs.load("workloads").items() if v.measured_energy_J)
                raise ParameterError(f"workload {name!r} has no published energy; give --measured ENERGY, or one of: {with_energy}")
            x = bounds.resolve(workload=name, time_s=time_s, accelerator=args.accelerator, **kw)
            items.append((name, w.measured_energy_J, x))
    else:
        raise ParameterError("give --workload NAME|all, --measured ENERGY (e.g. 1287MWh) with --flops and --params, "
                             "or --codecarbon emissions.csv")
    if getattr(args, "deprecated_note", None):  # after every check: a refusal stays one line
        sys.stderr.write(args.deprecated_note)
    out = [{"workload": n, "measured_energy_J": m, "inputs": x.as_dict(), "orders_above": bounds.gap_orders(m, x),
            "walls": _walls(x)} for n, m, x in items]
    if args.json:
        return emit_json(args, {"gaps": out}, {"workload": args.workload, "measured_J": measured, "time_s": time_s,
                                               "accelerator": args.accelerator, **kw})
    table("Orders of magnitude (log10) the measured energy sits above each paradigm's estimate (floors: limbound estimate)",
          ["workload", "measured [J]", *_HEADERS],
          [[o["workload"], f"{o['measured_energy_J']:.3g}", *[f"{o['orders_above'][p]:.2f}" for p in bounds.PARADIGMS]] for o in out])
    _walls_table(out)
    return 0
