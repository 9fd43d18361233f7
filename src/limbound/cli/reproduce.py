"""``limbound reproduce``: every figure, table and CSV of the report, and the HTML page, from scratch."""
from __future__ import annotations

from ._common import add_progress_arg, emit_json, epilog


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="regenerate every figure, table, CSV and the HTML report",
                       description="Regenerate the figures (a)-(f), the G-set table, a CSV of every plotted number and "
                                   "one self-contained HTML report into DIR.",
                       epilog=epilog("limbound reproduce --quick --out out/", "limbound reproduce --out out/ --only a,b",
                                     "limbound reproduce --out out/ --gset-dir ~/gset --seed 3"))
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
    p.add_argument("--quick", action="store_true", help="small grids and short simulations (under 2 minutes on 2 cores)")
    p.add_argument("--seed", default="0", help="seed of every random panel (integer >= 0, default 0)")
    p.add_argument("--only", default=None, metavar="a,b,...", help="build only these panels (default: all of a,b,c,d,e,f)")
    p.add_argument("--gset-dir", default=None, metavar="DIR",
                   help="folder of G-set graphs (G<n>.txt, best_known.csv) for panel (e); default: $LIMBOUND_GSET_DIR, "
                        "else the repository's ../shared/benchmarks/gset (dev checkout), else a seeded random graph")
    p.add_argument("--force", action="store_true", help="write into a folder another limbound command wrote")
    add_progress_arg(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=run)


def _seed(text) -> int:
    from ..errors import ParameterError, check_seed

    try:
        s = int(text)
    except (TypeError, ValueError):
        raise ParameterError(f"--seed={text!r} is not an integer; allowed: an integer >= 0") from None
    return check_seed(s, "--seed")


def run(args) -> int:
    from ..report.reproduce import parse_only, reproduce

    seed = _seed(args.seed)
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
