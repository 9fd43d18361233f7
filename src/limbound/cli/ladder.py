"""``limbound ladder``: a workload (or a G-set instance) from its floor up to measured hardware, with sources."""
from __future__ import annotations

import argparse

from ..specs import ISING_LADDER, WORKLOAD_LADDER
from ._common import emit_json, epilog, g3, note, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ladder", help="floor -> LIM estimate -> static CIM -> measured chips -> accelerators, with sources",
                       description="Place a training workload (--workload) or a G-set MaxCut instance (--ising) on the "
                                   "ladder floor -> estimates -> measured chips / Ising machines -> accelerators. Units "
                                   "are converted explicitly; a rung counting something else is refused in one line.",
                       epilog=epilog("limbound ladder --workload gpt-3", "limbound ladder --ising G1 --sweeps 300 --reads 8",
                                     "limbound ladder --workload llama-65b --include-unverified --json"))
    g = p.add_mutually_exclusive_group(required=True)
    WORKLOAD_LADDER.add_arguments(g, ["workload"])
    ISING_LADDER.add_arguments(g, ["instance"])
    p.add_argument("--gset-dir", default=None, help="G-set folder (default: $LIMBOUND_GSET_DIR, else the repository's)")
    ISING_LADDER.add_arguments(p, ["sweeps", "reads", "seed", "target_fraction", "include_unverified"])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report.ladder import ising_ladder, workload_ladder

    if args.workload:
        rec = workload_ladder(args.workload, include_unverified=args.include_unverified)
        title = f"Ladder of {args.workload}: joules, each rung with its kind and source"
    else:  # the options are read and checked by their declarations (limbound.specs.ISING_LADDER)
        rec = ising_ladder(args.ising, gset_dir=args.gset_dir, sweeps=args.sweeps, reads=args.reads,
                           seed=args.seed, target_fraction=args.target_fraction,
                           include_unverified=args.include_unverified)
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
