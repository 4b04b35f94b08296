"""The attribute ruler by lookup gives exactly the matches and annotation of spaCy's own."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.pipeline import AttributeRuler

from streams.extraction.attribute_rules import CompiledAttributeRuler, compile_attribute_ruler
from streams.extraction.nlp import load_nlp

pytest.importorskip("spacy")

# Words the model's special patterns name (contractions, dialect spellings, pronouns, "but" as an
# adverb, "that" as a relative pronoun, runs of whitespace), between ordinary news sentences.
TEXTS = [
    "Government forces shelled the rebel-held town on Monday, a monitoring group said.",
    "I'd say it's goin' to be fine, ain't it?  But we'll see.\n\nThey'd gone by then.",
    "Y'all can't stop nothin' now, she told him; nobody believed her, but everyone left.",
    "The ministers, who met in Geneva, agreed that talks should resume, but only if both "
    "sides stop firing. Those were the terms that he set.",
    "We ourselves saw it: \t the army and its allies took the hill , then lost it again .",
    "Something happened there.   Anyone could tell whether or not it was true, though.",
]


@pytest.fixture(scope="module")
def parsed_docs():
    """Docs tagged and parsed, not yet through the attribute ruler or the lemmatizer."""
    nlp = load_nlp()
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        return list(nlp.pipe(TEXTS))


def test_the_model_ruler_compiles():
    assert isinstance(compile_attribute_ruler(load_nlp().get_pipe("attribute_ruler")),
                      CompiledAttributeRuler)


def test_same_matches_as_spacy(parsed_docs):
    ruler = load_nlp().get_pipe("attribute_ruler")
    compiled = compile_attribute_ruler(ruler)
    for doc in parsed_docs:
        assert compiled.match(doc) == ruler.match(doc), doc.text
    # the texts do reach the special patterns, not only the tag map
    numbers = {number for doc in parsed_docs for number, _, start, end in compiled.match(doc)
               if end - start > 1 or "LOWER" in str(ruler.patterns[number]["patterns"])}
    assert len(numbers) >= 10


def test_same_annotation_as_spacy(parsed_docs):
    ruler = load_nlp().get_pipe("attribute_ruler")
    compiled = compile_attribute_ruler(ruler)
    attrs = ["TAG", "POS", "MORPH", "LEMMA", "DEP"]
    for doc in parsed_docs:
        ours, theirs = doc.copy(), doc.copy()
        compiled(ours)
        ruler(theirs)
        assert (ours.to_array(attrs) == theirs.to_array(attrs)).all(), doc.text


def test_a_pattern_it_cannot_look_up_keeps_spacy_ruler():
    ruler = AttributeRuler(Language().vocab)
    ruler.add([[{"LOWER": "new"}, {"IS_TITLE": True, "OP": "+"}]], {"POS": "PROPN"})
    assert compile_attribute_ruler(ruler) is ruler


def test_patterns_spanning_words_and_regexes_match_like_spacy():
    nlp = Language()
    ruler = AttributeRuler(nlp.vocab)
    ruler.add([[{"LOWER": {"REGEX": "^gon+a$"}}, {"LOWER": "be"}]], {"LEMMA": "go"})
    ruler.add([[{"LOWER": {"NOT_IN": ["the", "a"]}}, {"LOWER": "news"}]], {"POS": "ADJ"}, index=0)
    ruler.add([[{"LOWER": "news"}]], {"POS": "NOUN"})
    compiled = compile_attribute_ruler(ruler)
    doc = nlp("gonna be gonnna be the news bad news News")
    assert compiled.match(doc) == ruler.match(doc)
    assert [m[2:] for m in compiled.match(doc)] == [(0, 2), (2, 4), (6, 8), (7, 9), (5, 6),
                                                     (7, 8), (8, 9)]
