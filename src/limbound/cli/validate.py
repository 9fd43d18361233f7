"""``limbound validate``: the simulators against published physics (THEORY §7)."""
from __future__ import annotations

import sys
import time

from ._common import print_json, provenance


def register(subparsers) -> None:
    p = subparsers.add_parser("validate", help="check the simulators against published physics (Kramers, Schmiedl-Seifert, Landauer, master equation, LIM, static memory)")
    p.add_argument("--quick", action="store_true", help="smaller samples (well under a minute); same physics")
    p.add_argument("--json", action="store_true", help="print the list of cases as JSON (name, params, measured, stderr, expected, ok, detail, provenance)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random stream (default 0)")
    p.add_argument("--detail", action="store_true",
                   help="print each case's extra numbers under it (e.g. the exact/Kramers ratio, the achieved erasure probability)")
    p.add_argument("--only", default=None, metavar="GROUP",
                   help="run one group: kramers, drag, erasure, master, lim, static")
    p.set_defaults(func=run)


def _fmt(x) -> str:
    return "nan" if x is None else f"{x:.6g}"


def run(args) -> int:
    from ..sim.validate import run_all

    t0 = time.perf_counter()
    cases = run_all(quick=args.quick, seed=args.seed, only=args.only)
    elapsed = time.perf_counter() - t0
    n_ok = sum(c.ok for c in cases)
    if args.json:
        prov = provenance(args.seed, quick=args.quick, only=args.only)
        print_json([{**c.as_dict(), "provenance": prov} for c in cases])
    else:
        w = max(len(c.name) for c in cases) if cases else 10
        sys.stdout.write(f"{'case':<{w}}  {'measured':>12}  {'stderr':>10}  {'expected':>12}  ok\n")
        for c in cases:
            sys.stdout.write(f"{c.name:<{w}}  {_fmt(c.measured):>12}  {_fmt(c.stderr):>10}  {_fmt(c.expected):>12}  "
                             f"{'yes' if c.ok else 'NO'}\n")
            if args.detail:
                extra = ", ".join(f"{k}={_fmt(v) if isinstance(v, float) else v}" for k, v in c.detail.items()
                                  if k not in ("criterion", "group_seconds"))
                sys.stdout.write(f"    {extra}\n    criterion: {c.detail.get('criterion', '3 SE')}\n")
        sys.stdout.write(f"{n_ok}/{len(cases)} cases passed in {elapsed:.1f} s (seed {args.seed}"
                         f"{', quick' if args.quick else ''})\n")
    return 0 if n_ok == len(cases) else 1
