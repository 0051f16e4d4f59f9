# ppguide: set up, build the example cluster, test.  `make example` and `make test` are the README's two commands.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
# Debian packages the tests need: Wine runs the emitted .bat/.reg files, mingw builds the logging stand-ins,
# chromium is the browser Playwright drives for the site test.
TEST_DEBS := wine wine64 gcc-mingw-w64-x86-64 chromium

.PHONY: setup setup-test example site serve test bench notebooks clean

$(BIN)/ppguide: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

setup: $(BIN)/ppguide

setup-test: setup
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The main job: every bundle of the built-in example cluster, its example failover group, then the procedure site.
example: setup
	$(BIN)/ppguide batch data/example-cluster.yaml -o build/example
	$(BIN)/ppguide compose data/example-group.yaml -o build/example/group-esmgroup
	$(MAKE) site

site: setup
	$(BIN)/ppguide docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir build/site

# View the built site at http://127.0.0.1:8000/ (PORT=8080 make serve for another port; the site is built first
# when build/site does not exist yet). Missing pages get the site's 404 page, as on a web server. Ctrl-C stops it.
PORT ?= 8000
serve:
	@[ -f build/site/index.html ] || $(MAKE) site
	$(BIN)/python -m ppguide.site_serve build/site --port $(PORT)

test: setup-test
	$(BIN)/ruff check lib
	$(BIN)/mypy lib/ppguide
	$(BIN)/pytest -q

# ppguide's own modules compiled first, as pip compiles an installed package (an editable install under
# PYTHONDONTWRITEBYTECODE would otherwise compile them again in every process, kernels included).
bench: setup
	$(BIN)/python -m compileall -q lib
	$(BIN)/python bench/engines.py
	$(BIN)/python bench/fleet.py

notebooks: setup
	$(BIN)/ppguide notebooks

clean:
	rm -rf build docs/products docs/reference docs/errata.md docs/audit-rules.md
