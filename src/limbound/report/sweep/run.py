"""Running a sweep: its points on a Dask cluster (local or remote), results written as they finish.

See :mod:`limbound.report.sweep` for how a run resumes, what it writes and how versions are kept apart.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import __version__
from ...errors import ParameterError
from ...fileio import StrPath, atomic_write_text, check_out_dir, dumps, make_out_dir
from ...specs import DEFAULT_MAX_TIME_S, SWEEP
from ..progress import progress as progress_display
from .config import SweepConfig, load_config, parse_config
from .kinds import available_kinds, run_point
from .lock import FolderLock
from .store import _clean_temp, _now, _write_manifest, check_same_version, consolidate, scan_points

#: Seconds to wait for an existing scheduler before giving up.
CONNECT_TIMEOUT_S = 15.0


@dataclass
class SweepResult:
    """Outcome of :func:`run_sweep`: counts, paths and the failures of this run."""

    out_dir: Path
    total: int
    skipped: int
    ran: int
    failed: dict
    rows: int
    store: Path
    manifest: Path
    seconds: float
    scheduler: str
    rejected: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.rows == self.total

    @property
    def retryable(self) -> dict:
        """The failures a rerun may fix (a worker died, a connection dropped), not those of the inputs."""
        return {k: v for k, v in self.failed.items() if not is_input_failure(v)}

    def as_dict(self) -> dict:
        return {"version": __version__, "out_dir": str(self.out_dir), "total": self.total, "skipped": self.skipped,
                "ran": self.ran, "failed": self.failed, "rows": self.rows, "complete": self.complete,
                "store": str(self.store), "manifest": str(self.manifest), "seconds": round(self.seconds, 3),
                "scheduler": self.scheduler, "rejected": self.rejected, "retryable": sorted(self.retryable)}


#: Error types of a point that its inputs cause: rerunning the same point fails the same way.
INPUT_ERRORS = ("ParameterError", "ParameterTypeError", "FormatError", "CatalogError", "MemoryError", "ValueError",
                "TypeError", "KeyError", "ZeroDivisionError", "OverflowError", "FloatingPointError")


def is_input_failure(error: str) -> bool:
    """True if a point's recorded error (``"Type: message"``) comes from its inputs, not from the cluster."""
    return str(error).split(":", 1)[0].strip() in INPUT_ERRORS



def _client(scheduler: str | None, *, n_workers: int, processes: bool) -> tuple[Any, Any, str]:
    """A Dask client: on an existing scheduler (address) or on a small LocalCluster started here."""
    from ..._optional import require
    distributed = require("distributed", extra="sweep")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    # A Client whose construction failed is finalised whenever the garbage collector runs; if that happens inside
    # the next Client's LoopRunner start (which holds the lock its __del__ -> close() needs), the process
    # deadlocks (seen: test_cli_bad_scheduler_is_one_line_and_creates_nothing hung for 10+ min).  Collect such
    # leftovers here, outside distributed's locks, before and after every attempt.
    gc.collect()
    if scheduler:
        try:
            return Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s"), None, str(scheduler)
        except (OSError, TimeoutError) as exc:
            gc.collect()
            raise ParameterError(f"--scheduler={scheduler!r} cannot be reached ({type(exc).__name__}); "
                                 "allowed: the address of a running Dask scheduler, e.g. tcp://host:8786") from None
        except (ValueError, TypeError) as exc:  # e.g. "missing port number", "unknown address scheme"
            gc.collect()
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ParameterError(f"--scheduler={scheduler!r} is not a Dask address ({msg}); "
                                 "allowed: e.g. tcp://host:8786") from None
    # the workers' scratch space in a temporary folder of our own, removed after the run (never
    # /tmp/dask-scratch-space, never inside --out)
    scratch = tempfile.mkdtemp(prefix="limbound-dask-")
    try:
        import dask

        with dask.config.set({"temporary-directory": scratch}):  # the scheduler's scratch folder too
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,
                                   dashboard_address=None, silence_logs=logging.ERROR, local_directory=scratch)
        cluster.limbound_scratch = scratch
        return Client(cluster), cluster, f"LocalCluster({n_workers} {'processes' if processes else 'threads'})"
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _close(client: Any, cluster: Any) -> None:
    """Close the client and the LocalCluster started here, and remove its scratch folder."""
    if client is not None:
        client.close()
    if cluster is not None:
        cluster.close()
        scratch = getattr(cluster, "limbound_scratch", None)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


#: Local workers at most per CPU core (a remote scheduler's workers are not capped here).
WORKERS_PER_CORE = 4
#: Seconds between manifest rewrites while points finish (and always after the last one).
MANIFEST_EVERY_S = 1.0


def grid_key(cfg: SweepConfig) -> str:
    """Identity of a sweep's grid: sha256 of its kind, store and point ids (not its name or comments)."""
    text = json.dumps({"kind": cfg.kind, "store": cfg.store, "ids": [p["id"] for p in cfg.points()]})
    return hashlib.sha256(text.encode()).hexdigest()


def estimate_seconds(cfg: SweepConfig, points: list[dict] | None = None) -> tuple[float, str]:
    """CPU seconds of ``points`` (default all) from the kinds' cost models (:mod:`limbound.budget` rates)."""
    k = available_kinds()[cfg.kind]
    pts = cfg.points() if points is None else points
    if k.cost is None:
        return 0.0, f"{len(pts)} points"
    total = sum(k.cost(p["inputs"]) for p in pts)
    return total, f"{len(pts)} points of kind {cfg.kind!r}, {total:.3g} CPU-seconds"


@SWEEP.validates
def run_sweep(config: SweepConfig | dict | StrPath, out_dir: StrPath, *, scheduler: str | None = None,
              n_workers: int = 2, processes: bool = True, max_points: int | None = None, progress: bool = True,
              force: bool = False, max_time_s: float | str | None = DEFAULT_MAX_TIME_S) -> SweepResult:
    """Run (or resume) a sweep.

    Parameters
    ----------
    config : a :class:`SweepConfig`, a parsed TOML dict, or the path of a TOML file
    out_dir : result folder (``points/``, ``failed/``, ``manifest.json``, ``results.parquet``)
    scheduler : address of an existing Dask scheduler; None starts a LocalCluster
    n_workers, processes : size and kind of the LocalCluster (ignored with ``scheduler``); at most
        :data:`WORKERS_PER_CORE` x CPU cores
    max_points : run at most this many pending points, then stop (a bounded run; the rest stay pending)
    progress : show progress on stderr (only when it is a terminal; :mod:`limbound.report.progress`)
    force : run into a folder that holds another config's (or command's) results
    max_time_s : work budget in seconds or text with a unit (:data:`limbound.specs.MAX_TIME`, default 10 min;
        None or ``"none"``: no limit); the pending points' estimated CPU time divided by the workers must fit

    The folder: ``DIR/.lock`` (pid, host) while a run works in it -- a second run is refused, a lock left by a
    killed run on this host is taken over; ``DIR/INCOMPLETE`` until every point has a result; the manifest is
    rewritten atomically as points finish; point files that fail validation (:func:`point_problem`) are moved
    to ``DIR/rejected/`` and recomputed.

    Returns
    -------
    SweepResult; ``complete`` is True when every point of the grid has a result.
    """
    from ...budget import check_budget
    from ...fileio import check_owner

    t0 = time.perf_counter()
    cfg = config if isinstance(config, SweepConfig) else (
        parse_config(config) if isinstance(config, dict) else load_config(config))
    out = _check_run(cfg, out_dir, scheduler, n_workers)
    key = grid_key(cfg)
    check_owner(out, "sweep", key, force=force, describe="config")
    done, _ = scan_points(cfg, out)
    pending = [p for p in cfg.points() if p["id"] not in done]
    if max_points is not None:
        pending = pending[:max_points]
    if not scheduler:  # the budget of a local cluster is known before it starts
        cpu, what = estimate_seconds(cfg, pending)
        check_budget(f"{what} on {n_workers} workers", cpu / n_workers, max_time_s)
    existed = out.exists()
    make_out_dir(out)
    with FolderLock(out):
        try:
            return _run_locked(cfg, out, key, pending, scheduler, n_workers, processes, progress, max_time_s, t0)
        except BaseException:
            if not existed and not any(x.name != ".lock" for x in out.iterdir()):
                shutil.rmtree(out, ignore_errors=True)  # nothing of ours to keep: as if never started
            raise


def _check_run(cfg: SweepConfig, out_dir: StrPath, scheduler: str | None, n_workers: int) -> Path:
    """Refuse more local workers than this machine carries (the declared range is checked by ``SWEEP``), and an
    ``out_dir`` this sweep cannot write or another version wrote."""
    if not scheduler:
        from ...errors import check_integer

        check_integer("n_workers", n_workers, minimum=1, maximum=WORKERS_PER_CORE * (os.cpu_count() or 1),
                      why=f"{WORKERS_PER_CORE} per CPU core of this machine; more with a scheduler")
    store_name = "results.parquet" if cfg.store == "parquet" else "results.csv"
    out = check_out_dir(out_dir, files=["manifest.json", store_name, "INCOMPLETE"])
    for sub in ("points", "failed", "rejected"):
        q = out / sub
        if (q.exists() or q.is_symlink()) and not q.is_dir():
            raise ParameterError(f"--out={str(out_dir)!r}: {sub} there is not a folder; allowed: a folder where {sub} "
                                 "is a folder or absent")
    check_same_version(out)
    return out


def _created(out: Path) -> str:
    """When the sweep in ``out`` was first started (its manifest's ``created_utc``), else now."""
    created = _now()
    old = out / "manifest.json"
    if old.is_file():
        try:
            created = json.loads(old.read_text()).get("created_utc", created)
        except (ValueError, AttributeError):
            pass
    return created


def _prepare_folder(cfg: SweepConfig, out: Path, key: str, bad: dict) -> None:
    """Claim ``out`` for this sweep, make its subfolders, move rejected point files aside, remove stale temporaries."""
    from ...fileio import claim_out_dir

    claim_out_dir(out, "sweep", key, config_sha256=cfg.sha256, kind=cfg.kind)
    for sub in ("points", "failed"):
        make_out_dir(out / sub, name="--out subfolder")
    if bad:  # never trusted, never lost: moved aside and recomputed
        make_out_dir(out / "rejected", name="--out subfolder")
        for pid in bad:
            os.replace(out / "points" / f"{pid}.json", out / "rejected" / f"{pid}.json")
    _clean_temp(out)


def _run_locked(cfg: SweepConfig, out: Path, key: str, pending: list[dict], scheduler: str | None, n_workers: int,
                processes: bool, progress: bool, max_time_s: float | None, t0: float) -> SweepResult:
    from ...budget import check_budget
    from ...fileio import mark_incomplete

    # under the lock: what another run finished meanwhile is not redone
    done, bad = scan_points(cfg, out)
    pending = [p for p in pending if p["id"] not in done]
    skipped = len(done & {p["id"] for p in cfg.points()})
    created = _created(out)
    failed: dict = {}
    sched_name = scheduler or "none (nothing to run)"
    ran = 0
    client = cluster = None
    if pending:
        client, cluster, sched_name = _client(scheduler, n_workers=n_workers, processes=processes)
    try:
        if scheduler and pending:  # now the cluster's size is known
            n = max(1, len(client.scheduler_info().get("workers", {})))
            cpu, what = estimate_seconds(cfg, pending)
            check_budget(f"{what} on {n} workers", cpu / n, max_time_s)
        _prepare_folder(cfg, out, key, bad)
        state = {"last": 0.0}

        def manifest(status: str = "running", final: bool = False) -> None:
            if final or time.monotonic() - state["last"] >= MANIFEST_EVERY_S:
                _write_manifest(cfg, out, done, failed, sched_name, created, status, bad)
                state["last"] = time.monotonic()

        mark_incomplete(out, f"sweep {cfg.name or cfg.kind!r} running or stopped early (see manifest.json)")
        manifest(final=True)
        if pending:
            try:
                ran = _execute(client, cfg, pending, out, done, failed, progress=progress, skipped=skipped,
                               on_point=manifest)
            except BaseException:  # interrupted (Ctrl-C): record what finished, then stop
                _write_manifest(cfg, out, done, failed, sched_name, created, "interrupted", bad)
                consolidate(cfg, out)
                raise
    finally:
        _close(client, cluster)
    res = _finish(cfg, out, done, failed, sched_name, created, bad)
    return SweepResult(out_dir=out, skipped=skipped, ran=ran, failed=failed, seconds=time.perf_counter() - t0,
                       scheduler=sched_name, rejected=bad, **res)


def _finish(cfg: SweepConfig, out: Path, done: set, failed: dict, sched_name: str, created: str, bad: dict) -> dict:
    """The final manifest and store, and ``DIR/INCOMPLETE`` cleared or kept with the reason."""
    from ...fileio import clear_incomplete, mark_incomplete

    points = cfg.points()
    complete = len(done & {p["id"] for p in points}) == len(points)
    status = "complete" if complete else ("failed" if failed else "incomplete")
    manifest_path = _write_manifest(cfg, out, done, failed, sched_name, created, status, bad)
    store, rows = consolidate(cfg, out)
    if complete:
        clear_incomplete(out)
    else:
        mark_incomplete(out, f"sweep {status}: {len(points) - len(done)} of {len(points)} points without a result "
                        f"({len(failed)} failed; see manifest.json)")
    return {"total": len(points), "rows": rows, "store": store, "manifest": manifest_path}


def _execute(client: Any, cfg: SweepConfig, pending: list[dict], out: Path, done: set, failed: dict, *,
             progress: bool, skipped: int, on_point: Callable[[], None] | None = None) -> int:
    from distributed import as_completed

    futures = {}
    for p in pending:
        f = client.submit(run_point, cfg.kind, p["inputs"], p["seed"], key=f"limbound-{cfg.kind}-{p['id']}", pure=False)
        futures[f] = p
    ran = 0
    with progress_display(f"sweep ({skipped} already done)", total=len(pending), enabled=progress) as task:
        for fut in as_completed(futures):
            p = futures[fut]
            try:
                rec = fut.result()
            except Exception as exc:  # the worker itself died
                rec = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "seconds": None}
            if rec.get("version", __version__) != __version__:
                rec = {**rec, "status": "failed",
                       "error": f"VersionError: the worker runs limbound {rec['version']}, the client {__version__}; "
                                "install the same version on every worker"}
            entry = {"id": p["id"], "kind": cfg.kind, "seed": p["seed"], "inputs": p["inputs"], "version": __version__,
                     "finished_utc": _now(), **rec}
            if rec["status"] == "ok":
                atomic_write_text(out / "points" / f"{p['id']}.json", dumps(entry) + "\n")
                (out / "failed" / f"{p['id']}.json").unlink(missing_ok=True)
                done.add(p["id"])
            else:
                atomic_write_text(out / "failed" / f"{p['id']}.json", dumps(entry) + "\n")
                failed[p["id"]] = rec["error"]
            ran += 1
            task.advance()
            if on_point is not None:
                on_point()
    return ran
