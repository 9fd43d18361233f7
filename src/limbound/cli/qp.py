"""``limbound qp``: solve a convex QP on b-bit LIM memories and print the energy books (THEORY §6)."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import ParameterError
from ..specs import BUDGET, QP, RANDOM_QP
from ._common import add_progress_arg, add_thermal_args, epilog, g3, progress, refuse_args, table, thermal_kwargs
from ._solver import SWEEP_GONE, bound_rows, emit_result

if TYPE_CHECKING:
    from ..solvers.qp import QPProblem, QPResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("qp", help="solve a convex QP on LIM memories; measured heat against its floor (theorem) and the LIM estimate",
                       description="Minimise 1/2 x'Px + q'x, lb <= x <= ub, l <= Ax <= u on b-bit LIM memories "
                                   "(augmented Lagrangian), with OSQP as the accuracy reference.",
                       epilog=epilog("limbound qp --random 200 --bits 12", "limbound qp problem.npz --rule anneal --reads 8",
                                     "limbound qp --random 50 --dt 10ns --temperature 77K --json"))
    p.add_argument("file", nargs="?", default=None, help=".npz file (keys P, q; A, l, u, lb, ub, r optional) or .mat file "
                        "(qpbenchmark/OSQP layout: P, q, r, A, l, u; +-1e20 infinite)")
    RANDOM_QP.add_arguments(p, ["n", "kappa"])
    QP.add_arguments(p, ["bits", "seed", "rule", "reads", "dt_s"])
    p.add_argument("--no-reference", action="store_true", help="skip the OSQP reference")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_thermal_args(p)
    add_progress_arg(p)
    BUDGET.add_arguments(p)
    refuse_args(p, {"--sweep": SWEEP_GONE.format(kind="qp", example="sweep_qp_precision")})
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..solvers.qp import check_random_inputs, check_solve_inputs, load_qp, random_qp, solve_qp

    if (args.file is None) == (args.random is None):
        raise ParameterError("give exactly one of FILE (.npz or .mat) or --random N")
    dt = args.dt  # every option was read and checked by its declaration (limbound.specs.QP, RANDOM_QP)
    th = thermal_kwargs(args)
    # the generator's and the solver's own checks, before building or reading the problem (a random P is
    # dense: n^2 floats)
    from ..budget import check_budget, qp_seconds, qp_updates
    from ..fileio import check_input_file

    if args.file is not None:
        from ..solvers.qp.problem import _FORMATS
        check_input_file(args.file, name="FILE", what=_FORMATS)
    if args.random is not None:
        check_random_inputs(args.random, seed=args.seed, kappa=args.kappa)
    check_solve_inputs(args.random, rule=args.rule, reads=args.reads, seed=args.seed, bits=args.bits, dt_s=dt, **th)
    if args.random is not None:  # the work budget of a dense random QP, before building it (front door)
        check_budget(*qp_seconds(args.random, reads=args.reads, reference=not args.no_reference, solves=1,
                                 updates=qp_updates(args.rule, args.bits, args.kappa))[::-1], args.max_time)
    problem = load_qp(args.file) if args.file is not None else random_qp(args.random, seed=args.seed, kappa=args.kappa)
    inputs = dict(file=args.file, sha256=problem.sha256, random=args.random,
                  kappa=args.kappa if args.random is not None else None,
                  rule=args.rule, reads=args.reads, reference=not args.no_reference)
    inputs.update(bits=args.bits, dt_s=dt, temperature_K=th["temperature_K"], f0_hz=th["f0_hz"])
    with progress(args, f"qp: n={problem.n}, {args.reads} reads, b={args.bits}"):
        r = solve_qp(problem, bits=args.bits, rule=args.rule, reads=args.reads, dt_s=dt, seed=args.seed,
                     reference=None if args.no_reference else "osqp", **th)
    if args.json:
        return emit_result(args, r, inputs)
    _show(args, problem, r, dt)
    return 0


def _show(args: argparse.Namespace, problem: QPProblem, r: QPResult, dt: float) -> None:
    """The solve's table: status, accuracy against the reference, and the heat against its floor and estimate."""
    table(f"LIM QP: {problem.source}, n={problem.n}, m={problem.m}, b={args.bits}, rule={args.rule}, dt={dt:g} s",
          ["quantity", "value"],
          [["status", r.status],
           ["residuals: primal, dual, gap (tolerance)",
            f"{g3(r.primal_residual)}, {g3(r.dual_residual)}, {g3(r.duality_gap)} ({g3(r.tolerance)})"],
           ["objective (mean over reads)", g3(r.objective)],
           ["reference objective (OSQP)", f"{g3(r.reference_objective)} ({r.reference_status})"],
           ["relative gap", g3(r.rel_gap)], ["constraint violation", g3(r.constraint_violation)],
           *bound_rows(r),
           ["updates (predicted)", f"{r.updates} ({r.predicted_updates:.4g}, {r.convergence_class})"],
           ["first-law residual", g3(r.books["first_law_residual"])]])
