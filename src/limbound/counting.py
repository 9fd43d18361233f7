"""How many memory operations a run performs (THEORY §3).

Two counting conventions, stated in every output:

* ``per-operation`` (default for AI workloads, as in the seeds): every
  arithmetic operation of training is a memory operation in an in-memory
  realisation, ``OPS = FLOPs``;
* ``per-update``: only the parameter writes count, ``OPS = N * steps`` with
  ``steps = tokens / batch_tokens``.

And the "speed of convergence" inputs: iterations an optimizer of a given
convergence class needs to reach relative precision ``2**-b``.  Derivation in
``docs/theory.md`` §3; the restart factor of time-to-solution (THEORY §6) is
here too, so that every caller prices restarts the same way.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ParameterError, check_bits, check_positive
from .specs import COUNTINGS  # declared once, in limbound.specs

CONVERGENCE_CLASSES = ("linear", "sublinear", "stochastic")
#: FLOPs per parameter per training token (forward 2, backward 4): Kaplan et
#: al., arXiv 2001.08361 (2020), §2.1; Hoffmann et al., arXiv 2203.15556.
FLOPS_PER_PARAM_TOKEN = 6.0


def training_flops(params: ArrayLike, tokens: ArrayLike) -> float | NDArray[np.float64]:
    """Training compute by the ``6 N D`` rule (Kaplan et al. 2020).

    >>> training_flops(1e15, 1e12)
    6e+27
    """
    return FLOPS_PER_PARAM_TOKEN * check_positive("params", params) * check_positive("tokens", tokens)


def check_counting(counting: str) -> str:
    """``counting`` if it is one of :data:`COUNTINGS`; a one-line :class:`ParameterError` otherwise.

    >>> check_counting("per-update")
    'per-update'
    """
    if counting not in COUNTINGS:
        raise ParameterError(f"counting={counting!r} is unknown; allowed: {', '.join(COUNTINGS)}")
    return counting


def operations(params: ArrayLike, *, counting: str = "per-operation", flops: ArrayLike | None = None,
               tokens: ArrayLike | None = None, batch_tokens: ArrayLike | None = None) -> float | NDArray[np.float64]:
    """Memory operations of a training run under a counting convention.

    Parameters
    ----------
    params : number of parameters N
    counting : ``"per-operation"`` (OPS = FLOPs) or ``"per-update"`` (OPS = N * tokens / batch_tokens)
    flops : training FLOPs; derived as ``6 N D`` from ``tokens`` when omitted
    tokens : training tokens (or samples) D
    batch_tokens : tokens per optimizer step (per-update only; 1 means online learning)

    Example
    -------
    1e9 parameters, 1e12 tokens in batches of 1e6: ``6 N D = 6e21`` operations per-operation,
    ``N D / batch = 1e15`` per-update.

    >>> operations(1e9, tokens=1e12), operations(1e9, counting="per-update", tokens=1e12, batch_tokens=1e6)
    (6e+21, 1000000000000000.0)
    """
    check_counting(counting)
    n = check_positive("params", params)
    if counting == "per-operation":
        if flops is None:
            if tokens is None:
                raise ParameterError("per-operation counting needs flops or tokens; neither was given")
            flops = training_flops(n, tokens)
        return check_positive("flops", flops)
    if tokens is None:
        raise ParameterError("per-update counting needs tokens (and batch_tokens); tokens was not given")
    steps = check_positive("tokens", tokens) / check_positive("batch_tokens", 1.0 if batch_tokens is None else batch_tokens)
    out = n * np.maximum(steps, 1.0)  # element-wise: uncertainty.py passes arrays
    return float(out) if np.ndim(out) == 0 else out


def update_time_s(time_s: ArrayLike, params: ArrayLike, ops: ArrayLike) -> float | NDArray[np.float64]:
    """Time available for one update of one parameter, ``dt = tau N / OPS`` (all parameters in parallel).

    >>> update_time_s(1e6, 1e9, 1e15)   # 1e6 s for 1e6 updates of each parameter: 1 s each
    1.0
    """
    return check_positive("time_s", time_s) * check_positive("params", params) / check_positive("ops", ops)


def updates_for_convergence(kind: str, bits: ArrayLike, *, kappa: ArrayLike | None = None,
                            C: ArrayLike = 1.0) -> float | NDArray[np.float64]:
    """Iterations to reach relative precision ``2**-b`` for a convergence class (THEORY §3).

    * ``linear`` (rate ``1 - 1/kappa``, e.g. gradient descent on a strongly
      convex problem with condition number ``kappa``): ``n = kappa b ln 2``
      (from ``(1 - 1/kappa)^n <= 2^-b`` with ``ln(1 - 1/kappa) ~ -1/kappa``);
    * ``sublinear`` (error ``C/t``): ``n = C 2**b``;
    * ``stochastic`` (error ``C/sqrt(t)``, SGD): ``n = C 4**b``.

    >>> round(updates_for_convergence("linear", 16, kappa=10.0), 3)
    110.904
    """
    b = np.asarray(check_bits(bits), dtype=float)
    if kind == "linear":
        if kappa is None:
            raise ParameterError("linear convergence needs kappa (condition number >= 1); none was given")
        k = check_positive("kappa", kappa)
        if np.any(np.asarray(k) < 1):
            raise ParameterError(f"kappa={kappa!r} is out of range; allowed: kappa >= 1")
        out = k * b * math.log(2.0)
    elif kind == "sublinear":
        out = check_positive("C", C) * np.exp2(b)
    elif kind == "stochastic":
        out = check_positive("C", C) * np.exp2(2.0 * b)
    else:
        raise ParameterError(f"convergence={kind!r} is unknown; allowed: {', '.join(CONVERGENCE_CLASSES)}")
    return float(out) if out.ndim == 0 else out


def restarts_for_99(p_success: float) -> float | None:
    """Independent runs needed to succeed with 99 % confidence, ``max(1, ln 0.01 / ln(1 - p))``.

    The restart factor of the standard Ising-machine time-to-solution
    ``TTS99 = t_run ln(0.01) / ln(1 - p)`` (e.g. Hamerly et al., Sci. Adv. 5,
    eaau0823 (2019)), floored at one run (``p >= 0.99`` needs one run);
    ``None`` when ``p = 0`` (no run succeeds).  The one place of this formula:
    ``report.ladder.tts99_s`` and ``AnnealResult.energy_to_solution_99_J`` use it.

    >>> round(restarts_for_99(0.5), 4)
    6.6439
    """
    p = float(p_success)
    if not 0.0 <= p <= 1.0:
        raise ParameterError(f"p_success={p_success!r} is not a probability; allowed: 0 <= p <= 1")
    if p == 0.0:
        return None
    if p >= 0.99:
        return 1.0
    return max(1.0, math.log(0.01) / math.log1p(-p))
