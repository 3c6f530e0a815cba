# CRM Bridge — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CRM ?= dynamics

.PHONY: help deps build run stop test chaos bench check-page clean

help:
	@echo "make run    install what is missing, build, start the whole local stack and sync (CRM=salesforce for Salesforce)"
	@echo "make stop   stop what make run started"
	@echo "make test   install what is missing, start what the tests need, run the tests"
	@echo "make chaos  crash, fault and bad-input suite over the whole stack, with figures (docs/reliability.md)"
	@echo "make bench  run the benchmarks (bench/results/latest.json)"
	@echo "make check-page  screenshot the Workflows page in headless chromium and check it (bench/artifacts/)"

deps:
	@scripts/install-deps.sh

build: deps
	swift build

run: build
	@CRM=$(CRM) scripts/stack.sh start

stop:
	@scripts/stack.sh stop

# The tests check the Workflows page in headless chromium too (CRMVisibilityTests).
test:
	@WITH_BROWSER=1 scripts/install-deps.sh
	@scripts/test.sh

chaos: deps
	@scripts/chaos.sh

bench: deps
	@scripts/bench.sh

check-page: build
	@WITH_BROWSER=1 scripts/install-deps.sh
	@scripts/check-page.sh

clean:
	@scripts/stack.sh stop
	@scripts/postgres.sh destroy .crmbridge/postgres
	@scripts/postgres.sh destroy .crmbridge/test-postgres
	rm -rf .build .crmbridge
