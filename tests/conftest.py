import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _strict_floats():
    """Every floating-point fault but underflow (exp of a large barrier) is an error in tests."""
    old = np.seterr(all="raise", under="ignore")
    yield
    np.seterr(**old)
