#!/usr/bin/env bash
# The main job: installs what is missing, builds broker, refreshes the marketplace from
# the real providers of the shipped registry (public catalogs need no credentials), and
# shows it. Offline, each unreachable provider is reported in one line and the curated
# registry tables still fill the market.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
swift build -c release --product broker --static-swift-stdlib >&2
broker=".build/release/broker"
export BROKER_REGISTRY="${BROKER_REGISTRY:-$PWD/provider_registry.json}"
"$broker" providers check
refresh_status=0
"$broker" refresh --format table || refresh_status=$?
echo >&2
"$broker" market --task chat --sort price --limit "${BROKER_MARKET_LIMIT:-40}" --format table
echo >&2
"$broker" providers --format table
if [ "$refresh_status" -ne 0 ]; then
  echo "main: some providers failed to refresh (exit $refresh_status from broker refresh); the market above shows what is known." >&2
fi
