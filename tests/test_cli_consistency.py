"""One command line: a description and examples on every command, did-you-mean on mistyped names, energies with
units (--measured), the same physics flags where they apply (refused with the reason where they do not), and
CodeCarbon's emissions.csv read by `gap --codecarbon`."""
import json
import math
from pathlib import Path

import pytest

from limbound.cli import build_parser, main

DATA = Path(__file__).parent / "data"


def _commands():
    sub = build_parser()._subparsers._group_actions[0]
    return dict(sub.choices)


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_description_and_examples(name):
    p = _commands()[name]
    assert p.description and len(p.description) > 30, name
    text = p.format_help()
    examples = [line for line in text.splitlines() if line.startswith(f"  limbound {name}")]
    assert 2 <= len(examples) <= 3, text[-400:]
    # every example parses (bad values would be refused only at run time; the flags must exist)
    for ex in examples:
        argv = ex.split(">")[0].split()[1:]  # without a shell redirection
        build_parser().parse_args(argv)


@pytest.mark.parametrize("argv, suggestion", [
    (["estimate", "--workload", "gpt3"], "did you mean 'gpt-3'?"),
    (["estimate", "--params", "1e9", "--tokens", "1e9", "--accelerator", "H100"], "did you mean 'h100-sxm'?"),
    (["estimate", "--workload", "gpt-3", "--device", "rram"], "did you mean 'reram'?"),
    (["estimat"], "did you mean 'estimate'?"),
    (["anneal", "g.txt", "--schedule", "geometrc"], "did you mean 'geometric'?"),
])
def test_did_you_mean(capsys, argv, suggestion):
    with pytest.raises(SystemExit) as info:
        raise SystemExit(main(argv))
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and suggestion in err


def test_no_suggestion_when_nothing_is_close(capsys):
    assert main(["estimate", "--workload", "zzzzzz"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def _gap(capsys, *argv):
    assert main(["gap", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["gaps"]


def test_measured_with_units_equals_the_deprecated_kwh_flag(capsys):
    run = ["--flops", "3.14e23", "--params", "1.75e11"]
    a = _gap(capsys, "--measured", "1287MWh", *run)[0]
    b = _gap(capsys, "--measured", "4.6332TJ", *run)[0]
    assert main(["gap", "--measured-kwh", "1287000", *run, "--json"]) == 0
    out = capsys.readouterr()
    c = json.loads(out.out)["gaps"][0]
    assert "deprecated" in out.err and "--measured 1287000kWh" in out.err
    # 1287 MWh = 1287e3 kWh x 3.6e6 J/kWh = 4.6332e12 J
    assert a["measured_energy_J"] == pytest.approx(4.6332e12) == b["measured_energy_J"] == c["measured_energy_J"]
    assert a["orders_above"] == pytest.approx(c["orders_above"])


def test_measured_refuses_a_non_energy(capsys):
    assert main(["gap", "--measured", "12parsec", "--workload", "gpt-3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--measured" in err and "MWh" in err


def test_codecarbon_csv(capsys):
    gaps = _gap(capsys, "--codecarbon", str(DATA / "codecarbon_emissions.csv"), "--workload", "bert-large")
    assert len(gaps) == 2
    g = gaps[0]
    # the fixture's first run: energy_consumed 6312 kWh over duration 345600 s, on 16 x A100
    assert g["measured_energy_J"] == pytest.approx(6312 * 3.6e6)
    assert g["inputs"]["time_s"] == pytest.approx(345600.0)
    assert g["inputs"]["accelerator"] == "a100"
    # accelerator estimate: BERT-large's 2.85e20 FLOP (Epoch [S1]) at A100 board power / dense BF16 peak,
    # 400 W / 312 TFLOP/s (FACTS.md Table B, [S12])
    e_acc = 2.85e20 * 400.0 / 312e12
    assert g["orders_above"]["accelerator"] == pytest.approx(math.log10(6312 * 3.6e6 / e_acc), abs=0.01)
    assert gaps[1]["measured_energy_J"] == pytest.approx(3156 * 3.6e6)


def test_codecarbon_table_and_bad_file(capsys, tmp_path):
    assert main(["gap", "--codecarbon", str(DATA / "codecarbon_emissions.csv"), "--workload", "bert-large"]) == 0
    out = capsys.readouterr().out
    assert "A100-SXM4-80GB" in out and "accelerator" in out
    bad = tmp_path / "emissions.csv"
    bad.write_text("timestamp,duration\n2025-01-01,10\n")
    assert main(["gap", "--codecarbon", str(bad), "--workload", "bert-large"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "energy_consumed" in err and str(bad) in err
    bad.write_text("duration,energy_consumed\n10,nan\n")
    assert main(["gap", "--codecarbon", str(bad), "--workload", "bert-large"]) == 2
    assert ":2: energy_consumed" in capsys.readouterr().err


def test_codecarbon_gpu_of_another_form_factor_is_not_priced_as_the_catalog_part(capsys, tmp_path):
    # an H100 PCIe card (350 W, 756 dense BF16 TFLOP/s) is not the catalog's H100 SXM5 (700 W, 989): the run is
    # priced on the default accelerator and the note says why, instead of on the look-alike
    src = (DATA / "codecarbon_emissions.csv").read_text().replace("16 x NVIDIA A100-SXM4-80GB", "8 x NVIDIA H100 PCIe")
    (f := tmp_path / "emissions.csv").write_text(src)
    assert main(["gap", "--codecarbon", str(f), "--workload", "bert-large", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["inputs"]["accelerator_from_gpu_model"] is None
    assert main(["gap", "--codecarbon", str(f), "--workload", "bert-large"]) == 0
    assert "no catalog accelerator of this family and form factor" in " ".join(capsys.readouterr().out.split())
    src = src.replace("8 x NVIDIA H100 PCIe", "8 x NVIDIA H100 80GB HBM3")  # no form factor named: family decides
    f.write_text(src)
    assert main(["gap", "--codecarbon", str(f), "--workload", "bert-large", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"]["accelerator_from_gpu_model"] == "h100-sxm"


@pytest.mark.parametrize("argv, word", [
    (["anneal", "g.txt", "--dt", "1us"], "--dt does not apply"),
    (["anneal", "g.txt", "--bits", "4"], "--bits does not apply"),
])
def test_flags_that_do_not_apply_are_refused_with_the_reason(capsys, argv, word):
    assert main(argv) == 2  # argparse refuses it; main returns the exit code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and word in err


def test_thermal_flags_on_every_simulating_command():
    for name in ("anneal", "qp", "train", "estimate", "per-op", "gap"):
        text = _commands()[name].format_help()
        assert "--temperature" in text and "--attempt-frequency" in text, name
    for name in ("qp", "train", "per-op"):
        assert "--dt" in _commands()[name].format_help()


def test_qp_temperature_changes_the_estimate(capsys):
    # the LIM estimate scales with kT at fixed per-operation kT count (THEORY §3): 600 K doubles it
    assert main(["qp", "--random", "8", "--reads", "2", "--no-reference", "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["qp", "--random", "8", "--reads", "2", "--no-reference", "--temperature", "600K", "--json"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert b["estimate_J"] == pytest.approx(2 * a["estimate_J"], rel=1e-9)
