"""``limbound workloads | hardware | devices``: the shipped catalogs with their sources."""
from __future__ import annotations

import dataclasses

from .. import catalogs
from ._common import g3, print_json, table

_COLUMNS = {
    "workloads": ["params", "tokens", "flops", "time_s", "measured_energy_MWh", "hardware", "year"],
    "hardware": ["name", "power_W", "peak_bf16_flops", "peak_fp8_flops", "pJ/FLOP (bf16)"],
    "devices": ["name", "write_energy_J_min", "write_energy_J_max", "write_time_s_min", "retention_s_min", "levels"],
}


def register(sub) -> None:
    for kind, text in (("workloads", "AI training workloads"), ("hardware", "accelerators"), ("devices", "memory devices")):
        p = sub.add_parser(kind, help=f"list the catalog of {text}, with sources")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=run, kind=kind)


def _cell(row, col):
    if col == "pJ/FLOP (bf16)":
        try:
            return f"{row.energy_per_flop_J('bf16') * 1e12:.3g}"
        except Exception:
            return "-"
    v = getattr(row, col)
    return g3(v) if isinstance(v, float) else ("-" if v is None else str(v))


def run(args) -> int:
    rows = catalogs.load(args.kind)
    if args.json:
        print_json({k: dataclasses.asdict(r) for k, r in rows.items()})
        return 0
    cols = _COLUMNS[args.kind]
    table(f"limbound {args.kind} catalog", ["key", *cols, "source"],
          [[k, *[_cell(r, c) for c in cols], r.source] for k, r in rows.items()])
    return 0
