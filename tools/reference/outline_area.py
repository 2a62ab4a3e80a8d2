#!/usr/bin/env python3
"""Independent reference for the Swift outline-area test (WanggeCRSTests).

Reads the GCJ-02 district outline, converts GCJ-02 -> WGS-84 with the same iterative inverse as
Sources/WanggeCRS (fixed point on the published forward formula), projects with pyproj to the
same local transverse Mercator as boundaries/district.geojson's metric_crs and prints area (m^2) and perimeter (m)
computed by Shapely. shapely and pyproj are reference tools only, never runtime dependencies:
    pip install --user shapely pyproj
    python3 tools/reference/outline_area.py [path/to/district-outline.gcj02.geojson]
"""
import json
import math
import os
import sys

from pyproj import Transformer
import shapely
from shapely.geometry import shape

# Keep in sync with metric_crs in boundaries/district.geojson (CRS.shawanMetric in Tests/WanggeTestSupport).
SHAWAN_TM = "+proj=tmerc +lat_0=0 +lon_0=103.6 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"

A = 6378245.0                  # Krasovsky 1940 semi-major axis used by GCJ-02
EE = 0.00669342162296594323    # its first eccentricity squared


def _lat_series(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _lon_series(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def out_of_china(lon, lat):
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def wgs84_to_gcj02(lon, lat):
    if out_of_china(lon, lat):
        return lon, lat
    dlat = _lat_series(lon - 105.0, lat - 35.0)
    dlon = _lon_series(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tol=1e-9, max_iter=30):
    # Fixed point w <- w - (F(w) - g), the same iteration as GCJ02.toWGS84 in Swift.
    wx, wy = lon, lat
    for _ in range(max_iter):
        fx, fy = wgs84_to_gcj02(wx, wy)
        dx, dy = fx - lon, fy - lat
        wx, wy = wx - dx, wy - dy
        if abs(dx) < tol and abs(dy) < tol:
            return wx, wy
    raise RuntimeError(f"GCJ-02 inverse did not converge at ({lon}, {lat})")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "boundaries", "source", "district-outline.gcj02.geojson")
    path = sys.argv[1] if len(sys.argv) > 1 else default
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    to_tm = Transformer.from_crs("EPSG:4326", SHAWAN_TM, always_xy=True)

    def gcj_to_tm(coords):  # (N, 2) array in, (N, 2) list out
        return [to_tm.transform(*gcj02_to_wgs84(x, y)) for x, y in coords]

    area = perimeter = 0.0
    for feat in fc["features"]:
        g = shapely.transform(shape(feat["geometry"]), gcj_to_tm)
        area += g.area
        perimeter += g.length
    print(f"area_m2 {area:.3f}")
    print(f"perimeter_m {perimeter:.3f}")


if __name__ == "__main__":
    main()
