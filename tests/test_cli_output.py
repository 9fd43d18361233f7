"""The terminal output as a user sees it: tables fit the terminal's width, numbers never wrap, piped output is
plain text (no box-drawing characters), notes are wrapped whole."""
import os
import re
import subprocess
import sys

import pytest

BOX = re.compile("[\u2500-\u257f]")  # the Unicode box-drawing block
NUMBER = re.compile(r"^-?\d[\d.]*(e[+-]\d+)?$")


def limbound(*argv, columns=80, env=None):
    e = {**os.environ, "COLUMNS": str(columns), **(env or {})}
    e.pop("LINES", None)
    r = subprocess.run([sys.executable, "-m", "limbound", *argv], capture_output=True, text=True, env=e)
    assert r.returncode == 0, r.stderr
    return r.stdout


COMMANDS = [("estimate", "--workload", "gpt-3"), ("gap", "--workload", "all"), ("workloads",),
            ("estimate", "--workload", "all"), ("hardware",), ("devices",),
            ("ladder", "--workload", "gpt-3", "--include-unverified")]  # ladder: its detail lines wrapped whole too


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("columns", [80, 200])
def test_tables_fit_the_width_and_are_plain_when_piped(argv, columns):
    out = limbound(*argv, columns=columns)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= columns, max(lines, key=len)
    assert not BOX.search(out)
    # no number split over two lines: every whitespace-separated token that looks numeric parses whole, and a
    # table row never ends in a truncated exponent ("1.4e+1") or mantissa
    for line in lines:
        for tok in line.split():
            assert not re.fullmatch(r"-?\d[\d.]*e[+-]?", tok), line


def test_estimate_row_cells_whole_at_80_columns():
    out = limbound("estimate", "--workload", "gpt-3", columns=80)
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line[:1].strip() and line.split()[0] in
            ("landauer", "lim", "static_cim", "accelerator")}
    assert set(rows) == {"landauer", "lim", "static_cim", "accelerator"}  # one line per paradigm, no wrapped name
    for cells in rows.values():
        assert len(cells) == 6 and all(NUMBER.match(c) for c in cells), cells
    # the LIM energy of GPT-3 (energy-to-solution, THEORY §5): about 1.5e4 J whole in its cell
    assert 1e4 < float(rows["lim"][0]) < 1e5


def test_gap_table_has_every_paradigm_at_80():
    out = limbound("gap", "--workload", "all", columns=80)
    header = " ".join(line for line in out.splitlines()[:5])  # headers may wrap between words
    for p in ("Landauer", "LIM", "static", "accelerator"):
        assert p in header
    gpt3 = next(line for line in out.splitlines() if line.startswith("gpt-3")).split()
    # 1287 MWh = 4.63e12 J (FACTS.md Table A)
    assert float(gpt3[1]) == pytest.approx(1287 * 3.6e9, rel=1e-2)


def test_notes_wrapped_whole():
    out = limbound("estimate", "--workload", "gpt-3", columns=60)
    assert max(len(line) for line in out.splitlines()) <= 60
    joined = " ".join(line.strip() for line in out.splitlines() if not line.startswith(("paradigm",)))
    assert "time-to-solution: the published training time" in joined


def test_wide_terminal_shows_every_column():
    out = limbound("estimate", "--workload", "all", columns=200)
    assert "params" in out and "dt [s]" in out and "not shown" not in out
    out80 = limbound("estimate", "--workload", "all", columns=80)
    assert "not shown at 80 columns" in out80
    # still a table at 80 columns (a header row, one line per workload), not row blocks
    lines = out80.splitlines()
    assert any(line.startswith("workload") for line in lines) and sum(line.startswith("gpt-3 ") for line in lines) == 1


def test_sources_prints_full_citation():
    out = limbound("sources", "S7", columns=200)
    assert "Touvron et al. 2023" in out and "LLaMA" in out
    out = limbound("workloads", "--sources", columns=100)
    assert "[S2] Patterson et al. 2021" in out


def test_sources_unknown_id_is_one_line():
    r = subprocess.run([sys.executable, "-m", "limbound", "sources", "S999"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "S999" in r.stderr
