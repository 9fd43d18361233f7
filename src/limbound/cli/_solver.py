"""Output shared by the solver commands (``limbound qp``, ``limbound train``): not a subcommand."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ._common import emit_json, g3

if TYPE_CHECKING:
    from ..sim.lim_books import VersusBound

#: Why ``--sweep`` is refused (one line, exit 2): sweeps have one entry point, ``limbound sweep`` (issue 11).
SWEEP_GONE = ("sweeps have one entry point: `limbound sweep CONFIG.toml` with kind = \"{kind}\" (a grid over bits, dt, "
              "...; see examples/{example}.toml)")


def bound_rows(r: VersusBound) -> list:
    """Table rows of a result's measured heat against its floor (THEORY §8a) and the LIM estimate.

    ``r`` is a :class:`~limbound.sim.lim_books.VersusBound` result
    (:class:`~limbound.solvers.qp.QPResult`, :class:`~limbound.solvers.train.TrainResult`).
    Every energy says its kind: measured, floor (a theorem) or estimate (the paper's model).
    """
    parts = r.books.get("floor_parts") or {}
    return [["measured: heat [J] (mean over reads +- SE)", f"{r.heat_J:.4g} +- {r.heat_sem_J:.2g}"],
            ["floor [J] (THEORY §8a, the larger below)", g3(r.floor_J)],
            ["  ensemble floor: entropy + speed [J]", f"{g3(parts.get('entropy_J'))} + {g3(parts.get('speed_J'))}"],
            ["  conditional floor (per update) [J]", g3(r.books.get("floor_conditional_J"))],
            ["  floor holds (measured + 3 SE >= floor)", str(r.books.get("floor_holds"))],
            ["estimate: LIM e_LIM x N x predicted updates [J]", g3(r.estimate_J)],
            ["tightness (measured / floor)", g3(r.tightness)],
            ["measured / estimate", g3(r.measured_over_estimate)]]


def emit_result(args: argparse.Namespace, r: VersusBound, inputs: dict) -> int:
    """``--json`` of one run: its inputs (every input that affects it: the solver's resolved ``r.inputs``, then
    the CLI's), ``r.as_dict()`` as the results and the provenance (:func:`~._common.json_record`)."""
    resolved = {k: v for k, v in {**r.inputs, **inputs}.items() if k != "seed"}
    return emit_json(args, r.as_dict(), resolved, seed=args.seed)
