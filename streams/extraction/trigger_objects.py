"""Whether a verb from the CAMEO-derived table acts on an actor, as an event needs it to.

PETRARCH codes an event only between actors. The hand-written lexicon was written with that
sense in mind; the derived table holds every sense of a verb, so its bare "contain", "hit" or
"combat" also match "contained the outbreak" and "hit prices". Such a trigger is kept when the
thing it acts on (its direct object, the passive subject, or the object of the preposition its
pattern names) is an actor: a coded actor or role word, a place, a named person, group or
country, or a personal pronoun, as the phrase's head or before it ("Freedonian opposition
leaders", "the minister's plan"); or is itself an event ("condemned the shelling"), which
the framing rules code. An object that is a thing still makes an event when an actor is named
as the target through a preposition, anywhere in that phrase ("commandeered boats from the
smugglers", "airlifted food to the refugees of Y"). With no object at
all ("troops withdrew") the trigger is kept too.
"""

from __future__ import annotations

from streams.extraction.event_roles import TARGET_PREPS, ActorIndex, is_passive
from streams.extraction.verb_lexicon import EventLexicon

ACTOR_ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})
PERSONAL_OBJECTS = frozenset({"him", "her", "them", "us", "me", "you", "himself", "themselves"})
DIRECT_OBJECT_DEPS = ("dobj", "dative")
# A complement that is the object word itself ("rush food", "lay siege") fixes the verb's sense.
NAMED_OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative", "acomp", "pobj",
                               "compound", "amod", "nmod"})


def acts_on_actor(verb, complement_index: int | None, actors: ActorIndex,
                  lexicon: EventLexicon) -> bool:
    """True unless the verb's object (see the module doc) is there and is neither an actor nor
    an event."""
    if complement_index is not None:
        complement = verb.doc[complement_index]
        if complement.dep_ in NAMED_OBJECT_DEPS:
            return True
        if complement.dep_ in ("prep", "agent"):
            return _any_actor(_children(complement, ("pobj",)), actors, lexicon)
    objects = _objects(verb)
    return not objects or _any_actor(objects, actors, lexicon) or any(
        actors.in_phrase(noun) is not None for noun in _target_prep_objects(verb)
    )


def _objects(verb) -> list:
    if is_passive(verb):
        if verb.dep_ in ("acl", "amod"):  # "the outbreak contained by ..."
            return [verb.head]
        return _children(verb, ("nsubjpass",))
    objects = _children(verb, DIRECT_OBJECT_DEPS)
    for conjunct in _children(verb, ("conj",)):  # "surrounded and stormed the compound"
        if objects or conjunct.pos_ != "VERB":
            break
        objects = _objects(conjunct)
    return objects


def _target_prep_objects(verb) -> list:
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in TARGET_PREPS]
    return [pobj for prep in preps for pobj in _children(prep, ("pobj",))]


def _children(token, deps) -> list:
    return [child for child in token.children if child.dep_ in deps]


def _any_actor(nouns: list, actors: ActorIndex, lexicon: EventLexicon) -> bool:
    """True for no nouns at all, or when one of them (or a conjunct of it) is an actor or an
    event."""
    if not nouns:
        return True
    return any(_is_actor(word, actors) or lexicon.match_noun(word) is not None
               for noun in nouns for word in _with_conjuncts(noun))


def _with_conjuncts(noun) -> list:
    words = [noun]
    for child in noun.children:
        if child.dep_ == "conj":
            words.extend(_with_conjuncts(child))
    return words


def _is_actor(noun, actors: ActorIndex) -> bool:
    """The phrase up to its head names an actor: "the protesters", "Freedonian opposition
    leaders"; what follows the head ("the outbreak in China") does not count."""
    if noun.lower_ in PERSONAL_OBJECTS:
        return True
    words = list(noun.doc[noun.left_edge.i : noun.i + 1])
    if any(word.ent_type_ in ACTOR_ENTITY_TYPES for word in words):
        return True
    places = actors.places
    return (actors.in_tokens(words) is not None
            or (places is not None and places.in_tokens(words) is not None))
