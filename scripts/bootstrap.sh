#!/usr/bin/env bash
# Installs the Debian packages broker builds against, when they are missing.
# `bootstrap.sh --tests` also installs what the test suite needs (a headless browser and the
# official Python clients for the broker serve tests, nghttpx as an HTTP/2 frontend, a
# PostgreSQL server for a throw-away cluster, promtool for the alert rules).
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
tests=0
[ "${1:-}" = "--tests" ] && tests=1

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
packages=(libcurl4-openssl-dev libsqlite3-dev libmicrohttpd-dev libmimalloc-dev zlib1g-dev libpq-dev pkg-config)
# python3: the exec-plugin example and tests; chromium and python3-venv: the broker serve tests;
# nghttp2-proxy (nghttpx): the HTTP/2 tests, in front of the simulator; postgresql: the
# PostgreSQL tests' throw-away cluster (scripts/postgres-test-cluster.sh); prometheus: its
# promtool checks deploy/prometheus's alert rules.
[ "$tests" = 1 ] && packages+=(python3 python3-venv chromium nghttp2-proxy postgresql prometheus)
for pkg in "${packages[@]}"; do
  have_pkg "$pkg" || need+=("$pkg")
done
# A libcurl dev package of another TLS flavour also provides the headers.
if printf '%s\n' "${need[@]}" | grep -qx libcurl4-openssl-dev; then
  if have_pkg libcurl4-gnutls-dev || have_pkg libcurl4-nss-dev; then
    need=("${need[@]/libcurl4-openssl-dev}")
  fi
fi
need=($(printf '%s\n' "${need[@]}" | grep -v '^$' || true))

if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # The tests start their own PostgreSQL and use only promtool from prometheus: keep apt
  # from starting the packages' system-wide daemons, unless the machine has its own policy.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 755 /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# The official `openai` and `huggingface_hub` clients for the broker serve client test, in an
# ignored virtual environment. Not fatal: without it that one test fails and says why.
venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-serve"
if [ "$tests" = 1 ] && ! "$venv/bin/python" -c "import openai, huggingface_hub" 2>/dev/null; then
  echo "bootstrap: installing openai and huggingface_hub into $venv" >&2
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check openai huggingface_hub >&2; } ||
    echo "bootstrap: could not prepare $venv (offline?); the serve client test will fail" >&2
fi
