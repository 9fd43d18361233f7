"""The inputs of an estimate: :func:`resolve` checks them once (types and ranges declared in
:data:`limbound.specs.ESTIMATE`) and derives OPS, FLOPs, the update time and the accelerator, giving the frozen
:class:`Inputs` that every paradigm of :mod:`limbound.bounds` reads (THEORY §3-§4).

A catalog ``workload`` fills what is not given; ``n_cons`` of the volatile store comes from the consolidation
policy (THEORY §2c'; table in :mod:`limbound.bounds`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from . import catalogs
from .constants import DAY_S, F0_DEFAULT_HZ, T_DEFAULT_K, check_temperature
from .counting import operations, training_flops, update_time_s
from .deprecation import renamed_keywords
from .errors import ParameterError, check_bits, check_positive
from .physics.static import D_RET_DEFAULT, D_W_DEFAULT, RETENTION_DEFAULT_S
from .specs import ESTIMATE

TIME_DEFAULT_S = 30 * DAY_S
BITS_DEFAULT = 16


@renamed_keywords(T_K="temperature_K")
@dataclass(frozen=True)
class Inputs:
    """Resolved, validated inputs of one estimate (SI units)."""

    params: float
    ops: float
    flops: float
    bits: int
    time_s: float
    temperature_K: float = T_DEFAULT_K
    T_ambient_K: float = T_DEFAULT_K
    f0_hz: float = F0_DEFAULT_HZ
    retention_s: float = RETENTION_DEFAULT_S
    d_ret: float = D_RET_DEFAULT
    d_w: float = D_W_DEFAULT
    eps: float | None = None
    counting: str = "per-operation"
    consolidations: float = 0.0
    consolidation_policy: str = "per-step"
    accelerator: str = ""
    precision: str = "bf16"
    workload: str | None = None
    device: str | None = None
    notes: tuple = ()

    @property
    def dt_s(self) -> float:
        """Time for one update of one parameter, ``tau N / OPS``."""
        return update_time_s(self.time_s, self.params, self.ops)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["dt_s"] = self.dt_s
        d["temperature_K"] = d.pop("temperature_K")  # after dt_s, where the JSON had it before the field's rename
        d["notes"] = list(self.notes)
        return d


@renamed_keywords(T_K="temperature_K")
@ESTIMATE.validates
def resolve(*, params: float | None = None, tokens: float | None = None, flops: float | None = None,
            ops: float | None = None, bits: int | None = None, time_s: float | None = None,
            temperature_K: float = T_DEFAULT_K, T_ambient_K: float = T_DEFAULT_K, f0_hz: float = F0_DEFAULT_HZ,
            retention_s: float = RETENTION_DEFAULT_S, d_ret: float = D_RET_DEFAULT, d_w: float = D_W_DEFAULT,
            eps: float | None = None, counting: str = "per-operation", batch_tokens: float | None = None,
            consolidations: float | str = "per-step", epochs: float | None = None, accelerator: str | None = None,
            precision: str = "bf16", workload: str | None = None, device: str | None = None) -> Inputs:
    """Validate inputs and derive OPS, FLOPs and the accelerator (all keyword-only).

    A catalog ``workload`` supplies params, tokens, FLOPs, batch and time
    where they are not given explicitly; defaults then fill ``bits`` (16) and
    ``time_s`` (30 days).  ``ops`` overrides the counting; FLOPs for the
    accelerator come from ``flops``, else ``6 N D``, else ``ops`` (stated in
    ``notes``).  ``consolidations`` sets ``n_cons`` of ``volatile_cim`` (module notes): ``"per-step"``
    (default), ``"per-epoch"`` (needs ``epochs``) or a number >= 0.  Every argument's type and range is
    declared in :data:`limbound.specs.ESTIMATE` and checked at entry; the checks here are of combinations.
    """
    notes = []
    if tokens is not None and flops is not None:  # as the CLI's --tokens/--flops: FLOPs = 6 N D from tokens
        raise ParameterError("tokens and flops are both given; allowed: one of them (FLOPs = 6 N D from tokens); "
                             "ops may be given with either")
    check_temperature(temperature_K)
    if workload is not None:
        params, tokens, flops, batch_tokens, time_s, bits = _from_workload(
            workload, params, tokens, flops, batch_tokens, time_s, bits, notes)
    if params is None:
        raise ParameterError("params is required (number of parameters N > 0), or a --workload")
    n = check_positive("params", params)
    bits = check_bits(BITS_DEFAULT if bits is None else bits)
    if time_s is None:
        time_s = TIME_DEFAULT_S
        notes.append("time-to-solution: 30 days (default)")
    time_s = check_positive("time_s", time_s)
    if not float(f0_hz) * float(retention_s) / float(d_ret) <= 1e300:  # E_ret = ln(f0 T_ret / d_ret), THEORY §1
        raise ParameterError(f"retention_s={retention_s!r} with f0_hz={f0_hz!r} and d_ret={d_ret!r}: f0 T_ret / d_ret "
                             "leaves the double range; allowed: f0 x retention / d_ret <= 1e300")
    ops, flops = _count(n, tokens=tokens, flops=flops, ops=ops, counting=counting, batch_tokens=batch_tokens,
                        notes=notes)
    dt = time_s * n / ops
    if not (0.0 < dt < float("inf")):
        raise ParameterError(f"time x params / ops = {dt!r} s per update is not a finite time > 0; "
                             f"allowed: time, params and ops giving a finite update time")
    n_cons, policy = _consolidations(consolidations, epochs, n=n, tokens=tokens, flops=flops, ops=ops,
                                     batch_tokens=batch_tokens, notes=notes)
    acc = catalogs.best_accelerator(precision) if accelerator is None else catalogs.accelerator(accelerator)
    acc.energy_per_flop_J(precision)  # refuse parts without power or this precision, before any work
    if device is not None:
        catalogs.device(device)  # refuse unknown names before any work
    return Inputs(params=n, ops=ops, flops=flops, bits=bits, time_s=time_s, temperature_K=float(temperature_K), T_ambient_K=float(T_ambient_K), f0_hz=float(f0_hz),
                  retention_s=float(retention_s), d_ret=float(d_ret), d_w=float(d_w),
                  eps=None if eps is None else float(eps), counting=counting,
                  consolidations=n_cons, consolidation_policy=policy, accelerator=acc.key, precision=precision, workload=workload, device=device, notes=tuple(notes))


def _from_workload(workload: str, params: float | None, tokens: float | None, flops: float | None,
                   batch_tokens: float | None, time_s: float | None, bits: int | None, notes: list[str]) -> tuple:
    """``(params, tokens, flops, batch_tokens, time_s, bits)``: the catalog workload's figures where none is given."""
    w = catalogs.workload(workload)
    params = w.params if params is None else params
    tokens = w.tokens if tokens is None else tokens
    flops = w.flops if flops is None else flops
    batch_tokens = w.batch_tokens if batch_tokens is None else batch_tokens
    if time_s is None and w.time_s is not None:
        time_s = w.time_s
        notes.append("time-to-solution: the scenario's stated time" if w.scenario else "time-to-solution: the published training time")
    bits = w.bits if bits is None else bits
    return params, tokens, flops, batch_tokens, time_s, bits


def _count(n: float, *, tokens: float | None, flops: float | None, ops: float | None, counting: str,
           batch_tokens: float | None, notes: list[str]) -> tuple[float, float]:
    """``(OPS, FLOPs)``: OPS from the counting (THEORY §3) unless given; FLOPs = 6 N D from tokens, else OPS (each
    choice stated in ``notes``)."""
    if flops is None and tokens is not None:
        flops = training_flops(n, tokens)
        notes.append("training FLOPs = 6 N D (N parameters, D tokens)")
    if ops is not None:
        ops = check_positive("ops", ops)
        notes.append("OPS given directly")
    elif counting == "per-update" and tokens is None and flops is not None:
        raise ParameterError("per-update counting needs tokens (training tokens or samples); only flops was given")
    else:
        if flops is None and tokens is None:
            raise ParameterError("one of tokens, flops or ops is required")
        ops = operations(n, counting=counting, flops=flops, tokens=tokens, batch_tokens=batch_tokens)
        if counting == "per-update":
            notes.append("per-update: OPS = N tokens / batch_tokens" if batch_tokens else "per-update with batch 1 (online learning): OPS = N tokens")
    if flops is None:
        flops = ops
        notes.append("accelerator FLOPs taken equal to OPS")
    return ops, check_positive("flops", flops)


def _consolidations(consolidations: float | str, epochs: float | None, *, n: float, tokens: float | None,
                    flops: float | None, ops: float, batch_tokens: float | None, notes: list[str]) -> tuple[float, str]:
    """``(n_cons, policy)`` of the volatile store (module notes); a refused value is a one-line ParameterError."""
    if isinstance(consolidations, str):
        if consolidations == "per-step":
            batch = 1.0 if batch_tokens is None else check_positive("batch_tokens", batch_tokens)
            if tokens is not None:
                steps = tokens / batch
                notes.append("consolidation per optimizer step: n_cons = tokens / batch_tokens"
                             + ("" if batch_tokens else " (batch 1, online)"))
            elif flops is not None:
                steps = flops / (6.0 * n) / batch
                notes.append("consolidation per optimizer step: n_cons = (FLOPs / 6N) / batch_tokens")
            else:
                steps = ops / n
                notes.append("consolidation per optimizer step: n_cons = OPS / N")
            return max(float(steps), 1.0), "per-step"
        if consolidations == "per-epoch":
            if epochs is None:
                raise ParameterError("consolidations='per-epoch' needs epochs (a number > 0); none was given")
            return float(epochs), "per-epoch"
    return float(consolidations), "given"  # a policy name or a number >= 0: checked at entry (specs.ESTIMATE)


__all__ = ["Inputs", "resolve", "TIME_DEFAULT_S", "BITS_DEFAULT"]
