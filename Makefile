# Two commands do everything: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PEERS := .venv-peers
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install run test bench demo-full clean

$(BIN)/roi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/roi

install: $(BIN)/roi

run: install
	$(BIN)/roi run
	$(BIN)/roi kpi --by channel

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	test -x $(PEERS)/bin/python || $(PY) -m venv $(PEERS)
	$(PEERS)/bin/pip install --quiet -r bench/peers.txt
	$(BIN)/python -m bench --peers $(PEERS)/bin/python

demo-full: install
	$(BIN)/python -m roi.samples.generate --full --out data/demo-full

clean:
	rm -rf $(VENV) $(PEERS) data
