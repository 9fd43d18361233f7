"""``limbound ladder``: a workload (or a G-set instance) from its floor up to measured hardware, with sources."""
from __future__ import annotations

import argparse

from ..errors import ParameterError
from ._common import emit_json, epilog, g3, note, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ladder", help="floor -> LIM estimate -> static CIM -> measured chips -> accelerators, with sources",
                       description="Place a training workload (--workload) or a G-set MaxCut instance (--ising) on the "
                                   "ladder floor -> estimates -> measured chips / Ising machines -> accelerators. Units "
                                   "are converted explicitly; a rung counting something else is refused in one line.",
                       epilog=epilog("limbound ladder --workload gpt-3", "limbound ladder --ising G1 --sweeps 300 --reads 8",
                                     "limbound ladder --workload llama-65b --include-unverified --json"))
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--workload", help="a catalog workload, e.g. gpt-3")
    g.add_argument("--ising", metavar="INSTANCE", help="a G-set instance in the G-set folder, e.g. G1")
    p.add_argument("--gset-dir", default=None, help="G-set folder (default: $LIMBOUND_GSET_DIR, else the repository's)")
    p.add_argument("--sweeps", default="1000", help="anneal sweeps per read for --ising (default 1000)")
    p.add_argument("--reads", default="16", help="anneal reads for --ising (default 16)")
    p.add_argument("--seed", default="0", help="anneal seed for --ising (default 0)")
    p.add_argument("--target-fraction", default="0.99", help="target cut = this fraction of the best known (default 0.99)")
    p.add_argument("--include-unverified", action="store_true", help="also use rows not read in their source's text (marked)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _int(text: str, name: str, lo: int, hi: int) -> int:
    from ..params import Integer

    return Integer(lo, hi).check(name, Integer().from_text(text))  # the integer rule (limbound.params)


def run(args: argparse.Namespace) -> int:
    from ..report.ladder import ising_ladder, workload_ladder

    if args.workload:
        rec = workload_ladder(args.workload, include_unverified=args.include_unverified)
        title = f"Ladder of {args.workload}: joules, each rung with its kind and source"
    else:
        try:
            frac = float(args.target_fraction)
        except ValueError:
            raise ParameterError(f"--target-fraction={args.target_fraction!r} is not a number; allowed: 0 < f <= 1") from None
        rec = ising_ladder(args.ising, gset_dir=args.gset_dir, sweeps=_int(args.sweeps, "--sweeps", 1, 10**7),
                           reads=_int(args.reads, "--reads", 1, 10**6), seed=_int(args.seed, "--seed", 0, 2**63 - 1),
                           target_fraction=frac, include_unverified=args.include_unverified)
        title = (f"Ladder of MaxCut {rec['instance']} (n = {rec['n']}, target cut {rec['target_cut']:g} = "
                 f"{rec['target_fraction']:g} x best known {rec['best_known_cut']:g}; best cut found {rec['best_cut']:g})")
    if args.json:
        inputs = {"include_unverified": args.include_unverified, "workload": args.workload} if args.workload else \
            {k: rec[k] for k in ("instance", "sweeps", "reads", "seed", "target_fraction", "gset_dir")}
        return emit_json(args, rec, inputs, seed=rec.get("seed"))
    rows = [[r["rung"], r["kind"], g3(r["energy_J"]), r["status"]] for r in rec["rows"]]
    table(title, ["rung", "kind", "energy [J]", "status"], rows)
    for i, r in enumerate(rec["rows"], 1):
        if r["status"].startswith("excluded"):
            continue
        extra = f"; TTS99 = {g3(r['tts99_s'])} s (t_run {g3(r['t_run_s'])} s, p = {r['p_success']:.3g})" if "tts99_s" in r else ""
        why = f" -- {r['status']}: {r['reason']}" if r["reason"] else ""
        note(f"{r['rung']}: {r['counted']}" + (f"; {r['conversion']}" if r["conversion"] else "") + extra + why,
             prefix=f"[{i}] ")
        note(r["source"], prefix="    source: ")
    n_ex = sum(r["status"].startswith("excluded") for r in rec["rows"])
    if n_ex:
        note(f"{n_ex} unverified rows excluded (--include-unverified shows them, marked)", prefix="")
    return 0
