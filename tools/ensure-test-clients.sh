#!/usr/bin/env bash
# Installs the real clients the export/map tests drive, only when something is missing:
# GDAL's ogrinfo (gdal-bin) opens our GeoPackage and GeoJSON files (and its gdalinfo /
# gdallocationinfo the elevation raster), headless Chromium renders the
# HTML map, Noto CJK gives it Chinese glyphs, and python3-gdal brings GDAL's GeoPackage validator. `apt-get update` runs once, only when installing.
set -euo pipefail

missing=()
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
/usr/bin/python3 -c "import osgeo_utils.samples.validate_gpkg" >/dev/null 2>&1 || missing+=(python3-gdal)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v python3 >/dev/null 2>&1 || missing+=(python3)

if [ ${#missing[@]} -gt 0 ]; then
    echo "wangge: installing missing test clients: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
