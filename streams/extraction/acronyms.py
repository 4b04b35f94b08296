"""Acronyms an article defines: after "the Coastal Liberation Front (CLF)", every "CLF" of the
article is the same kind of name.

spaCy's small model misses most acronyms it did not see in training, or takes them for people.
A name followed by its initials in brackets defines them (the initials of its capitalised words,
function words skipped: "Office of Water and Land Planning (OWLP)"). The long form's
label, or an organisation's when the NER did not tag it, goes to the long form and to every
occurrence of the acronym in the article's fields that the NER left untagged or tagged alone with
another label, and each doc keeps the long forms (`long_forms`) so that the acronym is coded as
its long form is ("MFA" as "the Ministry of Foreign Affairs"). Runs on the first pass's Docs,
before mentions are read and sentences chosen for the parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span

from streams.extraction.nlp import text_of

# lower-case words a name's initials skip ("Party of God", "Organization for ...")
FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "&", "in", "on", "de", "du", "des", "la",
                            "le", "al", "el", "y", "et", "to"})
NAME_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP"})  # a long form's label kept as it is
DEFAULT_LABEL = "ORG"  # an untagged or person-tagged long form: most defined acronyms are bodies
LONG_FORMS = "acronym_long_forms"  # Doc.user_data key: {acronym: the long form's text}
_DEFINED = re.compile(r"\( ?([A-Z][A-Z&]{1,7}) ?\)")  # "(CLF)", tokenised "( CLF )": 2 to 8 capitals


def long_form(doc, text: str) -> str | None:
    """The long form of `text` if the article defines it as an acronym."""
    return doc.user_data.get(LONG_FORMS, {}).get(text)


def label_defined_acronyms(docs: Sequence) -> None:
    """Tag the acronyms the docs (an article's fields) define, in place, in every doc."""
    defined: dict[str, Span] = {}  # acronym -> its first long form (label and text)
    long_forms: dict[int, list[tuple[int, int, str]]] = {}
    for number, doc in enumerate(docs):
        for match in _DEFINED.finditer(text_of(doc)) if len(doc) else ():
            found = _definition(doc, match)
            if found is not None:
                defined.setdefault(match.group(1), found)
                long_forms.setdefault(number, []).append((found.start, found.end, found.label_))
    if not defined:
        return
    texts = {acronym: span.text for acronym, span in defined.items()}
    for number, doc in enumerate(docs):
        doc.user_data[LONG_FORMS] = texts
        spans = long_forms.get(number, [])
        spans += [(token.i, token.i + 1, defined[token.text].label_) for token in doc
                  if token.text in defined]
        _tag(doc, spans)


def _definition(doc, match: re.Match) -> Span | None:
    """The long form before "(ACRONYM)", labelled, if its initials spell the acronym."""
    acronym = match.group(1).replace("&", "")  # "R&D": the initials of two words
    opening = doc.char_span(match.start(), match.start() + 1)
    if opening is None or opening.start == 0:
        return None
    capitalised, i = [], opening.start - 1
    while i >= 0 and len(capitalised) < len(acronym):
        word = doc[i].text
        if word[:1].isupper() and word.replace("-", "").isalpha():
            capitalised.append(i)
        elif word not in FUNCTION_WORDS or not capitalised:
            break
        i -= 1
    if "".join(doc[k].text[0] for k in reversed(capitalised)) != acronym:
        return None
    start, end = capitalised[-1], opening.start
    tagged = [ent for ent in doc.ents if ent.start <= end - 1 < ent.end]
    label = tagged[0].label_ if tagged and tagged[0].label_ in NAME_LABELS else DEFAULT_LABEL
    return Span(doc, start, end, label=label)


def _tag(doc, spans: list[tuple[int, int, str]]) -> None:
    """Set each (start, end, label) as an entity where no entity overlaps it, or where one of
    the same extent has another label; entities that run past it are kept."""
    ents = list(doc.ents)
    changed = False
    for start, end, label in spans:
        overlapping = [ent for ent in ents if ent.start < end and start < ent.end]
        if not overlapping:
            ents.append(Span(doc, start, end, label=label))
            changed = True
        elif len(overlapping) == 1 and (overlapping[0].start, overlapping[0].end) == (start, end):
            if overlapping[0].label_ != label:
                ents[ents.index(overlapping[0])] = Span(doc, start, end, label=label)
                changed = True
        elif all(start <= ent.start and ent.end <= end for ent in overlapping):
            # a long form the NER cut in pieces ("Coastal" and "Liberation Front")
            ents = [ent for ent in ents if ent not in overlapping]
            ents.append(Span(doc, start, end, label=label))
            changed = True
    if changed:
        doc.ents = sorted(ents, key=lambda ent: ent.start)
