"""The `--filter` expression language: parsing, matching and errors, without Kafka."""

from __future__ import annotations

import pytest

from streams.tools.filters import Condition, FilterError, parse_filter

EVENT = {
    "event_id": "a1:0",
    "source": {"code": "SYRMIL", "text": "Syrian government forces"},
    "target": None,
    "cameo_code": "190",
    "quad_class": 4,
    "goldstein": -10.0,
    "plover_event": "FIGHT",
    "location": {"geonameid": 170063, "name": "Aleppo", "country": "SYR"},
    "evidence": {"event_ids": ["a1:0", "a1:3"]},
    "subjects": [{"name": "Aleppo"}, {"name": "Homs, Syria"}],
    "first_in_article": True,
}


def test_conditions_are_parsed_into_path_operator_and_value():
    parsed = parse_filter(" location.name = Aleppo , quad_class>=4,title~cease\\,fire")
    assert parsed.conditions == (
        Condition(("location", "name"), "=", "Aleppo"),
        Condition(("quad_class",), ">=", "4"),
        Condition(("title",), "~", "cease,fire"),
    )
    assert str(parsed) == "location.name=Aleppo,quad_class>=4,title~cease\\,fire"


@pytest.mark.parametrize("expression, expected", [
    ("location.name=Aleppo,quad_class=4", True),
    ("location.name=Aleppo,quad_class=3", False),
    ("location.name=aleppo", False),  # = is exact
    ("location.name~LEPP", True),  # ~ ignores case
    ("quad_class=4.0", True),  # numbers compare as numbers
    ("quad_class=four", False),
    ("cameo_code=190", True),  # a string field compares as a string
    ("cameo_code~19", True),
    ("goldstein<-5", True),
    ("goldstein>-5", False),
    ("goldstein<=-10", True),
    ("goldstein>=-10", True),
    ("quad_class>3,goldstein<0", True),
    ("target=null", True),
    ("location.country=null", False),
    ("first_in_article=true", True),
    ("first_in_article=1", False),  # a boolean is not a number
    ("first_in_article>0", False),
    ("source.code!=SYRGOV", True),
    ("source.code!=SYRMIL", False),
    ("missing.field!=x", True),  # a missing field matches nothing, so != holds
    ("missing.field=x", False),
    ("target.code=SYRREB", False),  # through a null
    ("evidence.event_ids=a1:3", True),  # a list matches when any item does
    ("evidence.event_ids.1=a1:3", True),  # a number picks an item
    ("evidence.event_ids.0=a1:3", False),
    ("evidence.event_ids.9=a1:3", False),
    ("subjects.name=Homs\\, Syria", True),  # a name looks into each item of a list
    ("subjects.name~homs", True),
    ("", True),  # no conditions: everything matches
])
def test_matching(expression, expected):
    assert parse_filter(expression).matches(EVENT) is expected


def test_a_filter_on_a_value_that_is_not_an_object_matches_nothing():
    assert parse_filter("a=1").matches("plain text") is False
    assert parse_filter(None).matches("plain text") is True


@pytest.mark.parametrize("expression, message", [
    ("quad_class", "'quad_class' has no operator; use one of != >= <= = ~ > <"),
    ("quad_class!4", "'quad_class!4': '!' must be followed by '='"),
    ("goldstein<low", "'goldstein<low': < needs a number, not 'low'"),
    ("goldstein>nan", "'goldstein>nan': > needs a number, not 'nan'"),
    ("=4", "'=4': '' is not a field path like location.name"),
    ("location..name=x", "'location..name=x': 'location..name' is not a field path like "
                         "location.name"),
    ("__import__('os')=1", "\"__import__('os')=1\": \"__import__('os')\" is not a field path "
                           "like location.name"),
    ("a=1,", "empty condition (two commas in a row, or one at an end?)"),
    ("a=1,,b=2", "empty condition (two commas in a row, or one at an end?)"),
    ("a=\\x", "in 'a=\\\\x': a backslash must come before ',' or '\\'"),
])
def test_errors_say_what_is_wrong(expression, message):
    with pytest.raises(FilterError) as caught:
        parse_filter(expression)
    assert str(caught.value) == message
