"""``limbound chips | ising-machines``: the measured-hardware catalogs, with where each value was read."""
from __future__ import annotations

import argparse
import dataclasses

from .. import catalogs
from ._common import emit_json, epilog, g3, table

_KINDS = {"chips": ("chips", "measured neuromorphic and in-memory chips"),
          "ising-machines": ("ising_machines", "physical Ising machines (time- and energy-to-solution)")}


def register(sub: argparse._SubParsersAction) -> None:
    for name, (kind, text) in _KINDS.items():
        p = sub.add_parser(name, help=f"list the catalog of {text}, with where each value was read",
                           description=f"The shipped catalog of {text}. Rows marked unverified were not read in "
                                       "the source's own text and are left out of `limbound ladder` by default.",
                           epilog=epilog(f"limbound {name}", f"limbound {name} --json"))
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=run, kind=kind)


def _value(r: object) -> str:
    if isinstance(r, catalogs.Chip):
        if r.value is None:
            return "relative only"
        return f"{g3(r.energy_per_count_J())} J per {r.counts}"
    t = "-" if r.time_to_solution_s is None else f"{g3(r.time_to_solution_s)} s"
    e = "-" if r.energy_to_solution_J is None else f"{g3(r.energy_to_solution_J)} J"
    return f"{t}, {e}"


def run(args: argparse.Namespace) -> int:
    rows = catalogs.load(args.kind)
    if args.json:
        d = {k: dataclasses.asdict(r) for k, r in rows.items()}  # before 0.2: only these, at the top level
        return emit_json(args, d, {"catalog": args.kind}, legacy=d)
    head = "energy (converted)" if args.kind == "chips" else "time, energy to solution"
    table(f"limbound {args.kind.replace('_', '-')} catalog", ["key", "verified", head, "as printed", "source"],
          [[k, "yes" if r.verified else "no", _value(r), r.value_as_printed, r.source] for k, r in rows.items()])
    return 0
