# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('requirements.lock','rb').read()).hexdigest()[:12])")

TIMED := $(PYTHON) -m tools.timed

.PHONY: run test lint typecheck unit e2e bench package venv playground manifest-schema clean

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# The bot on 127.0.0.1:3978 (SQLite in var/) and, when Node.js is there, the Agents Playground.
run: venv
	@$(PY) -m tools.run_local

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: venv
	$(PY) -m mypy

unit: venv manifest-schema
	$(PY) -m pytest -q -m "not e2e"

# Browser tests: the bot, the Agents Playground and headless Chromium (see tests/e2e/).
e2e: venv playground
	$(PY) -m pytest -q -m e2e tests/e2e

# The pinned Agents Playground, installed into tools/playground/node_modules (git-ignored).
playground: tools/playground/node_modules/.package-lock.json

tools/playground/node_modules/.package-lock.json: tools/playground/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tools/playground && npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the Agents Playground is not installed (browser tests skip)"; fi

# The official Teams app manifest JSON schemas (npm @microsoft/app-manifest, pinned), for the
# offline schema test in tests/manifest/; installed into tools/manifest/node_modules (git-ignored).
manifest-schema: tools/manifest/node_modules/.package-lock.json

tools/manifest/node_modules/.package-lock.json: tools/manifest/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tools/manifest && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts; \
	else echo "npm not found: the Teams manifest schemas are not installed (the schema test skips)"; fi

# The Teams app package build/iyowork-teams.zip for one tenant (docs/deploy.md).
ifneq ($(filter package,$(MAKECMDGOALS)),)
ifeq ($(and $(MicrosoftAppId),$(BOT_DOMAIN)),)
$(error make package needs MicrosoftAppId and BOT_DOMAIN, e.g. MicrosoftAppId=<bot app id> BOT_DOMAIN=iyowork.example.lg.jp make package)
endif
endif

package: venv
	@$(PY) -m tools.package

# Every phase is timed; the table at the end says where the minutes went.
test:
	@$(TIMED) --reset
	@$(TIMED) install -- $(MAKE) --no-print-directory venv playground manifest-schema
	@$(TIMED) lint -- $(MAKE) --no-print-directory lint
	@$(TIMED) typecheck -- $(MAKE) --no-print-directory typecheck
	@$(TIMED) "unit tests" -- $(MAKE) --no-print-directory unit
	@$(TIMED) e2e -- $(MAKE) --no-print-directory e2e
	@$(TIMED) --summary

# Not a test: latency of real turns through the HTTP endpoint (docs/performance.md).
bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
