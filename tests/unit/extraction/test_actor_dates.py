"""A person's code follows the article's date (published_at) where the dictionary dates it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from streams.extraction.actor_data import (
    PersonCode,
    Tenure,
    code_on,
    first_words,
    load_actor_tables,
    longest_key,
    parse_person_code,
)
from streams.extraction.actors import ActorCoder
from streams.extraction.pipeline import published_day

D = dt.date
# An invented head of state: elite before and after a term, government during it.
TERM = parse_person_code("FRA 19700101-19950516|FRAGOV 19950517-20020516|FRA")
# Invented: a minister since 2005 (open-ended), nothing undated.
OPEN = parse_person_code("DEU 19800101-20041231|DEUGOV >20050101")
# Invented: two dated offices only, in one country.
CLOSED = parse_person_code("ITAGOV 19900101-19941231|ITAJUD 19950101-19991231")


def test_parse_person_code():
    assert TERM == PersonCode(
        (Tenure("FRA", D(1970, 1, 1), D(1995, 5, 16)), Tenure("FRAGOV", D(1995, 5, 17), D(2002, 5, 16))),
        "FRA")
    assert parse_person_code("USAGOV") == "USAGOV"  # undated: a plain code
    until = PersonCode((Tenure("RUSGOV", None, D(1991, 12, 25)),), None)
    assert parse_person_code("RUSGOV <19911225") == until


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(1990, 6, 1), "FRA"),
        (D(1995, 5, 16), "FRA"),
        (D(1995, 5, 17), "FRAGOV"),  # bounds are inclusive
        (D(2002, 5, 16), "FRAGOV"),
        (D(2002, 5, 17), "FRA"),  # no tenure holds: the undated code
        (None, "FRA"),  # no date, no open-ended tenure: the undated code
    ],
)
def test_a_term_codes_government_only_while_it_lasts(day, expected):
    assert TERM.on(day) == expected


def test_without_a_date_the_current_tenure_then_the_latest():
    assert OPEN.on(None) == "DEUGOV"
    assert OPEN.on(D(1999, 1, 1)) == "DEU"
    assert OPEN.on(D(2020, 1, 1)) == "DEUGOV"
    assert CLOSED.on(None) == "ITAJUD"  # the tenure that ended last
    assert CLOSED.on(D(1992, 1, 1)) == "ITAGOV"
    assert CLOSED.on(D(2010, 1, 1)) == "ITA"  # outside every office: the person's country


def test_code_on_plain_codes_ignores_the_date():
    assert code_on("USAGOV", D(1990, 1, 1)) == "USAGOV"
    assert code_on(None, None) is None
    assert code_on(TERM, D(2000, 1, 1)) == "FRAGOV"


def test_the_coder_codes_people_as_of_its_date():
    tables = load_actor_tables()
    people = {"jean exemple": TERM, "exemple": TERM}
    coder = ActorCoder(replace(
        tables, people=people, max_words={**tables.max_words, "people": longest_key(people)},
        first_words={**tables.first_words, "people": first_words(people)}))
    assert coder.code("Jean Exemple", "PERSON") == "FRA"
    assert coder.at(D(2000, 1, 1)).code("Jean Exemple", "PERSON") == "FRAGOV"
    assert coder.at(D(2000, 1, 1)).code("President Exemple", "PERSON") == "FRAGOV"
    assert coder.at(D(2010, 1, 1)).code("Exemple", "PERSON") == "FRA"
    assert coder.at(None) is coder


@pytest.mark.parametrize(
    ("published_at", "expected"),
    [
        ("2016-09-04T00:00:00Z", D(2016, 9, 4)),
        ("2016-09-04", D(2016, 9, 4)),
        ("2016-09-04T23:30:00-05:00", D(2016, 9, 5)),  # the UTC day
        ("Sun, 04 Sep 2016 10:00:00 GMT", D(2016, 9, 4)),
        ("not a date", None),
        (None, None),
    ],
)
def test_published_day(published_at, expected):
    assert published_day({"published_at": published_at}) == expected


def test_extraction_codes_a_person_by_published_at():
    pytest.importorskip("spacy")
    from streams.extraction.pipeline import extract

    def code(published_at):
        article = {"id": "d", "title": "", "body": "Hamid Karzai criticised the plan.",
                   "published_at": published_at}
        return [e["code"] for e in extract(article)["entities"] if e["text"] == "Hamid Karzai"]

    # The dictionary: AFGELI 1975-2000, AFGGOV from 22 December 2001 (open-ended), else AFGELI.
    assert code("1995-06-01") == ["AFG"]
    assert code("2005-06-01") == ["AFGGOV"]
    assert code(None) == ["AFGGOV"]
