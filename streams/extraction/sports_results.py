"""Sports results in prose: "Essex beat Kent by six wickets", "Lazio's 2-1 win over Parma".

A result verb ("beat", "defeated", "drew with", "lost to") or noun ("win", "victory over") in a
sentence about a game is neither an event (the CAMEO lexicon reads "beat" as an assault and
"defeat" as a fight) nor does it make its participants places: clubs are named after their
towns. A sentence is about a game when it has a score ("2-1"), a margin counted in a sport's
units ("by six wickets", "39 runs") or a sport's own nouns ("match", "final", "innings"), read
from the parse (lemma and part of speech), so "the final talks" or "the Arab League" do not
count. The result's subject and objects that are names are teams; `mentions.py` types them as
it types the teams of results lines (countries stay national teams, people stay people).
Only parsed sentences are read: a result verb is an event trigger, so its sentence is parsed.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import LEMMA
from spacy.strings import hash_string

from streams.extraction.results_lines import SCORE

RESULT_VERBS = frozenset({
    "beat", "defeat", "edge", "thrash", "rout", "trounce", "crush", "overcome", "down", "upset",
    "outplay", "outclass", "whitewash", "hammer", "draw", "tie", "lose", "eliminate", "oust",
    "knock", "stun", "overpower", "topple", "sink", "win",
})
RESULT_NOUNS = frozenset({"win", "victory", "defeat", "loss", "draw", "triumph", "upset"})
# a result's other side: "drew with", "lost to", "a win over", "victory against"
RESULT_PREPOSITIONS = frozenset({"with", "to", "over", "against", "by"})
SPORT_NOUNS = frozenset({
    "match", "game", "final", "semi-final", "semifinal", "quarter-final", "quarterfinal", "cup",
    "league", "championship", "tournament", "derby", "innings", "inning", "goal", "touchdown",
    "wicket", "overtime", "playoff", "play-off", "fixture", "half-time", "halftime",
    "tie-break", "tiebreak", "shootout", "scrum",
})
# a margin: a number before one of these ("by six wickets", "39 runs", "two strokes")
SPORT_UNITS = frozenset({
    "run", "wicket", "goal", "stroke", "shot", "length", "frame", "set", "innings", "try",
    "touchdown",
})
_JOINED_SCORE = re.compile(r"^\d{1,3}-\d{1,3}$")  # "2-1", "102-98" as one word (three: _is_split_score)
NOMINAL_DEPS = frozenset({"nsubj", "dobj", "pobj"})  # "in the final", tagged ADJ, is a noun
PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "conj", "appos", "poss"})
# the lemmas above as the LEMMA column holds them (0 where a sentence was not parsed)
_RESULT_LEMMAS = numpy.array(sorted(hash_string(word) for word in RESULT_VERBS | RESULT_NOUNS),
                             dtype="uint64")


def is_game_sentence(sent) -> bool:
    """Does the parsed sentence speak of a game: a score, a margin in a sport's units, or a
    sport's noun?"""
    for token in sent:
        if _JOINED_SCORE.match(token.text) or _is_split_score(token):
            return True
        if not (token.pos_ == "NOUN" or (token.pos_ == "ADJ" and token.dep_ in NOMINAL_DEPS)):
            continue  # a name ("the Arab League") is no game
        lemma = token.lemma_.lower()
        if lemma in SPORT_NOUNS:
            return True
        if lemma in SPORT_UNITS and any(child.like_num for child in token.children):
            return True
    return False


def _is_split_score(token) -> bool:
    """"2-0" as the tokenizer splits it: a number, a hyphen, a number, with no space between."""
    doc, i = token.doc, token.i
    return (i + 2 < len(doc) and SCORE.match(token.text) and doc[i + 1].text == "-"
            and SCORE.match(doc[i + 2].text)
            and not token.whitespace_ and not doc[i + 1].whitespace_)


def is_result(token) -> bool:
    """A result verb or noun (lemma and part of speech), whatever the sentence."""
    lemma = token.lemma_.lower()
    return ((token.pos_ == "VERB" and lemma in RESULT_VERBS)
            or (token.pos_ == "NOUN" and lemma in RESULT_NOUNS))


def result_sides(doc) -> set[tuple[int, int]]:
    """(start, end) token indexes of the named entities that won, lost or drew in the doc's
    sports results: a result's subject, object or prepositional object, with their conjuncts,
    and the owner of a result noun ("Lazio's win"). The lemma column finds the few candidate
    words, so a doc without a result makes no Token."""
    if not len(doc):
        return set()
    candidates = numpy.flatnonzero(numpy.isin(doc.to_array(LEMMA), _RESULT_LEMMAS))
    if not len(candidates):
        return set()
    entity_of = {i: (ent.start, ent.end) for ent in doc.ents for i in range(ent.start, ent.end)}
    sides: set[tuple[int, int]] = set()
    for i in candidates:
        result = doc[int(i)]
        if is_result(result) and is_game_sentence(result.sent):
            sides.update(entity_of[head.i] for head in _participants(result)
                         if head.i in entity_of)
    return sides


def _participants(result) -> list:
    heads = []
    for child in result.children:
        if child.dep_ in PARTICIPANT_DEPS:
            heads.append(child)
        elif child.dep_ == "prep" and child.lower_ in RESULT_PREPOSITIONS:
            heads += [grand for grand in child.children if grand.dep_ == "pobj"]
    conjuncts = [c for head in heads for c in head.children if c.dep_ == "conj"]
    return heads + conjuncts
