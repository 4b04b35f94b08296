"""The event lexicon: which verbs and nouns signal which CAMEO code, read from events_verbs.tsv
(hand-written) and events_verbs_cameo.tsv (derived from the CAMEO 2.0 verb dictionary).

A verb entry may name a complement (a particle, a preposition or an object) so "call for",
"take control" and "lay siege" get their own codes; a noun entry may name a modifier so
"hunger strike" and "air strike" differ. Instruments ("warplanes", "artillery") sharpen an
unspecified use of force (190) into 193/194/195.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

# The hand-written table first: it wins where both name a (lemma, complement).
LEXICON_TABLES = ("events_verbs.tsv", "events_verbs_cameo.tsv")
NOT_AN_EVENT = "-"
BARE = ""  # the complement of an entry that needs none

# Complement slots of a verb, most telling first: the object says what is acted on ("lift
# sanctions"), a particle changes the verb's meaning ("back down"), a preposition or its object
# says less ("call for", "go on strike"). A two-word complement ("off strike") needs both words.
OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative", "acomp"})
LOOSE_DEPS = frozenset({"advmod", "xcomp", "npadvmod"})
NOUN_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    code: str
    complement_index: int | None  # token index of the complement that matched, if any


@dataclass(frozen=True, slots=True)
class EventLexicon:
    verbs: Mapping[str, Mapping[str, str]]  # lemma -> complement lemma ("" = bare) -> code
    nouns: Mapping[str, Mapping[str, str]]
    instruments: Mapping[str, str]  # weapon lemma -> force code

    def match_verb(self, token) -> LexiconMatch | None:
        return _match(self.verbs.get(_lemma(token)), _verb_complement_slots(token))

    def match_noun(self, token) -> LexiconMatch | None:
        return _match(self.nouns.get(_lemma(token)), [_noun_modifiers(token)])

    def instrument_code(self, tokens) -> str | None:
        """The force code of the first weapon named among `tokens`."""
        for token in tokens:
            code = self.instruments.get(_lemma(token))
            if code:
                return code
        return None

    def size(self) -> int:
        """Number of entries: verb and noun patterns plus instruments."""
        patterns = sum(len(entries) for t in (self.verbs, self.nouns) for entries in t.values())
        return patterns + len(self.instruments)


def _lemma(token) -> str:
    return token.lemma_.lower()


def _match(entries: Mapping[str, str] | None, slots: list[list]) -> LexiconMatch | None:
    if not entries:
        return None
    words = {_lemma(t): t for slot in slots for t in slot} | {t.lower_: t for s in slots for t in s}
    for complement, code in entries.items():
        parts = complement.split()
        if len(parts) > 1 and all(part in words for part in parts):
            return _result(code, words[parts[-1]].i)
    for slot in slots:
        for word in slot:
            code = entries.get(_lemma(word)) or entries.get(word.lower_)
            if code:
                return _result(code, word.i)
    return _result(entries.get(BARE), None)


def _result(code: str | None, complement_index: int | None) -> LexiconMatch | None:
    if code is None or code == NOT_AN_EVENT:
        return None
    return LexiconMatch(code, complement_index)


def _verb_complement_slots(verb) -> list[list]:
    """Tokens that may complete a verb entry, in the order they are tried."""
    children = list(verb.children)
    particles = [c for c in children if c.dep_ == "prt"]
    objects = [c for c in children if c.dep_ in OBJECT_DEPS]
    object_parts = [m for obj in objects for m in _noun_modifiers(obj)]
    preps = [c for c in children if c.dep_ in ("prep", "agent")]
    prep_objects = [g for p in preps for g in p.children if g.dep_ in ("pobj", "pcomp")]
    loose = [c for c in children if c.dep_ in LOOSE_DEPS]
    return [objects, particles, object_parts, preps, prep_objects, loose]


def _noun_modifiers(noun) -> list:
    """Modifiers that name a kind of event ("hunger strike", "release of prisoners")."""
    modifiers = [c for c in noun.children if c.dep_ in NOUN_MODIFIER_DEPS]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            modifiers.extend(c for c in prep.children if c.dep_ == "pobj")
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":  # "state of emergency"
        modifiers.append(noun.head.head)
    return modifiers


@functools.cache
def load_event_lexicon() -> EventLexicon:
    """Read the lexicon shipped with the package (once per process): the hand-written table,
    then the one derived from the CAMEO verb dictionary (see LEXICON_TABLES)."""
    data = resources.files("streams").joinpath("data")
    return parse_lexicon(*(data.joinpath(name).read_text("utf-8").splitlines()
                           for name in LEXICON_TABLES))


def parse_lexicon(*sources) -> EventLexicon:
    """The lexicon of one or more tables' lines; the first to name a (lemma, complement) wins."""
    tables: dict[str, dict[str, dict[str, str]]] = {"V": {}, "N": {}, "I": {}}
    for lines in sources:
        rows = csv.DictReader(
            (line for line in lines if line.strip() and not line.startswith("#")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        )
        for row in rows:
            entries = tables[row["pos"]].setdefault(row["lemma"].lower(), {})
            entries.setdefault(row["complement"].lower(), row["code"])
    return EventLexicon(
        verbs=_freeze(tables["V"]),
        nouns=_freeze(tables["N"]),
        instruments=MappingProxyType({k: v[BARE] for k, v in tables["I"].items()}),
    )


def _freeze(table: dict[str, dict[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType({k: MappingProxyType(v) for k, v in table.items()})


def lexicon_codes(lexicon: EventLexicon) -> set[str]:
    """Every CAMEO code the lexicon can emit (for checking it against the code table)."""
    codes: set[str] = set(lexicon.instruments.values())
    for table in (lexicon.verbs, lexicon.nouns):
        for entries in table.values():
            codes.update(code for code in entries.values() if code != NOT_AN_EVENT)
    return codes


__all__ = ["EventLexicon", "LexiconMatch", "load_event_lexicon", "lexicon_codes"]
