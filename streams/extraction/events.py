"""CAMEO event coding of one parsed sentence: trigger words, framing, negation and actor roles.

1. Triggers: verbs and event nouns found in the lexicon (streams/data/events_verbs*.tsv); a verb
   only the CAMEO-derived table knows must act on an actor (see trigger_objects).
2. Framing: an event inside a framing verb's clause ("threatened to attack", "accused X of
   shelling", "called for talks") refines that verb's code instead of being reported as having
   happened. Reporting verbs ("said") are not triggers, so "X said Y attacked Z" codes Y -> Z.
3. Negation turns cooperation into rejection ("did not agree" -> 120) and drops other events;
   a stopping verb recodes what it stops ("halted talks" -> 164, "banned the march" -> 1721).
4. Mood: "will"/"ready to" make intents and threats, a reported "must" a demand, and an "if"
   clause no event at all (see event_mood).
5. Roles: source and target actors come from the parse (see event_roles).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from streams.extraction.cameo import cameo_code
from streams.extraction.event_mood import (
    Mood,
    code_in_mood,
    has_obligation_modal,
    mood_of,
    speaker_of,
)
from streams.extraction.event_roles import (
    ActorIndex,
    Argument,
    Roles,
    clause_subject,
    clause_target,
    is_passive,
    noun_roles,
    place_target,
    verb_roles,
)
from streams.extraction.event_rules import (
    blocking_by,
    frame,
    is_framing,
    is_stopping_verb,
    negate,
    stopped,
)
from streams.extraction.sports_results import is_game_sentence, is_result
from streams.extraction.trigger_objects import acts_on_actor
from streams.extraction.types import Mention
from streams.extraction.verb_lexicon import EventLexicon, load_event_lexicon

# Dependencies through which an event sits inside another event's clause.
EMBEDDING_DEPS = frozenset({"xcomp", "ccomp", "dobj", "pcomp", "pobj", "acl", "nsubjpass"})
EMBEDDING_PREPS = frozenset({"for", "to", "of", "with", "on", "against", "about", "over", "into"})
NOT_TRIGGER_DEPS = frozenset({"amod", "compound"})  # "the besieged town", "peace talks process"
NEGATING_WORDS = frozenset({"not", "n't", "never", "no"})
STOPPED_DEPS = frozenset({"dobj", "xcomp", "nsubjpass"})  # "halted the talks", "stopped firing"
FORCE_CODE = "190"  # an unspecified use of force, sharpened by the weapon named with it
# Roots whose verb addresses the actor of the clause it governs ("demanded that Y withdraw").
ADDRESSED_ROOTS = frozenset({"02", "10", "11", "12", "13"})
LOCATING_PREPS = frozenset({"in", "of"})  # "Hungarians in Serbia", "the Kurds of Syria"


@dataclass(slots=True)
class Trigger:
    token: object  # spaCy Token
    code: str | None  # None: negated away, still blocks the events it frames
    is_verb: bool
    by_modal: bool = False  # no lexicon word: "Y said X must ..." is itself Y's demand
    stopped_by: object | None = None  # the verb that ends or prevents it ("banned the march")
    framed: list[Trigger] = field(default_factory=list)

    @property
    def index(self) -> int:
        return self.token.i


class EventCoder:
    """Codes CAMEO events in parsed sentences; stateless apart from the loaded lexicon."""

    def __init__(self, lexicon: EventLexicon):
        self.lexicon = lexicon

    def code_sentence(self, sent, actors: Sequence[Mention], sentence_index: int) -> list[dict]:
        """Events in one sentence (a spaCy Span); `actors` are this sentence's mentions: its
        actors, and its places, which stand for their country where no actor is acted on."""
        index = ActorIndex([m for m in actors if m.kind in ("actor", "")], _places(actors))
        triggers = self._top_level_triggers(sent, index)
        events = [self._event(t, index, sentence_index) for t in triggers]
        return _distinct([event for event in events if event is not None])

    # -- triggers ---------------------------------------------------------------------------

    def _find_triggers(self, sent, actors: ActorIndex) -> list[Trigger]:
        triggers, consumed, game = [], set(), None
        for token in sent:
            trigger, complement = self._trigger_at(token, actors)
            if trigger and is_result(token):  # "Essex beat Kent" in a game is not an assault
                game = is_game_sentence(sent) if game is None else game
                if game:
                    continue
            if trigger:
                triggers.append(trigger)
                consumed.add(complement)
        # a complement that completed an entry ("hold talks", "lay siege") is not an event again
        triggers = [t for t in triggers if t.index not in consumed]
        triggers = _apply_stopping_verbs(triggers)
        return triggers + _modal_demands(sent, triggers)

    def _trigger_at(self, token, actors: ActorIndex) -> tuple[Trigger | None, int | None]:
        if token.dep_ in NOT_TRIGGER_DEPS:
            return None, None
        if token.pos_ == "VERB":
            match, is_verb = self.lexicon.match_verb(token), True
        elif token.pos_ == "NOUN":
            match, is_verb = self.lexicon.match_noun(token), False
        else:
            return None, None
        if match is None:
            return None, None
        if match.from_dictionary and not acts_on_actor(
            token, match.complement_index, actors, self.lexicon
        ):
            return None, None  # "contained the outbreak": another sense of the verb
        code = self._sharpened_by_complement(match.code, token.doc, match.complement_index)
        code = negate(code) if _is_negated(token) else code
        return Trigger(token, code, is_verb), match.complement_index

    def _sharpened_by_complement(self, code: str, doc, complement_index: int | None) -> str:
        """The object noun's finer code wins: "send humanitarian aid" is 073, not 070."""
        if complement_index is None or doc[complement_index].pos_ != "NOUN":
            return code
        noun_match = self.lexicon.match_noun(doc[complement_index])
        if noun_match and _is_finer(noun_match.code, code):
            return noun_match.code
        return code

    def _top_level_triggers(self, sent, actors: ActorIndex) -> list[Trigger]:
        """Triggers not framed by another one; each framing trigger keeps what it frames."""
        triggers = self._find_triggers(sent, actors)
        by_index = {t.index: t for t in triggers}
        top_level = []
        for trigger in triggers:
            outer = _framing_trigger(trigger, by_index)
            if outer is None:
                top_level.append(trigger)
            else:
                outer.framed.append(trigger)
        return top_level

    # -- events -----------------------------------------------------------------------------

    def _event(self, trigger: Trigger, actors: ActorIndex, sentence_index: int) -> dict | None:
        if trigger.code is None:
            return None
        mood = mood_of(trigger.token)
        roles = _with_framed_target(trigger, _roles(trigger, actors), actors)
        roles = _with_place_target(trigger, _with_addressee(trigger, roles, actors), actors)
        source, target = _resolve_source(trigger, roles, actors), roles.target
        source = _located_people(trigger.token.doc, source, actors)
        code = blocking_by(self._final_code(trigger), source.actor and source.actor.code)
        code = code_in_mood(code, mood)
        if code is None:
            return None
        if mood is Mood.OBLIGATION and (trigger.by_modal or code != trigger.code):
            source, target = _speaker(trigger, actors), source.actor  # "Y said X must ..."
            if trigger.by_modal and (target is None or speaker_of(trigger.token) is None):
                return None  # an unattributed "must" is commentary, not a demand
        if source.actor is None and (target is None or _is_bare_place(target, source)):
            return None  # no actor on either side: nothing to attribute the event to
        return _event_dict(code, source, target, sentence_index)

    def _final_code(self, trigger: Trigger) -> str:
        code = trigger.code
        for inner in trigger.framed:
            if inner.code:
                code = frame(code, inner.code)
                break
        if code == FORCE_CODE:
            code = self.lexicon.instrument_code(_instrument_tokens(trigger.token)) or code
        return code


def _is_finer(code: str, than: str) -> bool:
    """073 is finer than 070 ("provide aid, not specified") and than 07; 0733 than 073."""
    family = than[:2] if len(than) == 3 and than.endswith("0") else than
    return code != than and code.startswith(family) and len(code) >= len(than)


def _apply_stopping_verbs(triggers: list[Trigger]) -> list[Trigger]:
    """Recode events ended or prevented by their verb ("halted talks"); the verb is not coded."""
    stopping_verbs = set()
    for trigger in triggers:
        head = trigger.token.head
        if trigger.token.dep_ in STOPPED_DEPS and is_stopping_verb(head.lemma_.lower()):
            trigger.code = trigger.code and stopped(head.lemma_.lower(), trigger.code)
            trigger.stopped_by = head
            stopping_verbs.add(head.i)
    return [t for t in triggers if t.index not in stopping_verbs]


def _modal_demands(sent, triggers: list[Trigger]) -> list[Trigger]:
    """Clauses with "must"/"should" and no coded word: reported, they are demands."""
    covered = {t.index for t in triggers}
    demands = []
    for token in sent:
        if token.pos_ in ("VERB", "AUX") and has_obligation_modal(token):
            if not any(word.i in covered for word in token.subtree):
                demands.append(Trigger(token, "100", is_verb=True, by_modal=True))
    return demands


def _is_negated(token) -> bool:
    return any(
        child.dep_ in ("neg", "det", "advmod") and child.lower_ in NEGATING_WORDS
        for child in token.children
    )


def _framing_trigger(trigger: Trigger, by_index: dict[int, Trigger]) -> Trigger | None:
    """The trigger whose clause embeds this one, when that trigger frames what it embeds."""
    token = trigger.token
    while token.head.i != token.i and _embeds(token):
        token = token.head
        outer = by_index.get(token.i)
        if outer is not None:
            return outer if _frames(outer, trigger) else None
    return None


def _embeds(token) -> bool:
    if token.dep_ == "prep":
        return token.lower_ in EMBEDDING_PREPS
    return token.dep_ in EMBEDDING_DEPS


def _frames(outer: Trigger, inner: Trigger) -> bool:
    if outer.code is None or is_framing(outer.code):
        return True
    # "attacked with airstrikes": one use of force, named more precisely by the noun
    if inner.code and _is_finer(inner.code, outer.code):
        outer.code = inner.code
        return True
    return False


def _roles(trigger: Trigger, actors: ActorIndex) -> Roles:
    if trigger.stopped_by is not None:  # "police banned the opposition march": police -> opposition
        roles = verb_roles(trigger.stopped_by, actors)
        inner = _own_roles(trigger, actors)
        for candidate in (roles.target, inner.source.actor, inner.target):
            if candidate is not None and candidate is not roles.source.actor:
                return Roles(roles.source, candidate)
        return roles
    return _own_roles(trigger, actors)


def _own_roles(trigger: Trigger, actors: ActorIndex) -> Roles:
    if trigger.is_verb:
        return verb_roles(trigger.token, actors)
    return noun_roles(trigger.token, actors)


def _with_framed_target(trigger: Trigger, roles: Roles, actors: ActorIndex) -> Roles:
    """A framing event with no target takes one from what it frames ("threatened to attack Y")."""
    if roles.target is not None:
        return roles
    for inner in trigger.framed:
        inner_roles = _roles(inner, actors)
        for candidate in (inner_roles.source.actor, inner_roles.target):
            if candidate is not None and candidate is not roles.source.actor:
                return Roles(roles.source, candidate)
    return roles


def _with_addressee(trigger: Trigger, roles: Roles, actors: ActorIndex) -> Roles:
    """A demand, appeal, accusation, rejection or threat about a clause targets its subject."""
    if roles.target is not None or not trigger.code or trigger.code[:2] not in ADDRESSED_ROOTS:
        return roles
    target = clause_target(trigger.token, actors, roles.source.actor)
    return Roles(roles.source, target) if target is not None else roles


def _with_place_target(trigger: Trigger, roles: Roles, actors: ActorIndex) -> Roles:
    """No actor acted on: the place the event (or what it frames) is aimed at or done in."""
    if roles.target is not None:
        return roles
    for word in (trigger.stopped_by, trigger.token, *(inner.token for inner in trigger.framed)):
        place = place_target(word, actors) if word is not None else None
        if place is not None:
            return Roles(roles.source, place)
    return roles


def _is_bare_place(target: Mention, source: Argument) -> bool:
    """A place target with no source named at all ("were killed in Y") makes no event."""
    return target.kind == "location" and source.text is None


def _places(mentions: Sequence[Mention]) -> list[Mention]:
    """Place mentions standing for their country, as an event's target of last resort."""
    return [
        dataclasses.replace(m, code=m.place.country)
        for m in mentions
        if m.kind == "location" and m.place is not None and m.place.country
    ]


def _resolve_source(trigger: Trigger, roles: Roles, actors: ActorIndex) -> Argument:
    """The source, falling back to the nearest earlier actor for pronouns and bare clauses."""
    source = roles.source
    if source.actor is not None:
        return source
    # a passive without agent ("rebels were attacked") names no doer on purpose, and an event
    # noun deep in a phrase ("during the fighting") has none here either
    has_no_doer = not trigger.is_verb or is_passive(trigger.token)
    if source.is_pronoun or (source.text is None and not has_no_doer):
        if source.is_pronoun and source.token is not None:
            # before the pronoun, not merely before the trigger: "forces pushed as they
            # encircled rebel districts and reimposed a siege"
            earlier = actors.antecedent(source.token, exclude=roles.target)
        else:
            earlier = actors.before(trigger.token, exclude=roles.target)
        if earlier is not None:
            return Argument(earlier, earlier.text)
    return source


def _located_people(doc, source: Argument, actors: ActorIndex) -> Argument:
    """A people named by nationality or ethnicity and placed in another country ("Hungarians
    in northern Serbia", "the Kurds of Syria") acts from where it lives: coded as that country,
    as news event data codes a population by its location. A role ("Hungarian troops in
    Serbia", coded HUNMIL) keeps its nationality's code."""
    people = source.actor
    if people is None or people.type != "NORP" or actors.places is None:
        return source
    if people.code is not None and len(people.code) != 3:  # a role: HUNMIL
        return source
    span = doc.char_span(people.start, people.end, alignment_mode="expand")
    if span is None:
        return source
    for prep in span.root.children:
        if prep.dep_ == "prep" and prep.lower_ in LOCATING_PREPS:
            place = actors.places.in_subtree(prep)
            if place is not None and place.code != people.code:
                return Argument(dataclasses.replace(people, code=place.code), source.text,
                                source.token)
    return source


def _speaker(trigger: Trigger, actors: ActorIndex) -> Argument:
    verb = speaker_of(trigger.token)
    return clause_subject(verb, actors) if verb is not None else Argument(None, None)


def _instrument_tokens(token) -> list:
    """Words that may name the weapon used: subject, object, "with"/"by" objects, modifiers."""
    near = [token, *token.children]
    if token.dep_ in ("dobj", "pobj"):
        near.append(token.head.head if token.dep_ == "pobj" else token.head)
    words = []
    for word in near:
        words.append(word)
        words.extend(word.children)
        if word.dep_ in ("prep", "agent"):
            words.extend(grand for child in word.children for grand in child.children)
    return words


def _actor_dict(mention: Mention | None, text: str | None = None) -> dict:
    if mention is None:
        return {"code": None, "text": text}
    return {"code": mention.code, "text": mention.text}


def _event_dict(code: str, source: Argument, target: Mention | None, sentence_index: int) -> dict:
    entry = cameo_code(code)
    return {
        "source": _actor_dict(source.actor, source.text),
        "target": _actor_dict(target) if target is not None else None,
        "cameo_code": code,
        "cameo_root": entry.root,
        "quad_class": entry.quad_class,
        "goldstein": entry.goldstein,
        "plover_event": entry.plover_event,
        "sentence_index": sentence_index,
    }


def _distinct(events: list[dict]) -> list[dict]:
    """Drop repeats, and a targetless event when the same code and source come with a target."""

    def coded_by(event: dict) -> tuple:
        return event["cameo_code"], event["source"]["code"], event["source"]["text"]

    with_target = {coded_by(e) for e in events if e["target"] is not None}
    distinct: dict[tuple, dict] = {}
    for event in events:
        if event["target"] is None and coded_by(event) in with_target:
            continue
        target = event["target"] or {}
        distinct.setdefault((*coded_by(event), target.get("code"), target.get("text")), event)
    return list(distinct.values())


@functools.cache
def load_event_coder() -> EventCoder:
    """The process-wide coder; the lexicon is read on the first call, not at import."""
    return EventCoder(load_event_lexicon())
