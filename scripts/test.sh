#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test (no network needed)
# against a throw-away PostgreSQL cluster started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --tests
# The style the checked-in .swift-format describes; ./scripts/format.sh fixes what it can.
swift format lint --strict --recursive Sources Tests bench Package.swift
swift build --build-tests
./deploy/check.sh
# An assignment, not eval "$(…)", so that a cluster that fails to start stops the run here.
postgres_env=$(./scripts/postgres-test-cluster.sh start)
eval "$postgres_env"
trap './scripts/postgres-test-cluster.sh stop "$BROKER_TEST_POSTGRES_DIR"' EXIT
swift test --skip-build
