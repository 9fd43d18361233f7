"""The one import guard for optional extras (limbound._optional)."""
import math

import pytest

from limbound._optional import require
from limbound.errors import LimboundError, ParameterError


def test_require_returns_the_module():
    assert require("math", extra="none") is math


def test_require_names_the_package_and_the_extra():
    with pytest.raises(LimboundError, match=r"^nosuchpkg_xyz is not installed; install the optional extra: "
                                            r"pip install 'limbound\[ising\]'$"):
        require("nosuchpkg_xyz.sub", extra="ising")


def test_require_error_class_and_message():
    with pytest.raises(ParameterError, match="^needs osqp$"):
        require("nosuchpkg_xyz", extra="qp", error=ParameterError, message="needs osqp")
    with pytest.raises(ImportError):  # uncertainty.sobol_indices' callers fall back on ImportError
        require("nosuchpkg_xyz", extra="uncertainty", error=ImportError)
