"""Words read from a Doc's arrays instead of Token objects (for speed) give what the Tokens give."""

from spacy.lang.en import English

from streams.extraction.actors import doc_words, token_word
from streams.extraction.mentions import _sentence_index
from streams.extraction.parse_filter import _columns

TEXT = ("Syrian government forces shelled al-Bab on Monday.\n\nThe U.S. State Department's "
        "spokesman -- in Washington -- said Assad's   troops must withdraw. Rebels fled")


def doc_with_sentences(starts: set[int]):
    doc = English()(TEXT)
    for token in doc:
        token.is_sent_start = token.i == 0 or token.i in starts
    return doc


def test_doc_words_are_token_words():
    doc = English()(TEXT)
    words = doc_words(doc)
    assert words == [token_word(token) for token in doc]
    assert "" in words and None in words and "syrian" in words  # "al", "-" and "." all seen


def test_columns_are_lower_forms_and_texts():
    doc = English()(TEXT)
    assert _columns(doc) == ([t.lower_ for t in doc], [t.text for t in doc])


def test_sentence_index_agrees_with_doc_sents_at_every_character():
    doc = doc_with_sentences({9, 14, 30})
    starts = [sent.start_char for sent in doc.sents]
    assert len(starts) == 4
    index_of = _sentence_index(doc, 7)
    for char in range(len(TEXT) + 1):
        expected = max(i for i, start in enumerate(starts) if start <= char)
        assert index_of(char) == 7 + expected


def test_sentence_index_of_an_empty_doc_is_the_offset():
    assert _sentence_index(English()(""), 3)(0) == 3
