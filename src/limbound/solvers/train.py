"""Training on b-bit LIM memories: logistic regression and a small MLP on scikit-learn's digits (THEORY §2b, §3, §6).

Every weight and bias is a b-bit LIM memory
(:class:`limbound.sim.lim_array.LIMArray`) whose ``2**b`` levels span a
fixed range per layer.  Minibatch gradients of the cross-entropy (plus a
small L2 term) are computed digitally and applied as LIM updates:

* gradient rule (default): mean drift ``-lr * g`` per update (THEORY §6), tilt
  ``D = lim_tilt_kT(b, dt)`` per level, barrier from ``|g|``; small gradients
  give rare hops, so the quantized weights follow SGD in expectation
  (stochastic rounding made physical);
* annealing rule: tilt ``lam * g * delta`` per level (the first-order change
  of the minibatch loss), ``lam = D / (delta rms(g))`` never decreasing (one
  ``lam`` per read: reads are independent runs), at most one level per update.

Memory wall: the minibatch gradients are computed digitally, outside the
LIM array; their cost is not in the books (``energy_to_solution_J`` is the
measured dissipation of the memories).

The float32 reference trains the same model from the same initial weights
with the same minibatches and learning rate, in plain numpy float32 SGD.

Data: ``sklearn.datasets.load_digits`` (1797 8x8 images, bundled with
scikit-learn, no download), pixels scaled to [0, 1], stratified 80/20 split
from the seed.

Energy books (THEORY §6): measured heat (mean over reads = independent
training runs from independent uniformly random levels), second-law floor
with an upper estimate of the final marginal entropies over reads (the
larger of Miller-Madow and the maximum-entropy bound from the spread over
reads, :mod:`limbound.sim.lim_array`), and the LIM estimate
``e_LIM(b, dt) * N * n`` with ``n`` from the stochastic class ``C 4**b``
(THEORY §3, SGD's ``1/sqrt(t)``), predicted before the run.  With ``C = 1``
that count (``4**8 = 65536`` updates of one level per parameter at b = 8) is far
above what digits needs (a few hundred to ~1000 minibatch updates, a few
hundred levels walked per parameter from the random start), so
``measured / estimate`` is well below 1 and falls like ``2**-b``; the measured
heat itself grows like ``2**b`` (the walk from a random start across the
weight range), see ``books['walk']``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ..constants import F0_DEFAULT_HZ, T_DEFAULT_K
from ..deprecation import renamed_keywords
from ..errors import ParameterError
from ..physics.lim import annealing_lam
from ..sim.lim_array import LIMArray, check_array_size
from ..sim.lim_books import VersusBound, estimate_J, predicted_updates
from ..specs import MODELS, TRAIN

__all__ = ["MODELS", "TrainResult", "load_digits_split", "train_digits", "check_train_inputs", "MAX_TRAIN_WORK"]

_HIDDEN = 32
_N_FEAT = 64
_N_CLASS = 10
#: training images of the 80/20 split of the 1797 digits (:func:`load_digits_split`; 360 are held out)
N_TRAIN = 1797 - math.ceil(0.2 * 1797)
#: largest work budget of one run, in memory updates: epochs x minibatches per epoch x reads x parameters.
#: The default run (logreg, 30 epochs, 4 reads) is 3.5e6, a default sweep point (mlp) 4.3e6; the time a budget
#: costs is :mod:`limbound.budget`'s estimate (``train_seconds``, rate measured by benchmarks/bench_budget.py).
MAX_TRAIN_WORK = 1e10


def load_digits_split(seed: int = 0, test_size: float = 0.2) -> tuple[NDArray[np.float64], NDArray[np.int64],
                                                                     NDArray[np.float64], NDArray[np.int64]]:
    """Digits, pixels / 16, stratified split: ``(X_train, y_train, X_test, y_test)``."""
    from .._optional import require
    load_digits = require("sklearn.datasets", extra="train").load_digits
    train_test_split = require("sklearn.model_selection", extra="train").train_test_split
    d = load_digits()
    X = d.data.astype(float) / 16.0
    Xtr, Xte, ytr, yte = train_test_split(X, d.target, test_size=test_size, random_state=int(seed) % (2**32), stratify=d.target)
    return Xtr, ytr, Xte, yte


def _layout(model: str) -> list[tuple[str, tuple[int, ...], float]]:
    """Parameter blocks ``(name, shape, half_range)``; the memory range of a block is ``[-r, r]``."""
    if model == "logreg":
        return [("W", (_N_FEAT, _N_CLASS), 2.0), ("b", (_N_CLASS,), 2.0)]
    return [("W1", (_N_FEAT, _HIDDEN), 1.0), ("b1", (_HIDDEN,), 1.0),
            ("W2", (_HIDDEN, _N_CLASS), 2.0), ("b2", (_N_CLASS,), 2.0)]


def _unpack(theta: np.ndarray, layout: list) -> dict[str, np.ndarray]:
    out, k = {}, 0
    for name, shape, _ in layout:
        size = int(np.prod(shape))
        out[name] = theta[:, k:k + size].reshape((theta.shape[0],) + shape)
        k += size
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _forward(model: str, p: dict[str, np.ndarray], X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Logits (R, B, 10) and the cache for the backward pass."""
    if model == "logreg":
        return np.einsum("bi,rik->rbk", X, p["W"]) + p["b"][:, None, :], None
    h = np.tanh(np.einsum("bi,rih->rbh", X, p["W1"]) + p["b1"][:, None, :])
    return np.einsum("rbh,rhk->rbk", h, p["W2"]) + p["b2"][:, None, :], h


def _grad(model: str, theta: np.ndarray, layout: list, X: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Mean cross-entropy + l2/2 |theta|^2 gradient, shape like theta (R, P)."""
    p = _unpack(theta, layout)
    z, h = _forward(model, p, X)
    d = _softmax(z)
    d[:, np.arange(X.shape[0]), y] -= 1.0
    d /= X.shape[0]
    if model == "logreg":
        gs = [np.einsum("bi,rbk->rik", X, d), d.sum(axis=1)]
    else:
        gW2 = np.einsum("rbh,rbk->rhk", h, d)
        gb2 = d.sum(axis=1)
        dh = np.einsum("rbk,rhk->rbh", d, p["W2"]) * (1.0 - h * h)
        gs = [np.einsum("bi,rbh->rih", X, dh), dh.sum(axis=1), gW2, gb2]
    g = np.concatenate([a.reshape(theta.shape[0], -1) for a in gs], axis=1)
    return g + l2 * theta


def _accuracy(model: str, theta: np.ndarray, layout: list, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    z, _ = _forward(model, _unpack(theta, layout), X)
    return (z.argmax(axis=-1) == y).mean(axis=1)


@dataclass
class TrainResult(VersusBound):
    """Outcome of :func:`train_digits`: accuracies and the energy books."""

    test_accuracy: float
    test_accuracy_per_read: np.ndarray
    train_accuracy: float
    float_test_accuracy: float
    heat_J: float        # measured: mean heat of a read (J); dissipated_J before 0.2 (deprecated alias)
    heat_sem_J: float    # its standard error over reads (J)
    bound_J: float
    estimate_J: float
    updates: int
    predicted_updates: float
    n_params: int
    time_to_solution_s: float
    wall_time_s: float
    books: dict
    inputs: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "test_accuracy": self.test_accuracy,
            "float_test_accuracy": self.float_test_accuracy,
            "train_accuracy": self.train_accuracy,
            "test_accuracy_per_read": self.test_accuracy_per_read.tolist(),
            **self.bound_dict(),
            "energy_to_solution_J": self.heat_J,
            "updates": self.updates,
            "predicted_updates": self.predicted_updates,
            "convergence_class": "stochastic",
            "n_params": self.n_params,
            "time_to_solution_s": self.time_to_solution_s,
            "wall_time_s": self.wall_time_s,
            "books": self.books,
            "status": self.status,
            "message": self.message,
        }

    @property
    def message(self) -> str:
        return (f"trained {self.inputs.get('epochs', '?')} epochs on {self.inputs.get('reads', '?')} reads: test accuracy "
                f"{self.test_accuracy:.4f} (float32 {self.float_test_accuracy:.4f})")


def _n_params(model: str) -> int:
    return sum(int(np.prod(shape)) for _, shape, _ in _layout(model))


def check_train_inputs(**kwargs: object) -> dict:
    """The checks of :func:`train_digits`, before any work (one-line :class:`ParameterError`).

    Used by :func:`train_digits`, the ``train`` CLI and the sweep kind ``train`` (before any cluster starts),
    so all three refuse the same inputs: each keyword is checked by its declaration (:data:`limbound.specs.TRAIN`;
    an unknown name is refused), then the combinations: the work budget ``epochs x ceil(N_TRAIN / batch) x reads
    x parameters`` must be at most :data:`MAX_TRAIN_WORK` memory updates, and ``reads x parameters`` is capped
    (:func:`~limbound.sim.lim_array.check_array_size`).  Returns the resolved ``bits, seed, reads, epochs,
    batch, lr`` and the ``work``.
    """
    a = {**TRAIN.defaults(), **TRAIN.check(kwargs)}
    model, bits, seed, reads, epochs, batch = (a[k] for k in ("model", "bits", "seed", "reads", "epochs", "batch"))
    lr = (0.5 if model == "logreg" else 0.2) if a["lr"] is None else a["lr"]
    n_params = _n_params(model)
    check_array_size(reads, n_params)
    work = epochs * math.ceil(N_TRAIN / batch) * reads * n_params
    if work > MAX_TRAIN_WORK:
        raise ParameterError(f"epochs={epochs} x {math.ceil(N_TRAIN / batch)} minibatches x reads={reads} x {n_params} "
                             f"parameters = {work:.3g} memory updates is out of range; allowed: <= {MAX_TRAIN_WORK:g} "
                             f"(about an hour): fewer epochs or reads, or a larger batch")
    return dict(bits=bits, seed=seed, reads=reads, epochs=epochs, batch=batch, lr=lr, work=work)


@renamed_keywords(T_K="temperature_K")
@TRAIN.validates
def train_digits(*, model: str = "logreg", bits: int = 8, rule: str = "gradient", reads: int = 4, epochs: int = 30,
                 batch: int = 32, lr: float | None = None, l2: float = 1e-3, dt_s: float = 1e-6,
                 f0_hz: float = F0_DEFAULT_HZ, temperature_K: float = T_DEFAULT_K, seed: int = 0, engine: str = "poisson",
                 C: float = 1.0, float_reference: bool = True) -> TrainResult:
    """Train a digits classifier with its weights in b-bit LIM memories (see module notes).

    Parameters
    ----------
    model : ``"logreg"`` (650 parameters) or ``"mlp"`` (64-32-10 tanh, 2410 parameters)
    bits : bits per weight memory (2..24)
    rule : ``"gradient"`` or ``"anneal"`` (THEORY §6)
    reads : independent training runs side by side (>= 2, for the entropy estimate)
    epochs, batch, lr, l2 : SGD schedule (``lr`` default 0.5 for logreg, 0.2 for mlp)
    dt_s, f0_hz, temperature_K : update time (s), attempt frequency (1/s), temperature (K)
    seed : seeds the split, the initial levels, the minibatch order and the hops
    C : constant of the stochastic convergence class, ``n = C 4**b`` (THEORY §3)
    float_reference : also train the float32 model (same init, same batches)
    """
    c = check_train_inputs(model=model, bits=bits, rule=rule, reads=reads, epochs=epochs, batch=batch, lr=lr, l2=l2,
                           dt_s=dt_s, f0_hz=f0_hz, temperature_K=temperature_K, seed=seed)
    bits, seed, reads, epochs, batch, lr = (c[k] for k in ("bits", "seed", "reads", "epochs", "batch", "lr"))
    t0 = time.perf_counter()
    Xtr, ytr, Xte, yte = load_digits_split(seed)
    layout = _layout(model)
    lb = np.concatenate([np.full(int(np.prod(s)), -r) for _, s, r in layout])
    ub = -lb
    n_pred = predicted_updates("stochastic", bits, C=C)
    est = estimate_J(bits, dt_s, lb.size, n_pred, temperature_K=temperature_K, f0_hz=f0_hz)
    arr = LIMArray(lb, ub, bits=bits, reads=reads, dt_s=dt_s, f0_hz=f0_hz, temperature_K=temperature_K, seed=seed)
    theta_f = arr.values[0].astype(np.float32)[None, :].copy() if float_reference else None
    updates, theta_f = _sgd(arr, model, layout, Xtr, ytr, theta_f, rule=rule, epochs=epochs, batch=batch, lr=lr,
                            l2=l2, engine=engine, seed=seed)
    wall = time.perf_counter() - t0
    acc = _accuracy(model, arr.values, layout, Xte, yte)
    acc_tr = _accuracy(model, arr.values, layout, Xtr, ytr)
    f_acc = float(_accuracy(model, theta_f.astype(float), layout, Xte, yte)[0]) if theta_f is not None else math.nan
    books = arr.books()
    bd = arr.books_dict(books, rule=rule, engine=engine, n_predicted=n_pred)
    return TrainResult(
        test_accuracy=float(np.mean(acc)), test_accuracy_per_read=acc, train_accuracy=float(np.mean(acc_tr)),
        float_test_accuracy=f_acc, heat_J=books.heat_J, heat_sem_J=books.heat_sem_J,
        bound_J=books.bound_J, estimate_J=est, updates=updates, predicted_updates=n_pred, n_params=lb.size,
        time_to_solution_s=updates * dt_s, wall_time_s=wall, books=bd,
        inputs={"dataset": "digits", "model": model, "bits": bits, "rule": rule, "reads": reads, "epochs": epochs,
                "batch": batch, "lr": lr, "l2": l2, "dt_s": dt_s, "f0_hz": f0_hz, "temperature_K": temperature_K, "T_K": temperature_K, "seed": seed,
                "engine": engine, "C": C, "float_reference": float_reference},
    )


def _sgd(arr: LIMArray, model: str, layout: list, Xtr: np.ndarray, ytr: np.ndarray, theta_f: np.ndarray | None, *,
         rule: str, epochs: int, batch: int, lr: float, l2: float, engine: str, seed: int) -> tuple[int, np.ndarray | None]:
    """Minibatch SGD with the weights in the memories of ``arr`` (and the float32 reference ``theta_f`` beside it,
    same batches): ``(updates, theta_f)``."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
    n_train = Xtr.shape[0]
    lam = np.zeros(arr.R)
    med_delta = float(np.median(arr.delta))
    updates = 0
    for _ in range(int(epochs)):
        order = rng.permutation(n_train)
        for k in range(0, n_train, int(batch)):
            idx = order[k:k + int(batch)]
            Xb, yb = Xtr[idx], ytr[idx]
            g = _grad(model, arr.values, layout, Xb, yb, l2)
            if rule == "gradient":
                arr.gradient_step(g, lr, engine=engine)
            else:
                # per read: the reads are independent runs (THEORY §6), so each keeps its own lam
                lam = np.maximum(lam, annealing_lam(g, arr.D, med_delta, fallback=0.0))
                live = lam > 0
                if np.any(live):
                    arr.anneal_step(g, 0.0, np.where(live, lam, 1.0), active=live)
            if theta_f is not None:
                gf = _grad(model, theta_f, layout, Xb.astype(np.float32), yb, np.float32(l2)).astype(np.float32)
                theta_f = theta_f - np.float32(lr) * gf
            updates += 1
    return updates, theta_f
