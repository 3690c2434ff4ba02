#!/usr/bin/env bash
# Installs the Debian packages broker builds against, when they are missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in libcurl4-openssl-dev libsqlite3-dev libmicrohttpd-dev pkg-config python3; do
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
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
