"""A verb only the CAMEO-derived table knows is an event only when it acts on an actor."""

from __future__ import annotations

import pytest

from streams.extraction.events import EventCoder, load_event_coder
from streams.extraction.types import Mention
from streams.extraction.verb_lexicon import load_event_lexicon, parse_lexicon

pytest.importorskip("spacy")

HEADER = "pos\tlemma\tcomplement\tcode"


def actor(text: str, phrase: str, code: str) -> Mention:
    start = text.index(phrase)
    return Mention(phrase, "body", start, start + len(phrase), "ORG", kind="actor", code=code)


def code_events(nlp, text: str, *actors: tuple[str, str], coder=None) -> list[dict]:
    coder = coder or load_event_coder()
    doc = nlp(text)
    mentions = [actor(text, phrase, code) for phrase, code in actors]
    return [event for sent in doc.sents for event in coder.code_sentence(sent, mentions, 0)]


def codes(events: list[dict]) -> list[str]:
    return [event["cameo_code"] for event in events]


def test_the_shipped_lexicon_knows_which_verbs_come_from_the_dictionary():
    lexicon = load_event_lexicon()
    assert ("contain", "") in lexicon.dictionary_verbs
    assert ("attack", "physically") not in lexicon.dictionary_verbs  # hand-written
    assert ("fight", "against") not in lexicon.dictionary_verbs  # hand-written, also derived


def test_the_first_table_keeps_an_entry_both_name():
    lexicon = parse_lexicon([HEADER, "V\tglorp\t\t030"],
                            dictionary=[[HEADER, "V\tglorp\t\t0871", "V\tglorp\tup\t190"]])
    assert lexicon.verbs["glorp"] == {"": "030", "up": "190"}
    assert lexicon.dictionary_verbs == {("glorp", "up")}


def test_containing_an_outbreak_is_no_event(nlp):
    events = code_events(nlp, "The ministry contained the outbreak.", ("The ministry", "CHNGOV"))
    assert events == []


def test_containing_protesters_is_an_event(nlp):
    text = "Police contained the protesters."
    events = code_events(nlp, text, ("Police", "CHNCOP"), ("protesters", "CHNOPP"))
    assert codes(events) == ["170"]
    assert events[0]["source"]["code"] == "CHNCOP"
    assert events[0]["target"]["code"] == "CHNOPP"


def test_a_passive_subject_is_what_the_verb_acts_on(nlp):
    text = "The outbreak was contained by the ministry."
    assert code_events(nlp, text, ("the ministry", "CHNGOV")) == []


def test_a_named_object_the_parse_tags_as_an_entity_counts_as_an_actor(nlp):
    # no hand-made mention for Jones: spaCy's PERSON entity stands in for the actor
    events = code_events(nlp, "Police arrested John Jones in Lagos.", ("Police", "NGACOP"))
    assert codes(events) == ["173"]


def test_a_verb_without_object_is_kept(nlp):
    text = "The rebels retaliated."
    events = code_events(nlp, text, ("The rebels", "SYRREB"))
    assert [e["source"]["code"] for e in events] == ["SYRREB"]


def test_the_same_verb_from_the_hand_written_table_is_unaffected(nlp):
    rows = [HEADER, "V\tcontain\t\t170"]
    text = "The ministry contained the outbreak."
    hand_written = EventCoder(parse_lexicon(rows))
    derived = EventCoder(parse_lexicon([HEADER], dictionary=[rows]))
    assert codes(code_events(nlp, text, ("The ministry", "CHNGOV"), coder=hand_written)) == ["170"]
    assert code_events(nlp, text, ("The ministry", "CHNGOV"), coder=derived) == []


def test_an_event_as_object_keeps_the_verb_that_frames_it(nlp):
    # "criticize" is derived, "proposal" a hand-written event noun (030): one disapproval
    events = code_events(nlp, "The ministry criticized the proposal.", ("The ministry", "CHNGOV"))
    assert codes(events) == ["111"]


def test_a_hand_written_verb_with_a_thing_as_object_still_codes(nlp):
    text = "The ministry called for calm."  # "call for" is hand-written: an appeal
    assert codes(code_events(nlp, text, ("The ministry", "CHNGOV"))) == ["020"]


def test_verbs_sharing_one_object_are_judged_by_it(nlp):
    # "contain" has no object of its own: the one it shares with "quarantine" decides
    text = "The ministry contained and quarantined the outbreak."
    assert code_events(nlp, text, ("The ministry", "CHNGOV")) == []


def test_a_thing_taken_from_an_actor_is_an_event(nlp):
    text = "Police commandeered boats from the smugglers."  # commandeer: the dictionary's only
    events = code_events(nlp, text, ("Police", "FRDCOP"), ("the smugglers", "FRDCRM"))
    assert events and events[0]["target"]["code"] == "FRDCRM"
    assert code_events(nlp, "Police commandeered boats.", ("Police", "FRDCOP")) == []


def test_an_actor_named_before_the_head_of_the_object_counts(nlp):
    text = "The government banned Freedonian opposition leaders."
    events = code_events(
        nlp, text, ("The government", "FRDGOV"), ("Freedonian opposition", "FRDOPP")
    )
    assert [e["target"]["code"] for e in events] == ["FRDOPP"]


@pytest.mark.parametrize("text", ["Rebels attacked the convoy.", "Police raided the office."])
def test_common_verbs_of_news_code_whatever_they_act_on(nlp, text):
    """Attack, raid and the like stay hand-written: a thing as their object is still an event."""
    subject = text.split()[0]
    lexicon = load_event_lexicon()
    verb = {"attacked": "attack", "raided": "raid"}[text.split()[1]]
    assert (verb, "") not in lexicon.dictionary_verbs
    events = code_events(nlp, text, (subject, "SYRREB"))
    assert len(events) == 1 and events[0]["source"]["code"] == "SYRREB"
