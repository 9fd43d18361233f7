"""One CSV writer (fileio.csv_text): what it writes reads back as the same numbers in csv, numpy and pandas."""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import numpy as np
import pytest

from limbound.cli._uncertain import csv_rows
from limbound.fileio import csv_text

SRC = Path(__file__).resolve().parents[1] / "src" / "limbound"
# values whose shortest repr needs all 17 digits, the extremes of float64, a numpy scalar, NaN and infinities
VALUES = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, np.float64(2) ** 0.5, float("nan"), float("inf"),
          -float("inf"), -0.0]


def _text():
    return csv_text([{"i": i, "x": v, "note": None} for i, v in enumerate(VALUES)], ["i", "x", "note"])


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def test_nan_is_an_empty_cell_and_infinities_are_spelled_out():
    rows = list(csv.DictReader(io.StringIO(_text())))
    assert [r["x"] for r in rows][5:8] == ["", "inf", "-inf"]
    assert all(r["note"] == "" for r in rows)
    # the csv module's reader gives strings: float() of every non-empty cell is the value written, bit for bit
    for r, v in zip(rows, VALUES, strict=True):
        assert _same(float(r["x"]) if r["x"] else math.nan, float(v))


def test_round_trip_through_pandas():
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(io.StringIO(_text()))
    assert df["x"].dtype == np.float64 and df["note"].isna().all()
    for got, v in zip(df["x"], VALUES, strict=True):
        assert _same(got, float(v))


def test_round_trip_through_numpy_genfromtxt():
    back = np.genfromtxt(io.StringIO(_text()), delimiter=",", names=True)
    for got, v in zip(back["x"], VALUES, strict=True):
        assert _same(float(got), float(v))
    assert np.isnan(back["note"]).all()


def test_bands_csv_with_a_nan_sobol_index_reads_back_as_nan():
    pd = pytest.importorskip("pandas")
    rec = {"uncertain_inputs": {"tokens": "loguniform(1e9, 1e11)"},
           "bands": {"lim": {"kind": "estimate", "median": 2.0, "p5": 1.0, "p95": 3.0, "mean": 2.5},
                     "floor": {"kind": "floor", "median": 1.0, "p5": 1.0, "p95": 1.0, "mean": 1.0}},
           "sobol": {"indices": {"lim": {"ST": {"tokens": 1.0}, "S1": {"tokens": 0.98}},
                                 "floor": {"ST": {"tokens": float("nan")}, "S1": {"tokens": float("nan")}}}}}
    text = csv_text(*csv_rows(rec))
    assert text.splitlines()[0] == "output,kind,median,p5,p95,mean,ST_tokens,S1_tokens"
    df = pd.read_csv(io.StringIO(text)).set_index("output")
    assert df.loc["lim", "S1_tokens"] == 0.98 and math.isnan(df.loc["floor", "ST_tokens"])
    del rec["sobol"]  # --no-sobol: index columns present and empty
    assert pd.read_csv(io.StringIO(csv_text(*csv_rows(rec))))["ST_tokens"].isna().all()


def test_columns_default_to_every_key_in_order_of_first_appearance():
    assert csv_text([{"b": 1}, {"a": 2, "b": 3}]) == "b,a\n1,\n3,2\n"


def test_no_other_csv_writer_in_the_package():
    # every CSV file is written by fileio.csv_text: no csv.writer / DictWriter / DataFrame.to_csv elsewhere
    writer = re.compile(r"csv\.(writer|DictWriter)\(|\.to_csv\(")
    found = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if p.name != "fileio.py" and writer.search(p.read_text())]
    assert found == []
