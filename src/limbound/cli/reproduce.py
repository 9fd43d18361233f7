"""``limbound reproduce``: every figure, table and CSV of the report, and the HTML page, from scratch."""
from __future__ import annotations

import argparse

from ..specs import REPRODUCE
from ._common import add_progress_arg, emit_json, epilog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reproduce", help="regenerate every figure, table, CSV and the HTML report",
                       description="Regenerate the figures (a)-(f), the G-set table, a CSV of every plotted number and "
                                   "one self-contained HTML report into DIR.",
                       epilog=epilog("limbound reproduce --quick --out out/", "limbound reproduce --out out/ --only a,b",
                                     "limbound reproduce --out out/ --gset-dir ~/gset --seed 3"))
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    REPRODUCE.add_arguments(p, ["quick", "seed"])
    p.add_argument("--only", default=None, metavar="a,b,...", help="build only these panels (default: all of a,b,c,d,e,f)")
    p.add_argument("--gset-dir", default=None, metavar="DIR",
                   help="folder of G-set graphs (G<n>.txt, best_known.csv) for panel (e); default: $LIMBOUND_GSET_DIR, "
                        "else the repository's ../shared/benchmarks/gset (dev checkout), else a seeded random graph")
    REPRODUCE.add_arguments(p, ["force"])
    add_progress_arg(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report.reproduce import parse_only, reproduce

    seed = args.seed  # read and checked by its declaration (limbound.specs.REPRODUCE)
    only = parse_only(args.only)
    res = reproduce(args.out, quick=args.quick, seed=seed, only=only, progress=not args.no_progress,
                    gset_dir=args.gset_dir, force=args.force)
    if args.json:
        d = res.as_dict()
        return emit_json(args, d, dict(out=str(args.out), quick=args.quick, only=list(only), gset_dir=args.gset_dir,
                                       force=args.force), seed=seed, legacy=d)
    for p in res.panels:
        print(f"({p.key}) {p.title}: {'ok' if p.ok else p.status}" + (f" [{p.seconds:.1f} s]" if p.ok else ""))
    print(f"wrote {len(res.files)} files in {res.seconds:.1f} s; every plotted number: {res.files['csv']}")
    print(f"report: {res.report.resolve()}")
    return 0
