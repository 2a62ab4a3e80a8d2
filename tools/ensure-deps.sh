#!/usr/bin/env bash
# Installs the Debian packages Wangge builds and tests against, only when something is missing.
# A fresh machine has no apt package lists, so `apt-get update` runs first whenever we install.
set -euo pipefail

missing=()
pkg-config --exists geos 2>/dev/null || missing+=(libgeos-dev)
pkg-config --exists proj 2>/dev/null || missing+=(libproj-dev)
[ -f /usr/share/proj/proj.db ] || missing+=(proj-data)
command -v projinfo >/dev/null 2>&1 || missing+=(proj-bin)
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)

if [ ${#missing[@]} -gt 0 ]; then
    echo "wangge: installing missing system packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "wangge: no Swift toolchain on PATH (expected Swift 6 at /opt/swift/usr/bin)" >&2
    exit 1
fi
