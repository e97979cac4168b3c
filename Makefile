# faultlines: the two commands are `make demo` and `make test`; both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB ?= demo.db
PORT   ?= 8000

.PHONY: setup demo test lint bench assets system-deps clean slow fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,dev,parquet,postgres,ray]"
	touch $(STAMP)

setup: $(STAMP) assets

# Front-end libraries come from the npm registry at setup (pinned in package.json), never committed.
assets: faultlines/serve/static/vendor/.stamp
faultlines/serve/static/vendor/.stamp: package.json scripts/build_assets.sh
	bash scripts/build_assets.sh
	touch $@

# Debian packages the tests use for real services: chromium (browser tests) and postgresql (the PostgreSQL
# store). Installed when missing and possible; the tests that need them skip with a reason otherwise.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium chromium-driver"; \
	{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } >/dev/null 2>&1 \
	  || echo "note: could not install$$missing; the tests that need them will be skipped"; \
	fi

demo: setup
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/faultlines ingest --db $(DEMO_DB) --demo
	$(BIN)/faultlines summary --db $(DEMO_DB)
	@if [ "$${DEMO_SERVE:-1}" = "1" ]; then $(BIN)/faultlines serve --db $(DEMO_DB) --port $(PORT); fi

test: setup system-deps
	$(BIN)/python -m pytest

slow: setup system-deps
	$(BIN)/python -m pytest --slow

lint: setup
	$(BIN)/ruff check faultlines tests benchmarks
	$(BIN)/mypy faultlines

bench: setup
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Coverage-guided fuzzing of the HTML and JSON Lines readers (atheris, installed on demand).
fuzz: setup
	$(BIN)/python -m pip install -q "atheris==3.1.0"
	$(BIN)/python benchmarks/fuzz_readers.py -runs=$${RUNS:-20000}

clean:
	rm -rf $(VENV) build dist *.egg-info faultlines/serve/static/vendor
