#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test (no network needed)
# against a throw-away PostgreSQL cluster started here and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --tests
swift build --build-tests
./deploy/check.sh
eval "$(./scripts/postgres-test-cluster.sh start)"
trap './scripts/postgres-test-cluster.sh stop "$BROKER_TEST_POSTGRES_DIR"' EXIT
swift test --skip-build
