# Two commands from a fresh clone: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run test bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[ising,qp,train,plot,sweep,uncertainty]"
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/limbound estimate --workload brain-scale --accelerator h100-sxm
	$(BIN)/limbound estimate --workload all
	$(BIN)/limbound validate --quick
	$(BIN)/limbound reproduce --quick --out out/

test: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/python -m pytest -q

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/bench_per_op.py
	$(BIN)/python benchmarks/bench_sim.py
	$(BIN)/python benchmarks/bench_ising.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
