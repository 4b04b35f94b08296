# news-event-streams: the two commands in the README are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install up down worker lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Kafka up, topics, a worker, the seeds replayed, results printed. Leaves Kafka and the worker running.
demo: install
	ops/kafka start
	$(BIN)/streams topics
	ops/worker start
	$(BIN)/streams replay seeds/
	$(BIN)/streams show seeds/
	@echo
	@echo "Kafka and the worker are still running (API on http://127.0.0.1:6066). Stop them with: make down"

## Unit tests, then integration tests against the real broker (started if needed).
test: install
	ops/kafka start
	$(BIN)/python -m pytest -ra

up: install
	ops/kafka start
	$(BIN)/streams topics
	ops/worker start

down:
	-ops/worker stop
	ops/kafka stop

lint: install
	$(BIN)/ruff check streams tests ops

clean: down
	rm -rf var
