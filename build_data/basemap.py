#!/usr/bin/env python3
"""Build `streams/http/assets/world.json`, the dashboard's offline basemap, from Natural Earth data.

Source: Natural Earth 1:110m "Admin 0 - Countries" (public domain, naturalearthdata.com), as
shipped inside the geopandas 0.14.x wheel (`geopandas/datasets/naturalearth_lowres/`, a
shapefile; geopandas 1.0 dropped it). This runs at build time only; the generated file is
committed and the worker serves it, so nothing is fetched at run time:

    make basemap
    # = pip download --no-deps geopandas==0.14.4 -d var/basemap
    #   python build_data/basemap.py var/basemap/geopandas-0.14.4-py3-none-any.whl

SOURCE may be that wheel, an unpacked `naturalearth_lowres.shp`, or omitted when geopandas<1.0
is installed. The shapefile is read with the standard library (polygons and a dBase table), so
the build needs no GIS package. Coordinates are rounded (`--decimals`, 1 = ~11 km) and repeated
points dropped; Antarctica is left out (the map stops at 60 S).
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import sys
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "streams" / "http" / "assets" / "world.json"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
SOURCE_NOTE = ("Natural Earth 1:110m Admin 0 - Countries, via geopandas 0.14.x "
               "datasets/naturalearth_lowres")
LICENSE_NOTE = "Public domain (Natural Earth, naturalearthdata.com/about/terms-of-use)"
SKIP = {"ATA"}  # Antarctica


def read_polygons(shp: bytes) -> list[list[list[tuple[float, float]]]]:
    """The rings of each record of a polygon shapefile (type 5), in record order."""
    code, = struct.unpack(">i", shp[:4])
    if code != 9994:
        raise ValueError("not a shapefile")
    records, pos = [], 100
    while pos < len(shp):
        _, words = struct.unpack(">ii", shp[pos:pos + 8])
        body = shp[pos + 8:pos + 8 + words * 2]
        pos += 8 + words * 2
        shape_type, = struct.unpack("<i", body[:4])
        if shape_type == 0:
            records.append([])
            continue
        if shape_type != 5:
            raise ValueError(f"shape type {shape_type} is not a polygon")
        n_parts, n_points = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", body[44:44 + 4 * n_parts])) + [n_points]
        coords = struct.unpack(f"<{2 * n_points}d", body[44 + 4 * n_parts:][:16 * n_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        records.append([points[parts[i]:parts[i + 1]] for i in range(n_parts)])
    return records


def read_table(dbf: bytes, encoding: str = "utf-8") -> list[dict[str, str]]:
    """The rows of a dBase III table as text, with the field names as keys."""
    count, header_len, record_len = struct.unpack("<IHH", dbf[4:12])
    fields, pos = [], 32
    while dbf[pos] != 0x0D:
        name = dbf[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, dbf[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        record = dbf[header_len + i * record_len:header_len + (i + 1) * record_len]
        offset, row = 1, {}  # byte 0 is the deletion flag
        for name, length in fields:
            row[name] = record[offset:offset + length].decode(encoding).strip()
            offset += length
        rows.append(row)
    return rows


def signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def contains(ring, point) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def simplify(ring, decimals: int):
    """Round, drop repeated points; None when fewer than 3 distinct points are left."""
    out = []
    for x, y in ring:
        point = (round(x, decimals), round(y, decimals))
        if not out or point != out[-1]:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 and signed_area(out) != 0 else None


def polygons(rings, decimals: int) -> list[list[list[list[float]]]]:
    """Shapefile rings (outer clockwise, holes counter-clockwise) as GeoJSON polygons
    (RFC 7946 winding: outer counter-clockwise, holes clockwise)."""
    kept = [r for r in (simplify(ring, decimals) for ring in rings) if r]
    outers = [r for r in kept if signed_area(r) < 0]
    grouped = [[outer[::-1]] for outer in outers]
    for hole in (r for r in kept if signed_area(r) > 0):
        for outer, polygon in zip(outers, grouped, strict=True):
            if contains(outer, hole[0]):
                polygon.append(hole[::-1])
                break
    return [[[list(p) for p in ring] for ring in polygon] for polygon in grouped]


def load_source(source: str | None) -> tuple[bytes, bytes, str]:
    """The .shp and .dbf bytes and the table's encoding (.cpg) from a wheel, a .shp path, or
    the installed geopandas."""
    if source is None:
        try:
            files = metadata.files("geopandas") or []
        except metadata.PackageNotFoundError:
            raise SystemExit("give a geopandas 0.14.x wheel or a naturalearth_lowres.shp path "
                             "(see `make basemap`)") from None
        shp = next((f for f in files if str(f) == MEMBER + ".shp"), None)
        if shp is None:
            raise SystemExit("the installed geopandas has no naturalearth_lowres (use < 1.0)")
        source = str(shp.locate())
    if source.endswith(".whl") or source.endswith(".zip"):
        with zipfile.ZipFile(source) as wheel:
            return (wheel.read(MEMBER + ".shp"), wheel.read(MEMBER + ".dbf"),
                    wheel.read(MEMBER + ".cpg").decode("ascii").strip())
    path = Path(source)
    return (path.read_bytes(), path.with_suffix(".dbf").read_bytes(),
            path.with_suffix(".cpg").read_text(encoding="ascii").strip())


def build(shp: bytes, dbf: bytes, encoding: str, decimals: int) -> dict:
    features = []
    for row, rings in zip(read_table(dbf, encoding), read_polygons(shp), strict=True):
        if row["iso_a3"] in SKIP or not rings:
            continue
        features.append({
            "type": "Feature",
            "properties": {"name": row["name"], "iso_a3": row["iso_a3"]},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons(rings, decimals)},
        })
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "source": SOURCE_NOTE, "license": LICENSE_NOTE,
            "features": features}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", help="geopandas 0.14.x wheel or a .shp file")
    parser.add_argument("--decimals", type=int, default=1, help="coordinate decimals (1)")
    parser.add_argument("--out", default=str(OUT), help="where to write (streams/http/assets/world.json)")
    args = parser.parse_args(argv)
    world = build(*load_source(args.source), decimals=args.decimals)
    buffer = io.StringIO()
    json.dump(world, buffer, separators=(",", ":"), ensure_ascii=False)
    Path(args.out).write_text(buffer.getvalue() + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(world['features'])} countries, "
          f"{len(buffer.getvalue().encode()) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
