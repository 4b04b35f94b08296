"""Who did what to whom: find an event's source and target actors in a dependency parse.

The source is the actor inside the trigger's subject (the `by` agent for a passive verb); the
target is the actor inside its object or a prepositional object. Clauses without a subject of
their own borrow one: "X pushed to encircle Y" (xcomp), "X attacked and captured Y" (conj),
"X urged Y to withdraw" (the object controls the inner verb).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from streams.extraction.types import Mention

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
# "X is opposed to Y", "X was engaged in fighting": passive in form, X is the one who acts.
STATIVE_PARTICIPLES = frozenset(
    {"oppose", "commit", "prepare", "determine", "dedicate", "engage", "involve"}
)
OBJECT_DEPS = ("dobj", "dative", "iobj", "attr", "oprd")
# Prepositions that introduce an event's target, preferred first; "in"/"near" introduce places.
TARGET_PREPS = (
    "with", "against", "on", "upon", "to", "toward", "towards", "from", "at", "into", "over",
    "for", "of", "between", "among",
)  # fmt: skip
# Prepositions after which a place is what the event is aimed at or done in, when no actor is:
# "withdrew troops from Y", "sent inspectors to Y", "imposed a curfew in Y", "a blockade of Y".
PLACE_TARGET_PREPS = frozenset(
    {"to", "from", "into", "in", "inside", "toward", "towards", "against", "on", "at", "across",
     "of"}
)  # fmt: skip
# Clauses inside a noun phrase: their actors are not the phrase's own ("the militia, which Y
# backs, ..." names the militia, not Y).
CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis"})
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her", "our"})
OWN_FORCE_ROLES = frozenset({"MIL", "COP", "SPY"})  # what a state sends, moves and withdraws
STATE_ROLES = frozenset({"", "GOV", "MIL"})
# Verbs that report rather than act: who says something is rarely who "they" are in the next
# clause ("forces advanced, the media said, as they pushed on").
REPORTING_VERBS = frozenset(
    {"say", "tell", "report", "announce", "add", "state", "claim", "confirm", "write", "quote"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
# what an actor issues and what then acts for it: "X adopted a resolution condemning Y"
DOCUMENTS = frozenset(
    {"law", "bill", "decree", "resolution", "order", "measure", "statement", "declaration",
     "motion", "amendment", "ordinance", "directive", "regulation", "communique", "letter"})
ISSUING_VERBS = frozenset(
    {"approve", "pass", "adopt", "sign", "issue", "enact", "introduce", "publish", "release",
     "send", "draft", "unveil", "endorse"})
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "who", "which", "that", "this"})
MAX_SUBJECT_CLIMB = 6  # clauses climbed to find a borrowed subject; parses have no cycles


@dataclass(frozen=True, slots=True)
class Argument:
    """A subject or object: the actor found in it, and its words when no actor names it."""

    actor: Mention | None
    text: str | None = None
    token: object = None  # the head word, where a pronoun stands: its antecedent comes before it

    @property
    def is_pronoun(self) -> bool:
        return self.actor is None and (self.text or "").lower() in PRONOUNS


NO_ARGUMENT = Argument(None, None)


@dataclass(frozen=True, slots=True)
class Roles:
    source: Argument
    target: Mention | None


class ActorIndex:
    """The sentence's actor mentions, looked up by the tokens that contain them.

    `places` are the sentence's places standing for their country (code = the place's country),
    a target only where no actor is acted on (see `place_target`).
    """

    def __init__(self, actors: Sequence[Mention], places: Sequence[Mention] = ()):
        self.actors = sorted(actors, key=lambda m: m.start)
        self.places = ActorIndex(places) if places else None

    def in_tokens(self, tokens: Iterable, head=None, exclude: Mention | None = None):
        """The actor in `tokens`: the one covering `head` if any, else the first one."""
        tokens = list(tokens)
        if not tokens:
            return None
        start = min(t.idx for t in tokens)
        end = max(t.idx + len(t) for t in tokens)
        found = [m for m in self.actors if m.start < end and start < m.end and not _same_span(m, exclude)]
        if head is not None:
            for mention in found:
                if mention.start < head.idx + len(head) and head.idx < mention.end:
                    return self._with_apposition_code(_coded_cover(mention, found), head)
        if not found:
            return None
        # none is the head's: the first with a code ("the pro-Western Amal movement": the
        # uncoded "pro-Western" only describes it)
        first = _coded_cover(found[0], found)
        return first if first.code else next((m for m in found if m.code), first)

    def _with_apposition_code(self, mention: Mention, head) -> Mention:
        """An unknown name takes the code of the actor its apposition names: "X, the head of
        a Ghanaian farmers' union, ..." is Ghanaian whoever X is."""
        if mention.code:
            return mention
        for child in _children(head, ("appos",)):
            described = self.in_tokens(phrase_tokens(child), head=child, exclude=mention)
            if described is not None and described.code:
                return replace(mention, code=described.code)
        return mention

    def in_subtree(self, token, exclude: Mention | None = None):
        return self.in_tokens(token.subtree, head=token, exclude=exclude)

    def in_phrase(self, token, exclude: Mention | None = None):
        """The actor of a noun phrase, not looking into the clauses that modify it."""
        return self.in_tokens(phrase_tokens(token), head=token, exclude=exclude)

    def before(self, token, exclude: Mention | None = None):
        """The nearest actor that ends before `token` (a crude stand-in for coreference)."""
        earlier = [m for m in self.actors if m.end <= token.idx and not _same_span(m, exclude)]
        return earlier[-1] if earlier else None

    def antecedent(self, pronoun, exclude: Mention | None = None):
        """What a subject pronoun stands for: for "they", "he", ... the nearest earlier actor
        that is itself the subject of an action, else (and for "which", "who", the noun the
        clause hangs on) the nearest earlier actor."""
        earlier = [m for m in self.actors if m.end <= pronoun.idx and not _same_span(m, exclude)]
        personal = pronoun.lower_ not in RELATIVE_PRONOUNS
        for mention in reversed(earlier if personal else ()):
            span = pronoun.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is not None and _acts(span.root):
                return mention
        return earlier[-1] if earlier else None


def _same_span(mention: Mention, other: Mention | None) -> bool:
    """Identity by place in the text: an actor coded by its apposition is a copy."""
    return other is not None and (mention.start, mention.end) == (other.start, other.end)


def _coded_cover(mention: Mention, found: Sequence[Mention]) -> Mention:
    """An uncoded word inside a coded actor phrase stands for the phrase: "Syrian" in "the
    Syrian parliament" (SYRLEG) keeps no code of its own, so the phrase is the one that acts."""
    if mention.code:
        return mention
    covers = [m for m in found if m.code and m.start <= mention.start and mention.end <= m.end]
    return max(covers, key=lambda m: m.end - m.start) if covers else mention


def _acts(head) -> bool:
    """True for the head of a subject (or of a conjunct of one) of a verb that is not a
    reporting verb."""
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    return (head.dep_ in SUBJECT_DEPS and head.head.pos_ in ("VERB", "AUX")
            and head.head.lemma_.lower() not in REPORTING_VERBS)


def _children(token, deps) -> list:
    return [child for child in token.children if child.dep_ in deps]


def phrase_tokens(token) -> list:
    """`token`'s subtree without its relative and other embedded clauses."""
    tokens = [token]
    for child in token.children:
        if child.dep_ not in CLAUSE_DEPS:
            tokens.extend(phrase_tokens(child))
    return tokens


def _phrase(token) -> str:
    """The words of a noun phrase up to its head ("Syrian government forces")."""
    return token.doc[token.left_edge.i : token.i + 1].text


def is_passive(verb) -> bool:
    if verb.lemma_.lower() in STATIVE_PARTICIPLES:
        return False
    if any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children):
        return True
    return verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod")


def _agent(verb, actors: ActorIndex) -> Argument:
    for agent in _children(verb, ("agent",)):
        for pobj in _children(agent, ("pobj",)):
            return Argument(actors.in_phrase(pobj), _phrase(pobj))
    return NO_ARGUMENT


def _authored(noun) -> bool:
    """A document its author issues, as object of the issuing: "X passed a law recognizing Y"
    (the law acts for X; "X condemned the attack killing Y" does not make X the attacker)."""
    return (noun.lemma_.lower() in DOCUMENTS and noun.dep_ == "dobj"
            and noun.head.lemma_.lower() in ISSUING_VERBS)


def clause_subject(verb, actors: ActorIndex, climbs: int = 0) -> Argument:
    """The doer of `verb`: its own subject, or one borrowed from the clause it hangs on."""
    if is_passive(verb):
        return _agent(verb, actors)
    for subject in _children(verb, SUBJECT_DEPS | {"nsubjpass"}):
        return Argument(actors.in_phrase(subject), _phrase(subject), subject)
    if climbs >= MAX_SUBJECT_CLIMB:
        return NO_ARGUMENT
    return _borrowed_subject(verb, actors, climbs + 1)


def _borrowed_subject(verb, actors: ActorIndex, climbs: int) -> Argument:
    dep, head = verb.dep_, verb.head
    if dep == "pcomp" and head.dep_ == "prep":  # "accused X of attacking"
        dep, head = "xcomp", head.head
    if dep in ("xcomp", "conj") and is_passive(head) and not is_passive(verb):
        # "X was indicted ... and will resign", "X was forced to withdraw": X does it
        for subject in _children(head, ("nsubjpass",)):
            return Argument(actors.in_phrase(subject), _phrase(subject))
    if dep == "xcomp":
        controller = _object_actor(head, actors)  # "urged X to withdraw": X withdraws
        if controller:
            return Argument(controller, controller.text)
        return clause_subject(head, actors, climbs)
    if dep in ("conj", "advcl", "ccomp", "acomp") and head.pos_ in ("VERB", "AUX"):
        return clause_subject(head, actors, climbs)
    if dep in ("relcl", "acl"):  # "rebels who attacked ...", "troops advancing on ..."
        actor = actors.in_tokens([head], head=head)
        if actor is None and dep == "acl" and _authored(head):
            return clause_subject(head.head, actors, climbs)  # "X passed a law recognizing Y"
        return Argument(actor, head.text)
    return NO_ARGUMENT


def _object_actor(verb, actors: ActorIndex):
    for obj in _children(verb, OBJECT_DEPS):
        mention = actors.in_phrase(obj)
        if mention:
            return mention
    return None


def _prep_targets(token, actors: ActorIndex, exclude: Mention | None):
    preps = [c for c in token.children if c.dep_ == "prep" and c.lower_ in TARGET_PREPS]
    preps.sort(key=lambda p: TARGET_PREPS.index(p.lower_))
    for prep in preps:
        for pobj in _children(prep, ("pobj",)):
            mention = actors.in_phrase(pobj, exclude=exclude)
            if mention:
                return mention
    return None


def verb_target(verb, actors: ActorIndex, source: Mention | None):
    """The actor acted on: the passive subject, the object, or a prepositional object.

    An object that is the source's own ("sent its troops to Y", "withdrew its forces from Y")
    is what the source moves, not whom it acts on: a prepositional target, actor or place,
    comes first.
    """
    if is_passive(verb):
        for subject in _children(verb, ("nsubjpass",)):
            mention = actors.in_phrase(subject, exclude=source)
            if mention:
                return mention
        if verb.dep_ in ("acl", "amod"):  # "the rebels besieged by ..."
            mention = actors.in_tokens([verb.head], head=verb.head, exclude=source)
            if mention:
                return mention
    own = None
    for obj in _children(verb, OBJECT_DEPS):
        mention = actors.in_phrase(obj, exclude=source)
        if mention and _belongs_to(mention, obj, source):
            own = own or mention
        elif mention:
            return mention
    if own is not None:
        return _prep_targets(verb, actors, source) or _place_after_prep(verb, actors) or own
    return _prep_targets(verb, actors, source) or _subject_partner(verb, actors, source)


def _belongs_to(mention: Mention, obj, source: Mention | None) -> bool:
    """The source's own people or forces: "Israel ... its soldiers", "the UN ... UN monitors"."""
    if source is None or not source.code or not mention.code:
        return False
    owned = obj is not None and any(
        c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS for c in obj.children
    )
    if owned and mention.nominal:
        return True  # "Russia withdrew its troops": whatever country the bare noun was given
    if mention.code[:3] != source.code[:3]:
        return False  # not "Syrian forces attacked Syrian rebels" either: those are other actors
    state = source.code[3:6] in STATE_ROLES
    return owned or mention.code == source.code or (state and mention.code[3:6] in OWN_FORCE_ROLES)


def _place_after_prep(token, actors: ActorIndex):
    if actors.places is None:
        return None
    for prep in _children(token, ("prep",)):
        if prep.lower_ in PLACE_TARGET_PREPS:
            for pobj in _children(prep, ("pobj",)):
                mention = actors.places.in_subtree(pobj)
                if mention:
                    return mention
    return None


def clause_target(verb, actors: ActorIndex, source: Mention | None):
    """The subject of the clause a demand or accusation is about: "X demanded that Y end ..."."""
    for clause in _children(verb, ("ccomp",)):
        for subject in _children(clause, SUBJECT_DEPS | {"nsubjpass"}):
            mention = actors.in_phrase(subject, exclude=source)
            if mention:
                return mention
    return None


def place_target(token, actors: ActorIndex):
    """With no actor acted on, the place the event is aimed at or done in, standing for its
    country: "shelled Y", "Y's efforts", "withdrew from Y", "evacuated the villages in Y", "a
    blockade of Y", "agreed to open an office in Y" (through the clause the verb governs)."""
    if actors.places is None:
        return None
    words = [token, *_children(token, ("xcomp",))]
    for word in words:
        for obj in _children(word, ("dobj", "nsubjpass")):
            mention = actors.places.in_phrase(obj)
            if mention:
                return mention
        for head in (word, *_children(word, ("dobj", "nsubjpass"))):
            mention = _place_after_prep(head, actors)
            if mention:
                return mention
    return None


def _subject_partner(verb, actors: ActorIndex, source: Mention | None):
    """"Kerry and Lavrov will meet": with no object, the subject's conjunct is the other side."""
    for subject in _children(verb, ("nsubj",)):
        for partner in (t for t in subject.subtree if t.dep_ == "conj"):
            mention = actors.in_tokens([partner], head=partner, exclude=source)
            if mention:
                return mention
    return None


def verb_roles(verb, actors: ActorIndex) -> Roles:
    source = clause_subject(verb, actors)
    return Roles(source, verb_target(verb, actors, source.actor))


def governing_verb(noun):
    """The verb whose object (or prepositional object) the event noun is, if any."""
    token = noun
    if token.dep_ == "pobj" and token.head.dep_ == "prep":
        token = token.head
    if token.dep_ in (*OBJECT_DEPS, "prep", "nsubjpass") and token.head.pos_ in ("VERB", "AUX"):
        return token.head
    return None


def noun_roles(noun, actors: ActorIndex) -> Roles:
    """Roles of an event noun: "Israeli airstrikes on X", "X launched an attack on Y"."""
    modifiers = [t for t in noun.subtree if t.i < noun.i and t.dep_ not in ("det", "punct")]
    modifier_actor = actors.in_tokens(modifiers)
    source = Argument(modifier_actor, modifier_actor.text) if modifier_actor else NO_ARGUMENT
    for prep in _children(noun, ("prep",)):
        if prep.lower_ == "by" and not source.actor:
            for pobj in _children(prep, ("pobj",)):
                source = Argument(actors.in_phrase(pobj), _phrase(pobj))
        if prep.lower_ == "between" and not source.actor:  # "talks between X and Y"
            source = Argument(actors.in_subtree(prep), None)
    verb = governing_verb(noun)
    if not source.actor and verb is not None:
        source = clause_subject(verb, actors)
    target = _prep_targets(noun, actors, source.actor)
    if target is not None and _belongs_to(target, None, source.actor):
        # "the withdrawal of its forces from Y": the forces are the source's own
        target = (_prep_targets(noun, actors, target) or _place_after_prep(noun, actors)
                  or target)
    if target is None and noun.dep_ in SUBJECT_DEPS:  # "airstrikes hit rebel positions"
        target = verb_target(noun.head, actors, source.actor)
    if target is None and verb is not None and noun.dep_ == "dobj":  # "gave Y a grant"
        target = verb_target(verb, actors, source.actor)
    if target is None and verb is not None and noun.dep_ == "pobj":  # "engaged X in talks"
        target = _object_actor(verb, actors)
        target = None if target is source.actor else target
    return Roles(source, target)
