"""``limbound validate``: the simulators against published physics (THEORY §7).

Each case states its criterion and is judged by it (the table's
``criterion`` column): two-sided (``|z| <= z*``, or ``|measured - expected|
<= z* SE + margin`` where a stated systematic margin applies), one-sided
(a bound: ``z >= -z*``), or exact (an identity with no sampling error); some
also require the measurement to reject a competing value
(``> value + z* SE``).  ``z* = Phi^-1(1 - 0.01 / (2 m))`` is the Bonferroni
threshold for the ``m`` statistical cases run together (family-wise false
alarm 1 %; see :mod:`limbound.sim.validate`), and the non-statistical checks
(first-law residual ...) must hold too.  ``--json`` gives each case's
``test``, ``rule``, ``z_score``, ``p_value``, ``threshold_z`` and ``n_comparisons``.
"""
from __future__ import annotations

import argparse
import sys
import time

from .. import __version__
from ..specs import VALIDATE
from ._common import add_progress_arg, emit_json, epilog, progress, table


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check the simulators against published physics (Kramers, Schmiedl-Seifert, Landauer, master equation, LIM, static memory) and the floors (Langevin, protocol design)",
                              description="Run the simulators on cases with a published or exact answer (Kramers "
                                          "escape, Schmiedl-Seifert drag, Landauer erasure, master equation, LIM, "
                                          "static memory) and judge each by its criterion. Exit code 1 if any fails.",
                              epilog=epilog("limbound validate --quick", "limbound validate --quick --only lim,static --detail",
                                            "limbound validate --json > validation.json"))
    VALIDATE.add_arguments(p, ["quick"])
    p.add_argument("--json", action="store_true", help="print one JSON object: inputs, results (cases: name, params, measured, stderr, expected, ok, detail ...), provenance")
    VALIDATE.add_arguments(p, ["seed"])
    p.add_argument("--detail", action="store_true",
                   help="print each case's extra numbers under it (e.g. the exact/Kramers ratio, the achieved erasure probability)")
    VALIDATE.add_arguments(p, ["only"])
    add_progress_arg(p)
    p.set_defaults(func=run)


def _fmt(x: float | None) -> str:
    return "nan" if x is None else f"{x:.6g}"


def run(args: argparse.Namespace) -> int:
    from ..sim.validate import FAMILY_ALPHA, run_all

    t0 = time.perf_counter()
    with progress(args, "validate", total=1) as task:
        def on_group(name: str, done: int, total: int) -> None:
            task.update(description=f"validate: {name}" if name else "validate", completed=done, total=total)
        # refuses a bad --only / --seed before work
        cases = run_all(quick=args.quick, seed=args.seed, only=args.only, on_group=on_group)
    elapsed = time.perf_counter() - t0
    n_ok = sum(c.ok for c in cases)
    if args.json:
        # before 0.2 the output was the list of cases, each with its provenance: now under "cases" (deprecated)
        inputs = dict(quick=args.quick, only=args.only, family_alpha=FAMILY_ALPHA)
        prov = {"version": __version__, "seed": args.seed, "inputs": inputs}
        emit_json(args, {"cases": [c.as_dict() for c in cases], "passed": n_ok, "total": len(cases)}, inputs,
                  seed=args.seed, legacy={"cases": [{**c.as_dict(), "provenance": prov} for c in cases]})
    else:
        kinds = {"two-sided": "2-sided", "lower": "1-sided", "exact": "exact"}
        thr = next((c.threshold_z for c in cases if c.threshold_z is not None), None)
        m = cases[0].n_comparisons if cases else 0
        crit = (f"; each case judged by its criterion: z* = {thr:.2f} (Bonferroni, {m} comparisons, family-wise alpha "
                f"{FAMILY_ALPHA:g}); d = measured - expected" if thr else "")
        rows = [[c.name, _fmt(c.measured), _fmt(c.stderr), _fmt(c.expected),
                 "-" if c.z_score is None else f"{c.z_score:+.2f}", kinds.get(c.test, c.test), c.rule or "",
                 "yes" if c.ok else "NO"] for c in cases]
        table("limbound validate: simulators against published physics (measured: simulation, mean and SE)",
              ["case", "measured", "SE", "expected", "z", "test", "criterion", "ok"], rows,
              text_columns=("case", "criterion"), optional=("expected", "SE", "test", "z"),
              footer=f"{n_ok}/{len(cases)} cases passed in {elapsed:.1f} s (seed {args.seed}"
                     f"{', quick' if args.quick else ''}){crit}")
        if args.detail:
            for c in cases:
                extra = ", ".join(f"{k}={_fmt(v) if isinstance(v, float) else v}" for k, v in c.detail.items()
                                  if k not in ("criterion", "group_seconds"))
                sys.stdout.write(f"{c.name}: {extra}\n    criterion: {c.detail.get('criterion', '3 SE')}\n")
    return 0 if n_ok == len(cases) else 1
