"""Resumable parameter sweeps on Dask: a grid of inputs and seeds, one result file per point.

A sweep is described by a TOML file::

    [sweep]
    kind = "estimate"          # which function each point runs (see KINDS)
    name = "brain-scale band"  # free text, kept in the manifest
    store = "parquet"          # consolidated store: "parquet" (default) or "csv"
    # seeds = [0, 1, 2]        # random kinds only: every grid point runs once per seed

    [fixed]                    # inputs shared by every point
    params = 1e15
    time = "30d"               # quantities may carry units (time, temperature, frequency)

    [grid]                     # the Cartesian product of these lists
    tokens = [3e11, 1e12, 3e12]
    bits = [16, 24, 32]
    # params = { logspace = [6, 15, 10] }   # also linspace = [a, b, n], range = [start, stop, step]

A relative file path in a config file (the ``graph`` of kind "anneal") is
relative to the folder of that config file, not to the working folder, so a
config runs the same from anywhere; the resolved absolute path is what the
points, the manifest and the results record.  (A config given as a dict to
:func:`run_sweep` has no folder: its paths are used as given.)

How it runs.  Every point gets an id, a hash of ``(kind, inputs, seed)``.
Points are submitted to a Dask cluster -- a ``LocalCluster`` of 2 workers
started for the run (no server to start), or an existing scheduler when an
address is given -- and as each one completes the client writes
``OUT/points/<id>.json`` atomically (temporary file, then rename).  A rerun
reads that folder first and skips every finished point, so an interrupted
sweep resumes where it stopped: no point is computed twice, none is lost, and
a half-written file can never be mistaken for a result.  A point that raises
is recorded in ``OUT/failed/<id>.json`` with its one-line error and retried by
the next run.  The workers of a LocalCluster keep their scratch space in a
temporary folder that is removed after the run (not ``/tmp/dask-scratch-space``,
not inside ``OUT``).  At the end the finished points of the grid are consolidated,
in grid order, into ``OUT/results.parquet`` (or ``results.csv``), and
``OUT/manifest.json`` lists every point with its inputs, seed and status,
plus the limbound version and the config.

Versions.  The manifest and every point file record the limbound version that
computed them, and a store holds the results of ONE version: a run into a
folder written by another version is refused before any work (one line
naming both versions) -- rerun into a new ``--out``, or delete the folder, to
recompute every point.  Point ids do not contain the version (they name the
inputs), so this check, not the id, is what keeps an upgrade from silently
reusing old numbers.  A worker whose limbound version differs from the
client's has its points recorded as failed (never written as results).

Workers compute; only the client writes files, so a remote cluster needs no
shared file system -- but its workers must have limbound (same version)
installed, since each point runs :func:`run_point` there.  A LocalCluster of
processes starts its workers with ``spawn``: a script calling
:func:`run_sweep` needs the usual ``if __name__ == "__main__":`` guard (the
``limbound`` command has it).

Modules: :mod:`.config` (the TOML grid: parsing, expansion, point ids), :mod:`.kinds` (the task kinds, what a
point runs and its input check before any cluster starts, by the declarations of :mod:`limbound.specs`; the
simulation and solver kinds are in :mod:`.solver_kinds`), :mod:`.store` (point files, manifest, the consolidated store) and
:mod:`.run` (execution on Dask: :func:`run_sweep`).
"""
from __future__ import annotations

from .config import STORES, SweepConfig, load_config, parse_config, point_id
from .kinds import KINDS, Kind, available_kinds, register_kind, run_point, task_estimate
from .run import SweepResult, is_input_failure, run_sweep
from .store import check_same_version, consolidate, finished_ids, store_versions

__all__ = ["run_sweep", "check_same_version", "store_versions", "load_config", "parse_config", "SweepConfig",
           "SweepResult", "point_id", "register_kind", "run_point", "consolidate", "finished_ids", "available_kinds",
           "KINDS", "Kind", "task_estimate", "is_input_failure", "STORES"]
