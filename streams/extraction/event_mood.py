"""Mood: events that are announced, required or imagined rather than reported as done.

CAMEO codes what was said, not what might happen: "X will withdraw" is an intent to yield
(035x), "X may impose sanctions" a threat (131x), "Y said X must withdraw" Y's demand on X
(105x), and an event inside an "if" clause did not happen at all.
"""

from __future__ import annotations

from enum import Enum

from streams.extraction.event_rules import frame

INTENT_MODALS = frozenset({"will", "would", "'ll", "shall", "wo"})  # "wo" is the "wo n't" token
POSSIBILITY_MODALS = frozenset({"may", "might", "could"})
OBLIGATION_MODALS = frozenset({"must", "should", "ought"})
# Predicates that announce what their subject is going to do: "X is ready to ...".
INTENT_PREDICATES = frozenset(
    {"ready", "willing", "prepared", "determined", "poised", "eager", "keen", "set", "able"}
)
CONDITION_MARKERS = frozenset({"if", "unless", "whether"})
COOPERATION_ROOTS = frozenset({"04", "05", "06", "07", "08"})
VERBAL_ROOTS = frozenset({"01", "02", "03", "09", "10", "11", "12", "13"})
MAX_CLIMB = 8


class Mood(Enum):
    FACT = "fact"
    INTENT = "intent"  # will, would, ready to
    POSSIBILITY = "possibility"  # may, might, could
    OBLIGATION = "obligation"  # must, should
    CONDITION = "condition"  # inside an if/unless clause


def _modal_words(token) -> set[str]:
    return {child.lower_ for child in token.children if child.dep_ == "aux"}


def clause_verb(token):
    """The verb of the clause a trigger belongs to (the trigger itself when it is a verb)."""
    for _ in range(MAX_CLIMB):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            return token
        token = token.head
    return token


def is_conditional(token) -> bool:
    """Inside an "if"/"unless" clause, directly or through the clauses it heads."""
    verb = clause_verb(token)
    for _ in range(MAX_CLIMB):
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKERS for c in verb.children):
            return True
        if verb.dep_ not in ("xcomp", "conj") or verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


# When a clause chain carries several, the strongest wins: "X must be ready to mediate" is a
# demand on X, not X's intent.
MOOD_STRENGTH = (Mood.OBLIGATION, Mood.INTENT, Mood.POSSIBILITY)


def _own_mood(verb) -> Mood | None:
    modals = _modal_words(verb)
    if modals & OBLIGATION_MODALS:
        return Mood.OBLIGATION
    if modals & INTENT_MODALS:
        return Mood.INTENT
    if modals & POSSIBILITY_MODALS:
        return Mood.POSSIBILITY
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in INTENT_PREDICATES:
        return Mood.INTENT
    return None


def _shares_mood_with_head(verb) -> bool:
    """xcomp and conj clauses share their head's modal; so does a subjectless purpose clause."""
    if verb.head.i == verb.i:
        return False
    if verb.dep_ == "advcl":
        return not any(child.dep_ in ("nsubj", "nsubjpass", "mark") for child in verb.children)
    return verb.dep_ in ("xcomp", "conj", "acomp")


def mood_of(token) -> Mood:
    verb = clause_verb(token)
    if is_conditional(verb):
        return Mood.CONDITION
    found = set()
    for _ in range(MAX_CLIMB):  # "pledged ... and will send": a conj shares its modal
        found.add(_own_mood(verb))
        if not _shares_mood_with_head(verb):
            break
        verb = verb.head
    return next((mood for mood in MOOD_STRENGTH if mood in found), Mood.FACT)


def _obligation_clause(verb):
    """The clause whose "must" a trigger shares: in "Y said X must be ready to negotiate" the
    trigger "negotiate" borrows X from "be", whose subject is the one obliged, not the speaker."""
    for _ in range(MAX_CLIMB):
        if has_obligation_modal(verb) or not _shares_mood_with_head(verb):
            return verb
        verb = clause_verb(verb.head)
    return verb


def has_obligation_modal(token) -> bool:
    return bool(_modal_words(token) & OBLIGATION_MODALS)


def code_in_mood(code: str, mood: Mood) -> str | None:
    """The code of an event said in this mood; None when the event should not be coded."""
    root = code[:2]
    if mood is Mood.CONDITION:
        return None
    if mood is Mood.OBLIGATION and root not in VERBAL_ROOTS:
        return frame("100", code)
    if mood is Mood.INTENT and root in COOPERATION_ROOTS:
        return frame("030", code)
    if mood in (Mood.INTENT, Mood.POSSIBILITY) and root not in VERBAL_ROOTS | COOPERATION_ROOTS:
        return frame("130", code)
    return code


def speaker_of(token):
    """The clause that reports an obligation: "Y said X must go" -> the verb "said"."""
    verb = _obligation_clause(clause_verb(token))
    for _ in range(MAX_CLIMB):
        if verb.head.i == verb.i:
            return None
        verb = clause_verb(verb.head)
        if any(child.dep_ in ("nsubj", "nsubjpass") for child in verb.children):
            return verb
    return None
