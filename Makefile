# Two commands do everything: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PEERS := .venv-peers
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install mmm run test bench demo-full clean

$(BIN)/roi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/roi

install: $(BIN)/roi

# The media-mix model's extra (roi[mmm]: PyMC and the nutpie sampler, ~400 MB): `roi mmm`, `roi plan`
$(VENV)/.mmm: $(BIN)/roi
	$(BIN)/pip install --quiet -e '.[dev,mmm]'
	@touch $(VENV)/.mmm

mmm: $(VENV)/.mmm

run: install
	$(BIN)/roi run
	$(BIN)/roi kpi --by channel

test: install mmm
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
