"""``limbound per-op``: energy per operation of each physical paradigm."""
from __future__ import annotations

import argparse

from ..constants import kT
from ..physics import landauer_per_op_J, lim_barrier_kT, lim_tilt_kT, static_per_op_kT
from ..physics.static import write_arrhenius_valid
from ..units import parse_quantity
from ._common import add_physics_args, emit_json, epilog, physics_kwargs, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("per-op", help="energy per operation: Landauer, LIM, static CIM",
                       description="Per-operation energy of each physical paradigm at a precision and update time.",
                       epilog=epilog("limbound per-op", "limbound per-op --bits 8 --dt 10ns", "limbound per-op --temperature 4K --json"))
    p.add_argument("--dt", default="1us", help="time for one update of one parameter, e.g. 1us (default 1us)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_physics_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    kw = physics_kwargs(args)
    bits = kw.get("bits", 16)
    dt = parse_quantity(args.dt, "time", "--dt")
    k = kT(kw["temperature_K"])
    e_l = float(landauer_per_op_J(bits, kw["temperature_K"])) / k
    e_lim = float(lim_tilt_kT(bits, dt, kw["f0_hz"]))
    e_st = float(static_per_op_kT(bits, dt, kw["retention_s"], d_ret=kw["d_ret"], d_w=kw["d_w"], f0_hz=kw["f0_hz"]))
    inputs = dict(bits=bits, dt_s=dt, temperature_K=kw["temperature_K"], f0_hz=kw["f0_hz"], retention_s=kw["retention_s"],
                  d_ret=kw["d_ret"], d_w=kw["d_w"])
    out = {
        "landauer": {"per_op_kT": e_l, "per_op_J": e_l * k},
        "lim": {"per_op_kT": e_lim, "per_op_J": e_lim * k, "barrier_kT": float(lim_barrier_kT(bits, dt, kw["f0_hz"]))},
        "static_cim": {"per_op_kT": e_st, "per_op_J": e_st * k,
                       "arrhenius_valid": bool(write_arrhenius_valid(dt, kw["d_w"], kw["f0_hz"]))},
    }
    if args.json:
        return emit_json(args, out, inputs)
    table(f"Energy per operation, b={bits}, dt={dt:.3g} s, T={kw['temperature_K']:g} K, f0={kw['f0_hz']:.3g}/s",
          ["paradigm", "per op [kT]", "per op [J]", "barrier [kT]"],
          [["landauer", f"{e_l:.5g}", f"{e_l * k:.4g}", "-"],
           ["lim", f"{e_lim:.5g}", f"{e_lim * k:.4g}", f"{out['lim']['barrier_kT']:.4g}"],
           ["static_cim", f"{e_st:.5g}", f"{e_st * k:.4g}", "-"]])
    if not out["static_cim"]["arrhenius_valid"]:
        print("note: dt < ln(1/d_w)/f0: the static write tilt removes the barrier; its value is an Arrhenius extrapolation")
    return 0
