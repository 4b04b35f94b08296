"""Names for codes from the project's data, and the README's glossary using the same words."""

from __future__ import annotations

import re
from pathlib import Path

from streams.extraction.actor_data import ROLE_NAMES
from streams.labels import (
    actor_label,
    cameo_label,
    country_name,
    place_label,
    with_actor_labels,
    with_alert_labels,
    with_event_labels,
    with_place_labels,
)

README = Path(__file__).resolve().parents[2] / "README.md"
ROLE_CELL = re.compile(r"\| `([A-Z]{3})` \| ([^|(]+?)(?: \([^)]*\))? (?=\|)")


def test_actor_codes_read_as_country_and_role():
    assert actor_label("SYRMIL") == "Syria · military"
    assert actor_label("USAGOV") == "United States · government"
    assert actor_label("XKXREB") == "Kosovo · rebels"  # a CAMEO code, not ISO: actors_countries
    assert actor_label("PSE") == "Palestine"
    assert actor_label("SYR") == "Syria"


def test_codes_without_a_country_are_their_role():
    assert actor_label("IGO") == "intergovernmental organisation"
    assert actor_label("IMG") == "international militarised group"
    assert actor_label("MED") == "media"
    assert actor_label("UAF") == "unaligned armed forces"


def test_codes_the_data_does_not_explain_get_no_label():
    assert [actor_label(code) for code in ("SYRXYZ", "QQQ", "", None, "SY")] == [None] * 5


def test_cameo_codes_read_as_their_name_in_the_table():
    assert cameo_label("191") == "191 · impose blockade, restrict movement"
    assert cameo_label("192") == "192 · occupy territory"
    assert cameo_label("19") == "19 · fight"  # the root's capitals lowered
    assert cameo_label("1041") == "1041 · demand change in leadership"
    assert cameo_label("999") is None and cameo_label(None) is None


def test_places_read_as_name_and_country():
    assert place_label({"name": "Aleppo", "country": "SYR"}) == "Aleppo, Syria"
    assert place_label({"name": "Syria", "country": "SYR"}) == "Syria"
    assert place_label({"name": "Mediterranean Sea", "country": ""}) == "Mediterranean Sea"
    assert place_label(None) is None and country_name("ZZZ") is None


def test_messages_and_rows_get_optional_label_fields():
    event = {"source": {"code": "SYRMIL", "text": "the army"}, "target": {"code": "ZZZ"},
             "cameo_code": "191", "location": {"geonameid": 170063, "name": "Aleppo",
                                               "country": "SYR"}}
    assert with_event_labels(event) == {
        **event, "source_label": "Syria · military", "cameo_label":
        "191 · impose blockade, restrict movement", "location_label": "Aleppo, Syria"}
    assert with_event_labels({"source": None, "target": None, "cameo_code": "19",
                              "location": None}) == {"source": None, "target": None,
                                                     "cameo_code": "19", "location": None,
                                                     "cameo_label": "19 · fight"}
    assert with_actor_labels({"code": "IGO", "mentions": 3}) == {
        "code": "IGO", "mentions": 3, "code_label": "intergovernmental organisation"}
    assert with_place_labels({"geonameid": 170063, "name": "Aleppo", "country": "SYR"})[
        "place_label"] == "Aleppo, Syria"
    actor_alert = {"subject": {"kind": "actor", "code": "SYRREB", "name": "SYRREB"}}
    place_alert = {"subject": {"kind": "location", "geonameid": 170063, "name": "Aleppo"}}
    assert with_alert_labels(actor_alert)["subject_label"] == "Syria · rebels"
    assert with_alert_labels(place_alert) == place_alert


def test_the_readme_glossary_names_the_roles_as_the_labels_do():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| code | role |"):text.index("- **CAMEO**")]
    glossary = {code: name.strip() for code, name in ROLE_CELL.findall(table)}
    assert glossary == ROLE_NAMES
    assert glossary["MIL"] == "military" and len(glossary) == 21
