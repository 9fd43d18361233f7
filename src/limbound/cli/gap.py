"""``limbound gap``: how many orders of magnitude a measured training energy sits above each paradigm's estimate."""
from __future__ import annotations

from .. import bounds, catalogs
from ..errors import ParameterError
from ..units import parse_number, parse_quantity
from . import _uncertain
from ._common import add_physics_args, physics_kwargs, print_json, provenance, table


def register(sub) -> None:
    p = sub.add_parser("gap", help="orders of magnitude between a measured training energy and each estimate")
    p.add_argument("--workload", help="a catalog workload with a published energy, or 'all'")
    p.add_argument("--measured-kwh", help="measured energy in kWh (with --flops and --params)")
    p.add_argument("--flops", help="training FLOPs (with --measured-kwh)")
    p.add_argument("--params", help="number of parameters (with --measured-kwh)")
    p.add_argument("--time", default=None, help="time-to-solution (default: published, else 30d)")
    p.add_argument("--accelerator", help="hardware catalog name (default: the best BF16 part)")
    p.add_argument("--json", action="store_true")
    add_physics_args(p)
    _uncertain.add_args(p)
    p.set_defaults(func=run)


def _run_uncertain(args, unc) -> int:
    if args.workload == "all":
        raise ParameterError("--workload all takes numbers only; give one workload with ranges or distributions")
    fixed = _uncertain.fixed_inputs(args, unc, workload=args.workload, accelerator=args.accelerator)
    if "measured_J" not in fixed and "measured_J" not in unc:
        w = catalogs.workload(args.workload) if args.workload else None
        if w is None or w.measured_energy_J is None:
            raise ParameterError("give --measured-kwh (a number or a range), or a --workload with a published energy")
        fixed["measured_J"] = w.measured_energy_J
    rec = _uncertain.analyse(_uncertain.U.Problem(fixed, unc), args)
    return _uncertain.emit(rec, args, f"{args.workload or 'measured'}: orders above each estimate, bands over uncertain inputs")


def run(args) -> int:
    unc = _uncertain.uncertain_inputs(args)
    if unc:
        return _run_uncertain(args, unc)
    kw = {**physics_kwargs(args), "T_ambient_K": parse_quantity(args.ambient, "temperature", "--ambient")}
    time_s = None if args.time is None else parse_quantity(args.time, "time", "--time")
    items = []
    extra = [f"--{k.replace('_', '-')}" for k in ("measured_kwh", "measured", "flops", "params")
             if getattr(args, k, None) is not None]
    if args.workload and extra:  # never silently ignored
        raise ParameterError(f"--workload and {', '.join(extra)} are both given; allowed: --workload NAME|all (its "
                             "published energy), or --measured-kwh with --flops and --params")
    if args.workload:
        names = [k for k, w in catalogs.load("workloads").items() if w.measured_energy_J] if args.workload == "all" else [args.workload]
        for name in names:
            w = catalogs.workload(name)
            if w.measured_energy_J is None:
                with_energy = ", ".join(k for k, v in catalogs.load("workloads").items() if v.measured_energy_J)
                raise ParameterError(f"workload {name!r} has no published energy; use --measured-kwh, or one of: {with_energy}")
            x = bounds.resolve(workload=name, time_s=time_s, accelerator=args.accelerator, **kw)
            items.append((name, w.measured_energy_J, x))
    elif args.measured_kwh is not None:
        if args.flops is None or args.params is None:
            raise ParameterError("--measured-kwh needs --flops and --params")
        m = parse_number(args.measured_kwh, "--measured-kwh") * 3.6e6
        x = bounds.resolve(params=parse_number(args.params, "--params"), flops=parse_number(args.flops, "--flops"),
                           time_s=time_s, accelerator=args.accelerator, **kw)
        items.append(("measured", m, x))
    else:
        raise ParameterError("give --workload NAME|all, or --measured-kwh with --flops and --params")
    out = [{"workload": n, "measured_energy_J": m, "inputs": x.as_dict(), "orders_above": bounds.gap_orders(m, x)} for n, m, x in items]
    if args.json:
        print_json({**provenance(), "gaps": out})
        return 0
    heads = [{"volatile_cim": "volatile"}.get(p, p) for p in bounds.PARADIGMS]
    table("Orders of magnitude (log10) the measured energy sits above each estimate",
          ["workload", "measured [J]", *heads],
          [[o["workload"], f"{o['measured_energy_J']:.3g}", *[f"{o['orders_above'][p]:.2f}" for p in bounds.PARADIGMS]] for o in out])
    return 0
