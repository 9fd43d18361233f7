"""``limbound sweep``: a resumable grid of estimates or simulations on Dask."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..specs import SWEEP
from ._common import add_progress_arg, emit_json, epilog


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a resumable parameter sweep (TOML grid) on Dask",
                       description="Run every point of the grid in CONFIG.toml on a Dask cluster (a local one of 2 "
                                   "workers unless --scheduler is given). One result file per point is written "
                                   "atomically; rerunning skips finished points. Results: DIR/results.parquet "
                                   "(or .csv) and DIR/manifest.json. Every input is checked before a cluster starts "
                                   "or DIR is created. Relative file paths in CONFIG (graph) are relative to CONFIG's "
                                   "folder. A DIR written by another limbound version is refused (use a new --out).",
                       epilog=epilog("limbound sweep examples/sweep_brain_scale.toml",
                                     "limbound sweep grid.toml --out out/grid --max-points 10",
                                     "limbound sweep grid.toml --scheduler tcp://host:8786"))
    p.add_argument("config", metavar="CONFIG.toml", help="sweep description (see examples/sweep_brain_scale.toml)")
    SWEEP.add_arguments(p, ["scheduler"])
    p.add_argument("--out", default=None, metavar="DIR", help="result folder (default: out/sweep_<config name>)")
    SWEEP.add_arguments(p, ["n_workers"])
    p.add_argument("--threads", action="store_true", help="local cluster of threads instead of processes")
    SWEEP.add_arguments(p, ["max_points", "force"])
    SWEEP.add_arguments(p, ["max_time_s"], help={"max_time_s": "refuse sweeps estimated longer than this, e.g. 2h, "
                                                                "or 'none' (default 10min)"})
    add_progress_arg(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..report.sweep import load_config, run_sweep

    workers, max_points = args.workers, args.max_points  # read and checked by their declarations (SWEEP)
    cfg = load_config(args.config)
    out = args.out if args.out is not None else Path("out") / f"sweep_{Path(args.config).stem}"  # "" is refused
    res = run_sweep(cfg, out, scheduler=args.scheduler, n_workers=workers, processes=not args.threads,
                    max_points=max_points, progress=not args.no_progress, force=args.force,
                    max_time_s=args.max_time)
    for pid, err in list(res.failed.items())[:5]:
        sys.stderr.write(f"limbound: point {pid} failed: {err}\n")
    if len(res.failed) > 5:
        sys.stderr.write(f"limbound: ... and {len(res.failed) - 5} more failed points (see {res.manifest})\n")
    if res.rejected:
        sys.stderr.write(f"limbound: {len(res.rejected)} point file(s) failed validation, moved to "
                         f"{res.out_dir / 'rejected'} and recomputed (e.g. {next(iter(res.rejected.values()))})\n")
    if args.json:
        d = res.as_dict()
        emit_json(args, d, dict(config=str(args.config), config_sha256=cfg.sha256, out=str(out), scheduler=args.scheduler,
                                workers=workers, max_points=max_points, force=args.force), legacy=d)
    else:
        print(f"{res.total} points: {res.skipped} already done, {res.ran} run now on {res.scheduler}, "
              f"{len(res.failed)} failed, {res.total - res.rows} without a result; {res.seconds:.1f} s")
        print(f"results: {res.store} ({res.rows} rows); manifest: {res.manifest}")
    if not res.complete:
        if res.failed and not res.retryable:
            sys.stderr.write("limbound: the failed points fail because of their inputs: a rerun will not fix them; "
                             "change the config (see the errors above)\n")
        elif not args.json and (res.retryable or res.total - res.rows > len(res.failed)):
            print("incomplete: rerun the same command to resume")
    return 1 if res.failed else 0
