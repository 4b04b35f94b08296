"""Which sentences need a parse: those in which an event can be coded.

An event needs a trigger in its sentence (a lexicon verb or noun, or "must"/"should", which
make demands) and an actor mention (none on either side: no event). Both are checked on the
words, before any parse, and the check only ever says yes too often: a word is a trigger when
the lemmatizer's rules could map it onto a lexicon lemma, whatever its part of speech turns out
to be; an actor may be any entity, any word of a role phrase ("rebels", "security forces") or a
repeat of a name found anywhere in the article.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence

from spacy.attrs import LOWER, ORTH

from streams.extraction.actor_data import normalize_word
from streams.extraction.event_mood import OBLIGATION_MODALS
from streams.extraction.mentions import name_spans
from streams.extraction.verb_lexicon import BARE, NOT_AN_EVENT, EventLexicon

# A trigger with a complement entry only ("take control") needs one of the complement's forms in
# its sentence; None stands for an entry that needs none.
Requirement = tuple[frozenset[str], ...] | None
ANY_POS = ("verb", "noun", "adj", "adv", "punct")  # the lemmatizer's rule tables


class ParseFilter:
    def __init__(self, triggers: Mapping[str, list[Requirement]], role_words: frozenset[str]):
        self.triggers = triggers  # lower-case word form -> what its entries need
        self.role_words = role_words

    def selected(self, docs: Sequence) -> list[list]:
        """The sentences of each Doc (one article's fields) that need a parse."""
        # compiled only for a sentence with no entity and no role word (few): a pattern of every
        # name costs more than the rest of the filter
        names = functools.cache(lambda: _names_pattern(docs))
        chosen = []
        for doc in docs:
            entity_starts = [ent.start for ent in doc.ents]
            lower, text = _columns(doc)
            chosen.append([
                s for s in (doc.sents if len(doc) else ())
                if self._has_trigger(set(lower[s.start : s.end]))
                and self._has_actor(s, text[s.start : s.end], entity_starts, names)
            ])
        return chosen

    def _has_trigger(self, words: set[str]) -> bool:
        """`words`: the sentence's lower-case words."""
        if words & OBLIGATION_MODALS:
            return True
        for word in words:
            for needs in self.triggers.get(word, ()):
                if needs is None or all(forms & words for forms in needs):
                    return True
        return False

    def _has_actor(self, sentence, words: list[str], entity_starts: list[int],
                   names: Callable[[], re.Pattern | None]) -> bool:
        """`words`: the sentence's words as written."""
        if bisect_left(entity_starts, sentence.start) < bisect_left(entity_starts, sentence.end):
            return True  # an entity starts in the sentence
        if any(part in self.role_words for word in words for part in normalize_word(word).split()):
            return True
        pattern = names()
        return pattern is not None and pattern.search(sentence.text) is not None


def _columns(doc) -> tuple[list[str], list[str]]:
    """Each word's lower-case form and text, read from the Doc's arrays (no Token objects)."""
    strings = doc.vocab.strings
    rows = doc.to_array([LOWER, ORTH]).tolist()
    return [strings[lower] for lower, _ in rows], [strings[orth] for _, orth in rows]


def _names_pattern(docs: Iterable) -> re.Pattern | None:
    """Every name the article's entities could lend to a repeat (see mentions.repeat_names)."""
    names = set()
    for doc in docs:
        for ent in doc.ents:
            for span in name_spans(ent):
                names.update((span.text, span.text.split()[-1]))
    names = {name for name in names if len(name) > 2}
    if not names:
        return None
    # any case: repeats are looked up by the source's spelling, these are the re-cased text's
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def build_parse_filter(lexicon: EventLexicon, lemmatizer, attribute_ruler, roles) -> ParseFilter:
    """The filter for this lexicon and model: inflections from the lemmatizer's own tables."""
    lemma_forms = _lemma_forms(lemmatizer, attribute_ruler)
    # One set of forms per complement word, shared by every entry naming it (the CAMEO table
    # names "weapon", "to", ... thousands of times).
    complement_forms = functools.cache(lambda part: frozenset(lemma_forms(part, None)))
    triggers: dict[str, list[Requirement]] = {}
    for pos, table in (("verb", lexicon.verbs), ("noun", lexicon.nouns)):
        for lemma, entries in table.items():
            needs = _requirements(entries, complement_forms)
            if needs:
                for form in lemma_forms(lemma, pos):
                    triggers.setdefault(form, []).extend(needs)
    role_words = frozenset(word for phrase in roles for word in phrase.split())
    return ParseFilter(triggers, role_words)


def _requirements(entries: Mapping[str, str], complement_forms) -> list[Requirement]:
    needs: set[Requirement] = set()
    for complement, code in entries.items():
        if code == NOT_AN_EVENT:
            continue
        if complement == BARE:
            return [None]  # the bare entry needs nothing: the others add nothing to it
        needs.add(tuple(complement_forms(part) for part in complement.split()))
    return list(needs)


def _lemma_forms(lemmatizer, attribute_ruler):
    """forms(lemma, pos): the lower-case words the model may lemmatise to `lemma`.

    The rule lemmatizer lower-cases a word, then takes an exception or the output of a suffix
    rule for its part of speech ("ies" -> "y"); running the rules backwards from the lemma gives
    every such word. The attribute ruler sets a few lemmas itself ("goin'" -> "go").
    """
    rules = lemmatizer.lookups.get_table("lemma_rules")
    exceptions = lemmatizer.lookups.get_table("lemma_exc")
    by_lemma: dict[tuple[str, str], set[str]] = {}
    for pos in ANY_POS:
        for word, lemmas in exceptions.get(pos, {}).items():
            for lemma in lemmas:
                by_lemma.setdefault((pos, lemma), set()).add(word.lower())
    ruled: dict[str, set[str]] = {}
    for pattern in attribute_ruler.patterns:
        if "LEMMA" in pattern["attrs"]:
            for tokens in pattern["patterns"]:
                lower = tokens[0].get("LOWER")
                words = lower.get("IN", []) if isinstance(lower, dict) else [lower] if lower else []
                ruled.setdefault(pattern["attrs"]["LEMMA"].lower(), set()).update(words)

    def forms(lemma: str, pos: str | None) -> set[str]:
        found = {lemma} | ruled.get(lemma, set())
        for part in ANY_POS if pos is None else (pos,):
            found |= by_lemma.get((part, lemma), set())
            for old, new in rules.get(part, []):
                if lemma.endswith(new):
                    found.add(lemma[: len(lemma) - len(new)] + old)
        return found

    return forms
