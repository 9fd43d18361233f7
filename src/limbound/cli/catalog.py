"""``limbound workloads | hardware | devices | sources``: the shipped catalogs and the references they cite."""
from __future__ import annotations

import argparse
import dataclasses

from .. import catalogs
from ..specs import SOURCES
from ._common import emit_json, epilog, g3, note, table

DAY_S = 86400.0

# (header with unit, how to get the cell from a row); "ref" lists the [S#] sources the row cites
_COLUMNS = {
    "workloads": [("params", lambda r: g3(r.params)), ("tokens", lambda r: g3(r.tokens)),
                  ("FLOPs", lambda r: g3(r.flops)),
                  ("time [d]", lambda r: g3(None if r.time_s is None else r.time_s / DAY_S)),
                  ("energy [MWh]", lambda r: g3(r.measured_energy_MWh)), ("hardware", lambda r: r.hardware or "-"),
                  ("year", lambda r: str(r.year or "-"))],
    "hardware": [("power [W]", lambda r: g3(r.power_W)), ("bf16 peak [FLOP/s]", lambda r: g3(r.peak_bf16_flops)),
                 ("fp8 peak [FLOP/s]", lambda r: g3(r.peak_fp8_flops)),
                 ("bf16 [pJ/FLOP]", lambda r: _pj(r)), ("year", lambda r: str(r.year or "-"))],
    "devices": [("write min [J]", lambda r: g3(r.write_energy_J_min)), ("write max [J]", lambda r: g3(r.write_energy_J_max)),
                ("write time [s]", lambda r: g3(r.write_time_s_min)), ("retention [s]", lambda r: g3(r.retention_s_min)),
                ("levels", lambda r: str(r.levels or "-"))],
}
_OPTIONAL = {"workloads": ("hardware", "year"), "hardware": ("year", "fp8 peak [FLOP/s]"), "devices": ("levels",)}


def _pj(r: object) -> str:
    try:
        return g3(r.energy_per_flop_J("bf16") * 1e12)
    except Exception:  # no published power or peak
        return "-"


def register(sub: argparse._SubParsersAction) -> None:
    for kind, text in (("workloads", "AI training workloads"), ("hardware", "accelerators"), ("devices", "memory devices")):
        p = sub.add_parser(kind, help=f"list the catalog of {text}, with sources",
                           description=f"The shipped catalog of {text}: one row each, with the sources it cites "
                                       "([S#] ids; --sources prints each row's source text and the full citations).",
                           epilog=epilog(f"limbound {kind}", f"limbound {kind} --sources", f"limbound {kind} --json"))
        p.add_argument("--sources", action="store_true", help="print each row's source and the full citations it cites")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=run, kind=kind)
    p = sub.add_parser("sources", help="print the full citation of catalog sources, e.g. S7",
                       description="The reference list the catalogs cite as [S1] ... (shipped with the package).",
                       epilog=epilog("limbound sources S7", "limbound sources S1 S2", "limbound sources"))
    SOURCES.add_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_sources)


def run(args: argparse.Namespace) -> int:
    rows = catalogs.load(args.kind)
    if args.json:
        d = {k: dataclasses.asdict(r) for k, r in rows.items()}  # before 0.2: only these, at the top level
        return emit_json(args, d, {"catalog": args.kind}, legacy=d)
    if args.sources:
        refs = catalogs.sources()
        for k, r in rows.items():
            note(r.source, prefix=f"{k}: ")
        ids = sorted({s for r in rows.values() for s in catalogs.cited(r.source)}, key=lambda s: int(s[1:]))
        print()
        for sid in ids:
            note(refs.get(sid, "(not in the reference list)"), prefix=f"[{sid}] ")
        return 0
    cols = _COLUMNS[args.kind]
    table(f"limbound {args.kind} catalog", ["key", *[c for c, _ in cols], "ref"],
          [[k, *[f(r) for _, f in cols], " ".join(catalogs.cited(r.source)) or "text"] for k, r in rows.items()],
          optional=_OPTIONAL[args.kind], text_columns=("ref",),
          footer="ref: sources cited (`limbound sources S7` prints one, `--sources` all; text: cited in words)")
    return 0


def run_sources(args: argparse.Namespace) -> int:
    d = catalogs.citations(args.ids)  # ids read and checked there (limbound.specs.SOURCES)
    if args.json:
        return emit_json(args, d, {"ids": list(d)}, legacy=d)  # before 0.2: only these, at the top level
    for i, text in d.items():
        note(text, prefix=f"[{i}] ")
    return 0
