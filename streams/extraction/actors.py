"""CAMEO-style actor coding: entity spans and generic actor phrases -> SYRGOV, USAMIL, IGO, ...

A code is an ISO 3166 alpha-3 country, optionally followed by a CAMEO role: GOV government,
MIL military, REB rebels/insurgents/militias, OPP opposition, COP police and security forces,
JUD judiciary, LEG legislature, MED media, CVL civilians, REF refugees, BUS business,
EDU education, HLH health, LAB labour, CRM crime, SPY intelligence, REL religion,
UAF unidentified armed forces, NGO. Conventions chosen here:

- Intergovernmental bodies (UN, NATO, EU, G20, ...) are "IGO" and transnational jihadist
  networks (Islamic State, al-Qaeda) "IMG"; neither ever carries a country.
- NGOs are "NGO"; an NGO that the text ties to a country is "{ISO}NGO" ("Syrian Observatory for
  Human Rights", "a Syrian human rights group" -> SYRNGO). The article's context country is never
  given to an NGO, which is as often foreign as local.
- A role with no country in its phrase takes the context country (the article's dominant
  country); without one, only roles that CAMEO codes stateless (IGO, IMG, NGO, REB, UAF) are
  returned bare.
- Capitals code as their country ('Moscow' -> RUS); whether one is a metonym is the caller's call.
- A person's code is the one for the article's date where the dictionary dates it
  (`ActorCoder.at(day)`; "Karzai" is AFGGOV as president, not in 1995); with no date,
  the current or undated one (actor_data.PersonCode).

The tables live in streams/data/actors_*.tsv (see actor_data.py) and load on the first call.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH

from streams.extraction.actor_data import (
    ActorTables,
    Role,
    code_on,
    load_actor_tables,
    normalize,
    normalize_word,
)

PLACE_LABELS = frozenset({"GPE", "LOC"})
STATELESS_ROLES = frozenset({"IGO", "IMG"})
NO_CONTEXT_ROLES = frozenset({"IGO", "IMG", "NGO"})
BARE_ROLES = frozenset({"IGO", "IMG", "NGO", "REB", "UAF"})
# A role word with one of these dependencies on a noun to its right describes that noun instead of
# naming an actor: "rebel neighborhoods", "military operation", "police station".
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
NOMINAL_POS = frozenset({"NOUN", "PROPN", "ADJ"})
# Entities that `code()` handles whole: a role word inside one is not a generic phrase.
CODED_ENTITY_LABELS = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "LAW", "EVENT", "PRODUCT"})
# How many premodifiers may stand between a name and its role noun ("U.N. war crimes court").
MAX_SKIPPED_MODIFIERS = 2
ARTICLE_TOKENS = frozenset({"al", "el", "-", "\u2010", "\u2011"})
WORD_ATTRS = (ORTH, IS_PUNCT, IS_SPACE)  # what a word's lookup word depends on
# "pro-Iranian Hezbollah", "anti-Syria journalist", "ethnic Albanian guerrillas": the name that
# follows is an allegiance or an ethnicity, not the actor's country.
NOT_OWNER_PREFIXES = frozenset({"pro", "anti", "ethnic"})
# "Vietnamese-led forces" are the Vietnamese forces; "U.S.-backed rebels" are not American.
PASS_THROUGH_WORDS = frozenset({"led"})
OWNER_PREPOSITIONS = frozenset({"from", "of"})  # "doctors from X", "soldiers of X"
ARTICLES = frozenset({"a", "an", "the"})
SPONSOR_WORDS = frozenset(
    {"backed", "supported", "sponsored", "funded", "armed", "trained", "allied", "aligned", "loyal"}
)


@dataclass(frozen=True, slots=True)
class Match:
    """Table entry found at words[start:end]."""

    start: int
    end: int
    value: Any


def find_matches(
    words: Sequence[str | None], table: Mapping[str, Any], max_words: int,
    starts: Container[str] | None = None,
) -> list[Match]:
    """Longest-first, left-to-right, non-overlapping matches of table keys; None words block.
    `starts`, the words keys begin with, if given, spares the lookups at every other word."""
    matches: list[Match] = []
    i = 0
    while i < len(words):
        if starts is not None and words[i] not in starts:
            i += 1
            continue
        for n in range(min(max_words, len(words) - i), 0, -1):
            window = words[i : i + n]
            if None in window:
                continue
            value = table.get(" ".join(window))  # type: ignore[arg-type]
            if value is not None:
                matches.append(Match(i, i + n, value))
                i += n
                break
        else:
            i += 1
    return matches


def contiguous_runs(matches: Sequence[Match]) -> list[list[Match]]:
    """Group matches that follow each other without a gap: "army" + "spokesman"."""
    runs: list[list[Match]] = []
    for match in matches:
        if runs and runs[-1][-1].end == match.start:
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def chain_role(run: Sequence[Match]) -> str:
    """Role of adjacent role words: the last one's, unless it is a head noun after a role word."""
    last: Role = run[-1].value
    if last.is_head:
        for match in reversed(run[:-1]):
            if not match.value.is_head:
                return match.value.code
    return last.code


def owned_matches(words: Sequence[str | None], matches: list[Match]) -> list[Match]:
    """Drop names after "pro"/"anti"/"ethnic" or before "backed" (allegiance, not ownership)."""
    return [
        m
        for m in matches
        if (m.start == 0 or words[m.start - 1] not in NOT_OWNER_PREFIXES)
        and (m.end == len(words) or words[m.end] not in SPONSOR_WORDS)
    ]


def compose(country: str, role: str) -> str:
    return role if role in STATELESS_ROLES else country + role


def token_word(token) -> str | None:
    """A token's lookup word: None blocks matches (punctuation), "" is skipped ('s, al-, hyphen)."""
    return _lookup_word(token.text, token.is_punct, token.is_space)


def doc_words(doc) -> list[str | None]:
    """`token_word` of every word of a Doc, read from its arrays: no Token object per word."""
    strings = doc.vocab.strings
    return [_lookup_word(strings[orth], bool(punct), bool(space))
            for orth, punct, space in doc.to_array(WORD_ATTRS).tolist()]


@functools.lru_cache(maxsize=1 << 16)
def _lookup_word(text: str, is_punct: bool, is_space: bool) -> str | None:
    if text.lower() in ARTICLE_TOKENS:
        return ""
    if is_punct or is_space:
        return None
    return normalize_word(text)


class ActorCoder:
    """Codes actors with the actors_*.tsv tables; see the module docstring for the conventions."""

    def __init__(self, tables: ActorTables, day: dt.date | None = None) -> None:
        self._tables = tables
        self._day = day
        self._country_codes = tables.country_codes
        self._named_tables = (tables.countries, tables.capitals, tables.orgs, tables.people)

    def at(self, day: dt.date | None) -> ActorCoder:
        """This coder for an article of `day` (None: undated): people take that day's code."""
        return self if day == self._day else ActorCoder(self._tables, day)

    def _person(self, key: str) -> str | None:
        return code_on(self._tables.people.get(key), self._day)

    # -- single phrases ---------------------------------------------------------------------
    def country_of(self, text: str) -> str | None:
        """Country names and nationality words: 'Syrians', 'U.S.', 'British' -> alpha-3."""
        return self._tables.countries.get(normalize(text))

    def named_with_article(self, text: str) -> str | None:
        """The code of "the X" where the dictionaries name a body so ("the Security Council",
        IGO) and the bare X is a role or a country; None elsewhere."""
        return self._tables.with_article.get(normalize(text))

    def capital_country(self, text: str) -> str | None:
        """'Moscow' -> 'RUS', 'Washington' -> 'USA'."""
        return self._tables.capitals.get(normalize(text))

    def dominant_country(self, texts: Iterable[str]) -> str | None:
        """The country most named among entity texts (names, demonyms, capitals); ties: first."""
        found = (self.country_of(text) or self.capital_country(text) for text in texts)
        counts = Counter(country for country in found if country)
        return counts.most_common(1)[0][0] if counts else None

    def code(self, text: str, label: str, context_country: str | None = None) -> str | None:
        """Actor code for a named-entity span with its spaCy label (PERSON, ORG, NORP, GPE, ...)."""
        key = normalize(text)
        if not key:
            return None
        return self._exact_code(key, label) or self._phrase_code(
            key.split(), label, context_country
        )

    def _exact_code(self, key: str, label: str) -> str | None:
        tables = self._tables
        if label == "PERSON":
            return self._person(key) or tables.orgs.get(key)
        capital = tables.capitals.get(key) if label in PLACE_LABELS else None
        person = self._person(key) if label not in PLACE_LABELS else None
        return tables.orgs.get(key) or tables.countries.get(key) or capital or person

    def _find(self, words: Sequence[str | None], table: str) -> list[Match]:
        """find_matches in one of the tables, by name ("roles", "people", "orgs", ...)."""
        tables = self._tables
        return find_matches(words, getattr(tables, table), tables.max_words[table],
                            tables.first_words[table])

    def _phrase_code(self, words: list[str], label: str, context: str | None) -> str | None:
        """Code a phrase from its parts: a known person or organisation, else country + role."""
        roles = self._find(words, "roles")
        if label == "PERSON":
            roles = [m for m in roles if self._is_title(words, m)]
        role = chain_role(contiguous_runs(roles)[-1]) if roles else None
        named = self._named_in_phrase(words, label, has_role=role is not None)
        if named:
            return self._with_role(named, role)
        return self._role_only(role, context) if role else None

    def _named_in_phrase(self, words: list[str], label: str, has_role: bool) -> str | None:
        if label not in PLACE_LABELS:
            people = self._find(words, "people")
            people = [m for m in owned_matches(words, people) if self._ends_a_name(words, m)]
            if people:
                return code_on(people[-1].value, self._day)
        orgs = owned_matches(words, self._find(words, "orgs"))
        # A bare country name in a PERSON span is more likely a name ("Jordan") than a country.
        if label == "PERSON" and not has_role:
            return orgs[-1].value if orgs else None
        countries = self._find(words, "countries")
        countries = owned_matches(words, countries)
        # "NATO-member Norway", "French UN ambassador": a country outside the organisation's name
        # heads the phrase.
        outside = [
            c for c in countries if not any(o.start <= c.start and c.end <= o.end for o in orgs)
        ]
        if outside:
            return outside[-1].value
        return orgs[-1].value if orgs else None

    def _is_title(self, words: list[str], match: Match) -> bool:
        """Titles precede names: 'King' in 'Martin Luther King' is a name, not a role."""
        if match.end < len(words) or match.start == 0:
            return True
        return words[match.start - 1] in self._tables.countries

    def _ends_a_name(self, words: list[str], match: Match) -> bool:
        """A one-word short form must end the name: 'Chadli' is Bendjedid, 'Chadli Klibi' is not."""
        if match.end - match.start > 1 or match.end == len(words):
            return True
        return words[match.end] in self._tables.roles

    def _with_role(self, named: str, role: str | None) -> str:
        """A bare country takes the phrase's role; a person's or organisation's own code stands."""
        return compose(named, role) if role and named in self._country_codes else named

    def _role_only(self, role: str, context: str | None) -> str | None:
        if context and role not in NO_CONTEXT_ROLES:
            return compose(context, role)
        return role if role in BARE_ROLES else None

    # -- generic phrases in a parsed document ------------------------------------------------
    def find_generic(self, doc, context_country: str | None) -> list[tuple[int, int, str]]:
        """Generic actor noun phrases ("Syrian government forces", "rebels", "state media") in a
        spaCy Doc as (start_char, end_char, code). A country, organisation or person right before
        the role noun gives the country ('Syrian', "Syria's", 'Hamas', 'Assad'); otherwise the
        context country does. Role words that modify a non-actor noun ("rebel neighborhoods") and
        role words inside PERSON/ORG/FAC entities (coded by `code()`) are skipped."""
        words = doc_words(doc)
        positions = [i for i, word in enumerate(words) if word != ""]
        compact = [words[i] for i in positions]
        matches = self._find(compact, "roles")
        found = []
        for run in contiguous_runs(matches):
            first, last = doc[positions[run[0].start]], doc[positions[run[-1].end - 1]]
            if not is_actor_noun(last) or overlaps_coded_entity(doc[first.i : last.i + 1]):
                continue
            role = chain_role(run)
            modifier, start_position = self._left_modifier(doc, compact, positions, run[0].start)
            if modifier is None:  # "doctors from a French charity", "soldiers of the Syrian army"
                modifier = self._owner_after(doc, compact, positions, run[-1].end)
            code = (
                self._with_role(modifier, role)
                if modifier
                else self._role_only(role, context_country)
            )
            if code:
                start_token = doc[positions[start_position]]
                found.append((start_token.idx, last.idx + len(last.text), code))
        return found

    def _left_modifier(
        self, doc, compact: list[str | None], positions: list[int], start: int
    ) -> tuple[str | None, int]:
        """The named actor right before compact word `start` (skipping a few premodifiers): its code
        and the compact index where it starts; (None, start) when there is none."""
        end = start
        for _ in range(MAX_SKIPPED_MODIFIERS + 1):
            named = self._named_ending_at(doc, compact, positions, end)
            if named:
                return named
            if end > 0 and compact[end - 1] in SPONSOR_WORDS:
                break
            if end > 1 and compact[end - 1] in PASS_THROUGH_WORDS:
                end -= 1
                continue
            if end == 0 or compact[end - 1] is None or not is_premodifier(doc[positions[end - 1]]):
                break
            end -= 1
        return None, start

    def _owner_after(self, doc, compact, positions, end: int) -> str | None:
        """The named actor a role word belongs to when "from" or "of" follows it ("doctors from
        two French charities"): its code, skipping an article or a number; None if none."""
        if end >= len(compact) or compact[end] not in OWNER_PREPOSITIONS:
            return None
        start = end + 1
        while (start < len(compact) and start - end <= MAX_SKIPPED_MODIFIERS
               and compact[start] is not None
               and (compact[start] in ARTICLES or doc[positions[start]].like_num)):
            start += 1
        return self._named_starting_at(doc, compact, positions, start)

    def _named_starting_at(self, doc, compact, positions, start: int) -> str | None:
        """The code of the longest capitalised table entry that starts at compact index `start`."""
        for n in range(min(self._longest_entry(), len(compact) - start), 0, -1):
            found = self._entry(doc, compact, positions, start, n)
            if found:
                return self._as_modifier(*found)
        return None

    def _named_ending_at(self, doc, compact, positions, end: int) -> tuple[str, int] | None:
        """Longest capitalised table entry that ends right before compact index `end`."""
        for n in range(min(self._longest_entry(), end), 0, -1):
            found = self._entry(doc, compact, positions, end - n, n)
            if found:
                if end - n > 0 and compact[end - n - 1] in NOT_OWNER_PREFIXES:
                    return None
                return self._as_modifier(*found), end - n
        return None

    def _longest_entry(self) -> int:
        return max(self._tables.max_words[name] for name in ("countries", "orgs", "people"))

    def _entry(self, doc, compact, positions, first: int, n: int) -> tuple[Mapping, str] | None:
        """(table, key) of the n compact words from `first`, if capitalised and a named entry."""
        window = compact[first : first + n]
        if None in window or not doc[positions[first]].text[:1].isupper():
            return None
        key = " ".join(window)  # type: ignore[arg-type]
        return next(((table, key) for table in self._named_tables if key in table), None)

    def _as_modifier(self, table: Mapping[str, str], key: str) -> str:
        """Countries and capitals give a country; people give their country ('Assad forces' -> SYR
        + MIL); organisations keep their own code ('Hamas fighters' -> PSEREB)."""
        if table is self._tables.people:
            code = self._person(key) or ""
            return code[:3] if code[:3] in self._country_codes else code
        return table[key]


def is_actor_noun(token) -> bool:
    """False when the role word only describes the noun after it ("rebel neighborhoods")."""
    if token.pos_ not in NOMINAL_POS:
        return False
    return not (token.dep_ in MODIFIER_DEPS and token.head.i > token.i)


def is_premodifier(token) -> bool:
    """An adjective or noun modifier inside the noun phrase ("pro-government", "war crimes")."""
    return token.pos_ == "ADJ" or (token.dep_ in MODIFIER_DEPS and token.head.i > token.i)


def overlaps_coded_entity(span) -> bool:
    return any(token.ent_type_ in CODED_ENTITY_LABELS for token in span)


@functools.cache
def load_actor_coder() -> ActorCoder:
    """The process-wide coder; the tables are read on the first call."""
    return ActorCoder(load_actor_tables())


def dominant_country(texts: Iterable[str]) -> str | None:
    """The country most named among entity texts, as alpha-3 (ActorCoder.dominant_country)."""
    return load_actor_coder().dominant_country(texts)
