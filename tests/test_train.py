"""Training on LIM memories (digits): accuracy against float32, the energy books, bad inputs, the CLI (THEORY §6)."""
import json
import math

import numpy as np
import pytest

from limbound.cli import main
from limbound.constants import kT
from limbound.errors import ParameterError
from limbound.solvers.train import _grad, _layout, load_digits_split, train_digits


def _second_law(r):
    assert r.heat_J - 3 * r.heat_sem_J >= r.bound_J > 0


def test_logreg_b8_reaches_093_on_digits():
    r = train_digits(model="logreg", bits=8, seed=0)
    assert r.test_accuracy >= 0.93
    assert min(r.test_accuracy_per_read) >= 0.93
    assert r.float_test_accuracy >= 0.93
    _second_law(r)
    assert r.books["first_law_residual"] < 1e-12
    # stochastic class, C = 1: n = 4**8 (THEORY §3); e_LIM(8, 1us) = D = ln(2**9 - 1) kT at f0 dt = 1e3
    assert r.predicted_updates == 4.0**8
    assert r.estimate_J == pytest.approx(math.log(511.0) * kT(300.0) * 650 * 4.0**8, rel=1e-9)
    # floor: 650 memories from uniform levels over 256 levels, minus what is left after training
    assert r.books["entropy_initial_nats"] == pytest.approx(650 * 8 * math.log(2))


def test_mlp_and_annealing_rule_run_and_obey_the_floor():
    r = train_digits(model="mlp", bits=8, epochs=4, seed=1)
    assert r.n_params == 64 * 32 + 32 + 32 * 10 + 10
    # reached (seed 1): 0.912 mean over reads, 0.903 worst read, float32 0.928; seeds 0-5 give 0.89-0.91
    assert r.test_accuracy >= 0.90 and min(r.test_accuracy_per_read) >= 0.89
    _second_law(r)
    a = train_digits(model="logreg", bits=6, rule="anneal", epochs=3, seed=2)
    # reached (seed 2): 0.902 mean, 0.892 worst read; seeds 0-5 give 0.90-0.93
    assert a.test_accuracy >= 0.89 and min(a.test_accuracy_per_read) >= 0.88
    _second_law(a)
    assert a.books["first_law_residual"] < 1e-10


@pytest.mark.parametrize("model", ["logreg", "mlp"])
def test_gradient_matches_finite_differences(model):
    Xtr, ytr, _, _ = load_digits_split(0)
    layout = _layout(model)
    n = sum(int(np.prod(s)) for _, s, _ in layout)
    rng = np.random.default_rng(0)
    theta = rng.uniform(-0.5, 0.5, (1, n))
    X, y = Xtr[:16], ytr[:16]

    def loss(th):
        from limbound.solvers.train import _forward, _unpack
        z, _ = _forward(model, _unpack(th, layout), X)
        z = z - z.max(axis=-1, keepdims=True)
        lp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
        return -lp[0, np.arange(16), y].mean() + 0.5 * 1e-3 * np.sum(th * th)

    g = _grad(model, theta, layout, X, y, 1e-3)
    for j in rng.choice(n, 8, replace=False):
        e = np.zeros_like(theta)
        e[0, j] = 1e-6
        fd = (loss(theta + e) - loss(theta - e)) / 2e-6
        assert g[0, j] == pytest.approx(fd, rel=1e-4, abs=1e-8)


def test_train_over_bits_obeys_the_second_law():
    # the bits axis the old `train --sweep` ran (now a `limbound sweep` of kind "train"), run by run
    for b in (4, 6):
        r = train_digits(bits=b, dt_s=1e-6, epochs=1, reads=2, seed=0)
        assert r.heat_J - 3 * r.heat_sem_J >= r.bound_J > 0 and r.second_law_holds


@pytest.mark.parametrize("kwargs, word", [
    (dict(model="cnn"), "model"),
    (dict(bits=1), "bits"),
    (dict(reads=1), "reads"),
    (dict(epochs=0), "epochs"),
    (dict(lr=-1.0), "lr"),
    (dict(rule="adam"), "rule"),
])
def test_bad_training_inputs(kwargs, word):
    with pytest.raises(ParameterError) as e:
        train_digits(**kwargs)
    assert word in str(e.value) and "\n" not in str(e.value)


def test_cli_train_json(capsys):
    assert main(["train", "digits", "--model", "logreg", "--bits", "6", "--epochs", "2", "--seed", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("test_accuracy", "float_test_accuracy", "dissipated_J", "bound_J", "estimate_J", "tightness",
                "version", "seed", "inputs"):
        assert key in out
    assert out["seed"] == 5 and out["inputs"]["model"] == "logreg"
    # every input that affects the result is recorded (the trainer's resolved defaults too)
    for key, value in (("lr", 0.5), ("batch", 32), ("l2", 1e-3), ("epochs", 2), ("reads", 4), ("engine", "poisson"),
                       ("f0_hz", 1e9), ("temperature_K", 300.0), ("dt_s", 1e-6)):
        assert out["inputs"][key] == value
    assert out["dissipated_J"] >= out["bound_J"] > 0


def test_work_budget_is_refused_before_any_work(capsys, monkeypatch):
    # B: epochs x minibatches x reads x parameters; 1437 training images -> 45 minibatches of 32
    import limbound.solvers.train as tr
    from limbound.solvers.train import MAX_TRAIN_WORK, check_train_inputs
    assert tr.N_TRAIN == tr.load_digits_split(0)[0].shape[0] == 1437
    monkeypatch.setattr(tr, "load_digits_split", lambda *a, **k: pytest.fail("the data were loaded"))
    with pytest.raises(ParameterError) as e:
        train_digits(epochs=10**11)
    msg = str(e.value)
    assert "epochs=100000000000 x 45 minibatches x reads=4 x 650 parameters" in msg and "\n" not in msg
    # just inside and just outside the budget (650 logreg parameters, 2 reads, batch 1437: one minibatch)
    at = int(MAX_TRAIN_WORK // (2 * 650))
    check_train_inputs(epochs=at, reads=2, batch=1437)
    with pytest.raises(ParameterError, match="memory updates is out of range"):
        check_train_inputs(epochs=at + 1, reads=2, batch=1437)
    assert main(["train", "digits", "--epochs", "100000000000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "epochs=100000000000" in err
