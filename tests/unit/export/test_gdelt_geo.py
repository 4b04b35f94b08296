"""A location as GDELT's geography columns: the five match types and no place."""

from __future__ import annotations

import pytest

from streams.export.gdelt_geo import geo_columns


def place(geonameid, name, lat, lon, country, feature_class) -> dict:
    return {"geonameid": geonameid, "name": name, "lat": lat, "lon": lon, "country": country,
            "feature_class": feature_class}


@pytest.mark.parametrize(("location", "expected"), [
    # a country: its FIPS code stands for ADM1 and FeatureID too, as in GDELT's files
    (place(163843, "Syria", 35.0, 38.0, "SYR", "A"),
     ("1", "Syria", "SY", "SY", "", "35.0", "38.0", "SY")),
    (place(2635167, "United Kingdom", 54.0, -2.0, "GBR", "A"),
     ("1", "United Kingdom", "UK", "UK", "", "54.0", "-2.0", "UK")),
    # a US state
    (place(4736286, "Texas", 31.25044, -99.25061, "USA", "A"),
     ("2", "Texas, United States", "US", "USTX", "", "31.2504", "-99.2506", "TX")),
    # a US town: its state from GeoNames
    (place(4699066, "Houston", 29.76328, -95.36327, "USA", "P"),
     ("3", "Houston, Texas, United States", "US", "USTX", "", "29.7633", "-95.3633", "4699066")),
    # a town elsewhere: FIPS country + GeoNames admin1 code
    (place(360630, "Cairo", 30.06263, 31.24967, "EGY", "P"),
     ("4", "Cairo, Egypt", "EG", "EG11", "", "30.0626", "31.2497", "360630")),
    # a first-level division outside the US (one of the project's own places)
    (place(90000001, "Canillo", 42.625, 1.625, "AND", "A"),
     ("5", "Canillo, Andorra", "AN", "AN", "", "42.625", "1.625", "90000001")),
    # a county of the US is a landmark (GDELT: "Ouachita Parish, Louisiana, ..." is type 3)
    (place(91001197, "Autauga County", 32.584, -86.466, "USA", "A"),
     ("3", "Autauga County, United States", "US", "US", "", "32.584", "-86.466", "91001197")),
    # a region in no country, and no place at all: type 0, nothing else
    (place(99000100, "Middle East", 29.3, 42.5, "", "L"), ("0", "", "", "", "", "", "", "")),
    (None, ("0", "", "", "", "", "", "", "")),
])
def test_geo_columns(location, expected):
    assert geo_columns(location) == expected
