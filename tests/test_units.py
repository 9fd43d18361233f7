import pytest

from limbound.errors import ParameterError
from limbound.units import parse_number, parse_quantity


@pytest.mark.parametrize("text,kind,value", [
    ("30d", "time", 30 * 86400.0), ("1us", "time", 1e-6), ("1µs", "time", 1e-6), ("10y", "time", 10 * 365.25 * 86400),
    ("300K", "temperature", 300.0), ("1e9/s", "frequency", 1e9), ("2GHz", "frequency", 2e9), ("5", "time", 5.0),
    ("1287MWh", "energy", 1287 * 3.6e9),
])
def test_parse(text, kind, value):
    assert parse_quantity(text, kind, "--x") == pytest.approx(value)


@pytest.mark.parametrize("text,kind", [("30 parsec", "time"), ("-1s", "time"), ("0K", "temperature"), ("abc", "time"),
                                       ("1e999s", "time"), ("", "time"), ("300C", "temperature")])
def test_parse_errors(text, kind):
    with pytest.raises(ParameterError) as info:
        parse_quantity(text, kind, "--x")
    assert "--x" in str(info.value) and "\n" not in str(info.value)


def test_parse_number():
    assert parse_number("1e15", "--params") == 1e15
    for bad in ("nan", "inf", "-3", "0", "x"):
        with pytest.raises(ParameterError):
            parse_number(bad, "--params")


def test_check_integer():
    import numpy as np

    from limbound.errors import check_integer

    assert check_integer("reads", 4, minimum=2) == 4 and check_integer("reads", np.int64(4), minimum=2) == 4
    for bad in (1, 2.5, 4.0, True, float("nan"), "3", None, 10**6):  # the integer rule: whole floats refused too
        with pytest.raises(ParameterError, match="reads="):
            check_integer("reads", bad, minimum=2, maximum=1000, why="entropy over reads")


def test_energy_units_are_case_sensitive_where_case_changes_the_meaning():
    # SI prefixes: m = 1e-3 (milli), M = 1e6 (mega), p = 1e-12 (pico); 1 Wh = 3600 J.
    assert parse_quantity("5mJ", "energy", "--measured") == pytest.approx(5e-3)
    assert parse_quantity("5MJ", "energy", "--measured") == pytest.approx(5e6)
    assert parse_quantity("2pJ", "energy", "--measured") == pytest.approx(2e-12)
    assert parse_quantity("1287MWh", "energy", "--measured") == pytest.approx(1287 * 3.6e9)
    assert parse_quantity("1kwh", "energy", "--measured") == pytest.approx(3.6e6)  # unambiguous in any case
    assert parse_quantity("3PJ", "energy", "--measured") == pytest.approx(3e15)
    for text in ("5mj", "5Mj", "1mwh", "3pj"):
        with pytest.raises(ParameterError, match="ambiguous"):
            parse_quantity(text, "energy", "--measured")
