"""The dashboard's files: the committed basemap, its build script, and no outside fetches."""

from __future__ import annotations

import importlib.util
import json
import re
import struct
from pathlib import Path

from streams.http.dashboard import ASSETS, asset

ROOT = Path(__file__).resolve().parents[3]


def load_build_script():
    spec = importlib.util.spec_from_file_location("build_basemap", ROOT / "build_data/basemap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_basemap_is_natural_earth_countries_without_antarctica():
    world = json.loads(asset("world.json"))
    names = {f["properties"]["iso_a3"]: f["properties"]["name"] for f in world["features"]}
    assert world["type"] == "FeatureCollection"
    assert len(world["features"]) == 176
    assert (names["SYR"], names["CHN"], names["USA"]) == ("Syria", "China",
                                                          "United States of America")
    assert "ATA" not in names
    assert world["license"].startswith("Public domain")
    assert len(asset("world.json").encode()) < 300 * 1024
    south_africa = next(f for f in world["features"] if f["properties"]["iso_a3"] == "ZAF")
    assert [len(polygon) for polygon in south_africa["geometry"]["coordinates"]] == [2]  # Lesotho


def shapefile(rings) -> bytes:
    points = [p for ring in rings for p in ring]
    parts, start = [], 0
    for ring in rings:
        parts.append(start)
        start += len(ring)
    body = struct.pack("<i4d2i", 5, 0, 0, 0, 0, len(parts), len(points))
    body += struct.pack(f"<{len(parts)}i", *parts)
    body += struct.pack(f"<{2 * len(points)}d", *[c for p in points for c in p])
    header = struct.pack(">i", 9994) + bytes(96)
    return header + struct.pack(">ii", 1, len(body) // 2) + body


def table(rows) -> bytes:
    fields = [("name", 10), ("iso_a3", 3)]
    record_len = 1 + sum(length for _, length in fields)
    header_len = 32 + 32 * len(fields) + 1
    out = bytearray(struct.pack("<B3xIHH20x", 3, len(rows), header_len, record_len))
    for name, length in fields:
        out += name.encode().ljust(11, b"\0") + b"C" + bytes(4) + bytes([length]) + bytes(15)
    out += b"\r"
    for row in rows:
        out += b" " + b"".join(row[n].encode("latin-1").ljust(length) for n, length in fields)
    return bytes(out)


def test_the_build_script_reads_shapefiles_and_writes_rfc7946_polygons():
    build = load_build_script()
    outer = [(0, 0), (0, 10), (10, 10), (10, 0), (0, 0)]  # clockwise: an outer ring
    hole = [(2, 2), (4, 2), (4, 4), (2, 4), (2, 2)]  # counter-clockwise: a hole
    island = [(20.04, 0), (20, 1), (21, 1), (21, 0), (20.04, 0)]
    world = build.build(shapefile([outer, hole, island]), table([{"name": "Côte", "iso_a3": "CIV"}]),
                        "ISO-8859-1", decimals=1)
    feature = world["features"][0]
    assert feature["properties"] == {"name": "Côte", "iso_a3": "CIV"}
    assert feature["geometry"]["coordinates"] == [
        [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],  # outer, now counter-clockwise
         [[2, 2], [2, 4], [4, 4], [4, 2], [2, 2]]],  # its hole, now clockwise
        [[[20.0, 0], [21, 0], [21, 1], [20, 1], [20.0, 0]]],
    ]


def test_the_page_loads_nothing_from_outside_the_worker():
    html = asset("dashboard.html")
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert references == ["data:,", "/dashboard/dashboard.css", "/dashboard/dashboard.js"]
    script = asset("dashboard.js")
    assert re.findall(r"https?://[^\"'\s]+", script) == ["http://www.w3.org/2000/svg"]  # a name
    assert set(re.findall(r'getJSON\("([^"?]+)', script)) == {
        "/dashboard/world.json", "/events/recent", "/alerts/recent", "/actors/top",
        "/locations/top", "/events/daily"}
    assert set(ASSETS) == {"dashboard.js", "dashboard.css", "world.json"}
