"""Event targets from the parse: indirect objects, prepositional targets, places standing for
their country, sources that stay out of relative clauses, and blockades that are protests."""

from __future__ import annotations

import pytest

from streams.extraction.events import load_event_coder
from streams.extraction.types import Mention, Place

spacy = pytest.importorskip("spacy")



def actor(text: str, phrase: str, code: str) -> Mention:
    start = text.index(phrase)
    return Mention(phrase, "body", start, start + len(phrase), "ORG", kind="actor", code=code)


def place(text: str, phrase: str, country: str) -> Mention:
    start = text.index(phrase)
    where = Place(1, phrase, 0.0, 0.0, country, "P", "PPL")
    return Mention(phrase, "body", start, start + len(phrase), "GPE", kind="location", place=where)


def code(nlp, text: str, *mentions: Mention) -> list[tuple]:
    """(CAMEO code, PLOVER type, source code, target code) of each event in `text`."""
    doc = nlp(text)
    events = []
    for index, sent in enumerate(doc.sents):
        inside = [m for m in mentions if sent.start_char <= m.start < sent.end_char]
        events.extend(load_event_coder().code_sentence(sent, inside, index))
    return [
        (e["cameo_code"], e["plover_event"], e["source"]["code"], (e["target"] or {}).get("code"))
        for e in events
    ]


def test_the_indirect_object_of_a_giving_verb_is_the_target(nlp):
    text = "Japan gave Kenya new loans."
    found = code(nlp, text, actor(text, "Japan", "JPN"), actor(text, "Kenya", "KEN"))
    assert found == [("071", "AID", "JPN", "KEN")]


def test_a_promised_grant_goes_to_the_indirect_object(nlp):
    text = "Japan will give Kenya a grant for schools."
    found = code(nlp, text, actor(text, "Japan", "JPN"), actor(text, "Kenya", "KEN"))
    assert found == [("0331", "AGREE", "JPN", "KEN")]


def test_own_troops_sent_to_a_country_target_that_country(nlp):
    text = "Russia sent its troops to Syria."
    mentions = (actor(text, "Russia", "RUS"), actor(text, "its troops", "RUSMIL"))
    assert code(nlp, text, *mentions, actor(text, "Syria", "SYR")) == [
        ("154", "MOBILIZE", "RUS", "SYR")
    ]
    assert code(nlp, text, *mentions, place(text, "Syria", "SYR")) == [
        ("154", "MOBILIZE", "RUS", "SYR")
    ]


def test_withdrawing_from_a_place_targets_its_country(nlp):
    text = "Israel will withdraw its soldiers from Lebanon."
    found = code(
        nlp,
        text,
        actor(text, "Israel", "ISR"),
        actor(text, "its soldiers", "ISRMIL"),
        place(text, "Lebanon", "LBN"),
    )
    assert found == [("0356", "AGREE", "ISR", "LBN")]


def test_own_troops_coded_with_another_country_are_still_the_sources_own(nlp):
    # the bare noun took the country of the place after it; "its" says whose troops they are
    text = "Israel will withdraw its soldiers from Lebanon."
    nominal = actor(text, "its soldiers", "LBNMIL")
    nominal.nominal = True
    found = code(nlp, text, actor(text, "Israel", "ISR"), nominal, place(text, "Lebanon", "LBN"))
    assert found == [("0356", "AGREE", "ISR", "LBN")]


def test_a_place_in_the_object_phrase_is_the_target_when_no_actor_is(nlp):
    text = "Egypt evacuated the villages in Sudan."
    found = code(nlp, text, actor(text, "Egypt", "EGY"), place(text, "Sudan", "SDN"))
    assert found == [("073", "AID", "EGY", "SDN")]


def test_an_actor_acted_on_wins_over_the_place_where_it_is(nlp):
    text = "Syrian troops attacked Syrian rebels in Homs."
    found = code(
        nlp,
        text,
        actor(text, "Syrian troops", "SYRMIL"),
        actor(text, "Syrian rebels", "SYRREB"),
        place(text, "Homs", "SYR"),
    )
    assert found == [("190", "FIGHT", "SYRMIL", "SYRREB")]


def test_the_source_is_not_taken_from_the_objects_relative_clause(nlp):
    text = "Iran is supplying the militia, which is preparing an offensive."
    found = code(nlp, text, actor(text, "Iran", "IRN"), actor(text, "militia", "LBNREB"))
    assert found == [("070", "AID", "IRN", "LBNREB"), ("1384", "THREATEN", "LBNREB", None)]


def test_a_document_acts_for_the_actor_that_issues_it_and_nothing_else_does(nlp):
    text = "The Chilean senate passed a resolution condemning Peru."
    found = code(nlp, text, actor(text, "Chilean senate", "CHLLEG"), actor(text, "Peru", "PER"))
    assert ("111", "DISAPPROVE", "CHLLEG", "PER") in found
    text = "Chile condemned the raid killing five Peruvian soldiers."
    found = code(nlp, text, actor(text, "Chile", "CHL"),
                 actor(text, "Peruvian soldiers", "PERMIL"))
    assert [event for event in found if event[2] == "CHL"] == [("1123", "DISAPPROVE", "CHL", None)]


def test_the_source_is_not_taken_from_the_subjects_relative_clause(nlp):
    text = "The guerrillas, whom Iran arms, attacked the army."
    found = code(
        nlp,
        text,
        actor(text, "guerrillas", "COLREB"),
        actor(text, "Iran", "IRN"),
        actor(text, "army", "COLMIL"),
    )
    assert ("190", "FIGHT", "COLREB", "COLMIL") in found


def test_the_target_is_not_taken_from_the_objects_relative_clause(nlp):
    text = "The army shelled the villages that Turkey had claimed."
    found = code(nlp, text, actor(text, "army", "SYRMIL"), actor(text, "Turkey", "TUR"))
    assert ("194", "FIGHT", "SYRMIL", None) in found


def test_protesters_blocking_a_bridge_protest(nlp):
    text = "Protesters blocked the main bridge."
    assert code(nlp, text, actor(text, "Protesters", "FRAOPP")) == [
        ("144", "PROTEST", "FRAOPP", None)
    ]


def test_farmers_blocking_a_crossing_protest(nlp):
    text = "Farmers blocked the border crossing with tractors."
    assert code(nlp, text, actor(text, "Farmers", "FRACVL")) == [("144", "PROTEST", "FRACVL", None)]


def test_a_navy_blocking_a_port_is_a_blockade(nlp):
    text = "The navy blocked the port."
    assert code(nlp, text, actor(text, "navy", "FRAMIL")) == [("191", "FIGHT", "FRAMIL", None)]


def test_a_demand_about_a_clause_targets_its_subject(nlp):
    text = "The opposition demanded that the Kenyan government release the journalists."
    found = code(
        nlp, text, actor(text, "opposition", "KENOPP"), actor(text, "Kenyan government", "KENGOV"),
        actor(text, "journalists", "KENMED"),
    )
    assert found == [("1053", "DEMAND", "KENOPP", "KENGOV")]


def test_a_place_named_in_the_object_is_the_target(nlp):
    text = "Rebels shelled Kassala on Sunday."
    found = code(nlp, text, actor(text, "Rebels", "SDNREB"), place(text, "Kassala", "SDN"))
    assert found == [("194", "FIGHT", "SDNREB", "SDN")]


def test_a_possessive_place_in_the_object_is_the_target(nlp):
    text = "Chile rejected Peru's request."
    found = code(nlp, text, actor(text, "Chile", "CHL"), place(text, "Peru", "PER"))
    assert found == [("120", "REJECT", "CHL", "PER")]


def test_a_place_in_the_clause_a_verb_governs_is_the_target(nlp):
    text = "Norway agreed to open a consulate in Chad."
    found = code(nlp, text, actor(text, "Norway", "NOR"), place(text, "Chad", "TCD"))
    assert found == [("030", "AGREE", "NOR", "TCD")]


def test_the_withdrawal_of_own_troops_targets_the_place_left(nlp):
    text = "France completed the withdrawal of French troops from Mali."
    found = code(
        nlp,
        text,
        actor(text, "France", "FRA"),
        actor(text, "French troops", "FRAMIL"),
        place(text, "Mali", "MLI"),
    )
    assert found == [("087", "RETREAT", "FRA", "MLI")]


def test_a_place_with_no_source_named_makes_no_event(nlp):
    text = "Three people were killed in Kabul."
    assert code(nlp, text, place(text, "Kabul", "AFG")) == []


def people(text: str, phrase: str, code: str | None) -> Mention:
    start = text.index(phrase)
    return Mention(phrase, "body", start, start + len(phrase), "NORP", kind="actor", code=code)


@pytest.mark.parametrize(("text", "group", "group_code", "where", "country", "expected"), [
    # a people placed in another country acts from there, named by nationality or ethnicity
    ("Hungarians in northern Serbia demanded more autonomy.", "Hungarians", "HUN",
     "Serbia", "SRB", "SRB"),
    ("The Kurds of Syria accused the government.", "Kurds", None, "Syria", "SYR", "SYR"),
    # in its own country, or not placed, it keeps its code
    ("Hungarians in Budapest demanded more autonomy.", "Hungarians", "HUN",
     "Budapest", "HUN", "HUN"),
    ("Hungarians demanded more autonomy in Serbia.", "Hungarians", "HUN", "Serbia", "SRB", "HUN"),
])
def test_a_people_placed_in_a_country_is_coded_by_it(nlp, text, group, group_code, where,
                                                     country, expected):
    events = code(nlp, text, people(text, group, group_code), place(text, where, country))
    assert [source for _, _, source, _ in events] == [expected]


def test_a_role_placed_abroad_keeps_its_nationality(nlp):
    text = "Greek troops in Cyprus fired on the patrol."
    troops = Mention("Greek troops", "body", 0, 12, "NORP", kind="actor", code="GRCMIL")
    events = code(nlp, text, troops, place(text, "Cyprus", "CYP"))
    assert [source for _, _, source, _ in events] == ["GRCMIL"]
