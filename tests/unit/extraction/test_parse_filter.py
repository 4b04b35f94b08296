"""Which sentences get a parse, and the two spaCy passes that parse only those."""

from __future__ import annotations

import pytest

from streams.extraction.actor_data import load_actor_tables
from streams.extraction.nlp import TwoPassNLP, load_nlp
from streams.extraction.parse_filter import build_parse_filter
from streams.extraction.verb_lexicon import load_event_lexicon

pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def two_pass():
    return TwoPassNLP(load_nlp())


@pytest.fixture(scope="module")
def parse_filter():
    nlp = load_nlp()
    return build_parse_filter(load_event_lexicon(), nlp.get_pipe("lemmatizer"),
                              nlp.get_pipe("attribute_ruler"), load_actor_tables().roles)


def selected_texts(two_pass, parse_filter, *texts: str) -> list[str]:
    docs = two_pass.names(texts)
    return [s.text for sentences in parse_filter.selected(docs) for s in sentences]


def test_inflected_triggers_are_known_before_any_parse(parse_filter):
    for word in ("attacked", "attacking", "attacks", "seized", "talks", "withdrew", "went"):
        assert word in parse_filter.triggers, word


def test_a_sentence_needs_an_actor_and_a_trigger(two_pass, parse_filter):
    text = ("Syrian troops attacked Aleppo on Monday. The weather in Aleppo was mild. "
            "It was attacked again.")
    assert selected_texts(two_pass, parse_filter, text) == ["Syrian troops attacked Aleppo on Monday."]


def test_a_complement_entry_needs_its_complement(two_pass, parse_filter):
    # "take" is coded only with a complement ("take control", "take hostage")
    text = "Rebels took control of Ramussa. Rebels took a bus to Ramussa."
    assert selected_texts(two_pass, parse_filter, text) == ["Rebels took control of Ramussa."]


def test_obligation_modals_are_triggers(two_pass, parse_filter):
    assert selected_texts(two_pass, parse_filter, "Russia says Assad must go.")


def test_a_repeated_name_counts_as_an_actor(two_pass, parse_filter):
    title, body = "Kerry meets Lavrov in Geneva", "He said Kerry and Lavrov would meet again."
    docs = two_pass.names([title, body])
    docs[1].ents = []  # as if the NER had missed the names the title gave
    assert parse_filter.selected(docs)[1]


def test_only_selected_sentences_are_parsed_and_boundaries_stay(two_pass):
    (doc,) = two_pass.names(["Troops shelled the town. Rain fell all day. Rebels fled."])
    sentences = list(doc.sents)
    two_pass.parse([(doc, [sentences[0], sentences[2]])])
    assert [s.text for s in doc.sents] == [s.text for s in sentences]
    first, second, third = doc.sents
    assert first.root.lemma_ == "shell" and first.root.dep_ == "ROOT"
    assert third.root.lemma_ == "flee"
    assert all(t.pos_ == "" and t.dep_ == "" for t in second)
    assert doc.ents  # the first pass's entities are kept


def test_a_blank_line_ends_a_sentence(two_pass):
    (doc,) = two_pass.names(["a military source said.\n\nGovernment forces have recaptured it"])
    assert [s.text.strip() for s in doc.sents][-1] == "Government forces have recaptured it"
