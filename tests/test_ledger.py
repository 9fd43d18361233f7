"""Energy books: Ledger and the ArrayBooks mixin of per-trajectory results (hand-computed values)."""
from dataclasses import dataclass

import numpy as np
import pytest

from limbound.constants import T_DEFAULT_K
from limbound.sim.ledger import ArrayBooks, Ledger


@dataclass
class _Books(ArrayBooks):
    U_start_kT: np.ndarray
    U_end_kT: np.ndarray
    work_kT: np.ndarray
    heat_kT: np.ndarray


@dataclass
class _BooksAtT(_Books):
    temperature_K: float = 77.0


def _arrays():
    # trajectory 0: dU = 2 = W - Q (exact); trajectory 1: dU = 0, W - Q = 0.25, scale max(0, 0.5, 0.25, 1) = 1
    return dict(U_start_kT=np.array([0.0, 1.0]), U_end_kT=np.array([2.0, 1.0]),
                work_kT=np.array([3.0, 0.5]), heat_kT=np.array([1.0, 0.25]))


def test_array_books_residuals_and_sums():
    b = _Books(**_arrays())
    assert b.first_law_residuals.tolist() == [0.0, 0.25]
    assert b.first_law_residual == 0.25
    led = b.ledger
    assert isinstance(led, Ledger)
    assert (led.U_start_kT, led.U_end_kT, led.work_kT, led.heat_kT) == (1.0, 3.0, 3.5, 1.25)
    assert led.temperature_K == T_DEFAULT_K
    # summed books: dU = 2, W - Q = 2.25, scale max(2, 3.5, 1.25, 1) = 3.5
    assert led.first_law_residual == pytest.approx(0.25 / 3.5, rel=1e-15)


def test_array_books_ledger_takes_the_result_temperature():
    assert _BooksAtT(**_arrays()).ledger.temperature_K == 77.0


def test_array_books_scale_floor_and_no_trajectory():
    # |dU - (W - Q)| = 0.5 divided by the largest of |dU| = 4, |W| = 1, |Q| = 2.5 (not by 1)
    b = _Books(U_start_kT=np.array([1.0]), U_end_kT=np.array([5.0]), work_kT=np.array([1.0]), heat_kT=np.array([-2.5]))
    assert b.first_law_residual == pytest.approx(0.5 / 4.0, rel=1e-15)
    empty = _Books(**{k: np.array([]) for k in _arrays()})
    assert empty.first_law_residual == 0.0
