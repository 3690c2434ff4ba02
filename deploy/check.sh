#!/usr/bin/env bash
# Checks the operations kit with promtool (Debian's prometheus package; scripts/bootstrap.sh
# --tests installs it): the alert rules parse and pass their unit tests, and every query of
# the Grafana dashboard is valid PromQL. scripts/test.sh runs it; the Swift test
# OperationsKitTests checks that every metric named here is one broker serve exports.
set -euo pipefail
cd "$(dirname "$0")"
command -v promtool >/dev/null || { echo "deploy/check.sh: promtool missing: run scripts/bootstrap.sh --tests" >&2; exit 1; }
promtool check rules prometheus/broker-alerts.yml
promtool test rules prometheus/broker-alerts.test.yml
promtool check config --syntax-only prometheus/prometheus.yml >/dev/null
# The dashboard's queries as recording rules, with Grafana's variables filled in.
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
python3 - grafana/broker-dashboard.json >"$rules" <<'PY'
import json, sys
dashboard = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
assert exprs, "the dashboard has no queries"
print("groups:\n  - name: dashboard\n    rules:")
for i, e in enumerate(exprs):
    e = e.replace("$__rate_interval", "5m").replace("$job", ".*").replace("$instance", ".*")
    print(f"      - record: dashboard:query{i}\n        expr: {json.dumps(e)}")
PY
promtool check rules "$rules" | sed 's|^.*SUCCESS|  dashboard queries: SUCCESS|' | grep -v "^Checking"
