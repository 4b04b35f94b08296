"""Building the actor tables from PETRARCH2/Phoenix-format dictionaries: invented snippets only."""

from __future__ import annotations

import datetime as dt

import pytest

from streams.extraction.actor_data import normalize, parse_person_code
from streams.tools.actor_dictionaries import (
    agent_role,
    build,
    build_roles,
    build_table,
    project_code,
)
from streams.tools.phoenix_format import (
    Record,
    Restriction,
    parse_date,
    parse_restriction,
    read_agents,
    read_records,
)

COUNTRIES = frozenset({"FRA", "DEU", "ITA", "RUS", "SRB"})

PEOPLE_SNIPPET = """\
# A comment line: ignored
FRANCE_  [FRA]
+FRENCH_
+LYON_

JEAN_EXEMPLE_  # CountryInfo.txt
+PRESIDENT_EXEMPLE_
+J._EXEMPLE
\t[FRAELI 700101-950516]
\t[FRAGOVMIL 950517-020516] # defence, then
\t[FRAGOV >020517]
\t[FRAELI]
MARIA_MUSTER_ [DEUGOV]
+MUSTER_
BORIS_PROBE_
\t[USRGOV <911225]
\t[RUSGOV 911226-991231]
LOST_DATE_PERSON_
\t[ITAGOV 2004017-20061201]
\t[ITAJUD 19990101]
"""


def records(text: str) -> list[Record]:
    return list(read_records(text.splitlines()))


def test_dates_in_both_forms_and_the_century_rule():
    assert parse_date("20090120") == dt.date(2009, 1, 20)
    assert parse_date("090120") == dt.date(2009, 1, 20)  # 00-30 -> 20YY
    assert parse_date("300101") == dt.date(2030, 1, 1)
    assert parse_date("310101") == dt.date(1931, 1, 1)  # else 19YY
    assert parse_date("2004017") is None  # seven digits: neither form
    assert parse_date("20100931") is None  # no 31 September


def test_restrictions_before_after_between_and_undated():
    assert parse_restriction("FRAGOV >020517") == Restriction("FRAGOV", start=dt.date(2002, 5, 17))
    assert parse_restriction("FRAGOV <020517") == Restriction("FRAGOV", end=dt.date(2002, 5, 17))
    assert parse_restriction("FRAGOV 950517-020516") == Restriction(
        "FRAGOV", dt.date(1995, 5, 17), dt.date(2002, 5, 16))
    assert parse_restriction("FRAELI") == Restriction("FRAELI")
    assert parse_restriction("ITAJUD 19990101") == Restriction("ITAJUD", start=dt.date(1999, 1, 1))
    assert parse_restriction("ITAGOV 2004017-20061201") is None  # a bad date is not "any date"


def test_records_with_synonyms_comments_and_codes_on_either_line():
    found = records(PEOPLE_SNIPPET)
    assert [r.names for r in found] == [
        ["FRANCE", "FRENCH", "LYON"],
        ["JEAN EXEMPLE", "PRESIDENT EXEMPLE", "J. EXEMPLE"],
        ["MARIA MUSTER", "MUSTER"],
        ["BORIS PROBE"],
        ["LOST DATE PERSON"],
    ]
    assert found[0].restrictions == [Restriction("FRA")]
    assert found[1].restrictions == [
        Restriction("FRAELI", dt.date(1970, 1, 1), dt.date(1995, 5, 16)),
        Restriction("FRAGOVMIL", dt.date(1995, 5, 17), dt.date(2002, 5, 16)),
        Restriction("FRAGOV", start=dt.date(2002, 5, 17)),
        Restriction("FRAELI"),
    ]
    assert found[2].restrictions == [Restriction("DEUGOV")]
    assert found[4].restrictions == [Restriction("ITAJUD", start=dt.date(1999, 1, 1))]


def test_several_codes_on_the_name_line_and_parentheses():
    (record,) = records("KOFI_EXAMPLE_\t[IGOUNO 970101-061231] [ELI]# a note\n"
                        "NORTHERN_FRONT_(NF)_ [FRAREB]\n")[:1]
    assert record.restrictions == [
        Restriction("IGOUNO", dt.date(1997, 1, 1), dt.date(2006, 12, 31)), Restriction("ELI")]
    assert records("NORTHERN_FRONT_(NF)_ [FRAREB]\n")[0].names == ["NORTHERN FRONT"]
    assert records("ANNA_TEST_(ACTING [FRAGOV]\n")[0].names == ["ANNA TEST"]  # never closed


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("FRAGOV", "FRAGOV"),
        ("FRAGOVAGR", "FRAGOV"),  # the first of the project's roles
        ("FRAGOVMIL", "FRAMIL"),  # a defence minister
        ("FRAELI", "FRA"),  # a role the project does not code
        ("USRGOV", "RUSGOV"),  # a former state: its successor
        ("IGOUNOKID", "IGO"),
        ("IMGMUSALQ", "IMG"),
        ("NGOFRA", "FRANGO"),
        ("NGOHRI", "NGO"),
        ("MNCDEU", "DEUBUS"),
        ("MNC", None),
        ("INTREB", "REB"),
        ("EURGOV", None),  # a region
        ("---", None),
        ("ELI", None),
    ],
)
def test_phoenix_codes_become_project_codes(code, expected):
    assert project_code(code, COUNTRIES) == expected


def test_people_table_keeps_dates_and_drops_country_names():
    table = build_table(records(PEOPLE_SNIPPET), COUNTRIES, people=True, key=normalize)
    rows = {"|".join(r.as_text() for r in codes): sorted(names) for codes, names in table.items()}
    assert rows == {
        "FRA 19700101-19950516|FRAMIL 19950517-20020516|FRAGOV >20020517|FRA":
            ["EXEMPLE", "J. EXEMPLE", "JEAN EXEMPLE", "PRESIDENT EXEMPLE"],
        "DEUGOV": ["MARIA MUSTER", "MUSTER"],
        "RUSGOV <19911225|RUSGOV 19911226-19991231": ["BORIS PROBE"],
        "ITAJUD >19990101": ["LOST DATE PERSON"],
    }


def test_a_name_two_countries_share_is_dropped_unless_one_is_prominent():
    ambiguous = records("ANNA_TEST_ [FRAGOV]\n+TEST_\nPAUL_TEST_ [ITAGOV]\n+TEST_\n")
    table = build_table(ambiguous, COUNTRIES, people=True, key=normalize)
    assert {n for names in table.values() for n in names} == {"ANNA TEST", "PAUL TEST"}
    prominent = records("ANNA_TEST_ [FRAGOV]\n+TEST_\n+A._TEST_\n+MADAME_TEST_\n+ANNA_B._TEST_\n"
                        "PAUL_TEST_ [ITAGOV]\n+TEST_\n")
    table = build_table(prominent, COUNTRIES, people=True, key=normalize)
    assert "TEST" in table[(Restriction("FRAGOV"),)]


def test_one_country_two_records_merge_their_dates():
    snippet = "ALPHA_ONE_\n\t[FRAGOV 900101-941231]\n+ONE_\nBETA_ONE_\n\t[FRAJUD 950101-991231]\n+ONE_\n"
    table = build_table(records(snippet), COUNTRIES, people=True, key=normalize)
    merged = next(codes for codes, names in table.items() if "ONE" in names)
    assert [r.as_text() for r in merged] == [
        "FRAGOV 19900101-19941231", "FRAJUD 19950101-19991231", "FRA"]


def test_a_given_name_alone_is_not_a_person():
    snippet = ("KARL_\n\t[DEUGOV]\nKARL_EINS_ [FRAGOV]\nKARL_ZWEI_ [ITAGOV]\n")
    table = build_table(records(snippet), COUNTRIES, people=True, key=normalize)
    assert {n for names in table.values() for n in names} == {"KARL EINS", "KARL ZWEI"}


def test_surnames_come_from_people_with_several_names():
    snippet = ("LUCA_ESEMPIO_\n+PRESIDENT_LUCA_ESEMPIO_\n+SIGNOR_ESEMPIO_JR\n\t[ITAGOV >20000101]\n"
               "OTTO_EINZEL_\n\t[DEUGOV >20000101]\n"
               "NATIONAL_GRAIN_BOARD_\n+GRAIN_BOARD_\n+THE_BOARD_\n\t[FRAGOV]\n")
    table = build_table(records(snippet), COUNTRIES, people=True, key=normalize)
    assert sorted(table[(Restriction("ITAGOV", start=dt.date(2000, 1, 1)),)]) == [
        "ESEMPIO", "LUCA ESEMPIO", "PRESIDENT LUCA ESEMPIO", "SIGNOR ESEMPIO JR"]
    # one name: no surname alone; an undated institution: its last word is no surname
    assert table[(Restriction("DEUGOV", start=dt.date(2000, 1, 1)),)] == ["OTTO EINZEL"]
    assert sorted(table[(Restriction("FRAGOV"),)]) == ["GRAIN BOARD", "NATIONAL GRAIN BOARD",
                                                       "THE BOARD"]


AGENTS_SNIPPET = """\
<!-- an XML-style comment -->
!PERSON! = MAN, WOMAN
AUTOCRAT [~GOV] # a comment
POLICE {} [~COP]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~JUD]
MILITARY_ARMY [~MIL]
ABBESS [~CHR]
DEFENCE_CHIEF [~GOVMIL]
SHOP!PERSON! [~BUS]
FARMER [~AGR]
HUMAN_RIGHTS_BODY [NGO~]
MINISTER_OF_THINGS [~GOV]
"""


def test_agents_plurals_markers_and_roles():
    agents = list(read_agents(AGENTS_SNIPPET.splitlines()))
    assert agents[:8] == [
        ("AUTOCRAT", "~GOV"), ("AUTOCRATS", "~GOV"),
        ("POLICE", "~COP"),  # {}: no plural
        ("ATTORNEY GENERAL", "~JUD"), ("ATTORNEYS GENERAL", "~JUD"),
        ("MILITARY ARMY", "~MIL"), ("MILITARY ARMIES", "~MIL"),  # Y -> IES
        ("ABBESS", "~CHR"),
    ]
    assert ("SHOPMAN", "~BUS") in agents and ("SHOPWOMAN", "~BUS") in agents
    assert [agent_role(c) for c in ("~GOVMIL", "~CHR", "NGO~", "~AGR", "~PTY")] == [
        "MIL", "REL", "NGO", None, None]
    roles = build_roles(agents)
    assert sorted(roles) == ["BUS", "COP", "GOV", "JUD", "MIL", "NGO", "REL"]
    assert sorted(roles["GOV"]) == ["AUTOCRAT", "AUTOCRATS"]  # "of": not a consecutive phrase
    assert "FARMER" not in {n for names in roles.values() for n in names}


def test_generated_files_carry_the_licence_and_load(tmp_path):
    reference, out = tmp_path / "reference", tmp_path / "out"
    reference.mkdir()
    out.mkdir()
    (reference / "LICENSE").write_text("The MIT License (MIT)\n\nCopyright (c) 2014 Example\n")
    (reference / "Phoenix.Countries.actors.txt").write_text(PEOPLE_SNIPPET)
    (reference / "Phoenix.International.actors.txt").write_text("KOFI_EXAMPLE_ [IGOUNO 970101-061231]\n")
    (reference / "Phoenix.MilNonState.actors.txt").write_text("NORTHERN_FRONT_ [FRAREB]\n")
    (reference / "Phoenix.agents.txt").write_text(AGENTS_SNIPPET)
    (out / "actors_countries.tsv").write_text("code\tnames\nFRA\tFrance\nDEU\tGermany\n")
    counts = build(reference, out)
    assert counts == {"actors_people_phoenix.tsv": 7, "actors_orgs_phoenix.tsv": 1,
                      "actors_roles_phoenix.tsv": 15}
    people = (out / "actors_people_phoenix.tsv").read_text().splitlines()
    assert "# The MIT License (MIT)" in people
    assert "# Copyright (c) 2014 Example" in people
    rows = dict(line.split("\t")[::-1] for line in people if not line.startswith("#"))
    assert parse_person_code(rows["KOFI EXAMPLE"]).on(dt.date(2000, 1, 1)) == "IGO"
    assert (out / "actors_orgs_phoenix.tsv").read_text().splitlines()[-1] == "FRAREB\tNORTHERN FRONT"
