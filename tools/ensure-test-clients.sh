#!/usr/bin/env bash
# Installs the real clients the export/map tests drive, only when something is missing:
# GDAL's ogrinfo (gdal-bin) opens our GeoPackage and GeoJSON files, headless Chromium renders the
# HTML map, and Noto CJK gives it Chinese glyphs. `apt-get update` runs once, only when installing.
set -euo pipefail

missing=()
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v python3 >/dev/null 2>&1 || missing+=(python3)

if [ ${#missing[@]} -gt 0 ]; then
    echo "wangge: installing missing test clients: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
