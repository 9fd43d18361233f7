"""``limbound train``: train on digits with weights in b-bit LIM memories; energy books (THEORY §6)."""
from __future__ import annotations

import argparse

from ..specs import BUDGET, TRAIN
from ._common import add_progress_arg, add_thermal_args, epilog, g3, progress, refuse_args, table, thermal_kwargs
from ._solver import SWEEP_GONE, bound_rows, emit_result


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train on digits with weights in LIM memories; measured heat against its floor (theorem) and the LIM estimate",
                       description="Logistic regression or a small MLP on scikit-learn's digits, weights in b-bit "
                                   "LIM memories, compared with float32 training of the same model.",
                       epilog=epilog("limbound train digits", "limbound train digits --model mlp --bits 6 --epochs 10",
                                     "limbound train digits --dt 10ns --temperature 77K --json"))
    p.add_argument("dataset", choices=("digits",), help="data set (bundled with scikit-learn)")
    TRAIN.add_arguments(p, ["model", "bits", "seed", "rule", "reads", "epochs", "dt_s"])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_thermal_args(p)
    add_progress_arg(p)
    BUDGET.add_arguments(p)
    refuse_args(p, {"--sweep": SWEEP_GONE.format(kind="train", example="sweep_train_precision")})
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..budget import check_budget, train_seconds
    from ..solvers.train import check_train_inputs, train_digits

    dt = args.dt  # every option was read and checked by its declaration (limbound.specs.TRAIN)
    inputs = dict(dataset=args.dataset, model=args.model, rule=args.rule, reads=args.reads)
    th = thermal_kwargs(args)
    inputs.update(bits=args.bits, epochs=args.epochs, dt_s=dt, temperature_K=th["temperature_K"], f0_hz=th["f0_hz"])
    w = check_train_inputs(model=args.model, bits=args.bits, rule=args.rule, reads=args.reads, epochs=args.epochs,
                           dt_s=dt, seed=args.seed, **th)  # before any work (train_digits checks again)
    s, what = train_seconds(w["work"])
    check_budget(what, s, args.max_time)
    with progress(args, f"train: {args.model}, {args.epochs} epochs, {args.reads} reads"):
        r = train_digits(model=args.model, bits=args.bits, rule=args.rule, reads=args.reads, epochs=args.epochs,
                         dt_s=dt, seed=args.seed, **th)
    if args.json:  # with every input that affects the result (lr, batch, l2, engine, C, ... as resolved)
        return emit_result(args, r, inputs)
    table(f"LIM training: digits, {args.model}, b={args.bits}, rule={args.rule}, dt={dt:g} s, {r.n_params} parameters",
          ["quantity", "value"],
          [["test accuracy (mean over reads)", f"{r.test_accuracy:.4f}"],
           ["float32 test accuracy", f"{r.float_test_accuracy:.4f}"],
           *bound_rows(r),
           ["updates (predicted, stochastic class)", f"{r.updates} ({r.predicted_updates:.4g})"],
           ["first-law residual", g3(r.books["first_law_residual"])]])
    return 0
