"""Sports results and standings: the names in them are teams (invented lines)."""

from __future__ import annotations

import pytest

from streams.extraction.pipeline import extract
from streams.extraction.results_lines import team_spans


def entities(body: str) -> list[tuple]:
    result = extract({"id": "t", "title": "", "body": body})
    return [(e["text"], e["type"], e["kind"], e["code"], e["geonameid"])
            for e in result["entities"]]


def names(nlp, text: str) -> list[str]:
    doc = nlp.make_doc(text)
    doc[0].is_sent_start = True
    for token in doc[1:]:
        token.is_sent_start = False  # one sentence: the rule reads sentence by sentence
    return [doc[start:end].text for start, end in sorted(team_spans(doc))]


def test_names_followed_by_scores_twice_in_a_sentence_are_teams(nlp):
    assert names(nlp, "Results on Sunday : Dover 3 Ashford United 1 St. Albans 0 Hull 2") == [
        "Dover", "Ashford United", "St. Albans", "Hull"]


@pytest.mark.parametrize("text", [
    "Dover 3 points clear .",  # one name before a number: not a table
    "Talks resume on Tuesday , March 12 and Friday , April 19 .",  # dates
    "Dover grew by 1200 people and Hull by 900 .",  # figures, not scores
    # a fixture list: each date follows a name, and neither the name nor the month is a team
    "Fixtures : Sept 4 v Hull Sept 9 v Dover Oct 12 v Harlow Oct 19 v Stevenage",
])
def test_a_sentence_that_is_not_a_results_line_has_no_teams(nlp, text):
    assert names(nlp, text) == []


def test_towns_in_a_results_line_are_uncoded_organisations_not_places():
    found = entities("Rugby league results : Harlow 42 Stevenage 36 , Dover 18 Hull 20 .")
    teams = [e for e in found if e[0] in {"Harlow", "Stevenage", "Dover", "Hull"}]
    assert sorted(teams) == sorted((name, "ORG", "actor", None, None)
                                   for name in ("Harlow", "Stevenage", "Dover", "Hull"))
    assert not [e for e in found if e[2] == "location"]


def test_national_teams_keep_their_country():
    """The model tags three of the four countries here; each tagged one stays a place."""
    found = entities("World Cup qualifiers : Brazil 2 Peru 0 , Chile 1 Uruguay 1 .")
    assert [(e[0], e[1], e[2]) for e in found] == [
        ("Brazil", "GPE", "location"), ("Chile", "GPE", "location"), ("Uruguay", "GPE", "location")]
