#!/usr/bin/env bash
# The main job: installs what is missing, builds broker, refreshes the marketplace from
# the real providers of the shipped registry, and shows it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift build -c release --product broker >&2
broker=".build/release/broker"
export BROKER_REGISTRY="${BROKER_REGISTRY:-$PWD/provider_registry.json}"
"$broker" providers check
"$broker" providers --format table
